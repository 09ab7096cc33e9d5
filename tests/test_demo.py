from accounts.models import User
from accounts.roles import Role
from audit.models import AuditEntry
from tests.conftest import sign_in


def counts(db):
    return (
        db.session.scalar(db.select(db.func.count()).select_from(User)),
        db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)),
    )


def test_demo_load_creates_one_account_per_role_and_prints_them(runner, db):
    result = runner.invoke(args=["demo", "load"])

    assert result.exit_code == 0, result.output
    for role in Role:
        holders = db.session.scalars(db.select(User).where(User.role_rows.any(role=role.value))).all()
        assert holders, role
        assert holders[0].email in result.output
    assert "admin@example.org                demo-admin" in result.output


def test_demo_load_twice_changes_nothing(runner, db):
    runner.invoke(args=["demo", "load"])
    after_first = counts(db)

    result = runner.invoke(args=["demo", "load"])

    assert counts(db) == after_first
    assert "0 accounts created" in result.output


def test_printed_demo_passwords_sign_in(runner, client):
    runner.invoke(args=["demo", "load"])

    assert sign_in(client, "psychometrician@example.org", "demo-psychometrician").headers["Location"] == (
        "/home/psychometrician"
    )
