"""Faults during a sitting, in headless Chromium: the database unreachable, the
candidate's network gone, a deadline passing while they are offline.

The database outage is real to the app (tests/database_outage.py says how on
each backend) and lasts the 20 seconds the promise names on the browser's
clock, through every save retry and state poll of that span; the app's side
of it depends on no clock. Network loss is Playwright's offline mode; its
minutes pass on two moved clocks rather than the wall: the browser's (Playwright's clock `run_for`, which fires every timer
of the span in order: the runner's countdown, state polls and save retries)
and the server's (time-machine, which moves the `utcnow` every request reads).
Nothing in a sitting waits on the wall clock, so runner and server take the
same paths as in real minutes.
"""

import re
from datetime import datetime, timedelta, timezone
from functools import reduce

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from accounts.users import user_by_email
from clock import utcnow
from exam.models import Attempt, Response, SaveRecord
from extensions import db
from results.keyed import score_attempt
from tests.conftest import copy_of_demo
from tests.database_outage import app_with_database_outage
from tests.e2e.conftest import serving
from tests.e2e.test_sitting import current_question, new_candidate, open_session, start_sitting

# Each backend's outage is cut its own way (tests/database_outage.py): these walks run on both.
pytestmark = pytest.mark.postgresql

OUTAGE_SECONDS = 20


@pytest.fixture(scope="module")
def cuttable_app(demo_database, tmp_path_factory):
    """The app served over a copy of the demo database of its own, which
    `cuttable_app.outage.cut()` makes unreachable until `restore()`."""
    demo = copy_of_demo(demo_database, "faults", tmp_path_factory.mktemp("faults"))
    with app_with_database_outage(demo.url, DOCUMENTS_DIR=str(demo.documents)) as (app, outage):
        app.outage = outage
        with serving(app):
            yield app


@pytest.fixture
def cuttable_page(chromium, cuttable_app):
    context = chromium.new_context(base_url=cuttable_app.url)
    yield context.new_page()
    context.close()


def attempt_of(email):
    """The candidate's attempt; call in the app's context."""
    candidate_id = user_by_email(email).id
    return db.session.scalar(select(Attempt).where(Attempt.enrollment.has(candidate_id=candidate_id)))


def journal_of(attempt):
    """The attempt's journaled changes to answers, flags and choices (not where the candidate moved)."""
    return db.session.scalars(select(SaveRecord).where(SaveRecord.attempt_id == attempt.id,
                                                       SaveRecord.field != "at")).all()


def answer(page, index):
    """Choose the option at `index` of the question on screen; returns its id."""
    radio = current_question(page).locator('input[type="radio"]').nth(index)
    radio.check()
    return radio.get_attribute("value")


def choose(page, option):
    current_question(page).locator(f'input[type="radio"][value="{option}"]').check()


def go_to(page, number):
    page.locator(".nav-item").nth(number - 1).click()


def next_question(page):
    page.get_by_role("button", name="Next").click()


def countdown_seconds(page):
    return reduce(lambda total, part: total * 60 + int(part), page.locator("#countdown").inner_text().split(":"), 0)


def expect_saved(page, timeout=5_000):
    expect(page.locator("#save-status")).to_have_text("All answers saved", timeout=timeout)


def test_twenty_seconds_without_the_database_lose_and_duplicate_nothing(cuttable_page, cuttable_app):
    page, app = cuttable_page, cuttable_app
    page.clock.install()
    email = new_candidate(app)
    start_sitting(page, email)
    chosen = {}
    for number in (1, 2, 3):
        chosen[number] = answer(page, number % 4)
        next_question(page)
    expect_saved(page)

    app.outage.cut()
    cut_at = page.evaluate("Date.now()")
    try:
        assert page.request.get("/healthz").status == 503
        for number in (4, 5, 6):
            chosen[number] = answer(page, number % 4)
            next_question(page)
        go_to(page, 1)
        chosen[1] = answer(page, 3)
        go_to(page, 2)
        current_question(page).locator('[data-field="flag"]').check()
        expect(page.locator("#save-status")).to_have_text("Not saved: reconnecting (5 changes kept on this computer)")
        page.clock.run_for(cut_at + OUTAGE_SECONDS * 1000 - page.evaluate("Date.now()"))
        assert page.request.get("/healthz").status == 503
    finally:
        app.outage.restore()

    assert page.request.get("/healthz").status == 200
    # Within a state poll (4 s) of the database's return, not the save backoff's 15 s.
    expect_saved(page, timeout=8_000)
    with app.app_context():
        attempt = attempt_of(email)
        journal = journal_of(attempt)
        responses = db.session.scalars(select(Response).where(Response.attempt_id == attempt.id)
                                       .order_by(Response.position)).all()
        assert len(journal) == len({record.seq for record in journal}) == 8  # 3 before, 5 during
        assert all(record.accepted for record in journal)
        assert [response.answer for response in responses[:6]] == [{"option": chosen[n]} for n in range(1, 7)]
        assert [response.flagged for response in responses[:3]] == [False, True, False]


def test_a_minute_offline_loses_nothing_and_the_countdown_is_the_servers(page, live_app, time_machine):
    time_machine.move_to(datetime.now(timezone.utc), tick=True)
    page.clock.install()
    email = new_candidate(live_app)
    start_sitting(page, email)
    chosen = {1: answer(page, 0)}
    expect_saved(page)

    page.context.set_offline(True)
    next_question(page)
    chosen[2] = answer(page, 1)
    next_question(page)
    chosen[3] = answer(page, 2)
    go_to(page, 1)
    chosen[1] = answer(page, 3)
    expect(page.locator("#save-status")).to_have_text("Not saved: reconnecting (3 changes kept on this computer)")
    before = countdown_seconds(page)
    page.clock.run_for(60_000)
    time_machine.shift(timedelta(seconds=60))
    assert 59 <= before - countdown_seconds(page) <= 61  # the countdown ran on offline
    page.context.set_offline(False)

    expect_saved(page)
    with live_app.app_context():
        attempt = attempt_of(email)
        journal = journal_of(attempt)
        assert len(journal) == len({record.seq for record in journal}) == 4
        assert all(record.accepted for record in journal)
        assert [r.answer for r in attempt.current_section.responses[:3]] == [{"option": chosen[n]} for n in (1, 2, 3)]
        server_left = (attempt.current_section.deadline_at - utcnow()).total_seconds()
    assert abs(countdown_seconds(page) - server_left) <= 2


def test_five_minutes_offline_across_a_deadline_end_the_part_when_the_server_says(page, live_app, time_machine):
    time_machine.move_to(datetime.now(timezone.utc), tick=True)
    open_session(live_app, "Offline across a deadline", "OFFLINE", 30, hours=4)
    email = new_candidate(live_app, "Offline across a deadline")
    page.clock.install()
    start_sitting(page, email, code="OFFLINE")
    with live_app.app_context():
        part_one = attempt_of(email).current_section
        deadline = part_one.deadline_at
        keys = [response.form_item.item_version.content["key"][0] for response in part_one.responses[:5]]
    for number in (1, 2):
        choose(page, keys[number - 1])
        next_question(page)
    expect_saved(page)

    # Both clocks jump to two minutes before Part One's deadline; the runner's
    # next poll hears the server's time.
    to_the_last_two_minutes = deadline - timedelta(minutes=2) - utcnow()
    time_machine.shift(to_the_last_two_minutes)
    page.clock.fast_forward(int(to_the_last_two_minutes.total_seconds() * 1000))
    expect(page.locator("#countdown")).to_have_text(re.compile(r"^(2:00|1:5\d)$"))
    choose(page, keys[2])
    expect_saved(page)
    next_question(page)

    # Offline: one answer before the deadline, five minutes, one answer after it.
    page.context.set_offline(True)
    choose(page, keys[3])
    next_question(page)
    expect(page.locator("#save-status")).to_contain_text("Not saved: reconnecting")
    page.clock.run_for("05:00")
    time_machine.shift(timedelta(minutes=5))
    expect(page.locator("#countdown")).to_have_text("0:00")
    choose(page, keys[4])
    page.context.set_offline(False)

    expect(page.get_by_role("heading", level=1)).to_contain_text("Part Two", timeout=10_000)
    expect(page.locator("#time-warning")).to_have_text(
        "2 changes made after the previous part's time was over were not saved.")
    expect_saved(page)
    with live_app.app_context():
        attempt = attempt_of(email)
        part_one, part_two = attempt.sections
        # The part closed at its deadline, and the next began then, not when the candidate came back.
        assert part_one.closed_at == deadline and part_two.started_at == deadline
        assert [r.answer for r in part_one.responses[:5]] == [{"option": key} for key in keys[:3]] + [None, None]
        late = [record for record in journal_of(attempt) if record.response_id in
                {r.id for r in part_one.responses[3:5]}]
        assert len(late) == 2 and not any(record.accepted for record in late)
        server_left = (part_two.deadline_at - utcnow()).total_seconds()
    assert abs(countdown_seconds(page) - server_left) <= 2

    page.get_by_role("link", name="Review and submit").click()
    page.get_by_role("button", name="Submit the examination").click()
    expect(page.get_by_role("heading", name="Examination submitted")).to_be_visible()
    with live_app.app_context():
        attempt = attempt_of(email)
        assert attempt.status == "submitted"
        assert score_attempt(attempt).points == 3  # the three saved before the deadline
