"""Two raters score a candidate's written responses blind, disagree on one,
an adjudicator settles it, the coordinator releases the results, and the
candidate reads the feedback letter."""

import secrets
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from accounts.roles import Role
from accounts.users import create_user
from clock import utcnow
from exam import delivery, sessions
from exam.models import AttemptStatus, Response
from extensions import db
from item_bank.models import Form
from rating import assignment
from rating.models import RatingCase
from rating.responses import counted_responses
from tests.conftest import PASSWORD
from tests.e2e.accessibility import violations
from tests.e2e.test_smoke import sign_in
from tests.exam_fixtures import BY

COORDINATOR = ("coordinator@example.org", "demo-coordinator")
RATERS = [("rater@example.org", "demo-rater"), ("rater2@example.org", "demo-rater2")]
ADJUDICATOR = ("rater3@example.org", "demo-rater3")
CANDIDATE_NAME = "Imogen Quillfeather"
WRITTEN = "I would first wonder with the mother what the baby's turning away might mean to her."
# First ratings per response, criteria C1..C4: the first response's disagree by two points on C2.
FIRST = {1: ([3, 3, 3, 3], [3, 1, 3, 3]), 2: ([3, 3, 2, 3], [3, 3, 3, 3])}
SETTLED = [3, 2, 3, 3]


def submitted_candidate(live_app):
    """A candidate who sat MENTOR-A in a session of their own: every question by key, two vignettes written."""
    with live_app.app_context():
        form = db.session.scalar(select(Form).where(Form.code == "MENTOR-A"))
        now = utcnow()
        session = sessions.create_session(f"Rating sitting {secrets.token_hex(3)}", form, now - timedelta(hours=3),
                                          now + timedelta(hours=3), "online", "RATE01", 30, BY)
        email = f"writer-{secrets.token_hex(4)}@example.org"
        candidate = create_user(email, CANDIDATE_NAME, {Role.CANDIDATE}, PASSWORD, BY)
        sessions.enroll(session, candidate, BY)
        attempt = delivery.join(session, candidate.id, "RATE01", now, BY)
        delivery.agree(attempt, now, BY)
        written = 0
        for response in attempt.responses:
            content = response.form_item.item_version.content
            if "key" in content:
                response.answer, response.answered, response.answer_seq = {"option": content["key"][0]}, True, 1
            elif written < response.attempt_section.form_section.answer_count:
                response.answer = {"texts": [WRITTEN] * len(content["prompts"])}
                response.answered, response.answer_seq, response.chosen, response.choose_seq = True, 1, True, 2
                written += 1
        for section in attempt.sections:
            delivery.finish_section(attempt, section.position, now, BY)
        assert attempt.status == AttemptStatus.SUBMITTED
        db.session.commit()
        return email, session.name, session.id, [response.id for response in counted_responses(attempt)]


def codes(live_app, response_ids):
    with live_app.app_context():
        return [db.session.scalar(select(RatingCase.code).where(RatingCase.response_id == response_id))
                for response_id in response_ids]


def score(page, code, points, comments, submit=True):
    page.get_by_role("link", name=code).click()
    expect(page.get_by_text(WRITTEN).first).to_be_visible()
    expect(page.get_by_text(CANDIDATE_NAME)).to_have_count(0)
    for number, value in enumerate(points, start=1):
        page.locator(f'input[name="criterion-C{number}"][value="{value}"]').check()
    page.get_by_label("Comments for the feedback letter").fill(comments)
    page.get_by_role("button", name="Submit rating" if submit else "Save draft").click()


def switch(page, account):
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, *account)


def test_two_raters_disagree_an_adjudicator_settles_it_and_the_candidate_reads_the_letter(two_browsers, live_app):
    staff, rater = two_browsers
    email, session_name, session_id, response_ids = submitted_candidate(live_app)

    sign_in(staff, *COORDINATOR)
    staff.get_by_role("link", name="Rating", exact=True).first.click()
    staff.get_by_role("link", name="MENTOR-A").click()
    for response_id in response_ids:
        for account, _ in RATERS:
            staff.locator(f"#rater-{response_id}").select_option(label=f"{_name(account)} ({account})")
            staff.locator("form", has=staff.locator(f"#rater-{response_id}")).get_by_role(
                "button", name="Assign").click()
            expect(staff.get_by_text("Rater assigned.")).to_be_visible()
    assert violations(staff) == []
    first_code, second_code = codes(live_app, response_ids)

    sign_in(rater, *RATERS[0])
    expect(rater.get_by_role("heading", name="My queue (2)")).to_be_visible()
    done_before = rater.get_by_role("heading", name="My completed ratings").inner_text()
    score(rater, first_code, FIRST[1][0], "A warm, well-grounded reading of the baby's cues.", submit=False)
    expect(rater.get_by_text(f"Draft of {first_code} saved.")).to_be_visible()
    rater.get_by_role("button", name="Submit rating").click()
    expect(rater.get_by_text(f"Rating of {first_code} submitted.")).to_be_visible()
    score(rater, second_code, FIRST[2][0], "Your plan for the next visit is clear and kind.")
    expect(rater.get_by_role("heading", name="My queue (0)")).to_be_visible()
    assert rater.get_by_role("heading", name="My completed ratings").inner_text() != done_before
    expect(rater.get_by_role("link", name=second_code)).to_be_visible()
    assert violations(rater) == []

    switch(rater, RATERS[1])
    rater.get_by_role("link", name=first_code).click()
    expect(rater.get_by_text("warm, well-grounded")).to_have_count(0)  # blind to the other rating
    rater.get_by_role("link", name="My queue").click()
    score(rater, first_code, FIRST[1][1], "Say more about the mother's own history.")
    score(rater, second_code, FIRST[2][1], "Good attention to the feeding and the weight concern.")

    switch(rater, ADJUDICATOR)
    rater.get_by_role("link", name=first_code).click()
    expect(rater.get_by_text("The two raters disagreed")).to_be_visible()
    expect(rater.get_by_text("warm, well-grounded")).to_be_visible()
    expect(rater.get_by_text(RATERS[0][0])).to_have_count(0)
    assert violations(rater) == []
    rater.get_by_role("link", name="My queue").click()
    score(rater, first_code, SETTLED, "The response reads the relationship well; reflect further on the parent.")

    staff.goto(f"/rating/sessions/{session_id}/results")
    expect(staff.get_by_text(CANDIDATE_NAME)).to_be_visible()
    staff.get_by_role("button", name="Release results").click()
    expect(staff.get_by_text(f"Results of {session_name} are released")).to_be_visible()

    switch(rater, (email, PASSWORD))
    rater.get_by_role("link", name="See your result").first.click()
    expect(rater.get_by_text("Congratulations: you passed the written examination.")).to_be_visible()
    expect(rater.get_by_text("11 of 12 points").first).to_be_visible()  # the adjudicator's score
    expect(rater.get_by_text("reflect further on the parent")).to_be_visible()
    expect(rater.get_by_text("Your plan for the next visit is clear and kind.")).to_be_visible()
    expect(rater.get_by_text("warm, well-grounded")).to_have_count(0)  # the overruled ratings' comments
    for account in (*RATERS, ADJUDICATOR):
        expect(rater.get_by_text(account[0])).to_have_count(0)
    assert violations(rater) == []


def _name(email):
    return {"rater@example.org": "Demo Rater", "rater2@example.org": "Demo Second Rater"}[email]


LONG_ANSWER = "\n\n".join(f"Paragraph {n}: I would wonder with the mother what the baby's turning away means."
                          for n in range(1, 41))


def rater_on_a_long_response(live_app):
    """A rater of their own (so the demo raters' queues stay as the walk above expects) on a response long
    enough to scroll."""
    _, _, _, response_ids = submitted_candidate(live_app)
    with live_app.app_context():
        response = db.session.get(Response, response_ids[0])
        response.answer = {"texts": [LONG_ANSWER] * len(response.answer["texts"])}
        email = f"calibrating-{secrets.token_hex(4)}@example.org"
        rater = create_user(email, "Calibrating Rater", {Role.RATER}, PASSWORD, BY)
        code = assignment.assign(response, rater, utcnow(), BY).case.code
        db.session.commit()
        return email, code


def box(page, name):
    return page.get_by_role("region", name=name).bounding_box()


def test_a_rater_reads_the_answer_beside_the_rubric_and_flags_it_and_a_coordinator_handles_it(two_browsers,
                                                                                                  live_app):
    rater, staff = two_browsers
    email, code = rater_on_a_long_response(live_app)
    sign_in(rater, email, PASSWORD)
    rater.set_viewport_size({"width": 1280, "height": 720})
    rater.goto(f"/rating/responses/{code}")

    answer, scoring = box(rater, "Vignette and response"), box(rater, "Scoring")
    assert answer["x"] + answer["width"] <= scoring["x"] and abs(answer["y"] - scoring["y"]) < 2
    assert max(answer["height"], scoring["height"]) <= 720
    columns = "() => [...document.querySelectorAll('.rate-column')].map(c => c.scrollTop)"
    rater.get_by_role("region", name="Vignette and response").focus()
    rater.keyboard.press("PageDown")
    rater.wait_for_function(f"() => ({columns})()[0] > 300")  # keyboard scrolling is animated
    assert rater.evaluate(columns)[1] == 0  # the rubric stays where it was
    expect(rater.get_by_role("group", name="Rubric")).to_be_in_viewport()
    rater.get_by_role("region", name="Scoring").focus()
    rater.keyboard.press("End")
    expect(rater.get_by_text("Flag this response for a coordinator")).to_be_in_viewport()
    assert rater.evaluate(columns)[0] > 300  # the answer stays where the rater left it
    assert violations(rater) == []

    rater.get_by_text("Flag this response for a coordinator").click()
    rater.get_by_label("Reason for the concern").select_option("cheating")
    rater.get_by_label("What worries you").fill("Paragraphs repeat a published handbook word for word.")
    rater.get_by_role("button", name="Flag the response").click()
    expect(rater.get_by_text(f"Concern about {code} sent to the coordinators.")).to_be_visible()
    expect(rater.get_by_role("button", name="Submit rating")).to_be_enabled()  # flagging blocks no scoring
    assert violations(rater) == []

    rater.set_viewport_size({"width": 640, "height": 720})
    answer, scoring = box(rater, "Vignette and response"), box(rater, "Scoring")
    assert scoring["y"] >= answer["y"] + answer["height"]  # stacked on a narrow screen

    sign_in(staff, *COORDINATOR)
    staff.goto("/rating/overview")
    expect(staff.get_by_text("word for word")).to_be_visible()
    assert violations(staff) == []
    staff.get_by_role("link", name=code).click()
    expect(staff.get_by_text("Paragraphs repeat a published handbook")).to_be_visible()
    assert violations(staff) == []
    staff.get_by_label("What was done").fill("Compared with the handbook; sent to the exam board.")
    staff.get_by_role("button", name="Mark handled").click()
    expect(staff.get_by_text(f"Concern about {code} marked handled.")).to_be_visible()
    staff.get_by_text("Recently handled").click()
    expect(staff.get_by_role("link", name=code)).to_be_visible()
