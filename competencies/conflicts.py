"""The people a candidate names in the portfolio (references, reflective
supervision/consultation providers) may have to be kept off the candidate's
written responses, as rater conflicts.

A name alone changes nothing: were it to, a candidate could keep any rater
they liked off their exam by naming them. A named person becomes a conflict
when a coordinator confirms it or when they answer a reference for the
candidate (which shows they know them). A withdrawn request names nobody, so
it leaves nothing behind; and nothing the candidate sees depends on whether a
named person holds an account here.
"""

from dataclasses import dataclass

from accounts.models import User
from accounts.users import user_by_email
from extensions import db
from rating import assignment


class ConflictRefused(ValueError):
    """Why a named person's conflict cannot be confirmed, in words for the coordinator."""


@dataclass
class NamedPerson:
    name: str
    email: str
    named_as: str  # "reference (colleague)", "reflective supervision/consultation provider"
    account: User | None
    conflicted: bool  # kept off the candidate's written responses already


def keep_off(candidate, person, reason, by):
    """Keep `person` (an account, or None) off the candidate's written responses."""
    if person is None or person.id == candidate.id or assignment.conflicted(person.id, candidate.id):
        return
    assignment.declare_conflict(person, candidate, reason, by)


def record_conflict(candidate, email, reason, by):
    """Keep whoever holds the account of `email`, if anyone, off the candidate's written responses."""
    keep_off(candidate, user_by_email(email) if email else None, reason, by)


def keep_off_account(candidate, user_id, reason, by):
    keep_off(candidate, db.session.get(User, user_id) if user_id is not None else None, reason, by)


def named(application):
    """Everyone the application names, once per email, withdrawn requests left out."""
    people = {}
    for reference in application.references:
        if reference.withdrawn_at is None:
            people.setdefault(reference.rater_email.casefold(), (reference.rater_name, reference.rater_email,
                                                                 f"reference ({reference.relationship_code.replace('_', ' ')})"))
    for entry in application.supervision:
        if entry.provider_email:
            people.setdefault(entry.provider_email.casefold(), (entry.provider_name, entry.provider_email,
                                                                "reflective supervision/consultation provider"))
    found = []
    for name, email, named_as in people.values():
        account = user_by_email(email)
        found.append(NamedPerson(name, email, named_as, account,
                                 account is not None and assignment.conflicted(account.id, application.candidate_id)))
    return found


def confirm(application, email, by):
    """A coordinator confirms that a person the candidate named must not rate them."""
    person = next((person for person in named(application) if person.email.casefold() == email.strip().casefold()),
                  None)
    if person is None:
        raise ConflictRefused("that email is not one the application names")
    if person.account is None:
        raise ConflictRefused(f"{person.email} holds no account here: there is no rater to keep off")
    if person.conflicted:
        raise ConflictRefused(f"{person.email} is kept off this candidate's responses already")
    keep_off(application.candidate, person.account, f"named by the candidate as {person.named_as}; confirmed by a "
                                                    "coordinator", by)
