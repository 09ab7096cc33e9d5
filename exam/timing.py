"""Deadline arithmetic. Time is the server's: a section's deadline is a stored
timestamp, and time left is computed from it at every request.

deadline = start + limit x multiplier + extra minutes + extensions + time paused

A part after a break has no deadline until it starts (when the candidate
continues or the break ends); an extension given during the break is kept
for it. The break is the form's, the same for every candidate: accommodations
stretch the parts' time, not the break, and a pause during the break moves
the break's end, not the part's deadline.
"""

from datetime import timedelta


def allowed_seconds(form_section, enrollment):
    """The section's time with the candidate's accommodations."""
    return round(form_section.time_limit_minutes * 60 * enrollment.time_multiplier) + enrollment.extra_minutes * 60


def deadline(section, enrollment):
    """The section's deadline; None before it starts."""
    if section.started_at is None:
        return None
    seconds = allowed_seconds(section.form_section, enrollment) + section.extension_seconds + section.paused_seconds
    return section.started_at + timedelta(seconds=seconds)


def recompute_deadline(section, enrollment):
    section.deadline_at = deadline(section, enrollment)
    return section.deadline_at


def seconds_left(section, now, paused_at=None):
    """Time left on the section's clock; it stands still while the attempt is paused."""
    return seconds_until(section.deadline_at, now, paused_at)


def seconds_until(deadline_at, now, paused_at=None):
    if deadline_at is None:
        return None
    return max(0, int((deadline_at - (paused_at or now)).total_seconds()))


def accepts_saves(section, now, grace_seconds):
    """Saves count until the deadline plus the grace period (while the clock
    runs: a paused attempt takes none)."""
    if section.started_at is None or section.closed_at is not None:
        return False
    return now <= section.deadline_at + timedelta(seconds=grace_seconds)


def break_over(section, now, paused_at=None):
    """The break before the section has run out while its clock was running."""
    return section.after_break and paused_at is None and now >= section.break_ends_at


def overdue(section, now, grace_seconds, paused_at=None):
    """The section's time, grace included, has run out while its clock was running."""
    return section.open and paused_at is None and now > section.deadline_at + timedelta(seconds=grace_seconds)
