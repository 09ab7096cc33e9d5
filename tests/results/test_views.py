"""The result screens through the test client: a session's results before
release, releasing them, and the candidate's feedback letter."""

import pytest

from accounts.roles import Role
from tests.rating.test_rating_service import rate, two_raters
from tests.rating.test_views import browser, page
from tests.rating_fixtures import vignette_of

pytestmark = pytest.mark.built_once


@pytest.fixture
def coordinator(client, login_as):
    return login_as(Role.COORDINATOR)


@pytest.mark.parametrize("scores, opening, closing", [
    ((3, 3), "Congratulations: you passed the written examination.", "joins your portfolio"),
    ((2, 2), "You did not pass the written examination this time.", "You may sit the examination again"),
])
def test_results_are_released_only_when_every_response_is_rated_and_the_letter_is_unsigned(
    app, client, coordinator, sit, raters, exam_session, db, scores, opening, closing
):
    attempt = sit(right=3)
    candidate = attempt.enrollment.candidate
    results = f"/rating/sessions/{exam_session.id}/results"
    letter = f"/exam/attempts/{attempt.id}/result"
    reader = browser(app, candidate)

    pending = page(client.get(results))
    assert "1 attempt(s) still have written responses being rated" in pending
    assert 'disabled aria-disabled="true">Release results' in pending
    assert candidate.name in pending and "Pending" in pending
    refused = client.post(f"/results/sessions/{exam_session.id}/release", follow_redirects=True)
    assert "1 attempt(s) of Test sitting still have responses being rated" in page(refused)
    assert reader.get(letter).status_code == 404

    first, second = two_raters(attempt, raters)
    rate(first, *scores, comments="Warm and specific account of the cues.")
    rate(second, *scores, comments="Name the feelings of the visitor too.")
    db.session.commit()
    assert "still have written responses" not in page(client.get(results))
    released = client.post(f"/results/sessions/{exam_session.id}/release", follow_redirects=True)
    assert "Results of Test sitting are released" in page(released)

    body = page(reader.get(letter))
    assert opening in body and closing in body
    assert "Warm and specific account of the cues." in body and "Name the feelings of the visitor too." in body
    assert "Rater 1 wrote" in body and "Rater 2 wrote" in body
    for rater in raters:
        assert rater.email not in body and rater.name not in body


def test_the_letter_names_the_question_as_the_candidate_saw_it_and_introduces_the_comments_first(
    app, client, coordinator, sit, raters, exam_session, db
):
    attempt = sit(right=3, vignette=2)  # Part Two's second vignette, the form's fifth item
    for rating in two_raters(attempt, raters):
        rate(rating, 2, 2, comments="Name the feelings of the visitor too.")
    db.session.commit()
    client.post(f"/results/sessions/{exam_session.id}/release")

    body = page(browser(app, attempt.enrollment.candidate).get(f"/exam/attempts/{attempt.id}/result"))

    assert "Written response to Part Two, question 2:" in body and "question 5" not in body
    assert vignette_of(attempt).form_item.item_version.item.identifier not in body
    assert body.index("The comments below come from the raters") < body.index("Rater 1 wrote")
    assert body.index("Rater 2 wrote") < body.index("You may sit the examination again at a later session.")
