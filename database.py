"""Makes SQLite behave like the production database where Attest relies on it.

pysqlite by default begins transactions late and ignores SAVEPOINT rules, and
SQLite leaves foreign keys unenforced; both are fixed on every connection, as
SQLAlchemy's documentation recommends. WAL lets readers go on while one
request writes.
"""

from sqlalchemy import event

from extensions import db


def _on_connect(dbapi_connection, connection_record):
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def _on_begin(connection):
    connection.exec_driver_sql("BEGIN")


def init_database(app):
    with app.app_context():
        engine = db.engine  # created, not connected
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_connect)
        event.listen(engine, "begin", _on_begin)
