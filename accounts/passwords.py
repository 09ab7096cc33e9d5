"""Password hashing with argon2id; the cost profile comes from config.

OWASP's Password Storage Cheat Sheet asks for argon2id with at least 19 MiB
of memory, 2 passes and 1 lane ("Use Argon2id with a minimum configuration of
19 MiB of memory, an iteration count of 2, and 1 degree of parallelism",
cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html):
the OWASP profile is exactly that minimum. One hash costs about 20 ms of one
core here (`make bench-password-hashing`), where RFC 9106's low-memory
profile, which Attest used first, costs about 140 ms on four lanes: a room of
candidates signing in within a minute pays that cost hundreds of times.
Hashes record their own parameters, so older hashes keep verifying, and a
successful sign-in stores the password again under the current profile.

A hash holds a core and 19 MiB for its whole run, and argon2 lets go of
Python's lock while it runs, so in a threaded worker any number of sign-ins
could hash at once and take the cores from the candidates already sitting,
whose saves and polls need only a few milliseconds each. So each process
hashes in at most PASSWORD_HASHES_AT_ONCE threads at a time; a sign-in that
finds them all taken waits up to PASSWORD_HASH_WAIT_SECONDS, then is refused
with `HashingBusy` (503, try again in a moment) instead of queueing without
end.
"""

import dataclasses
import threading
from contextlib import contextmanager

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 10
# The stored hash of an account that has no password yet: no argon2 hash, so it
# matches nothing, until a reset or an admin sets one.
NO_PASSWORD = "!"


PROFILES = {
    "OWASP": dataclasses.replace(profiles.RFC_9106_LOW_MEMORY, time_cost=2, memory_cost=19 * 1024, parallelism=1),
    "CHEAPEST": profiles.CHEAPEST,
    "RFC_9106_LOW_MEMORY": profiles.RFC_9106_LOW_MEMORY,
}


class HashingBusy(Exception):
    """Every hashing slot of this process stayed taken for the whole wait."""

    retry_after = 1  # seconds: a slot frees within a few hashes

    def __init__(self):
        super().__init__("Attest is signing many people in at once and could not check this password just now. "
                         "Nothing was changed: please try again in a moment.")


def _hasher():
    return PasswordHasher.from_parameters(PROFILES[current_app.config["PASSWORD_HASH_PROFILE"]])


def _slots():
    """This app's hashing slots in this process (created on first use)."""
    return current_app.extensions.setdefault(
        "password_hashing_slots", threading.BoundedSemaphore(current_app.config["PASSWORD_HASHES_AT_ONCE"]))


@contextmanager
def hashing_slot():
    """Hold one of the process's hashing slots for the block; HashingBusy
    when none frees within PASSWORD_HASH_WAIT_SECONDS."""
    slots = _slots()
    if not slots.acquire(timeout=current_app.config["PASSWORD_HASH_WAIT_SECONDS"]):
        raise HashingBusy()
    try:
        yield
    finally:
        slots.release()


def hash_password(password):
    with hashing_slot():
        return _hasher().hash(password)


def _matches(hasher, password_hash, password):
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_password(password_hash, password):
    with hashing_slot():
        return _matches(_hasher(), password_hash, password)


def verify_and_rehash(password_hash, password):
    """(whether the password matches, its hash under the current profile when
    the stored one was made with other parameters, else None): the caller
    stores the new hash, so each account pays for an old profile once."""
    hasher = _hasher()
    with hashing_slot():
        if not _matches(hasher, password_hash, password):
            return False, None
        return True, hasher.hash(password) if hasher.check_needs_rehash(password_hash) else None


def spend_verification_time(password):
    """Hash once for an unknown account, so a failed sign-in takes as long
    (and waits for a slot as long) whether or not the email exists."""
    with hashing_slot():
        _hasher().hash(password)
