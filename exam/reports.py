"""The session report: attendance, every timing change with who and why, every
identity check, every incident.

Timing changes come from the audit log, which already holds each with its
actor, reason and before and after values; the report reads, never keeps a
second copy that could disagree.
"""

import csv
import io

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from accounts.models import User
from audit.models import AuditEntry
from exam import identity
from exam.board import accommodations
from exam.incidents import session_incidents
from exam.models import Enrollment
from exam.proctoring import standing
from extensions import db
from spreadsheet import cell

TIMING_ACTIONS = {
    "proctor.admit": "Admitted",
    "proctor.pause": "Paused",
    "proctor.resume": "Resumed",
    "proctor.extend": "Time extended",
    "proctor.terminate": "Terminated",
    "proctor.move": "Moved",
    "proctor.refused": "Action refused",
    "attempt.held_for_readmission": "Held for re-admission",
    "attempt.finished": "Finished",
    "session.pause_all": "Whole session paused",
    "session.resume_all": "Whole session resumed",
    "session.closed": "Session closed",
    "session.code_changed": "Access code changed",
}


def _time(value):
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _identity_fields(check):
    """The attendance columns of the candidate's identity check in force (None: not checked)."""
    if check is None:
        return {"identity_document": "", "identity_name": "", "identity_checked": "", "identity_checked_by": "",
                "identity_note": ""}
    return {"identity_document": check.document_label, "identity_name": check.name_on_document,
            "identity_checked": _time(check.checked_at),
            "identity_checked_by": check.checked_by.name if check.checked_by else "the command line",
            "identity_note": check.note}


def attendance(session, now, identity_checks):
    in_force = identity.in_force_by_enrollment(identity_checks)
    enrollments = db.session.scalars(
        select(Enrollment).where(Enrollment.session_id == session.id)
        .options(joinedload(Enrollment.candidate), joinedload(Enrollment.attempt)).order_by(Enrollment.id)
    ).unique().all()
    rows = []
    for enrollment in enrollments:
        attempt = enrollment.attempt
        rows.append({
            "name": enrollment.candidate.name,
            "email": enrollment.candidate.email,
            "standing": standing(enrollment, now).label,
            "accommodations": accommodations(enrollment),
            "checked_in": _time(attempt and attempt.checked_in_at),
            "started": _time(attempt and attempt.started_at),
            "finished": _time(attempt and attempt.finished_at),
            "finish_reason": (attempt and attempt.finish_reason) or "",
            "note": (attempt and attempt.finish_note) or "",
            **_identity_fields(in_force.get(enrollment.id)),
        })
    return rows, {e.attempt.id: e for e in enrollments if e.attempt is not None}, enrollments


def timing_changes(session, attempts, enrollments):
    """Every audited change to the session's clocks and standings, oldest first."""
    names = {str(attempt_id): e.candidate.name for attempt_id, e in attempts.items()}
    names |= {f"e{e.id}": e.candidate.name for e in enrollments}
    query = select(AuditEntry, User.name).outerjoin(User, User.id == AuditEntry.actor_id).where(
        AuditEntry.action.in_(TIMING_ACTIONS),
        or_(
            and_(AuditEntry.object_type == "attempts", AuditEntry.object_id.in_(list(names))),
            and_(AuditEntry.object_type == "enrollments", AuditEntry.object_id.in_([str(e.id) for e in enrollments])),
            and_(AuditEntry.object_type == "exam_sessions", AuditEntry.object_id == str(session.id)),
        ),
    ).order_by(AuditEntry.id)
    changes = []
    for entry, actor_name in db.session.execute(query):
        details = entry.details if isinstance(entry.details, dict) else {}
        key = entry.object_id if entry.object_type == "attempts" else f"e{entry.object_id}"
        changes.append({
            "at": _time(entry.occurred_at),
            "candidate": names.get(key, "") if entry.object_type != "exam_sessions" else "(whole session)",
            "what": _what(entry.action, details),
            "by": actor_name or entry.origin,
            "reason": _plain(details.get("reason")),
            "before": _state(details.get("before")),
            "after": _state(details.get("after")),
        })
    return changes


# An entry is read as it may have been written by any version of the code,
# or by another area: a value of an unexpected shape is left out, never fatal.


def _plain(value):
    return str(value) if isinstance(value, str | int | float) and not isinstance(value, bool) else ""


def _what(action, details):
    minutes, attempted = _plain(details.get("minutes")), _plain(details.get("attempted"))
    return (TIMING_ACTIONS[action] + (f" +{minutes} min" if minutes else "")
            + (f" ({attempted})" if attempted else ""))


def history(session, enrollment):
    """One candidate's timing changes, with the whole session's."""
    attempts = {enrollment.attempt.id: enrollment} if enrollment.attempt is not None else {}
    return timing_changes(session, attempts, [enrollment])


def _state(snapshot):
    """A standing snapshot (`proctoring.snapshot`) as words. Only such a
    snapshot is shown: a before or after of another shape (the access code
    change keeps the codes) stays out of a report that is printed and shared."""
    if not isinstance(snapshot, dict):
        return ""
    text = _plain(snapshot.get("standing")).replace("_", " ")
    deadline, section = _plain(snapshot.get("deadline")), _plain(snapshot.get("section"))
    if len(deadline) >= 19 and section:
        return f"{text}, part {section} until {deadline[11:19]} UTC"
    return text


def session_report(session, now):
    checks = identity.session_checks(session)
    rows, attempts, enrollments = attendance(session, now, checks)
    present = sum(1 for e in enrollments if e.attempt is not None and e.attempt.started_at is not None)
    return {
        "attendance": rows,
        "enrolled": len(rows),
        "sat": present,
        "changes": timing_changes(session, attempts, enrollments),
        "incidents": session_incidents(session),
        "identity_checks": checks,
    }


def _csv(header, rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows({key: cell(row.get(key)) for key in header} for row in rows)
    return out.getvalue()


def attendance_csv(report):
    return _csv(["name", "email", "standing", "accommodations", "checked_in", "started", "finished",
                 "finish_reason", "note", "identity_document", "identity_name", "identity_checked",
                 "identity_checked_by", "identity_note"], report["attendance"])


def events_csv(report):
    """Timing changes, identity checks and incidents (with follow-ups) in one time-ordered list."""
    rows = [{"kind": "timing", **change} for change in report["changes"]]
    for check in report["identity_checks"]:
        rows.append({
            "kind": "identity check" if check.supersedes_id is None else "identity check (a correction)",
            "at": _time(check.checked_at),
            "candidate": check.enrollment.candidate.name,
            "what": f"{check.document_label}: {check.name_on_document}",
            "by": check.checked_by.name if check.checked_by else "the command line",
            "reason": check.note,
        })
    for incident in report["incidents"]:
        for each in (incident, *incident.follow_ups):
            rows.append({
                "kind": "incident" if each is incident else "incident follow-up",
                "at": _time(each.occurred_at),
                "candidate": each.enrollment.candidate.name if each.enrollment else "(whole session)",
                "what": incident.category,
                "by": each.recorded_by.name if each.recorded_by else "",
                "reason": each.description,
            })
    rows.sort(key=lambda row: row["at"])
    return _csv(["kind", "at", "candidate", "what", "by", "reason", "before", "after"], rows)
