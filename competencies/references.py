"""Reference ratings: a candidate asks a person for one; the person answers
through a single-use link, without an account, rating the candidate on each
competency domain (or "not enough information").

Only the link token's SHA-256 is stored; submitting clears it, so a link
works once. A rater who also rates written responses is recorded as a rater
conflict for the candidate, so they are never put on the candidate's exam.
"""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from audit import log
from competencies.conflicts import record_conflict
from competencies.models import ReferenceRequest
from competencies.portfolio import PortfolioRefused, category_of, check_editable, requirement_of
from extensions import db
from item_bank.domains import all_domains

LINK_DAYS = 30
SCALE = {1: "Does not yet meet", 2: "Partially meets", 3: "Meets", 4: "Exceeds"}
LEVELS = ("I", "II", "III", "IV")
RELATIONSHIP_LABELS = {
    "program_supervisor": "Current program supervisor", "teacher": "Teacher", "trainer": "Trainer",
    "consultant": "Consultant", "colleague": "Colleague",
    "rsc_provider": "Person providing reflective supervision/consultation", "supervisee": "Supervisee",
    "consultee": "Consultee", "department_chair": "Department supervisor or chair", "student": "Student",
}


def relationship_label(code):
    return RELATIONSHIP_LABELS.get(code, code.replace("_", " ").capitalize())


def relationships(application):
    """(code, label) of the relationships the category's reference slots accept."""
    requirement = requirement_of(application, "references")
    codes = []
    for slot in requirement["slots"] if requirement else []:
        codes += [code for code in slot["relationships"] if code not in codes]
    return [(code, relationship_label(code)) for code in codes]


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token(reference, now):
    token = secrets.token_urlsafe(32)
    reference.token_hash, reference.expires_at = _hash(token), now + timedelta(days=LINK_DAYS)
    return token


def ask(application, relationship, name, email, waived, by, now):
    """A new reference request and its link token (shown to the candidate once, to send)."""
    check_editable(application)
    if relationship not in dict(relationships(application)):
        raise PortfolioRefused(f"relationship: {relationship!r} is not one the "
                               f"{category_of(application).label} category asks for")
    if email.strip().casefold() == application.candidate.email.casefold():
        raise PortfolioRefused("rater's email: a candidate cannot rate themselves")
    reference = ReferenceRequest(application=application, relationship_code=relationship, rater_name=name.strip(),
                                 rater_email=email.strip(), waived=waived, ratings={})
    token = _new_token(reference, now)
    db.session.add(reference)
    db.session.flush()
    record_conflict(application.candidate, reference.rater_email, "reference for the candidate", by)
    log.record("reference.ask", by, reference, relationship=relationship, waived=waived)
    return reference, token


def new_link(reference, by, now):
    """A fresh link for a request not answered yet; the old link stops working."""
    if reference.submitted_at is not None:
        raise PortfolioRefused("this reference rating is already submitted")
    token = _new_token(reference, now)
    log.record("reference.new_link", by, reference)
    return token


def withdraw(reference, by):
    if reference.submitted_at is not None:
        raise PortfolioRefused("a submitted reference rating stays with the application")
    application = reference.application
    application.references.remove(reference)
    db.session.delete(reference)
    log.record("reference.withdraw", by, application, reference_id=reference.id)


def by_token(token, now):
    """The open request the link belongs to; None when used, replaced, expired or unknown."""
    if not token or len(token) > 100:
        return None
    reference = db.session.scalar(select(ReferenceRequest).where(ReferenceRequest.token_hash == _hash(token)))
    if reference is None or reference.submitted_at is not None or reference.expires_at < now:
        return None
    return reference


def submit(reference, ratings, rater_level, comments, by, now):
    """Record the rater's answers: {domain code: 1..4 or None ("not enough information")} for every domain."""
    domains = all_domains()
    unanswered = [domain.name for domain in domains if domain.code not in ratings]
    if unanswered:
        raise PortfolioRefused("answer every competency domain (\"not enough information\" is an answer): "
                               + ", ".join(unanswered))
    unknown = [value for value in ratings.values() if value is not None and value not in SCALE]
    if unknown:
        raise PortfolioRefused(f"{unknown[0]!r} is not a rating on the scale 1 to {max(SCALE)}")
    if rater_level is not None and rater_level not in LEVELS:
        raise PortfolioRefused(f"endorsement level: {rater_level!r} is not one of {', '.join(LEVELS)}")
    reference.ratings = {domain.code: ratings[domain.code] for domain in domains}
    reference.rater_level, reference.comments = rater_level, comments.strip()
    reference.submitted_at, reference.token_hash = now, None
    log.record("reference.submit", by, reference, not_enough_information=reference.not_enough_information)
