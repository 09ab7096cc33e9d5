"""The message enrolment sends: the candidate learns when and where the
session is and how to join. The access code is not in it: the proctor gives
it at the start of the session (`delivery.join` refuses anyone without it), so
a forwarded or intercepted message lets no one in."""

from mail.notify import notify


def enrolled(enrollment):
    session = enrollment.session
    notify(enrollment.candidate, f"Enrolled: {session.name}, {session.opens_at:%Y-%m-%d %H:%M} UTC",
           "session_enrolled", f"you are enrolled in the exam session {session.name}", kind="session.enrolled",
           session=session, enrollment=enrollment, online=session.location.strip().lower() == "online")
