"""Saving: idempotent, highest sequence wins whatever the order, every save journaled; k of n; takeovers."""

import hashlib
import json
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from exam import delivery, saving
from exam.models import SaveRecord
from item_bank.kinds.constructed_response import MAX_TEXT, TOO_LONG
from tests.exam_fixtures import BY, T0

NOW = T0 + timedelta(minutes=1)


def entry(seq, response, field, value):
    return {"seq": seq, "response": response.id, "field": field, "value": value}


def test_a_repeated_save_is_acknowledged_and_applied_once(start_attempt, db):
    attempt = start_attempt()
    response = attempt.responses[0]
    save = entry(5, response, "answer", {"option": response.option_order[0]})

    first = saving.save(attempt, [save], "tab", NOW, BY)
    again = saving.save(attempt, [save], "tab", NOW, BY)

    assert [a.status for a in first + again] == ["saved", "duplicate"]
    assert db.session.scalar(db.select(db.func.count()).select_from(SaveRecord)) == 1


def test_an_older_save_arriving_late_does_not_overwrite_a_newer_one(start_attempt, db):
    attempt = start_attempt()
    response = attempt.responses[0]
    newer = entry(9, response, "answer", {"option": response.option_order[2]})
    older = entry(8, response, "answer", {"option": response.option_order[1]})

    acks = saving.save(attempt, [newer], "tab", NOW, BY) + saving.save(attempt, [older], "tab", NOW, BY)

    assert [a.status for a in acks] == ["saved", "stale"]
    assert response.answer == {"option": response.option_order[2]}
    stale = db.session.scalar(db.select(SaveRecord).where(SaveRecord.seq == 8))
    assert (stale.value, stale.value_bytes, stale.value_sha256) == (None, *saving.digest(older["value"]))


def journaled(db, seq):
    return db.session.scalar(db.select(SaveRecord).where(SaveRecord.seq == seq))


def test_a_refused_save_is_journaled_by_its_size_and_digest_without_its_value(start_attempt, db):
    attempt = start_attempt()
    delivery.finish_section(attempt, 1, NOW, BY)
    vignette = attempt.responses[3]
    huge = {"texts": ["x" * (MAX_TEXT + 1)]}
    kept = {"texts": ["I notice the baby turns away."]}

    acks = saving.save(attempt, [entry(1, vignette, "answer", huge), entry(2, vignette, "answer", kept)], "t", NOW, BY)
    db.session.flush()

    assert [ack.code for ack in acks] == [TOO_LONG, "saved"]
    refused, saved = journaled(db, 1), journaled(db, 2)
    assert (refused.value, refused.value_bytes) == (None, len('{"texts":["' + "x" * (MAX_TEXT + 1) + '"]}'))
    assert refused.value_sha256 == hashlib.sha256(json.dumps(huge, separators=(",", ":")).encode()).hexdigest()
    assert (saved.value, saved.value_bytes, saved.value_sha256) == (kept, *saving.digest(kept))


def test_a_repeat_of_a_refused_save_under_a_new_number_has_the_same_digest(start_attempt, db):
    attempt = start_attempt()
    response = attempt.responses[0]
    first = {"option": "not-an-option", "why": ["é", 1]}
    again = {"why": ["é", 1], "option": "not-an-option"}  # the same value, its keys in another order

    saving.save(attempt, [entry(1, response, "answer", first), entry(2, response, "answer", again)], "t", NOW, BY)
    db.session.flush()

    assert journaled(db, 1).value_sha256 == journaled(db, 2).value_sha256
    # The size is of UTF-8, not of the escaped text: "é" is two bytes.
    assert journaled(db, 1).value_bytes == len('{"option":"not-an-option","why":["é",1]}'.encode())


def test_a_cleared_answer_keeps_json_null_and_a_save_not_kept_keeps_none_at_all(start_attempt, db):
    attempt = start_attempt()
    response = attempt.responses[0]

    saving.save(attempt, [entry(2, response, "answer", None)], "t", NOW, BY)
    saving.save(attempt, [entry(1, response, "answer", None)], "t", NOW, BY)  # stale
    db.session.flush()

    stored = db.session.execute(db.text("SELECT seq, value IS NULL FROM save_records")).all()
    assert {seq: bool(missing) for seq, missing in stored} == {1: True, 2: False}


def test_values_are_checked_against_the_item(start_attempt):
    attempt = start_attempt()
    choice, vignette = attempt.responses[0], attempt.responses[3]

    acks = saving.save(attempt, [
        entry(1, choice, "answer", {"option": "not-an-option"}),
        entry(2, vignette, "answer", {"texts": ["only one of one prompt", "extra"]}),
        entry(3, choice, "flag", "yes"),
        {"seq": 4, "response": 999999, "field": "answer", "value": None},
    ], "tab", NOW, BY)

    assert [a.reason for a in acks] == [
        "is not one of this item's options", "must give 1 texts, one per prompt", "must be true or false",
        "no such item in this attempt",
    ]


def test_answer_k_of_n_allows_at_most_k_chosen(start_attempt):
    attempt = start_attempt()
    delivery.finish_section(attempt, 1, NOW, BY)
    first, second = attempt.responses[3], attempt.responses[4]

    acks = saving.save(attempt, [entry(1, first, "choose", True), entry(2, second, "choose", True)], "t", NOW, BY)
    switched = saving.save(attempt, [entry(3, first, "choose", False), entry(4, second, "choose", True)], "t", NOW, BY)

    assert [a.status for a in acks] == ["saved", "refused"]
    assert acks[1].reason == "you may choose 1 of these; unchoose one first"
    assert [a.status for a in switched] == ["saved", "saved"]
    assert (first.chosen, second.chosen) == (False, True)


def test_a_tab_that_takes_over_outnumbers_the_first_and_the_first_is_told(start_attempt, client, db):
    attempt = start_attempt()
    response = attempt.responses[0]
    first_base = saving.claim(attempt, "first", T0, BY)
    second_base = saving.claim(attempt, "second", T0, BY)
    assert second_base > first_base

    saving.save(attempt, [entry(second_base + 1, response, "answer", {"option": response.option_order[0]})], "second", NOW, BY)
    late = saving.save(attempt, [entry(first_base + 50, response, "answer", {"option": response.option_order[1]})],
                       "first", NOW, BY)

    assert late[0].status == "stale"
    assert response.answer == {"option": response.option_order[0]}
    assert db.session.scalar(db.select(db.func.count()).select_from(SaveRecord)) == 2


def test_saves_to_a_finished_attempt_are_refused(start_attempt):
    attempt = start_attempt()
    delivery.finish_section(attempt, 1, NOW, BY)
    delivery.finish_section(attempt, 2, NOW, BY)

    acks = saving.save(attempt, [entry(1, attempt.responses[0], "flag", True)], "tab", NOW, BY)

    assert acks[0].reason == "this attempt is finished"


class Saves(RuleBasedStateMachine):
    """Tabs make changes; the network delivers them late, out of order and more
    than once; a new tab takes over. The server must always hold, per field,
    the value of the highest-numbered save it has received, and journal each
    save exactly once."""

    make_attempt = None  # set by the test: a factory for a fresh attempt

    @initialize()
    def start(self):
        self.attempt = self.make_attempt()
        self.responses = [r for r in self.attempt.responses if r.option_order]
        self.bases = [saving.claim(self.attempt, "tab-0", T0, BY)]
        self.counters = [0]
        self.outbox = []
        self.received = {}

    @rule(tab=st.integers(0, 3), index=st.integers(0, 2), field=st.sampled_from(["answer", "flag"]),
          pick=st.integers(0, 3))
    def change(self, tab, index, field, pick):
        tab = min(tab, len(self.bases) - 1)
        self.counters[tab] += 1
        response = self.responses[index]
        value = {"option": response.option_order[pick % len(response.option_order)]} if field == "answer" else bool(pick % 2)
        self.outbox.append((f"tab-{tab}", entry(self.bases[tab] + self.counters[tab], response, field, value)))

    @rule()
    def take_over(self):
        self.bases.append(saving.claim(self.attempt, f"tab-{len(self.bases)}", T0, BY))
        self.counters.append(0)

    @rule(data=st.data())
    def deliver(self, data):
        if not self.outbox:
            return
        batch = data.draw(st.lists(st.sampled_from(self.outbox), min_size=1, max_size=4))
        saving.save(self.attempt, [save for _, save in batch], batch[0][0], NOW, BY)
        for _, save in batch:
            self.received[save["seq"]] = save
        if data.draw(st.booleans()):  # delivered saves may be retried, but are no longer pending
            self.outbox = [item for item in self.outbox if item not in batch]

    @invariant()
    def highest_sequence_wins(self):
        if not hasattr(self, "attempt"):
            return
        for response in self.responses:
            for field, attribute in (("answer", "answer"), ("flag", "flagged")):
                saves = [s for s in self.received.values() if s["response"] == response.id and s["field"] == field]
                if saves:
                    assert getattr(response, attribute) == max(saves, key=lambda s: s["seq"])["value"]
        journal = SaveRecord.query.filter_by(attempt_id=self.attempt.id).with_entities(SaveRecord.seq).all()
        assert sorted(seq for (seq,) in journal) == sorted(self.received)


def test_saves_in_any_order_end_in_the_highest_numbered_state(start_attempt, db):
    def fresh_attempt():
        return start_attempt()

    Saves.make_attempt = staticmethod(fresh_attempt)
    run_state_machine_as_test(
        Saves,
        settings=settings(max_examples=25, stateful_step_count=25, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]),
    )
