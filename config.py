"""Configuration classes; each reads the environment when it is built.

`create_app()` picks one by the ATTEST_CONFIG variable (development,
production, testing) unless it is handed a config object or mapping.
"""

import os
import tempfile
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent / "instance"
DEVELOPMENT_SECRET_KEY = "attest-development-only-not-secret"


def database_url(url):
    """Point PostgreSQL URLs at psycopg 3, whatever scheme they were given in."""
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme):]
    return url


def rate_limit_storage_options(uri):
    """Every storage error raised as limits' StorageError, which errors.py answers
    with a 503; Redis given timeouts, so a store that does not answer holds a
    sign-in for seconds, not a worker for minutes."""
    options = {"wrap_exceptions": True}
    if uri.startswith(("redis", "valkey")):  # and their +unix, +sentinel, +cluster forms
        options |= {"socket_connect_timeout": 2, "socket_timeout": 2}
    return options


class Config:
    def __init__(self):
        self.SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
        self.SQLALCHEMY_DATABASE_URI = database_url(
            os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'attest.db'}")
        )
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_STORAGE_OPTIONS = rate_limit_storage_options(self.RATELIMIT_STORAGE_URI)
        # Behind a reverse proxy, the number of proxies whose X-Forwarded-For to
        # trust: the client address feeds the audit log and the rate limits.
        self.PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
        # Portfolio documents live outside the web root, served only through their download route.
        self.DOCUMENTS_DIR = os.environ.get("DOCUMENTS_DIR", str(INSTANCE_DIR / "documents"))
        # Where `flask mail work` sends mail: smtp://user:pass@host:587, smtps://..., or
        # file:///folder; none writes each message as an .eml file to MAIL_DIR (mail/transport.py).
        self.MAIL_URL = os.environ.get("MAIL_URL", "")
        self.MAIL_DIR = str(INSTANCE_DIR / "mail")
        self.MAIL_FROM = os.environ.get("MAIL_FROM", "Attest <attest@localhost>")
        # The address people reach the app at: links in mail posted outside a request (the worker, commands).
        self.PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")
        # The bench's: each response says what CPU time it cost (bench_cpu.py). Never in production.
        self.BENCH_CPU_HEADER = os.environ.get("BENCH_CPU_HEADER") == "1"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    FORCE_HTTPS = False
    PERMANENT_SESSION_LIFETIME = 12 * 60 * 60
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    RATELIMIT_HEADERS_ENABLED = True
    # A moving window holds a limit over any stretch of its length, not per
    # clock hour, so "50 per hour" never lets 100 through across the hour's turn.
    RATELIMIT_STRATEGY = "moving-window"
    # A rate-limit store that does not answer is an error (503), never a pass:
    # sign-in limits fail closed (accounts/sign_in_limits.py says why).
    RATELIMIT_SWALLOW_ERRORS = False
    # Sign-in limits count failed attempts only, so a room of candidates behind
    # one address can all sign in at once. accounts/sign_in_limits.py explains
    # which attempt counts where; ARCHITECTURE.md gives the bound per account.
    SIGN_IN_LIMIT_PER_DEVICE = "10 per 15 minutes"  # a browser that signed in to the account before
    SIGN_IN_LIMIT_PER_ACCOUNT_AND_ADDRESS = "10 per 15 minutes"  # any other browser, per address
    SIGN_IN_LIMIT_PER_ACCOUNT = "50 per hour"  # other browsers at addresses no one signed in from today
    SIGN_IN_LIMIT_PER_ACCOUNT_AT_KNOWN_ADDRESSES = "50 per hour"  # ... at addresses someone signed in from
    SIGN_IN_LIMIT_UNKNOWN_PER_ADDRESS = "1000 per hour"  # emails with no account: spraying
    # Requests that mail an address someone typed (accounts/mail_limits.py):
    # every one counts, per client address (a room registering at once fits)
    # and per target email (a person asks again a few times, nobody floods them).
    MAIL_REQUEST_LIMIT_PER_ADDRESS = "100 per hour"
    MAIL_REQUEST_LIMIT_PER_EMAIL = "5 per hour"
    PASSWORD_HASH_PROFILE = "OWASP"  # see accounts/passwords.py
    # Hashes a worker process runs at once, and how long a sign-in waits for
    # one before a 503: a burst of sign-ins leaves the cores to the candidates
    # already sitting (accounts/passwords.py says why).
    PASSWORD_HASHES_AT_ONCE = 1
    PASSWORD_HASH_WAIT_SECONDS = 2.0
    # A request body larger than this is refused before it is read (413);
    # portfolio documents are held to 10 MB by competencies/uploads.py.
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    USERS_PER_PAGE = 50
    # Per address, on the public verification page and directory: a verifier checks a few, a harvester many.
    VERIFICATION_LIMIT = "30 per minute;300 per day"


class DevelopmentConfig(Config):
    pass


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True

    def __init__(self):
        super().__init__()
        # TLS usually ends at the proxy; FORCE_HTTPS=0 when the proxy redirects itself.
        self.FORCE_HTTPS = os.environ.get("FORCE_HTTPS", "1") == "1"
        if self.SECRET_KEY.strip() in ("", DEVELOPMENT_SECRET_KEY) or len(self.SECRET_KEY.strip()) < 32:
            raise RuntimeError(
                "SECRET_KEY is not set, or is the development default or shorter than 32 characters: "
                "production refuses to start. Set SECRET_KEY to a long random string, e.g. the output of "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'."
            )
        if self.RATELIMIT_STORAGE_URI.startswith("memory://"):
            raise RuntimeError(
                "RATELIMIT_STORAGE_URI is memory://: with several workers each would keep "
                "its own counts. Set it to a shared store, e.g. redis://127.0.0.1:6379/0."
            )
        if not self.MAIL_URL:
            raise RuntimeError(
                "MAIL_URL is not set: say where mail goes, smtp://user:password@host:587 (or smtps://host:465), "
                "or file:///var/lib/attest/mail to keep each message as an .eml file and send none."
            )
        if "PUBLIC_URL" not in os.environ:
            raise RuntimeError(
                "PUBLIC_URL is not set: links in mail sent by the worker and commands would point at "
                "http://127.0.0.1:5000. Set it to the address people use, e.g. https://attest.example.org."
            )


class TestingConfig(Config):
    TESTING = True
    # A cheap hash keeps hundreds of test sign-ins fast; production uses OWASP's.
    PASSWORD_HASH_PROFILE = "CHEAPEST"

    def __init__(self):
        super().__init__()
        self.SECRET_KEY = "attest-tests"
        self.RATELIMIT_STORAGE_URI = "memory://"  # each test resets its counts
        self.DOCUMENTS_DIR = tempfile.mkdtemp(prefix="attest-documents-")
        self.MAIL_URL = ""
        self.MAIL_DIR = tempfile.mkdtemp(prefix="attest-mail-")
        self.SQLALCHEMY_DATABASE_URI = database_url(
            os.environ.get("TEST_DATABASE_URL", "sqlite://")
        )


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def config_from_environment():
    name = os.environ.get("ATTEST_CONFIG", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"ATTEST_CONFIG={name!r} is not one of {', '.join(CONFIGS)}")
    return CONFIGS[name]()
