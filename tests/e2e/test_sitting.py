"""Candidates sit the demo examination in headless Chromium."""

import re
import secrets
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from accounts.roles import Role
from accounts.users import create_user, user_by_email
from audit.log import Actor
from clock import utcnow
from exam import sessions
from exam.demo import DEMO_CODE, DEMO_SESSION
from exam.models import Attempt, ExamSession, Response
from extensions import db
from item_bank.models import Form
from tests.e2e.accessibility import violations
from tests.e2e.test_smoke import sign_in

# A candidate's sitting is what PostgreSQL serves in production: these walks run on both backends.
pytestmark = pytest.mark.postgresql

BY = Actor(None, "tests")
PASSWORD = "a candidate's password"


def new_candidate(live_app, session_name=DEMO_SESSION, **accommodations):
    """A fresh candidate enrolled in a session of the live app; returns their email."""
    email = f"sitter-{secrets.token_hex(4)}@example.org"
    with live_app.app_context():
        user = create_user(email, "Sitter", {Role.CANDIDATE}, PASSWORD, BY)
        session = db.session.scalar(select(ExamSession).where(ExamSession.name == session_name))
        sessions.enroll(session, user, BY, **accommodations)
        db.session.commit()
    return email


def start_sitting(page, email, code=DEMO_CODE):
    sign_in(page, email, PASSWORD)
    page.get_by_role("link", name="Join with the access code").click()
    page.get_by_label("Access code").fill(code)
    page.get_by_role("button", name="Join").click()
    page.get_by_role("checkbox", name="I have read the instructions").check()
    page.get_by_role("button", name="Start the examination").click()
    expect(page.get_by_text("All answers saved")).to_be_visible()


def saved_answers(live_app, email):
    with live_app.app_context():
        candidate_id = user_by_email(email).id
        attempt = db.session.scalar(select(Attempt).where(Attempt.enrollment.has(candidate_id=candidate_id)))
        responses = db.session.scalars(select(Response).where(Response.attempt_id == attempt.id)
                                       .order_by(Response.position)).all()
        return attempt.status, [r.answer for r in responses]


def current_question(page):
    return page.locator(".question:not([hidden])")


def test_a_full_sitting_of_both_parts_by_keyboard_alone(page, live_app):
    email = new_candidate(live_app)
    start_sitting(page, email)

    for number in range(1, 61):
        heading = current_question(page).get_by_role("heading", level=2)
        expect(heading).to_have_text(f"Question {number} of 60")
        if number == 1:
            heading.focus()  # where a keyboard user starts; Next moves focus here for every later question
        expect(heading).to_be_focused()
        page.keyboard.press("Tab")  # the first option
        page.keyboard.press("Space")
        if number < 60:
            current_question(page).locator('[data-field="flag"]').focus()
            for _ in range(2):
                page.keyboard.press("Tab")  # past Previous to Next
            if number == 1:
                page.keyboard.press("Shift+Tab")  # Previous is disabled on the first question
            page.keyboard.press("Enter")
    expect(page.get_by_text("All answers saved")).to_be_visible()
    page.get_by_role("link", name="Review and finish this part").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Not answered (0)")).to_be_visible()
    page.get_by_role("button", name="Finish this part and go on").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Part Two: vignettes")
    expect(current_question(page).get_by_role("heading", level=2)).to_have_text("Question 1 of 3")
    current_question(page).get_by_role("heading", level=2).focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # "Answer this one"
    page.keyboard.press("Tab")
    page.keyboard.type("The baby's turning away may be a way of managing too much stimulation.")
    current_question(page).locator('[data-field="flag"]').focus()
    page.keyboard.press("Tab")  # Next: Previous is disabled on the first question
    page.keyboard.press("Enter")
    second = current_question(page).get_by_role("heading", level=2)
    expect(second).to_have_text("Question 2 of 3")
    expect(second).to_be_focused()  # as in Part One: keys go on from where Next put the focus
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type("I would wonder with the supervisee what she felt in the room.")
    expect(page.locator("#chosen-count")).to_have_text("2")
    page.get_by_role("link", name="Review and submit").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("You chose 2 of the 2 to answer")).to_be_visible()
    page.get_by_role("button", name="Submit the examination").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Examination submitted")).to_be_visible()
    status, answers = saved_answers(live_app, email)
    assert status == "submitted"
    assert all(answer and answer.get("option") for answer in answers[:60])
    assert answers[60]["texts"][0].startswith("The baby's turning away")
    assert answers[61]["texts"][0].startswith("I would wonder")


def test_a_reload_in_the_middle_keeps_every_answer_and_the_clock(page, live_app):
    start_sitting(page, new_candidate(live_app))
    for index in range(3):
        current_question(page).locator('input[type="radio"]').nth(index).check()
        page.get_by_role("button", name="Next").click()
    current_question(page).locator('[data-field="flag"]').check()
    expect(page.get_by_text("All answers saved")).to_be_visible()
    before = page.locator("#countdown").inner_text()

    page.reload()

    expect(page.locator(".nav-item.answered")).to_have_count(3)
    expect(page.locator(".nav-item.flagged")).to_have_count(1)
    expect(current_question(page).get_by_role("heading", level=2)).to_have_text("Question 4 of 60")
    assert page.locator("#countdown").inner_text() <= before


def test_thirty_seconds_offline_loses_nothing(page, live_app):
    page.clock.install()
    email = new_candidate(live_app)
    start_sitting(page, email)

    page.context.set_offline(True)
    for index in range(4):
        current_question(page).locator('input[type="radio"]').nth(index % 4).check()
        page.get_by_role("button", name="Next").click()
    expect(page.locator("#save-status")).to_contain_text("Not saved: reconnecting")
    # Thirty seconds on the browser's clock: every retry and poll of them fails offline.
    page.clock.run_for(30_000)
    page.context.set_offline(False)

    expect(page.get_by_text("All answers saved")).to_be_visible(timeout=20_000)
    _, answers = saved_answers(live_app, email)
    assert all(answer is not None for answer in answers[:4])


def test_a_page_drawn_before_the_last_save_committed_shows_what_is_stored(page, live_app):
    """A reload's page can be read while the save sent just before it is still
    being committed (PostgreSQL reads the state before it); the answer reached
    the old tab only, which cleared it from its journal. The page here is one
    drawn before the answer, served again after it is saved."""
    email = new_candidate(live_app)
    start_sitting(page, email)
    address = page.url.split("#")[0]
    drawn_before = page.request.get(address).text()
    current_question(page).locator('input[type="radio"]').nth(1).check()
    expect(page.get_by_text("All answers saved")).to_be_visible()

    page.route(address, lambda route: route.fulfill(body=drawn_before, content_type="text/html"))
    page.reload()

    expect(page.get_by_text("All answers saved")).to_be_visible()
    expect(page.locator(".nav-item.answered")).to_have_count(1)
    expect(current_question(page).locator('input[type="radio"]').nth(1)).to_be_checked()


def test_the_journal_survives_a_reload_while_offline(page, live_app):
    email = new_candidate(live_app)
    start_sitting(page, email)
    page.context.set_offline(True)
    current_question(page).locator('input[type="radio"]').nth(1).check()
    expect(page.locator("#save-status")).to_contain_text("Not saved")

    page.context.set_offline(False)
    page.reload()

    expect(page.get_by_text("All answers saved")).to_be_visible()
    expect(page.locator(".nav-item.answered")).to_have_count(1)
    assert saved_answers(live_app, email)[1][0] is not None


def open_session(live_app, name, code, grace_seconds, hours=2):
    """An online session of the demo's MENTOR-B form, open from an hour ago for `hours`."""
    with live_app.app_context():
        form = db.session.scalar(select(Form).where(Form.code == "MENTOR-B"))
        now = utcnow()
        sessions.create_session(name, form, now - timedelta(hours=1), now + timedelta(hours=hours), "online", code,
                                grace_seconds, BY)
        db.session.commit()


def test_a_section_times_out_and_the_attempt_finishes_by_itself(page, live_app, time_machine):
    # The seconds to each deadline pass on both clocks, the server's and the browser's, not on the wall.
    time_machine.move_to(datetime.now(timezone.utc), tick=True)
    page.clock.install()
    open_session(live_app, "Timing test", "TIMING", 0)
    email = new_candidate(live_app, "Timing test")
    start_sitting(page, email, code="TIMING")
    current_question(page).locator('input[type="radio"]').first.check()
    expect(page.get_by_text("All answers saved")).to_be_visible()

    def run_out_in(seconds):
        with live_app.app_context():
            attempt = db.session.scalar(select(Attempt).order_by(Attempt.id.desc()))
            attempt.current_section.deadline_at = utcnow() + timedelta(seconds=seconds)
            db.session.commit()
        page.reload()
        time_machine.shift(timedelta(seconds=seconds))
        page.clock.run_for(seconds * 1000)

    run_out_in(3)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Part Two", timeout=15_000)
    run_out_in(3)
    expect(page.get_by_role("heading", name="Examination submitted")).to_be_visible(timeout=15_000)
    expect(page.get_by_text("when the time ran out")).to_be_visible()
    status, answers = saved_answers(live_app, email)
    assert status == "submitted" and answers[0] is not None


def test_a_second_tab_takes_over_and_the_first_is_told(page, live_app):
    email = new_candidate(live_app)
    start_sitting(page, email)
    other = page.context.new_page()
    other.goto(page.url)
    expect(other.get_by_text("All answers saved")).to_be_visible()

    page.locator(".question:not([hidden]) input[type='radio']").first.check()

    expect(page.get_by_text("This examination is now open in another window")).to_be_visible()
    other.close()


def test_candidate_pages_meet_wcag_with_accommodations(page, live_app):
    email = new_candidate(live_app, large_text=True, high_contrast=True)
    sign_in(page, email, PASSWORD)
    assert violations(page) == []
    page.get_by_role("link", name="Join with the access code").click()
    # Each check waits for the next page to be there: axe cannot read a page still navigating.
    expect(page.get_by_label("Access code")).to_be_visible()
    assert violations(page) == []
    page.get_by_label("Access code").fill(DEMO_CODE)
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("checkbox", name="I have read the instructions")).to_be_visible()
    assert violations(page) == []
    page.get_by_role("checkbox", name="I have read the instructions").check()
    page.get_by_role("button", name="Start the examination").click()
    expect(page.get_by_text("All answers saved")).to_be_visible()
    assert "large-text" in page.locator("body").get_attribute("class")
    assert violations(page) == []
    page.get_by_role("link", name="Review and finish this part").click()
    expect(page.get_by_role("button", name="Finish this part and go on")).to_be_visible()
    assert violations(page) == []
    page.get_by_role("button", name="Finish this part and go on").click()
    current_question(page).locator('[data-field="choose"]').check()
    assert violations(page) == []
    page.get_by_role("link", name="Review and submit").click()
    page.get_by_role("button", name="Submit the examination").click()
    expect(page.get_by_role("heading", name="Examination submitted")).to_be_visible()
    assert violations(page) == []


def test_the_countdown_warns_a_minute_before_the_deadline(page, live_app):
    page.clock.install()
    email = new_candidate(live_app)
    start_sitting(page, email)
    with live_app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.enrollment.has(candidate_id=user_by_email(email).id)))
        attempt.current_section.deadline_at = utcnow() + timedelta(seconds=63)
        db.session.commit()

    page.reload()
    page.clock.run_for(3_000)  # the three seconds to the warning, on the browser's clock

    expect(page.get_by_role("alert").filter(has_text="1 minute left in this part.")).to_be_visible(timeout=10_000)
    expect(page.locator("#countdown")).to_have_text(re.compile(r"^(1:00|0:[0-5]\d)$"))


def test_a_duplicated_tab_takes_over_and_the_first_never_claims_a_change_it_lost(page, live_app):
    page.clock.install()  # no poll runs unless the test moves the clock: the first tab learns only from its save
    email = new_candidate(live_app)
    start_sitting(page, email)
    # window.open, like Chrome's Duplicate tab, copies the page's sessionStorage into the new tab.
    with page.expect_popup() as opened:
        page.evaluate("window.open(location.href)")
    duplicate = opened.value
    expect(duplicate.get_by_text("All answers saved")).to_be_visible()

    current_question(duplicate).locator('input[type="radio"]').nth(1).check()
    expect(duplicate.get_by_text("All answers saved")).to_be_visible()
    current_question(page).locator('input[type="radio"]').nth(0).check()

    expect(page.locator("#superseded")).to_have_text(
        "This examination is now open in another window or on another computer. Continue there. "
        "1 change made here after that was not saved: make it again there.")
    expect(page.locator("#save-status")).to_have_text("Not saved here: the examination is open in another window")
    chosen = current_question(duplicate).locator('input[type="radio"]').nth(1).get_attribute("value")
    assert saved_answers(live_app, email)[1][0] == {"option": chosen}


def reach_part_two(page):
    page.get_by_role("link", name="Review and finish this part").click()
    page.get_by_role("button", name="Finish this part and go on").click()
    expect(page.get_by_text("All answers saved")).to_be_visible()


def test_an_answer_the_server_refuses_is_shown_as_not_saved_until_it_is(page, live_app):
    start_sitting(page, new_candidate(live_app))
    reach_part_two(page)
    text = current_question(page).locator("textarea").first
    # The textarea stops typing at the limit; a page from before it did (or a browser that ignores it) does not.
    text.evaluate("element => element.removeAttribute('maxlength')")

    text.fill("x" * 50_001)
    page.get_by_role("button", name="Next").click()

    expect(page.locator("#save-status")).to_have_text(
        "Not saved: 1 change refused (see the message above the questions)")
    expect(page.locator("#save-problem")).to_contain_text("Question 1: not saved,")
    page.get_by_role("button", name="Previous").click()
    text.fill("A shorter answer.")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("All answers saved")).to_be_visible()
    expect(page.locator("#save-problem")).to_be_hidden()


def test_a_choice_beyond_the_number_to_answer_is_unticked_and_said_so(page, live_app):
    start_sitting(page, new_candidate(live_app))
    reach_part_two(page)
    for _ in range(2):
        current_question(page).locator('[data-field="choose"]').check()
        expect(page.get_by_text("All answers saved")).to_be_visible()
        page.get_by_role("button", name="Next").click()
    # A click, not check(): the runner may untick the box before check() looks whether it took.
    current_question(page).locator('[data-field="choose"]').click()

    expect(current_question(page).locator('[data-field="choose"]')).not_to_be_checked()
    expect(page.locator("#chosen-count")).to_have_text("2")
    notice = page.locator("#time-warning")
    expect(notice).to_contain_text("Not chosen:")
    expect(page.get_by_text("All answers saved")).to_be_visible()
    page.get_by_role("button", name="Previous").click()
    current_question(page).locator('[data-field="choose"]').uncheck()
    expect(notice).to_be_hidden()


def test_the_runner_sends_batches_no_larger_than_the_server_reads(page, live_app):
    email = new_candidate(live_app)
    start_sitting(page, email)
    address = page.url.split("#")[0]
    # A page telling of a small limit: four answers pending at once no longer fit in one request.
    small = re.sub(r'data-body-limit="\d+"', 'data-body-limit="300"', page.request.get(address).text())
    page.route(address, lambda route: route.fulfill(body=small, content_type="text/html"))
    page.reload()
    sizes = []
    page.on("request", lambda request: sizes.append(len(request.post_data_buffer or b""))
            if request.url.endswith("/saves") else None)

    page.context.set_offline(True)
    for index in range(4):
        current_question(page).locator('input[type="radio"]').nth(index).check()
        page.get_by_role("button", name="Next").click()
    page.context.set_offline(False)

    expect(page.get_by_text("All answers saved")).to_be_visible(timeout=20_000)
    assert len(sizes) > 1 and max(sizes) <= 300
    assert all(answer is not None for answer in saved_answers(live_app, email)[1][:4])


def test_a_save_too_large_for_the_server_is_dropped_and_said_so_and_the_next_is_saved(page, live_app):
    email = new_candidate(live_app)
    start_sitting(page, email)
    message = "What you sent is larger than the 1 MB Attest accepts in one request."
    refused = []

    def too_large(route):
        refused.append(route.request.post_data)
        route.fulfill(status=413, json={"code": "too_large", "error": "Too large", "message": message})

    page.route("**/saves", too_large)
    current_question(page).locator('input[type="radio"]').nth(0).check()
    expect(page.locator("#save-problem")).to_have_text(f"Question 1: not saved, {message}")
    page.unroute("**/saves")
    page.get_by_role("button", name="Next").click()
    current_question(page).locator('input[type="radio"]').nth(1).check()

    # The journal let it go, so the next is saved; the first stays shown as not saved.
    expect(page.locator("#save-status")).to_have_text(
        "Not saved: 1 change refused (see the message above the questions)")
    page.wait_for_function("""() => Object.keys(localStorage).filter((key) => key.startsWith("attest-journal-"))
                                       .every((key) => JSON.parse(localStorage.getItem(key)).length === 0)""")
    assert len(refused) == 1
    answers = saved_answers(live_app, email)[1]
    assert answers[0] is None and answers[1] is not None
