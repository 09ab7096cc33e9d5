"""Where a failed sign-in counts: OWASP's device cookies, so that nobody else's
guessing locks a candidate out while guessing at any one account stays bounded.

A browser that signs in to an account gets a signed *device cookie* for it: a
digest of the account's email and a random nonce, one pair per account the
browser signed in to. Only failures count, each where it cannot lock out
someone else:

- from a browser holding the account's device cookie (a *trusted device*), per
  account and device, and nowhere else: a stranger cannot mint the cookie
  without the password, so nothing a stranger does locks that browser out;
- from any other browser, per account and address, so a stranger elsewhere
  does not touch a candidate signing in from the exam room for the first time;
  and per account across all addresses, the bound on guessing from many
  addresses. That bound is kept in two halves: failures from addresses someone
  signed in from within the day (an exam room, where the proctor and the other
  candidates sign in) and failures from every other address, so a stranger at
  addresses where nobody signs in uses up only the second half;
- an email without an account counts exactly as one with an account, so no
  limit tells which emails have accounts, and also against its address's
  ceiling for spraying, which never applies to a real account.

A used-up count refuses the attempt before its password is checked, so a
refused attempt learns nothing, and an address shared by a room is never
refused for one person's mistakes.

The counts live in Flask-Limiter's store (Redis in production), through its
configured strategy. When the store does not answer, sign-in fails closed:
`limits.errors.StorageError` reaches errors.py, which answers 503. Failing
open would lift the bound on guessing exactly while the store is down, which
an attacker can bring about by flooding it; failing closed stops new sign-ins
only, since a signed-in candidate's requests never touch the store.
"""

import hashlib
import ipaddress
import math
import secrets
import time
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import RateLimitItem, parse

from extensions import limiter

DEVICE_COOKIE = "attest_device"
DEVICE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60
# Accounts one browser is trusted for: a shared computer in a room serves a few.
DEVICES_KEPT = 10
# An address someone signed in from stays known for a day after the latest sign-in.
KNOWN_ADDRESS = parse("1 per day")


class TooManyAttempts(Exception):
    """The attempt is refused before its password is checked (or its mail
    sent: `accounts.mail_limits`); `seconds` until every count it falls in has
    room again."""

    def __init__(self, seconds, doing="sign in"):
        self.seconds = seconds
        minutes = max(1, math.ceil(seconds / 60))
        super().__init__(f"Too many attempts to {doing}; try again in {minutes} minute{'s' * (minutes != 1)}.")


@dataclass(frozen=True)
class Count:
    limit: RateLimitItem
    key: tuple[str, ...]


def _limit(name):
    return parse(current_app.config[name])


def network(address):
    """What an address is counted as: an IPv6 client's whole /64, which one
    household or phone holds and can hop around in."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def counts_for(email, address, device, known):
    """The counts a failure of this attempt goes into. `device` is the nonce of
    the browser's device cookie for `email` (None without one); `known` says
    whether the email has an account."""
    if device:
        return [Count(_limit("SIGN_IN_LIMIT_PER_DEVICE"), ("sign-in-device", email, device))]
    where = network(address)
    if _someone_signed_in_from(where):
        across = Count(_limit("SIGN_IN_LIMIT_PER_ACCOUNT_AT_KNOWN_ADDRESSES"), ("sign-in-account-known", email))
    else:
        across = Count(_limit("SIGN_IN_LIMIT_PER_ACCOUNT"), ("sign-in-account", email))
    counts = [Count(_limit("SIGN_IN_LIMIT_PER_ACCOUNT_AND_ADDRESS"), ("sign-in-account-address", email, where)), across]
    if not known:
        counts.append(Count(_limit("SIGN_IN_LIMIT_UNKNOWN_PER_ADDRESS"), ("sign-in-unknown", where)))
    return counts


def check(counts, doing="sign in"):
    """Raise TooManyAttempts when any of `counts` is used up."""
    stats = [limiter.limiter.get_window_stats(count.limit, *count.key) for count in counts]
    waits = [window.reset_time - time.time() for window in stats if window.remaining < 1]
    if waits:
        raise TooManyAttempts(max(waits), doing)


def count_failure(counts):
    for count in counts:
        limiter.limiter.hit(count.limit, *count.key)


def note_sign_in(address):
    """Someone signed in from `address`: it is known for a day from now."""
    where = network(address)
    limiter.limiter.clear(KNOWN_ADDRESS, "signed-in-from", where)
    limiter.limiter.hit(KNOWN_ADDRESS, "signed-in-from", where)


def _someone_signed_in_from(where):
    return not limiter.limiter.test(KNOWN_ADDRESS, "signed-in-from", where)


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="attest-device-cookie")


def _account_digest(email):
    # The cookie is signed, not encrypted: a shared computer's next user reads
    # digests there, not the emails of the candidates before them.
    return hashlib.sha256(email.encode()).hexdigest()[:24]


def _devices(cookie):
    """The [account digest, nonce] pairs of a device cookie; none when it is
    missing, forged or older than its lifetime."""
    if not cookie:
        return []
    try:
        return _serializer().loads(cookie, max_age=DEVICE_COOKIE_MAX_AGE)
    except BadSignature:
        return []


def device_of(cookie, email):
    """The nonce this browser's device cookie holds for `email`, or None."""
    return dict(_devices(cookie)).get(_account_digest(email))


def device_cookie_after_sign_in(cookie, email):
    """The device cookie for a browser that just signed in to `email`: a new
    nonce for that account (a fresh count), the browser's latest others kept."""
    digest = _account_digest(email)
    pairs = [pair for pair in _devices(cookie) if pair[0] != digest] + [[digest, secrets.token_urlsafe(16)]]
    return _serializer().dumps(pairs[-DEVICES_KEPT:])
