from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from clock import UTCDateTime, utcnow
from extensions import db


class AuditEntry(db.Model):
    """One recorded action. Rows are never updated or deleted: the ORM refuses,
    and database triggers (see the migration) refuse whatever goes around it."""

    __tablename__ = "audit_entries"
    # The log page filters by object (type, or type and id) as by action and person.
    __table_args__ = (Index("ix_audit_entries_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Who acted, as a plain id: the log sits below accounts, so whoever shows
    # an entry reads the person's name from there.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(100))
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class AuditSeal(db.Model):
    """An entry's link in the hash chain: its hash covers its contents and the
    previous link's hash, so editing or removing any sealed entry breaks every
    link after it. Written as the entry's transaction commits (`audit.chain`),
    in commit order; append-only like the entries."""

    __tablename__ = "audit_seals"

    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    entry_id: Mapped[int] = mapped_column(ForeignKey("audit_entries.id"), unique=True)
    previous_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class AuditLogIsAppendOnly(Exception):
    pass


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
@event.listens_for(AuditSeal, "before_update")
@event.listens_for(AuditSeal, "before_delete")
def refuse_change(mapper, connection, row):
    raise AuditLogIsAppendOnly(f"{row.__tablename__} row {mapper.primary_key_from_instance(row)} cannot be changed or deleted")
