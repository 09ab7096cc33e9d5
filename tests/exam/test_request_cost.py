"""What the sitting's requests cost the database, in SQL statements: the state
poll is a read and writes the last contact at most every 30 s; joining,
agreeing (which starts the attempt), the first page and the claim take a
few statements whatever the length of the form.

Every count includes the read that signs the request in (the login session
with its user and roles); the state poll's one read carries that check itself."""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest

from exam import proctoring, sessions
from exam.models import Attempt, ExamSession
from tests.conftest import sign_in
from tests.exam_fixtures import BY, T0

SIGN_IN = 1
WRITES = ("INSERT", "UPDATE", "DELETE")


@dataclass
class Sent:
    statements: list

    def __len__(self):
        return len(self.statements)

    @property
    def writes(self):
        return [statement for statement in self.statements if statement.lstrip().upper().startswith(WRITES)]

    def reading(self, table):
        return [statement for statement in self.statements
                if statement.lstrip().upper().startswith("SELECT") and re.search(rf"\b{table}\b", statement)]


@pytest.fixture
def sent_by(statements):
    """sent_by(request): the request's answer and the SQL statements it sent
    (less the savepoints of the test's rolled-back transaction)."""

    def send(request):
        with statements() as seen:
            answer = request()
        return answer, Sent([statement for statement in seen
                             if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO"))])

    return send


@pytest.fixture
def sit(app, create_user, sent_by, db, time_machine):
    """sit(session_id): a new candidate signs in in a browser of their own and
    starts, as the runner does; {step: (answer, Sent)}, with "attempt" its id
    and "browser" the test client."""
    time_machine.move_to(T0, tick=False)

    def start(session_id):
        candidate = create_user("candidate")
        sessions.enroll(db.session.get(ExamSession, session_id), candidate, BY)
        db.session.commit()
        browser = app.test_client()
        sign_in(browser, candidate.email)
        steps = {"join": sent_by(lambda: browser.post(f"/exam/sessions/{session_id}/join",
                                                      data={"access_code": "sit123"}))}
        attempt = int(re.search(r"/exam/attempts/(\d+)/agreement", steps["join"][0].headers["Location"]).group(1))
        steps["agreement"] = sent_by(lambda: browser.post(f"/exam/attempts/{attempt}/agreement", data={"agree": "y"}))
        steps["first page"] = sent_by(lambda: browser.get(f"/exam/attempts/{attempt}"))
        steps["claim"] = sent_by(lambda: browser.post(f"/exam/attempts/{attempt}/claim", json={"tab": "t"}))
        return {**steps, "attempt": attempt, "browser": browser}

    return start


def poll(sitting, sent_by):
    answer, sent = sent_by(lambda: sitting["browser"].get(f"/exam/attempts/{sitting['attempt']}/state?tab=t"))
    assert answer.status_code == 200
    return answer.get_json(), sent


def test_a_steady_poll_sends_one_read_and_writes_the_last_contact_at_most_every_30_s(
        sit, sent_by, session_of, db, time_machine):
    sitting = sit(session_of(3))
    attempt = sitting["attempt"]

    for seconds in range(4, 30, 4):  # the runner polls every 4 s
        time_machine.move_to(T0 + timedelta(seconds=seconds), tick=False)
        state, sent = poll(sitting, sent_by)
        assert state["code"] == "in_progress" and state["seconds_left"] == 3600 - seconds
        assert len(sent) == 1 and not sent.writes
    assert db.session.get(Attempt, attempt).last_contact_at == T0  # the claim's

    time_machine.move_to(T0 + timedelta(seconds=32), tick=False)
    state, sent = poll(sitting, sent_by)

    assert len(sent.writes) == 1 and sent.writes[0].startswith("UPDATE attempts SET last_contact_at")
    db.session.expire_all()
    assert db.session.get(Attempt, attempt).last_contact_at == T0 + timedelta(seconds=32)


def test_a_proctors_pause_shows_in_the_next_poll(sit, sent_by, session_of, db, time_machine):
    sitting = sit(session_of(3))
    attempt = sitting["attempt"]
    time_machine.move_to(T0 + timedelta(seconds=4), tick=False)
    assert poll(sitting, sent_by)[0]["code"] == "in_progress"

    proctoring.apply(db.session.get(Attempt, attempt).enrollment, "pause", T0 + timedelta(seconds=5), BY)
    db.session.commit()
    time_machine.move_to(T0 + timedelta(seconds=8), tick=False)
    state, sent = poll(sitting, sent_by)

    assert (state["code"], state["hold"], state["seconds_left"]) == ("paused", "proctor", 3600 - 5)
    assert not sent.writes


def test_joining_starting_the_first_page_and_the_claim_cost_the_same_for_3_items_and_60(sit, session_of):
    short, long = sit(session_of(3)), sit(session_of(60))

    for step, most in {"join": 6, "agreement": 13, "first page": 6, "claim": 5}.items():
        (short_answer, short_sent), (long_answer, long_sent) = short[step], long[step]
        assert short_answer.status_code < 400 and long_answer.status_code < 400
        assert len(long_sent) == len(short_sent) <= most + 1, step  # + PostgreSQL's lock of the audit chain
    assert long["first page"][0].get_data(as_text=True).count('class="question"') == 60


def test_the_form_is_read_for_its_first_candidates_page_only(sit, session_of):
    session = session_of(60)
    first, second = sit(session), sit(session)

    assert first["first page"][1].reading("item_versions")
    assert not second["first page"][1].reading("item_versions")
    # The attempt with its enrollment, session and part; the form's publication; the candidate's responses.
    assert len(second["first page"][1]) == SIGN_IN + 3


def save(sitting, sent_by, seq, value):
    response = int(re.search(r'data-response="(\d+)"', sitting["first page"][0].get_data(as_text=True)).group(1))
    answer, sent = sent_by(lambda: sitting["browser"].post(
        f"/exam/attempts/{sitting['attempt']}/saves",
        json={"tab": "t", "saves": [{"seq": seq, "response": response, "field": "flag", "value": value}]}))
    assert answer.get_json()["acks"][0]["status"] == "saved"
    return sent


def test_a_save_reads_its_response_with_its_part_and_writes_the_last_contact_at_most_every_30_s(
        sit, sent_by, session_of, db, time_machine):
    sitting = sit(session_of(3))
    base = sitting["claim"][0].get_json()["seq_base"]

    time_machine.move_to(T0 + timedelta(seconds=12), tick=False)
    sent = save(sitting, sent_by, base + 1, True)
    # Signing in; the attempt's lock, then the attempt with its session and parts; the journal's
    # entry for that number; the response with its item, version and part; the journal's row; the answer.
    assert len(sent) == SIGN_IN + 6
    assert [write.split()[0:3] for write in sent.writes] == [["INSERT", "INTO", "save_records"],
                                                             ["UPDATE", "responses", "SET"]]

    time_machine.move_to(T0 + timedelta(seconds=31), tick=False)
    sent = save(sitting, sent_by, base + 2, False)
    assert any(write.startswith("UPDATE attempts SET last_contact_at") for write in sent.writes)
    db.session.expire_all()
    assert db.session.get(Attempt, sitting["attempt"]).last_contact_at == T0 + timedelta(seconds=31)
