"""Reference ratings: a candidate names a person; Attest mails that person a
link, reminds them after 7 and 14 days, and the person rates the candidate on
each competency domain (or "not enough information"), or declines.

The candidate never holds the link. Each mailed link's token is random and
only its SHA-256 is kept (`ReferenceLink`); the token travels in the link's
fragment (`/references/open#<token>`), which browsers never send to a server,
so no access log holds it. The page there hands it over in a POST and the
reference's session keeps the hash from then on. Every link of a request
works until it is answered, declined, withdrawn or expires.

A reference's endorsement level counts only once verified: at once when
Attest itself issued that person's endorsement (the number they give, under
the email the link was sent to), otherwise when a coordinator verifies it.
A person the candidate names becomes a rater conflict only when they answer
(or a coordinator confirms it: `conflicts.py`), so naming someone steers
nothing.
"""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import func, select

from accounts.users import user_by_email
from audit import log
from competencies.conflicts import keep_off_account, record_conflict
from competencies.models import Application, ApplicationStatus, ReferenceLink, ReferenceRequest
from competencies.portfolio import PortfolioRefused, category_of, check_editable, definition_of, requirement_of
from extensions import db
from item_bank.domains import all_domains
from mail import outbox

LINK_DAYS = 30
REMINDER_DAYS = (7, 14)  # days after asking without an answer
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


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _mail_link(reference, now, kind, subject, template):
    """Mail the reference a new link to the request; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    reference.links.append(ReferenceLink(token_hash=token_hash(token), sent_at=now))
    account = user_by_email(reference.rater_email)
    candidate = reference.application.candidate
    outbox.post(reference.rater_email, subject, template,
                f"{candidate.name} named you as a reference for their {definition_of(reference.application).name} "
                "endorsement", kind=kind, to_user_id=account.id if account else None, reference=reference,
                candidate=candidate, relationship=relationship_label(reference.relationship_code).lower(),
                token=token, days=LINK_DAYS)


def ask(application, relationship, name, email, waived, by, now):
    """A new reference request, mailed to the person with its link."""
    check_editable(application)
    if relationship not in dict(relationships(application)):
        raise PortfolioRefused(f"relationship: {relationship!r} is not one the "
                               f"{category_of(application).label} category asks for", "relationship")
    if email.strip().casefold() == application.candidate.email.casefold():
        raise PortfolioRefused("their email: a candidate cannot rate themselves", "rater_email")
    reference = ReferenceRequest(application=application, relationship_code=relationship, rater_name=name.strip(),
                                 rater_email=email.strip(), waived=waived, ratings={}, created_at=now,
                                 expires_at=now + timedelta(days=LINK_DAYS))
    db.session.add(reference)
    db.session.flush()
    _mail_link(reference, now, "reference.requested", f"A reference for {application.candidate.name}",
               "reference_requested")
    log.record("reference.ask", by, reference, relationship=relationship, waived=waived)
    return reference


def _due_reminders(reference, now):
    return sum(now >= reference.created_at + timedelta(days=days) for days in REMINDER_DAYS)


def remind(by, now):
    """Remind every reference who has not answered 7 and 14 days after being
    asked; returns how many were reminded. Safe to run as often as cron
    likes: a reminder is sent once, and a run that missed a day sends one
    reminder, not two at once."""
    waiting = select(ReferenceRequest).where(
        ReferenceRequest.submitted_at.is_(None), ReferenceRequest.declined_at.is_(None),
        ReferenceRequest.withdrawn_at.is_(None), ReferenceRequest.expires_at > now,
        ReferenceRequest.reminders_sent < len(REMINDER_DAYS),
        ReferenceRequest.created_at <= now - timedelta(days=REMINDER_DAYS[0]),
    ).order_by(ReferenceRequest.id).with_for_update(skip_locked=True)
    reminded = 0
    for reference in db.session.scalars(waiting):
        due = _due_reminders(reference, now)
        if due <= reference.reminders_sent:
            continue
        reference.reminders_sent, reference.reminded_at = due, now
        _mail_link(reference, now, "reference.reminder",
                   f"Reminder: a reference for {reference.application.candidate.name}", "reference_reminder")
        log.record("reference.remind", by, reference, reminder=due)
        reminded += 1
    return reminded


def _end_links(reference):
    reference.links.clear()


def withdraw(reference, by, now):
    """The candidate takes the request back: its links stop working, and the
    person is no longer named (no conflict comes of it)."""
    check_editable(reference.application)
    if not reference.open:
        raise PortfolioRefused(f"this reference request is {reference.status.value}: it cannot be withdrawn")
    reference.withdrawn_at = now
    _end_links(reference)
    log.record("reference.withdraw", by, reference)


def _open_request(reference, now):
    if reference is None or not reference.open or reference.expires_at < now:
        return None
    return reference


def _refuse_the_candidate(reference, by):
    if by.user_id is not None and by.user_id == reference.application.candidate_id:
        raise PortfolioRefused("this reference request is about you: a candidate cannot answer their own reference")


def open_link(token, by, now):
    """The hash of an open request's link, handed over from its fragment; None
    when used, withdrawn, expired or unknown. The candidate is refused."""
    if not token or len(token) > 100:
        return None
    link = db.session.scalar(select(ReferenceLink).where(ReferenceLink.token_hash == token_hash(token.strip())))
    if link is None or _open_request(link.reference, now) is None:
        return None
    _refuse_the_candidate(link.reference, by)
    if link.reference.opened_at is None:
        link.reference.opened_at = now
        log.record("reference.open", by, link.reference)
    return link.token_hash


def held(link_hash, by, now):
    """The open request whose link hash the reference's session holds, or None; the candidate is refused."""
    if not link_hash:
        return None
    link = db.session.scalar(select(ReferenceLink).where(ReferenceLink.token_hash == link_hash))
    reference = _open_request(link.reference if link else None, now)
    if reference is not None:
        _refuse_the_candidate(reference, by)
    return reference


def _attest_record(reference, level, number):
    """The endorsement Attest issued to the person the request was mailed to, at `level`, under `number`."""
    if not number:
        return None
    application = db.session.scalar(select(Application).where(
        func.upper(Application.endorsement_number) == number.strip().upper(),
        Application.status == ApplicationStatus.ENDORSED.value))
    if application is None or application.candidate.email.casefold() != reference.rater_email.casefold():
        return None
    return application if definition_of(application).level == level else None


def _check_answers(ratings, rater_level):
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
    return {domain.code: ratings[domain.code] for domain in domains}


def submit(reference, ratings, rater_level, comments, by, now, endorsement_number=""):
    """Record the reference's answers: {domain code: 1..4 or None ("not enough information")} for every domain,
    their own endorsement level and number if any. Whoever answers becomes a rater conflict for the candidate."""
    if _open_request(reference, now) is None:
        raise PortfolioRefused(f"this reference request is {reference.status.value}: it takes no answer")
    _refuse_the_candidate(reference, by)
    reference.ratings = _check_answers(ratings, rater_level)
    reference.rater_level, reference.comments = rater_level, comments.strip()
    reference.rater_endorsement_number = (endorsement_number or "").strip().upper() if rater_level else ""
    reference.submitted_at, reference.answered_by_id = now, by.user_id
    _end_links(reference)
    issued = _attest_record(reference, rater_level, reference.rater_endorsement_number)
    if issued is not None:
        reference.level_verified_at = now
        reference.level_verification_note = f"Attest's own record: endorsement {issued.endorsement_number}"
    candidate = reference.application.candidate
    record_conflict(candidate, reference.rater_email, "answered a reference for the candidate", by)
    keep_off_account(candidate, by.user_id, "answered a reference for the candidate", by)
    log.record("reference.submit", by, reference, not_enough_information=reference.not_enough_information,
               level=rater_level, verified_by_record=issued is not None)


def decline(reference, reason, by, now):
    """The reference says no, with a reason if they like (for coordinators; the candidate sees "declined")."""
    if _open_request(reference, now) is None:
        raise PortfolioRefused(f"this reference request is {reference.status.value}: it cannot be declined")
    _refuse_the_candidate(reference, by)
    reference.declined_at, reference.decline_reason = now, reason.strip()
    _end_links(reference)
    log.record("reference.decline", by, reference)


def awaiting_level_verification():
    """Answered ratings whose endorsement level no one has verified yet, on
    any application, drafts included: a candidate may not be able to submit
    until one is, so coordinators must see them before any submission."""
    return db.session.scalars(
        select(ReferenceRequest).where(ReferenceRequest.submitted_at.is_not(None),
                                       ReferenceRequest.rater_level.is_not(None),
                                       ReferenceRequest.level_verified_at.is_(None))
        .order_by(ReferenceRequest.submitted_at, ReferenceRequest.id)
    ).all()


def verify_level(reference, note, by, now):
    """A coordinator verifies the endorsement level the reference gave, saying how."""
    if reference.submitted_at is None or not reference.rater_level:
        raise PortfolioRefused("only a submitted rating that gives an endorsement level is verified")
    if reference.level_verified:
        raise PortfolioRefused(f"the Level {reference.rater_level} endorsement of {reference.rater_name} "
                               "is verified already")
    if not note.strip():
        raise PortfolioRefused("say how the endorsement was verified")
    reference.level_verified_at, reference.level_verified_by_id = now, by.user_id
    reference.level_verification_note = note.strip()
    log.record("reference.verify_level", by, reference, level=reference.rater_level, note=reference.level_verification_note)
