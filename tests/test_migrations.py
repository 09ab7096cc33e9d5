"""Alembic owns the schema: the migrations build exactly what the models declare."""

import flask_migrate
import pytest
import sqlalchemy as sa
import time_machine
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select

from accounts.models import User
from app import MIGRATIONS_DIR
from clock import UTCDateTime
from exam import delivery, saving
from exam.models import Response, SaveRecord
from extensions import db
from rating import assignment
from tests.conftest import copy_of_demo, empty_database_beside
from tests.exam_fixtures import BY, T0
from tests.rating.test_views import browser
from tests.rating_fixtures import vignette_of


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




def test_migrating_a_database_with_sittings_down_and_up_keeps_every_row(demo_database, tmp_path, make_app):
    # On SQLite, altering exam_sessions rebuilds it, and dropping the old table
    # deleted every enrolment, attempt and answer by ON DELETE CASCADE.
    app = make_app(copy_of_demo(demo_database, "down_and_up", tmp_path).url)
    tables = ("exam_sessions", "enrollments", "attempts", "responses", "save_records")

    def counts():
        with db.engine.connect() as connection:
            return {table: connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() for table in tables}

    with app.app_context():
        before = counts()
        flask_migrate.downgrade(revision="0007")
        flask_migrate.upgrade()

        assert counts() == before and before["responses"] > 0

# 0011_save_journal_digest: the journal's digests, and text no page can show ----

JOURNAL_DIGEST = "0011"


def revision(name):
    return ScriptDirectory(str(MIGRATIONS_DIR)).get_revision(name)


def test_the_journal_migration_digests_every_save_forgets_the_unsaved_and_repairs_text(demo_database, tmp_path,
                                                                                       make_app):
    app = make_app(copy_of_demo(demo_database, "journal_digest", tmp_path).url)
    records = sa.table("save_records", *(sa.column(name) for name in ("attempt_id", "response_id", "seq", "field",
                                                                       "tab", "accepted")),
                       sa.column("received_at", UTCDateTime()), sa.column("value", sa.JSON))
    answers = sa.table("responses", sa.column("id"), sa.column("attempt_id"), sa.column("answer", sa.JSON))
    saved, refused, broken = {"texts": ["fine"]}, {"texts": ["x" * 1000]}, {"texts": ["lone \ud800 and nul \x00"]}
    with app.app_context():
        flask_migrate.downgrade(revision=revision(JOURNAL_DIGEST).down_revision)
        with db.engine.begin() as connection:
            response, attempt = connection.execute(sa.select(answers.c.id, answers.c.attempt_id).limit(1)).one()
            connection.execute(records.insert(), [
                {"attempt_id": attempt, "response_id": response, "seq": seq, "field": "answer", "tab": "",
                 "received_at": T0, "accepted": accepted, "value": value}
                for seq, accepted, value in ((1, True, saved), (2, False, refused), (3, True, broken))])
            connection.execute(answers.update().where(answers.c.id == response).values(answer=broken))

        flask_migrate.upgrade()

        journal = {record.seq: record for record in db.session.scalars(select(SaveRecord))}
        repaired = {"texts": ["lone \ufffd and nul \ufffd"]}
        assert [(journal[seq].value, journal[seq].value_bytes, journal[seq].value_sha256) for seq in (1, 2, 3)] == [
            (saved, *saving.digest(saved)), (None, *saving.digest(refused)), (repaired, *saving.digest(repaired))]
        assert db.session.get(Response, response).answer == repaired


def test_a_stored_lone_surrogate_once_repaired_no_longer_fails_the_rater_and_candidate_pages(app, sit, raters, db,
                                                                                             start_attempt):
    attempt = sit()
    vignette = vignette_of(attempt)
    case = assignment.assign(vignette, raters[0], T0, BY).case
    sitting = start_attempt()
    delivery.finish_section(sitting, 1, T0, BY)
    for response in (vignette, sitting.responses[3]):
        response.answer = {"texts": ["I notice \ud83d the baby\x00"]}  # stored before bodies refused it
    db.session.commit()
    with time_machine.travel(T0, tick=False):
        rater, candidate = browser(app, raters[0]), browser(app, sitting.enrollment.candidate)
        for client, page in ((rater, f"/rating/responses/{case.code}"), (candidate, f"/exam/attempts/{sitting.id}")):
            with pytest.raises(UnicodeEncodeError):
                client.get(page)

        revision(JOURNAL_DIGEST).module.replace_unstorable(db.session.connection())
        db.session.commit()

        for client, page in ((rater, f"/rating/responses/{case.code}"), (candidate, f"/exam/attempts/{sitting.id}")):
            shown = client.get(page)
            assert shown.status_code == 200
            assert "I notice \ufffd the baby\ufffd" in shown.get_data(as_text=True)


# 0016_self_service: every account that exists counts as confirmed ------------

def test_every_existing_account_counts_as_confirmed_from_its_creation(demo_database, tmp_path, make_app):
    app = make_app(copy_of_demo(demo_database, "self_service", tmp_path).url)
    with app.app_context():
        flask_migrate.downgrade(revision=revision("0016").down_revision)
        flask_migrate.upgrade()

        users = db.session.scalars(select(User)).all()
        assert users and all(user.email_verified_at == user.created_at for user in users)
