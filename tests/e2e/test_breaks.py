"""The break between the parts of a form, in headless Chromium: a psychometrician sets it on a
draft form, a candidate takes it between the parts."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from accounts.roles import Role
from audit.log import Actor
from extensions import db
from item_bank.assembly import assemble_forms
from item_bank.models import Blueprint, Form
from tests.e2e.accessibility import violations
from tests.e2e.test_sitting import new_candidate, open_session, start_sitting
from tests.e2e.test_smoke import DEMO, sign_in


@pytest.fixture
def draft_form(live_app):
    """A draft form of the demo blueprint while the test runs: the walks after it see only the demo's forms."""
    with live_app.app_context():
        (form,) = assemble_forms(db.session.scalar(select(Blueprint)), ["BREAK-DRAFT"], Actor(None, "tests"), seed=1)
        db.session.commit()
        form_id = form.id
    yield form_id
    with live_app.app_context():
        db.session.delete(db.session.get(Form, form_id))
        db.session.commit()


def test_a_psychometrician_sets_a_draft_forms_break_and_the_server_checks_it(page, draft_form):
    sign_in(page, *DEMO[Role.PSYCHOMETRICIAN])
    page.goto(f"/forms/{draft_form}")
    minutes = page.get_by_label("Break between parts (minutes)")

    minutes.fill("90")
    page.get_by_role("button", name="Save the break").click()
    expect(page.locator("#break_minutes-error")).to_have_text("Number must be between 0 and 60.")
    assert violations(page) == []
    page.get_by_label("Break between parts (minutes)").fill("15")
    page.get_by_role("button", name="Save the break").click()

    expect(page.get_by_text("Saved: BREAK-DRAFT has a break of 15 minutes between parts.")).to_be_visible()
    expect(page.get_by_label("Break between parts (minutes)")).to_have_value("15")
    assert violations(page) == []


@pytest.fixture
def break_on_mentor_b(live_app):
    """Form MENTOR-B with a 10-minute break while the test runs; the walks after it sit it without one."""

    def set_break(minutes):
        with live_app.app_context():
            db.session.scalar(select(Form).where(Form.code == "MENTOR-B")).break_minutes = minutes
            db.session.commit()

    set_break(10)
    yield
    set_break(0)


def test_finishing_part_one_shows_the_break_and_continue_starts_part_twos_full_time(page, live_app,
                                                                                    break_on_mentor_b):
    open_session(live_app, "Break test", "BREAK10", 30)
    start_sitting(page, new_candidate(live_app, "Break test", large_text=True), code="BREAK10")
    page.get_by_role("link", name="Review and finish this part").click()
    page.get_by_role("button", name="Finish this part and go on").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Break")
    expect(page.get_by_text("Break: up to 10 minutes. Part Two: vignettes starts when you continue or when the "
                            "break ends.")).to_be_visible()
    expect(page.locator("#break-countdown")).to_have_text(re.compile(r"^(10:00|9:5\d)$"))
    assert violations(page) == []
    page.get_by_role("button", name="Continue to Part Two: vignettes").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Part Two: vignettes")
    expect(page.get_by_text("All answers saved")).to_be_visible()
    expect(page.locator("#countdown")).to_have_text(re.compile(r"^1:(30:00|29:5\d)$"))
