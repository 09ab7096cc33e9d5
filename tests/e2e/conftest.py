"""Browser tests: the app served on localhost, driven in headless Chromium.

The server is the real app in a thread, over its own copy of the demo database
(migrated and loaded once by the same commands `make run` uses). Chromium is
Debian's /usr/bin/chromium; no browser is ever downloaded. Without it, these
tests skip and say why.
"""

import os
import threading
from contextlib import contextmanager

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from app import create_app
from extensions import db
from tests.conftest import copy_of_demo

CHROMIUM = "/usr/bin/chromium"
# Chromium's own network chatter is refused on this closed network; turn it off.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    """Mark the browser tests, and run on PostgreSQL only those marked
    `postgresql`. A walk through the pages checks what people see, which the
    database behind it does not change; what PostgreSQL does differently
    (locks, transactions, outages, queries) the rest of the suite checks on
    both backends, and the walks marked here are the representative slice:
    the candidate's sitting, the proctor's actions on it, and its faults."""
    deselected = []
    for item in items:
        if item.path.parent.name != "e2e":
            continue
        item.add_marker(pytest.mark.browser)
        on_postgresql = getattr(item, "callspec", None) and item.callspec.params.get(
            "database_url_for_tests") == "postgresql"
        if on_postgresql and not item.get_closest_marker("postgresql"):
            deselected.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item not in set(deselected)]


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        reason = f"no Chromium at {CHROMIUM}: install Debian's chromium package to run the browser tests"
        if os.environ.get("ATTEST_REQUIRE_BROWSER"):
            pytest.fail(reason + " (ATTEST_REQUIRE_BROWSER is set, as in CI)")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def read_whole(app):
    """The app, answering with bodies already read and closed. Werkzeug's
    development server skips closing a body when the browser resets the
    connection after the answer (run_wsgi's `finally` reads the socket first),
    which leaves a static file open and fails a later test with a ResourceWarning."""

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


@contextmanager
def serving(app):
    """The app served on localhost in a thread; sets `app.url` to its address."""
    server = make_server("127.0.0.1", 0, read_whole(app), threaded=True)
    # Track request threads, so that closing the server waits for them and no
    # request still holds a database connection when the engine is disposed.
    server.daemon_threads = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield app
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


@pytest.fixture(scope="session")
def live_app(demo_database, tmp_path_factory):
    """The app served on localhost over a copy of the demo database of its own;
    `live_app.url` is its address. Tests may set data up in its app context."""
    app = create_app(copy_of_demo(demo_database, "e2e", tmp_path_factory.mktemp("e2e")).config())
    with serving(app):
        yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app):
    return live_app.url


@pytest.fixture
def page(request, chromium, live_server):
    """A signed-out page of its own: a new browser context, so no cookie,
    storage, clock, route or listener carries over from another test. A test
    marked `shared_page`, which only signs in, navigates and reads, gets the
    kept page instead, its cookies cleared: a new context costs Chromium a
    renderer process (about 0.3 s of CPU) and axe-core's compilation again."""
    if request.node.get_closest_marker("shared_page"):
        kept = request.getfixturevalue("kept_page")
        kept.context.clear_cookies()
        kept.goto("about:blank")
        yield kept
        return
    context = chromium.new_context(base_url=live_server)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def kept_page(chromium, live_server):
    """The page `shared_page` tests share, one a test process."""
    context = chromium.new_context(base_url=live_server)
    yield context.new_page()
    context.close()


@pytest.fixture
def two_browsers(chromium, live_server):
    """Two pages, each in its own context (own cookies): two people at once."""
    contexts = [chromium.new_context(base_url=live_server) for _ in range(2)]
    yield [context.new_page() for context in contexts]
    for context in contexts:
        context.close()
