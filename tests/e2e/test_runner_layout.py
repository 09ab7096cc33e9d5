"""The exam runner on a 390 px phone, at 200% zoom and on a desktop: the question first, the map after it,
the time and save status always in view, and the candidate's own marks kept on the server."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.accessibility import violations
from tests.e2e.test_sitting import current_question, new_candidate, start_sitting

pytestmark = pytest.mark.postgresql

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def zoomed(chromium, live_server):
    """A 1280 x 800 window at 200% zoom: 640 x 400 CSS pixels, each drawn as four."""
    context = chromium.new_context(base_url=live_server, viewport={"width": 640, "height": 400},
                                   device_scale_factor=2)
    yield context.new_page()
    context.close()


def box(locator):
    return locator.bounding_box()


def bar_stays_in_view(page):
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    bar = box(page.locator("#runner-bar"))
    assert page.evaluate("window.scrollY") > 0
    assert bar["y"] == 0 and bar["y"] + bar["height"] < page.viewport_size["height"] / 4
    expect(page.locator("#countdown")).to_be_in_viewport()
    expect(page.locator("#save-status")).to_be_in_viewport()
    return bar


def test_on_a_phone_the_question_comes_first_and_next_keeps_it_under_the_bar(page, live_app):
    page.set_viewport_size(PHONE)
    start_sitting(page, new_candidate(live_app))

    heading = current_question(page).get_by_role("heading", level=2)
    map_ = page.locator("#question-map")
    expect(map_).not_to_have_attribute("open", "")
    assert box(heading)["y"] < 400 < box(map_)["y"]
    expect(page.get_by_role("button", name="Previous")).to_be_disabled()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    option = current_question(page).locator(".choice-list li").nth(1)
    option.get_by_role("radio").check()
    expect(option).to_have_css("background-color", "rgb(227, 238, 250)")
    expect(current_question(page).locator(".choice-list li").first).to_have_css("background-color",
                                                                                 "rgba(0, 0, 0, 0)")
    expect(page.get_by_text("All answers saved")).to_be_visible()
    bar = bar_stays_in_view(page)

    page.get_by_role("button", name="Next").click()
    heading = current_question(page).get_by_role("heading", level=2)
    expect(heading).to_have_text("Question 2 of 60")
    expect(heading).to_be_focused()
    assert bar["height"] <= box(heading)["y"] < bar["height"] + 60  # just under the bar, not the page's top
    map_.locator("summary").click()
    expect(map_.locator(".nav-item.answered")).to_have_count(1)
    assert violations(page) == []


def test_at_200_percent_zoom_crossed_out_options_and_highlights_survive_a_reload(zoomed, live_app):
    page = zoomed
    start_sitting(page, new_candidate(live_app))
    question = current_question(page)
    cross_out_b = question.get_by_role("button", name="Cross out option B")

    cross_out_b.click()
    # Select the stem's characters 4 to 15, as a candidate's drag would.
    page.evaluate("""() => {
        const stem = document.querySelector('.question:not([hidden]) [data-highlightable]');
        const text = document.createTreeWalker(stem, NodeFilter.SHOW_TEXT).nextNode();
        const range = document.createRange();
        range.setStart(text, 4);
        range.setEnd(text, 15);
        document.getSelection().removeAllRanges();
        document.getSelection().addRange(range);
    }""")
    selected = page.evaluate("document.getSelection().toString()")
    question.get_by_role("button", name="Highlight selected text").click()
    expect(question.locator("mark.highlight")).to_have_text(selected)
    expect(page.get_by_text("All answers saved")).to_be_visible()
    bar_stays_in_view(page)

    page.reload()

    question = current_question(page)
    expect(question.get_by_role("button", name="Cross out option B")).to_have_attribute("aria-pressed", "true")
    expect(question.locator(".choice-list li").nth(1).locator("label")).to_have_css(
        "text-decoration-line", "line-through")
    expect(question.get_by_role("button", name="Cross out option A")).to_have_attribute("aria-pressed", "false")
    expect(question.locator("mark.highlight")).to_have_text(selected)
    expect(page.get_by_text("All answers saved")).to_be_visible()
    question.get_by_role("button", name="Remove highlights").click()
    expect(question.locator("mark.highlight")).to_have_count(0)
    expect(page.get_by_text("All answers saved")).to_be_visible()
    assert violations(page) == []


def test_on_a_desktop_the_map_is_open_beside_the_question_and_after_it_in_tab_order(page, live_app):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.clock.install()
    start_sitting(page, new_candidate(live_app))
    map_ = page.locator("#question-map")
    expect(map_).to_have_attribute("open", "")
    assert box(map_)["x"] > box(current_question(page))["x"] + 300  # beside it

    current_question(page).locator('[data-field="flag"]').check()
    first, second = page.locator(".nav-item").nth(0), page.locator(".nav-item").nth(1)
    expect(first).to_have_class(re.compile(r"\bflagged\b"))
    assert (box(first)["width"], box(first)["height"]) == (box(second)["width"], box(second)["height"])
    page.get_by_role("link", name="Review and finish this part").focus()
    page.keyboard.press("Tab")
    expect(map_.locator("summary")).to_be_focused()
    page.keyboard.press("Tab")
    expect(first).to_be_focused()

    page.get_by_role("link", name="Review and finish this part").click()
    countdown = page.locator("#countdown")
    expect(countdown).to_have_text(re.compile(r"^\d+(:\d\d)+$"))
    before = countdown.inner_text()
    page.clock.run_for(2_000)
    expect(countdown).not_to_have_text(before)
    assert violations(page) == []
