"""Alembic owns the schema: the migrations build exactly what the models declare."""

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from extensions import db
from tests.conftest import empty_database_beside


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)

    assert differences == []


def test_check_constraints_and_triggers_come_from_the_migrations(app):
    # compare_metadata does not look at CHECK constraints or triggers.
    with app.app_context():
        inspector = db.inspect(db.engine)
        for table in db.metadata.sorted_tables:
            declared = {c.name for c in table.constraints if c.__class__.__name__ == "CheckConstraint"}
            reflected = {c["name"] for c in inspector.get_check_constraints(table.name)}
            assert declared == reflected, table.name
        if db.engine.dialect.name == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_entries'"
        else:
            query = "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_entries'::regclass AND NOT tgisinternal"
        with db.engine.connect() as connection:
            assert connection.execute(db.text(query)).scalars().all()


def test_migrations_downgrade_to_nothing_and_upgrade_again(database_url_for_tests, tmp_path, make_app):
    app = make_app(empty_database_beside(database_url_for_tests, "roundtrip", tmp_path))

    with app.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="base")
        assert sorted(db.inspect(db.engine).get_table_names()) == ["alembic_version"]
        flask_migrate.upgrade()
        assert "users" in db.inspect(db.engine).get_table_names()

