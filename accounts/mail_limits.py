"""Requests that mail an address someone typed (registering, asking for a
password reset or a new confirmation link, moving an account to a new
email), limited per client address and per target email, so that nobody
floods a mailbox, or the outbox, from one place or at one address.

Every request counts, whether or not the email has an account, so no limit
tells which emails have one. These counts are their own: signing in never
reads them, so nothing done here locks anyone out of signing in. A used-up
count refuses the request with the time to wait (`TooManyAttempts`), in the
same store and with the same fail-closed answer as `accounts.sign_in_limits`.
"""

from flask import current_app
from limits import parse

from accounts.sign_in_limits import Count, check, network
from extensions import limiter


def count_request(address, email):
    """Count a request from `address` mailing `email`, or raise
    sign_in_limits.TooManyAttempts (counting nothing) when either is used up."""
    counts = [
        Count(parse(current_app.config["MAIL_REQUEST_LIMIT_PER_ADDRESS"]), ("mail-address", network(address))),
        Count(parse(current_app.config["MAIL_REQUEST_LIMIT_PER_EMAIL"]), ("mail-email", email)),
    ]
    check(counts, doing="ask for mail")
    for count in counts:
        limiter.limiter.hit(count.limit, *count.key)
