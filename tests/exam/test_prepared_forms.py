"""Published forms prepared once for all their candidates: candidate views only, kept per publication."""

from datetime import timedelta

import pytest

from exam import prepared_forms
from item_bank.models import FormItem

pytestmark = pytest.mark.built_once

HIDDEN = {"key", "rationale", "references", "rubric"}


def test_a_prepared_form_holds_its_parts_and_the_candidate_view_of_each_item_only(exam_form, db):
    form = prepared_forms.prepared(exam_form)

    assert [(part.title, part.item_count, part.answer_count) for part in form.sections] == [
        ("Part One", 3, None), ("Part Two", 2, 1)]
    assert len(form.items) == 5
    for item in form.items.values():
        content = db.session.get(FormItem, item.form_item_id).item_version.content
        assert item.view == item.kind.candidate_view(content)
        assert not HIDDEN & set(item.view) and HIDDEN & set(content)


def test_a_form_is_prepared_once_per_publication(exam_form, db):
    first = prepared_forms.prepared(exam_form)
    assert prepared_forms.prepared(exam_form) is first

    exam_form.published_at += timedelta(seconds=1)

    assert prepared_forms.prepared(exam_form) is not first


def test_only_the_most_recently_used_forms_are_kept(exam_form, db, monkeypatch):
    monkeypatch.setattr(prepared_forms, "KEPT", 0)

    assert prepared_forms.prepared(exam_form) is not prepared_forms.prepared(exam_form)
