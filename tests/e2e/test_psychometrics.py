"""A psychometrician finds the demo's miskeyed question, previews and applies a
key correction, releases the rescored results again, and runs an Angoff
study in which a panelist rates the items from their own browser in two
rounds, the second with the impact of the first round's cut in view."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from analysis.demo import MISKEYED_QUESTION
from exam.demo import PAST_SESSION
from exam.models import ExamSession, ScoringRevision
from extensions import db
from item_bank.models import Form
from item_bank.naming import staff_question_name
from results.matrices import keyed_items
from tests.e2e.accessibility import violations
from tests.e2e.test_smoke import sign_in

PSYCHOMETRICIAN = ("psychometrician@example.org", "demo-psychometrician")
RATER = ("rater@example.org", "demo-rater")


def miskeyed(live_app):
    """The question as staff name it, its bank code and its first distractor: the option the demo's
    strong candidates choose."""
    with live_app.app_context():
        form = db.session.scalar(select(Form).where(Form.code == "MENTOR-B"))
        form_item = dict(keyed_items(form))[MISKEYED_QUESTION]
        content = form_item.item_version.content
        return staff_question_name(form_item), form_item.item_version.item.identifier, next(
            option["id"] for option in content["options"] if option["id"] not in content["key"])


def test_a_psychometrician_corrects_a_key_and_releases_the_rescored_results(page, live_app):
    name, identifier, better_key = miskeyed(live_app)
    sign_in(page, *PSYCHOMETRICIAN)
    page.get_by_role("link", name="Item statistics", exact=True).first.click()
    page.get_by_role("link", name="MENTOR-B").click()
    expect(page.locator("figure.chart svg")).to_have_count(2)  # the histogram and the test information
    assert violations(page) == []

    page.get_by_role("button", name="p", exact=True).click()
    first_p = [float(cell) for cell in page.locator("#item-table tbody tr td:nth-child(4)").all_inner_texts()]
    assert first_p == sorted(first_p)
    page.get_by_role("link", name=identifier, exact=True).click()
    expect(page.get_by_text("key chosen less than a distractor")).to_be_visible()
    expect(page.get_by_role("img", name="Option trace lines")).to_be_visible()
    # Its 2PL slope runs to the lower bound: no curve, and the page says why.
    expect(page.get_by_text("not estimable: its slope runs to the lower bound 0.05")).to_be_visible()

    page.get_by_role("link", name="Change this item's key").click()
    page.get_by_label(f"Keys of {name}", exact=True).fill(better_key)
    page.get_by_label("Reason").fill("Panel review: the keyed option is outdated; the guidelines now favour another.")
    page.get_by_role("button", name="Preview").click()
    summary = page.locator("#preview-summary")
    expect(summary).to_contain_text("would now pass")
    now_pass = int(re.search(r"(\d+) would now pass", summary.inner_text()).group(1))
    assert now_pass > 0
    with live_app.app_context():
        assert db.session.scalar(select(ScoringRevision.id)) is None  # a preview writes nothing

    page.get_by_role("button", name=re.compile(r"Rescore \d+ attempt")).click()
    expect(page.get_by_text("rescored as revision 1")).to_be_visible()
    row = page.locator("tr", has_text=PAST_SESSION)
    expect(row).to_contain_text("rescored since")
    row.get_by_role("button", name="Release again").click()
    expect(page.get_by_text("released under the current scoring")).to_be_visible()
    with live_app.app_context():
        session = db.session.scalar(select(ExamSession).where(ExamSession.name == PAST_SESSION))
        assert session.released_revision.number == 1


def test_a_panelist_rates_items_in_two_rounds_and_the_angoff_cut_appears_beside_the_policy_cut(two_browsers):
    staff, panelist = two_browsers
    sign_in(staff, *PSYCHOMETRICIAN)
    staff.goto("/analysis/forms")
    staff.get_by_role("link", name="MENTOR-B").click()
    staff.get_by_role("link", name="Angoff standard setting").click()
    staff.get_by_label("Name").fill("Mentor cut score panel")
    staff.get_by_role("button", name="Start the study").click()
    staff.get_by_label("Panelist's email").fill(RATER[0])
    staff.get_by_role("button", name="Add the panelist").click()
    expect(staff.get_by_text("0 of 60")).to_be_visible()

    sign_in(panelist, *RATER)
    panelist.get_by_role("link", name="Mentor cut score panel").click()
    ratings = panelist.get_by_label("Out of 100, how many answer right?")
    expect(ratings).to_have_count(60)
    ratings.nth(0).fill("150")
    assert ratings.nth(0).evaluate("input => input.validity.rangeOverflow")  # the browser asks again first
    for index in range(60):
        ratings.nth(index).fill("70" if index % 2 else "80")
    panelist.get_by_role("button", name="Save my round-1 ratings").click()
    expect(panelist.get_by_text("Your round-1 ratings are saved")).to_be_visible()

    staff.reload()
    comparison = staff.locator("#cut-comparison")
    expect(comparison.locator("tr", has_text="Round 1 Angoff cut")).to_contain_text("45.00")  # 30 x 0.8 + 30 x 0.7
    expect(comparison.locator("tr", has_text="Round 1 Angoff cut")).to_contain_text("75.0")
    expect(comparison.locator("tr", has_text="Policy cut")).to_contain_text("80.0")
    staff.get_by_role("button", name="Open round 2").click()
    expect(staff.get_by_text("round 1 is locked")).to_be_visible()

    panelist.reload()
    impact = panelist.locator("#impact")
    expect(impact).to_contain_text("Impact of the panel's round-1 cut: 45.00 of 60 (75.0%)")
    # The demo's past sitting of 240, and any sitting another browser test has added since: the share is theirs.
    candidates, passing, share = impact.locator("tr", has_text="MENTOR-B").locator("td").all_inner_texts()[-3:]
    assert int(candidates) >= 240 and share == f"{100 * int(passing) / int(candidates):.1f}%"
    expect(ratings.nth(0)).to_have_value("80")  # round 2 starts from round 1
    expect(panelist.get_by_text("Your round 1").first).to_be_visible()
    for index in range(60):
        ratings.nth(index).fill("70")
    panelist.get_by_role("button", name="Save my round-2 ratings").click()
    expect(panelist.get_by_text("Your round-2 ratings are saved")).to_be_visible()
    assert violations(panelist) == []

    staff.reload()
    expect(comparison.locator("tr", has_text="Round 2 Angoff cut")).to_contain_text("recommended")
    expect(comparison.locator("tr", has_text="Round 2 Angoff cut")).to_contain_text("42.00")
    staff.get_by_role("link", name=re.compile("Preview the form's results at the recommended Angoff cut")).click()
    expect(staff.get_by_label("Pass mark (%)")).to_have_value("70.0")
