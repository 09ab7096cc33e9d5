"""The exam result: a blank response scoring zero, each part against its cut or both under the total rule,
domains over both parts, the letter's comments, and release waiting for the
last rating."""

import pytest

from exam import delivery, sessions
from exam.models import Attempt, ExamSession
from rating import ratings
from rating.responses import to_rate
from results import exam_result, release
from tests.exam_fixtures import BY, T0
from tests.rating.test_rating_service import rate, set_plan, two_raters

pytestmark = pytest.mark.built_once


def test_a_blank_counted_response_scores_zero_without_raters(sit, exam_form):
    attempt = sit(text=None)

    result = exam_result.latest_result(attempt)
    assert to_rate(exam_form) == []
    assert (result.final, result.rated.points, result.rated.possible, result.outcome) == (True, 0, 6, "fail")


def finalise(attempt, raters, c1, c2):
    first, second = two_raters(attempt, raters)
    rate(first, c1, c2)
    rate(second, c1, c2)


@pytest.mark.parametrize("right, c1, c2, outcome", [
    (3, 3, 2, "pass"),  # 100% and 83%
    (3, 2, 2, "fail"),  # the written part at 67%
    (2, 3, 3, "fail"),  # the keyed part at 67%
])
def test_each_part_must_reach_its_cut(sit, raters, right, c1, c2, outcome):
    attempt = sit(right=right)
    assert exam_result.latest_result(attempt).outcome == "pending"

    finalise(attempt, raters, c1, c2)

    assert exam_result.latest_result(attempt).outcome == outcome


def test_under_the_total_rule_points_of_both_parts_count_together(sit, raters, exam_form):
    set_plan(exam_form, pass_rule="total")
    attempt = sit(right=2)
    finalise(attempt, raters, 3, 3)

    result = exam_result.latest_result(attempt)
    assert (result.keyed.keyed_outcome, result.outcome) == ("fail", "pass")  # 8 of 9 points


def test_domains_join_the_keyed_and_the_rated_points(sit, raters):
    attempt = sit(right=3)
    finalise(attempt, raters, 2, 1)

    domains = {domain.code: (domain.points, domain.possible) for domain in exam_result.latest_result(attempt).domains}
    assert domains == {"TF": (3, 3), "DSS": (3, 6)}


def test_release_waits_until_every_response_is_final(sit, raters, exam_session):
    attempt = sit()
    with pytest.raises(release.ReleaseRefused, match="1 attempt"):
        release.release(exam_session, T0, BY)
    assert exam_session.results_released_at is None

    finalise(attempt, raters, 3, 3)
    release.release(exam_session, T0, BY)

    assert exam_session.results_released_at == T0
    assert exam_result.released_result(attempt).outcome == "pass"


def test_the_letter_carries_the_comments_of_the_ratings_that_made_the_score(sit, raters, exam_form):
    attempt = sit()
    first, second = two_raters(attempt, raters)
    rate(first, 3, 3, "Rich and precise.")
    rate(second, 0, 1, "Too thin.")
    rate(first.case.adjudication_rating, 3, 2, "Strong overall.")
    assert exam_result.latest_result(attempt).rated.vignettes[0].comments == ["Strong overall."]

    set_plan(exam_form, final_rule="adjudicator_and_closer")
    ratings.settle(first.case, T0, BY)
    assert exam_result.latest_result(attempt).rated.vignettes[0].comments == ["Rich and precise.", "Strong overall."]


def test_a_result_reads_a_form_of_60_items_in_the_statements_of_one_of_3(session_of, create_user, statements, db):
    """The portfolio, the record and the result page each score the
    candidate's attempts: the form's items, versions and keys are read
    together, not one item at a time."""
    sent = {}
    for items in (3, 60):
        session = db.session.get(ExamSession, session_of(items))
        candidate = create_user("candidate")
        sessions.enroll(session, candidate, BY)
        attempt = delivery.join(session, candidate.id, "SIT123", T0, BY)
        delivery.agree(attempt, T0, BY)
        delivery.finish_section(attempt, 1, T0, BY)
        db.session.commit()
        db.session.expire_all()  # as a request starts: nothing of the form loaded yet
        with statements() as run:
            result = exam_result.exam_result(db.session.get(Attempt, attempt.id))
        assert result.keyed.possible == items
        sent[items] = len(run)

    assert sent[60] == sent[3] <= 16
