"""What a person does for their own account, proved by mail: registering
(as a candidate), confirming the email, resetting a forgotten password and
moving the account to a new email.

Each proof is a single-use link (`accounts.links`) mailed in the transaction
of the request that asks for it. A request about an email answers the same
whether or not an account holds it: the registration of a taken email mails
its owner instead, and a reset or a new confirmation link for an email
without an account mails nobody. Requests that mail are limited per client
address and per target email (`accounts.mail_limits`). Functions flush,
never commit; none puts a token in the audit log.
"""

from sqlalchemy.exc import IntegrityError

from accounts import links, mail_limits
from accounts.models import LinkPurpose, User, UserRole
from accounts.passwords import hash_password, verify_password
from accounts.roles import Role
from accounts.signin import end_all_login_sessions, normalise_email
from accounts.users import UserError, check_email_form, check_password, user_by_email
from audit import log
from extensions import db
from mail import outbox


class LinkGone(Exception):
    """The link was used, replaced by a newer one, or has expired."""


def register(name, email, password, origin, now):
    """A new candidate account, unconfirmed, and its confirmation link mailed;
    None (and the owner told) when the email has an account already."""
    email, name = normalise_email(email), name.strip()
    if not name:
        raise UserError("name", "Give your name.")
    check_email_form(email)
    check_password(password)
    mail_limits.count_request(origin, email)
    user = User(email=email, name=name, password_hash=hash_password(password), active=True, email_verified_at=None,
                role_rows=[UserRole(role=Role.CANDIDATE.value)])
    try:
        # The hash above is paid either way, so a taken email answers as
        # quickly as a new one; the unique email finds it, even one
        # registered by a request running at the same moment.
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        _tell_owner_of_registration(user_by_email(email), origin)
        return None
    log.record("user.registered", log.Actor(user.id, origin), user,
               after={"email": email, "name": name, "roles": [Role.CANDIDATE.value]})
    _send_verification(user, now)
    return user


def _tell_owner_of_registration(owner, origin):
    log.record("user.registration_refused", log.Actor(None, origin), owner, reason="email has an account")
    outbox.post(owner.email, "Someone tried to register with your email", "account_registered_again",
                "someone tried to register a new Attest account with this email address",
                kind="account.register_existing", to_user_id=owner.id, name=owner.name)


def _send_verification(user, now):
    token = links.issue(user, LinkPurpose.VERIFY_EMAIL, now)
    outbox.post(user.email, "Confirm your email for Attest", "account_verify_email",
                "an Attest account was registered with this email address",
                kind="account.verify_email", to_user_id=user.id, name=user.name, token=token)


def verify_email(token, origin, now):
    """Confirm the email of the link's account; returns the user."""
    link = links.find(token, LinkPurpose.VERIFY_EMAIL, now)
    if link is None or not link.user.active:
        raise LinkGone
    user = link.user
    links.use(link, now)
    user.email_verified_at = user.email_verified_at or now
    log.record("user.email_verified", log.Actor(user.id, origin), user)
    return user


def resend_verification(email, origin, now):
    """Mail a new confirmation link when `email` is an unconfirmed account's."""
    email = normalise_email(email)
    check_email_form(email)
    mail_limits.count_request(origin, email)
    user = user_by_email(email)
    if user is not None and user.active and user.email_verified_at is None:
        log.record("user.verification_resent", log.Actor(None, origin), user)
        _send_verification(user, now)


def request_password_reset(email, origin, now):
    """Mail a reset link when `email` is an active account's."""
    email = normalise_email(email)
    check_email_form(email)
    mail_limits.count_request(origin, email)
    user = user_by_email(email)
    if user is None or not user.active:
        return
    token = links.issue(user, LinkPurpose.RESET_PASSWORD, now)
    log.record("user.password_reset_requested", log.Actor(None, origin), user)
    outbox.post(user.email, "Reset your Attest password", "account_reset_password",
                "someone asked to reset the password of the Attest account with this email address",
                kind="account.reset_password", to_user_id=user.id, name=user.name, token=token)


def reset_password(token, password, origin, now):
    """Set the password of the link's account and end every login session of
    it. The link proves the person reads the account's mail, so it confirms
    the email too, and voids every other link (an email change asked by
    whoever knew the old password)."""
    link = links.find(token, LinkPurpose.RESET_PASSWORD, now)
    if link is None or not link.user.active:
        raise LinkGone
    check_password(password)
    user = link.user
    links.use(link, now)
    links.void(user.id, now)
    user.password_hash = hash_password(password)
    user.email_verified_at = user.email_verified_at or now
    end_all_login_sessions(user)
    log.record("user.password_reset", log.Actor(user.id, origin), user)
    return user


def request_email_change(user, password, new_email, origin, now):
    """Mail a link to `new_email`; only following it moves the account there.
    An email that has an account gets no link, and the answer is the same."""
    new_email = normalise_email(new_email)
    check_email_form(new_email, "new_email")
    if new_email == user.email:
        raise UserError("new_email", "This is your email already.")
    mail_limits.count_request(origin, new_email)
    if not verify_password(user.password_hash, password):
        raise UserError("password", "The password is not correct.")
    log.record("user.email_change_requested", log.Actor(user.id, origin), user, new_email=new_email)
    if user_by_email(new_email) is not None:
        return
    token = links.issue(user, LinkPurpose.CHANGE_EMAIL, now, new_email=new_email)
    outbox.post(new_email, "Confirm your new email for Attest", "account_confirm_new_email",
                "someone asked to move their Attest account to this email address",
                kind="account.change_email", to_user_id=user.id, name=user.name, token=token)


def change_email(token, origin, now):
    """Move the link's account to the email the link was sent to, and tell the old one."""
    link = links.find(token, LinkPurpose.CHANGE_EMAIL, now)
    if link is None or not link.user.active:
        raise LinkGone
    user, old = link.user, link.user.email
    if user_by_email(link.new_email) is not None:
        raise UserError("new_email", f"{link.new_email} has an Attest account now, so nothing was changed.")
    links.use(link, now)
    user.email = link.new_email
    log.record("user.email_changed", log.Actor(user.id, origin), user,
               before={"email": old}, after={"email": user.email})
    outbox.post(old, "Your Attest email was changed", "account_email_changed",
                "your Attest account used this email address until now",
                kind="account.email_changed", to_user_id=user.id, name=user.name, new_email=user.email)
    return user
