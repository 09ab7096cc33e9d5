"""Saving: idempotent, highest sequence wins whatever the order, every save journaled; k of n; takeovers."""

import hashlib
import json
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from exam import delivery, proctoring, saving
from exam.models import SaveRecord
from item_bank.kinds.constructed_response import MAX_TEXT, TOO_LONG
from tests.exam_fixtures import BY, T0

pytestmark = pytest.mark.built_once

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

    acks = saving.save(attempt, [entry(1, vignette, "answer", huge), entry(2, vignette, "answer", kept)], "tab", NOW,
                       BY)
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

    saving.save(attempt, [entry(1, response, "answer", first), entry(2, response, "answer", again)], "tab", NOW, BY)
    db.session.flush()

    assert journaled(db, 1).value_sha256 == journaled(db, 2).value_sha256
    # The size is of UTF-8, not of the escaped text: "é" is two bytes.
    assert journaled(db, 1).value_bytes == len('{"option":"not-an-option","why":["é",1]}'.encode())


def test_a_cleared_answer_keeps_json_null_and_a_save_not_kept_keeps_none_at_all(start_attempt, db):
    attempt = start_attempt()
    response = attempt.responses[0]

    saving.save(attempt, [entry(2, response, "answer", None)], "tab", NOW, BY)
    saving.save(attempt, [entry(1, response, "answer", None)], "tab", NOW, BY)  # stale
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

    acks = saving.save(attempt, [entry(1, first, "choose", True), entry(2, second, "choose", True)], "tab", NOW, BY)
    switched = saving.save(attempt, [entry(3, first, "choose", False), entry(4, second, "choose", True)], "tab", NOW,
                           BY)

    assert [a.status for a in acks] == ["saved", "refused"]
    assert acks[1].reason == "you may choose 1 of these; unchoose one first"
    assert [a.status for a in switched] == ["saved", "saved"]
    assert (first.chosen, second.chosen) == (False, True)


def test_a_tab_that_takes_over_outnumbers_the_first_and_the_first_is_refused_unjournaled(start_attempt, db):
    attempt = start_attempt()
    response = attempt.responses[0]
    first_base = saving.claim(attempt, "first", T0, BY)
    second_base = saving.claim(attempt, "second", T0, BY)
    assert second_base > first_base

    saving.save(attempt, [entry(second_base + 1, response, "answer", {"option": response.option_order[0]})], "second", NOW, BY)
    late = saving.save(attempt, [entry(first_base + 50, response, "answer", {"option": response.option_order[1]})],
                       "first", NOW, BY)

    assert (late[0].code, late[0].status) == ("stale_tab", "stale")
    assert response.answer == {"option": response.option_order[0]}
    assert db.session.scalar(db.select(db.func.count()).select_from(SaveRecord)) == 1


def test_a_device_that_never_claimed_the_attempt_cannot_save(start_attempt, db):
    attempt = start_attempt()  # claimed by "tab"

    acks = saving.save(attempt, [entry(1, attempt.responses[0], "flag", True)], "phone", NOW, BY)
    untabbed = saving.save(attempt, [entry(2, attempt.responses[0], "flag", True)], "", NOW, BY)

    assert [a.code for a in acks + untabbed] == ["stale_tab", "stale_tab"]
    assert attempt.responses[0].flagged is False


def test_a_reloaded_tab_that_names_the_one_it_replaces_carries_on_without_readmission(start_attempt, db):
    attempt = start_attempt()
    attempt.session.readmit_on_resume = True

    saving.claim(attempt, "reloaded", NOW, BY, resumes="tab")
    assert attempt.status == "in_progress"

    saving.claim(attempt, "duplicate", NOW, BY, resumes="tab")  # "tab" no longer holds it: a takeover
    assert (attempt.status, attempt.hold) == ("paused", "readmission")


def test_no_save_is_taken_while_the_proctor_has_paused_the_attempt(start_attempt, db):
    attempt = start_attempt()
    proctoring.apply(attempt.enrollment, "pause", NOW, BY)

    acks = saving.save(attempt, [entry(1, attempt.responses[0], "flag", True)], "tab", NOW, BY)

    assert (acks[0].code, acks[0].reason) == ("paused", "your proctor has paused the examination")
    assert attempt.responses[0].flagged is False
    assert db.session.scalar(db.select(db.func.count()).select_from(SaveRecord)) == 0
    proctoring.apply(attempt.enrollment, "resume", NOW, BY)
    assert saving.save(attempt, [entry(1, attempt.responses[0], "flag", True)], "tab", NOW, BY)[0].code == "saved"


def test_a_claim_from_a_new_tab_in_a_readmit_session_stops_the_old_tab_too(start_attempt):
    attempt = start_attempt()
    attempt.session.readmit_on_resume = True
    saving.claim(attempt, "new tab", NOW, BY)  # the clock stops, awaiting re-admission

    old = saving.save(attempt, [entry(1, attempt.responses[0], "flag", True)], "tab", NOW, BY)
    new = saving.save(attempt, [entry(2, attempt.responses[0], "flag", True)], "new tab", NOW, BY)

    assert [old[0].code, new[0].code] == ["stale_tab", "paused"]
    assert new[0].reason == "the examination waits for your proctor to re-admit you"
    assert attempt.responses[0].flagged is False


def test_saves_to_a_finished_attempt_are_refused(start_attempt):
    attempt = start_attempt()
    delivery.finish_section(attempt, 1, NOW, BY)
    delivery.finish_section(attempt, 2, NOW, BY)

    acks = saving.save(attempt, [entry(1, attempt.responses[0], "flag", True)], "tab", NOW, BY)

    assert acks[0].reason == "this attempt is finished"


class Saves(RuleBasedStateMachine):
    """Tabs make changes; the network delivers them late, out of order and more
    than once; a new tab takes over (a duplicated tab, another computer), a
    tab reloads, a device that never claimed sends saves; the proctor pauses,
    resumes, re-admits and terminates; the candidate submits. The server must
    always hold, per field, the value of the highest-numbered save it took,
    take saves only from the tab holding the claim while the clock runs,
    journal each save it took exactly once, and change nothing once the
    attempt is finished."""

    make_attempt = None  # set by the test: a factory for a fresh attempt

    @initialize(readmit=st.booleans())
    def start(self, readmit):
        self.attempt = self.make_attempt()
        self.attempt.session.readmit_on_resume = readmit
        self.responses = [r for r in self.attempt.responses if r.option_order]
        self.tabs = ["tab-0"]
        self.bases = [saving.claim(self.attempt, "tab-0", T0, BY)]
        self.holder = "tab-0"
        self.counters = [0]
        self.outbox = []
        self.received = {}  # the saves the server took, by seq
        self.journaled = set()  # and the seqs of every save it judged (a closed part's are refused)

    def _claim(self, resumes=""):
        tab = f"tab-{len(self.tabs)}"
        taking_over = self.holder not in (tab, resumes)
        running = self.attempt.status == "in_progress"
        self.bases.append(saving.claim(self.attempt, tab, NOW, BY, resumes=resumes))
        self.tabs.append(tab)
        self.counters.append(0)
        if not self.attempt.finished:
            self.holder = tab
        if taking_over and running and self.attempt.session.readmit_on_resume:
            assert (self.attempt.status, self.attempt.hold) == ("paused", "readmission")

    @rule(tab=st.integers(0, 5), index=st.integers(0, 2), field=st.sampled_from(["answer", "flag"]),
          pick=st.integers(0, 3))
    def change(self, tab, index, field, pick):
        tab = min(tab, len(self.tabs) - 1)
        self.counters[tab] += 1
        response = self.responses[index]
        value = {"option": response.option_order[pick % len(response.option_order)]} if field == "answer" else bool(pick % 2)
        self.outbox.append((self.tabs[tab], entry(self.bases[tab] + self.counters[tab], response, field, value)))

    @rule()
    def second_device_saves_without_claiming(self):
        response = self.responses[0]
        acks = saving.save(self.attempt, [entry(10**15, response, "flag", True)], "phone", NOW, BY)
        assert acks[0].status != "saved"

    @rule()
    def take_over(self):
        self._claim()

    @rule()
    def reload(self):
        self._claim(resumes=self.holder)

    @rule(action=st.sampled_from(["pause", "resume", "admit", "terminate"]))
    def proctor(self, action):
        try:
            proctoring.apply(self.attempt.enrollment, action, NOW, BY, reason="state machine")
        except proctoring.ActionRefused:
            pass

    @rule()
    def submit(self):
        running = self.attempt.status == "in_progress"
        for position in (1, 2):
            try:
                delivery.finish_section(self.attempt, position, NOW, BY)
            except delivery.DeliveryError:
                pass
        assert self.attempt.finished == running or self.attempt.finished

    @rule(data=st.data())
    def deliver(self, data):
        if not self.outbox:
            return
        batch = data.draw(st.lists(st.sampled_from(self.outbox), min_size=1, max_size=4))
        tab = batch[0][0]
        takes = tab == self.holder and self.attempt.status == "in_progress"
        acks = saving.save(self.attempt, [save for _, save in batch], tab, NOW, BY)
        if takes:
            open_part = {r.id for r in self.attempt.current_section.responses}
            for _, save in batch:
                self.journaled.add(save["seq"])
                if save["response"] in open_part:
                    self.received[save["seq"]] = save
        else:
            assert {ack.code for ack in acks} <= {"stale_tab", "paused", "attempt_finished"}
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
        assert sorted(seq for (seq,) in journal) == sorted(self.journaled)

    @invariant()
    def a_paused_attempt_has_its_hold_and_a_finished_one_none(self):
        if not hasattr(self, "attempt"):
            return
        assert (self.attempt.status == "paused") == (self.attempt.hold is not None)
        if self.attempt.finished:
            assert self.attempt.paused_at is None and self.attempt.finished_at is not None


def test_saves_in_any_order_end_in_the_highest_numbered_state(start_attempt, db):
    def fresh_attempt():
        return start_attempt()

    Saves.make_attempt = staticmethod(fresh_attempt)
    run_state_machine_as_test(
        Saves,
        settings=settings(max_examples=40, stateful_step_count=30, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]),
    )
