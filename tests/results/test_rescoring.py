"""Key review and rescoring as services: the original scoring, proposals refused
in sentences, the preview of whose pass/fail changes, revisions with every
attempt's score kept, history the database will not let anyone edit, and
rescored results reaching candidates only when released again.

The helpers at the top (a one-part form, candidates sitting it with chosen
answers) are shared with the other tests of this package."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from audit.models import AuditEntry
from exam import delivery, saving, sessions
from exam.models import AttemptScore, AttemptStatus, ScoringRevision
from item_bank.assembly import assemble_forms, publish_form
from results import exam_result, release, rescoring
from results.keyed import score_attempt
from results.rules import original_rules
from tests.exam_fixtures import BY, T0
from tests.item_bank_fixtures import sr_content

# Shared helpers ------------------------------------------------------------


def sr_items(form):
    """The form's selected-response FormItems, in form order."""
    return [form_item for form_item in form.form_items if form_item.item_version.item.kind == "selected_response"]


def keys_of(form):
    """The published key of each selected-response question, in form order."""
    return [form_item.item_version.content["key"][0] for form_item in sr_items(form)]


def wrong(key):
    """A wrong option other than D, which no test here ever makes a key."""
    return next(letter for letter in "ABC" if letter != key)


def one_part_session(make_item, make_blueprint, db):
    """A session of a published one-part form: 3 selected-response items
    keyed A, B and C, pass mark 80%, nothing rated, so outcomes are pass or fail."""
    for key in "ABC":
        make_item(domain="TF", content=sr_content(stem=f"One-part question keyed {key}?", key=key))
    blueprint = make_blueprint([{"title": "Part One", "time_limit_minutes": 10,
                                 "rows": [{"domain": "TF", "kind": "selected_response", "count": 3}]}],
                               name="One-part blueprint")
    (form,) = assemble_forms(blueprint, ["EXAM-S"], BY, seed=7)
    publish_form(form, BY)
    session = sessions.create_session("One-part sitting", form, T0 - timedelta(hours=1), T0 + timedelta(hours=8),
                                      "Room 2", "SIT123", 30, BY)
    db.session.commit()
    assert sorted(keys_of(form)) == ["A", "B", "C"] and form.pass_percent == 80
    return session


def sitter(create_user, db):
    """sit(session, answers, name=None, email=None): a new candidate sits the
    session's form and submits. `answers` has one mark per selected-response
    question in form order: "+" its key, "x" a wrong option (not D), "-"
    omitted, or an option letter as is."""

    def sit(session, answers, name=None, email=None):
        candidate = create_user("candidate", name=name, email=email)
        sessions.enroll(session, candidate, BY)
        attempt = delivery.join(session, candidate.id, "SIT123", T0, BY)
        delivery.agree(attempt, T0, BY)
        saving.claim(attempt, "t", T0, BY)
        response_of = {response.form_item_id: response.id for response in attempt.responses}
        entries = []
        for form_item, mark in zip(sr_items(session.form), answers, strict=True):
            key = form_item.item_version.content["key"][0]
            option = {"+": key, "x": wrong(key), "-": None}.get(mark, mark)
            if option is not None:
                entries.append({"seq": len(entries) + 1, "response": response_of[form_item.id], "field": "answer",
                                "value": {"option": option}})
        acks = saving.save(attempt, entries, "t", T0, BY)
        assert [ack.status for ack in acks] == ["saved"] * len(entries)
        for section in session.form.sections:
            delivery.finish_section(attempt, section.position, T0, BY)
        assert attempt.status == AttemptStatus.SUBMITTED
        db.session.commit()
        return attempt

    return sit


def released(attempt):
    """The keyed part of the result the candidate sees."""
    return exam_result.released_result(attempt).keyed


def proposal(form, **changes):
    """The form's original rules as a propose() argument, with
    changes={question number: (keys, weight, dropped)} applied."""
    items = {form_item_id: (list(rule.keys), rule.weight, rule.dropped)
             for form_item_id, rule in original_rules(form).items.items()}
    for question, rule in changes.items():
        items[sr_items(form)[int(question[1:]) - 1].id] = rule
    return items


def history_rows(db):
    return (db.session.scalar(select(func.count()).select_from(ScoringRevision)),
            db.session.scalar(select(func.count()).select_from(AttemptScore)))


# Fixtures ------------------------------------------------------------------


@pytest.fixture
def sr_session(make_item, make_blueprint, db):
    return one_part_session(make_item, make_blueprint, db)


@pytest.fixture
def sit(create_user, db):
    return sitter(create_user, db)


# Tests ---------------------------------------------------------------------


def test_the_original_keys_pass_three_of_three_and_fail_two_of_three(exam_session, sit):
    full, two = sit(exam_session, "+++"), sit(exam_session, "++x")

    full_result, two_result = score_attempt(full), score_attempt(two)

    assert (full_result.points, full_result.possible, full_result.percent) == (3, 3, 100)
    assert (two_result.points, two_result.possible, two_result.percent) == (2, 3, 66.7)
    assert (full_result.keyed_outcome, two_result.keyed_outcome) == ("pass", "fail")
    # The vignette part is the raters': the overall outcome waits for them.
    assert (full_result.outcome, two_result.outcome) == ("pending", "pending")


def test_a_form_without_a_rated_part_passes_or_fails_outright(sr_session, sit):
    full, two = sit(sr_session, "+++"), sit(sr_session, "++x")

    assert (score_attempt(full).outcome, score_attempt(two).outcome) == ("pass", "fail")


REFUSALS = [
    ({"q1": (["E"], 1.0, False)}, 80, "Part One, question 1 ({q1}): E is not one of its options (A, B, C, D)"),
    ({"q2": ([], 1.0, False)}, 80, "Part One, question 2 ({q2}): give at least one key, or drop the item"),
    ({"q3": (["C"], 0.0, False)}, 80, "Part One, question 3 ({q3}): the weight must be above 0 and at most 10"),
    ({"q3": (["C"], 10.5, False)}, 80, "Part One, question 3 ({q3}): the weight must be above 0 and at most 10"),
    ({"q1": ([], 1.0, True), "q2": ([], 1.0, True), "q3": ([], 1.0, True)}, 80,
     "every item would be dropped; keep at least one"),
    ({}, 0, "the pass mark must be above 0% and at most 100%"),
    ({}, 100.5, "the pass mark must be above 0% and at most 100%"),
]


@pytest.mark.parametrize("changes, pass_percent, message", REFUSALS,
                         ids=["unknown option", "no key", "weight 0", "weight 10.5", "all dropped", "pass mark 0",
                              "pass mark 100.5"])
def test_propose_refuses_in_a_sentence_naming_the_question(exam_session, sit, db, changes, pass_percent, message):
    sit(exam_session, "+++")
    form = exam_session.form

    with pytest.raises(rescoring.RescoringRefused) as refusal:
        rescoring.propose(form, proposal(form, **changes), pass_percent)

    codes = {f"q{number}": form_item.item_version.item.identifier
             for number, form_item in enumerate(sr_items(form), start=1)}
    assert str(refusal.value) == message.format(**codes)
    assert history_rows(db) == (0, 0)


def test_rescore_refuses_without_a_reason_or_without_a_change(exam_session, sit, db):
    sit(exam_session, "++D")
    form = exam_session.form
    changed = rescoring.propose(form, proposal(form, q3=([keys_of(form)[2], "D"], 1.0, False)), 80)
    unchanged = rescoring.propose(form, proposal(form), 80)

    with pytest.raises(rescoring.RescoringRefused, match="give the reason for rescoring"):
        rescoring.rescore(form, changed, "   ", T0, BY)
    with pytest.raises(rescoring.RescoringRefused, match="the proposal is the form's current scoring"):
        rescoring.rescore(form, unchanged, "No reason to change", T0, BY)

    assert history_rows(db) == (0, 0)


def test_preview_accepting_a_second_key_shows_who_would_now_pass(exam_session, sit):
    form = exam_session.form
    alice = sit(exam_session, "++D", name="Alice")
    sit(exam_session, "++x", name="Bob")
    sit(exam_session, "+++", name="Carol")
    dave = sit(exam_session, "+DD", name="Dave")
    key = keys_of(form)[2]

    preview = rescoring.preview(form, rescoring.propose(form, proposal(form, q3=([key, "D"], 1.0, False)), 80))

    assert [change.attempt.enrollment.candidate.name for change in preview.outcome_changes] == ["Alice"]
    assert (preview.count("fail", "pass"), preview.count("pass", "fail")) == (1, 0)
    assert [(c.attempt.enrollment.candidate.name, c.before.points, c.after.points) for c in preview.changes] == [
        ("Alice", 2, 3), ("Bob", 2, 2), ("Carol", 3, 3), ("Dave", 1, 2)]
    identifier = sr_items(form)[2].item_version.item.identifier
    assert preview.item_changes == [f"Part One, question 3 ({identifier}): key {key} to {key}|D"]
    assert score_attempt(alice).points == 2 and score_attempt(dave).keyed_outcome == "fail"  # nothing written or changed


def test_preview_of_a_dropped_item_a_weight_and_a_pass_mark(exam_session, sit):
    form = exam_session.form
    sit(exam_session, "++D", name="Alice")
    sit(exam_session, "x++", name="Bob")
    sit(exam_session, "+++", name="Carol")

    keys = keys_of(form)
    dropped = rescoring.preview(form, rescoring.propose(form, proposal(form, q3=([keys[2]], 1.0, True)), 80))
    weighted = rescoring.preview(form, rescoring.propose(form, proposal(form, q1=([keys[0]], 2, False)), 80))
    lower = rescoring.preview(form, rescoring.propose(form, proposal(form), 60))

    assert [(c.after.points, c.after.possible, c.after.keyed_outcome) for c in dropped.changes] == [
        (2, 2, "pass"), (1, 2, "fail"), (2, 2, "pass")]
    identifiers = [form_item.item_version.item.identifier for form_item in sr_items(form)]
    assert dropped.count("fail", "pass") == 1 and dropped.item_changes == [f"Part One, question 3 ({identifiers[2]}): dropped"]
    assert [(c.after.points, c.after.possible) for c in weighted.changes] == [(3, 4), (2, 4), (4, 4)]
    assert weighted.outcome_changes == [] and weighted.item_changes == [f"Part One, question 1 ({identifiers[0]}): weight 1 to 2"]
    assert [c.attempt.enrollment.candidate.name for c in lower.outcome_changes] == ["Alice", "Bob"]
    assert lower.item_changes == ["Pass mark 80% to 60%"]


def test_rescoring_keeps_every_revision_of_every_score(exam_session, sit, db):
    form = exam_session.form
    key = keys_of(form)[2]
    alice, carol = sit(exam_session, "++D", name="Alice"), sit(exam_session, "+++", name="Carol")
    accept_d = rescoring.propose(form, proposal(form, q3=([key, "D"], 1.0, False)), 80)

    first = rescoring.rescore(form, accept_d, "Option D is also defensible.", T0, BY)
    db.session.commit()

    revisions = rescoring.revisions(form)
    assert [(r.number, r.pass_percent) for r in revisions] == [(1, 80), (0, 80)]
    assert first is revisions[0] and revisions[1].reason == "The keys the form was published with."
    assert revisions[1].rules[str(sr_items(form)[2].id)] == {"keys": [key], "weight": 1.0, "dropped": False}
    assert first.rules[str(sr_items(form)[2].id)] == {"keys": sorted([key, "D"]), "weight": 1.0, "dropped": False}
    assert [(s.revision.number, s.points, s.possible, s.outcome) for s in rescoring.history(alice)] == [
        (0, 2, 3, "fail"), (1, 3, 3, "pass")]
    assert [(s.revision.number, s.points, s.outcome) for s in rescoring.history(carol)] == [
        (0, 3, "pass"), (1, 3, "pass")]

    second = rescoring.rescore(form, rescoring.propose(form, proposal(form, q3=([key, "D"], 1.0, False)), 100),
                               "The board raised the pass mark.", T0 + timedelta(days=1), BY)
    db.session.commit()

    assert second.number == 2 and history_rows(db) == (3, 6)
    assert [(s.revision.number, s.points, s.outcome) for s in rescoring.history(alice)] == [
        (0, 2, "fail"), (1, 3, "pass"), (2, 3, "pass")]
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "form.rescored")
                                 .order_by(AuditEntry.id)).all()
    assert [entry.object_id for entry in entries] == [str(form.id)] * 2
    identifier = sr_items(form)[2].item_version.item.identifier
    assert entries[0].details == {"revision": 1, "reason": "Option D is also defensible.",
                                  "changes": [f"Part One, question 3 ({identifier}): key {key} to {key}|D"],
                                  "attempts": 2, "passes_now": 1, "fails_now": 0}
    assert entries[1].details["changes"] == ["Pass mark 80% to 100%"]
    assert (entries[1].details["passes_now"], entries[1].details["fails_now"]) == (0, 0)


@pytest.mark.parametrize("statement", [
    "UPDATE attempt_scores SET points = 99",
    "UPDATE scoring_revisions SET pass_percent = 50",
])
def test_the_database_refuses_to_edit_score_history(exam_session, sit, db, statement):
    form = exam_session.form
    attempt = sit(exam_session, "++D")
    rescoring.rescore(form, rescoring.propose(form, proposal(form, q3=([keys_of(form)[2], "D"], 1.0, False)), 80),
                      "Option D is also defensible.", T0, BY)
    db.session.commit()

    with pytest.raises(DatabaseError, match="never changed; rescoring adds a revision"):
        with db.session.begin_nested():
            db.session.execute(text(statement))

    db.session.expire_all()
    assert [(s.points, s.revision.pass_percent) for s in rescoring.history(attempt)] == [(2, 80), (3, 80)]


def test_a_released_result_changes_only_when_released_again(exam_session, sit, db):
    form = exam_session.form
    alice = sit(exam_session, "++D", name="Alice")
    release.release(exam_session, T0, BY)
    db.session.commit()
    assert (released(alice).points, released(alice).keyed_outcome) == (2, "fail")
    assert not release.awaits_release(exam_session)

    rescoring.rescore(form, rescoring.propose(form, proposal(form, q3=([keys_of(form)[2], "D"], 1.0, False)), 80),
                      "Option D is also defensible.", T0 + timedelta(days=1), BY)
    db.session.commit()

    assert (released(alice).points, released(alice).keyed_outcome) == (2, "fail")
    assert release.awaits_release(exam_session)

    release.release(exam_session, T0 + timedelta(days=2), BY)
    db.session.commit()

    assert (released(alice).points, released(alice).keyed_outcome) == (3, "pass")
    assert not release.awaits_release(exam_session)
    assert exam_session.released_revision.number == 1
