"""Who may not sit a form because they have seen its items another way, as
the areas above exam declare it (analysis: the panelists of an open Angoff
study, whose rating sheets show every key). Exam imports no such area: each
declares its check on its blueprint, and the checks are gathered on the app
as it registers that blueprint, as `accounts.navigation` gathers links."""

from flask import current_app


def declare(bp, check):
    """`check(form, user)` gives a sentence saying why the user may not sit the form, or None."""

    def gather(state):
        state.app.extensions.setdefault("exposure_checks", []).append(check)

    bp.record_once(gather)


def why_not_sit(form, user):
    """The first declared reason the user may not sit the form; None when nothing bars them."""
    for check in current_app.extensions.get("exposure_checks", ()):
        reason = check(form, user)
        if reason:
            return reason
    return None
