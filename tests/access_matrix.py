"""Who may use which route: the declared answer for every principal.

Every route of the app must appear here (test_access_matrix checks it). When
an issue adds a route, it adds a line. Paths may name `{owner_id}`: the id of
a candidate who is not the signed-in principal ("another candidate's" object).
"""

from dataclasses import dataclass, field

from accounts.roles import Role

ANONYMOUS = "anonymous"
NO_ROLE = "no_role"
OTHER_CANDIDATE = "other_candidate"
PRINCIPALS = [ANONYMOUS, NO_ROLE, OTHER_CANDIDATE, *(role.value for role in Role)]
SIGNED_IN = [p for p in PRINCIPALS if p != ANONYMOUS]


@dataclass(frozen=True)
class Check:
    method: str
    path: str
    endpoint: str
    expected: dict = field(hash=False)

    def status_for(self, principal):
        return self.expected[principal]


def everyone(status, anonymous=None):
    return {p: status for p in SIGNED_IN} | {ANONYMOUS: status if anonymous is None else anonymous}


def only(allowed, status=200):
    """The given roles get `status`; other signed-in users 403; anonymous is sent to sign in."""
    allowed = {role.value for role in allowed}
    return {p: (status if p in allowed else 403) for p in SIGNED_IN} | {ANONYMOUS: 302}


def role_home(role):
    return only([role])


ADMIN = [Role.ADMIN]

CHECKS = [
    Check("GET", "/", "home.index", everyone(302)),
    Check("GET", "/home", "home.no_role", everyone(302) | {NO_ROLE: 200}),
    *(
        Check("GET", f"/home/{role.value.replace('_', '-')}", f"home.{role.value}",
              role_home(role) | ({OTHER_CANDIDATE: 200} if role is Role.CANDIDATE else {}))
        for role in Role
    ),
    Check("GET", "/sign-in", "accounts.sign_in", everyone(302, anonymous=200)),
    Check("POST", "/sign-in", "accounts.sign_in", everyone(302, anonymous=200)),
    Check("POST", "/sign-out", "accounts.sign_out", everyone(302)),
    Check("GET", "/admin/users", "accounts.list_users", only(ADMIN)),
    Check("GET", "/admin/users/new", "accounts.create_user", only(ADMIN)),
    Check("POST", "/admin/users/new", "accounts.create_user", only(ADMIN)),
    Check("GET", "/admin/users/{owner_id}", "accounts.edit_user", only(ADMIN)),
    Check("GET", "/admin/users/999999999", "accounts.edit_user", only(ADMIN, status=404)),
    # An empty post keeps every field as it was: saved, redirected.
    Check("POST", "/admin/users/{owner_id}", "accounts.edit_user", only(ADMIN, status=302)),
    Check("GET", "/admin/audit", "audit.list_entries", only(ADMIN)),
    Check("GET", "/healthz", "health.healthz", everyone(200)),
    Check("GET", "/static/css/attest.css", "static", everyone(200)),
]
