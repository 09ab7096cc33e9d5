"""Modified-Angoff studies: panelists rate each selected-response item of a
form (out of 100 minimally competent candidates, how many answer it right?);
the cut is the sum of the mean ratings, shown with its SE across panelists
and their agreement, beside the policy cut, so staff choose with both in view.
Adopting a cut goes through rescoring, like any other change of scoring."""

import math
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from accounts.roles import Role
from accounts.users import user_by_email
from analysis.models import AngoffRating, AngoffStudy
from audit import log
from extensions import db
from psychometrics.angoff import angoff
from results.matrices import keyed_items

POLICY_CUT_PERCENT = 80.0


class StudyRefused(Exception):
    """Why a study cannot take that change, in a sentence."""


def studies(form):
    return db.session.scalars(select(AngoffStudy).where(AngoffStudy.form_id == form.id)
                              .order_by(AngoffStudy.created_at.desc())).all()


def studies_for_panelist(user):
    return db.session.scalars(select(AngoffStudy).where(AngoffStudy.panelists.any(id=user.id),
                                                        AngoffStudy.closed_at.is_(None))).all()


def create_study(form, name, now, by):
    study = AngoffStudy(form=form, name=name.strip(), created_at=now, created_by_id=by.user_id)
    db.session.add(study)
    db.session.flush()
    log.record("angoff.study_created", by, study, form=form.code)
    return study


def add_panelist(study, email, by):
    user = user_by_email(email)
    if user is None or not user.active:
        raise StudyRefused(f"{email} has no active Attest account")
    if user.has_role(Role.CANDIDATE):
        # A rating sheet shows every key: never to someone who may sit the form.
        raise StudyRefused(f"{email} is a candidate's account; candidates never see keys")
    if any(panelist.id == user.id for panelist in study.panelists):
        raise StudyRefused(f"{email} is already a panelist")
    if not study.open:
        raise StudyRefused("the study is closed")
    study.panelists.append(user)
    log.record("angoff.panelist_added", by, study, panelist=user.email)


def close_study(study, now, by):
    if study.open:
        study.closed_at = now
        log.record("angoff.study_closed", by, study)


@dataclass
class SheetRow:
    position: int
    form_item: object
    value: str  # as the panelist last entered it


def rating_sheet(study, panelist, entered=None):
    """The items with the panelist's ratings, or what they just typed."""
    saved = {rating.form_item_id: rating.percent for rating in study.ratings if rating.panelist_id == panelist.id}
    rows = []
    for position, form_item in keyed_items(study.form):
        value = entered.get(f"rating-{form_item.id}", "") if entered is not None else \
            (f"{saved[form_item.id]:g}" if form_item.id in saved else "")
        rows.append(SheetRow(position, form_item, value))
    return rows


def save_ratings(study, panelist, entered, now, by):
    """Store every rating given (0 to 100; a blank leaves that item unrated);
    returns the problems, one sentence per bad entry, storing nothing then."""
    if not study.open:
        return ["The study is closed; ratings can no longer change."]
    saved = {rating.form_item_id: rating for rating in study.ratings if rating.panelist_id == panelist.id}
    problems, values = [], {}
    for position, form_item in keyed_items(study.form):
        text = (entered.get(f"rating-{form_item.id}") or "").strip()
        if not text:
            continue
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not 0 <= value <= 100:
            problems.append(f"Question {position}: {text!r} is not a number from 0 to 100")
        values[form_item.id] = value
    if problems:
        return problems
    for form_item_id, value in values.items():
        rating = saved.get(form_item_id)
        if rating is None:
            study.ratings.append(AngoffRating(panelist_id=panelist.id, form_item_id=form_item_id, percent=value,
                                              updated_at=now))
        elif rating.percent != value:
            rating.percent, rating.updated_at = value, now
    log.record("angoff.rated", by, study, items=len(values))
    return []


@dataclass(frozen=True)
class StudyResult:
    panelists: list  # Users, in the rows' order
    rated: list  # per panelist, how many items they rated
    items: list  # (position, form_item)
    angoff: object  # psychometrics.angoff.Angoff, or None before any rating
    policy_cut_percent: float
    policy_cut_raw: float
    possible: int


def result(study):
    """The panel's cut, SE and agreement so far."""
    items = keyed_items(study.form)
    column = {form_item.id: index for index, (_, form_item) in enumerate(items)}
    panelists = list(study.panelists)
    row = {panelist.id: index for index, panelist in enumerate(panelists)}
    ratings = np.full((len(panelists), len(items)), np.nan)
    for rating in study.ratings:
        if rating.panelist_id in row and rating.form_item_id in column:
            ratings[row[rating.panelist_id], column[rating.form_item_id]] = rating.percent / 100
    rated = (~np.isnan(ratings)).sum(axis=1).tolist()
    outcome = angoff(ratings) if panelists and any(rated) else None
    return StudyResult(panelists, rated, items, outcome, POLICY_CUT_PERCENT, POLICY_CUT_PERCENT * len(items) / 100,
                       len(items))
