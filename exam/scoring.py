"""Scoring an attempt's selected-response items by key: raw, percent, per
domain, and the outcome against the form's pass mark. Rated (vignette) parts
stay pending until raters have scored them."""

from dataclasses import dataclass, field

from item_bank.kinds import kind_of


@dataclass
class DomainResult:
    code: str
    name: str
    correct: int = 0
    total: int = 0

    @property
    def percent(self):
        return round(100 * self.correct / self.total, 1) if self.total else None


@dataclass
class AttemptResult:
    correct: int
    total: int
    pass_percent: float
    domains: list = field(default_factory=list)
    rated_pending: int = 0

    @property
    def percent(self):
        return round(100 * self.correct / self.total, 1) if self.total else None

    @property
    def outcome(self):
        if self.rated_pending:
            return "pending"
        return "pass" if self.percent is not None and self.percent >= self.pass_percent else "fail"


def score_attempt(attempt):
    domains = {}
    correct = total = pending = 0
    for response in attempt.responses:
        version = response.form_item.item_version
        if kind_of(version.item.kind).rated:
            # Raters score these; until they have, the outcome waits for them.
            pending += 1
            continue
        domain = version.primary_domain
        result = domains.setdefault(domain.code, DomainResult(domain.code, domain.name))
        right = bool(response.answer) and response.answer.get("option") in version.content["key"]
        result.total += 1
        result.correct += right
        total += 1
        correct += right
    ordered = sorted(domains.values(), key=lambda d: d.code)
    return AttemptResult(correct, total, attempt.session.form.pass_percent, ordered, pending)
