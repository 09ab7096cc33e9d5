"""The state poll's one-read answer (exam/polling.py) is given only where the
full path would give the same: a live sign-in of the attempt's own candidate,
a clock still running. Anything else goes the full way, which refuses or
settles as every runner request does."""

from datetime import timedelta

import pytest
from sqlalchemy import delete

from accounts.models import LoginSession, UserRole
from accounts.signin import end_all_login_sessions
from tests.exam.test_views import sitting_in
from tests.exam_fixtures import T0

pytestmark = pytest.mark.built_once


@pytest.fixture
def sitting(client, create_user, exam_session, db, time_machine):
    """A candidate signed in on `client`, sitting Part One (10 minutes), claimed by tab "t"."""
    attempt, _ = sitting_in(client, create_user, exam_session, db, time_machine)
    return attempt.enrollment.candidate, attempt


def poll(client, attempt):
    return client.get(f"/exam/attempts/{attempt.id}/state?tab=t")


def ended(candidate, app, db):
    end_all_login_sessions(candidate)


def expired(candidate, app, db):
    # Moved back on the server: a browser drops a cookie past its age by itself, an HTTP client need not.
    for login in db.session.scalars(db.select(LoginSession).where(LoginSession.user_id == candidate.id)):
        login.started_at -= timedelta(seconds=app.config["PERMANENT_SESSION_LIFETIME"])


def deactivated(candidate, app, db):
    candidate.active = False


def no_longer_a_candidate(candidate, app, db):
    db.session.execute(delete(UserRole).where(UserRole.user_id == candidate.id))


@pytest.mark.parametrize("change", [ended, expired, deactivated, no_longer_a_candidate])
def test_a_poll_is_answered_only_for_a_live_sign_in_of_a_candidate(client, sitting, app, db, time_machine, change):
    candidate, attempt = sitting
    time_machine.move_to(T0 + timedelta(seconds=4), tick=False)
    assert poll(client, attempt).status_code == 200

    change(candidate, app, db)
    db.session.commit()
    answer = poll(client, attempt)

    assert answer.status_code in (302, 401, 403)
    assert "seconds_left" not in answer.get_data(as_text=True)


def test_a_poll_that_finds_the_time_run_out_closes_the_part(client, sitting, exam_session, db, time_machine):
    candidate, attempt = sitting
    time_machine.move_to(T0 + timedelta(minutes=10, seconds=exam_session.grace_seconds + 1), tick=False)

    state = poll(client, attempt).get_json()

    db.session.expire_all()
    assert attempt.sections[0].closed_at == T0 + timedelta(minutes=10)
    assert (state["code"], state["position"]) == ("in_progress", 2)  # Part Two, 20 minutes from Part One's end
    assert state["deadline"] == (T0 + timedelta(minutes=30)).isoformat()
