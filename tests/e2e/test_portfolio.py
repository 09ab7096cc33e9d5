"""From an empty portfolio to an endorsed candidate with a printed record: a
candidate who passed the autumn sitting builds a Clinical Mentor portfolio in
the browser, three references rate through the links Attest mails them
(read from the outbox, as the delivery worker would send them), without an
account, two coordinators review, the endorsement is issued, and the
candidate prints and downloads the documentation of competencies. And the
reference flow alone: a waived reference answers, the candidate sees
"answered" and not the answers."""

import re
from datetime import timedelta
from email import message_from_bytes, policy

from playwright.sync_api import expect
from sqlalchemy import select

from accounts import users
from accounts.models import User
from clock import utcnow
from competencies import written_exam
from competencies.models import Application
from exam.models import Enrollment
from extensions import db
from mail.models import OutboxMessage
from mail.transport import build_email
from tests.conftest import PASSWORD
from tests.e2e.accessibility import violations
from tests.e2e.test_smoke import sign_in
from tests.exam_fixtures import BY

COORDINATORS = [("coordinator@example.org", "demo-coordinator"), ("coordinator2@example.org", "demo-coordinator2")]
REVIEWED = ["Education", "Training", "Specialized work experience", "Reflective supervision/consultation",
            "Three professional reference ratings", "Code of ethics and endorsement agreement",
            "Professional membership"]
TRANSCRIPT = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
              b"trailer<</Root 1 0 R>>\n%%EOF\n")


def passed_candidate_without_portfolio(live_app):
    """An autumn candidate whose released result is a pass and who has no application, given a known password."""
    with live_app.app_context():
        for enrollment in db.session.scalars(select(Enrollment).order_by(Enrollment.id.desc())):
            candidate = enrollment.candidate
            has_application = db.session.scalar(select(Application.id).where(Application.candidate_id
                                                                              == candidate.id))
            if has_application is None and written_exam.standing(candidate.id).outcome == "pass":
                users.update_user(candidate, BY, email=candidate.email, name=candidate.name, roles=candidate.roles,
                                  active=True, password=PASSWORD)
                db.session.commit()
                return candidate.email, candidate.name
    raise AssertionError("the demo has no passing autumn candidate without a portfolio")


def open_section(page, summary):
    page.get_by_text(summary, exact=True).click()


def submit_and_wait(page, button):
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def add_training(page, day, title, hours, domains):
    open_section(page, "Add training")
    page.locator("#training-taken_on").fill(day)
    page.locator("#training-title").fill(title)
    page.locator("#training-provider").fill("State IMH Association")
    page.locator("#training-hours").fill(str(hours))
    for code in domains:
        page.locator(f"input[name='training-domains'][value='{code}']").check()
    with page.expect_navigation():
        page.locator("#training details").get_by_role("button", name="Add").click()


def add_work(page, kind_label, position, start, supervised):
    open_section(page, "Add work experience")
    page.locator("#work-kind").select_option(label=kind_label)
    page.locator("#work-position").fill(position)
    page.locator("#work-employer").fill("Family Center")
    page.locator("#work-started_on").fill(start)
    if supervised:
        page.locator("#work-supervised").check()
    page.locator("input[name='work-activities']").first.check()
    with page.expect_navigation():
        page.locator("#work details").get_by_role("button", name="Add").click()


def log_supervision(page, day, hours):
    open_section(page, "Log a session")
    page.locator("#supervision-met_on").fill(day)
    page.locator("#supervision-hours").fill(str(hours))
    page.locator("#supervision-provider_name").fill("Robin Reflective")
    with page.expect_navigation():
        page.locator("#supervision details").get_by_role("button", name="Log").click()


def ask_reference(page, relationship, name, email, waived=False):
    open_section(page, "Ask for a reference rating")
    page.locator("#reference-relationship").select_option(label=relationship)
    page.locator("#reference-rater_name").fill(name)
    page.locator("#reference-rater_email").fill(email)
    if waived:
        page.get_by_label("I waive my right to see what this person writes").check()
    submit_and_wait(page, "Send the request")
    expect(page.get_by_text(f"Attest has emailed {name} the link")).to_be_visible()


def mailed_link(live_app, email):
    """The link in the newest message to `email`, read from the plain-text part
    of the email the worker sends for it (the same bytes it would hand to SMTP
    or write as an .eml file), as the reference reads it."""
    with live_app.app_context():
        message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == email)
                                     .order_by(OutboxMessage.id.desc())).first()
        sent = bytes(build_email(message, live_app.config["MAIL_FROM"], utcnow()))
    delivered = message_from_bytes(sent, policy=policy.default)
    assert email in delivered["To"]
    text = delivered.get_body(("plain",)).get_content()
    return re.search(r"(http\S+/references/open#\S+)", text).group(1)


def endorsed_mentor(live_app):
    """The demo's endorsed Mentor: (name, email, endorsement number), Attest's own record."""
    with live_app.app_context():
        application = db.session.scalars(select(Application).where(Application.endorsement_number.is_not(None))
                                          .order_by(Application.id)).first()
        return application.candidate.name, application.candidate.email, application.endorsement_number


def rate_through_link(chromium, link, level, number=""):
    """The reference, in a browser of their own with no account, opening the mailed link."""
    context = chromium.new_context()
    rater = context.new_page()
    rater.goto(link)
    expect(rater.get_by_role("heading", level=1)).to_contain_text("Reference rating for")
    assert "#" not in rater.url and "/references/answer" in rater.url
    assert violations(rater) == []
    for fieldset in rater.locator("fieldset.rating-domain").all():
        fieldset.get_by_label("3: Meets").check()
    rater.get_by_label("Your own endorsement", exact=True).select_option(label=level)
    rater.get_by_label("Your endorsement number").fill(number)
    rater.get_by_label("Comments").fill("Steady and reflective with families.")
    with rater.expect_navigation():
        rater.get_by_role("button", name="Submit the reference rating").click()
    expect(rater.get_by_role("heading", name="Thank you")).to_be_visible()
    rater.goto(link)
    expect(rater.get_by_role("heading", level=1)).to_have_text("This reference link does not work")
    context.close()


def test_from_an_empty_portfolio_to_an_endorsed_candidate_with_a_printed_record(live_app, chromium, page, tmp_path):
    email, name = passed_candidate_without_portfolio(live_app)
    today = utcnow().date()
    sign_in(page, email, PASSWORD)
    page.get_by_role("link", name="Endorsement portfolio").first.click()
    page.get_by_label("Endorsement").select_option(label="Infant Mental Health Mentor (Level IV)")
    page.get_by_label("Category").select_option(label="Clinical")
    submit_and_wait(page, "Start the application")
    expect(page.locator("#checklist")).to_contain_text("0 of 30 clock hours: add 30 more")
    assert violations(page) == []

    open_section(page, "Add a degree or program")
    page.locator("#education-title").fill("MSW")
    page.locator("#education-institution").fill("State University")
    transcript = tmp_path / "msw-transcript.pdf"
    transcript.write_bytes(TRANSCRIPT)
    page.locator("#education-transcript").set_input_files(str(transcript))
    with page.expect_navigation():
        page.locator("#education details").get_by_role("button", name="Add").click()
    expect(page.locator("#education")).to_contain_text("msw-transcript.pdf")

    start = (today - timedelta(days=6 * 365)).isoformat()
    add_training(page, (today - timedelta(days=200)).isoformat(), "Relationship-based practice", 18,
                 ["TF", "LAW", "SYS", "DSS", "WWO"])
    add_training(page, (today - timedelta(days=100)).isoformat(), "Reflective practice", 12,
                 ["COM", "THK", "REF", "ADM", "RES"])
    add_work(page, "Post-graduate, supervised, relationship-focused infant mental health services with "
                   "infants/toddlers and their parents", "IMH specialist", start, supervised=True)
    add_work(page, "Post-graduate experience providing reflective supervision/consultation and other leadership "
                   "activities at the regional or state level", "Clinical supervisor", start, supervised=False)
    log_supervision(page, (today - timedelta(days=420)).isoformat(), 25)
    log_supervision(page, (today - timedelta(days=20)).isoformat(), 25)
    mentor, mentor_email, number = endorsed_mentor(live_app)
    for relationship, rater, email, level, given in (
            ("Colleague", "Pat Colleague", "pat@example.net", "Level II", ""),
            ("Person providing reflective supervision/consultation", mentor, mentor_email, "Level IV", number),
            ("Supervisee", "Sam Supervisee", "sam@example.net", "Not endorsed", "")):
        ask_reference(page, relationship, rater, email)
        rate_through_link(chromium, mailed_link(live_app, email), level, given)
    page.reload()
    expect(page.locator("#references")).to_contain_text("endorsed at Level IV, verified")
    page.locator("#ethics-typed_name").fill(name)
    page.get_by_label("I have read the code of ethics").check()
    submit_and_wait(page, "Sign")
    page.locator("#membership-association").fill("State IMH Association")
    page.locator("#membership-expires").fill((today + timedelta(days=200)).isoformat())
    submit_and_wait(page, "Save the membership")
    checklist = page.locator("#checklist")
    expect(checklist.locator("li.check-missing")).to_have_count(0)
    submit_and_wait(page, "Submit for review")
    expect(page.get_by_text("Application submitted.")).to_be_visible()

    for coordinator_email, password in COORDINATORS:
        context = chromium.new_context(base_url=live_app.url)
        coordinator = context.new_page()
        sign_in(coordinator, coordinator_email, password)
        coordinator.get_by_role("link", name="Portfolio review").first.click()
        assert violations(coordinator) == []
        coordinator.get_by_role("link", name=name).click()
        for title in REVIEWED:
            coordinator.get_by_role("group", name=title).get_by_role("radio", name="Met", exact=True).check()
        submit_and_wait(coordinator, "Save my decisions")
        expect(coordinator.get_by_text("Saved your decisions on Education")).to_be_visible()
        if coordinator_email == COORDINATORS[-1][0]:
            assert violations(coordinator) == []
            coordinator.get_by_label("Action").select_option(label="Approve to sit the exam")
            coordinator.get_by_label("Comment to the candidate").fill("Approved; your autumn result stands.")
            submit_and_wait(coordinator, "Apply")
            expect(coordinator.locator(".badge").first).to_have_text("Exam passed")
            submit_and_wait(coordinator, "Issue the endorsement")
            expect(coordinator.get_by_text(re.compile(r"Endorsement MENTOR-\d{4}-\d{5} issued"))).to_be_visible()
        context.close()

    page.reload()
    expect(page.locator(".badge").first).to_have_text("Endorsed")
    expect(page.get_by_text("Approved; your autumn result stands.")).to_be_visible()
    page.get_by_role("link", name="Documentation of competencies").click()
    expect(page.get_by_text(re.compile(r"Endorsement number MENTOR-\d{4}-\d{5}"))).to_be_visible()
    expect(page.locator("table").nth(1)).to_contain_text("Theoretical Foundations")
    assert violations(page) == []
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    saved = tmp_path / "record.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    assert download.value.suggested_filename.startswith("competency-record-")


def test_a_waived_reference_answers_from_the_mailed_link_and_the_candidate_sees_only_that(live_app, chromium, page,
                                                                                        caplog):
    with live_app.app_context():  # the demo candidate's draft, signed in with the password the demo prints
        draft_id = db.session.scalar(select(Application.id).join(Application.candidate)
                                     .where(User.email == "candidate@example.org"))
    sign_in(page, "candidate@example.org", "demo-candidate")
    page.goto(f"/portfolio/{draft_id}")
    expect(page.get_by_label("I waive my right to see what this person writes")).not_to_be_checked()
    ask_reference(page, "Colleague", "Wren Waived", "wren@example.net", waived=True)
    row = page.locator("tr.reference-request", has_text="Wren Waived")
    expect(row.locator(".reference-status")).to_have_text("sent")

    link = mailed_link(live_app, "wren@example.net")
    rate_through_link(chromium, link, "Not endorsed")
    # The server's access log saw the pages, never the token in the link's fragment.
    assert "/references/open" in caplog.text and link.split("#")[1] not in caplog.text

    page.reload()
    expect(row.locator(".reference-status")).to_have_text("answered")
    expect(row).to_contain_text("waived")
    expect(page.locator("body")).not_to_contain_text("Steady and reflective with families.")
    page.goto(f"/portfolio/{draft_id}/record")
    expect(page.locator("body")).not_to_contain_text("Steady and reflective with families.")


def test_the_checklist_sits_beside_the_entries_when_wide_and_first_and_compact_when_narrow(live_app, page):
    with live_app.app_context():
        draft_id = db.session.scalar(select(Application.id).join(Application.candidate)
                                     .where(User.email == "candidate@example.org"))
    sign_in(page, "candidate@example.org", "demo-candidate")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"/portfolio/{draft_id}")
    checklist, sections = page.locator("#checklist"), page.locator(".portfolio-sections")
    beside, entries = checklist.bounding_box(), sections.bounding_box()
    assert beside["x"] + beside["width"] <= entries["x"] and beside["y"] < entries["y"] + 100
    checklist.get_by_role("link", name="Specialized work experience").click()
    expect(page.locator("#work-heading")).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 500
    expect(checklist.get_by_role("link", name="Education")).to_be_in_viewport()  # it stays in view, sticky
    assert violations(page) == []

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/portfolio/{draft_id}")
    first, entries = checklist.bounding_box(), sections.bounding_box()
    assert first["y"] + first["height"] <= entries["y"] and first["height"] < 2 * 844
    assert violations(page) == []
    page.locator("#training").get_by_role("link", name=re.compile("^Edit")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit: Training")
    assert violations(page) == []
