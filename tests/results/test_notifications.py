"""What releasing results mails: each candidate who sat learns their result
is ready (not what it is), once per release, and again after a rescoring."""

import pytest

from results import release, rescoring
from tests.exam_fixtures import BY, T0
from tests.outbox_reading import links, queued
from tests.rating.test_rating_service import rate, two_raters
from tests.results.test_rescoring import proposal

pytestmark = pytest.mark.built_once


@pytest.fixture
def rated(sit, raters, db):
    attempts = [sit(name="Casey"), sit(name="Cleo")]
    for attempt in attempts:
        for rating in two_raters(attempt, raters):
            rate(rating, 3, 3)
    db.session.commit()
    return attempts


def test_a_release_tells_each_candidate_their_result_is_ready_once(app, rated, exam_session, db):
    release.release(exam_session, T0, BY)
    db.session.rollback()
    assert queued("results.released") == []

    release.release(exam_session, T0, BY)
    release.release(exam_session, T0, BY)  # nothing changed: nothing to tell

    messages = queued("results.released")
    assert [message.to_address for message in messages] == [attempt.enrollment.candidate.email for attempt in rated]
    first = messages[0]
    assert first.subject == "Your result is available: Test sitting"
    assert "Your result in Test sitting" in first.text_body and "is released" in first.text_body
    assert "pass" not in first.subject.lower() and "Congratulations" not in first.text_body
    assert first.reason == "you sat the exam session Test sitting"
    assert links(app, first) == [("results.result", {"attempt_id": rated[0].id})]


def test_a_release_refused_while_rating_mails_nothing(sit, exam_session):
    sit()

    with pytest.raises(release.ReleaseRefused):
        release.release(exam_session, T0, BY)
    assert queued("results.released") == []


def test_releasing_again_after_a_rescoring_says_the_result_was_updated(rated, exam_session):
    release.release(exam_session, T0, BY)
    form = exam_session.form
    rescoring.rescore(form, rescoring.propose(form, proposal(form), 60), "The pass mark was set too high.", T0, BY)

    release.release(exam_session, T0, BY)

    assert [message.subject for message in queued("results.released")][-1] == "Your result was updated: Test sitting"
