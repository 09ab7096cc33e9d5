"""Makes SQLite behave like the production database where Attest relies on it.

pysqlite by default begins transactions late and ignores SAVEPOINT rules, and
SQLite leaves foreign keys unenforced; both are fixed on every connection, as
SQLAlchemy's documentation recommends.

Transactions begin IMMEDIATE: a deferred one that reads, then writes after
another request has written, fails at once with "database is locked" (the
busy timeout cannot help it), so concurrent sign-ins on `make run` would fail.
IMMEDIATE makes writers queue for the lock instead. SQLite is the embedded
default for trying Attest; PostgreSQL, with row-level locking, serves exams.

Ids are INTEGER columns, which PostgreSQL holds up to 2**31 - 1 (SQLite to
2**63 - 1). Every `<int:...>` in a route stops there, so a larger number in
an address is a missing row (404) on both, not a query the database refuses.

Text is what both can keep and every page can send: no NUL, which
PostgreSQL's text refuses, and no surrogate (half of a UTF-16 pair, which
Python keeps in a str but no UTF-8 encodes), so a page showing it fails.
"""

import re

from sqlalchemy import event
from werkzeug.routing import IntegerConverter

from extensions import db

MAX_ID = 2**31 - 1
# JSON's escaped pair arrives as one code point, so a surrogate in a str is always a lone one.
UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


def storable(text):
    """Whether the text holds neither NUL nor a lone surrogate."""
    return UNSTORABLE.search(text) is None


class IdConverter(IntegerConverter):
    """`<int:...>` up to MAX_ID, the largest id an INTEGER column holds on both databases."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(url_map, fixed_digits, min, max, signed)


def _on_connect(dbapi_connection, connection_record):
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def _on_begin(connection):
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def init_database(app):
    app.url_map.converters["int"] = IdConverter  # before any route is added
    with app.app_context():
        engine = db.engine  # created, not connected
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_connect)
        event.listen(engine, "begin", _on_begin)
