"""Demo accounts: one per role, with published passwords, for trying Attest."""

from accounts import users
from accounts.roles import Role

DEMO_DOMAIN = "example.org"


def demo_accounts():
    """(email, name, roles, password) for every demo account."""
    accounts = [
        (f"{role.value.replace('_', '-')}@{DEMO_DOMAIN}", f"Demo {role.label}", {role}, f"demo-{role.value.replace('_', '-')}")
        for role in Role
    ]
    accounts.append((f"candidate2@{DEMO_DOMAIN}", "Demo Second Candidate", {Role.CANDIDATE}, "demo-candidate2"))
    # A portfolio is decided by two reviewers.
    accounts.append((f"coordinator2@{DEMO_DOMAIN}", "Demo Second Coordinator", {Role.COORDINATOR}, "demo-coordinator2"))
    # Double scoring needs two raters, and a disagreement a third, the adjudicator.
    accounts.append((f"rater2@{DEMO_DOMAIN}", "Demo Second Rater", {Role.RATER}, "demo-rater2"))
    accounts.append((f"rater3@{DEMO_DOMAIN}", "Demo Third Rater", {Role.RATER}, "demo-rater3"))
    return accounts


def load_demo_users(by):
    """Create the demo accounts that do not exist yet; return (account, created) pairs."""
    loaded = []
    for email, name, roles, password in demo_accounts():
        exists = users.user_by_email(email) is not None
        if not exists:
            users.create_user(email, name, roles, password, by)
        loaded.append(((email, roles, password), not exists))
    return loaded
