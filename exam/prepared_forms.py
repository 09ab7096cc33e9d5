"""What every candidate of a published form receives of it, prepared once:
its parts and each item's candidate view as authored.

A published form never changes (locked at publication, its item versions
immutable once on a form), so a page of the sitting adds only what is the
candidate's own (the option order fixed at their start, their answers,
flags and clock), all read from the database at every request. The views
are the kinds' `candidate_view`s, so nothing prepared holds a key, rationale
or rubric. Prepared forms are kept per application, keyed by the form's id
and publication time, the most recently used `KEPT` of them.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from extensions import db
from item_bank.kinds import ItemKind, kind_of
from item_bank.models import FormItem, FormSection, Item, ItemVersion

KEPT = 64
EXTENSION = "exam.prepared_forms"


@dataclass(frozen=True)
class PreparedItem:
    form_item_id: int
    kind: ItemKind
    view: dict  # the kind's candidate view as authored; shared by every page, never changed (`arrange` copies)

    def view_for(self, layout):
        """The view as one candidate sees it, in the option order fixed at their start."""
        return self.kind.arrange(self.view, layout)


@dataclass(frozen=True)
class PreparedSection:
    id: int
    position: int
    title: str
    instructions: str
    navigation: str
    answer_count: int | None
    time_limit_minutes: int
    item_count: int


@dataclass(frozen=True)
class PreparedForm:
    sections: tuple[PreparedSection, ...]
    items: dict  # {form item id: PreparedItem}
    drawn: dict = field(default_factory=dict)  # `drawn_items`' HTML, filled as pages are drawn

    def section(self, form_section_id):
        return next(section for section in self.sections if section.id == form_section_id)


class _Kept:
    """The prepared forms of one application: a small LRU, shared by its threads."""

    def __init__(self):
        self.forms = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            form = self.forms.get(key)
            if form is not None:
                self.forms.move_to_end(key)
            return form

    def put(self, key, form):
        with self.lock:
            self.forms[key] = form
            while len(self.forms) > KEPT:
                self.forms.popitem(last=False)


def _kept():
    return current_app.extensions.setdefault(EXTENSION, _Kept())


def prepared(form):
    """The published `form` as its candidates receive it: built in two queries the first time, then from memory."""
    key = (form.id, form.published_at)
    kept = _kept()
    found = kept.get(key)
    if found is None:
        found = _prepare(form.id)
        kept.put(key, found)
    return found


def forget():
    """Drop every prepared form of the application (tests roll back forms and reuse their ids)."""
    current_app.extensions.pop(EXTENSION, None)


def _prepare(form_id):
    sections = db.session.scalars(select(FormSection).where(FormSection.form_id == form_id)
                                  .order_by(FormSection.position)).all()
    rows = db.session.execute(
        select(FormItem.id, FormItem.section_id, Item.kind, ItemVersion.content)
        .join(ItemVersion, ItemVersion.id == FormItem.item_version_id).join(Item, Item.id == ItemVersion.item_id)
        .join(FormSection, FormSection.id == FormItem.section_id).where(FormSection.form_id == form_id)
    ).all()
    items = {row.id: PreparedItem(row.id, kind_of(row.kind), kind_of(row.kind).candidate_view(row.content))
             for row in rows}
    counts = {section.id: sum(1 for row in rows if row.section_id == section.id) for section in sections}
    return PreparedForm(
        sections=tuple(PreparedSection(section.id, section.position, section.title, section.instructions,
                                       section.navigation, section.answer_count, section.time_limit_minutes,
                                       counts[section.id]) for section in sections),
        items=items,
    )
