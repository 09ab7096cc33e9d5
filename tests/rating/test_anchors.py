"""Anchor responses: a coordinator holds up rated responses of a vignette as
examples of their scores; its raters read them, never their candidates."""

import pytest
from sqlalchemy import select

from accounts.roles import Role
from audit.models import AuditEntry
from rating import anchors, assignment
from rating.models import AnchorResponse
from tests.exam_fixtures import BY, T0
from tests.rating.test_rating_service import rate, two_raters
from tests.rating.test_views import browser, page
from tests.rating_fixtures import vignette_of

pytestmark = pytest.mark.built_once

WHY = "Names the baby's cue but not what it may mean: a 2 on Reflection."


def rated_case(sit, raters, name="Zelda Quartermain", text=None):
    """A response both first raters scored 3 and 2 (final: 5 of 6 points)."""
    attempt = sit(name=name, text=text or "I notice the baby turns away when the visitor raises her voice.")
    first, second = two_raters(attempt, raters)
    rate(first, 3, 2)
    rate(second, 3, 2)
    return first.case


@pytest.fixture
def coordinator_user(create_user):
    return create_user(Role.COORDINATOR)


def test_only_a_response_with_a_final_score_becomes_an_anchor_and_only_by_a_coordinator(
    sit, raters, coordinator_user, db
):
    unrated, _ = two_raters(sit(), raters)
    with pytest.raises(anchors.AnchorRefused, match="no final score yet"):
        anchors.choose(unrated.case, WHY, coordinator_user, T0, BY)

    case = rated_case(sit, raters)
    with pytest.raises(anchors.AnchorRefused, match="only coordinators and admins"):
        anchors.choose(case, WHY, raters[0], T0, BY)
    with pytest.raises(anchors.AnchorRefused, match="annotation"):
        anchors.choose(case, "  ", coordinator_user, T0, BY)

    anchor = anchors.choose(case, WHY, coordinator_user, T0, BY)

    assert (anchor.case_id, anchor.annotation, anchor.chosen_by_id) == (case.id, WHY, coordinator_user.id)
    with pytest.raises(anchors.AnchorRefused, match="already an anchor"):
        anchors.choose(case, WHY, coordinator_user, T0, BY)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "rating.anchor_chosen")).one()
    assert entry.details == {"case": case.code, "final_points": 5.0, "annotation": WHY}


def test_raters_of_the_vignette_read_anchors_without_their_candidate(sit, raters, coordinator_user):
    written = "Zelda here (zelda.q@example.org): as Zelda Quartermain I would wonder with the mother first."
    case = rated_case(sit, raters, text=written)
    case.response.attempt.enrollment.candidate.email = "zelda.q@example.org"
    anchors.choose(case, "Zelda shows reflection: a 2.", coordinator_user, T0, BY)
    rated_now = assignment.assign(vignette_of(sit()), raters[0], T0, BY)

    [anchor] = anchors.for_rater(rated_now.case)

    assert (anchor.number, anchor.points, anchor.possible) == (1, 5.0, 6)
    assert anchor.scores == [("Infant's perspective", 3.0), ("Reflection", 2.0)]
    assert anchor.texts == ["[name withheld] here ([name withheld]): as [name withheld] [name withheld] I would "
                            "wonder with the mother first."]
    assert anchor.annotation == "[name withheld] shows reflection: a 2."
    assert anchors.for_rater(case) == []  # an anchor is not its own example


def test_a_removed_anchor_is_audited_and_raters_no_longer_see_it(sit, raters, coordinator_user, db):
    anchor = anchors.choose(rated_case(sit, raters), WHY, coordinator_user, T0, BY)
    waiting = assignment.assign(vignette_of(sit()), raters[0], T0, BY)

    with pytest.raises(anchors.AnchorRefused):
        anchors.remove(anchor, raters[0], BY)
    anchors.remove(anchor, coordinator_user, BY)

    assert anchors.for_rater(waiting.case) == []
    assert db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("rating.anchor_%")).order_by(AuditEntry.id)).all() == [
        "rating.anchor_chosen", "rating.anchor_removed"]


def test_a_coordinator_chooses_an_anchor_and_a_rater_reads_it_blind(
    app, client, login_as, sit, raters, exam_form, db
):
    login_as(Role.COORDINATOR)
    case = rated_case(sit, raters, name="SECRET-NAME-Yolanda")
    waiting = assignment.assign(vignette_of(sit()), raters[2], T0, BY)
    db.session.commit()
    code, waiting_code = case.code, waiting.case.code
    listing = page(client.get(f"/rating/forms/{exam_form.id}/anchors"))
    form_item_id = case.response.form_item_id
    assert "No anchors yet." in listing and f"{code}: 5 points" in listing
    assert 'href="/rating/forms/%d/anchors"' % exam_form.id in page(client.get(f"/rating/forms/{exam_form.id}/responses"))

    refused = client.post(f"/rating/forms/{exam_form.id}/items/{form_item_id}/anchors",
                          data={f"item-{form_item_id}-case_id": case.id, f"item-{form_item_id}-annotation": ""})
    assert refused.status_code == 200 and "This field is required." in page(refused)
    chosen = client.post(f"/rating/forms/{exam_form.id}/items/{form_item_id}/anchors",
                         data={f"item-{form_item_id}-case_id": case.id, f"item-{form_item_id}-annotation": WHY})
    assert chosen.headers["Location"] == f"/rating/forms/{exam_form.id}/anchors"
    listing = page(client.get(chosen.headers["Location"]))
    assert f"{code} is an anchor response now." in listing and WHY.replace("'", "&#39;") in listing

    rater_page = page(browser(app, raters[2]).get(f"/rating/responses/{waiting_code}"))
    assert "Anchor responses of this vignette (1)" in rater_page
    assert "Anchor 1: 5 of 6 points" in rater_page and WHY.replace("'", "&#39;") in rater_page
    assert "I notice the baby turns away" in rater_page
    assert code not in rater_page and "SECRET-NAME-Yolanda" not in rater_page

    anchor_id = db.session.scalar(select(AnchorResponse.id))
    removed = client.post(f"/rating/anchors/{anchor_id}/remove", follow_redirects=True)
    assert "Anchor removed." in page(removed) and "No anchors yet." in page(removed)
    assert "Anchor responses of this vignette (0)" in page(browser(app, raters[2]).get(
        f"/rating/responses/{waiting_code}"))
