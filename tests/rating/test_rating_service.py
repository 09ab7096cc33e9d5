"""The rating services: the queue, assignment rules, drafts and locking,
discrepancy and final-score rules, corrections."""

import pytest
from sqlalchemy import select

from accounts.roles import Role
from audit.models import AuditEntry
from rating import assignment, plans, ratings
from rating.models import CaseStatus
from rating.responses import counted_responses, to_rate
from tests.exam_fixtures import BY, T0
from tests.rating_fixtures import vignette_of

pytestmark = pytest.mark.built_once

COMMENT = "Clear account of the infant's cues."


def rate(rating, c1, c2, comments=COMMENT):
    return ratings.save(rating, {"C1": c1, "C2": c2}, comments, 60, T0, BY, submit=True)


def two_raters(attempt, raters):
    first = assignment.assign(vignette_of(attempt), raters[0], T0, BY)
    second = assignment.assign(vignette_of(attempt), raters[1], T0, BY)
    return first, second


def set_plan(form, **changes):
    current = plans.plan_for(form)
    values = {name: getattr(current, name) for name in plans.FIELDS} | changes
    plans.update_plan(form, values, BY)


# The queue


def test_a_submitted_vignette_enters_the_queue_and_the_unchosen_one_does_not(sit, exam_form):
    attempt = sit()

    assert to_rate(exam_form) == [vignette_of(attempt)]
    assert len([r for r in attempt.responses if "rubric" in r.form_item.item_version.content]) == 2


def test_an_answered_vignette_counts_even_when_the_candidate_forgot_to_choose_it(sit):
    attempt = sit(choose=False)

    assert counted_responses(attempt) == [vignette_of(attempt)]


# Assignment


def test_automatic_assignment_gives_each_response_two_raters_and_balances_work(sit, exam_form, raters, db):
    for _ in range(3):
        sit()

    assigned = assignment.assign_automatically(exam_form, T0, BY)

    assert (len(assigned.ratings), assigned.unstaffed) == (6, 0)
    per_rater = {rater.id: sum(1 for r in assigned.ratings if r.rater_id == rater.id) for rater in raters}
    assert sorted(per_rater.values()) == [2, 2, 2]
    for response in to_rate(exam_form):
        rater_ids = [r.rater_id for r in assigned.ratings if r.case.response_id == response.id]
        assert len(set(rater_ids)) == 2
    assert assignment.assign_automatically(exam_form, T0, BY).ratings == []


def test_automatic_assignment_never_uses_a_conflicted_rater_or_a_candidate(sit, exam_form, raters, create_user):
    attempt = sit()
    assignment.declare_conflict(raters[0], attempt.enrollment.candidate, "Reflective supervision provider", BY)
    create_user(Role.RATER, Role.CANDIDATE)

    assigned = assignment.assign_automatically(exam_form, T0, BY)

    assert sorted(r.rater_id for r in assigned.ratings) == sorted([raters[1].id, raters[2].id])


def test_places_no_eligible_rater_can_take_are_counted(sit, exam_form, raters):
    sit()
    for rater in raters[1:]:
        rater.active = False

    assigned = assignment.assign_automatically(exam_form, T0, BY)

    assert (len(assigned.ratings), assigned.unstaffed) == (1, 1)


def test_assigning_by_hand_refuses_what_the_rules_forbid(sit, raters, create_user):
    attempt = sit()
    response = vignette_of(attempt)
    assignment.declare_conflict(raters[2], attempt.enrollment.candidate, "Current supervisor", BY)
    assignment.assign(response, raters[0], T0, BY)

    refusals = {}
    for rater in (raters[0], raters[2], create_user(Role.RATER, Role.CANDIDATE), create_user(Role.PROCTOR)):
        with pytest.raises(assignment.AssignmentRefused) as refused:
            assignment.assign(response, rater, T0, BY)
        refusals[rater.id] = str(refused.value)

    assert "already rates this response" in refusals[raters[0].id]
    assert "declared conflict" in refusals[raters[2].id]
    assert sum("candidate role" in text for text in refusals.values()) == 1
    assert sum("not an active rater" in text for text in refusals.values()) == 1
    assignment.assign(response, raters[1], T0, BY)
    with pytest.raises(assignment.AssignmentRefused, match="has its 2 raters"):
        assignment.assign(response, create_user(Role.RATER), T0, BY)


def test_a_response_code_names_nothing_of_the_candidate(sit, raters):
    attempt = sit(name="Zelda Quartermain")

    first, _ = two_raters(attempt, raters)

    code = first.case.code
    assert code.startswith("V-") and len(code) == 8
    # Six random characters of the code alphabet, not the attempt's id: a single-digit
    # id may well be among them by chance, which says nothing of the candidate.
    assert set(code[2:]) <= set(assignment.CODE_ALPHABET) and code[2:] != str(attempt.id).zfill(6)


# Drafts, submission and locking


def test_a_draft_keeps_partial_scores_and_submission_needs_every_criterion_and_comments(sit, raters):
    first, _ = two_raters(sit(), raters)

    ratings.save(first, {"C1": 2}, "", 30, T0, BY)
    assert (first.scores, first.submitted) == ({"C1": 2}, False)
    with pytest.raises(ratings.RatingRefused, match="Reflection: choose a score level"):
        ratings.save(first, {"C1": 2}, COMMENT, 30, T0, BY, submit=True)
    with pytest.raises(ratings.RatingRefused, match="comments"):
        ratings.save(first, {"C1": 2, "C2": 2}, " ", 30, T0, BY, submit=True)
    with pytest.raises(ratings.RatingRefused, match="Reflection: 7 is not one of its levels"):
        ratings.save(first, {"C1": 2, "C2": 7}, COMMENT, 30, T0, BY)
    assert first.seconds_spent == 30


def test_a_submitted_rating_is_locked(sit, raters):
    first, _ = two_raters(sit(), raters)
    rate(first, 2, 2)

    with pytest.raises(ratings.RatingRefused, match="locked"):
        ratings.save(first, {"C1": 3, "C2": 3}, COMMENT, 30, T0, BY)
    assert first.scores == {"C1": 2, "C2": 2}


# Discrepancy and the final score


def test_agreeing_ratings_make_the_final_score_their_mean(sit, raters):
    first, second = two_raters(sit(), raters)

    rate(first, 3, 2)
    assert first.case.status == CaseStatus.RATING
    rate(second, 3, 3)

    assert first.case.status == CaseStatus.FINAL
    assert (first.case.final_scores, first.case.final_points, first.case.adjudicated) == (
        {"C1": 3.0, "C2": 2.5}, 5.5, False)


def test_a_criterion_two_points_apart_goes_to_an_adjudicator_who_settles_it(sit, raters):
    first, second = two_raters(sit(), raters)
    rate(first, 3, 3)
    rate(second, 1, 3)

    case = first.case
    assert case.status == CaseStatus.ADJUDICATION
    adjudication = case.adjudication_rating
    assert adjudication.rater_id == raters[2].id and adjudication.adjudication

    rate(adjudication, 2, 3)
    assert (case.status, case.final_points, case.adjudicated) == (CaseStatus.FINAL, 5, True)


def test_one_rating_passing_and_one_failing_goes_to_adjudication_though_each_criterion_is_close(sit, raters):
    first, second = two_raters(sit(), raters)
    rate(first, 3, 2)  # 5 of 6: 83%, at or above the 80% cut
    rate(second, 2, 2)  # 4 of 6: 67%

    assert first.case.status == CaseStatus.ADJUDICATION


def test_the_pass_fail_rule_can_be_turned_off(sit, raters, exam_form):
    set_plan(exam_form, pass_fail_disagreement=False)
    first, second = two_raters(sit(), raters)
    rate(first, 3, 2)
    rate(second, 2, 2)

    assert (first.case.status, first.case.final_points) == (CaseStatus.FINAL, 4.5)


def test_the_adjudicator_and_closer_rule_averages_with_the_nearer_first_rating(sit, raters, exam_form):
    set_plan(exam_form, final_rule="adjudicator_and_closer")
    first, second = two_raters(sit(), raters)
    rate(first, 3, 3)
    rate(second, 0, 1)
    rate(first.case.adjudication_rating, 3, 2)

    assert first.case.final_scores == {"C1": 3.0, "C2": 2.5}


def test_with_one_rater_per_response_the_single_rating_is_final(sit, raters, exam_form):
    set_plan(exam_form, raters_per_response=1)
    attempt = sit()
    only = assignment.assign(vignette_of(attempt), raters[0], T0, BY)
    rate(only, 1, 3)

    assert (only.case.status, only.case.final_points) == (CaseStatus.FINAL, 4)


def test_a_plan_outside_its_ranges_is_refused_naming_the_field(exam_form):
    with pytest.raises(plans.PlanRefused, match="cut of the rated part"):
        set_plan(exam_form, rated_pass_percent=0)


# Corrections


def test_a_coordinator_correction_is_audited_and_settles_the_response_again(sit, raters, db):
    first, second = two_raters(sit(), raters)
    rate(first, 3, 3)
    rate(second, 1, 3)
    case = first.case
    adjudicator = case.adjudication_rating
    assert adjudicator is not None

    ratings.correct(second, {"C1": 3, "C2": 3}, "Entered on the wrong line.", "Rater wrote 1 for 3", T0, BY)

    assert (case.status, case.final_points) == (CaseStatus.FINAL, 6)
    assert case.adjudication_rating is None  # the adjudicator's open place is withdrawn
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "rating.corrected")).one()
    assert entry.details["before"]["scores"] == {"C1": 1, "C2": 3}
    assert entry.details["after"]["scores"] == {"C1": 3, "C2": 3}
    assert entry.details["reason"] == "Rater wrote 1 for 3"


def test_a_correction_needs_a_reason(sit, raters):
    first, _ = two_raters(sit(), raters)
    rate(first, 3, 3)

    with pytest.raises(ratings.RatingRefused, match="reason"):
        ratings.correct(first, {"C1": 2, "C2": 3}, COMMENT, " ", T0, BY)


def test_only_counted_written_responses_of_submitted_attempts_can_get_a_rater(sit, raters):
    attempt = sit()
    keyed = next(r for r in attempt.responses if "key" in r.form_item.item_version.content)
    unchosen = next(r for r in attempt.responses
                    if "rubric" in r.form_item.item_version.content and r.id != vignette_of(attempt).id)

    for response in (keyed, unchosen):
        with pytest.raises(assignment.AssignmentRefused, match="not in the rating queue"):
            assignment.assign(response, raters[0], T0, BY)


def test_a_conflict_declared_late_takes_back_the_raters_open_rating(sit, raters, exam_form):
    attempt = sit()
    first, second = two_raters(attempt, raters)
    rate(second, 2, 2)

    assignment.declare_conflict(raters[0], attempt.enrollment.candidate, "Candidate's reference", BY)
    assignment.declare_conflict(raters[1], attempt.enrollment.candidate, "Colleague", BY)

    assert [r.rater_id for r in second.case.ratings] == [raters[1].id]
    assert [r.rater_id for r in assignment.assign_automatically(exam_form, T0, BY).ratings] == [raters[2].id]


def test_a_plan_change_settles_the_responses_not_yet_final(sit, raters, exam_form):
    first, second = two_raters(sit(), raters)
    rate(first, 3, 3)
    rate(second, 1, 3)
    assert first.case.status == CaseStatus.ADJUDICATION

    current = plans.plan_for(exam_form)
    ratings.change_plan(exam_form, {name: getattr(current, name) for name in plans.FIELDS} | {"max_criterion_gap": 2, "pass_fail_disagreement": False},
                        T0, BY)

    assert (first.case.status, first.case.final_points) == (CaseStatus.FINAL, 5)
    assert first.case.adjudication_rating is None
