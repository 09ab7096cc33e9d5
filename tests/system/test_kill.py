"""The kill tests: gunicorn is killed with SIGKILL in the middle of a
candidate's saves, or of a rescoring, and restarted. Every save it
acknowledged is in the database, and a rescoring is there whole or not at all."""

import http.client
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from app import create_app
from audit.chain import CHAIN_LOCK
from exam.models import AttemptScore, Response, SaveRecord, ScoringRevision
from extensions import db
from item_bank.models import Form
from tests.conftest import copy_of_demo

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
SECRET = "kill-test-secret-key-that-is-long-enough-0123456789"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, database_url, port, workers=2):
        self.env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET, "ATTEST_CONFIG": "development"}
        self.port = port
        self.workers = workers
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [str(GUNICORN), "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}", "app:create_app()"],
            cwd=ROOT, env=self.env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


class Candidate:
    """A browser, as far as the server can tell: cookies, CSRF token, JSON saves."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.token = None

    def page(self, path, form=None):
        data = urllib.parse.urlencode({**form, "csrf_token": self.token}).encode() if form is not None else None
        with self.opener.open(self.base + path, data, timeout=10) as response:
            body = response.read().decode()
            self.token = re.search(r'name="csrf-token" content="([^"]+)"', body).group(1)
            return response.geturl(), body

    def post_json(self, path, payload):
        request = urllib.request.Request(self.base + path, json.dumps(payload).encode(),
                                         {"Content-Type": "application/json", "X-CSRFToken": self.token})
        with self.opener.open(request, timeout=5) as response:
            return json.loads(response.read())


@pytest.fixture(scope="module")
def demo(demo_database, tmp_path_factory):
    """A copy of the demo database of its own, and the app over it."""
    copy = copy_of_demo(demo_database, "kill", tmp_path_factory.mktemp("kill"))
    app = create_app(copy.config())
    yield app, copy.url
    # Disposed once the session has given its connection back, or the connection is left open.
    with app.app_context():
        db.engine.dispose()


def signed_in(base, email, password):
    client = Candidate(base)
    client.page("/sign-in")
    client.page("/sign-in", {"email": email, "password": password})
    return client


def test_every_acknowledged_save_survives_a_sigkill(demo):
    app, url = demo
    server = Server(url, free_port())
    server.start()
    try:
        candidate = signed_in(f"http://127.0.0.1:{server.port}", "candidate@example.org", "demo-candidate")
        home = candidate.page("/home/candidate")[1]
        join_path = re.search(r'href="(/exam/sessions/\d+/join)"', home).group(1)
        attempt_url, _ = candidate.page(join_path, {"access_code": "MENTOR26"})
        attempt_path = urllib.parse.urlsplit(attempt_url).path.removesuffix("/agreement")
        candidate.page(attempt_path + "/agreement", {"agree": "y"})
        _, runner_page = candidate.page(attempt_path)
        responses = [int(r) for r in re.findall(r'data-response="(\d+)"', runner_page)]
        seq = candidate.post_json(attempt_path + "/claim", {"tab": "kill"})["seq_base"]

        acknowledged = {}
        stop = threading.Event()

        def keep_saving():
            nonlocal seq
            while not stop.is_set():
                seq += 1
                save = {"seq": seq, "response": responses[seq % len(responses)], "field": "flag", "value": seq % 2 == 0}
                try:
                    body = candidate.post_json(attempt_path + "/saves", {"tab": "kill", "saves": [save]})
                except (OSError, urllib.error.URLError, http.client.HTTPException):
                    # Refused, reset, or cut off mid-answer by the kill: not acknowledged.
                    time.sleep(0.05)
                    continue
                if body["acks"][0]["status"] == "saved":
                    acknowledged[save["seq"]] = save

        saver = threading.Thread(target=keep_saving)
        saver.start()
        time.sleep(1.5)
        server.kill()
        killed_after = len(acknowledged)
        time.sleep(0.5)
        server.start()
        time.sleep(1.5)
        stop.set()
        saver.join()
    finally:
        server.kill()

    assert killed_after > 10 and len(acknowledged) > killed_after
    with app.app_context():
        journal = db.session.scalars(select(SaveRecord).order_by(SaveRecord.seq)).all()
        assert set(acknowledged) <= {record.seq for record in journal}
        # A save committed just before the kill, its answer lost, also counts:
        # each response holds its highest journaled save.
        latest = {record.response_id: record.value for record in journal}
        for response_id, flagged in latest.items():
            assert db.session.get(Response, response_id).flagged == flagged
        db.session.remove()


def rescoring_request(page, pass_percent):
    """The key review form as the page shows it, with a new pass mark, a reason and the confirmation."""
    fields = dict(re.findall(r'name="(items-\d+-(?:form_item_id|keys|weight))"[^>]*value="([^"]*)"', page))
    return {**fields, "pass_percent": str(pass_percent), "reason": f"Pass mark {pass_percent}", "confirm": "yes"}


def stored_revisions(app, form_id):
    """{revision number: how many attempt scores it holds}."""
    with app.app_context():
        counts = dict(db.session.execute(
            select(ScoringRevision.number, db.func.count(AttemptScore.id)).outerjoin(AttemptScore)
            .where(ScoringRevision.form_id == form_id).group_by(ScoringRevision.number)).all())
        db.session.remove()
        return counts


@contextmanager
def held_at_commit(url):
    """On PostgreSQL, hold the audit chain's lock, which every audited
    transaction takes last, as it commits (audit/chain.py): the rescoring then
    waits with every score written and none committed, and the kill comes
    exactly there. Yields a check that the rescoring waits there. SQLite shows
    no other connection's open transaction: yields None, and the kill comes at
    a fraction of one rescoring's time instead."""
    if url.startswith("sqlite"):
        yield None
        return
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": CHAIN_LOCK})

        def rescoring_waits():
            return connection.scalar(text(
                "SELECT count(*) FROM pg_locks waiting JOIN pg_locks scores ON scores.pid = waiting.pid"
                " WHERE waiting.locktype = 'advisory' AND NOT waiting.granted"
                " AND scores.relation = 'attempt_scores'::regclass AND scores.mode = 'RowExclusiveLock'")) > 0

        try:
            yield rescoring_waits
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": CHAIN_LOCK})
    engine.dispose()


def wait_until(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the rescoring never reached its commit"
        time.sleep(0.01)


def test_a_rescoring_killed_part_way_is_in_the_database_whole_or_not_at_all(demo):
    app, url = demo
    with app.app_context():
        form_id = db.session.scalar(select(Form.id).where(Form.code == "MENTOR-B"))
        db.session.remove()
    scoring_path = f"/analysis/forms/{form_id}/scoring"
    server = Server(url, free_port(), workers=1)  # one psychometrician's requests, one at a time
    server.start()
    try:
        # One uninterrupted rescoring: how long one takes, and what "whole" looks like.
        staff = signed_in(f"http://127.0.0.1:{server.port}", "psychometrician@example.org", "demo-psychometrician")
        started = time.monotonic()
        staff.page(scoring_path, rescoring_request(staff.page(scoring_path)[1], 79))
        took = time.monotonic() - started
        whole = stored_revisions(app, form_id)
        assert set(whole) == {0, 1} and whole[0] == whole[1] > 100

        interrupted = 0
        for percent, fraction in zip((78, 77, 76), (0.3, 0.5, 0.7)):
            staff = signed_in(f"http://127.0.0.1:{server.port}", "psychometrician@example.org", "demo-psychometrician")
            request = rescoring_request(staff.page(scoring_path)[1], percent)
            answered = threading.Event()

            def rescore():
                try:
                    staff.page(scoring_path, request)
                    answered.set()
                except OSError:
                    pass

            with held_at_commit(url) as rescoring_waits:
                thread = threading.Thread(target=rescore)
                thread.start()
                if rescoring_waits is None:
                    time.sleep(took * fraction)
                else:
                    wait_until(rescoring_waits)
                server.kill()
            thread.join()
            interrupted += not answered.is_set()
            server.start()
            revisions = stored_revisions(app, form_id)
            assert set(revisions.values()) == {whole[0]}, f"a revision holds only some attempts' scores: {revisions}"
        assert interrupted >= 2, "the kill came after the rescoring answered: it never hit one in progress"
    finally:
        server.kill()
