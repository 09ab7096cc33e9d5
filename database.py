"""Makes SQLite behave like the production database where Attest relies on it.

pysqlite by default begins transactions late and ignores SAVEPOINT rules, and
SQLite leaves foreign keys unenforced; both are fixed on every connection, as
SQLAlchemy's documentation recommends.

Transactions begin IMMEDIATE: a deferred one that reads, then writes after
another request has written, fails at once with "database is locked" (the
busy timeout cannot help it), so concurrent sign-ins on `make run` would fail.
IMMEDIATE makes writers queue for the lock instead. SQLite is the embedded
default for trying Attest; PostgreSQL, with row-level locking, serves exams.
"""

from sqlalchemy import event

from extensions import db


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
    with app.app_context():
        engine = db.engine  # created, not connected
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_connect)
        event.listen(engine, "begin", _on_begin)
