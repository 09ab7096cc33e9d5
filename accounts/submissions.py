"""One-time submission tokens: a form that changes something is done once,
however often it is sent.

Each such form (`accounts.forms.OnceForm`) carries a random token, new each
time the form is drawn. The first sending claims it, in the same transaction
as its change, and keeps its answer: where it sent the person and the
messages it showed. A repeat with the same token (a double click, Back and
send again, a browser's resend) changes nothing and is given that answer.
A sending that changed nothing (refused, rolled back) leaves no claim, so it
can be sent again. Functions flush, never commit.
"""

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from accounts.models import FormSubmission
from extensions import db

TOKEN = re.compile(r"[A-Za-z0-9_-]{22,64}")


def new_token():
    return secrets.token_urlsafe(16)


@dataclass(frozen=True)
class Claim:
    submission: FormSubmission
    repeat: bool  # sent before: give the submission's answer, do nothing


def _find(token, user_id):
    return db.session.scalar(select(FormSubmission).where(FormSubmission.user_id == user_id,
                                                          FormSubmission.token == token))


def claim(token, user_id, now):
    """Claim the token for this sending, or find the earlier sending that claimed it."""
    earlier = _find(token, user_id)
    if earlier is not None:
        return Claim(earlier, repeat=True)
    submission = FormSubmission(user_id=user_id, token=token, submitted_at=now, location="", messages=[])
    try:
        # Sent twice at once, the second insert waits for the first sending's
        # transaction and fails on the unique token once that commits.
        with db.session.begin_nested():
            db.session.add(submission)
    except IntegrityError:
        return Claim(_find(token, user_id), repeat=True)
    return Claim(submission, repeat=False)


def keep_answer(claim, location, messages):
    """What a repeat of this sending is given: the place and (category, message) pairs."""
    claim.submission.location = location
    claim.submission.messages = [[category, message] for category, message in messages]
    db.session.flush()
