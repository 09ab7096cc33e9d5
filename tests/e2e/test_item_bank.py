"""An item writer writes an item in the browser, previews it, and sends it to review."""

import re

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from tests.e2e.accessibility import violations
from tests.e2e.test_smoke import DEMO, sign_in


def follow(page, link):
    """Click the link and wait for its page to load: axe run while the old
    document is going finds no document to check."""
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(re.compile(re.escape(href) + "$"))

pytestmark = pytest.mark.shared_page


def test_a_writer_writes_previews_and_sends_an_item_to_review(page):
    sign_in(page, *DEMO[Role.ITEM_WRITER])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Items").click()
    page.get_by_role("link", name="New selected response").click()
    # The formatting editors take the textareas' places once the page's script has run.
    expect(page.get_by_role("group", name="Formatting").first).to_be_visible()

    page.get_by_role("textbox", name="Stem", exact=True).fill("A toddler bites a peer at child care. What should the consultant explore first?")
    page.get_by_role("textbox", name="Option A", exact=True).fill("Which punishment the centre uses")
    page.get_by_role("textbox", name="Option B", exact=True).fill("What happened just before the bite, for the toddler")
    page.get_by_role("textbox", name="Option C", exact=True).fill("Whether the parents bite at home")
    page.get_by_role("group", name="Correct option").get_by_role("radio", name="B").check()
    page.get_by_label("Rationale").fill("Understanding the toddler's experience comes first.")
    page.get_by_label("Primary competency domain").select_option(label="DSS: Direct Service Skills")
    page.get_by_label("Tags").fill("biting, child care")
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_text(re.compile(r"Saved SR-\d+ as a draft\."))).to_be_visible()
    identifier = page.get_by_role("heading", level=1).inner_text().split()[0]

    page.get_by_role("link", name="Preview as a candidate").click()
    preview = page.get_by_role("region", name="Candidate view")
    expect(preview.get_by_role("radio")).to_have_count(3)
    expect(preview).not_to_contain_text("Understanding the toddler's experience")
    assert violations(page) == []
    page.go_back()

    page.get_by_label("Move to").select_option(label="In review")
    page.get_by_role("button", name="Move").click()
    expect(page.get_by_text(f"{identifier} version 1 is now in review.")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, *DEMO[Role.PSYCHOMETRICIAN])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Review queue").click()
    card = page.get_by_role("article").filter(has_text=identifier)
    card.get_by_label("Comment for the writer").fill("Clear and fair.")
    card.get_by_role("button", name="Approve").click()
    expect(page.get_by_text(f"{identifier} version 1 is now approved.")).to_be_visible()


WRITER_PAGES = ["/items", "/items/new/selected_response", "/items/new/constructed_response", "/review",
                "/items/import", "/domains"]
BUILDER_PAGES = ["/blueprints", "/forms"]


@pytest.mark.parametrize("path", WRITER_PAGES)
def test_item_writer_pages_meet_wcag(page, path):
    sign_in(page, *DEMO[Role.ITEM_WRITER])
    page.goto(path)

    assert violations(page) == []


def test_an_item_its_history_and_a_vignette_preview_meet_wcag(page):
    sign_in(page, *DEMO[Role.ITEM_WRITER])
    page.goto("/items?kind=constructed_response")
    follow(page, page.get_by_role("link", name=re.compile("DEMO-CR-")).first)
    assert violations(page) == []

    follow(page, page.get_by_role("link", name="Preview as a candidate"))
    assert violations(page) == []


@pytest.mark.parametrize("path", BUILDER_PAGES)
def test_psychometrician_pages_meet_wcag(page, path):
    sign_in(page, *DEMO[Role.PSYCHOMETRICIAN])
    page.goto(path)
    assert violations(page) == []

    follow(page, page.get_by_role("main").get_by_role("link").first)
    assert violations(page) == []
