"""The coordinator's review in the browser at 1280 px: every requirement's
decision in one form (radios beside their labels, no bullets), saved by one
submit and shown again filled in; the review assigned to a coordinator shows
in the queue. axe stays clean on the review page and the queue."""

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from accounts.roles import Role
from clock import utcnow
from competencies.models import Application
from extensions import db
from tests.e2e.accessibility import violations
from tests.e2e.test_smoke import DEMO, sign_in


def submitted_application(live_app):
    with live_app.app_context():
        return db.session.scalar(select(Application.id).where(Application.status == "submitted")
                                 .order_by(Application.id))


def test_a_coordinator_decides_every_requirement_in_one_form_and_assigns_the_review(live_app, page):
    application_id = submitted_application(live_app)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, *DEMO[Role.COORDINATOR])
    page.goto(f"/applications/{application_id}")
    form = page.locator("form", has=page.get_by_role("button", name="Save my decisions"))
    groups = form.get_by_role("group")
    count = groups.count()
    assert count >= 6

    first = groups.first
    radio, label = first.get_by_role("radio", name="Met", exact=True), first.locator("label", has_text="Met").first
    radio_box, label_box = radio.bounding_box(), label.bounding_box()
    assert label_box["x"] > radio_box["x"] + radio_box["width"] - 1  # the label beside the radio, not under it
    assert abs((label_box["y"] + label_box["height"] / 2) - (radio_box["y"] + radio_box["height"] / 2)) < 6
    assert first.locator("ul").evaluate("list => getComputedStyle(list).listStyleType") == "none"

    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    for index in range(count - 1):
        groups.nth(index).get_by_role("radio", name="Met", exact=True).check()
    last = groups.nth(count - 1)
    last.get_by_role("radio", name="Not met", exact=True).check()
    last.get_by_label("Note").fill("The membership card is not legible.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save my decisions").click()

    assert posts == [f"{live_app.url}/applications/{application_id}/decide"]
    expect(page.get_by_text("Saved your decisions on")).to_be_visible()
    expect(groups.first.get_by_role("radio", name="Met", exact=True)).to_be_checked()
    expect(last.get_by_role("radio", name="Not met", exact=True)).to_be_checked()
    expect(last.get_by_label("Note")).to_have_value("The membership card is not legible.")

    page.get_by_label("Reviewer", exact=True).select_option(label="Demo Coordinator")
    page.get_by_label("Due on").fill((utcnow().date() + timedelta(days=7)).isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.get_by_text("The review is assigned to Demo Coordinator")).to_be_visible()
    assert violations(page) == []
    page.goto("/applications?assigned=me")
    expect(page.locator("tbody tr")).to_have_count(1)
    assert violations(page) == []
