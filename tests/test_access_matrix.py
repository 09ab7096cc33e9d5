"""Every route x every principal gives its declared answer, with the security
headers; every state-changing route refuses a request without a CSRF token."""

import secrets
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from accounts.roles import Role
from accounts.users import create_user as create_user_service
from analysis import standard_setting
from audit.models import AuditEntry
from clock import utcnow
from competencies import documents, portfolio, references
from exam import delivery, incidents, sessions
from exam.models import ExamSession
from extensions import db, limiter
from item_bank.assembly import assemble_forms, publish_form
from security import HEADERS
from tests.access_matrix import ANONYMOUS, CHECKS, NO_ROLE, OTHER_CANDIDATE, OTHER_PROCTOR, PRINCIPALS, SIGNED_IN
from tests.competencies.conftest import png_bytes
from tests.conftest import PASSWORD, TEST_ACTOR, rolled_back, sign_in
from tests.item_bank_fixtures import new_blueprint, new_item, new_writer_and_reviewer, standard_domains


def test_every_route_is_in_the_matrix(app):
    declared = {(check.endpoint, check.method) for check in CHECKS}
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }

    assert routes - declared == set(), "add these routes to tests/access_matrix.py"
    assert declared - routes == set(), "these declared routes no longer exist"


@pytest.fixture(scope="module")
def world(app):
    """The objects the matrix's paths name, and a signed-in session cookie for
    each principal, built once in a transaction rolled back after the module."""
    with rolled_back(app) as connection:
        limiter.reset()
        objects = build_objects()
        cookies = {principal: signed_in_cookie(app, principal) for principal in PRINCIPALS}
        # No savepoint of the fixture's own session stays open under the checks'.
        db.session.remove()
        yield connection, objects, cookies


def build_objects():
    owner = create_user_service(f"owner-{secrets.token_hex(4)}@example.org", "Owner", {Role.CANDIDATE}, PASSWORD,
                                TEST_ACTOR)
    writer, reviewer = new_writer_and_reviewer()
    domains = standard_domains()
    item, enemy = new_item(domains, writer, reviewer), new_item(domains, writer, reviewer)
    blueprint = new_blueprint([{"title": "Part", "time_limit_minutes": 10, "rows": [
        {"domain": "TF", "kind": "selected_response", "count": 1}]}])
    form, delivered = assemble_forms(blueprint, ["MATRIX", "MATRIX-S"], TEST_ACTOR, seed=1)
    publish_form(delivered, TEST_ACTOR)
    now = utcnow()
    session = sessions.create_session("Matrix", delivered, now - timedelta(hours=1), now + timedelta(hours=3),
                                      "online", "CODE", 30, TEST_ACTOR)
    sessions.enroll(session, owner, TEST_ACTOR)
    attempt = delivery.join(session, owner.id, "CODE", now, TEST_ACTOR)
    delivery.agree(attempt, now, TEST_ACTOR)
    incident = incidents.record_incident(session, "technical", "The projector failed.", now, now, TEST_ACTOR)
    study = standard_setting.create_study(delivered, "Matrix panel", now, TEST_ACTOR)
    application = portfolio.start(owner.id, "mentor", "clinical", TEST_ACTOR)
    document = documents.store(application, "Card", "card.png", png_bytes(), TEST_ACTOR)
    with current_app.test_request_context():  # the request is mailed, with its link
        reference = references.ask(application, "colleague", "Pat", "pat@example.net", True, TEST_ACTOR, now)
    objects = {
        "owner_id": owner.id, "item_id": item.id, "enemy_id": enemy.id, "domain_id": item.latest.primary_domain_id,
        "blueprint_id": blueprint.id, "form_id": form.id, "form_item_id": form.form_items[0].id,
        "session_id": session.id, "attempt_id": attempt.id, "enrollment_id": attempt.enrollment_id,
        "incident_id": incident.id, "published_form_id": delivered.id,
        "published_form_item_id": delivered.form_items[0].id, "study_id": study.id,
        "response_id": attempt.responses[0].id,
        "application_id": application.id, "document_id": document.id, "reference_id": reference.id,
        "document_path": documents.path_of(document),
    }
    db.session.commit()
    return objects


def signed_in_cookie(app, principal):
    """The session cookie of a new user who is the principal (none for anonymous)."""
    if principal == ANONYMOUS:
        return None
    roles = {NO_ROLE: (), OTHER_CANDIDATE: (Role.CANDIDATE,), OTHER_PROCTOR: (Role.PROCTOR,)}.get(
        principal, (principal,))
    user = create_user_service(f"{principal}-{secrets.token_hex(4)}@example.org", principal, {Role(r) for r in roles}, PASSWORD,
                               TEST_ACTOR)
    if principal == Role.PROCTOR:
        session = db.session.scalars(select(ExamSession)).one()
        session.proctors.append(user)
    email = user.email
    db.session.commit()
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client.get_cookie("session").value


@pytest.fixture
def as_principal(app, world):
    """sign_in_as(principal): a client with the principal's session, and the
    objects the paths name; whatever the request changes is undone after the test."""
    connection, objects, cookies = world

    def sign_in_as(principal):
        client = app.test_client()
        if cookies[principal] is not None:
            client.set_cookie("session", cookies[principal])
        return client, objects

    check = connection.begin_nested()
    limiter.reset()
    try:
        yield sign_in_as
    finally:
        db.session.remove()
        check.rollback()
        # A document removed by a check is restored: its file is outside the transaction.
        if not objects["document_path"].exists():
            objects["document_path"].write_bytes(png_bytes())


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("check", CHECKS, ids=lambda check: f"{check.method} {check.path}")
def test_route_gives_the_declared_answer(as_principal, check, principal):
    client, objects = as_principal(principal)

    response = client.open(check.path.format(**objects), method=check.method, data={})
    response.close()

    assert response.status_code == check.status_for(principal)
    assert {name: response.headers.get(name) for name in HEADERS} == HEADERS


UNSAFE = [check for check in CHECKS if check.method not in ("GET", "HEAD", "OPTIONS")]


def allowed_principal(check):
    """Someone the route would serve, so that only the missing token stands in the way."""
    return next((p for p in SIGNED_IN if check.status_for(p) not in (403, 404)), ANONYMOUS)


@pytest.mark.parametrize("check", UNSAFE, ids=lambda check: f"{check.method} {check.path}")
def test_state_changing_route_without_a_csrf_token_is_refused_and_changes_nothing(as_principal, check):
    client, objects = as_principal(allowed_principal(check))
    audited = db.session.scalar(select(func.count()).select_from(AuditEntry))

    response = client.open(check.path.format(**objects), method=check.method, data={}, csrf=False)
    response.close()

    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audited
