"""Signing in and out: credentials checked, login sessions started and ended."""

import hashlib
import secrets
from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from accounts import sign_in_limits
from accounts.models import LoginSession, User
from accounts.passwords import spend_verification_time, verify_and_rehash
from audit import log
from clock import utcnow
from extensions import db

# Why `authenticate` refused a registration whose email is not confirmed yet.
UNCONFIRMED = "email not confirmed"


def normalise_email(email):
    return email.strip().lower()


def token_hash(token):
    """What is stored of a login token: its SHA-256, so a copy of the table signs no one in."""
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(email, password, origin, device_cookie=None):
    """(the active, confirmed user with these credentials, None), or (None, why not).
    Raises sign_in_limits.TooManyAttempts, before the password is checked, when
    a count this attempt falls in is used up, and passwords.HashingBusy, counting
    nothing, when no hashing slot frees in time; `device_cookie` is the browser's.
    A failure is counted and audited; a success is audited once its login
    session starts."""
    email = normalise_email(email)
    user = db.session.scalar(select(User).where(User.email == email))
    device = sign_in_limits.device_of(device_cookie, email)
    counts = sign_in_limits.counts_for(email, origin, device, known=user is not None)
    sign_in_limits.check(counts)
    if user is None:
        spend_verification_time(password)
    elif _password_matches(user, password) and user.active:
        if user.email_verified_at is None:
            # The right password, so not a guess to count; said only to
            # someone who knows it, so it tells a stranger nothing.
            _audit_failure(user, email, origin, UNCONFIRMED)
            return None, UNCONFIRMED
        sign_in_limits.note_sign_in(origin)
        return user, None
    sign_in_limits.count_failure(counts)
    reason = "unknown account" if user is None else ("inactive" if not user.active else "wrong password")
    _audit_failure(user, email, origin, reason)
    return None, reason


def _password_matches(user, password):
    """Whether the password is the user's; a hash made with an older profile
    is replaced by one under the current profile, so it is slow only once."""
    matches, rehashed = verify_and_rehash(user.password_hash, password)
    if rehashed is not None:
        user.password_hash = rehashed
    return matches


def _audit_failure(user, email, origin, reason):
    log.record(
        "user.sign_in_failed",
        log.Actor(None, origin),
        object_type="users",
        object_id=user.id if user else None,
        email=email,
        reason=reason,
    )


def start_login_session(user, origin, user_agent):
    """Open a login session for `user` and set the token the cookie will carry."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        LoginSession(token_hash=token_hash(token), user=user, origin=origin, user_agent=user_agent[:255])
    )
    log.record("user.sign_in", log.Actor(user.id, origin), user)
    user.login_token = token
    return user


def user_for_token(token, max_age):
    """The user of a live login session, with their roles, or None when it
    ended, expired or the account was deactivated: one query."""
    user = db.session.scalars(_user_read(), live_login_values(token, utcnow(), max_age)).unique().one_or_none()
    if user is not None:
        user.login_token = token
    return user


@cache
def _user_read():
    """Built once: every signed-in request runs it, and building costs more than running."""
    return (select(User).join(LoginSession, LoginSession.user_id == User.id)
            .options(joinedload(User.role_rows)).where(*live_login()))


def live_login():
    """Where a login session is live, for a statement built once: its token's
    hash is the one given, it has not ended, it started within the lifetime
    given and its account is active (conditions on LoginSession and User,
    joined; `live_login_values` binds them)."""
    return (LoginSession.token_hash == bindparam("login_token_hash"), LoginSession.ended_at.is_(None),
            LoginSession.started_at >= bindparam("login_since"), User.active.is_(True))


def live_login_values(token, now, max_age):
    return {"login_token_hash": token_hash(token), "login_since": now - max_age}


def end_login_session(token, origin):
    login = db.session.scalar(select(LoginSession).where(LoginSession.token_hash == token_hash(token)))
    if login is None or login.ended_at is not None:
        return
    login.ended_at = utcnow()
    log.record("user.sign_out", log.Actor(login.user_id, origin), login.user)


def end_all_login_sessions(user):
    for login in db.session.scalars(
        select(LoginSession).where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
    ):
        login.ended_at = utcnow()
