"""The yearly renewal of an endorsement: in the year before the renewal date,
the category's training hours (15 for the Mentor) and, where the category
renews it, reflective supervision/consultation hours (12 for Clinical), and a
membership that is current. Entries are the portfolio's own, by their dates.

Until the renewal date the record tells each need as "Due on <date>" with
what is logged so far (`lines`): a new endorsement is not "not met" on the
day it is issued. From the renewal date it is met or not met, and overdue
once the date has passed.

The candidate is reminded 60 and 30 days before the renewal date
(`remind`, run daily by `flask portfolio remind-renewals`); each reminder is
kept as a `RenewalReminder`, so it goes once."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from clock import long_date
from competencies import notifications, portfolio
from competencies.models import Application, ApplicationStatus, RenewalReminder
from competencies.rules import SECOND_PERSON, RequirementResult, add_months
from extensions import db

REMINDER_DAYS = (60, 30)  # days before the renewal date


def period(application):
    """(first day, renewal date) of the year the next renewal counts."""
    return add_months(application.renewal_due, -12), application.renewal_due


def _within(day, first, last):
    return first <= day <= last


def status(application, today, voice=SECOND_PERSON):
    """One line per renewal need: met, or what is missing, worded in `voice` (`rules.Voice`)."""
    needs = portfolio.category_of(application).renewal
    first, last = period(application)
    lines = []
    training = sum(entry.hours for entry in application.training if _within(entry.taken_on, first, last))
    lines.append(_hours_line("training", "Training hours this year", training, needs.get("training_hours", 0),
                             first, last, voice))
    if needs.get("supervision_hours"):
        supervision = sum(entry.hours for entry in application.supervision
                          if _within(entry.met_on, first, last) and not entry.peer and entry.approved is not False)
        lines.append(_hours_line("reflective_supervision", "Reflective supervision/consultation hours this year",
                                 supervision, needs["supervision_hours"], first, last, voice))
    expires = application.membership_expires
    if expires is None or expires < today:
        lines.append(RequirementResult("membership", "Membership", False,
                                       [voice.say("renew_membership")]))
    else:
        lines.append(RequirementResult("membership", "Membership", True, [], [f"current until {expires.isoformat()}"]))
    return lines


@dataclass(frozen=True)
class RenewalLine:
    """One renewal need as the record shows it."""

    title: str
    state: str  # due | met | not_met | overdue
    label: str  # "Due on 1 May 2027", "Met", "Not met", "Overdue since 1 May 2027"
    details: list  # what counted, or what is still needed

    @property
    def met(self):
        return self.state == "met"

    @property
    def missing(self):
        """Due and not met: what a reviewer must see in warning colours."""
        return self.state in ("not_met", "overdue")


def lines(application, today, voice=SECOND_PERSON):
    """The renewal needs as the record tells them on `today`."""
    due = application.renewal_due
    shown = []
    for line in status(application, today, voice):
        details = line.counted if line.met else line.missing
        if today < due:
            state, label = "due", f"Due on {long_date(due)}"
        elif line.met:
            state, label = "met", "Met"
        elif today == due:
            state, label = "not_met", "Not met"
        else:
            state, label = "overdue", f"Overdue since {long_date(due)}"
        shown.append(RenewalLine(line.title, state, label, details))
    return shown


def _hours_line(kind, title, hours, needed, first, last, voice):
    span = f"from {first.isoformat()} to {last.isoformat()}"
    if hours + 1e-9 >= needed:
        return RequirementResult(kind, title, True, [], [f"{hours:g} of {needed:g} hours ({span})"])
    return RequirementResult(kind, title, False, [voice.say("more_renewal_hours", have=f"{hours:g}", need=f"{needed:g}",
                                                            span=span, short=f"{needed - hours:g}")])


def _reminded(application, days):
    """Whether this renewal's reminder at `days`, or a later (nearer) one, was sent."""
    return db.session.scalar(select(RenewalReminder.id).where(
        RenewalReminder.application_id == application.id, RenewalReminder.renewal_due == application.renewal_due,
        RenewalReminder.days <= days).limit(1)) is not None


def remind(today, now):
    """Remind every endorsed candidate whose renewal date is a threshold away
    or nearer, once per renewal date and threshold; a run that missed a
    threshold sends only the nearest one reached. Returns those reminded."""
    endorsed = db.session.scalars(select(Application).where(
        Application.status == ApplicationStatus.ENDORSED.value, Application.renewal_due > today,
        Application.renewal_due <= today + timedelta(days=max(REMINDER_DAYS)))
        .order_by(Application.renewal_due, Application.id)).all()
    reminded = []
    for application in endorsed:
        left = (application.renewal_due - today).days
        days = min(threshold for threshold in REMINDER_DAYS if left <= threshold)
        if _reminded(application, days):
            continue
        db.session.add(RenewalReminder(application_id=application.id, renewal_due=application.renewal_due, days=days,
                                       sent_at=now))
        notifications.renewal_due(application, portfolio.definition_of(application).name, left,
                                  status(application, today))
        reminded.append(application)
    db.session.flush()
    return reminded
