"""The shipped kinds judge every answer: its shape (no field they do not ask for), its size (in the
characters the kind means) and its text (none that no database keeps or no page can show)."""

import pytest
from flask import render_template

from item_bank.kinds import KINDS
from item_bank.kinds.base import INVALID_CHARACTER, UNKNOWN_FIELDS
from item_bank.kinds.constructed_response import MAX_TEXT, TOO_LONG, WRONG_TEXTS
from item_bank.kinds.selected_response import NOT_AN_OPTION
from tests.item_bank_fixtures import cr_content, sr_content

SELECTED = KINDS["selected_response"]
CONSTRUCTED = KINDS["constructed_response"]
LAYOUT = ["A", "B", "C", "D"]
TWO_PROMPTS = cr_content(prompts=("What do you notice?", "What would you do?"))


def selected(answer):
    refused = SELECTED.refusal(SELECTED.normalise(sr_content()), LAYOUT, answer)
    return refused and refused.code


def constructed(*texts, **more):
    refused = CONSTRUCTED.refusal(TWO_PROMPTS, None, {"texts": list(texts), **more})
    return refused and refused.code


@pytest.mark.parametrize("answer, code", [
    ({"option": "B"}, None),
    ({"option": "B", "note": "kept unchecked before"}, UNKNOWN_FIELDS),
    ({"option": "B", "option2": "C"}, UNKNOWN_FIELDS),
    ({"option": "Z", "note": "x"}, NOT_AN_OPTION),
    ("B", NOT_AN_OPTION),
])
def test_a_selected_response_answer_is_the_option_and_nothing_more(answer, code):
    assert selected(answer) == code


def test_a_refusal_names_the_fields_it_does_not_ask_for():
    refused = SELECTED.refusal(SELECTED.normalise(sr_content()), LAYOUT, {"option": "B", "why": 1, "\ud800": 2})

    assert refused.reason == "has fields this item does not ask for: 'why', '\\ud800'"


@pytest.mark.parametrize("texts, more, code", [
    (("one", "two"), {}, None),
    (("one", "two"), {"draft": "hidden"}, UNKNOWN_FIELDS),
    (("one",), {}, WRONG_TEXTS),
    (("one", "half a pair \ud83d"), {}, INVALID_CHARACTER),
    (("\udc00", "two"), {}, INVALID_CHARACTER),
    (("nul \x00", "two"), {}, INVALID_CHARACTER),
    (("x" * (MAX_TEXT + 1), "two"), {}, TOO_LONG),
])
def test_a_constructed_response_answer_is_one_storable_text_per_prompt(texts, more, code):
    assert constructed(*texts, **more) == code


@pytest.mark.parametrize("character", ["x", "é", "€", "😀"])
def test_a_text_may_hold_the_limit_in_characters_whatever_their_bytes(character):
    # An emoji is one character, two UTF-16 units and four UTF-8 bytes: the limit counts characters.
    assert constructed(character * MAX_TEXT, "") is None
    assert constructed(character * (MAX_TEXT + 1), "") == TOO_LONG


def test_the_candidates_textarea_stops_at_the_limit_the_kind_checks(app):
    item = {"kind": CONSTRUCTED, "view": CONSTRUCTED.candidate_view(TWO_PROMPTS), "answer": None, "chosen": False}
    with app.test_request_context():
        page = render_template(CONSTRUCTED.candidate_template, item=item, name="q-1", answer_count=None)

    # maxlength counts UTF-16 units, one or two per character: what it lets through is never too long.
    assert page.count(f'maxlength="{MAX_TEXT}"') == 2
