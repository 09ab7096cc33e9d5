"""`flask demo load`, as `make run` runs it: the demo database is loaded once
per backend (tests/conftest.py `demo_database`); these tests read a copy of it,
each in a transaction rolled back after the test."""

import pytest

from accounts.models import User
from accounts.roles import Role
from audit.models import AuditEntry
from exam import identity
from exam.demo import PROCTORED_SESSION, WAITING_CANDIDATES
from exam.models import ExamSession
from extensions import db
from item_bank.assembly import check_form
from item_bank.items import enemy_pairs
from item_bank.models import Form, Item
from tests.conftest import app_for_tests, copy_of_demo, rolled_back, sign_in


@pytest.fixture(scope="module")
def demo_app(demo_database, tmp_path_factory):
    copy = copy_of_demo(demo_database, "demo-checks", tmp_path_factory.mktemp("demo-checks"))
    with app_for_tests(copy.config()) as app:
        yield app


@pytest.fixture
def demo(demo_app):
    with rolled_back(demo_app):
        yield demo_app


def counts():
    return (
        db.session.scalar(db.select(db.func.count()).select_from(User)),
        db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)),
    )


def test_demo_load_creates_one_account_per_role_and_prints_them(demo, demo_database):
    for role in Role:
        holders = db.session.scalars(db.select(User).where(User.role_rows.any(role=role.value))).all()
        assert holders, role
        assert holders[0].email in demo_database.load_output
    assert "admin@example.org                demo-admin" in demo_database.load_output


def test_demo_load_twice_changes_nothing(demo):
    after_first = counts()

    result = demo.test_cli_runner().invoke(args=["demo", "load"])

    assert result.exit_code == 0, result.output
    assert counts() == after_first
    assert "0 accounts created" in result.output


def test_printed_demo_passwords_sign_in(demo):
    assert sign_in(demo.test_client(), "psychometrician@example.org", "demo-psychometrician").headers["Location"] == (
        "/home/psychometrician"
    )


def test_demo_bank_has_the_items_blueprint_and_two_published_forms(demo):
    kinds = db.session.scalars(db.select(Item.kind)).all()
    assert kinds.count("selected_response") >= 80 and kinds.count("constructed_response") >= 4
    forms = db.session.scalars(db.select(Form).order_by(Form.code)).all()
    assert [(f.code, f.status) for f in forms] == [("MENTOR-A", "published"), ("MENTOR-B", "published")]
    for form in forms:
        assert check_form(form).problems == []
        assert [len(s.form_items) for s in form.sections] == [60, 3]
        assert [s.answer_count for s in form.sections] == [None, 2]
        on_form = {fi.item_version.item_id for fi in form.form_items}
        assert not any(pair <= on_form for pair in enemy_pairs())
    assert enemy_pairs()


def test_the_demo_room_checks_identity_and_the_first_waiting_candidate_is_checked(demo):
    room = db.session.scalar(db.select(ExamSession).where(ExamSession.name == PROCTORED_SESSION))
    checked = {e.candidate.name: identity.in_force(e) is not None for e in room.enrollments if e.attempt}

    assert room.requires_identity_check and not room.auto_admit
    assert checked == {name: name == WAITING_CANDIDATES[0][0] for name, _ in WAITING_CANDIDATES}
    (check,) = identity.session_checks(room)
    assert check.checked_by.email == "proctor@example.org"
