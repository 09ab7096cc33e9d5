"""A kind is one class and its templates: a true/false kind, defined here
only, is written, assembled onto a form, shown to a candidate, answered
through the runner's save endpoint and scored by key, without any other
module knowing its name."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask import render_template
from jinja2 import ChoiceLoader, DictLoader

from clock import utcnow
from exam import delivery, sessions
from exam.codes import ack_codes
from exam.models import Attempt
from item_bank import items as item_service
from item_bank.assembly import assemble_forms, publish_form
from item_bank.items import ItemError
from item_bank.kinds import KINDS, AnswerRefused, ContentError, ItemKind, kind_of
from results.keyed import score_attempt, score_attempts
from tests.conftest import sign_in
from tests.exam_fixtures import BY

TEMPLATE = "item_bank/kinds/true_false/candidate.html"
NEITHER = "neither_true_nor_false"  # the kind's own code for an answer it refuses


@pytest.fixture
def true_false(app):
    """Registers the kind for one test, with its candidate template, and takes both away after."""

    class TrueFalse(ItemKind):
        name = "true_false"
        label = "True or false"
        new_label = "New true or false"
        identifier_prefix = "TF"
        candidate_template = TEMPLATE
        answer_codes = (NEITHER,)

        def validate(self, content):
            errors = []
            if not str(content.get("statement", "")).strip():
                errors.append(ContentError("statement", "statement is required"))
            if not isinstance(content.get("true"), bool):
                errors.append(ContentError("true", "must say whether the statement is true"))
            return errors

        def candidate_view(self, content, layout=None):
            return {"statement": content["statement"]}

        def max_points(self, content):
            return 1

        def summary(self, content):
            return content.get("statement", "")

        def search_text(self, content):
            return content.get("statement", "")

        def refusal(self, content, layout, answer):
            if not isinstance(answer, dict) or not isinstance(answer.get("value"), bool):
                return AnswerRefused(NEITHER, "must be true or false")
            return None

        def answered(self, answer):
            return bool(answer) and "value" in answer

        def choices(self, content):
            return ["true", "false"]

        def key(self, content):
            return ["true" if content["true"] else "false"]

        def choice(self, answer):
            return None if not answer else ("true" if answer["value"] else "false")

    loader = app.jinja_env.loader
    app.jinja_env.loader = ChoiceLoader([DictLoader({TEMPLATE: (
        '<p class="statement">{{ item.view.statement }}</p>'
        '<input type="radio" name="{{ name }}" value="true" data-field="answer" data-part="value">'
    )}), loader])
    yield KINDS["true_false"]
    app.jinja_env.loader = loader
    del KINDS["true_false"]


def test_subclassing_registers_the_kind(true_false):
    assert kind_of("true_false") is true_false


def test_its_content_is_checked_naming_the_field(true_false, writer, domains):
    with pytest.raises(ItemError) as error:
        item_service.create_item("true_false", {"statement": "Infants signal.", "true": "yes"}, writer,
                                 primary_domain=domains["TF"])

    assert error.value.field == "true"


def test_an_item_of_the_kind_is_written_with_its_own_identifier(true_false, writer, domains):
    item = item_service.create_item("true_false", {"statement": "Infants signal.", "true": True}, writer,
                                    primary_domain=domains["TF"])

    assert item.identifier.startswith("TF-")
    assert item.latest.search_text == "infants signal."


def test_a_candidate_sees_it_through_its_own_template(true_false, app):
    item = {"kind": true_false, "view": true_false.candidate_view({"statement": "Infants signal.", "true": True}),
            "answer": None, "chosen": False}
    with app.test_request_context():
        page = render_template("item_bank/_candidate_item.html", item=item, name="r1", answer_count=None)

    assert '<p class="statement">Infants signal.</p>' in page
    assert 'data-part="value"' in page


@pytest.mark.parametrize("answer, code", [({"value": True}, None), ({"value": "yes"}, NEITHER), ("true", NEITHER)])
def test_answers_are_accepted_or_refused_with_the_kinds_own_code(true_false, answer, code):
    refused = true_false.refusal({"statement": "s", "true": True}, None, answer)

    assert (refused and refused.code) == code
    assert NEITHER in ack_codes()  # what the acknowledgements and the OpenAPI document may carry


def test_it_says_whether_a_response_is_answered(true_false):
    assert true_false.answered({"value": False})
    assert not true_false.answered(None)


def test_it_is_scored_by_key_with_the_other_keyed_items(true_false):
    domain = SimpleNamespace(code="TF", name="Theory")
    form_items = [
        SimpleNamespace(id=1, item_version=SimpleNamespace(item=SimpleNamespace(kind="true_false"),
                                                           content={"statement": "s", "true": True},
                                                           primary_domain=domain)),
        SimpleNamespace(id=2, item_version=SimpleNamespace(item=SimpleNamespace(kind="true_false"),
                                                           content={"statement": "t", "true": False},
                                                           primary_domain=domain)),
    ]
    form = SimpleNamespace(form_items=form_items, pass_percent=50.0)

    def attempt(attempt_id, *values):
        responses = [SimpleNamespace(form_item_id=form_item.id, form_item=form_item, answer={"value": value})
                     for form_item, value in zip(form_items, values)]
        candidate = SimpleNamespace(email=f"c{attempt_id}@example.org", name=f"C{attempt_id}")
        return SimpleNamespace(id=attempt_id, responses=responses, enrollment=SimpleNamespace(candidate=candidate))

    both, one, none = score_attempts(form, [attempt(1, True, False), attempt(2, True, True), attempt(3, False, True)])

    assert [(result.points, result.possible) for result in (both, one, none)] == [(2.0, 2.0), (1.0, 2.0), (0.0, 2.0)]
    assert (both.outcome, none.outcome) == ("pass", "fail")
    assert both.domains[0].code == "TF" and both.rated_pending == 0


def test_a_candidate_sits_and_is_scored_on_items_of_the_kind_through_the_app(true_false, make_item, make_blueprint,
                                                                               create_user, client, db):
    for statement, true in (("Infants signal.", True), ("Toddlers never protest.", False)):
        make_item(kind="true_false", content={"statement": statement, "true": true})
    blueprint = make_blueprint([{"title": "Part One", "time_limit_minutes": 10,
                                 "rows": [{"domain": "TF", "kind": "true_false", "count": 2}]}])
    (form,) = assemble_forms(blueprint, ["TF-FORM"], BY, seed=3)
    publish_form(form, BY)
    now = utcnow()
    session = sessions.create_session("True or false", form, now - timedelta(hours=1), now + timedelta(hours=2),
                                      "online", "TRUTH", 30, BY)
    candidate = create_user("candidate")
    sessions.enroll(session, candidate, BY)
    attempt = delivery.join(session, candidate.id, "TRUTH", now, BY)
    delivery.agree(attempt, now, BY)
    db.session.commit()
    sign_in(client, candidate.email)
    statements = {response.id: response.form_item.item_version.content["statement"] for response in attempt.responses}

    page = client.get(f"/exam/attempts/{attempt.id}").get_data(as_text=True)
    base = client.post(f"/exam/attempts/{attempt.id}/claim", json={"tab": "t"}).get_json()["seq_base"]
    acks = client.post(f"/exam/attempts/{attempt.id}/saves", json={"tab": "t", "saves": [
        {"seq": base + 1 + index, "response": response_id, "field": "answer", "value": {"value": True}}
        for index, response_id in enumerate(statements)] + [
        {"seq": base + 3, "response": next(iter(statements)), "field": "answer", "value": {"value": "yes"}}]}
    ).get_json()["acks"]

    assert all(f'<p class="statement">{statement}</p>' in page for statement in statements.values())
    assert [ack["code"] for ack in acks] == ["saved", "saved", NEITHER]
    db.session.expire_all()
    result = score_attempt(db.session.get(Attempt, attempt.id))
    assert (result.points, result.possible, result.outcome) == (1.0, 2.0, "fail")  # the blueprint's 80%
