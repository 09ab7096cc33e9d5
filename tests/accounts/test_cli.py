from accounts.models import User
from accounts.roles import Role
from audit.models import AuditEntry
from tests.conftest import sign_in


def test_users_create_makes_an_account_that_can_sign_in(runner, client, db):
    result = runner.invoke(
        args=["users", "create", "Ana@Example.org", "--role", "proctor", "--role", "rater",
              "--name", "Ana Ruiz", "--password", "a long enough password"]
    )

    assert result.exit_code == 0, result.output
    assert "Created ana@example.org with roles: proctor, rater" in result.output
    user = db.session.scalars(db.select(User).where(User.email == "ana@example.org")).one()
    assert user.roles == {Role.PROCTOR, Role.RATER}
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "user.created")).one()
    assert entry.origin.startswith("cli:") and entry.actor_id is None
    assert sign_in(client, "ana@example.org", "a long enough password").headers["Location"] == "/home/proctor"


def test_users_create_prompts_for_the_password(runner, db):
    result = runner.invoke(
        args=["users", "create", "bo@example.org", "--role", "candidate"], input="a long enough password\n" * 2
    )

    assert result.exit_code == 0, result.output
    assert db.session.scalars(db.select(User).where(User.email == "bo@example.org")).one().name == "bo"


def test_users_create_refuses_an_unknown_role(runner):
    result = runner.invoke(args=["users", "create", "x@example.org", "--role", "wizard", "--password", "x" * 12])

    assert result.exit_code == 2
    assert "Invalid value for '--role': 'wizard' is not one of" in result.output


def test_users_create_refuses_a_taken_email_and_changes_nothing(runner, create_user, db):
    create_user("candidate", email="dup@example.org")
    before = db.session.scalar(db.select(db.func.count()).select_from(AuditEntry))

    result = runner.invoke(args=["users", "create", "dup@example.org", "--role", "rater", "--password", "x" * 12])

    assert result.exit_code == 2
    assert "Invalid value for email: A user with email dup@example.org already exists." in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)) == before


def test_users_create_refuses_a_bad_email_and_a_short_password(runner):
    bad_email = runner.invoke(args=["users", "create", "not-an-email", "--role", "rater", "--password", "x" * 12])
    short = runner.invoke(args=["users", "create", "ok@example.org", "--role", "rater", "--password", "short"])

    assert bad_email.exit_code == 2 and "not-an-email is not a valid email address" in bad_email.output
    assert short.exit_code == 2 and "Password must be at least 10 characters." in short.output


def test_users_list_shows_roles_and_status(runner, create_user):
    create_user("proctor", "rater", email="pr@example.org")

    result = runner.invoke(args=["users", "list"])

    assert "pr@example.org\tproctor,rater\tactive" in result.output
