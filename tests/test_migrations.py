"""Alembic owns the schema: the migrations build exactly what the models declare."""

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app import create_app
from extensions import db
from tests.conftest import config_for, create_database_if_missing, reset_postgresql


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)

    assert differences == []


def test_migrations_downgrade_to_nothing_and_upgrade_again(database_url_for_tests, tmp_path):
    if database_url_for_tests.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    else:
        url = database_url_for_tests + "_roundtrip"
        create_database_if_missing(url)
        reset_postgresql(url)
    app = create_app(config_for(url))

    with app.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="base")
        assert sorted(db.inspect(db.engine).get_table_names()) == ["alembic_version"]
        flask_migrate.upgrade()
        assert "users" in db.inspect(db.engine).get_table_names()
        db.engine.dispose()

