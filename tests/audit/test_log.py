import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from audit import log
from audit.models import AuditEntry, AuditLogIsAppendOnly
from clock import utcnow


def test_record_writes_who_what_when_and_from_where(db, create_user):
    user = create_user("admin")
    before = utcnow()

    entry = log.record("thing.done", log.Actor(user.id, "10.0.0.7"), user, before={"a": 1}, after={"a": 2})
    db.session.commit()

    stored = db.session.get(AuditEntry, entry.id)
    assert (stored.actor_id, stored.action, stored.object_type, stored.object_id, stored.origin) == (
        user.id, "thing.done", "users", str(user.id), "10.0.0.7"
    )
    assert stored.details == {"before": {"a": 1}, "after": {"a": 2}}
    assert stored.occurred_at.tzinfo is not None and stored.occurred_at >= before


def test_the_orm_refuses_to_change_an_entry(db):
    entry = log.record("thing.done", log.Actor(None, "tests"), object_type="things", object_id=1)
    db.session.commit()

    entry.action = "thing.undone"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()


def test_the_database_refuses_update_and_delete(db):
    log.record("thing.done", log.Actor(None, "tests"), object_type="things", object_id=1)
    db.session.commit()

    for statement in ("UPDATE audit_entries SET action = 'x'", "DELETE FROM audit_entries"):
        savepoint = db.session.begin_nested()
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        savepoint.rollback()
