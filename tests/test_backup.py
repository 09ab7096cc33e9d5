"""`flask backup` and `flask restore`: a database with sittings in progress,
backed up while a candidate keeps saving, comes back whole and the sitting
goes on."""

import json
import re
import threading
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select

from accounts.cli import command_line_actor
from accounts.demo import load_demo_users
from accounts.users import user_by_email
from app import create_app
from backup import snapshot
from competencies import documents, portfolio
from competencies.models import Application
from exam.demo import DEMO_CODE, load_demo_session
from exam.models import Attempt, SaveRecord
from extensions import db
from item_bank.demo import load_demo_bank
from tests.competencies.conftest import png_bytes
from tests.conftest import CsrfClient, config_for, empty_database_beside


def make_app(url, documents_dir):
    app = create_app(config_for(url, DOCUMENTS_DIR=str(documents_dir)))
    app.test_client_class = CsrfClient
    return app


def every_row(url):
    """Every table's rows, in a stable order: what "loses nothing" compares."""
    engine = create_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            return {name: sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
                    for name, table in metadata.tables.items()}
    finally:
        engine.dispose()


class Sitting:
    """The demo candidate in the middle of the online demo session, saving through the app."""

    def __init__(self, app):
        self.client = app.test_client()
        response = self.client.post("/sign-in", data={"email": "candidate@example.org", "password": "demo-candidate"})
        assert response.status_code == 302
        home = self.client.get("/home/candidate").get_data(as_text=True)
        join = re.search(r'href="(/exam/sessions/\d+/join)"', home).group(1)
        agreement = self.client.post(join, data={"access_code": DEMO_CODE}).headers["Location"]
        self.path = agreement.removesuffix("/agreement")
        self.client.post(agreement, data={"agree": "y"})
        page = self.client.get(self.path).get_data(as_text=True)
        self.responses = [int(response) for response in re.findall(r'data-response="(\d+)"', page)]
        self.tab = "backup"
        self.seq = self.client.post(self.path + "/claim", json={"tab": self.tab}).json["seq_base"]

    def save(self):
        self.seq += 1
        save = {"seq": self.seq, "response": self.responses[self.seq % len(self.responses)], "field": "flag",
                "value": self.seq % 2 == 0}
        body = self.client.post(self.path + "/saves", json={"tab": self.tab, "saves": [save]}).json
        assert body["acks"][0]["status"] == "saved", body
        return self.seq

    @property
    def attempt_id(self):
        return int(self.path.rsplit("/", 1)[1])


@pytest.fixture
def source(database_url_for_tests, tmp_path):
    """A database with the demo accounts, bank and sessions (candidates waiting
    to be admitted), a portfolio document, and the demo candidate mid-sitting."""
    url = empty_database_beside(database_url_for_tests, "backup_source", tmp_path)
    app = make_app(url, tmp_path / "documents")
    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        by = command_line_actor()
        load_demo_users(by)
        load_demo_bank(by)
        load_demo_session(by)
        db.session.commit()
    sitting = Sitting(app)
    with app.app_context():
        application = portfolio.start(user_by_email("candidate@example.org").id, "mentor", "clinical",
                                      command_line_actor())
        documents.store(application, "Transcript", "transcript.png", png_bytes(), command_line_actor())
        db.session.commit()
    yield app, url, sitting
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def target(database_url_for_tests, tmp_path):
    """An empty database, not even migrated, and an empty documents folder."""
    url = empty_database_beside(database_url_for_tests, "backup_target", tmp_path)
    app = make_app(url, tmp_path / "restored-documents")
    yield app, url
    with app.app_context():
        db.engine.dispose()


def test_a_backup_taken_while_a_candidate_saves_restores_everything_and_the_sitting_goes_on(source, target, tmp_path):
    app, source_url, sitting = source
    acknowledged_before = [sitting.save() for _ in range(5)]
    keep_saving = threading.Event()
    keep_saving.set()
    during = []

    def saver():
        while keep_saving.is_set():
            during.append(sitting.save())

    thread = threading.Thread(target=saver)
    thread.start()
    try:
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backups")])
    finally:
        keep_saving.clear()
        thread.join()
    assert result.exit_code == 0, result.output
    folder = Path(re.search(r"to (\S+)$", result.output.strip()).group(1))

    target_app, target_url = target
    restored = target_app.test_cli_runner().invoke(args=["restore", str(folder)])

    assert restored.exit_code == 0, restored.output
    assert "every row count matches the manifest" in restored.output
    with target_app.app_context():
        journal = set(db.session.scalars(select(SaveRecord.seq).where(SaveRecord.attempt_id == sitting.attempt_id)))
        # The backup is one moment: every save acknowledged before it began, then an unbroken run of those during it.
        assert set(acknowledged_before) <= journal
        assert journal - set(acknowledged_before) == set(during[:len(journal) - len(acknowledged_before)])
        assert db.session.get(Attempt, sitting.attempt_id).status == "in_progress"
        application = db.session.scalar(select(Application))
        assert documents.path_of(application.documents[0]).read_bytes() == png_bytes()
        assert target_app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0

    # Everything else the source held at that moment is the same, row for row.
    after_backup = every_row(source_url)
    restored_rows = every_row(target_url)
    for name in ("save_records", "responses", "attempts", "attempt_sections", "audit_entries", "audit_seals"):
        after_backup.pop(name, None), restored_rows.pop(name, None)
    assert restored_rows == after_backup

    # The restored database serves the sitting: the candidate signs in again and saves on.
    resumed = Sitting.__new__(Sitting)
    resumed.client = target_app.test_client()
    resumed.client.post("/sign-in", data={"email": "candidate@example.org", "password": "demo-candidate"})
    resumed.path, resumed.responses = sitting.path, sitting.responses
    resumed.tab = "restored"
    resumed.seq = resumed.client.post(resumed.path + "/claim", json={"tab": resumed.tab}).json["seq_base"]
    assert resumed.seq >= max(journal)
    resumed.save()


def test_a_restore_with_nothing_written_since_is_identical_row_for_row(source, target, tmp_path):
    app, source_url, sitting = source
    sitting.save()
    folder = snapshot.create(_engine(app), app.config["DOCUMENTS_DIR"], tmp_path / "backups")
    target_app, target_url = target

    with target_app.app_context():
        snapshot.restore(db.engine, target_app.config["DOCUMENTS_DIR"], folder)

    assert every_row(target_url) == every_row(source_url)


def test_restore_refuses_a_damaged_backup_and_changes_nothing(source, target, tmp_path):
    app, _, _ = source
    folder = snapshot.create(_engine(app), app.config["DOCUMENTS_DIR"], tmp_path / "backups")
    manifest = json.loads((folder / "manifest.json").read_text())
    database_file = folder / manifest["database_file"]
    database_file.write_bytes(database_file.read_bytes()[:-100])
    target_app, target_url = target

    result = target_app.test_cli_runner().invoke(args=["restore", str(folder)])

    assert result.exit_code == 1
    assert f"{database_file}: damaged" in result.output
    assert every_row(target_url) == {}


def test_restore_refuses_a_database_that_holds_data_unless_told_to_replace_it(source, tmp_path):
    app, source_url, sitting = source
    backed_up = sitting.save()
    folder = snapshot.create(_engine(app), app.config["DOCUMENTS_DIR"], tmp_path / "backups")
    sitting.save()
    before = every_row(source_url)

    refused = app.test_cli_runner().invoke(args=["restore", str(folder)])

    assert refused.exit_code == 1
    assert "already holds" in refused.output and "--replace" in refused.output
    assert every_row(source_url) == before
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    replaced = app.test_cli_runner().invoke(args=["restore", "--replace", str(folder)])
    assert replaced.exit_code == 0, replaced.output
    with app.app_context():
        assert db.session.scalar(select(SaveRecord.seq).order_by(SaveRecord.seq.desc()).limit(1)) == backed_up


def test_restore_refuses_a_folder_that_is_not_a_backup(target, tmp_path):
    target_app, _ = target
    (tmp_path / "not-a-backup").mkdir()
    (tmp_path / "not-a-backup" / "manifest.json").write_text('{"backend": "sqlite",\n  oops}')

    result = target_app.test_cli_runner().invoke(args=["restore", str(tmp_path / "not-a-backup")])

    assert result.exit_code == 1
    assert "manifest.json, line 2: not valid JSON" in result.output


def _engine(app):
    with app.app_context():
        return db.engine
