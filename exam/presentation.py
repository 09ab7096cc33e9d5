"""What a candidate's browser is sent: built from candidate views only, so no
page, JSON or script can carry a key, rationale, rubric or statistic."""

from sqlalchemy import exists, select

from exam import timing
from exam.codes import StateCode
from exam.delivery import preload_form_items
from exam.models import OPEN_STATUSES, Attempt, AttemptStatus, Enrollment, Response
from extensions import db
from item_bank.kinds import kind_of
from item_bank.models import FormItem, Navigation, version_images


def _item(number, response, shown):
    """A question of the open part: its place and standing, and (when `shown`) what it asks."""
    version = response.form_item.item_version
    kind = kind_of(version.item.kind)
    return {
        "response_id": response.id,
        "number": number,
        "kind": kind,
        "shown": shown,
        "view": kind.candidate_view(version.content, response.option_order) if shown else None,
        "answer": response.answer,
        "answered": response.answered,
        "flagged": response.flagged,
        "chosen": response.chosen,
    }


def section_page(attempt, now):
    """The open part as the candidate sees it, from the question they are on.
    A linear part carries only that question: the page holds nothing of a
    question passed or not yet reached."""
    section = attempt.current_section
    form_section = section.form_section
    form_items = preload_form_items(FormItem.section_id == form_section.id)  # noqa: F841 (held while walking)
    linear = form_section.navigation == Navigation.LINEAR
    at = attempt.question_position or section.responses[0].position
    items = [_item(number, response, not linear or response.position == at)
             for number, response in enumerate(section.responses, start=1)]
    return {
        "section": section,
        "title": form_section.title,
        "instructions": form_section.instructions,
        "navigation": form_section.navigation,
        "answer_count": form_section.answer_count,
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


def _code(attempt, superseded):
    if superseded:
        return StateCode.STALE_TAB
    if attempt.finished:
        return StateCode.FINISHED
    if attempt.status == AttemptStatus.PAUSED:
        return StateCode.PAUSED
    if attempt.status == AttemptStatus.IN_PROGRESS:
        return StateCode.IN_PROGRESS
    return StateCode.NOT_STARTED


def _open_section(attempt):
    """The part a candidate is sitting (its clock may stand still), or None."""
    return attempt.current_section if attempt.status in OPEN_STATUSES else None


def state(attempt, now, tab):
    section = _open_section(attempt)
    open_section = section is not None
    superseded = bool(tab) and attempt.active_tab not in (None, tab)
    return {
        "code": _code(attempt, superseded),
        "status": attempt.status,
        "position": attempt.current_position if open_section else None,
        "seconds_left": timing.seconds_left(section, now, attempt.paused_at) if open_section else None,
        "deadline": section.deadline_at.isoformat() if open_section else None,
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
    if section is None:
        return []
    return [{"response": response.id, "answer": response.answer, "flag": response.flagged, "choose": response.chosen}
            for response in section.responses]


def shows_image(user, image):
    """Whether one of the candidate's open attempts holds an item whose text
    shows the bank image: the only images a candidate is sent."""
    return db.session.scalar(select(exists().where(
        Enrollment.candidate_id == user.id, Attempt.enrollment_id == Enrollment.id,
        Attempt.status.in_(OPEN_STATUSES), Response.attempt_id == Attempt.id, FormItem.id == Response.form_item_id,
        version_images.c.item_version_id == FormItem.item_version_id, version_images.c.image_id == image.id,
    )))
