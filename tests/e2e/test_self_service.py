"""A candidate registers in a real browser, follows the mailed link and signs in."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from extensions import db
from mail.models import OutboxMessage
from tests.e2e.test_smoke import sign_in


def test_a_candidate_registers_confirms_the_mailed_link_and_signs_in(page, live_app):
    page.goto("/sign-in")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Full name").fill("Browser Registered")
    page.get_by_label("Email").fill("browser.registered@example.org")
    page.get_by_label("Password", exact=True).fill("registered in chromium")
    page.get_by_label("Password again").fill("registered in chromium")
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()

    sign_in(page, "browser.registered@example.org", "registered in chromium")
    expect(page.get_by_role("alert")).to_contain_text("Confirm your email first")

    with live_app.app_context():
        message = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.to_address == "browser.registered@example.org",
            OutboxMessage.kind == "account.verify_email")).one()
        link = re.search(r"https?://\S+/verify-email/\S+", message.text_body).group(0)
    page.goto(link)
    assert page.url.endswith("/verify-email")
    page.get_by_role("button", name="Confirm my email").click()
    expect(page.get_by_text("Your email is confirmed. Sign in to start.")).to_be_visible()

    sign_in(page, "browser.registered@example.org", "registered in chromium")

    assert page.get_by_role("heading", level=1).inner_text() == "Candidate home"
