"""The marker crawler over the demo: each role follows every link it can reach
from its home page, downloads included, and nothing another role keeps from
it turns up. A candidate never sees keys, rationales, rubrics, item
statistics or another candidate's name or portfolio; a rater never sees a
candidate's name or email; a proctor never sees keys, rationales or rubrics.

It runs in-process over the browser tests' demo database (no browser needed),
so the markers are the demo's own texts plus one planted in a portfolio."""

import uuid
from datetime import date

import pytest
from sqlalchemy import select

from accounts import users
from accounts.models import User, UserRole
from accounts.roles import Role
from competencies.models import Application, ReferenceRequest, TrainingEntry
from extensions import db
from item_bank.models import ItemVersion
from tests.conftest import PASSWORD, CsrfClient
from tests.crawler import crawl, leaks
from tests.exam_fixtures import BY

STATISTICS = ["point-biserial", "Cronbach", "discrimination index", "alpha if deleted", "Mantel-Haenszel"]


def signed_in(live_app, email, password):
    client = CsrfClient(live_app, live_app.response_class, use_cookies=True)
    response = client.post("/sign-in", data={"email": email, "password": password})
    assert response.status_code == 302, f"{email} could not sign in"
    return client


def item_secrets():
    """Every rationale, holistic rubric and rubric level descriptor in the bank: the first 60
    characters of each, enough to be unique, short enough to survive wrapping."""
    secrets = set()
    for content in db.session.scalars(select(ItemVersion.content)):
        if content.get("rationale"):
            secrets.add(content["rationale"][:60])
        if (content.get("rubric") or {}).get("holistic"):
            secrets.add(content["rubric"]["holistic"][:60])
        for criterion in (content.get("rubric") or {}).get("criteria", []):
            secrets.update(level["descriptor"][:60] for level in criterion["levels"] if level.get("descriptor"))
    return secrets


def candidate_names_and_emails(except_id=None):
    """Every candidate's name and email but one's, and but those who asked that
    one for a reference: the requests mailed to them name who asks."""
    asked_by = select(Application.candidate_id).join(ReferenceRequest).join(
        User, User.email == ReferenceRequest.rater_email).where(User.id == except_id)
    candidates = db.session.scalars(select(User).join(UserRole).where(
        UserRole.role == Role.CANDIDATE.value, User.id != except_id, User.id.not_in(asked_by)))
    return {text for user in candidates for text in (user.name, user.email)}


def plant_training(application, marker):
    application.training.append(TrainingEntry(taken_on=date(2026, 3, 2), title=marker, provider=marker, hours=1.5,
                                              domains=[], topic=""))
    db.session.commit()


@pytest.fixture(scope="module")
def world(live_app):
    """The demo candidate (a draft portfolio) and the endorsed autumn candidate,
    given a known password, each with a marker in their own portfolio."""
    with live_app.app_context():
        draft = db.session.scalar(select(Application).join(User).where(User.email == "candidate@example.org"))
        endorsed = db.session.scalar(select(Application).where(Application.endorsement_number.is_not(None)))
        holder = endorsed.candidate
        users.update_user(holder, BY, email=holder.email, name=holder.name, roles=holder.roles, active=True,
                          password=PASSWORD)
        markers = {"candidate@example.org": f"Portfolio marker {uuid.uuid4().hex}",
                   holder.email: f"Portfolio marker {uuid.uuid4().hex}"}
        plant_training(draft, markers["candidate@example.org"])
        plant_training(endorsed, markers[holder.email])
        secrets = item_secrets()
        ids = {email: db.session.scalar(select(User.id).where(User.email == email)) for email in markers}
        others = {email: candidate_names_and_emails(except_id=user_id) for email, user_id in ids.items()}
        everyone = candidate_names_and_emails()
        db.session.remove()
    assert len(secrets) > 20 and len(everyone) > 200
    return {"markers": markers, "item_secrets": secrets, "other_candidates": others, "candidates": everyone,
            "passwords": {"candidate@example.org": "demo-candidate", holder.email: PASSWORD}}


@pytest.mark.parametrize("who", ["demo candidate", "endorsed candidate"])
def test_a_candidate_sees_no_key_rubric_statistic_or_other_candidate(live_app, world, who):
    email = "candidate@example.org" if who == "demo candidate" else next(
        e for e in world["markers"] if e != "candidate@example.org")
    client = signed_in(live_app, email, world["passwords"][email])

    bodies = crawl(client, "/home/candidate")

    assert any(world["markers"][email] in body for _, _, body in bodies), "the crawl missed the own portfolio"
    others = [marker for owner, marker in world["markers"].items() if owner != email]
    assert leaks(bodies, others) == []
    assert leaks(bodies, world["item_secrets"]) == []
    assert leaks(bodies, STATISTICS) == []
    assert leaks(bodies, world["other_candidates"][email]) == []


def test_a_rater_sees_no_candidate_name_or_email(live_app, world):
    client = signed_in(live_app, "rater@example.org", "demo-rater")

    bodies = crawl(client, "/home/rater")

    assert any("/rating/responses/" in path for path, _, _ in bodies), "the crawl reached no response to rate"
    assert leaks(bodies, world["candidates"]) == []


def test_a_proctor_sees_no_key_rationale_or_rubric(live_app, world):
    client = signed_in(live_app, "proctor@example.org", "demo-proctor")

    bodies = crawl(client, "/home/proctor")

    assert any(path.startswith("/proctor/sessions/") for path, _, _ in bodies), "the crawl reached no session"
    assert leaks(bodies, world["item_secrets"]) == []
    assert leaks(bodies, STATISTICS) == []
    assert leaks(bodies, world["markers"].values()) == []


def test_the_crawler_finds_what_a_role_may_see(live_app, world):
    """The same crawl as a coordinator: candidates' names and the endorsed
    candidate's planted marker are there (a draft is the candidate's alone), so
    an empty list above means absent, not missed."""
    client = signed_in(live_app, "coordinator@example.org", "demo-coordinator")

    bodies = crawl(client, "/home/coordinator")

    assert len(leaks(bodies, world["candidates"])) > 5
    endorsed = next(marker for email, marker in world["markers"].items() if email != "candidate@example.org")
    assert {marker for _, marker in leaks(bodies, world["markers"].values())} == {endorsed}
