"""The one source of "now", and the column type that stores it.

Every timestamp is UTC and timezone-aware in Python. SQLite keeps no zone, so
`UTCDateTime` stores naive UTC there and hands back aware values everywhere.
Tests freeze time by replacing `utcnow`.
"""

from datetime import datetime, timezone

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow():
    return datetime.now(timezone.utc)


def long_date(day):
    """3 Dec 2026: a day as a reader writes it, whatever their locale's numeric order."""
    return f"{day.day} {day:%b %Y}"


class UTCDateTime(TypeDecorator):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: Attest stores only aware UTC times")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
