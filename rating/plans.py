"""The coordinator's rules for rating a form's responses: how many raters,
when ratings disagree, how the final score is made, and the pass rule."""

from sqlalchemy import select

from audit import log
from clock import utcnow
from extensions import db
from rating.models import FinalRule, PassRule, RatingPlan

FIELDS = ("raters_per_response", "max_criterion_gap", "pass_fail_disagreement", "final_rule", "rated_pass_percent",
          "pass_rule", "due_days")


class PlanRefused(ValueError):
    """A plan that cannot be set, in a sentence that names the field."""


def plan_for(form):
    """The form's plan, or an unsaved one holding the defaults."""
    plan = db.session.scalar(select(RatingPlan).where(RatingPlan.form_id == form.id))
    if plan is not None:
        return plan
    # Column defaults apply at flush; an unsaved plan must read the same values.
    return RatingPlan(form_id=form.id, raters_per_response=2, max_criterion_gap=1, pass_fail_disagreement=True,
                      final_rule=FinalRule.MEAN.value, rated_pass_percent=80.0, pass_rule=PassRule.EACH_PART.value,
                      due_days=7)


def _check(values):
    if values["raters_per_response"] not in (1, 2, 3):
        raise PlanRefused("raters per response: 1, 2 or 3")
    if values["max_criterion_gap"] < 0:
        raise PlanRefused("largest allowed difference on a criterion: 0 points or more")
    if not 0 < values["rated_pass_percent"] <= 100:
        raise PlanRefused("cut of the rated part: above 0% and at most 100%")
    if values["final_rule"] not in set(FinalRule):
        raise PlanRefused(f"final-score rule: one of {', '.join(FinalRule)}")
    if values["pass_rule"] not in set(PassRule):
        raise PlanRefused(f"pass rule: one of {', '.join(PassRule)}")
    if not 1 <= values["due_days"] <= 90:
        raise PlanRefused("days to rate: 1 to 90")


def update_plan(form, values, by):
    """Set the form's plan from `values` (every name in FIELDS); audited with what changed."""
    _check(values)
    plan = plan_for(form)
    changes = {name: [getattr(plan, name), values[name]] for name in FIELDS if getattr(plan, name) != values[name]}
    for name in FIELDS:
        setattr(plan, name, values[name])
    plan.updated_at, plan.updated_by_id = utcnow(), by.user_id
    db.session.add(plan)
    db.session.flush()
    if changes:
        log.record("rating.plan_updated", by, form, changes=changes)
    return plan
