"""An unanswered question drawn once per form version, option order and part
(exam/drawn_items.py) is exactly what the kind's template draws for it, with
each candidate's own control names."""

import pytest
from flask import render_template_string

from exam import drawn_items, prepared_forms

pytestmark = pytest.mark.built_once

INCLUDED = '{% include "item_bank/_candidate_item.html" %}'


def included(prepared_item, layout, answer_count, name):
    item = {"kind": prepared_item.kind, "view": prepared_item.view_for(layout), "answer": None, "chosen": False}
    return render_template_string(INCLUDED, item=item, name=name, answer_count=answer_count, marking=True)


def layouts(prepared_item):
    options = [option["id"] for option in prepared_item.view.get("options", [])]
    return [options, options[::-1]] if options else [None]


def test_a_drawn_question_is_the_kinds_template_with_the_candidates_names(app, exam_form):
    form = prepared_forms.prepared(exam_form)
    with app.test_request_context():
        for item in form.items.values():
            for layout in layouts(item):
                for answer_count in (None, 1):
                    for name in ("r41", "r42"):  # the second drawn from the first's drawing
                        drawn = drawn_items.blank(form, item, layout, answer_count, name)
                        assert str(drawn) == included(item, layout, answer_count, name)


def test_each_option_order_is_drawn_as_its_own(app, exam_form):
    form = prepared_forms.prepared(exam_form)
    item = next(item for item in form.items.values() if item.view.get("options"))
    authored, reversed_ = layouts(item)
    with app.test_request_context():
        first = str(drawn_items.blank(form, item, authored, None, "r1"))
        second = str(drawn_items.blank(form, item, reversed_, None, "r1"))

    def order(html):
        return [html.index(f'value="{option}"') for option in authored]

    assert order(first) == sorted(order(first)) and order(second) == sorted(order(second), reverse=True)
