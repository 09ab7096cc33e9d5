"""Sign-in limits: nobody else's guessing locks a candidate out, one person's
mistakes never lock out the room behind their address, guessing at one account
stays bounded, and a rate-limit store that does not answer is a clear 503."""

import secrets

import pytest
import redis
from limits.errors import StorageError

from audit.models import AuditEntry
from config import rate_limit_storage_options
from extensions import limiter
from tests.conftest import sign_in

ROOM = "198.51.100.7"  # the exam room's one NAT address
REDIS = "redis://127.0.0.1:6379/0"


def at(address):
    return {"environ_base": {"REMOTE_ADDR": address}}


def elsewhere(n):
    """An address far from the exam room, where nobody has signed in."""
    return f"203.0.{n // 250}.{n % 250 + 1}"


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to("2026-03-02 08:00:00+00:00", tick=False)
    return time_machine


def test_the_eleventh_attempt_from_one_browser_is_refused_for_a_quarter_of_an_hour(client, create_user, frozen):
    user = create_user("candidate")

    failures = [sign_in(client, user.email, f"wrong {n}").status_code for n in range(10)]
    eleventh = sign_in(client, user.email)
    frozen.shift(15 * 60)
    later = sign_in(client, user.email)

    assert failures == [200] * 10
    assert eleventh.status_code == 429
    assert "Too many attempts to sign in; try again in 15 minutes." in eleventh.get_data(as_text=True)
    assert eleventh.headers["Retry-After"] == "900"
    assert later.status_code == 302


def test_a_refusal_answers_json_clients_with_its_code(client, create_user):
    user = create_user("candidate")
    for n in range(10):
        sign_in(client, user.email, f"wrong {n}")

    refused = sign_in(client, user.email, headers={"Accept": "application/json"})

    assert refused.status_code == 429
    assert refused.get_json() == {"code": "too_many_requests", "error": "Too many requests",
                                  "message": "Too many attempts to sign in; try again in 15 minutes."}


def test_a_strangers_wrong_passwords_do_not_lock_out_the_candidates_own_browser(app, client, create_user):
    candidate = create_user("candidate")
    assert sign_in(client, candidate.email).status_code == 302
    client.post("/sign-out")
    in_the_room, far_away = app.test_client(), app.test_client()

    for n in range(30):
        sign_in(in_the_room, candidate.email, f"guess {n}")
        sign_in(far_away, candidate.email, f"guess {n}", **at(elsewhere(n)))

    assert sign_in(in_the_room, candidate.email).status_code == 429
    assert sign_in(client, candidate.email).status_code == 302


def test_a_stranger_elsewhere_does_not_lock_out_a_first_sign_in_from_the_exam_room(app, create_user):
    proctor, candidate = create_user("proctor"), create_user("candidate")
    assert sign_in(app.test_client(), proctor.email, **at(ROOM)).status_code == 302
    stranger = app.test_client()
    for n in range(100):
        sign_in(stranger, candidate.email, f"guess {n}", **at(elsewhere(n // 10)))

    assert sign_in(stranger, candidate.email, **at(elsewhere(11))).status_code == 429
    assert sign_in(app.test_client(), candidate.email, **at(ROOM)).status_code == 302


def test_guessing_at_one_account_stays_bounded_whatever_the_addresses(app, create_user, frozen):
    """Four guesses a minute for an hour, half from addresses where the guesser
    signed in to an account of their own (so they are known) and half from
    fresh ones: a hundred passwords are checked, no more."""
    guesser, candidate = create_user("candidate"), create_user("candidate")
    known = [elsewhere(n) for n in range(30)]
    for address in known:
        assert sign_in(app.test_client(), guesser.email, **at(address)).status_code == 302
    checked = 0
    for minute in range(60):
        for n in range(4):
            address = known[(2 * minute + n) % 30] if n < 2 else elsewhere(100 + 2 * minute + n)
            checked += sign_in(app.test_client(), candidate.email, f"guess {minute} {n}", **at(address)).status_code == 200
        frozen.shift(60)

    assert checked == 100
    assert sign_in(app.test_client(), candidate.email, **at(elsewhere(999))).status_code == 302


def test_guessing_from_addresses_nobody_signs_in_from_is_refused_even_with_the_right_password(app, create_user):
    candidate = create_user("candidate")
    statuses = [sign_in(app.test_client(), candidate.email, f"guess {n}", **at(elsewhere(n))).status_code
                for n in range(50)]

    assert statuses == [200] * 50
    assert sign_in(app.test_client(), candidate.email, **at(elsewhere(50))).status_code == 429


def test_a_trusted_browser_has_its_own_limit(client, create_user):
    """A copied device cookie is worth ten guesses a quarter of an hour, no more."""
    candidate = create_user("candidate")
    sign_in(client, candidate.email)
    client.post("/sign-out")

    failures = [sign_in(client, candidate.email, f"wrong {n}").status_code for n in range(10)]

    assert failures == [200] * 10
    assert sign_in(client, candidate.email).status_code == 429


def test_a_device_cookie_is_signed_and_kept_to_sign_in(app, client, create_user):
    candidate, other = create_user("candidate"), create_user("candidate")
    sign_in(client, candidate.email)
    cookie = client.get_cookie("attest_device", path="/sign-in")
    forger = app.test_client()
    forger.set_cookie("attest_device", cookie.value[:-4] + "AAAA", path="/sign-in")
    client.post("/sign-out")

    forged = [sign_in(forger, candidate.email, f"wrong {n}").status_code for n in range(11)]
    someone_else = [sign_in(client, other.email, f"wrong {n}").status_code for n in range(11)]

    assert (cookie.http_only, cookie.same_site, cookie.path) == (True, "Lax", "/sign-in")
    assert forged[-1] == 429 and someone_else[-1] == 429
    assert sign_in(client, candidate.email).status_code == 302


def test_an_account_limit_does_not_touch_other_accounts(client, create_user):
    attacked, other = create_user("candidate"), create_user("candidate")
    for n in range(11):
        sign_in(client, attacked.email, f"wrong {n}")

    assert sign_in(client, other.email).status_code == 302


def test_two_hundred_candidates_behind_one_address_all_sign_in(app, create_user):
    candidates = [create_user("candidate", email=f"room-{n}@example.org") for n in range(200)]

    statuses = {sign_in(app.test_client(), user.email).status_code for user in candidates}

    assert statuses == {302}


def test_one_person_failing_does_not_lock_out_the_room(app, client, create_user):
    clumsy = create_user("candidate")
    room = [create_user("candidate") for _ in range(20)]
    for n in range(30):
        sign_in(client, clumsy.email, f"wrong {n}")

    statuses = {sign_in(app.test_client(), user.email).status_code for user in room}

    assert sign_in(client, clumsy.email).status_code == 429
    assert statuses == {302}


def test_a_hundred_unknown_emails_from_one_address_do_not_lock_out_another_person_there(app, client, create_user):
    person = create_user("candidate")
    statuses = {sign_in(client, f"guess-{n}@example.org", "guess").status_code for n in range(100)}

    assert statuses == {200}
    assert sign_in(app.test_client(), person.email).status_code == 302


def test_an_unknown_email_tried_again_and_again_is_limited_as_an_account_is(client):
    """So no limit tells an email with an account from one without."""
    statuses = [sign_in(client, "nobody@example.org", f"guess {n}").status_code for n in range(11)]

    assert statuses == [200] * 10 + [429]


def test_spraying_unknown_emails_is_refused_but_never_a_real_account_at_that_address(
        app, client, create_user, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT_UNKNOWN_PER_ADDRESS", "30 per hour")
    person = create_user("candidate")
    statuses = [sign_in(client, f"spray-{n}@example.org", "Summer2026!").status_code for n in range(31)]

    wrong = sign_in(app.test_client(), person.email, "Summer2026!")
    right = sign_in(app.test_client(), person.email)

    assert statuses == [200] * 30 + [429]
    assert (wrong.status_code, right.status_code) == (200, 302)


def test_sign_in_reads_only_form_data(client, create_user):
    user = create_user("candidate")

    response = client.post("/sign-in", json={"email": user.email, "password": "correct horse battery"})

    assert response.status_code == 200
    assert client.get("/home/candidate").status_code == 302


# The rate-limit store ---------------------------------------------------------


@pytest.fixture
def app_with_store(app, make_app):
    """app_with_store(uri, **options): an app counting in that store. The limiter
    is one object for every app in the process, so the session's app gets its
    store back afterwards."""
    made = []

    def make(uri, **options):
        made.append(make_app(RATELIMIT_STORAGE_URI=uri, WTF_CSRF_ENABLED=False,
                             RATELIMIT_STORAGE_OPTIONS=rate_limit_storage_options(uri) | options))
        return made[-1]

    yield make
    if made:
        limiter.init_app(app)


def test_without_its_store_sign_in_answers_503_and_healthz_says_so(app_with_store):
    client = app_with_store("redis://127.0.0.1:1").test_client()  # a closed port
    attempt = {"email": "someone@example.org", "password": "a password"}

    page = client.post("/sign-in", data=attempt)
    as_json = client.post("/sign-in", data=attempt, headers={"Accept": "application/json"})
    health = client.get("/healthz")

    assert page.status_code == 503
    assert "<h1>Service unavailable</h1>" in page.get_data(as_text=True)
    assert "Attest cannot count attempts just now, so it accepts none" in page.get_data(as_text=True)
    assert as_json.status_code == 503
    assert as_json.get_json()["code"] == "unavailable"
    assert health.status_code == 200  # those already signed in go on sitting
    assert health.get_json() == {"status": "degraded", "database": "ok", "rate_limits": "unavailable"}


def test_a_failure_the_store_cannot_count_changes_nothing(client, create_user, db, monkeypatch):
    """The store stops answering between the check and the count: the answer is
    503, and the failure is not audited either, as nothing was counted."""
    user = create_user("candidate")

    def store_down(*args, **kwargs):
        raise StorageError(redis.ConnectionError("connection refused"))

    monkeypatch.setattr(limiter.limiter, "hit", store_down)
    response = sign_in(client, user.email, "wrong")

    assert response.status_code == 503
    assert db.session.scalars(db.select(AuditEntry.action)).all() == ["user.created"]


def redis_answers():
    try:
        return redis.Redis.from_url(REDIS, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


@pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_on_redis_a_strangers_guessing_leaves_the_candidates_browser_alone(app_with_store, create_user):
    app = app_with_store(REDIS, key_prefix=f"attest-test-{secrets.token_hex(4)}")
    candidate = create_user("candidate")
    browser, stranger = app.test_client(), app.test_client()
    try:
        assert sign_in(browser, candidate.email).status_code == 302
        browser.post("/sign-out")
        guesses = [sign_in(stranger, candidate.email, f"guess {n}").status_code for n in range(11)]

        assert guesses == [200] * 10 + [429]
        assert sign_in(browser, candidate.email).status_code == 302
        assert browser.get("/healthz").get_json()["rate_limits"] == "ok"
    finally:
        limiter.reset()  # this test's keys, by their prefix
