"""Concerns: a rater flags a response that worries them (a risk to a child,
possible cheating, anything else, with a reason) for the coordinators, who
are told by mail, read the response and mark the concern handled with a note.

Flagging never touches the rating: the rater scores on as before. Only a
rater on the response (or a coordinator or admin) may flag it, and a person
holds one open concern per response at a time.
"""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from accounts.roles import COORDINATORS
from audit import log
from extensions import db
from rating import notifications
from rating.models import Concern, ConcernReason, Rating, RatingCase

MAX_DETAILS = 2000
MAX_NOTE = 2000


class ConcernRefused(ValueError):
    """Why the concern cannot be raised or handled, in a sentence naming the field."""


def may_flag(case, user):
    """Whether `user` may flag the response: one of its raters, a coordinator or an admin."""
    if user.has_role(*COORDINATORS):
        return True
    return db.session.scalar(select(Rating.id).where(Rating.case_id == case.id, Rating.rater_id == user.id)) is not None


def open_concern(case, user_id):
    """The person's open concern about the response, or None."""
    return db.session.scalar(select(Concern).where(Concern.case_id == case.id, Concern.raised_by_id == user_id,
                                                   Concern.handled_at.is_(None)))


def raise_concern(case, reason, details, user, now, by):
    """Flag the response for the coordinators, who are mailed in the same transaction."""
    if not may_flag(case, user):
        raise ConcernRefused("only a rater of this response, a coordinator or an admin may flag it")
    if reason not in set(ConcernReason):
        raise ConcernRefused("reason: choose one of the listed reasons")
    details = (details or "").strip()
    if reason == ConcernReason.OTHER and not details:
        raise ConcernRefused("details: say what worries you about the response")
    if len(details) > MAX_DETAILS:
        raise ConcernRefused(f"details: at most {MAX_DETAILS} characters")
    if open_concern(case, user.id) is not None:
        raise ConcernRefused("you have already flagged this response; a coordinator has not handled it yet")
    concern = Concern(case=case, raised_by_id=user.id, reason=str(reason), details=details, raised_at=now)
    db.session.add(concern)
    db.session.flush()
    log.record("rating.concern_raised", by, concern, case=case.code, reason=concern.reason)
    notifications.concern_raised(concern, user)
    return concern


def handle(concern, note, user, now, by):
    """A coordinator's note on what was done: the concern leaves the open list."""
    if not user.has_role(*COORDINATORS):
        raise ConcernRefused("only coordinators and admins handle concerns")
    if concern.handled:
        raise ConcernRefused("this concern is already handled")
    note = (note or "").strip()
    if not note:
        raise ConcernRefused("note: say what was done about the concern")
    if len(note) > MAX_NOTE:
        raise ConcernRefused(f"note: at most {MAX_NOTE} characters")
    concern.handled_at, concern.handled_by_id, concern.handled_note = now, user.id, note
    db.session.flush()
    log.record("rating.concern_handled", by, concern, case=concern.case.code, note=note)
    return concern


def concerns(handled=False, limit=None):
    """Open concerns, oldest first; or handled ones, latest handled first (the latest `limit`)."""
    query = select(Concern).options(selectinload(Concern.raised_by), selectinload(Concern.handled_by),
                                    selectinload(Concern.case).selectinload(RatingCase.response))
    if handled:
        return db.session.scalars(query.where(Concern.handled_at.is_not(None))
                                  .order_by(Concern.handled_at.desc(), Concern.id.desc()).limit(limit)).all()
    return db.session.scalars(query.where(Concern.handled_at.is_(None))
                              .order_by(Concern.raised_at, Concern.id)).all()
