"""What a candidate's browser is sent: built from candidate views only, so no
page, JSON or script can carry a key, rationale, rubric or statistic."""

from sqlalchemy import exists, select

from exam import drawn_items, timing
from exam.codes import StateCode
from exam.models import OPEN_STATUSES, Attempt, AttemptStatus, Enrollment, Response
from exam.prepared_forms import prepared
from extensions import db
from item_bank.models import FormItem, Navigation, version_images


def _item(number, response, form, part, shown, asked):
    """A question of the open part: its place and standing, and (when `shown`
    and `asked`) what it asks, drawn already when it is not answered or chosen yet."""
    prepared_item = form.items[response.form_item_id]
    name = drawn_items.control_name(response.id)
    blank = shown and asked and response.answer is None and not response.chosen
    return {
        "response_id": response.id,
        "name": name,
        "number": number,
        "kind": prepared_item.kind,
        "shown": shown,
        "view": prepared_item.view_for(response.option_order) if shown and asked and not blank else None,
        "drawn": drawn_items.blank(form, prepared_item, response.option_order, part.answer_count, name)
        if blank else None,
        "answer": response.answer,
        "answered": response.answered,
        "flagged": response.flagged,
        "chosen": response.chosen,
        "marks": response.marks,
    }


def section_page(attempt, now, asked=True):
    """The open part as the candidate sees it, from the question they are on.
    A linear part carries only that question: the page holds nothing of a
    question passed or not yet reached. What the form gives every candidate
    is prepared once (`prepared_forms`); the candidate's own comes from the
    database. Without `asked` (the review page) no question's text is laid out or drawn."""
    section = attempt.current_section
    form = prepared(attempt.session.form)
    part = form.section(section.form_section_id)
    linear = part.navigation == Navigation.LINEAR
    at = attempt.question_position or section.responses[0].position
    items = [_item(number, response, form, part, not linear or response.position == at, asked)
             for number, response in enumerate(section.responses, start=1)]
    return {
        "section": section,
        "title": part.title,
        "instructions": part.instructions,
        "navigation": part.navigation,
        "answer_count": part.answer_count,
        "section_count": len(attempt.sections),
        "last": section.position == attempt.sections[-1].position,
        "items": items,
        "current": next((item["number"] for item, response in zip(items, section.responses, strict=True)
                         if response.position == at), 1),
        "unanswered": [item for item in items if not item["answered"]],
        "flagged": [item for item in items if item["flagged"]],
        "chosen": [item for item in items if item["chosen"]],
        "seconds_left": timing.seconds_left(section, now, attempt.paused_at),
    }


def break_page(attempt, now):
    """The break before the current part: its length, what is left of it, and the part it leads to."""
    section = attempt.current_section
    return {
        "section": section,
        "title": prepared(attempt.session.form).section(section.form_section_id).title,
        "section_count": len(attempt.sections),
        "minutes": attempt.session.form.break_minutes,
        "seconds_left": timing.seconds_until(section.break_ends_at, now, attempt.paused_at),
    }


def _code(attempt, superseded):
    if superseded:
        return StateCode.STALE_TAB
    if attempt.finished:
        return StateCode.FINISHED
    if attempt.status == AttemptStatus.PAUSED:
        return StateCode.PAUSED
    if attempt.status == AttemptStatus.IN_PROGRESS:
        return StateCode.ON_BREAK if attempt.on_break else StateCode.IN_PROGRESS
    return StateCode.NOT_STARTED


def _open_section(attempt):
    """The part a candidate is sitting (its clock may stand still), or None."""
    return attempt.current_section if attempt.status in OPEN_STATUSES else None


def state(attempt, now, tab):
    section = _open_section(attempt)
    open_section = section is not None
    on_break = open_section and section.after_break
    superseded = bool(tab) and attempt.active_tab not in (None, tab)
    return {
        "code": _code(attempt, superseded),
        "status": attempt.status,
        "position": attempt.current_position if open_section else None,
        "seconds_left": timing.seconds_left(section, now, attempt.paused_at) if open_section else None,
        "deadline": section.deadline_at.isoformat() if open_section and not on_break else None,
        "break_seconds_left": timing.seconds_until(section.break_ends_at, now, attempt.paused_at) if on_break else None,
        "break_ends_at": section.break_ends_at.isoformat() if on_break else None,
        "server_now": now.isoformat(),
        "paused": attempt.status == AttemptStatus.PAUSED,
        "hold": attempt.hold,
        "superseded": superseded,
    }


def saved_answers(attempt):
    """What is stored for each question of the open part. A tab claiming the
    attempt shows it: its page may have been drawn while a save from the page
    before it was still being committed."""
    section = _open_section(attempt)
    if section is None or section.after_break:
        return []
    return [{"response": response.id, "answer": response.answer, "flag": response.flagged, "choose": response.chosen,
             "marks": response.marks} for response in section.responses]


def shows_image(user, image):
    """Whether one of the candidate's open attempts holds an item whose text
    shows the bank image: the only images a candidate is sent."""
    return db.session.scalar(select(exists().where(
        Enrollment.candidate_id == user.id, Attempt.enrollment_id == Enrollment.id,
        Attempt.status.in_(OPEN_STATUSES), Response.attempt_id == Attempt.id, FormItem.id == Response.form_item_id,
        version_images.c.item_version_id == FormItem.item_version_id, version_images.c.image_id == image.id,
    )))
