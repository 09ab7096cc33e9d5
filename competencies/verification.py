"""Public verification of an issued endorsement, and the public directory of
endorsed professionals.

An endorsement number alone proves nothing: numbers are sequential
(`MENTOR-2026-00042`), so anyone could walk them and harvest names. A
verification is therefore asked with the number and the verification code
printed beside it on the competency record (random, drawn at issue), and an
unknown number, a wrong code and an application not endorsed all answer
alike: None. What a verification shows is the `Verification` below and
nothing else; the directory shows a `Listing`, only of candidates who chose to
be listed, and only while the endorsement has not lapsed.
"""

import enum
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from accounts.models import User
from audit import log
from competencies import portfolio
from competencies.models import Application, ApplicationStatus
from extensions import db

# Crockford's base 32: no I, L, O or U, so a code read aloud or retyped from paper survives.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 60 bits: out of reach of guessing, rate limit or not
# What a reader may type for a letter Crockford's alphabet leaves out.
MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})
# The renewal is due in the last weeks before the renewal date; after that date, unrenewed, the endorsement lapses.
RENEWAL_NOTICE = timedelta(days=60)


class ListingRefused(ValueError):
    """Why a change to the directory listing is refused, in words for the candidate."""


class Standing(enum.StrEnum):
    ACTIVE = "active"
    RENEWAL_DUE = "renewal_due"
    LAPSED = "lapsed"

    @property
    def label(self):
        return {Standing.ACTIVE: "Active", Standing.RENEWAL_DUE: "Active, renewal due",
                Standing.LAPSED: "Lapsed"}[self]


@dataclass(frozen=True)
class Verification:
    """Everything the public verification page shows."""

    number: str
    name: str
    endorsement: str
    category: str
    endorsed_on: object
    renewal_due: object
    standing: Standing


@dataclass(frozen=True)
class Listing:
    """Everything the public directory shows of one endorsed professional."""

    name: str
    endorsement: str
    category: str
    standing: Standing


def new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def shown(code):
    """The code as printed, in groups of four: `7KQ2-M9XD-4TRB`."""
    return "-".join(code[start:start + 4] for start in range(0, len(code), 4))


def normalise(text):
    """A typed code as stored: capitals, without the spaces and hyphens of its groups, misread letters mended."""
    return "".join(char for char in (text or "").upper() if char not in " -").translate(MISREAD)


def standing(application, today):
    if today > application.renewal_due:
        return Standing.LAPSED
    if today >= application.renewal_due - RENEWAL_NOTICE:
        return Standing.RENEWAL_DUE
    return Standing.ACTIVE


def issued(application):
    return application.state == ApplicationStatus.ENDORSED and application.endorsement_number is not None


def address(application):
    """The absolute address of the endorsement's verification page, code included, as printed and in the QR
    code; None until it is issued."""
    if not issued(application):
        return None
    return url_for("verification.verify", number=application.endorsement_number, code=application.verification_code,
                   _external=True)


def verify(number, code, today):
    """The `Verification` of the endorsement with this number and code, or None, whichever of the two is wrong."""
    application = db.session.scalar(select(Application).where(
        Application.endorsement_number == (number or "").strip().upper()))
    expected = application.verification_code if application is not None and issued(application) else None
    # Compared in constant time, against a stand-in when there is nothing to compare, so no timing tells them apart.
    matches = hmac.compare_digest((expected or "-" * CODE_LENGTH).encode(), normalise(code).encode())
    if expected is None or not matches:
        return None
    return Verification(application.endorsement_number, application.candidate.name,
                        portfolio.definition_of(application).name, portfolio.category_of(application).label,
                        application.endorsed_on, application.renewal_due, standing(application, today))


def set_listed(application, listed, by):
    """The endorsed candidate's choice to appear in the public directory, or not; audited."""
    if not issued(application):
        raise ListingRefused("only an issued endorsement is listed in the directory")
    if application.listed_in_directory == listed:
        return
    application.listed_in_directory = listed
    log.record("application.directory_listing", by, application, listed=listed)


def directory(text, today):
    """A query of the listed, endorsed applications whose name holds `text`, by name: not lapsed."""
    query = (select(Application).join(Application.candidate).options(contains_eager(Application.candidate))
             .where(Application.listed_in_directory.is_(True), Application.status == ApplicationStatus.ENDORSED.value,
                    Application.renewal_due >= today)
             .order_by(func.lower(User.name), Application.id))
    if text.strip():
        query = query.where(func.lower(User.name).contains(text.strip().lower(), autoescape=True))
    return query


def listing(application, today):
    return Listing(application.candidate.name, portfolio.definition_of(application).name,
                   portfolio.category_of(application).label, standing(application, today))
