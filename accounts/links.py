"""Single-use links mailed to a person: to confirm their email, reset their
password or move their account to a new email.

The token is random (256 bits) and only its SHA-256 is stored, so the table
does not hold working links. A link works until it is used or expires;
using one voids the other unused links of its purpose for that person (an
older mail no longer works once a newer one did the job).
"""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from accounts.models import AccountLink, LinkPurpose
from extensions import db

LIFETIMES = {
    LinkPurpose.VERIFY_EMAIL: timedelta(hours=24),
    LinkPurpose.RESET_PASSWORD: timedelta(hours=1),
    LinkPurpose.CHANGE_EMAIL: timedelta(hours=24),
}
# Longer than any token issued here: anything longer is not looked up.
MAX_TOKEN_LENGTH = 100


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def issue(user, purpose, now, new_email=None):
    """A new link for `user`; returns its token, which only the mail holds."""
    token = secrets.token_urlsafe(32)
    db.session.add(AccountLink(user=user, purpose=purpose.value, token_hash=_hash(token), new_email=new_email,
                               created_at=now, expires_at=now + LIFETIMES[purpose]))
    db.session.flush()
    return token


def find(token, purpose, now):
    """The link of `purpose` this token opens, or None when it is unknown,
    used, voided or expired."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    link = db.session.scalar(select(AccountLink).where(AccountLink.token_hash == _hash(token),
                                                       AccountLink.purpose == purpose.value))
    if link is None or link.used_at is not None or link.expires_at <= now:
        return None
    return link


def use(link, now):
    """Spend the link, and void the person's other unused links of its purpose."""
    void(link.user_id, now, LinkPurpose(link.purpose))
    link.used_at = now
    db.session.flush()


def void(user_id, now, *purposes):
    """End the person's unused links of these purposes (all when none are named)."""
    query = update(AccountLink).where(AccountLink.user_id == user_id, AccountLink.used_at.is_(None))
    if purposes:
        query = query.where(AccountLink.purpose.in_([purpose.value for purpose in purposes]))
    db.session.execute(query.values(used_at=now))
