"""Sign-in limits: failures per account and per address, never a room of candidates."""

from tests.conftest import sign_in


def test_the_eleventh_bad_password_in_a_minute_is_refused(client, create_user):
    user = create_user("candidate")

    failures = [sign_in(client, user.email, f"wrong {n}").status_code for n in range(10)]
    eleventh = sign_in(client, user.email)

    assert failures == [200] * 10
    assert eleventh.status_code == 429
    assert "Too many failed sign-ins for this account" in eleventh.get_data(as_text=True)


def test_an_account_limit_does_not_touch_other_accounts(client, create_user):
    attacked, other = create_user("candidate"), create_user("candidate")
    for n in range(11):
        sign_in(client, attacked.email, f"wrong {n}")

    assert sign_in(client, other.email).status_code == 302


def test_two_hundred_candidates_behind_one_address_all_sign_in(app, create_user):
    candidates = [create_user("candidate", email=f"room-{n}@example.org") for n in range(200)]

    statuses = {sign_in(app.test_client(), user.email).status_code for user in candidates}

    assert statuses == {302}


def test_guessing_at_unknown_accounts_from_one_address_is_refused(client):
    statuses = [sign_in(client, f"guess-{n}@example.org", "guess").status_code for n in range(101)]

    assert statuses[:100] == [200] * 100
    assert statuses[100] == 429
    assert "Too many sign-ins for unknown accounts from this address" in sign_in(client, "x@example.org").get_data(
        as_text=True
    )


def test_one_person_failing_does_not_lock_out_the_room(app, client, create_user):
    clumsy = create_user("candidate")
    room = [create_user("candidate") for _ in range(20)]
    for n in range(30):
        sign_in(client, clumsy.email, f"wrong {n}")

    statuses = {sign_in(app.test_client(), user.email).status_code for user in room}

    assert sign_in(client, clumsy.email).status_code == 429
    assert statuses == {302}


def test_sign_in_reads_only_form_data(client, create_user):
    user = create_user("candidate")

    response = client.post("/sign-in", json={"email": user.email, "password": "correct horse battery"})

    assert response.status_code == 200
    assert client.get("/home/candidate").status_code == 302
