"""The audit log's hash chain: tamper evidence for an append-only log.

Every entry is sealed as its transaction commits: its seal holds the SHA-256
of the previous seal's hash and the entry's canonical contents. Someone who
edits or deletes an entry in the database (triggers disabled, or a restored
copy) cannot recompute the seals after it without being seen, since
`verify` recomputes the whole chain and names the first link that breaks.
Removing the newest entries leaves a shorter valid chain, so `verify`
prints the head hash and count, for keeping somewhere the database is not.

Seals are written at commit, not when the entry is recorded, so the lock that
orders the chain (PostgreSQL: a transaction-level advisory lock; SQLite
serialises writers already) is held only for the commit itself and is
always the last lock a transaction takes: no deadlock with row locks.
"""

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import event, func, insert, select, text
from sqlalchemy.orm import Session

from audit.models import AuditEntry, AuditSeal

GENESIS = "0" * 64
UNSEALED = "audit_unsealed"
CHAIN_LOCK = 0x41756469  # any constant: the one advisory lock that orders the chain


def canonical(occurred_at, actor_id, action, object_type, object_id, origin, details):
    """The bytes an entry's hash covers: its every stored field but the id."""
    return json.dumps(
        [occurred_at.isoformat(), actor_id, action, object_type, object_id, origin, details],
        sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    ).encode()


def link(previous_hash, entry):
    """The hash of `entry` (anything with AuditEntry's fields) after `previous_hash`."""
    contents = canonical(entry.occurred_at, entry.actor_id, entry.action, entry.object_type, entry.object_id,
                         entry.origin, entry.details)
    return hashlib.sha256(previous_hash.encode() + contents).hexdigest()


def lock_chain(connection):
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})


def seal(connection, entries):
    """Append a seal for each entry, in id order, after the chain's head."""
    lock_chain(connection)
    head = connection.execute(
        select(AuditSeal.position, AuditSeal.entry_hash).order_by(AuditSeal.position.desc()).limit(1)
    ).first()
    position, previous = head if head is not None else (0, GENESIS)
    rows = []
    for entry in sorted(entries, key=lambda e: e.id):
        position += 1
        entry_hash = link(previous, entry)
        rows.append({"position": position, "entry_id": entry.id, "previous_hash": previous, "entry_hash": entry_hash})
        previous = entry_hash
    if rows:
        connection.execute(insert(AuditSeal), rows)


def remember_unsealed(session, entry):
    session.info.setdefault(UNSEALED, []).append(entry)


@event.listens_for(Session, "before_commit")
def seal_on_commit(session):
    entries = session.info.pop(UNSEALED, None)
    if not entries:
        return
    session.flush()
    # An entry whose savepoint rolled back is no longer persistent: nothing to seal.
    written = [entry for entry in entries if entry in session and entry.id is not None]
    if written:
        seal(session.connection(), written)


@event.listens_for(Session, "after_rollback")
def forget_unsealed(session):
    # A savepoint's rollback fires this too; entries recorded before the
    # savepoint still commit and must be sealed (those inside it are expunged,
    # and seal_on_commit skips them).
    if not session.in_transaction():
        session.info.pop(UNSEALED, None)


@dataclass(frozen=True)
class Break:
    entry_id: int
    position: int | None
    problem: str


@dataclass(frozen=True)
class Verdict:
    entries: int
    head_hash: str
    broken: Break | None


def verify(session, batch=1000):
    """Recompute the chain from the first seal; the first broken link, if any."""
    unsealed = session.scalar(
        select(func.min(AuditEntry.id)).where(~AuditEntry.id.in_(select(AuditSeal.entry_id)))
    )
    if unsealed is not None:
        return Verdict(0, GENESIS, Break(unsealed, None, "has no seal: it was written around the application"))
    previous, count = GENESIS, 0
    with session.execute(
        select(AuditSeal.position, AuditSeal.previous_hash, AuditSeal.entry_hash, AuditEntry.id,
               AuditEntry.occurred_at, AuditEntry.actor_id, AuditEntry.action, AuditEntry.object_type,
               AuditEntry.object_id, AuditEntry.origin, AuditEntry.details)
        .join(AuditEntry, AuditEntry.id == AuditSeal.entry_id)
        .order_by(AuditSeal.position).execution_options(yield_per=batch)
    ) as rows:  # closed on an early return too: PostgreSQL streams through a server-side cursor
        for row in rows:
            count += 1
            problem = None
            if row.position != count:
                problem = f"is sealed at position {row.position}, expected {count}: a seal before it was removed"
            elif row.previous_hash != previous:
                problem = "does not follow the entry before it: the chain was cut here"
            elif link(previous, row) != row.entry_hash:
                problem = "does not match its seal: it was changed after it was written"
            if problem:
                return Verdict(count - 1, previous, Break(row.id, row.position, problem))
            previous = row.entry_hash
    return Verdict(count, previous, None)
