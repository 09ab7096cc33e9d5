"""Self-service accounts, in the services: registering and confirming by a
mailed link, resetting a password, moving to a new email; single-use links
that expire, the same answer for every email, and limits on mailing."""

import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from accounts import self_service, signin
from accounts.models import LoginSession, User
from accounts.passwords import verify_password
from accounts.roles import Role
from accounts.sign_in_limits import TooManyAttempts
from accounts.users import UserError
from audit.models import AuditEntry
from mail.models import OutboxMessage
from tests.conftest import PASSWORD

T0 = datetime(2026, 3, 2, 8, tzinfo=timezone.utc)
HERE = "192.0.2.10"
NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def mailing(app, db, time_machine):
    """A request's context, as the views give the services, with the clock at T0."""
    time_machine.move_to(T0, tick=False)
    with app.test_request_context(base_url="https://attest.example.org"):
        yield


def messages(db, kind):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)).all()


def token_of(message, path):
    """The token of the link to `path` in the message, which must hold one."""
    return re.search(rf"https://attest\.example\.org/{path}/([A-Za-z0-9_-]+)", message.text_body).group(1)


def register(name="Ana Candidate", email="ana@example.org", password=PASSWORD, now=T0):
    return self_service.register(name, email, password, HERE, now)


def test_registering_makes_an_unconfirmed_candidate_that_cannot_sign_in_and_mails_a_link(db, mailing):
    user = register(email=" Ana@Example.org ")

    [message] = messages(db, "account.verify_email")
    assert (user.email, user.roles, user.email_verified_at) == ("ana@example.org", {Role.CANDIDATE}, None)
    assert (message.to_address, message.to_user_id) == ("ana@example.org", user.id)
    assert token_of(message, "verify-email")
    assert signin.authenticate("ana@example.org", PASSWORD, HERE) == (None, signin.UNCONFIRMED)
    assert signin.authenticate("ana@example.org", "wrong password", HERE) == (None, "wrong password")


def test_the_confirmation_link_confirms_once_and_then_the_candidate_signs_in(db, mailing):
    user = register()
    token = token_of(messages(db, "account.verify_email")[0], "verify-email")

    assert self_service.verify_email(token, HERE, T0 + timedelta(hours=1)) is user
    with pytest.raises(self_service.LinkGone):
        self_service.verify_email(token, HERE, T0 + timedelta(hours=1))
    assert user.email_verified_at == T0 + timedelta(hours=1)
    assert signin.authenticate(user.email, PASSWORD, HERE) == (user, None)


def test_the_confirmation_link_works_for_a_day(db, mailing):
    register()
    token = token_of(messages(db, "account.verify_email")[0], "verify-email")

    with pytest.raises(self_service.LinkGone):
        self_service.verify_email(token, HERE, T0 + timedelta(hours=24))
    assert self_service.verify_email(token, HERE, T0 + timedelta(hours=24) - timedelta(seconds=1))


def test_registering_a_taken_email_tells_its_owner_and_changes_nothing(db, create_user, mailing):
    owner = create_user("proctor", email="taken@example.org")

    assert register(email="TAKEN@example.org", password="another password") is None

    [message] = messages(db, "account.register_existing")
    assert (message.to_address, message.to_user_id) == ("taken@example.org", owner.id)
    assert "https://attest.example.org/forgot-password" in message.text_body
    assert messages(db, "account.verify_email") == []
    assert db.session.scalar(select(User).where(User.email == "taken@example.org")).roles == {Role.PROCTOR}
    assert verify_password(owner.password_hash, PASSWORD)


def test_registering_keeps_the_password_policy(db, mailing):
    with pytest.raises(UserError, match="at least 10 characters"):
        register(password="short")
    with pytest.raises(UserError, match="not a valid email"):
        register(email="not an email")


def test_a_new_confirmation_link_goes_only_to_an_unconfirmed_account_and_the_older_dies_when_it_is_used(
        db, create_user, mailing):
    create_user("candidate", email="confirmed@example.org")
    register()
    first = token_of(messages(db, "account.verify_email")[0], "verify-email")

    for email in ("nobody@example.org", "confirmed@example.org", "ana@example.org"):
        assert self_service.resend_verification(email, HERE, T0) is None
    [_, again] = messages(db, "account.verify_email")
    self_service.verify_email(token_of(again, "verify-email"), HERE, T0)

    assert again.to_address == "ana@example.org"
    with pytest.raises(self_service.LinkGone):
        self_service.verify_email(first, HERE, T0)


def signed_in_twice(user):
    for agent in ("phone", "laptop"):
        signin.start_login_session(user, HERE, agent)


def login_sessions_open(db, user):
    return db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id,
                                                         LoginSession.ended_at.is_(None))).all()


def test_a_reset_link_sets_the_password_once_and_ends_every_login_session(db, create_user, mailing):
    user = create_user("candidate")
    signed_in_twice(user)

    self_service.request_password_reset(user.email.upper(), HERE, T0)
    [message] = messages(db, "account.reset_password")
    token = token_of(message, "reset-password")
    self_service.reset_password(token, NEW_PASSWORD, HERE, T0 + timedelta(minutes=5))

    assert (message.to_address, message.to_user_id) == (user.email, user.id)
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert login_sessions_open(db, user) == []
    with pytest.raises(self_service.LinkGone):
        self_service.reset_password(token, "yet another passphrase", HERE, T0 + timedelta(minutes=6))
    actions = [entry.action for entry in db.session.scalars(select(AuditEntry).where(AuditEntry.object_id == str(user.id)))]
    assert actions[-2:] == ["user.password_reset_requested", "user.password_reset"]


def test_a_reset_link_works_for_an_hour(db, create_user, mailing):
    user = create_user("candidate")
    self_service.request_password_reset(user.email, HERE, T0)
    token = token_of(messages(db, "account.reset_password")[0], "reset-password")

    with pytest.raises(self_service.LinkGone):
        self_service.reset_password(token, NEW_PASSWORD, HERE, T0 + timedelta(hours=1))
    assert verify_password(user.password_hash, PASSWORD)


def test_a_password_too_short_leaves_the_reset_link_working(db, create_user, mailing):
    user = create_user("candidate")
    self_service.request_password_reset(user.email, HERE, T0)
    token = token_of(messages(db, "account.reset_password")[0], "reset-password")

    with pytest.raises(UserError):
        self_service.reset_password(token, "short", HERE, T0)
    assert self_service.reset_password(token, NEW_PASSWORD, HERE, T0) is user


def test_a_reset_for_an_unknown_or_inactive_email_answers_the_same_and_mails_nobody(db, create_user, mailing):
    inactive = create_user("candidate")
    inactive.active = False

    assert self_service.request_password_reset("nobody@example.org", HERE, T0) is None
    assert self_service.request_password_reset(inactive.email, HERE, T0) is None
    assert messages(db, "account.reset_password") == []


def test_a_reset_confirms_the_email_and_voids_a_pending_email_change(db, create_user, mailing):
    register()
    user = db.session.scalar(select(User).where(User.email == "ana@example.org"))
    user.email_verified_at = T0  # to ask for an email change, as a confirmed account
    self_service.request_email_change(user, PASSWORD, "elsewhere@example.org", HERE, T0)
    user.email_verified_at = None
    self_service.request_password_reset(user.email, HERE, T0)

    self_service.reset_password(token_of(messages(db, "account.reset_password")[0], "reset-password"),
                                NEW_PASSWORD, HERE, T0)

    assert user.email_verified_at == T0
    with pytest.raises(self_service.LinkGone):
        self_service.change_email(token_of(messages(db, "account.change_email")[0], "change-email"), HERE, T0)


def test_no_token_reaches_the_audit_log(db, create_user, mailing):
    user = create_user("candidate")
    register()
    self_service.request_password_reset(user.email, HERE, T0)
    self_service.request_email_change(user, PASSWORD, "moved@example.org", HERE, T0)
    tokens = [token_of(messages(db, kind)[0], path) for kind, path in [
        ("account.verify_email", "verify-email"), ("account.reset_password", "reset-password"),
        ("account.change_email", "change-email")]]
    self_service.verify_email(tokens[0], HERE, T0)
    self_service.reset_password(tokens[1], NEW_PASSWORD, HERE, T0)

    audited = json.dumps([[entry.action, entry.details] for entry in db.session.scalars(select(AuditEntry))])

    assert "user.password_reset" in audited and "user.email_verified" in audited
    assert not any(token in audited for token in tokens)


def test_the_email_changes_only_when_the_link_sent_to_the_new_address_is_followed(db, create_user, mailing):
    user = create_user("candidate", email="old@example.org")

    self_service.request_email_change(user, PASSWORD, "New@example.org", HERE, T0)
    [link] = messages(db, "account.change_email")
    assert (user.email, link.to_address, link.to_user_id) == ("old@example.org", "new@example.org", user.id)
    assert messages(db, "account.email_changed") == []

    self_service.change_email(token_of(link, "change-email"), HERE, T0 + timedelta(hours=2))

    [notice] = messages(db, "account.email_changed")
    assert user.email == "new@example.org"
    assert notice.to_address == "old@example.org" and "new@example.org" in notice.text_body
    assert "https://attest.example.org/" not in notice.text_body.split("--")[0]
    changed = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.email_changed")).one()
    assert changed.details == {"before": {"email": "old@example.org"}, "after": {"email": "new@example.org"}}
    assert changed.actor_id == user.id
    with pytest.raises(self_service.LinkGone):
        self_service.change_email(token_of(link, "change-email"), HERE, T0 + timedelta(hours=2))


def test_an_email_change_needs_the_password_and_a_new_address(db, create_user, mailing):
    user = create_user("candidate")

    with pytest.raises(UserError, match="password is not correct"):
        self_service.request_email_change(user, "not my password", "new@example.org", HERE, T0)
    with pytest.raises(UserError, match="your email already"):
        self_service.request_email_change(user, PASSWORD, user.email.upper(), HERE, T0)
    assert messages(db, "account.change_email") == []


def test_an_email_change_to_a_taken_address_sends_no_link_and_answers_the_same(db, create_user, mailing):
    user, other = create_user("candidate"), create_user("candidate")

    assert self_service.request_email_change(user, PASSWORD, other.email, HERE, T0) is None
    assert messages(db, "account.change_email") == []


def test_an_email_change_link_fails_when_its_address_was_taken_since(db, create_user, mailing):
    user = create_user("candidate", email="old@example.org")
    self_service.request_email_change(user, PASSWORD, "new@example.org", HERE, T0)
    create_user("candidate", email="new@example.org")

    with pytest.raises(UserError, match="has an Attest account now"):
        self_service.change_email(token_of(messages(db, "account.change_email")[0], "change-email"), HERE, T0)
    assert user.email == "old@example.org"


def test_mail_to_one_email_is_limited_whether_or_not_it_has_an_account_and_says_when(
        db, create_user, mailing, time_machine):
    user = create_user("candidate")
    for email in (user.email, "nobody@example.org"):
        for n in range(5):
            self_service.request_password_reset(email, f"203.0.113.{n}", T0)
        with pytest.raises(TooManyAttempts, match="Too many attempts to ask for mail; try again in 60 minutes"):
            self_service.resend_verification(email, "203.0.113.99", T0)

    assert len(messages(db, "account.reset_password")) == 5
    assert signin.authenticate(user.email, PASSWORD, "203.0.113.1") == (user, None)
    time_machine.shift(timedelta(hours=1))
    self_service.request_password_reset(user.email, HERE, T0 + timedelta(hours=1))


def test_mail_from_one_address_is_limited_across_emails(app, db, mailing, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_REQUEST_LIMIT_PER_ADDRESS", "3 per hour")
    for n in range(3):
        register(email=f"person{n}@example.org")

    with pytest.raises(TooManyAttempts):
        self_service.request_password_reset("person0@example.org", HERE, T0)
    assert self_service.request_password_reset("person0@example.org", "198.51.100.1", T0) is None
