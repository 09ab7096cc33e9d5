"""Scoring an attempt's selected-response items by key: points, percent, per
domain, and the outcome against the pass mark. Rated (vignette) parts stay
pending until raters have scored them.

Scoring follows `Rules`: the form's original keys, or a scoring revision's
corrected keys, weights, dropped items and pass mark (`exam/rescoring.py`).
"""

from dataclasses import dataclass, field

from sqlalchemy import select

from exam.models import ScoringRevision
from extensions import db
from item_bank.kinds import kind_of


@dataclass(frozen=True)
class ItemRule:
    keys: tuple  # option ids that score
    weight: float = 1.0
    dropped: bool = False

    def as_json(self):
        return {"keys": list(self.keys), "weight": self.weight, "dropped": self.dropped}


@dataclass(frozen=True)
class Rules:
    items: dict  # form_item_id -> ItemRule, selected-response items only
    pass_percent: float


def original_rules(form):
    """The keys the form was published with, every weight 1, nothing dropped."""
    items = {}
    for form_item in form.form_items:
        version = form_item.item_version
        if not kind_of(version.item.kind).rated:
            items[form_item.id] = ItemRule(tuple(version.content["key"]))
    return Rules(items, form.pass_percent)


def rules_of(revision):
    items = {int(form_item_id): ItemRule(tuple(rule["keys"]), rule["weight"], rule["dropped"])
             for form_item_id, rule in revision.rules.items()}
    return Rules(items, revision.pass_percent)


def latest_revision(form):
    return db.session.scalar(select(ScoringRevision).where(ScoringRevision.form_id == form.id)
                             .order_by(ScoringRevision.number.desc()).limit(1))


def current_rules(form):
    revision = latest_revision(form)
    return rules_of(revision) if revision else original_rules(form)


@dataclass
class DomainResult:
    code: str
    name: str
    points: float = 0.0
    possible: float = 0.0

    @property
    def percent(self):
        return round(100 * self.points / self.possible, 1) if self.possible else None


@dataclass
class AttemptResult:
    points: float
    possible: float
    pass_percent: float
    domains: list = field(default_factory=list)
    rated_pending: int = 0

    @property
    def percent(self):
        return round(100 * self.points / self.possible, 1) if self.possible else None

    @property
    def keyed_outcome(self):
        """Pass or fail on the items scored by key, whatever raters have yet to score."""
        # Compared unrounded, and exactly: 48 of 60 is 80%, not 79.99...
        return "pass" if self.possible and self.points * 100 >= self.pass_percent * self.possible - 1e-9 else "fail"

    @property
    def outcome(self):
        return "pending" if self.rated_pending else self.keyed_outcome


def score_attempt(attempt, rules=None):
    rules = rules or original_rules(attempt.session.form)
    domains = {}
    points = possible = 0.0
    pending = 0
    for response in attempt.responses:
        version = response.form_item.item_version
        if kind_of(version.item.kind).rated:
            # Raters score these; until they have, the outcome waits for them.
            pending += 1
            continue
        rule = rules.items[response.form_item_id]
        if rule.dropped:
            continue
        domain = version.primary_domain
        result = domains.setdefault(domain.code, DomainResult(domain.code, domain.name))
        right = bool(response.answer) and response.answer.get("option") in rule.keys
        result.possible += rule.weight
        result.points += rule.weight * right
        possible += rule.weight
        points += rule.weight * right
    ordered = sorted(domains.values(), key=lambda d: d.code)
    return AttemptResult(points, possible, rules.pass_percent, ordered, pending)
