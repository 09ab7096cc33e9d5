"""The people a candidate names in the portfolio (references, reflective
supervision/consultation providers) who hold an account here become rater
conflicts: they are never put on the candidate's written responses."""

from accounts.users import user_by_email
from rating import assignment


def record_conflict(candidate, email, reason, by):
    """Keep a person the candidate named (a reference, a supervisor) off the
    candidate's written responses, when they hold an account here."""
    person = user_by_email(email) if email else None
    if person is None or person.id == candidate.id or assignment.conflicted(person.id, candidate.id):
        return
    assignment.declare_conflict(person, candidate, reason, by)
