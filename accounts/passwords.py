"""Password hashing with argon2id; the cost profile comes from config.

OWASP's recommended argon2id parameters (19 MiB, 2 passes, 1 lane) cost about
30 ms here, where RFC 9106's low-memory profile costs about 140 ms: a room of
candidates signing in within a minute pays that cost hundreds of times.
Hashes record their own parameters, so older hashes keep verifying.
"""

import dataclasses

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 10


PROFILES = {
    "OWASP": dataclasses.replace(profiles.RFC_9106_LOW_MEMORY, time_cost=2, memory_cost=19 * 1024, parallelism=1),
    "CHEAPEST": profiles.CHEAPEST,
    "RFC_9106_LOW_MEMORY": profiles.RFC_9106_LOW_MEMORY,
}


def _hasher():
    return PasswordHasher.from_parameters(PROFILES[current_app.config["PASSWORD_HASH_PROFILE"]])


def hash_password(password):
    return _hasher().hash(password)


def verify_password(password_hash, password):
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def spend_verification_time(password):
    """Hash once for an unknown account, so a failed sign-in takes as long
    whether or not the email exists."""
    _hasher().hash(password)
