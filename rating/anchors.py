"""Anchor responses: rated responses a coordinator holds up as examples of
their score ("why this is a 2"), per vignette (item), for its raters to
calibrate against.

Only a response whose score is final can become one. Raters read an anchor
as an `Anchor`: its score, the annotation and the written texts with the
candidate's name and email taken out, never its code, attempt or candidate,
so no template can reach them.
"""

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from accounts.roles import COORDINATORS
from audit import log
from exam.models import Attempt, Enrollment, Response
from extensions import db
from item_bank.kinds import kind_of
from item_bank.models import FormItem, ItemVersion
from rating.models import AnchorResponse, CaseStatus, RatingCase
from rating.responses import cases_by_response, kind, max_points, rubric, to_rate

MAX_ANNOTATION = 500
WITHHELD = "[name withheld]"


class AnchorRefused(ValueError):
    """Why a response cannot be made (or stop being) an anchor."""


def _check_coordinator(user):
    if not user.has_role(*COORDINATORS):
        raise AnchorRefused("only coordinators and admins choose anchor responses")


def choose(case, annotation, user, now, by):
    """Make the rated response of `case` an anchor of its vignette, with why it earns its score."""
    _check_coordinator(user)
    annotation = (annotation or "").strip()
    if case.status != CaseStatus.FINAL:
        raise AnchorRefused(f"{case.code} has no final score yet: only a rated response can be an anchor")
    if not annotation:
        raise AnchorRefused("annotation: say why the response earns its score")
    if len(annotation) > MAX_ANNOTATION:
        raise AnchorRefused(f"annotation: at most {MAX_ANNOTATION} characters")
    if db.session.scalar(select(AnchorResponse.id).where(AnchorResponse.case_id == case.id)) is not None:
        raise AnchorRefused(f"{case.code} is already an anchor")
    anchor = AnchorResponse(case=case, annotation=annotation, chosen_at=now, chosen_by_id=user.id)
    db.session.add(anchor)
    db.session.flush()
    log.record("rating.anchor_chosen", by, anchor, case=case.code, final_points=case.final_points,
               annotation=annotation)
    return anchor


def remove(anchor, user, by):
    _check_coordinator(user)
    log.record("rating.anchor_removed", by, anchor, case=anchor.case.code, annotation=anchor.annotation)
    db.session.delete(anchor)
    db.session.flush()


@dataclass(frozen=True)
class VignetteAnchors:
    """One rated item of a form, for the coordinator: its anchors and the form's rated responses that could be."""

    form_item: object
    anchors: list  # AnchorResponse
    choices: list  # RatingCase, final and not an anchor


def of_form(form):
    """Per rated item of the form, in form order: its anchors (from any form) and the form's final cases."""
    responses = to_rate(form)
    cases = cases_by_response(responses)
    anchored = set(db.session.scalars(select(AnchorResponse.case_id)))
    rows = []
    for form_item in form.form_items:
        if not kind_of(form_item.item_version.item.kind).rated:
            continue
        final = [cases[r.id] for r in responses if r.form_item_id == form_item.id and r.id in cases
                 and cases[r.id].status == CaseStatus.FINAL]
        rows.append(VignetteAnchors(form_item, anchors_of_item(form_item.item_version.item_id),
                                    [case for case in final if case.id not in anchored]))
    return rows


def anchors_of_item(item_id, leave_out_case_id=None):
    """The anchors of an item whose scores are final, lowest score first."""
    query = (select(AnchorResponse).join(RatingCase).join(Response).join(FormItem).join(ItemVersion)
             .where(ItemVersion.item_id == item_id, RatingCase.status == CaseStatus.FINAL)
             .options(selectinload(AnchorResponse.case).selectinload(RatingCase.response)
                      .selectinload(Response.attempt).selectinload(Attempt.enrollment)
                      .selectinload(Enrollment.candidate))
             .order_by(RatingCase.final_points, AnchorResponse.id))
    if leave_out_case_id is not None:
        query = query.where(RatingCase.id != leave_out_case_id)
    return db.session.scalars(query).all()


@dataclass(frozen=True)
class Anchor:
    """An anchor as a rater reads it: nothing that leads to its candidate."""

    number: int
    points: float
    possible: int
    scores: list  # (criterion name, points)
    annotation: str
    texts: list


def withheld(text, candidate):
    """`text` with the candidate's email and each part of their name replaced, whole words, any case."""
    words = [candidate.email] + [part for part in re.split(r"\W+", candidate.name) if len(part) >= 2]
    pattern = r"(?<!\w)(" + "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)) + r")(?!\w)"
    return re.sub(pattern, WITHHELD, text, flags=re.IGNORECASE)


def for_rater(case):
    """The anchors of the vignette of `case`, as its raters read them (the case itself left out)."""
    item_id = case.response.form_item.item_version.item_id
    shown = []
    for number, anchor in enumerate(anchors_of_item(item_id, leave_out_case_id=case.id), start=1):
        response = anchor.case.response
        candidate = response.attempt.enrollment.candidate
        scores = [(criterion["name"], anchor.case.final_scores.get(criterion["id"])) for criterion in rubric(response)]
        shown.append(Anchor(number, anchor.case.final_points, max_points(response), scores,
                            withheld(anchor.annotation, candidate),
                            [withheld(text, candidate) for text in kind(response).written_texts(response.answer)]))
    return shown
