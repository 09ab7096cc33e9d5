"""Safe Exam Browser: the Config Key as SEB computes it, the session's .seb file, and the runner's check."""

import hashlib
import plistlib
from pathlib import Path

import pytest

from exam import delivery, safe_browser, sessions
from tests.conftest import sign_in
from tests.exam.test_proctor_views import drawn
from tests.exam_fixtures import BY, T0

pytestmark = pytest.mark.built_once

DATA = Path(__file__).parent / "data"
START = "https://exams.example.org/exam/sessions/7/join"
QUIT = "https://exams.example.org/"
HOST = "http://localhost"  # the test client's address


def test_the_config_key_of_a_file_saved_by_seb_is_the_published_one():
    # moodle/moodle, mod/quiz/accessrule/seb/tests/config_key_test.php, real_ck_hash_provider
    # 'unencrypted_mac2.1.4': the key of tests/fixtures/unencrypted_mac_001.seb (saved by SEB 2.1.4 for
    # macOS), copied here as data/unencrypted_mac_001.seb. It holds <data>, a nested <dict>, keys
    # differing from their neighbours only in case and a backslash.
    settings = plistlib.loads((DATA / "unencrypted_mac_001.seb").read_bytes())

    assert safe_browser.key_of(settings) == "4fa9af8ec8759eb7c680752ef4ee5eaf1a860628608fccae2715d519849f9292"


def test_seb_json_sorts_keys_without_regard_to_case_and_leaves_out_what_seb_leaves_out():
    settings = {"allowWLAN": True, "URLFilterEnable": False, "allowWlan": False, "originatorVersion": "SEB_Win_3.5",
                "proxies": {}, "enableF10": True, "enableF2": 1, "quitURL": 'a"b\\c', "salt": b"\x00\x01"}

    assert safe_browser.seb_json(settings) == (
        '{"allowWlan":false,"allowWLAN":true,"enableF10":true,"enableF2":1,"quitURL":"a\\"b\\c",'
        '"salt":"AAE=","URLFilterEnable":false}')


def test_the_served_file_holds_the_settings_the_session_s_key_is_computed_from():
    served = plistlib.loads(safe_browser.config_file(START, QUIT))

    assert served["startURL"] == START and served["quitURL"] == QUIT and served["sendBrowserExamKey"] is True
    assert served["URLFilterEnable"] is False and "hashedQuitPassword" not in served
    assert safe_browser.key_of(served) == safe_browser.config_key(START, QUIT)
    assert safe_browser.config_key(START, QUIT) != safe_browser.config_key(START.replace("/7/", "/8/"), QUIT)


def test_the_request_hash_is_of_the_url_without_its_fragment_then_the_key():
    key = safe_browser.config_key(START, QUIT)

    assert safe_browser.request_hash(START + "#top", key) == hashlib.sha256((START + key).encode()).hexdigest()


def header_for(url, session_id):
    key = safe_browser.config_key(f"{HOST}/exam/sessions/{session_id}/join", f"{HOST}/")
    return {safe_browser.HEADER: safe_browser.request_hash(url, key)}


@pytest.fixture
def seb_attempt(exam_session, create_user, client, db, time_machine):
    """A signed-in candidate's attempt in progress, in a session that requires SEB."""
    time_machine.move_to(T0, tick=False)
    exam_session.require_seb = True
    candidate = create_user("candidate")
    sessions.enroll(exam_session, candidate, BY)
    attempt = delivery.join(exam_session, candidate.id, "SIT123", T0, BY)
    delivery.agree(attempt, T0, BY)
    db.session.commit()
    sign_in(client, candidate.email)
    return attempt


RUNNER_REQUESTS = [
    ("GET", "/exam/sessions/{session}/join"),
    ("GET", "/exam/attempts/{attempt}/agreement"),
    ("GET", "/exam/attempts/{attempt}"),
    ("GET", "/exam/attempts/{attempt}/review"),
    ("POST", "/exam/attempts/{attempt}/sections/1/finish"),
    ("GET", "/exam/attempts/{attempt}/state?tab=t"),
    ("POST", "/exam/attempts/{attempt}/claim"),
    ("POST", "/exam/attempts/{attempt}/saves"),
]


@pytest.mark.parametrize("header", ["none", "wrong", "another URL's"])
def test_a_session_requiring_seb_refuses_every_runner_request_without_its_hash(seb_attempt, client, db, header):
    session_id = seb_attempt.session.id
    headers = {"none": {}, "wrong": {safe_browser.HEADER: "0" * 64},
               "another URL's": header_for(f"{HOST}/exam/attempts/{seb_attempt.id}/elsewhere", session_id)}[header]

    for method, path in RUNNER_REQUESTS:
        path = path.format(session=session_id, attempt=seb_attempt.id)
        page = client.open(path, method=method, headers=headers)
        answer = client.open(path, method=method, headers=headers, json={"tab": "t", "saves": []})

        assert page.status_code == 403 and answer.status_code == 403, path
        assert "Open this session in Safe Exam Browser" in page.get_data(as_text=True)
        assert f'href="/exam/sessions/{session_id}/config.seb"' in page.get_data(as_text=True)
        assert answer.get_json()["code"] == "safe_exam_browser_required"
    db.session.refresh(seb_attempt)
    assert seb_attempt.current_position == 1  # the refused finish closed nothing


def test_a_session_requiring_seb_admits_requests_with_the_hash_of_their_own_url(seb_attempt, client):
    attempt_url = f"/exam/attempts/{seb_attempt.id}"
    state_url = f"{attempt_url}/state?tab=t"

    page = client.get(attempt_url, headers=header_for(HOST + attempt_url, seb_attempt.session.id))
    state = client.get(state_url, headers=header_for(f"{HOST}{state_url}", seb_attempt.session.id))
    claimed = client.post(f"{attempt_url}/claim", json={"tab": "t"},
                          headers=header_for(f"{HOST}{attempt_url}/claim", seb_attempt.session.id))

    assert page.status_code == 200 and "Question 1 of 3" in page.get_data(as_text=True)
    assert state.status_code == 200 and state.get_json()["code"] == "in_progress"
    assert claimed.status_code == 200


def test_behind_a_proxy_the_hash_is_of_the_public_url(seb_attempt, make_app, client):
    proxied = make_app(PROXY_COUNT=1).test_client()
    proxied.set_cookie("session", client.get_cookie("session").value)
    public = f"https://exams.example.org/exam/attempts/{seb_attempt.id}/state"
    key = safe_browser.config_key(f"https://exams.example.org/exam/sessions/{seb_attempt.session.id}/join",
                                  "https://exams.example.org/")

    state = proxied.get(f"/exam/attempts/{seb_attempt.id}/state", headers={
        "X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "exams.example.org",
        safe_browser.HEADER: safe_browser.request_hash(public, key)})

    assert state.status_code == 200


def test_a_session_not_requiring_seb_admits_any_browser(start_attempt, client, create_user):
    candidate = create_user("candidate")
    attempt = start_attempt(candidate=candidate)
    sign_in(client, candidate.email)

    assert client.get(f"/exam/attempts/{attempt.id}/state").status_code == 200


def test_the_seb_file_is_served_to_the_enrolled_candidate(seb_attempt, client):
    response = client.get(f"/exam/sessions/{seb_attempt.session.id}/config.seb")

    assert response.status_code == 200 and response.mimetype == "application/seb"
    assert response.headers["Content-Disposition"] == f"attachment; filename=attest-session-{seb_attempt.session.id}.seb"
    settings = plistlib.loads(response.data)
    assert settings["startURL"] == f"{HOST}/exam/sessions/{seb_attempt.session.id}/join"
    assert safe_browser.key_of(settings) == safe_browser.config_key(settings["startURL"], f"{HOST}/")


def test_the_seb_file_is_not_for_a_candidate_not_enrolled(exam_session, login_as, client):
    login_as("candidate")

    assert client.get(f"/exam/sessions/{exam_session.id}/config.seb").status_code == 404


def test_a_proctor_schedules_a_session_requiring_seb(exam_form, login_as, client, db, time_machine):
    time_machine.move_to(T0, tick=False)
    login_as("proctor")

    client.post("/proctor/sessions/new", data=drawn({
        "name": "Locked down", "form": str(exam_form.id), "opens_at": "2026-06-01T09:00",
        "closes_at": "2026-06-01T17:00", "location": "online", "admission": "auto", "require_seb": "y",
        "grace_seconds": "30"}))

    session = db.session.scalar(db.select(delivery.ExamSession).where(delivery.ExamSession.name == "Locked down"))
    assert session.require_seb
    board = client.get(f"/proctor/sessions/{session.id}").get_data(as_text=True)
    assert f'href="/exam/sessions/{session.id}/config.seb"' in board
    assert 'checked id="require_seb"' in client.get(f"/proctor/sessions/{session.id}/edit").get_data(as_text=True)
