"""An item writer formats a stem by keyboard alone and adds an image with its alt text; the item keeps and shows both."""

import re

from playwright.sync_api import expect

from accounts.roles import Role
from tests.competencies.conftest import png_bytes
from tests.e2e.accessibility import violations
from tests.e2e.test_smoke import DEMO, sign_in


def test_a_writer_makes_a_stem_bold_and_a_list_by_keyboard(page):
    sign_in(page, *DEMO[Role.ITEM_WRITER])
    page.goto("/items/new/selected_response")
    stem = page.get_by_role("textbox", name="Stem", exact=True)

    stem.focus()
    page.keyboard.type("Which response is ")
    page.keyboard.press("Control+B")
    page.keyboard.type("best")
    page.keyboard.press("Control+B")
    page.keyboard.type(" when a parent says:")
    page.keyboard.press("Enter")
    for _ in range(4):  # back across Image, Table and Numbered list to Bulleted list
        page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("group", name="Formatting").first.get_by_role("button", name="Bulleted list")
           ).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.type("The baby cries to manipulate me")
    page.keyboard.press("Enter")
    page.keyboard.type("The baby never settles")
    assert violations(page) == []

    page.get_by_role("textbox", name="Option A", exact=True).fill("Agree that crying should be ignored")
    page.get_by_role("textbox", name="Option B", exact=True).fill("Wonder together what the baby might be telling her")
    page.get_by_role("textbox", name="Option C", exact=True).fill("Refer her to a parenting class")
    page.get_by_role("group", name="Correct option").get_by_role("radio", name="B").check()
    page.get_by_label("Primary competency domain").select_option(label="DSS: Direct Service Skills")
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_text(re.compile(r"Saved SR-\d+ as a draft\."))).to_be_visible()
    shown = page.locator(".stem-block")
    expect(shown.locator("strong")).to_have_text("best")
    expect(shown.locator("ul > li")).to_have_text(["The baby cries to manipulate me", "The baby never settles"])
    page.get_by_role("link", name="Preview as a candidate").click()
    preview = page.get_by_role("region", name="Candidate view")
    expect(preview.locator(".stem strong")).to_have_text("best")
    expect(preview.locator(".stem li")).to_have_count(2)


def test_a_writer_adds_an_image_with_its_alt_text(page):
    sign_in(page, *DEMO[Role.ITEM_WRITER])
    page.goto("/items/new/constructed_response")
    page.get_by_role("textbox", name="Scenario", exact=True).fill("A visit, drawn:")
    page.once("dialog", lambda dialog: dialog.accept("A parent holds an infant facing her"))

    image = page.get_by_role("group", name="Formatting").first.get_by_role("button", name="Insert an image")
    with page.expect_file_chooser() as chooser:
        image.press("Enter")
    chooser.value.set_files(files=[{"name": "visit.png", "mimeType": "image/png", "buffer": png_bytes()}])

    expect(page.get_by_role("status").filter(has_text="Image added")).to_be_visible()
    page.get_by_role("textbox", name="Prompt 1", exact=True).fill("What do you notice?")
    page.get_by_label("Criterion 1", exact=True).fill("Observation")
    page.get_by_label("Score levels of criterion 1").fill("0: Misses it\n1: Notices it")
    page.get_by_label("Primary competency domain").select_option(label="DSS: Direct Service Skills")
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_text(re.compile(r"Saved CR-\d+ as a draft\."))).to_be_visible()
    shown = page.get_by_role("img", name="A parent holds an infant facing her")
    expect(shown).to_be_visible()
    assert shown.evaluate("image => image.naturalWidth") == 40  # served from the bank
