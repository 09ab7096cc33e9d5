"""The messages raters get: the ratings an assignment puts on them (one
message per rater per assignment, however many responses it gives them), and
reminders of ratings past their due date (`Rating.due_at`: assignment plus
the rating plan's days to rate), sent by `flask rating remind-overdue` on the
day a rating falls due and a week later, each once (`OverdueReminder`); and
to coordinators, a concern a rater flagged.

Raters know responses by their anonymous codes only, and so do the messages.
A concern's message names its reason, not its details: they are read signed in.
"""

from itertools import groupby

from sqlalchemy import select

from accounts.models import User, UserRole
from accounts.roles import COORDINATORS
from extensions import db
from mail.notify import notify
from rating import dashboards
from rating.models import OverdueReminder

OVERDUE_DAYS = (0, 7)  # days past the due date at which a rater is reminded
REASON = "you rate written responses in Attest"


def _by_rater(ratings):
    ordered = sorted(ratings, key=lambda rating: (rating.rater_id, rating.due_at, rating.id))
    return [(group[0].rater, group) for group in (list(items) for _, items in groupby(ordered, lambda r: r.rater_id))]


def assigned(ratings):
    """Tell each rater, in one message, the ratings just put on them."""
    for rater, theirs in _by_rater(ratings):
        count = f"{len(theirs)} response{'s' if len(theirs) > 1 else ''}"
        notify(rater, f"{count} to rate, due {theirs[0].due_at:%Y-%m-%d}", "ratings_assigned", REASON,
               kind="rating.assigned", ratings=theirs)


def _reminded(rating, days):
    """Whether the reminder at `days` past due, or a later one, was sent for this rating."""
    return db.session.scalar(select(OverdueReminder.id).where(OverdueReminder.rating_id == rating.id,
                                                              OverdueReminder.days >= days).limit(1)) is not None


def remind_overdue(now):
    """Remind raters of their unsubmitted ratings that passed a threshold of
    lateness since the last run: one message per rater, each rating's reminder
    at each threshold once; a run that missed one sends only the latest
    reached. Returns the ratings reminded of."""
    due = []
    for rating in dashboards.overdue(now):
        days = max(threshold for threshold in OVERDUE_DAYS if (now - rating.due_at).days >= threshold)
        if not _reminded(rating, days):
            db.session.add(OverdueReminder(rating_id=rating.id, days=days, sent_at=now))
            due.append(rating)
    for rater, theirs in _by_rater(due):
        count = f"{len(theirs)} rating{'s' if len(theirs) > 1 else ''}"
        notify(rater, f"Overdue: {count} waiting since {theirs[0].due_at:%Y-%m-%d}", "ratings_overdue", REASON,
               kind="rating.overdue", ratings=theirs)
    db.session.flush()
    return due


def coordinators():
    """Active coordinators and admins, by email."""
    roles = [role.value for role in COORDINATORS]
    return db.session.scalars(select(User).where(User.active.is_(True), User.role_rows.any(UserRole.role.in_(roles)))
                              .order_by(User.email)).all()


def concern_raised(concern, raised_by):
    """Tell every coordinator and admin but the one who flagged it that a response waits for them."""
    for coordinator in coordinators():
        if coordinator.id == raised_by.id:
            continue
        notify(coordinator, f"A rater flagged response {concern.case.code}", "concern_raised",
               "you coordinate rating in Attest", kind="rating.concern_raised", concern=concern)
