"""Password hashing: OWASP's argon2id parameters, and at most a few hashes at
once in a worker so that a burst of sign-ins leaves the cores to the
candidates already sitting. The slot tests hash with a fake whose every hash
waits for the test's word, so what runs at once is decided by the test, not
by timing."""

import threading

import pytest

from accounts import passwords
from accounts.passwords import HashingBusy, hash_password, verify_password
from audit.models import AuditEntry
from tests.conftest import PASSWORD, sign_in

SLOTS = "password_hashing_slots"


def test_the_production_profile_is_owasps_argon2id_minimum(make_app):
    # OWASP Password Storage Cheat Sheet: "Use Argon2id with a minimum
    # configuration of 19 MiB of memory, an iteration count of 2, and 1 degree
    # of parallelism" (cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html).
    app = make_app(PASSWORD_HASH_PROFILE="OWASP")

    with app.app_context():
        stored = hash_password(PASSWORD)
        assert verify_password(stored, PASSWORD) and not verify_password(stored, "not the password")

    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


class HeldHasher:
    """Stands in for argon2's PasswordHasher: each hash waits until `gate` is
    set, and the most hashes ever running at once is kept in `most`."""

    def __init__(self):
        self.gate = threading.Event()
        self.entered = threading.Semaphore(0)
        self.lock = threading.Lock()
        self.running = 0
        self.most = 0

    def hash(self, password):
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        self.entered.release()
        self.gate.wait(5)
        with self.lock:
            self.running -= 1
        return "$held$" + password


@pytest.fixture
def held(app, monkeypatch):
    hasher = HeldHasher()
    monkeypatch.setattr(passwords, "_hasher", lambda: hasher)
    yield hasher
    hasher.gate.set()


def hashing_in_threads(app, count):
    """`count` threads each hashing once; their results land in the list."""
    done = []

    def hash_once():
        with app.app_context():
            try:
                done.append(hash_password(PASSWORD))
            except HashingBusy as busy:
                done.append(busy)

    threads = [threading.Thread(target=hash_once) for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads, done


def test_a_worker_hashes_at_most_its_slots_at_once_and_the_others_wait_their_turn(app, held, monkeypatch):
    monkeypatch.setitem(app.extensions, SLOTS, threading.BoundedSemaphore(2))
    monkeypatch.setitem(app.config, "PASSWORD_HASH_WAIT_SECONDS", 5)

    threads, done = hashing_in_threads(app, 5)
    assert held.entered.acquire(timeout=5) and held.entered.acquire(timeout=5)
    assert not held.entered.acquire(timeout=0.05), "a third hash started while two were running"
    held.gate.set()
    for thread in threads:
        thread.join(5)

    assert held.most == 2
    assert done == ["$held$" + PASSWORD] * 5


def test_a_hash_that_finds_every_slot_taken_for_the_whole_wait_is_refused(app, held, monkeypatch):
    monkeypatch.setitem(app.extensions, SLOTS, threading.BoundedSemaphore(1))
    monkeypatch.setitem(app.config, "PASSWORD_HASH_WAIT_SECONDS", 0.02)
    threads, done = hashing_in_threads(app, 1)
    assert held.entered.acquire(timeout=5)

    with app.app_context(), pytest.raises(HashingBusy):
        hash_password(PASSWORD)

    held.gate.set()
    threads[0].join(5)
    with app.app_context():
        assert hash_password(PASSWORD) == "$held$" + PASSWORD  # the slot is free again
    assert held.most == 1


def test_a_sign_in_refused_for_busy_hashing_answers_503_and_counts_nothing(app, client, create_user, db,
                                                                          monkeypatch):
    user = create_user("candidate")
    slots = threading.BoundedSemaphore(1)
    monkeypatch.setitem(app.extensions, SLOTS, slots)
    monkeypatch.setitem(app.config, "PASSWORD_HASH_WAIT_SECONDS", 0.02)
    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT_PER_ACCOUNT_AND_ADDRESS", "1 per 15 minutes")

    slots.acquire()  # another sign-in is hashing in this worker
    busy = [sign_in(client, user.email), sign_in(client, user.email, "not the password")]
    slots.release()

    for response in busy:
        assert response.status_code == 503 and response.headers["Retry-After"] == "1"
        assert "try again in a moment" in response.get_data(as_text=True)
    assert db.session.scalars(db.select(AuditEntry).where(AuditEntry.action.like("user.sign_in%"))).all() == []
    assert sign_in(client, user.email).status_code == 302  # the busy wrong password was not counted
