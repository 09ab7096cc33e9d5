"""The service every area calls to write to the audit log."""

import json
from dataclasses import dataclass

from audit import chain
from audit.models import AuditEntry
from clock import utcnow
from extensions import db


@dataclass(frozen=True)
class Actor:
    """Who acts and from where: a signed-in user and their address, or a
    command-line user (no account) named by their login on the machine."""

    user_id: int | None
    origin: str


def record(action, by, obj=None, *, object_type=None, object_id=None, **details):
    """Append one entry. `obj` is a model instance (its table and id are used);
    `details` holds plain values such as before/after. Flushes, never commits:
    the entry lands in the same transaction as the change it describes, and
    is sealed into the hash chain as that transaction commits."""
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id or obj.id
    entry = AuditEntry(
        occurred_at=utcnow(),
        actor_id=by.user_id,
        action=action,
        object_type=object_type or "",
        object_id=None if object_id is None else str(object_id),
        origin=by.origin,
        # As the JSON column will give it back, so that the seal's hash is of what is stored.
        details=json.loads(json.dumps(details)),
    )
    db.session.add(entry)
    db.session.flush()
    chain.remember_unsealed(db.session(), entry)
    return entry
