"""Every page so far meets WCAG 2.1 AA as axe-core checks it, in each role."""

import pytest

from accounts.roles import Role
from tests.e2e.accessibility import violations
from tests.e2e.test_smoke import DEMO, sign_in

ADMIN_PAGES = ["/admin/users", "/admin/users/new", "/admin/audit", "/admin/audit?since=2020-01-01&text=e",
               "/admin/audit?since=2026-13-01&person=nobody@example.org", "/admin/users?q=zzz-nobody"]

pytestmark = pytest.mark.shared_page


def test_sign_in_page_and_its_error_state(page):
    page.goto("/sign-in")
    assert violations(page) == []

    sign_in(page, "candidate@example.org", "wrong password")
    assert violations(page) == []


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_each_role_home_page(page, role):
    sign_in(page, *DEMO[role])

    assert violations(page) == []


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages(page, path):
    sign_in(page, *DEMO[Role.ADMIN])
    page.goto(path)

    assert violations(page) == []


def test_user_form_with_errors(page):
    sign_in(page, *DEMO[Role.ADMIN])
    page.goto("/admin/users/new")
    page.get_by_role("button", name="Create user").click()
    page.wait_for_selector(".error-summary")

    assert violations(page) == []


def test_error_pages(page):
    sign_in(page, *DEMO[Role.CANDIDATE])
    for path in ("/admin/users", "/no/such/page"):
        page.goto(path)
        assert violations(page) == [], path


def test_a_forms_statistics_with_its_rated_part(page):
    sign_in(page, *DEMO[Role.PSYCHOMETRICIAN])
    page.goto("/analysis/forms")
    page.get_by_role("link", name="MENTOR-B").click()
    page.wait_for_selector("#rated-table")

    assert violations(page) == []


def test_the_checker_names_each_violation_and_where_it_is(page):
    """An empty list above means a page passed, not that the check saw nothing."""
    page.set_content('<html><body><main><img src="x.png"><input id="q"><button></button></main></body></html>')

    assert violations(page) == ["button-name (critical): button", "document-title (serious): html",
                                "html-has-lang (serious): html", "image-alt (critical): img", "label (critical): #q"]
