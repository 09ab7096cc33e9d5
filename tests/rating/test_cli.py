"""`flask rating assign` and `flask exam release-results` with written responses to rate."""

from rating.models import Rating


def test_assign_fills_the_queue_and_release_waits_for_the_ratings(runner, sit, raters, exam_session, db):
    sit()

    refused = runner.invoke(args=["exam", "release-results", str(exam_session.id)])
    assert refused.exit_code == 1 and "1 attempt(s) of Test sitting still have responses being rated" in refused.output
    assert exam_session.results_released_at is None

    assigned = runner.invoke(args=["rating", "assign", "exam-t"])
    assert assigned.exit_code == 0, assigned.output
    assert "2 rating(s) assigned; 0 place(s) found no eligible rater" in assigned.output
    assert "Queue of EXAM-T: 1 being rated, 0 in adjudication, 0 final." in assigned.output
    assert len(db.session.scalars(db.select(Rating)).all()) == 2


def test_assign_names_an_unknown_form(runner, db):
    result = runner.invoke(args=["rating", "assign", "NOPE"])

    assert result.exit_code == 2 and "no form has the code 'NOPE'" in result.output
