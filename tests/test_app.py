"""The application factory, configuration, health check, headers and error pages."""

from html.parser import HTMLParser

import pytest

from app import create_app
from config import ProductionConfig, config_from_environment
from tests.conftest import config_for
from tests.database_outage import app_with_database_outage


def test_creating_the_app_writes_and_connects_to_nothing(tmp_path):
    database = tmp_path / "never" / "attest.db"

    create_app(config_for(f"sqlite:///{database}"))

    assert not database.parent.exists()


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")

    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        ProductionConfig()


@pytest.mark.parametrize("key", ["attest-development-only-not-secret", "short-key", " " * 40])
def test_production_refuses_the_development_or_a_short_secret_key(monkeypatch, key):
    monkeypatch.setenv("SECRET_KEY", key)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")

    with pytest.raises(RuntimeError, match="SECRET_KEY is not set, or is the development default or shorter than 32"):
        ProductionConfig()


def test_production_refuses_per_process_rate_limit_counts(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)

    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI is memory://"):
        ProductionConfig()


@pytest.fixture
def production_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("MAIL_URL", "smtp://mail.internal:587")
    monkeypatch.setenv("PUBLIC_URL", "https://attest.example.org")
    return monkeypatch


@pytest.mark.parametrize("variable, refusal", [("MAIL_URL", "MAIL_URL is not set: say where mail goes"),
                                               ("PUBLIC_URL", "PUBLIC_URL is not set: links in mail")])
def test_production_refuses_to_start_without_saying_where_mail_goes_and_links_point(production_environment,
                                                                                     variable, refusal):
    production_environment.delenv(variable)

    with pytest.raises(RuntimeError, match=refusal):
        ProductionConfig()


def test_production_config_reads_the_environment(production_environment):
    production_environment.setenv("ATTEST_CONFIG", "production")
    production_environment.setenv("DATABASE_URL", "postgresql://attest@db.internal/attest")

    config = config_from_environment()

    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://attest@db.internal/attest"
    assert config.SESSION_COOKIE_SECURE is True
    assert (config.MAIL_URL, config.PUBLIC_URL) == ("smtp://mail.internal:587", "https://attest.example.org")


def test_unknown_config_name_is_refused(monkeypatch):
    monkeypatch.setenv("ATTEST_CONFIG", "staging")

    with pytest.raises(RuntimeError, match="ATTEST_CONFIG='staging' is not one of"):
        config_from_environment()


def test_healthz_answers_200_when_the_database_is_reachable(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "rate_limits": "ok"}


def test_healthz_answers_503_when_the_database_is_not(tmp_path, make_app):
    app = make_app(f"sqlite:///{tmp_path / 'missing-dir' / 'attest.db'}")

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_healthz_answers_503_while_the_database_is_cut_off_and_200_once_it_is_back(database_url_for_tests):
    with app_with_database_outage(database_url_for_tests) as (app, outage):
        client = app.test_client()
        before = client.get("/healthz")
        outage.cut()
        during = client.get("/healthz")
        outage.restore()
        after = client.get("/healthz")

    assert [before.status_code, during.status_code, after.status_code] == [200, 503, 200]
    assert during.get_json() == {"status": "unavailable", "database": "unreachable", "rate_limits": "ok"}


def test_a_request_the_database_cannot_serve_is_a_503_page_or_json(database_url_for_tests):
    sign_in = {"email": "someone@example.org", "password": "a password"}
    with app_with_database_outage(database_url_for_tests, WTF_CSRF_ENABLED=False) as (app, outage):
        client = app.test_client()
        client.get("/healthz")  # a pooled connection, which the cut drops
        outage.cut()
        page = client.post("/sign-in", data=sign_in)
        as_json = client.post("/sign-in", data=sign_in, headers={"Accept": "application/json"})

    assert page.status_code == 503
    assert "<h1>Service unavailable</h1>" in page.get_data(as_text=True)
    assert "Attest cannot reach its database just now." in page.get_data(as_text=True)
    assert as_json.status_code == 503
    assert as_json.get_json()["error"] == "Service unavailable"


def test_forced_https_redirects_pages_but_answers_health_checks_over_http(make_app):
    client = make_app(FORCE_HTTPS=True).test_client()

    page = client.get("/sign-in")
    form = client.post("/sign-in")
    secure = client.get("/sign-in", base_url="https://localhost")

    assert (page.status_code, page.headers["Location"]) == (301, "https://localhost/sign-in")
    assert form.status_code == 308
    assert client.get("/healthz").status_code == 200
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_every_response_carries_the_security_headers(client):
    response = client.get("/sign-in")

    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_httponly_and_samesite_lax(client, create_user):
    user = create_user("candidate")

    response = client.post("/sign-in", data={"email": user.email, "password": "correct horse battery"})

    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


class AssetParser(HTMLParser):
    """Every script, stylesheet, image and inline style or handler in a page."""

    def __init__(self):
        super().__init__()
        self.external, self.inline = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            if tag in ("script", "link", "img", "iframe") and value and not value.startswith("/"):
                self.external.append(f"<{tag} {name}={value}>")
        if tag == "script" and not attrs.get("src"):
            self.inline.append("<script> without src")
        self.inline += [f"{tag} {name}" for name in attrs if name == "style" or name.startswith("on")]


def test_pages_load_nothing_from_outside_the_app_and_have_no_inline_code(client, login_as):
    login_as("admin")

    for path in ("/sign-in", "/home/admin", "/admin/users", "/admin/users/new", "/admin/audit", "/nowhere"):
        parser = AssetParser()
        parser.feed(client.get(path).get_data(as_text=True))
        assert parser.external == [] and parser.inline == [], path


def test_unknown_page_is_a_404_page_in_the_layout(client):
    response = client.get("/no/such/page")

    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in page and 'href="#main"' in page


def test_forbidden_page_is_a_403_page(client, login_as):
    login_as("candidate")

    response = client.get("/admin/users")

    assert response.status_code == 403
    assert "Your account does not have access to this page." in response.get_data(as_text=True)


def test_unexpected_error_is_a_500_page(make_app):
    app = make_app(TESTING=False)
    app.add_url_rule("/boom", "boom", lambda: 1 / 0)

    response = app.test_client().get("/boom")

    assert response.status_code == 500
    assert "An unexpected error occurred." in response.get_data(as_text=True)
