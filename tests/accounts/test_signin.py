from argon2 import PasswordHasher

from accounts.models import LoginSession
from accounts.passwords import PROFILES
from audit.models import AuditEntry
from tests.conftest import PASSWORD, sign_in


def audit_actions(db):
    return [entry.action for entry in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))]


def test_sign_in_lands_on_the_role_home_page(client, create_user):
    user = create_user("proctor")

    response = sign_in(client, user.email)

    assert response.status_code == 302
    assert response.headers["Location"] == "/home/proctor"
    page = client.get("/home/proctor").get_data(as_text=True)
    assert "Proctor home" in page
    assert user.name in page


def test_sign_in_with_upper_case_email_and_spaces(client, create_user):
    create_user("rater", email="mixed@example.org")

    response = sign_in(client, "  MIXED@Example.org ")

    assert response.headers["Location"] == "/home/rater"


def test_wrong_password_is_refused_with_a_message_and_audited(client, create_user, db):
    user = create_user("candidate")

    response = sign_in(client, user.email, "not the password")

    assert response.status_code == 200
    assert "The email or password is not correct" in response.get_data(as_text=True)
    assert client.get("/home/candidate").status_code == 302
    failed = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "user.sign_in_failed")).one()
    assert failed.details == {"email": user.email, "reason": "wrong password"}
    assert failed.origin == "127.0.0.1"


def test_unknown_account_is_refused_with_the_same_message(client, db):
    response = sign_in(client, "nobody@example.org")

    assert "The email or password is not correct" in response.get_data(as_text=True)
    assert audit_actions(db) == ["user.sign_in_failed"]


def test_sign_in_then_sign_out_is_audited(client, create_user, db):
    user = create_user("candidate")

    sign_in(client, user.email)
    client.post("/sign-out")

    assert audit_actions(db)[-2:] == ["user.sign_in", "user.sign_out"]


def test_sign_out_ends_the_session_even_for_a_copied_cookie(app, client, create_user):
    user = create_user("candidate")
    sign_in(client, user.email)
    stolen = client.get_cookie("session").value

    client.post("/sign-out")
    replay = app.test_client()
    replay.set_cookie("session", stolen)

    assert replay.get("/home/candidate").status_code == 302


def test_sign_in_starts_a_new_session(client, create_user):
    user = create_user("candidate")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"

    sign_in(client, user.email)

    with client.session_transaction() as session:
        assert "planted" not in session


def test_a_session_cookie_planted_before_sign_in_stays_signed_out(app, client, create_user):
    """Session fixation: an attacker fetches the sign-in page, plants that cookie
    in the victim's browser and waits for the victim to sign in with it."""
    user = create_user("candidate")
    attacker = app.test_client()
    attacker.get("/sign-in")
    planted = attacker.get_cookie("session").value
    client.set_cookie("session", planted)

    assert sign_in(client, user.email).status_code == 302

    assert client.get("/home/candidate").status_code == 200
    assert client.get_cookie("session").value != planted
    assert attacker.get("/home/candidate").status_code == 302


def test_deactivated_user_is_signed_out_and_cannot_sign_in(client, create_user, db, login_as):
    user = create_user("candidate")
    sign_in(client, user.email)
    user.active = False
    db.session.commit()

    assert client.get("/home/candidate").status_code == 302
    response = sign_in(client, user.email)
    assert response.status_code == 200
    assert "account is inactive" in response.get_data(as_text=True)


def test_login_session_records_origin_and_end(client, create_user, db):
    user = create_user("candidate")
    sign_in(client, user.email, headers={"User-Agent": "ExamBrowser/1.0"})
    client.post("/sign-out")

    login = db.session.scalars(db.select(LoginSession).where(LoginSession.user_id == user.id)).one()
    assert login.origin == "127.0.0.1"
    assert login.user_agent == "ExamBrowser/1.0"
    assert login.ended_at is not None


def test_next_parameter_is_followed_only_within_the_site(client, create_user):
    user = create_user("admin")

    inside = client.post("/sign-in?next=/admin/users", data={"email": user.email, "password": PASSWORD})
    client.post("/sign-out")
    outside = client.post("/sign-in?next=https://evil.example/", data={"email": user.email, "password": PASSWORD})

    assert inside.headers["Location"] == "/admin/users"
    assert outside.headers["Location"] == "/home/admin"


def test_anonymous_visitor_of_a_protected_page_is_sent_to_sign_in(client):
    response = client.get("/admin/users")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_a_login_session_expires_after_its_lifetime(app, client, create_user, time_machine):
    user = create_user("candidate")
    time_machine.move_to("2026-03-02 08:00:00+00:00", tick=False)
    sign_in(client, user.email)

    time_machine.shift(app.config["PERMANENT_SESSION_LIFETIME"] - 60)
    assert client.get("/home/candidate").status_code == 200
    time_machine.shift(120)
    assert client.get("/home/candidate").status_code == 302


def test_sign_in_trusts_the_browser_for_that_account_alone(app, client, create_user):
    """A shared computer in the exam room: each candidate who signed in on it
    keeps it as their own device, whatever strangers try elsewhere meanwhile."""
    first, second, never = create_user("candidate"), create_user("candidate"), create_user("candidate")
    for user in (first, second):
        assert sign_in(client, user.email).status_code == 302
        client.post("/sign-out")
    stranger = app.test_client()
    for user in (first, second, never):
        for n in range(11):
            sign_in(stranger, user.email, f"guess {n}")

    assert [sign_in(stranger, user.email).status_code for user in (first, second)] == [429, 429]
    assert sign_in(client, first.email).status_code == 302
    client.post("/sign-out")
    assert sign_in(client, second.email).status_code == 302
    client.post("/sign-out")
    assert sign_in(client, never.email).status_code == 429


def test_a_failed_sign_in_gives_no_device_cookie(client, create_user):
    user = create_user("candidate")

    sign_in(client, user.email, "not the password")

    assert client.get_cookie("attest_device", path="/sign-in") is None


def test_a_hash_of_the_first_profile_signs_in_and_is_stored_again_under_the_current_one(client, create_user, db):
    # Attest hashed with RFC 9106's low-memory profile (64 MiB, 3 passes, 4
    # lanes) before OWASP's: those accounts still sign in, paying that once.
    user = create_user("candidate")
    first = PasswordHasher.from_parameters(PROFILES["RFC_9106_LOW_MEMORY"]).hash(PASSWORD)
    user.password_hash = first
    db.session.commit()

    assert sign_in(client, user.email, "not the password").status_code == 200
    db.session.refresh(user)
    assert user.password_hash == first
    assert sign_in(client, user.email).status_code == 302
    db.session.refresh(user)
    assert user.password_hash.startswith("$argon2id$v=19$m=8,t=1,p=1$")  # the tests' profile, CHEAPEST
    client.post("/sign-out")
    assert sign_in(client, user.email).status_code == 302
