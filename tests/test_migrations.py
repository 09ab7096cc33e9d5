"""Alembic owns the schema: the migrations build exactly what the models declare."""

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app import create_app
from extensions import db
from tests.conftest import config_for, empty_database_beside


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)

    assert differences == []


def test_migrations_downgrade_to_nothing_and_upgrade_again(database_url_for_tests, tmp_path):
    app = create_app(config_for(empty_database_beside(database_url_for_tests, "roundtrip", tmp_path)))

    with app.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="base")
        assert sorted(db.inspect(db.engine).get_table_names()) == ["alembic_version"]
        flask_migrate.upgrade()
        assert "users" in db.inspect(db.engine).get_table_names()
        db.engine.dispose()

