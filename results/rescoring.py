"""Key review and rescoring: propose corrected keys, several keys, dropped
items, weights or a new pass mark; preview whose pass/fail would change; then
rescore every finished attempt of the form in the caller's transaction.

Pass/fail here is on the part scored by key (`keyed_outcome`): a rated part
is the raters' (issue 7), and rescoring does not touch it.

Each rescoring is a new `ScoringRevision` with every attempt's score under it
(`AttemptScore`), so earlier scores stay readable: the first rescoring of a
form also writes revision 0, the scores under the original keys. Candidates
see a new revision only when staff release the session's results again.
Before and after are scored by `results/keyed.py` on the matrices the item
statistics read, so a preview, a rescoring and the statistics agree.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from audit import log
from exam.models import FINISHED_STATUSES, Attempt, AttemptScore, Enrollment, ExamSession, Response, ScoringRevision
from extensions import db
from item_bank.kinds import kind_of
from item_bank.models import FormItem, ItemVersion
from item_bank.naming import staff_question_name
from results.keyed import score_attempts
from results.matrices import keyed_items
from results.rules import ItemRule, Rules, current_rules, latest_revision, original_rules

MAX_WEIGHT = 10.0


class RescoringRefused(Exception):
    """A proposal that cannot be applied, in a sentence that says why."""


@dataclass(frozen=True)
class ScoreChange:
    attempt: Attempt
    before: object  # AttemptResult
    after: object

    @property
    def outcome_changed(self):
        return self.before.keyed_outcome != self.after.keyed_outcome


@dataclass(frozen=True)
class Preview:
    rules: Rules
    changes: list  # ScoreChange per finished attempt
    item_changes: list  # sentences, one per changed item or the pass mark

    @property
    def outcome_changes(self):
        return [change for change in self.changes if change.outcome_changed]

    def count(self, before, after):
        return sum(1 for change in self.outcome_changes
                   if (change.before.keyed_outcome, change.after.keyed_outcome) == (before, after))


def finished_attempts(form):
    """Every finished attempt of the form, with what scoring reads loaded."""
    query = (select(Attempt).join(Enrollment).join(ExamSession)
             .where(ExamSession.form_id == form.id, Attempt.status.in_(FINISHED_STATUSES))
             .options(selectinload(Attempt.enrollment).selectinload(Enrollment.candidate),
                      selectinload(Attempt.responses).selectinload(Response.form_item)
                      .selectinload(FormItem.item_version).selectinload(ItemVersion.primary_domain))
             .order_by(Attempt.id))
    return db.session.scalars(query).all()


def propose(form, items, pass_percent):
    """Rules from the staff's proposal, checked: `items` maps form_item_id to
    (option ids, weight, dropped) for the form's keyed items."""
    options = {form_item.id: kind_of(form_item.item_version.item.kind).choices(form_item.item_version.content)
               for _, form_item in keyed_items(form)}
    names = {form_item.id: staff_question_name(form_item) for form_item in form.form_items}
    rules = {}
    for form_item_id, rule in original_rules(form).items.items():
        keys, weight, dropped = items.get(form_item_id, (rule.keys, rule.weight, rule.dropped))
        where = names[form_item_id]
        unknown = [key for key in keys if key not in options[form_item_id]]
        if unknown:
            raise RescoringRefused(f"{where}: {', '.join(unknown)} is not one of its options "
                                   f"({', '.join(options[form_item_id])})")
        if not keys and not dropped:
            raise RescoringRefused(f"{where}: give at least one key, or drop the item")
        if not 0 < weight <= MAX_WEIGHT:
            raise RescoringRefused(f"{where}: the weight must be above 0 and at most {MAX_WEIGHT:g}")
        rules[form_item_id] = ItemRule(tuple(sorted(dict.fromkeys(keys))), float(weight), bool(dropped))
    if not any(not rule.dropped for rule in rules.values()):
        raise RescoringRefused("every item would be dropped; keep at least one")
    if not 0 < pass_percent <= 100:
        raise RescoringRefused("the pass mark must be above 0% and at most 100%")
    return Rules(rules, float(pass_percent))


def describe(form, before, after):
    """A sentence per changed item, and one for the pass mark."""
    sentences = []
    for form_item in form.form_items:
        old, new = before.items.get(form_item.id), after.items.get(form_item.id)
        if old == new:
            continue
        parts = []
        if old.keys != new.keys:
            parts.append(f"key {'|'.join(old.keys) or 'none'} to {'|'.join(new.keys) or 'none'}")
        if old.weight != new.weight:
            parts.append(f"weight {old.weight:g} to {new.weight:g}")
        if old.dropped != new.dropped:
            parts.append("dropped" if new.dropped else "restored")
        sentences.append(f"{staff_question_name(form_item)}: {', '.join(parts)}")
    if before.pass_percent != after.pass_percent:
        sentences.append(f"Pass mark {before.pass_percent:g}% to {after.pass_percent:g}%")
    return sentences


def preview(form, proposed):
    before = current_rules(form)
    attempts = finished_attempts(form)
    changes = [ScoreChange(*scores) for scores
               in zip(attempts, score_attempts(form, attempts, before), score_attempts(form, attempts, proposed))]
    return Preview(proposed, changes, describe(form, before, proposed))


def rescore(form, proposed, reason, now, by):
    """Write the proposal as the form's next revision and score every
    finished attempt under it; the caller commits, so it is all or nothing."""
    reason = reason.strip()
    if not reason:
        raise RescoringRefused("give the reason for rescoring; it goes in the audit log")
    result = preview(form, proposed)
    if not result.item_changes:
        raise RescoringRefused("the proposal is the form's current scoring; nothing to rescore")
    attempts = [change.attempt for change in result.changes]
    latest = latest_revision(form)
    if latest is None:
        latest = _revision(form, original_rules(form), 0, "The keys the form was published with.", now, by)
        _record_scores(latest, [change.before for change in result.changes], attempts, now)
    revision = _revision(form, proposed, latest.number + 1, reason, now, by)
    _record_scores(revision, [change.after for change in result.changes], attempts, now)
    log.record("form.rescored", by, form, revision=revision.number, reason=reason, changes=result.item_changes,
               attempts=len(attempts), passes_now=result.count("fail", "pass"),
               fails_now=result.count("pass", "fail"))
    return revision


def _revision(form, rules, number, reason, now, by):
    revision = ScoringRevision(form=form, number=number, pass_percent=rules.pass_percent, reason=reason,
                               created_at=now, created_by_id=by.user_id,
                               rules={str(form_item_id): rule.as_json() for form_item_id, rule in rules.items.items()})
    db.session.add(revision)
    return revision


def _record_scores(revision, results, attempts, now):
    db.session.add_all(
        AttemptScore(attempt=attempt, revision=revision, points=result.points, possible=result.possible,
                     outcome=result.keyed_outcome, scored_at=now,
                     domains=[{"code": d.code, "name": d.name, "points": d.points, "possible": d.possible}
                              for d in result.domains])
        for attempt, result in zip(attempts, results))
    db.session.flush()


def history(attempt):
    """The attempt's scores, oldest revision first."""
    return db.session.scalars(select(AttemptScore).join(ScoringRevision)
                              .where(AttemptScore.attempt_id == attempt.id)
                              .order_by(ScoringRevision.number)).all()


def revisions(form):
    return db.session.scalars(select(ScoringRevision).where(ScoringRevision.form_id == form.id)
                              .order_by(ScoringRevision.number.desc())).all()


def revision_scores(form, number):
    """(revision, [(score, the same attempt's score under the revision before, or None)])."""
    revision = db.session.scalar(select(ScoringRevision).where(ScoringRevision.form_id == form.id,
                                                               ScoringRevision.number == number))
    if revision is None:
        return None, []
    scores = db.session.scalars(select(AttemptScore).where(AttemptScore.revision_id == revision.id)
                                .options(selectinload(AttemptScore.attempt).selectinload(Attempt.enrollment)
                                         .selectinload(Enrollment.candidate))
                                .order_by(AttemptScore.attempt_id)).all()
    previous = {}
    if number > 0:
        previous = {score.attempt_id: score for score in db.session.scalars(
            select(AttemptScore).join(ScoringRevision)
            .where(ScoringRevision.form_id == form.id, ScoringRevision.number == number - 1))}
    return revision, [(score, previous.get(score.attempt_id)) for score in scores]
