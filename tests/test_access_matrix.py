"""Every route x every principal gives its declared answer."""

import pytest

from accounts.roles import Role
from tests.access_matrix import ANONYMOUS, CHECKS, NO_ROLE, OTHER_CANDIDATE, PRINCIPALS
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
def as_principal(client, create_user):
    """Sign `client` in as the principal; return the candidate who owns `{owner_id}`."""

    def sign_in_as(principal):
        owner = create_user(Role.CANDIDATE)
        if principal == ANONYMOUS:
            return owner
        roles = {NO_ROLE: (), OTHER_CANDIDATE: (Role.CANDIDATE,)}.get(principal, (principal,))
        user = create_user(*roles)
        assert sign_in(client, user.email).status_code == 302
        return owner

    return sign_in_as


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("check", CHECKS, ids=lambda check: f"{check.method} {check.path}")
def test_route_gives_the_declared_answer(client, as_principal, check, principal):
    owner = as_principal(principal)

    response = client.open(check.path.format(owner_id=owner.id), method=check.method, data={})
    response.close()

    assert response.status_code == check.status_for(principal)
