"""Secure delivery in headless Chromium: a session that requires Safe Exam Browser, and a sitting's page
that keeps the candidate in the sitting."""

import plistlib
import secrets
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from accounts.roles import Role
from accounts.users import create_user
from clock import utcnow
from exam import safe_browser, sessions
from exam.demo import DEMO_SESSION
from exam.models import ExamSession
from extensions import db
from tests.e2e.test_sitting import BY, PASSWORD, current_question, new_candidate, start_sitting
from tests.e2e.test_smoke import sign_in


def seb_session(live_app):
    """A new session of the demo's form that requires SEB, with one candidate enrolled: (its id, their email)."""
    email = f"seb-{secrets.token_hex(4)}@example.org"
    with live_app.app_context():
        demo = db.session.scalar(select(ExamSession).where(ExamSession.name == DEMO_SESSION))
        now = utcnow()
        session = sessions.schedule(sessions.Options(
            f"Locked down {secrets.token_hex(3)}", demo.form, now - timedelta(hours=1), now + timedelta(hours=3),
            require_seb=True), BY, "LOCKED26")
        sessions.enroll(session, create_user(email, "Sitter in SEB", {Role.CANDIDATE}, PASSWORD, BY), BY)
        db.session.commit()
        return session.id, email


def test_a_session_requiring_seb_refuses_chromium_and_admits_it_sending_the_key_of_the_served_file(page, live_app):
    session_id, email = seb_session(live_app)
    sign_in(page, email, PASSWORD)

    refused = page.goto(f"/exam/sessions/{session_id}/join")
    assert refused.status == 403
    expect(page.get_by_role("heading", name="Open this session in Safe Exam Browser")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the configuration file (.seb)").click()
    settings = plistlib.loads(Path(download.value.path()).read_bytes())
    assert settings["startURL"] == f"{live_app.url}/exam/sessions/{session_id}/join"

    # What SEB started with that file sends: for each request, the hash of its URL and the file's Config Key.
    # Through Chromium's own interception, which pauses each hop of a redirect, as SEB hashes each:
    # Playwright's page.route sees only the first request of a chain.
    key = safe_browser.key_of(settings)
    chromium = page.context.new_cdp_session(page)

    def as_seb(paused):
        request = paused["request"]
        headers = {**request["headers"], safe_browser.HEADER: safe_browser.request_hash(request["url"], key)}
        chromium.send("Fetch.continueRequest", {"requestId": paused["requestId"], "headers": [
            {"name": name, "value": value} for name, value in headers.items()]})

    chromium.on("Fetch.requestPaused", as_seb)
    chromium.send("Fetch.enable", {"patterns": [{"urlPattern": f"{live_app.url}/*"}]})
    admitted = page.goto(settings["startURL"])
    assert admitted.status == 200
    page.get_by_label("Access code").fill("LOCKED26")
    page.get_by_role("button", name="Join").click()
    page.get_by_role("checkbox", name="I have read the instructions").check()
    page.get_by_role("button", name="Start the examination").click()
    expect(page.get_by_text("All answers saved")).to_be_visible()  # the runner holds the attempt: it saves from now
    with page.expect_response(lambda response: response.url.endswith("/saves")) as saved:
        current_question(page).locator('input[type="radio"]').first.check()
    assert saved.value.status == 200 and saved.value.json()["acks"][0]["code"] == "saved"


def test_a_sitting_hides_the_site_and_asks_before_leaving_but_not_when_moving_within(page, live_app):
    start_sitting(page, new_candidate(live_app))
    sitting = page.url
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    current_question(page).locator('input[type="radio"]').first.check()  # the candidate has used the page

    with page.expect_event("dialog") as asked:
        page.evaluate("setTimeout(() => window.location.assign('/home/candidate'))")
    assert asked.value.type == "beforeunload"
    asked.value.dismiss()
    expect(page).to_have_url(sitting)

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    with page.expect_navigation():  # the runner's own move to where the server says
        page.evaluate("setTimeout(() => window.location.assign(document.getElementById('runner').dataset.sitUrl))")
    expect(page.get_by_text("All answers saved")).to_be_visible()
    page.get_by_role("link", name="Review and finish this part").click()
    expect(page.get_by_role("heading", name="Not answered (59)")).to_be_visible()
    page.get_by_role("button", name="Finish this part and go on").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Part Two")
    assert dialogs == []
