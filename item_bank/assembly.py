"""Forms from blueprints: assembly, checking against the blueprint, hand swaps, publishing.

Assembly picks, for each blueprint row, approved items of the row's domain and
kind that are not over the exposure limit, never two enemies on one form,
spread over the difficulty range where statistics exist, and, across parallel
forms built together, items the sibling forms have not used first.
"""

import random
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select

from audit import log
from clock import utcnow
from extensions import db
from item_bank.items import enemy_pairs
from item_bank.models import MAX_BREAK_MINUTES, Form, FormItem, FormSection, FormStatus, Item, ItemVersion, Status


class AssemblyError(ValueError):
    pass


@dataclass(frozen=True)
class RowCheck:
    section: str
    domain: str
    kind: str
    required: int
    actual: int

    @property
    def met(self):
        return self.required == self.actual


@dataclass
class FormCheck:
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def publishable(self):
        return not self.problems


def exposure_counts():
    """How many published forms hold each item (any version): {item id: count}."""
    rows = db.session.execute(
        select(ItemVersion.item_id, func.count(func.distinct(Form.id)))
        .join(FormItem, FormItem.item_version_id == ItemVersion.id)
        .join(FormSection, FormItem.section_id == FormSection.id)
        .join(Form, FormSection.form_id == Form.id)
        .where(Form.status == FormStatus.PUBLISHED.value)
        .group_by(ItemVersion.item_id)
    )
    return dict(rows.all())


def _approved_versions(domain_id, kind):
    return db.session.scalars(
        select(ItemVersion)
        .join(Item)
        .where(ItemVersion.status == Status.APPROVED.value, ItemVersion.primary_domain_id == domain_id, Item.kind == kind)
        .order_by(Item.identifier)
    ).all()


def _spread(candidates, count, rng):
    """`count` candidates evenly over the difficulty range; unknown difficulty
    falls at random within it."""
    keyed = sorted(candidates, key=lambda v: v.difficulty if v.difficulty is not None else rng.random())
    step = len(keyed) / count
    return [keyed[int(step * (index + 0.5))] for index in range(count)]


ATTEMPTS = 50


def _pick(row, pool, picked_items, enemies, used, count, rng):
    """Choose `count` versions for one blueprint row; raises AssemblyError when too few qualify."""

    def clashes(version, chosen_ids):
        return any(frozenset((version.item_id, other)) in enemies for other in chosen_ids)

    allowed = [v for v in pool if v.item_id not in picked_items and not clashes(v, picked_items)]
    if len(allowed) < count:
        raise AssemblyError(
            f"{row.section.title}: {row.domain.code} {row.kind} needs {count} items, "
            f"only {len(allowed)} approved items qualify (not over the exposure limit, no enemy on the form)"
        )
    # Items unused by sibling forms first; then the least used.
    by_use = sorted(allowed, key=lambda version: used[version.item_id])
    threshold = used[by_use[count - 1].item_id]
    preferred = [version for version in by_use if used[version.item_id] <= threshold]
    rest = [version for version in by_use if used[version.item_id] > threshold]
    # Greedy over the spread picks, then the others; enemies within the row can
    # make a greedy order fail, so retry in other orders before giving up.
    for _ in range(ATTEMPTS):
        spread = _spread(preferred, count, rng)
        others = [v for v in preferred if v not in spread]
        rng.shuffle(others)
        chosen, chosen_ids = [], set(picked_items)
        for version in [*spread, *others, *rest]:
            if not clashes(version, chosen_ids):
                chosen.append(version)
                chosen_ids.add(version.item_id)
            if len(chosen) == count:
                return chosen
        rng.shuffle(preferred)
    raise AssemblyError(
        f"{row.section.title}: {row.domain.code} {row.kind} needs {count} items that are not each other's enemies"
    )


def assemble_forms(blueprint, codes, by, *, name=None, seed=None, exposure_limit=None, pass_percent=80.0):
    """Build one draft form per code from the blueprint, in parallel."""
    rng = random.Random(seed)
    enemies = enemy_pairs()
    exposure = exposure_counts()
    used = Counter()
    forms = []
    for code in codes:
        if db.session.scalar(select(Form.id).where(Form.code == code)) is not None:
            raise AssemblyError(f"a form with the code {code} already exists")
        form = Form(code=code, name=f"{name or blueprint.name} ({code})", blueprint=blueprint,
                    pass_percent=pass_percent)
        picked_items = set()
        for blueprint_section in blueprint.sections:
            section = FormSection(
                position=blueprint_section.position, blueprint_section=blueprint_section,
                title=blueprint_section.title, instructions=blueprint_section.instructions,
                time_limit_minutes=blueprint_section.time_limit_minutes, navigation=blueprint_section.navigation,
                answer_count=blueprint_section.answer_count,
            )
            versions = []
            for row in blueprint_section.rows:
                pool = [
                    version for version in _approved_versions(row.domain_id, row.kind)
                    if exposure_limit is None or exposure.get(version.item_id, 0) < exposure_limit
                ]
                chosen = _pick(row, pool, picked_items, enemies, used, row.item_count, rng)
                picked_items.update(version.item_id for version in chosen)
                versions += chosen
            rng.shuffle(versions)
            section.form_items = [FormItem(position=index, item_version=v) for index, v in enumerate(versions, 1)]
            form.sections.append(section)
        used.update(picked_items)
        db.session.add(form)
        db.session.flush()
        log.record("form.assembled", by, form, blueprint=blueprint.name, seed=seed)
        forms.append(form)
    return forms


def check_form(form):
    """How the form meets its blueprint, row by row, and everything that stops publishing."""
    check = FormCheck()
    enemies = enemy_pairs()
    item_ids = Counter(form_item.item_version.item_id for form_item in form.form_items)
    for section in form.sections:
        counts = Counter(
            (fi.item_version.primary_domain_id, fi.item_version.item.kind) for fi in section.form_items
        )
        rows = section.blueprint_section.rows if section.blueprint_section else []
        for row in rows:
            actual = counts.pop((row.domain_id, row.kind), 0)
            row_check = RowCheck(section.title, row.domain.code, row.kind, row.item_count, actual)
            check.rows.append(row_check)
            if not row_check.met:
                check.problems.append(
                    f"{section.title}: {row.domain.code} {row.kind} has {actual} items, the blueprint asks for {row.item_count}"
                )
        for (domain_id, kind), actual in counts.items():
            if section.blueprint_section is not None:
                check.problems.append(f"{section.title}: {actual} {kind} items from a domain the blueprint does not ask for")
        if section.answer_count is not None and section.answer_count > len(section.form_items):
            check.problems.append(
                f"{section.title}: candidates answer {section.answer_count} but the section has {len(section.form_items)} items"
            )
        if not section.form_items:
            check.problems.append(f"{section.title}: has no items")
    for form_item in form.form_items:
        version = form_item.item_version
        if version.status != Status.APPROVED and not form.published:
            check.problems.append(f"{version.item.identifier} v{version.number} is {version.status}, not approved")
    for item_id, count in item_ids.items():
        if count > 1:
            identifier = db.session.get(Item, item_id).identifier
            check.problems.append(f"{identifier} is on the form {count} times")
    on_form = list(item_ids)
    for index, first in enumerate(on_form):
        for second in on_form[index + 1:]:
            if frozenset((first, second)) in enemies:
                names = sorted(db.session.get(Item, item_id).identifier for item_id in (first, second))
                check.problems.append(f"enemies {names[0]} and {names[1]} are both on the form")
    return check


def _require_draft(form):
    if form.published:
        raise AssemblyError(f"form {form.code} is published and locked")


def swap_item(form_item, replacement, by):
    """Put another approved version in a form item's place, by hand."""
    form = form_item.section.form
    _require_draft(form)
    if replacement.status != Status.APPROVED:
        raise AssemblyError(f"{replacement.item.identifier} v{replacement.number} is not approved")
    if replacement.item.kind != form_item.item_version.item.kind:
        raise AssemblyError("a replacement must be of the same kind")
    if any(fi.item_version.item_id == replacement.item_id for fi in form.form_items if fi is not form_item):
        raise AssemblyError(f"{replacement.item.identifier} is already on the form")
    before = form_item.item_version
    form_item.item_version = replacement
    db.session.flush()
    log.record(
        "form.item_swapped", by, form, position=form_item.position, section=form_item.section.title,
        before=f"{before.item.identifier} v{before.number}", after=f"{replacement.item.identifier} v{replacement.number}",
    )
    return form_item


def replacements_for(form_item):
    """Approved versions that could take this place: same kind and primary domain, not on the form."""
    version = form_item.item_version
    on_form = {fi.item_version.item_id for fi in form_item.section.form.form_items}
    return [
        candidate for candidate in _approved_versions(version.primary_domain_id, version.item.kind)
        if candidate.item_id not in on_form
    ]


def set_break(form, minutes, by):
    """Set the break candidates may take after each part but the last (0: none).
    Only on a draft: like its parts' times, it is the same for every candidate
    of a published form."""
    _require_draft(form)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 <= minutes <= MAX_BREAK_MINUTES:
        raise AssemblyError(f"a break is a whole number of minutes from 0 to {MAX_BREAK_MINUTES}")
    before = form.break_minutes
    if minutes != before:
        form.break_minutes = minutes
        db.session.flush()
        log.record("form.break_changed", by, form, before=before, after=minutes)
    return form


def publish_form(form, by):
    """Lock the form for delivery; refused, with the reasons, while it does not meet its blueprint."""
    _require_draft(form)
    check = check_form(form)
    if not check.publishable:
        raise AssemblyError("cannot publish: " + "; ".join(check.problems))
    form.status = FormStatus.PUBLISHED.value
    form.published_at = utcnow()
    form.published_by_id = by.user_id
    db.session.flush()
    log.record("form.published", by, form, code=form.code)
    return form
