"""The demo sitting: a session of form MENTOR-A, open for a month, both demo candidates enrolled."""

from datetime import timedelta

from sqlalchemy import select

from accounts.users import user_by_email
from clock import utcnow
from exam import sessions
from exam.models import ExamSession
from extensions import db
from item_bank.models import Form

DEMO_SESSION = "Mentor written examination: demo sitting"
DEMO_CODE = "MENTOR26"


def load_demo_session(by):
    if db.session.scalar(select(ExamSession.id).where(ExamSession.name == DEMO_SESSION)) is not None:
        return f"session {DEMO_SESSION!r} already present (access code {DEMO_CODE})"
    form = db.session.scalar(select(Form).where(Form.code == "MENTOR-A"))
    now = utcnow()
    session = sessions.create_session(DEMO_SESSION, form, now - timedelta(hours=1), now + timedelta(days=30),
                                      "online", DEMO_CODE, 30, by)
    sessions.enroll(session, user_by_email("candidate@example.org"), by)
    sessions.enroll(session, user_by_email("candidate2@example.org"), by, time_multiplier=1.5, large_text=True)
    return (f"session {DEMO_SESSION!r} open for 30 days, access code {DEMO_CODE}; "
            "candidate2 has time x1.5 and large text")
