"""The rating screens through the test client: a rater's queue and blind
rating page, the coordinator's queues, assignments, conflicts, corrections,
plan and rater quality."""

import re
import time

import pytest

from accounts.roles import Role
from rating import assignment, ratings
from rating.models import CaseStatus, Rating, RatingCase
from tests.conftest import sign_in
from tests.crawler import crawl, leaks
from tests.exam_fixtures import BY, T0
from tests.rating.test_rating_service import rate, two_raters
from tests.rating_fixtures import vignette_of

pytestmark = pytest.mark.built_once

WRITTEN = "I notice the baby turns away when the visitor raises her voice."


def page(response):
    return response.get_data(as_text=True)


def browser(app, user):
    """Another browser, signed in as `user`."""
    other = app.test_client()
    signed = sign_in(other, user.email)
    assert signed.status_code == 302, page(signed)
    return other


def opened_at(seconds_ago=90):
    return str(int(time.time()) - seconds_ago)


def rating_data(action, comments="", **scores):
    """The rating page's form: `C1=2` becomes criterion-C1=2."""
    data = {f"criterion-{criterion}": str(points) for criterion, points in scores.items()}
    return data | {"comments": comments, "action": action, "opened_at": opened_at()}


def reload(db, model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


@pytest.fixture
def coordinator(client, login_as):
    return login_as(Role.COORDINATOR)


# The rater's queue and rating page


def test_a_rater_drafts_submits_and_then_cannot_change_the_rating(app, sit, raters, db):
    attempt = sit()
    mine = assignment.assign(vignette_of(attempt), raters[0], T0, BY)
    db.session.commit()
    code, rating_id = mine.case.code, mine.id
    rater = browser(app, raters[0])

    home = page(rater.get("/home/rater"))
    assert "My queue (1)" in home and f'href="/rating/responses/{code}"' in home and "Not started" in home
    assert "My completed ratings (0)" in home

    blank = page(rater.get(f"/rating/responses/{code}"))
    assert f"Response {code}" in blank
    assert "A home visitor describes a tense visit." in blank  # the vignette's scenario
    assert WRITTEN in blank  # the candidate's written text
    assert "Infant&#39;s perspective" in blank and "Reflection" in blank and "level 3" in blank  # the rubric
    assert 'name="criterion-C1" value="0"' in blank and " checked" not in blank

    drafted = rater.post(f"/rating/responses/{code}", data=rating_data("draft", "Notices the turning away.", C1=2))
    assert drafted.headers["Location"] == f"/rating/responses/{code}"
    draft = page(rater.get(drafted.headers["Location"]))
    assert f"Draft of {code} saved." in draft
    assert 'name="criterion-C1" value="2" checked' in draft and "Notices the turning away." in draft
    assert "Draft saved" in page(rater.get("/home/rater"))

    incomplete = rater.post(f"/rating/responses/{code}",
                            data=rating_data("submit", "Changed my mind.", C1=3))
    assert incomplete.status_code == 200
    assert "Reflection: choose a score level" in page(incomplete)
    kept = reload(db, Rating, rating_id)
    assert (kept.scores, kept.comments, kept.submitted) == ({"C1": 2}, "Notices the turning away.", False)

    submitted = rater.post(f"/rating/responses/{code}",
                           data=rating_data("submit", "Notices the turning away.", C1=2, C2=3))
    assert submitted.headers["Location"] == "/home/rater"
    home = page(rater.get("/home/rater"))
    assert f"Rating of {code} submitted. Thank you." in home
    assert "My queue (0)" in home and "My completed ratings (1)" in home
    assert f'href="/rating/responses/{code}"' in home and '<td class="numeric">5</td>' in home

    locked = page(rater.get(f"/rating/responses/{code}"))
    assert "it is locked" in locked and "Submit rating" not in locked and "Save draft" not in locked
    assert 'name="criterion-C2" value="3" checked disabled' in locked
    refused = rater.post(f"/rating/responses/{code}", data=rating_data("submit", "Another view.", C1=0, C2=0))
    assert refused.status_code == 200
    assert "this rating is submitted and locked; ask a coordinator to correct it" in page(refused)
    final = reload(db, Rating, rating_id)
    assert (final.scores, final.comments) == ({"C1": 2, "C2": 3}, "Notices the turning away.")


def test_a_rater_not_on_a_response_cannot_open_it(app, sit, raters, db, create_user):
    mine = assignment.assign(vignette_of(sit()), raters[0], T0, BY)
    db.session.commit()
    other = browser(app, raters[1])

    assert other.get(f"/rating/responses/{mine.case.code}").status_code == 404
    assert other.post(f"/rating/responses/{mine.case.code}", data=rating_data("draft", C1=1)).status_code == 404
    assert other.get("/rating/responses/V-NOSUCH").status_code == 404
    assert "Your rating queue is empty." in page(other.get("/home/rater"))
    assert browser(app, create_user(Role.CANDIDATE)).get(f"/rating/responses/{mine.case.code}").status_code == 403
    assert reload(db, Rating, mine.id).scores == {}


# Blindness


def test_raters_never_learn_who_wrote_a_response_or_who_else_rated_it(app, sit, create_user, db):
    attempt = sit(name="SECRET-NAME-Zelda")
    candidate = attempt.enrollment.candidate
    candidate.email = "secret-mail-zelda@example.org"
    first = create_user(Role.RATER, name="SECRET-RATER-First", email="secret-rater-first@example.org")
    second = create_user(Role.RATER, name="Second Rater", email="second-rater@example.org")
    third = create_user(Role.RATER, name="Third Rater", email="third-rater@example.org")
    response = vignette_of(attempt)
    assignment.assign(response, first, T0, BY)
    assignment.assign(response, second, T0, BY)
    db.session.commit()
    code = assignment.existing_case(response).code
    the_candidate = ("SECRET-NAME-Zelda", "secret-mail-zelda@example.org")
    the_first = ("SECRET-RATER-First", "secret-rater-first@example.org")
    first_comment = "SECRET-COMMENT-first"
    first_browser, second_browser = browser(app, first), browser(app, second)

    def seen_by_second():
        pages = crawl(second_browser, "/home/rater")
        assert f"/rating/responses/{code}" in [path for path, _, _ in pages]
        rating_page = next(body for path, _, body in pages if path == f"/rating/responses/{code}")
        assert WRITTEN in rating_page
        return pages, rating_page

    first_browser.post(f"/rating/responses/{code}", data=rating_data("draft", first_comment, C1=3, C2=3))
    pages, rating_page = seen_by_second()
    assert leaks(pages, [*the_candidate, *the_first, first_comment]) == []
    assert " checked" not in rating_page  # nor the first rater's draft scores

    submitted = first_browser.post(f"/rating/responses/{code}", data=rating_data("submit", first_comment, C1=3, C2=3))
    assert submitted.status_code == 302
    pages, rating_page = seen_by_second()
    assert leaks(pages, [*the_candidate, *the_first, first_comment]) == []
    assert " checked" not in rating_page and "The first ratings" not in rating_page

    # The second rating disagrees (3 against 0 on a criterion): an adjudicator is put on the response.
    second_comment = "SECRET-COMMENT-second"
    second_browser.post(f"/rating/responses/{code}", data=rating_data("submit", second_comment, C1=0, C2=1))
    case = reload(db, RatingCase, assignment.existing_case(response).id)
    assert case.status == CaseStatus.ADJUDICATION and case.adjudication_rating.rater_id == third.id
    pages, _ = seen_by_second()
    assert leaks(pages, [*the_candidate, *the_first, first_comment]) == []

    adjudicator = browser(app, third)
    home = page(adjudicator.get("/home/rater"))
    assert f'href="/rating/responses/{code}"' in home and "Adjudication" in home
    pages = crawl(adjudicator, "/home/rater")
    adjudication_page = next(body for path, _, body in pages if path == f"/rating/responses/{code}")
    assert "The first ratings" in adjudication_page
    assert first_comment in adjudication_page and second_comment in adjudication_page  # allowed: unnamed
    assert WRITTEN in adjudication_page
    assert leaks(pages, [*the_candidate, *the_first, "Second Rater", "second-rater@example.org"]) == []


# The coordinator


def queue_numbers(body, form_code):
    row = re.search(rf"{form_code}</a>.*?</tr>", body, re.S).group(0)
    return [int(n) for n in re.findall(r'<td class="numeric">(\d+)</td>', row)]


def test_a_coordinator_sees_the_queues_declares_a_conflict_and_assigns_raters(
    client, coordinator, sit, raters, exam_form, db
):
    attempt = sit(name="Zelda Quartermain")
    candidate = attempt.enrollment.candidate
    response = vignette_of(attempt)

    # Responses, no rater yet, being rated, in adjudication, final, open places.
    assert queue_numbers(page(client.get("/rating/overview")), "EXAM-T") == [1, 1, 0, 0, 0, 2]
    responses = page(client.get(f"/rating/forms/{exam_form.id}/responses"))
    assert "Zelda Quartermain" in responses and "(no code yet)" in responses
    assert f'action="/rating/responses/{response.id}/assign"' in responses

    declared = client.post("/rating/conflicts", data={"rater_email": raters[0].email,
                                                      "candidate_email": candidate.email,
                                                      "reason": "Reflective supervision provider"})
    assert declared.headers["Location"] == "/rating/conflicts"
    conflicts = page(client.get("/rating/conflicts"))
    assert f"{raters[0].email} will not rate {candidate.email}." in conflicts
    assert "Reflective supervision provider" in conflicts
    unknown = client.post("/rating/conflicts", data={"rater_email": "nobody@example.org",
                                                     "candidate_email": candidate.email, "reason": "Supervisor"})
    assert "No account has this email." in page(unknown)

    refused = client.post(f"/rating/responses/{response.id}/assign", data={"rater_id": raters[0].id},
                          follow_redirects=True)
    assert f"{raters[0].email} has a declared conflict with this candidate" in page(refused)
    assert assignment.existing_case(response) is None

    assigned = client.post(f"/rating/forms/{exam_form.id}/assign")
    assert assigned.headers["Location"] == f"/rating/forms/{exam_form.id}/responses"
    responses = page(client.get(assigned.headers["Location"]))
    assert "2 rating(s) assigned." in responses
    assert raters[1].email in responses and raters[2].email in responses
    assert raters[0].email + " (" not in responses.split("<tbody>")[1].split("<select")[0]
    assert queue_numbers(page(client.get("/rating/overview")), "EXAM-T") == [1, 0, 1, 0, 0, 0]
    db.session.expire_all()
    case = assignment.existing_case(response)
    assert sorted(rating.rater_id for rating in case.ratings) == [raters[1].id, raters[2].id]

    again = client.post(f"/rating/forms/{exam_form.id}/assign", follow_redirects=True)
    assert "0 rating(s) assigned." in page(again)


def test_a_coordinator_corrects_a_submitted_rating_with_a_reason(client, coordinator, sit, raters, exam_form, db):
    first, second = two_raters(sit(), raters)
    rate(first, 3, 3)
    rate(second, 3, 2)
    db.session.commit()
    case_id, code = first.case.id, first.case.code
    responses = f"/rating/forms/{exam_form.id}/responses?show=all"
    assert "Final: 5.5 points" in page(client.get(responses))
    assert f'href="/rating/ratings/{second.id}/correct"' in page(client.get(responses))

    form = page(client.get(f"/rating/ratings/{second.id}/correct"))
    assert f"Correct a rating of {code}" in form and raters[1].email in form
    assert 'name="criterion-C2" value="2" checked' in form and WRITTEN in form

    no_reason = client.post(f"/rating/ratings/{second.id}/correct",
                            data={"criterion-C1": "3", "criterion-C2": "3", "comments": "Typo.", "reason": ""})
    assert no_reason.status_code == 200 and "This field is required." in page(no_reason)
    assert reload(db, RatingCase, case_id).final_points == 5.5

    corrected = client.post(f"/rating/ratings/{second.id}/correct",
                            data={"criterion-C1": "3", "criterion-C2": "3", "comments": "Typo.",
                                  "reason": "Rater entered 2 for 3 on Reflection"})
    assert corrected.headers["Location"] == responses
    after = page(client.get(responses))
    assert f"Rating of {code} corrected." in after and "Final: 6 points" in after
    case = reload(db, RatingCase, case_id)
    assert (case.final_points, case.status) == (6, CaseStatus.FINAL)
    assert db.session.get(Rating, second.id).scores == {"C1": 3, "C2": 3}


# The plan and rater quality


def plan_data(**changes):
    return {"raters_per_response": "2", "max_criterion_gap": "1", "pass_fail_disagreement": "y",
            "final_rule": "mean", "rated_pass_percent": "80", "pass_rule": "each_part", "due_days": "7"} | changes


def test_a_coordinator_sets_the_rating_plan_within_its_ranges(client, coordinator, exam_form, db):
    plan = f"/rating/forms/{exam_form.id}/plan"
    assert "Rating plan of EXAM-T" in page(client.get(plan))

    saved = client.post(plan, data=plan_data(raters_per_response="1", rated_pass_percent="75", due_days="5"))
    assert saved.headers["Location"] == f"/rating/forms/{exam_form.id}/responses"
    responses = page(client.get(saved.headers["Location"]))
    assert "Rating plan of EXAM-T saved." in responses and "Plan: 1 rater(s) per response" in responses
    assert "75% cut" in responses

    refused = client.post(plan, data=plan_data(rated_pass_percent="0"))
    assert refused.status_code == 200
    assert "Cut of the rated part (%)" in page(refused) and 'class="error"' in page(refused)
    assert "Plan: 1 rater(s) per response" in page(client.get(f"/rating/forms/{exam_form.id}/responses"))
    assert "75% cut" in page(client.get(f"/rating/forms/{exam_form.id}/responses"))


def test_rater_quality_counts_the_pairs_and_a_psychometrician_can_read_it(
    app, client, coordinator, sit, raters, exam_form, create_user, db
):
    quality = f"/rating/forms/{exam_form.id}/quality"
    assert "No response has two submitted ratings yet." in page(client.get(quality))
    for _ in range(3):
        sit()
    for rating in assignment.assign_automatically(exam_form, T0, BY).ratings:
        ratings.save(rating, {"C1": 3, "C2": 3}, "Clear.", 60, T0, BY, submit=True)
    db.session.commit()

    body = page(client.get(quality))
    assert "From 3 responses with two submitted first ratings" in body
    criterion_rows = re.findall(r"<td>(Infant&#39;s perspective|Reflection|Total)</td>\s*"
                                r'<td class="numeric">(\d+)</td>', body)
    assert criterion_rows == [("Infant&#39;s perspective", "3"), ("Reflection", "3"), ("Total", "3")]
    for rater in raters:
        assert f"{rater.name} ({rater.email})" in body  # two pairs each

    psychometrician = browser(app, create_user(Role.PSYCHOMETRICIAN))
    assert "From 3 responses" in page(psychometrician.get(quality))
    assert browser(app, raters[0]).get(quality).status_code == 403


def test_the_responses_page_shows_what_is_not_final_unless_asked(client, login_as, sit, raters, exam_form):
    login_as(Role.COORDINATOR)
    sit(name="Waiting Wanda")
    for rating in two_raters(sit(name="Finished Fran"), raters):
        rate(rating, 3, 3)

    pages = {show: client.get(f"/rating/forms/{exam_form.id}/responses?show={show}").get_data(as_text=True)
             for show in ("open", "final", "all")}

    assert "Waiting Wanda" in pages["open"] and "Finished Fran" not in pages["open"]
    assert "Finished Fran" in pages["final"] and "Waiting Wanda" not in pages["final"]
    assert "Finished Fran" in pages["all"] and "Waiting Wanda" in pages["all"]


def test_the_rating_pages_name_a_vignette_by_its_part_as_the_candidate_saw_it(
    app, client, coordinator, sit, raters, exam_form, db
):
    # Part Two's second vignette is the form's fifth item: the candidate saw "Part Two, question 2".
    for _ in range(2):
        sit(vignette=2)
    for rating in assignment.assign_automatically(exam_form, T0, BY).ratings:
        ratings.save(rating, {"C1": 3, "C2": 3}, "Clear.", 60, T0, BY, submit=True)
    db.session.commit()
    response = vignette_of(sit(vignette=2))
    mine = assignment.assign(response, raters[0], T0, BY)
    db.session.commit()
    named = f"Part Two, question 2 ({response.form_item.item_version.item.identifier})"

    queue = page(client.get(f"/rating/forms/{exam_form.id}/responses?show=all"))
    assert queue.count(f"<td>{named}</td>") == 3 and '<td class="numeric">5</td>' not in queue
    rater = browser(app, raters[0])
    assert named in page(rater.get(f"/rating/responses/{mine.case.code}"))
    home = page(rater.get("/home/rater"))
    to_do = home[home.index('id="queue-heading"'):home.index('id="done-heading"')]
    assert f"<td>{named}</td>" in to_do and "question 5" not in home
    quality = page(client.get(f"/rating/forms/{exam_form.id}/quality"))
    assert f"<td>{named}</td>" in quality and "<td>5</td>" not in quality
