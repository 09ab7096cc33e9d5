"""The yearly renewal of an endorsement: in the year before the renewal date,
the category's training hours (15 for the Mentor) and, where the category
renews it, reflective supervision/consultation hours (12 for Clinical), and a
membership that is current. Entries are the portfolio's own, by their dates."""

from competencies import portfolio
from competencies.rules import RequirementResult, add_months


def period(application):
    """(first day, renewal date) of the year the next renewal counts."""
    return add_months(application.renewal_due, -12), application.renewal_due


def _within(day, first, last):
    return first <= day <= last


def status(application, today):
    """One line per renewal need: met, or what is missing."""
    needs = portfolio.category_of(application).renewal
    first, last = period(application)
    lines = []
    training = sum(entry.hours for entry in application.training if _within(entry.taken_on, first, last))
    lines.append(_hours_line("training", "Training hours this year", training, needs.get("training_hours", 0),
                             first, last))
    if needs.get("supervision_hours"):
        supervision = sum(entry.hours for entry in application.supervision
                          if _within(entry.met_on, first, last) and not entry.peer and entry.approved is not False)
        lines.append(_hours_line("reflective_supervision", "Reflective supervision/consultation hours this year",
                                 supervision, needs["supervision_hours"], first, last))
    expires = application.membership_expires
    if expires is None or expires < today:
        lines.append(RequirementResult("membership", "Membership", False,
                                       ["renew your membership and update its expiry date"]))
    else:
        lines.append(RequirementResult("membership", "Membership", True, [], [f"current until {expires.isoformat()}"]))
    return lines


def _hours_line(kind, title, hours, needed, first, last):
    span = f"from {first.isoformat()} to {last.isoformat()}"
    if hours + 1e-9 >= needed:
        return RequirementResult(kind, title, True, [], [f"{hours:g} of {needed:g} hours ({span})"])
    return RequirementResult(kind, title, False, [f"{hours:g} of {needed:g} hours logged {span}: add "
                                                  f"{needed - hours:g} more"])
