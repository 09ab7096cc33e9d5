"""Reading the audit log."""

from sqlalchemy import select

from audit.models import AuditEntry
from extensions import db


def entries(action=None):
    """Newest first, optionally of one action."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action == action)
    return query


def recent_entries(count):
    return db.session.scalars(entries().limit(count)).all()


def actions():
    return db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()
