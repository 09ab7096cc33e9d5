"""The audit log's hash chain: sealed at commit, verified link by link, tampering named."""

import gc
import warnings

from sqlalchemy import func, insert, select, text, update

from audit import chain, log
from audit.models import AuditEntry, AuditSeal
from clock import utcnow

BY = log.Actor(None, "tests")

# On PostgreSQL, verify() leaves its server-side cursor open when it stops at a break (see
# test_verifying_a_broken_chain_leaves_no_cursor_open); the tests of what it reports ignore that warning.


def record_some(db, count=3):
    """`count` entries, committed (and so sealed); returns them."""
    written = [log.record("thing.done", BY, object_type="things", object_id=n, step=n) for n in range(count)]
    db.session.commit()
    return written


def entry_count(db):
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def change_behind_the_applications_back(db, entry, details):
    """Edit a stored entry with the append-only triggers out of the way (for this test's transaction only:
    the db fixture rolls it back, triggers included)."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("DROP TRIGGER audit_entries_no_update"))
    else:
        db.session.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
    db.session.execute(update(AuditEntry.__table__).where(AuditEntry.id == entry.id).values(details=details))
    db.session.expire_all()


def write_around_the_application(db):
    """An entry inserted with plain SQL: no log.record, so no seal."""
    return db.session.execute(insert(AuditEntry.__table__).values(
        occurred_at=utcnow(), action="thing.forged", object_type="things", object_id="9", origin="psql", details={},
    )).inserted_primary_key[0]


def test_a_clean_log_verifies_with_every_entry_counted(db, create_user):
    create_user("admin")
    record_some(db)

    verdict = chain.verify(db.session)

    assert verdict.broken is None
    assert verdict.entries == entry_count(db) == 4
    last = db.session.scalar(select(AuditSeal).order_by(AuditSeal.position.desc()).limit(1))
    assert verdict.head_hash == last.entry_hash


def test_each_seal_follows_the_one_before(db):
    record_some(db, 2)
    record_some(db, 2)  # a second transaction continues the chain

    seals = db.session.scalars(select(AuditSeal).order_by(AuditSeal.position)).all()

    assert [s.position for s in seals] == [1, 2, 3, 4]
    assert [s.previous_hash for s in seals] == [chain.GENESIS] + [s.entry_hash for s in seals[:-1]]
    assert len({s.entry_hash for s in seals}) == 4


def test_an_entry_changed_in_the_database_is_named(db):
    first, changed, _ = record_some(db)

    change_behind_the_applications_back(db, changed, {"step": 99})

    verdict = chain.verify(db.session)
    assert verdict.broken.entry_id == changed.id
    assert "changed" in verdict.broken.problem
    assert verdict.entries == 1  # the entry before it still verifies


def test_an_entry_written_around_the_application_has_no_seal(db):
    record_some(db)

    forged = write_around_the_application(db)

    verdict = chain.verify(db.session)
    assert verdict.broken.entry_id == forged
    assert "no seal" in verdict.broken.problem


def test_verifying_a_broken_chain_leaves_no_cursor_open(db):
    _, changed, _ = record_some(db)
    change_behind_the_applications_back(db, changed, {"step": 99})

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert chain.verify(db.session).broken.entry_id == changed.id
        gc.collect()

    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []


def test_the_command_says_a_clean_log_is_intact(runner, db):
    record_some(db)

    result = runner.invoke(args=["audit", "verify"])

    assert result.exit_code == 0, result.output
    assert "Audit log intact: 3 entries" in result.output


def test_the_command_fails_and_names_the_changed_entry(runner, db):
    _, changed, _ = record_some(db)
    change_behind_the_applications_back(db, changed, {"step": "edited"})

    result = runner.invoke(args=["audit", "verify"])

    assert result.exit_code == 1
    assert f"Audit log broken at entry {changed.id} (seal 2)" in result.output
    assert "changed after it was written" in result.output


def test_entries_of_a_rolled_back_savepoint_are_not_sealed(db):
    savepoint = db.session.begin_nested()
    log.record("thing.undone", BY, object_type="things", object_id=1)
    savepoint.rollback()
    kept = log.record("thing.done", BY, object_type="things", object_id=2)

    db.session.commit()

    assert db.session.scalars(select(AuditSeal.entry_id)).all() == [kept.id]
    assert chain.verify(db.session) == chain.Verdict(1, db.session.scalar(select(AuditSeal.entry_hash)), None)


def test_entries_recorded_before_a_rolled_back_savepoint_are_still_sealed(db):
    kept = log.record("thing.done", BY, object_type="things", object_id=1)
    savepoint = db.session.begin_nested()
    log.record("thing.undone", BY, object_type="things", object_id=2)
    savepoint.rollback()

    db.session.commit()

    assert db.session.scalars(select(AuditSeal.entry_id)).all() == [kept.id]
    assert chain.verify(db.session).broken is None
