"""Home pages: what each role is shown on landing."""

import pytest

from exam import delivery, proctoring, sessions
from tests.conftest import sign_in
from tests.exam_fixtures import BY, T0

pytestmark = pytest.mark.built_once


@pytest.fixture
def candidate_home(client, exam_session, create_user, db, time_machine):
    """candidate_home(ended): the home page of a candidate whose attempt `ended(attempt)` finished."""
    time_machine.move_to(T0, tick=False)

    def page(ended):
        candidate = create_user("candidate")
        sessions.enroll(exam_session, candidate, BY)
        attempt = delivery.join(exam_session, candidate.id, exam_session.access_code, T0, BY)
        ended(attempt)
        db.session.commit()
        sign_in(client, candidate.email)
        return client.get("/home/candidate").get_data(as_text=True)

    return page


def test_a_terminated_attempt_says_so_with_the_reason_and_promises_no_results(candidate_home):
    def terminate(attempt):
        delivery.agree(attempt, T0, BY)
        proctoring.apply(attempt.enrollment, "terminate", T0, BY, reason="Notes found on the desk")

    home = candidate_home(terminate)

    assert "Terminated by the proctor 2026-06-01 09:00 UTC, giving this reason: “Notes found on the desk”" in home
    assert "Submitted" not in home and "Results are not released yet" not in home


def test_an_attempt_never_admitted_says_the_session_closed_first(candidate_home, exam_session):
    home = candidate_home(lambda attempt: proctoring.close_session(exam_session, T0, BY))

    assert "Not admitted: the session closed 2026-06-01 09:00 UTC before you were admitted." in home
    assert "Submitted" not in home and "Results are not released yet" not in home


def test_a_submitted_attempt_waits_for_its_results(candidate_home, exam_session):
    def submit(attempt):
        delivery.agree(attempt, T0, BY)
        proctoring.close_session(exam_session, T0, BY)

    home = candidate_home(submit)

    assert "Submitted 2026-06-01 09:00 UTC." in home and "Results are not released yet." in home
