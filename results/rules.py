"""The scoring rules of a form's keyed part: per keyed item its
keys, weight and whether it is dropped, and the pass mark. A form starts on
the keys it was published with; each rescoring (`results/rescoring.py`)
stores its rules as a `ScoringRevision`, and the latest one is current."""

from dataclasses import dataclass

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
    items: dict  # form_item_id -> ItemRule, keyed items only
    pass_percent: float


def original_rules(form):
    """The keys the form was published with, every weight 1, nothing dropped."""
    items = {}
    for form_item in form.form_items:
        version = form_item.item_version
        kind = kind_of(version.item.kind)
        if not kind.rated:
            items[form_item.id] = ItemRule(tuple(kind.key(version.content)))
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
