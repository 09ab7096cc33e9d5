"""A question's HTML as the runner draws it before the candidate answers,
drawn once per form version, option order and part, and shared by every
candidate who sees it so: most of a first page's cost, paid once.

What is a candidate's own in it is the controls' name (`r` and the
response's id), put in after drawing; an item with an answer or a choice is
drawn for its page as before (`section.html` includes the kind's template).
The drawings live with the prepared form (`prepared_forms`), so they go
when it goes; a form's orders are bounded by its items' option permutations
and by its candidates.
"""

import secrets

from flask import current_app
from markupsafe import Markup

# Where the name goes: random, so that no authored text can hold it.
_NAME = f"name{secrets.token_hex(12)}"


def control_name(response_id):
    """The prefix of a question's control ids: unique on the page, the same on every page of the attempt."""
    return f"r{response_id}"


def blank(form, prepared_item, layout, answer_count, name):
    """The unanswered question `prepared_item`, laid out in `layout` (the
    option order fixed at the candidate's start), its controls named `name`."""
    key = (prepared_item.form_item_id, tuple(layout) if layout else None, answer_count)
    drawn = form.drawn.get(key)
    if drawn is None:
        item = {"kind": prepared_item.kind, "view": prepared_item.view_for(layout), "answer": None, "chosen": False}
        # The template alone, without the page's context: it draws from what it is given.
        drawn = current_app.jinja_env.get_template("item_bank/_candidate_item.html").render(
            item=item, name=_NAME, answer_count=answer_count, marking=True)
        form.drawn[key] = drawn
    return Markup(drawn.replace(_NAME, name))
