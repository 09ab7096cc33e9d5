"""Incidents: what a proctor records about a session or one candidate's sitting.

An incident is never edited: later news or a correction is a follow-up that
points at it, so the record shows what was written when, and by whom.
"""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from audit import log
from exam.models import Incident, IncidentCategory
from extensions import db

MAX_TEXT = 4000


class IncidentError(ValueError):
    pass


def _check(category, description, occurred_at, now):
    if category not in set(IncidentCategory):
        raise IncidentError(f"unknown category {category!r}")
    if not description.strip():
        raise IncidentError("describe what happened")
    if len(description) > MAX_TEXT:
        raise IncidentError(f"at most {MAX_TEXT} characters")
    if occurred_at > now:
        raise IncidentError("an incident cannot happen in the future")


def record_incident(session, category, description, occurred_at, now, by, enrollment=None):
    """A new incident, about the whole session or one of its candidates."""
    _check(category, description, occurred_at, now)
    if enrollment is not None and enrollment.session_id != session.id:
        raise IncidentError("that candidate is not in this session")
    incident = Incident(session=session, enrollment=enrollment, category=category, description=description.strip(),
                        occurred_at=occurred_at, recorded_at=now, recorded_by_id=by.user_id)
    db.session.add(incident)
    db.session.flush()
    log.record("incident.recorded", by, incident, session=session.id, enrollment=enrollment and enrollment.id,
               category=category, occurred_at=occurred_at.isoformat(), description=incident.description)
    return incident


def follow_up(incident, description, now, by):
    """Add to an incident (never change it): the follow-up keeps its category and candidate."""
    original = incident if incident.follows_id is None else db.session.get(Incident, incident.follows_id)
    _check(original.category, description, now, now)
    addition = Incident(session_id=original.session_id, enrollment_id=original.enrollment_id, follows_id=original.id,
                        category=original.category, description=description.strip(), occurred_at=now,
                        recorded_at=now, recorded_by_id=by.user_id)
    db.session.add(addition)
    db.session.flush()
    log.record("incident.followed_up", by, addition, follows=original.id, description=addition.description)
    return addition


def session_incidents(session):
    """The session's incidents (not follow-ups), oldest first, with their follow-ups loaded."""
    return db.session.scalars(
        select(Incident).where(Incident.session_id == session.id, Incident.follows_id.is_(None))
        .options(selectinload(Incident.follow_ups), selectinload(Incident.enrollment))
        .order_by(Incident.occurred_at, Incident.id)
    ).all()


def incident_in(session, incident_id):
    incident = db.session.get(Incident, incident_id)
    return incident if incident is not None and incident.session_id == session.id else None
