"""Concerns: a rater flags a worrying response for the coordinators, who
are mailed, read it and mark it handled; the rating goes on meanwhile."""

import pytest
from sqlalchemy import select

from accounts.roles import Role
from audit.models import AuditEntry
from rating import assignment, concerns
from rating.models import Concern, Rating
from tests.exam_fixtures import BY, T0
from tests.outbox_reading import links, queued
from tests.rating.test_rating_service import two_raters
from tests.rating.test_views import browser, page, rating_data, reload
from tests.rating_fixtures import vignette_of

pytestmark = pytest.mark.built_once

RISK = "child_at_risk"


def test_a_rater_on_the_response_flags_it_once_and_the_coordinators_are_told(
    app, sit, raters, create_user, db
):
    coordinator = create_user(Role.COORDINATOR)
    first, _ = two_raters(sit(), raters)
    case = first.case

    concern = concerns.raise_concern(case, RISK, "The mother mentions leaving the baby alone for days.", raters[0],
                                     T0, BY)

    assert (concern.raised_by_id, concern.handled) == (raters[0].id, False)
    with pytest.raises(concerns.ConcernRefused, match="already flagged"):
        concerns.raise_concern(case, "cheating", "", raters[0], T0, BY)
    messages = queued("rating.concern_raised")
    assert coordinator.email in [message.to_address for message in messages]
    assert raters[0].email not in [message.to_address for message in messages]
    mine = next(message for message in messages if message.to_address == coordinator.email)
    assert mine.subject == f"A rater flagged response {case.code}"
    assert "the response suggests a risk to a child" in mine.text_body
    assert "leaving the baby" not in mine.text_body  # the details are read signed in
    assert links(app, mine) == [("rating.concern", {"concern_id": concern.id})]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "rating.concern_raised")).one()
    assert entry.details == {"case": case.code, "reason": RISK}


def test_only_its_raters_and_staff_may_flag_a_response_and_something_else_needs_details(
    sit, raters, create_user
):
    first, _ = two_raters(sit(), raters)

    with pytest.raises(concerns.ConcernRefused, match="only a rater of this response"):
        concerns.raise_concern(first.case, RISK, "", raters[2], T0, BY)
    with pytest.raises(concerns.ConcernRefused, match="only a rater of this response"):
        concerns.raise_concern(first.case, RISK, "", create_user(Role.PROCTOR), T0, BY)
    with pytest.raises(concerns.ConcernRefused, match="details: say what worries you"):
        concerns.raise_concern(first.case, "other", " ", raters[1], T0, BY)
    with pytest.raises(concerns.ConcernRefused, match="reason"):
        concerns.raise_concern(first.case, "boredom", "", raters[1], T0, BY)

    assert concerns.raise_concern(first.case, "other", "Reads like a published text.", raters[1], T0, BY)
    assert concerns.raise_concern(first.case, "cheating", "", create_user(Role.COORDINATOR), T0, BY)


def test_a_coordinator_handles_a_concern_with_a_note_and_the_rater_may_flag_again(sit, raters, create_user, db):
    coordinator = create_user(Role.COORDINATOR)
    first, _ = two_raters(sit(), raters)
    concern = concerns.raise_concern(first.case, RISK, "", raters[0], T0, BY)

    with pytest.raises(concerns.ConcernRefused, match="only coordinators and admins"):
        concerns.handle(concern, "Seen.", raters[0], T0, BY)
    with pytest.raises(concerns.ConcernRefused, match="note"):
        concerns.handle(concern, "", coordinator, T0, BY)
    concerns.handle(concern, "Passed to the safeguarding lead.", coordinator, T0, BY)

    assert (concern.handled, concern.handled_by_id, concern.handled_note) == (
        True, coordinator.id, "Passed to the safeguarding lead.")
    assert concerns.concerns() == [] and concerns.concerns(handled=True) == [concern]
    with pytest.raises(concerns.ConcernRefused, match="already handled"):
        concerns.handle(concern, "Again.", coordinator, T0, BY)
    assert concerns.raise_concern(first.case, "cheating", "", raters[0], T0, BY).id != concern.id
    assert db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("rating.concern_%")).order_by(AuditEntry.id)).all() == [
        "rating.concern_raised", "rating.concern_handled", "rating.concern_raised"]


def test_a_rater_flags_from_the_rating_page_goes_on_rating_and_a_coordinator_handles_it(
    app, client, login_as, sit, raters, db
):
    coordinator = login_as(Role.COORDINATOR)
    mine = assignment.assign(vignette_of(sit()), raters[0], T0, BY)
    db.session.commit()
    code, rating_id = mine.case.code, mine.id
    rater = browser(app, raters[0])
    assert "Flag this response for a coordinator" in page(rater.get(f"/rating/responses/{code}"))

    missing = rater.post(f"/rating/responses/{code}/concern", data={"reason": "other", "details": ""})
    assert missing.status_code == 200 and "details: say what worries you" in page(missing)
    assert "<details open>" in page(missing)
    flagged = rater.post(f"/rating/responses/{code}/concern",
                         data={"reason": RISK, "details": "The baby is left alone at night."})
    assert flagged.headers["Location"] == f"/rating/responses/{code}"
    after = page(rater.get(flagged.headers["Location"]))
    assert f"Concern about {code} sent to the coordinators." in after
    assert "You flagged this response on" in after and "Flag this response for a coordinator" not in after
    again = rater.post(f"/rating/responses/{code}/concern", data={"reason": "cheating", "details": ""})
    assert "you have already flagged this response" in page(again)

    submitted = rater.post(f"/rating/responses/{code}", data=rating_data("submit", "Clear.", C1=2, C2=3))
    assert submitted.headers["Location"] == "/home/rater"
    assert reload(db, Rating, rating_id).submitted

    overview = page(client.get("/rating/overview"))
    concern_id = db.session.scalar(select(Concern.id))
    assert "Concerns raised by raters (1)" in overview
    assert f'href="/rating/concerns/{concern_id}">{code}</a>' in overview
    assert "The response suggests a risk to a child: The baby is left alone at night." in overview
    assert raters[0].email in overview
    detail = page(client.get(f"/rating/concerns/{concern_id}"))
    assert "The baby is left alone at night." in detail and "I notice the baby turns away" in detail

    handled = client.post(f"/rating/concerns/{concern_id}", data={"note": "Called the candidate's supervisor."})
    assert handled.headers["Location"] == "/rating/overview"
    overview = page(client.get("/rating/overview"))
    assert f"Concern about {code} marked handled." in overview and "Concerns raised by raters (0)" in overview
    assert f"handled by {coordinator.email}" in overview
    assert "Called the candidate&#39;s supervisor." in page(client.get(f"/rating/concerns/{concern_id}"))


def test_a_rater_not_on_the_response_cannot_flag_it(app, sit, raters, db):
    mine = assignment.assign(vignette_of(sit()), raters[0], T0, BY)
    db.session.commit()

    refused = browser(app, raters[1]).post(f"/rating/responses/{mine.case.code}/concern",
                                           data={"reason": RISK, "details": ""})

    assert refused.status_code == 404
    assert db.session.scalar(select(Concern.id)) is None
