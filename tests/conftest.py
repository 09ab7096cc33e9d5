"""Fixtures every test uses.

Each test that touches the database runs once per backend: SQLite always, and
PostgreSQL when TEST_DATABASE_URL is set (browser tests only where marked
`postgresql`, tests/e2e/conftest.py says why). The schema comes from the Alembic
migrations (never create_all), applied once per backend; each test runs in a
transaction that is rolled back, so tests never see each other's rows.
"""

import contextvars
import fcntl
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import flask_migrate
import pytest
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session
from hypothesis import settings
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import create_engine, event, make_url, text

from accounts.roles import Role
from accounts.users import create_user as create_user_service
from app import create_app
from audit.log import Actor
from config import TestingConfig, database_url
from exam import prepared_forms
from extensions import db as _db
from extensions import limiter

pytest_plugins = ["tests.item_bank_fixtures", "tests.exam_fixtures", "tests.rating_fixtures"]

# Generated tests (Hypothesis, and schemathesis over the OpenAPI document) try
# 25 examples each in a developer's `make test` and Hypothesis's 100 in CI
# (.ci/run sets HYPOTHESIS_PROFILE=ci); a test that names its own number keeps it.
settings.register_profile("dev", max_examples=25)
settings.register_profile("ci", max_examples=100)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
PASSWORD = "correct horse battery"
DEMO_LOADING = pytest.StashKey()  # the processes loading the demos, in the test process that started them
TEST_ACTOR = Actor(None, "tests")


def reset_postgresql(url):
    """Empty the PostgreSQL test database, so migrations start from nothing."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def empty_database_beside(url, name, directory):
    """An empty database of the same backend as `url`, for tests that need their
    own: a file in `directory` for SQLite, `<database>_<name>` for PostgreSQL."""
    if url.startswith("sqlite"):
        return f"sqlite:///{directory / (name + '.db')}"
    target = make_url(url)
    target = target.set(database=f"{target.database}_{name}")
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database})
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()
    url = target.render_as_string(hide_password=False)
    reset_postgresql(url)
    return url


@dataclass(frozen=True)
class DemoDatabase:
    """A database holding the demo data, the folder of its portfolio documents,
    what `flask demo load` printed when it loaded them, and the database of
    this test process that copies are named beside."""

    url: str
    documents: Path
    load_output: str
    beside: str

    def config(self, **overrides):
        return config_for(self.url, DOCUMENTS_DIR=str(self.documents), **overrides)


@contextmanager
def exclusive(lock_file):
    """Held by one test process at a time (pytest-xdist runs several)."""
    with open(lock_file, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def demo_folders(tmp_path_factory, backend):
    """(the folder of this run every test process shares, the demo's folder in it)."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the folder of this run, above each worker's own
    return shared, shared / f"demo-{backend}"


def load_demo(folder, url):
    """Migrate and load the demo into `url` with the commands `make run` uses,
    its documents in `folder`; what `flask demo load` printed is kept beside,
    and written last, so a folder holding it holds a whole demo."""
    app = create_app(config_for(url, DOCUMENTS_DIR=str(folder / "documents")))
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["demo", "load"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    with app.app_context():
        _db.engine.dispose()
    (folder / "url.txt").write_text(url)
    (folder / "load-output.txt").write_text(result.output)


def demo_url(backend, folder):
    """Where the demo of `backend` is loaded: a file in its folder on SQLite,
    `<database>_demo` beside TEST_DATABASE_URL's on PostgreSQL, which this
    creates or empties."""
    if backend == "sqlite":
        return f"sqlite:///{folder / 'demo.db'}"
    return empty_database_beside(database_url(os.environ["TEST_DATABASE_URL"]), "demo", folder)


def start_loading_the_demo(tmp_path_factory, backend):
    """Load the demo of `backend` in a process of its own from the start of
    the run, while the test processes run tests that need no demo, rather
    than have the first to need it load it and the others wait. The process
    inherits the lock on `loading.lock` and holds it until it ends, so
    `demo_database` waits on that lock. None when another test process
    started it first."""
    shared, folder = demo_folders(tmp_path_factory, backend)
    with exclusive(shared / f"demo-{backend}.lock"):
        if folder.exists():
            return None
        folder.mkdir()
        url = demo_url(backend, folder)
        with open(folder / "loading.lock", "w") as lock, open(folder / "loading-output.txt", "w") as output:
            fcntl.flock(lock, fcntl.LOCK_EX)
            return subprocess.Popen([sys.executable, "-m", "tests.demo_loading", str(folder), url],
                                    cwd=Path(__file__).resolve().parents[1], stdout=output,
                                    stderr=subprocess.STDOUT, pass_fds=(lock.fileno(),))


def demo_backend(item):
    """The backend whose demo the test runs on, or None."""
    if "demo_database" not in item.fixturenames:
        return None
    return next((backend for backend in BACKENDS if f"[{backend}" in item.nodeid), None)


def pytest_collection_modifyitems(config, items):
    """Start loading each backend's demo, and run the tests on a demo last,
    so the test processes spend its loading on the others instead of
    waiting for it."""
    backends = set() if config.option.collectonly else {demo_backend(item) for item in items} - {None}
    config.stash[DEMO_LOADING] = [start_loading_the_demo(config._tmp_path_factory, backend)
                                  for backend in sorted(backends)]
    items.sort(key=lambda item: demo_backend(item) is not None)


def pytest_sessionfinish(session):
    for loading in session.config.stash.get(DEMO_LOADING, []):
        if loading is not None:
            loading.wait()  # another test process may still be waiting for the demo


@pytest.fixture(scope="session")
def demo_database(database_url_for_tests, tmp_path_factory):
    """The demo loaded once per backend and run by the commands `make run` uses.
    Loading it takes many seconds (240 simulated sittings), so it is loaded
    once where every test process of the run finds it (in a process of its
    own from the start, `start_loading_the_demo`), and tests take
    copies (`copy_of_demo`), never using or holding open this one."""
    backend = make_url(database_url_for_tests).get_backend_name()
    shared, folder = demo_folders(tmp_path_factory, backend)
    with exclusive(shared / f"demo-{backend}.lock"):
        if (folder / "loading.lock").exists():
            with exclusive(folder / "loading.lock"):
                pass  # held by the loading process until it ends
            assert (folder / "load-output.txt").exists(), (folder / "loading-output.txt").read_text()
        if not (folder / "load-output.txt").exists():
            folder.mkdir(exist_ok=True)
            load_demo(folder, demo_url(backend, folder))
    return DemoDatabase((folder / "url.txt").read_text(), folder / "documents", (folder / "load-output.txt").read_text(),
                        database_url_for_tests)


def copy_of_demo(demo, name, directory):
    """A copy of the demo database and its documents, named `name` beside this
    test process's own database."""
    url = empty_database_beside(demo.beside, name, directory)
    if url.startswith("sqlite"):
        # The backup API copies a consistent database whatever its WAL holds.
        with sqlite3.connect(make_url(demo.url).database) as source, sqlite3.connect(make_url(url).database) as target:
            source.backup(target)
    else:
        source, target = make_url(demo.url).database, make_url(url).database
        engine = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{target}"'))
            connection.execute(text(f'CREATE DATABASE "{target}" TEMPLATE "{source}"'))
        engine.dispose()
    documents = directory / f"{name}-documents"
    shutil.copytree(demo.documents, documents)
    return DemoDatabase(url, documents, demo.load_output, demo.beside)


def config_for(url, **overrides):
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    for key, value in overrides.items():
        setattr(config, key, value)
    return config


@pytest.fixture(scope="session", params=BACKENDS)
def database_url_for_tests(request, tmp_path_factory):
    """A database migrated to the head revision, one per backend. Under
    pytest-xdist each worker has its own: `<database>_gw0`, ... on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'attest.db'}"
    else:
        url = database_url(os.environ["TEST_DATABASE_URL"])
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker:
            url = empty_database_beside(url, worker, None)
        else:
            reset_postgresql(url)
    app = create_app(config_for(url))
    with app.app_context():
        flask_migrate.upgrade()
        _db.engine.dispose()
    return url


class CsrfClient(FlaskClient):
    """A test client that sends a valid CSRF token with every unsafe request,
    as the app's own pages do; pass csrf=False to send none.

    Each request runs in a fresh context, as in a real server: it gets its own
    app context, `g` and database session, not the test's."""

    def open(self, *args, csrf=True, **kwargs):
        method = kwargs.get("method", "GET").upper()
        if csrf and method not in ("GET", "HEAD", "OPTIONS"):
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", self.csrf_token())
            kwargs["headers"] = headers
        return contextvars.Context().run(super().open, *args, **kwargs)

    def csrf_token(self):
        # The token Flask-WTF would put in a form: the session's raw token, signed.
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", secrets.token_hex(20))
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return serializer.dumps(raw)


@contextmanager
def app_for_tests(config):
    """An app whose test client sends CSRF tokens; its connections closed after."""
    app = create_app(config)
    app.test_client_class = CsrfClient
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture(scope="session")
def app(database_url_for_tests):
    with app_for_tests(config_for(database_url_for_tests)) as app:
        yield app


@pytest.fixture
def make_app(database_url_for_tests):
    """make_app(**config overrides): another app over the test database (or
    DATABASE to point elsewhere), its connections closed after the test."""
    made = []

    def make(database=None, **overrides):
        made.append(create_app(config_for(database or database_url_for_tests, **overrides)))
        return made[-1]

    yield make
    for app in made:
        with app.app_context():
            _db.engine.dispose()


class ConnectionBoundSession(Session):
    """Flask-SQLAlchemy's session picks the engine per table; bound to one
    connection for a test, it must use that connection."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@contextmanager
def rolled_back(app, within=None):
    """The database inside a transaction rolled back at the end; yields the
    connection. The app's own commits become savepoint releases within it.
    `within`, a connection already in a transaction (a module's), takes a
    savepoint of it instead of a connection of its own."""
    with app.app_context():
        connection = within or _db.engine.connect()
        transaction = connection.begin_nested() if within else connection.begin()
        app_session = _db.session
        _db.session = _db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": ConnectionBoundSession}
        )
        try:
            yield connection
        finally:
            _db.session.remove()
            _db.session = app_session
            transaction.rollback()
            if not within:
                connection.close()


@pytest.fixture(scope="module")
def module_transaction(app):
    """A transaction around a whole module marked `built_once`: what
    `built_once` builds (tests/exam_fixtures.py) is there for every test, and
    each test's changes are rolled back to a savepoint of it."""
    with rolled_back(app) as connection:
        yield connection


@pytest.fixture
def db(app, request):
    """The database inside a transaction rolled back after the test (a
    savepoint of the module's transaction, in a module marked `built_once`)."""
    # Built before the test's savepoint, or the first test would roll the module's objects back.
    within = request.getfixturevalue("built_once").connection if request.node.get_closest_marker("built_once") else None
    with rolled_back(app, within):
        limiter.reset()
        prepared_forms.forget()  # forms rolled back leave their ids to the next test's
        yield _db


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


@pytest.fixture
def create_user(db):
    """Factory: create_user(*roles, email=None, name=None, password=PASSWORD)."""

    def create(*roles, email=None, name=None, password=PASSWORD):
        email = email or f"user-{secrets.token_hex(4)}@example.org"
        user = create_user_service(email, name or email.split("@")[0], {Role(r) for r in roles}, password, TEST_ACTOR)
        db.session.commit()
        return user

    return create


def sign_in(client, email, password=PASSWORD, **kwargs):
    return client.post("/sign-in", data={"email": email, "password": password}, **kwargs)


@pytest.fixture
def login_as(client, create_user):
    """login_as(role, ...): a new user holding the roles, signed in on `client`."""

    def login(*roles):
        user = create_user(*roles)
        response = sign_in(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return login


@pytest.fixture(params=list(Role), ids=lambda role: role.value)
def each_role(request):
    return request.param


@pytest.fixture
def statements(db):
    """statements(): a context manager that yields the list of SQL statements
    the app runs inside it, for tests that a page's queries do not grow with its rows."""

    @contextmanager
    def collect():
        run = []

        def note(connection, cursor, statement, parameters, context, executemany):
            run.append(statement)

        event.listen(db.engine, "before_cursor_execute", note)
        try:
            yield run
        finally:
            event.remove(db.engine, "before_cursor_execute", note)

    return collect
