"""Reading the audit log."""

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import String, cast, or_, select

from audit.models import AuditEntry
from extensions import db


@dataclass(frozen=True)
class Filters:
    """Which entries to read; every one given must hold (None: any)."""

    actor_id: int | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    since: date | None = None  # from the start of this UTC day
    until: date | None = None  # to the end of this UTC day
    text: str | None = None  # words in the entry's details, in any case


def _start_of(day):
    return datetime.combine(day, time(), tzinfo=timezone.utc)


def _like(text):
    """A LIKE pattern matching `text` literally, anywhere."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _in_details(text):
    """The details hold `text`: as typed, or as JSON escapes it (the column's
    serializer writes non-ASCII letters as \\u escapes)."""
    stored = cast(AuditEntry.details, String)
    forms = {text, json.dumps(text)[1:-1]}
    return or_(*(stored.ilike(_like(form), escape="\\") for form in sorted(forms)))


def entries(filters=Filters()):
    """Newest first, of the entries `filters` let through: a query, paged or streamed by the caller."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if filters.actor_id is not None:
        query = query.where(AuditEntry.actor_id == filters.actor_id)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.object_type:
        query = query.where(AuditEntry.object_type == filters.object_type)
    if filters.object_id:
        query = query.where(AuditEntry.object_id == filters.object_id)
    if filters.since:
        query = query.where(AuditEntry.occurred_at >= _start_of(filters.since))
    if filters.until:
        query = query.where(AuditEntry.occurred_at < _start_of(filters.until + timedelta(days=1)))
    if filters.text:
        query = query.where(_in_details(filters.text))
    return query


def recent_entries(count):
    return db.session.scalars(entries().limit(count)).all()


def actions():
    return db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()


def object_types():
    return db.session.scalars(select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)).all()
