"""A proctor runs a sitting from the live board while a candidate sits it: two
browser contexts in headless Chromium, the proctor's and the candidate's."""

import re
import secrets
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from accounts.roles import Role
from accounts.users import create_user, user_by_email
from audit import chain
from clock import utcnow
from exam import delivery, proctoring, sessions
from exam.demo import PROCTORED_CODE, PROCTORED_SESSION
from exam.models import ExamSession
from extensions import db
from tests.e2e.accessibility import violations
from tests.e2e.test_sitting import BY, PASSWORD, current_question, new_candidate, saved_answers
from tests.e2e.test_smoke import sign_in

# A proctor's actions lock the attempts they change: these walks run on both backends.
pytestmark = pytest.mark.postgresql

PROCTOR = ("proctor@example.org", "demo-proctor")


def seconds_on(countdown):
    """The runner's countdown ("M:SS" or "H:MM:SS") in seconds."""
    parts = [int(part) for part in countdown.inner_text().split(":")]
    return sum(value * 60 ** power for power, value in enumerate(reversed(parts)))


def board_row(page, name):
    return page.locator("#board-rows tr", has=page.get_by_role("link", name=name, exact=True))


def act_on(page, name, button):
    board_row(page, name).get_by_role("checkbox").check()
    page.get_by_role("button", name=button, exact=True).click()


def test_a_proctor_admits_pauses_extends_and_terminates_a_candidate(two_browsers, live_app):
    proctor, candidate = two_browsers
    # The candidate's polls run on the browser's clock, moved on rather than waited for.
    candidate.clock.install()
    email = new_candidate(live_app, PROCTORED_SESSION)
    with live_app.app_context():
        name = user_by_email(email).name

    sign_in(candidate, email, PASSWORD)
    candidate.get_by_role("link", name="Join with the access code").click()
    candidate.get_by_label("Access code").fill(PROCTORED_CODE.lower())
    candidate.get_by_role("button", name="Join").click()
    candidate.get_by_role("checkbox", name="I have read the instructions").check()
    candidate.get_by_role("button", name="Start the examination").click()
    expect(candidate.get_by_role("heading", name="Waiting to be admitted")).to_be_visible()

    sign_in(proctor, *PROCTOR)
    proctor.get_by_role("link", name=PROCTORED_SESSION).first.click()
    expect(board_row(proctor, name)).to_contain_text("Awaiting admission")
    assert violations(proctor) == []
    # The room checks identity: no admission before the proctor records the check.
    act_on(proctor, name, "Admit or re-admit")
    expect(proctor.get_by_text(f"{name}: cannot admit a candidate whose identity is not checked")).to_be_visible()
    board_row(proctor, name).get_by_role("link", name="Check ID").click()
    proctor.get_by_label("Document", exact=True).select_option(label="Driving licence")
    proctor.get_by_label("Name as shown on the document").fill(name)
    assert violations(proctor) == []
    proctor.get_by_role("button", name="Record the identity check").click()
    expect(proctor.get_by_text(f"{name}'s identity check is recorded.")).to_be_visible()
    expect(board_row(proctor, name)).to_contain_text("ID checked")
    act_on(proctor, name, "Admit or re-admit")
    expect(proctor.get_by_text(f"{name} is admitted.")).to_be_visible()

    candidate.clock.run_for(5_000)  # the waiting page polls every 5 s
    expect(candidate.get_by_text("All answers saved")).to_be_visible(timeout=8000)
    current_question(candidate).get_by_role("radio").first.check()
    expect(candidate.get_by_text("All answers saved")).to_be_visible()

    # Pause: the candidate's page says so within 5 s, and the clock stands still.
    act_on(proctor, name, "Pause")
    candidate.clock.run_for(4_000)  # a state poll
    paused = candidate.get_by_text("Paused by proctor")
    expect(paused).to_be_visible(timeout=5000)
    expect(current_question(candidate)).to_be_hidden()
    countdown = candidate.locator("#countdown")
    stopped_at = seconds_on(countdown)
    candidate.clock.run_for(2_500)  # more than two ticks of the runner's clock
    assert seconds_on(countdown) == stopped_at

    act_on(proctor, name, "Resume")
    candidate.clock.run_for(4_000)
    expect(paused).to_be_hidden(timeout=5000)
    expect(current_question(candidate)).to_be_visible()

    # Extend: the candidate's countdown grows by the minutes given.
    before = seconds_on(countdown)
    board_row(proctor, name).get_by_role("checkbox").check()
    proctor.get_by_label("Minutes").fill("10")
    proctor.get_by_label("Reason").fill("Fire alarm in the building")
    proctor.get_by_role("button", name="Extend time").click()
    expect(proctor.get_by_text(f"{name} has 10 more minutes in part 1.")).to_be_visible()
    candidate.clock.run_for(4_000)
    candidate.wait_for_function(
        "before => { const parts = document.getElementById('countdown').textContent.split(':').map(Number);"
        " const total = parts.reduce((sum, part) => sum * 60 + part, 0); return total > before + 500; }",
        arg=before, timeout=5000,
    )

    # Terminate: a reason and a confirmation; the candidate lands on a clear end page.
    board_row(proctor, name).get_by_role("checkbox").check()
    proctor.get_by_role("button", name="Terminate…").click()
    expect(proctor.get_by_role("heading", name="Terminate 1 attempt?")).to_be_visible()
    proctor.get_by_label("Reason").fill("Notes found on the desk")
    proctor.get_by_role("button", name="Terminate", exact=True).click()
    expect(proctor.get_by_text(f"{name}'s attempt is terminated")).to_be_visible()
    expect(board_row(proctor, name)).to_contain_text("Terminated")
    candidate.clock.run_for(4_000)

    expect(candidate.get_by_role("heading", name="Examination ended")).to_be_visible(timeout=5000)
    expect(candidate.get_by_text("Notes found on the desk")).to_be_visible()
    expect(candidate.get_by_text("Every answer you saved up to then has been kept")).to_be_visible()
    status, answers = saved_answers(live_app, email)
    assert status == "terminated" and answers[0] is not None

    # The report names every timing change, with who and why.
    proctor.goto(proctor.url.split("#")[0].rstrip("/") + "/report")
    for text in ("Driving licence", "Admitted", "Paused", "Resumed", "Time extended +10 min", "Fire alarm in the building",
                 "Terminated", "Notes found on the desk"):
        expect(proctor.locator("main").get_by_text(text, exact=False).first).to_be_visible()
    with live_app.app_context():
        assert chain.verify(db.session).broken is None


@pytest.fixture
def crowded_session(live_app):
    """A session of 300 candidates: 100 not joined, 100 waiting for admission, 100 sitting (the last two
    admitted, their browsers not connected yet)."""
    with live_app.app_context():
        session = db.session.scalar(select(ExamSession).where(ExamSession.name == PROCTORED_SESSION))
        now = utcnow()
        crowd = sessions.schedule(sessions.Options(
            f"Crowded room {secrets.token_hex(3)}", session.form, session.opens_at, session.closes_at,
            capacity=300, auto_admit=False, proctors=list(session.proctors)), BY)
        tag = secrets.token_hex(3)
        for number in range(300):
            user = create_user(f"crowd-{tag}-{number}@example.org", f"Crowd {tag} {number:03d}", {Role.CANDIDATE},
                               PASSWORD, BY)
            enrollment = sessions.enroll(crowd, user, BY)
            if number >= 100:
                attempt = delivery.join(crowd, user.id, crowd.access_code, now, BY)
                delivery.agree(attempt, now, BY)
            if number >= 200:
                proctoring.apply(enrollment, "admit", now, BY)
            if 200 <= number < 298:
                delivery.note_contact(enrollment.attempt, now)
        db.session.commit()
        return crowd.id, tag


def test_the_board_shows_300_candidates_and_refreshes_itself(page, live_app, crowded_session):
    session_id, tag = crowded_session
    sign_in(page, *PROCTOR)

    started = time.perf_counter()
    page.goto(f"/proctor/sessions/{session_id}")
    expect(page.locator("#board-rows tr")).to_have_count(300)
    assert time.perf_counter() - started < 10
    expect(page.locator('[data-standing="in_progress"] .count')).to_have_text("98")
    expect(page.locator('[data-standing="admitted_not_connected"] .count')).to_have_text("2")
    expect(page.locator('[data-standing="awaiting_admission"] .count')).to_have_text("100")
    expect(page.locator('[data-standing="enrolled"] .count')).to_have_text("100")
    board_row(page, f"Crowd {tag} 250").get_by_role("checkbox").check()

    with live_app.app_context():
        crowd = db.session.get(ExamSession, session_id)
        enrollment = next(e for e in crowd.enrollments if e.candidate.name == f"Crowd {tag} 299")
        proctoring.apply(enrollment, "pause", utcnow(), BY)
        db.session.commit()

    row = board_row(page, f"Crowd {tag} 299")
    expect(row).to_contain_text("Paused", timeout=8000)  # no reload: the board polls every 5 s
    expect(board_row(page, f"Crowd {tag} 298")).to_contain_text("Not connected since admitted")  # as board.js draws it
    expect(page.locator('[data-standing="paused"] .count')).to_have_text("1")
    expect(board_row(page, f"Crowd {tag} 250").get_by_role("checkbox")).to_be_checked()  # the tick survives
    expect(page.get_by_role("status").filter(has_text=re.compile("Updated"))).to_be_visible()


def test_after_a_new_access_code_the_report_and_its_csvs_still_open(page, live_app):
    with live_app.app_context():
        proctor_user = user_by_email(PROCTOR[0])
        demo = db.session.scalar(select(ExamSession).where(ExamSession.name == PROCTORED_SESSION))
        session = sessions.schedule(sessions.Options(f"Reissue {secrets.token_hex(3)}", demo.form, demo.opens_at,
                                                     demo.closes_at, proctors=[proctor_user]), BY)
        sessions.enroll(session, create_user(f"reissue-{secrets.token_hex(3)}@example.org", "Rey Issue",
                                             {Role.CANDIDATE}, PASSWORD, BY), BY)
        db.session.commit()
        session_id, old_code = session.id, session.access_code
    sign_in(page, *PROCTOR)
    page.goto(f"/proctor/sessions/{session_id}")

    page.get_by_role("button", name="Issue a new code…").click()
    expect(page.get_by_role("heading", name=re.compile("Issue a new access code"))).to_be_visible()
    page.get_by_role("button", name="Issue a new code").click()
    expect(page.get_by_text("The old one no longer admits anyone.")).to_be_visible()
    page.get_by_role("link", name="Report").click()

    expect(page.get_by_text("Access code changed")).to_be_visible()
    assert old_code not in page.content()
    for export in ("attendance.csv", "events.csv"):
        assert page.request.get(f"/proctor/sessions/{session_id}/report/{export}").status == 200
