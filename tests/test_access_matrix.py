"""Every route x every principal gives its declared answer, with the security
headers; every state-changing route refuses a request without a CSRF token."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from accounts.roles import Role
from analysis import standard_setting
from audit.log import Actor
from audit.models import AuditEntry
from clock import utcnow
from competencies import documents, portfolio, references
from exam import delivery, incidents, sessions
from exam.models import ExamSession
from item_bank.assembly import assemble_forms, publish_form
from security import HEADERS
from tests.access_matrix import ANONYMOUS, CHECKS, NO_ROLE, OTHER_CANDIDATE, OTHER_PROCTOR, PRINCIPALS, SIGNED_IN
from tests.competencies.conftest import png_bytes
from tests.conftest import sign_in


def test_every_route_is_in_the_matrix(app):
    declared = {(check.endpoint, check.method) for check in CHECKS}
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }

    assert routes - declared == set(), "add these routes to tests/access_matrix.py"
    assert declared - routes == set(), "these declared routes no longer exist"


@pytest.fixture
def objects(create_user, make_item, make_blueprint, db):
    """The objects the matrix's paths name, by placeholder."""
    owner = create_user(Role.CANDIDATE)
    item, enemy = make_item(domain="TF"), make_item(domain="TF")
    blueprint = make_blueprint([{"title": "Part", "time_limit_minutes": 10, "rows": [
        {"domain": "TF", "kind": "selected_response", "count": 1}]}])
    by = Actor(None, "tests")
    form, delivered = assemble_forms(blueprint, ["MATRIX", "MATRIX-S"], by, seed=1)
    publish_form(delivered, by)
    now = utcnow()
    session = sessions.create_session("Matrix", delivered, now - timedelta(hours=1), now + timedelta(hours=3),
                                      "online", "CODE", 30, by)
    sessions.enroll(session, owner, by)
    attempt = delivery.join(session, owner.id, "CODE", now, by)
    delivery.agree(attempt, now, by)
    incident = incidents.record_incident(session, "technical", "The projector failed.", now, now, by)
    study = standard_setting.create_study(delivered, "Matrix panel", now, by)
    application = portfolio.start(owner.id, "mentor", "clinical", by)
    document = documents.store(application, "Card", "card.png", png_bytes(), by)
    reference, _ = references.ask(application, "colleague", "Pat", "pat@example.net", True, by, now)
    db.session.commit()
    return {
        "owner_id": owner.id, "item_id": item.id, "enemy_id": enemy.id, "domain_id": item.latest.primary_domain_id,
        "blueprint_id": blueprint.id, "form_id": form.id, "form_item_id": form.form_items[0].id,
        "session_id": session.id, "attempt_id": attempt.id, "enrollment_id": attempt.enrollment_id,
        "incident_id": incident.id, "published_form_id": delivered.id,
        "published_form_item_id": delivered.form_items[0].id, "study_id": study.id,
        "response_id": attempt.responses[0].id,
        "application_id": application.id, "document_id": document.id, "reference_id": reference.id,
    }


@pytest.fixture
def as_principal(client, create_user, objects, db):
    """Sign `client` in as the principal; return the objects the paths name."""

    def sign_in_as(principal):
        if principal != ANONYMOUS:
            roles = {NO_ROLE: (), OTHER_CANDIDATE: (Role.CANDIDATE,), OTHER_PROCTOR: (Role.PROCTOR,)}.get(
                principal, (principal,))
            user = create_user(*roles)
            if principal == Role.PROCTOR:
                session = db.session.get(ExamSession, objects["session_id"])
                session.proctors.append(user)
                db.session.commit()
            assert sign_in(client, user.email).status_code == 302
        return objects

    return sign_in_as


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("check", CHECKS, ids=lambda check: f"{check.method} {check.path}")
def test_route_gives_the_declared_answer(client, as_principal, check, principal):
    objects = as_principal(principal)

    response = client.open(check.path.format(**objects), method=check.method, data={})
    response.close()

    assert response.status_code == check.status_for(principal)
    assert {name: response.headers.get(name) for name in HEADERS} == HEADERS


UNSAFE = [check for check in CHECKS if check.method not in ("GET", "HEAD", "OPTIONS")]


def allowed_principal(check):
    """Someone the route would serve, so that only the missing token stands in the way."""
    return next((p for p in SIGNED_IN if check.status_for(p) not in (403, 404)), ANONYMOUS)


@pytest.mark.parametrize("check", UNSAFE, ids=lambda check: f"{check.method} {check.path}")
def test_state_changing_route_without_a_csrf_token_is_refused_and_changes_nothing(client, as_principal, check, db):
    objects = as_principal(allowed_principal(check))
    audited = db.session.scalar(select(func.count()).select_from(AuditEntry))

    response = client.open(check.path.format(**objects), method=check.method, data={}, csrf=False)
    response.close()

    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audited
