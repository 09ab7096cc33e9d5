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


def test_many_failures_from_one_address_are_refused(client):
    statuses = [sign_in(client, f"guess-{n}@example.org", "guess").status_code for n in range(101)]

    assert statuses[:100] == [200] * 100
    assert statuses[100] == 429
