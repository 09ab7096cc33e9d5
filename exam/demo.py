"""The demo sittings of form MENTOR-A, both open for a month:

- an online session that admits candidates as they agree to the terms, so a
  candidate can try the whole examination alone;
- a proctored room session that checks identity at the door and waits for
  the demo proctor to admit each candidate, with a few more candidates
  already joined and waiting (the first with their identity checked), so the
  live board has something to show.
"""

from datetime import timedelta

from sqlalchemy import select

from accounts.roles import Role
from accounts.users import create_user, user_by_email
from audit.log import Actor
from clock import utcnow
from exam import delivery, proctoring, sessions
from exam.models import DocumentType, ExamSession
from extensions import db
from item_bank.models import Form

DEMO_SESSION = "Mentor written examination: demo sitting"
DEMO_CODE = "MENTOR26"
PROCTORED_SESSION = "Mentor written examination: proctored room sitting"
PROCTORED_CODE = "ROOM204"
WAITING_CANDIDATES = [("Ana López", "ana.lopez"), ("Grace Owusu", "grace.owusu"), ("Mei Chen", "mei.chen")]
ABSENT_CANDIDATE = ("Samuel Brooks", "samuel.brooks")
# The past sitting `analysis/demo.py` simulates, `results/demo.py` rates and releases.
PAST_SESSION = "Mentor written examination: autumn sitting (demo results)"
PAST_CODE = "AUTUMN25"
SEED = 2025


def _candidate(name, local, by):
    """A candidate who fills the room; nobody signs in as them (no password)."""
    email = f"{local}@example.org"
    return user_by_email(email) or create_user(email, name, {Role.CANDIDATE}, None, by)


def load_demo_session(by):
    if db.session.scalar(select(ExamSession.id).where(ExamSession.name == DEMO_SESSION)) is not None:
        return [f"session {DEMO_SESSION!r} already present (access code {DEMO_CODE})"]
    form = db.session.scalar(select(Form).where(Form.code == "MENTOR-A"))
    proctor = user_by_email("proctor@example.org")
    now = utcnow()
    window = (now - timedelta(hours=1), now + timedelta(days=30))
    online = sessions.schedule(sessions.Options(DEMO_SESSION, form, *window, proctors=[proctor]), by, DEMO_CODE)
    sessions.enroll(online, user_by_email("candidate@example.org"), by)
    sessions.enroll(online, user_by_email("candidate2@example.org"), by, time_multiplier=1.5, large_text=True)

    room = sessions.schedule(sessions.Options(PROCTORED_SESSION, form, *window, location="Room 204, Association offices",
                                              capacity=40, auto_admit=False, readmit_on_resume=True,
                                              requires_identity_check=True, proctors=[proctor]), by, PROCTORED_CODE)
    sessions.enroll(room, user_by_email("candidate@example.org"), by)
    for number, (name, local) in enumerate(WAITING_CANDIDATES):
        candidate = _candidate(name, local, by)
        enrollment = sessions.enroll(room, candidate, by)
        attempt = delivery.join(room, candidate.id, PROCTORED_CODE, now, by)
        delivery.agree(attempt, now, by)
        if number == 0:
            proctoring.check_identity(room, enrollment, DocumentType.PASSPORT.value, name, "", now,
                                      Actor(proctor.id, by.origin))
    sessions.enroll(room, _candidate(*ABSENT_CANDIDATE, by), by, extra_minutes=15)
    return [
        f"session {DEMO_SESSION!r}: online, admits automatically, access code {DEMO_CODE}; "
        "candidate2 has time x1.5 and large text",
        f"session {PROCTORED_SESSION!r}: proctor@example.org checks identity and admits, access code "
        f"{PROCTORED_CODE}; {len(WAITING_CANDIDATES)} candidates are waiting to be admitted, the first "
        "with their identity checked",
    ]
