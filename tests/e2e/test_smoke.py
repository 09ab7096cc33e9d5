"""Each role signs in with its demo account in a real browser and lands at home."""

import pytest
from playwright.sync_api import expect

from accounts.demo import demo_accounts
from accounts.roles import Role

DEMO = {next(iter(roles)): (email, password) for email, _, roles, password in demo_accounts() if "2@" not in email}
HOME_HEADINGS = {role: f"{role.label} home" for role in Role}

pytestmark = pytest.mark.shared_page


def sign_in(page, email, password):
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_each_role_lands_on_its_home_page_and_sees_only_its_navigation(page, role):
    sign_in(page, *DEMO[role])

    assert page.get_by_role("heading", level=1).inner_text() == HOME_HEADINGS[role]
    nav = page.get_by_role("navigation", name="Main")
    links = nav.get_by_role("link").all_inner_texts()
    assert links[0] == f"{role.label} home"
    assert ("Users" in links) == (role is Role.ADMIN)
    assert ("Audit log" in links) == (role is Role.ADMIN)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    page.goto(f"/home/{role.value.replace('_', '-')}")
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in"


def test_wrong_password_shows_a_message(page):
    sign_in(page, "candidate@example.org", "not the password")

    assert page.get_by_role("alert").inner_text().startswith("The email or password is not correct")


def test_admin_creates_a_user_who_then_signs_in(page):
    sign_in(page, *DEMO[Role.ADMIN])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Users").click()
    page.get_by_role("link", name="New user").click()
    page.get_by_label("Email").fill("browser.made@example.org")
    page.get_by_label("Full name").fill("Browser Made")
    page.get_by_label("Proctor").check()
    page.get_by_label("Password").fill("made in chromium")
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_text("Created browser.made@example.org.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "browser.made@example.org", "made in chromium")

    assert page.get_by_role("heading", level=1).inner_text() == "Proctor home"


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page):
    sign_in(page, *DEMO[Role.ADMIN])

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_every_field_has_a_label_and_focus_is_visible(page):
    sign_in(page, *DEMO[Role.ADMIN])
    page.goto("/admin/users/new")

    unlabelled = page.evaluate(
        """[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
             .filter(el => el.labels.length === 0).map(el => el.name)"""
    )
    assert unlabelled == []
    page.get_by_label("Email").focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


@pytest.mark.parametrize("path", ["/sign-in", "/home/admin", "/admin/users", "/admin/users/new", "/admin/audit"])
def test_pages_reflow_at_200_percent_zoom_without_horizontal_scrolling(chromium, live_server, path):
    # 200% zoom of a 1280-pixel window is a 640-pixel layout viewport.
    context = chromium.new_context(base_url=live_server, viewport={"width": 640, "height": 800}, device_scale_factor=2)
    page = context.new_page()
    sign_in(page, *DEMO[Role.ADMIN])
    page.goto(path)

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    context.close()
    assert overflow <= 0
