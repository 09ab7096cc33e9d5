"""Modified-Angoff studies: panelists rate each selected-response item of a
form (out of 100 minimally competent candidates, how many answer it right?);
the cut is the sum of the mean ratings, shown with its SE across panelists
and their agreement, beside the policy cut, so staff choose with both in view.

A study rates in rounds (Cizek & Bunch 2007, ch. 6): round 1 alone; then
staff open round 2, which locks round 1, and each panelist rates again with
their own round-1 ratings, the panel's (unnamed), each item's proportion
right and the impact of the round-1 cut in view. The study reports both
rounds and recommends round 2's cut once it has one.

A rating sheet shows every key, so it is never shown to someone who may sit
the form, and a panelist of an open study may not be enrolled to sit it.
Adopting a cut goes through rescoring, like any other change of scoring."""

import math
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from accounts.roles import Role
from accounts.users import user_by_email
from analysis import impact
from analysis.models import AngoffRating, AngoffStudy
from audit import log
from exam.models import Enrollment, ExamSession
from extensions import db
from item_bank.naming import staff_question_name
from psychometrics.angoff import angoff
from results.matrices import keyed_items

POLICY_CUT_PERCENT = 80.0


class StudyRefused(Exception):
    """Why a study cannot take that change, in a sentence."""


def studies(form):
    return db.session.scalars(select(AngoffStudy).where(AngoffStudy.form_id == form.id)
                              .order_by(AngoffStudy.created_at.desc())).all()


def studies_for_panelist(user):
    """The open studies asking the user's ratings: none whose sheet is closed to them."""
    return [study for study in db.session.scalars(select(AngoffStudy).where(
        AngoffStudy.panelists.any(id=user.id), AngoffStudy.closed_at.is_(None))).all()
        if sheet_refusal(study, user) is None]


def create_study(form, name, now, by):
    study = AngoffStudy(form=form, name=name.strip(), created_at=now, created_by_id=by.user_id)
    db.session.add(study)
    db.session.flush()
    log.record("angoff.study_created", by, study, form=form.code)
    return study


def _may_sit(form, user):
    """Why the user may sit the form, as the end of a sentence about them; None if nothing says they may."""
    if user.has_role(Role.CANDIDATE):
        return "holds the candidate role"
    enrolled = db.session.scalar(select(Enrollment.id).join(ExamSession).where(
        ExamSession.form_id == form.id, Enrollment.candidate_id == user.id).limit(1))
    return f"is enrolled in a session of {form.code}" if enrolled else None


def add_panelist(study, email, by):
    user = user_by_email(email)
    if user is None or not user.active:
        raise StudyRefused(f"{email} has no active Attest account")
    if why := _may_sit(study.form, user):
        raise StudyRefused(f"{email} {why}; a rating sheet shows every key, never to someone who may sit the form")
    if any(panelist.id == user.id for panelist in study.panelists):
        raise StudyRefused(f"{email} is already a panelist")
    if not study.open:
        raise StudyRefused("the study is closed")
    if study.current_round == 2:
        raise StudyRefused("round 2 is open; a panelist who joins now would have no round 1 to revise")
    study.panelists.append(user)
    log.record("angoff.panelist_added", by, study, panelist=user.email)


def sheet_refusal(study, panelist):
    """Why the study's rating sheet is closed to the panelist, or None: since
    they were added they may have become someone who will sit the form."""
    why = _may_sit(study.form, panelist)
    if why is None:
        return None
    return (f"This rating sheet is closed to you: your account {why}, and a rating sheet shows every key of "
            f"{study.form.code}. Please tell the psychometrician who runs {study.name}.")


def panelist_may_not_sit(form, user):
    """Why the user may not sit the form: they are a panelist of an open study of it, and have seen its keys."""
    study = db.session.scalar(select(AngoffStudy).where(
        AngoffStudy.form_id == form.id, AngoffStudy.closed_at.is_(None), AngoffStudy.panelists.any(id=user.id))
        .order_by(AngoffStudy.id).limit(1))
    if study is None:
        return None
    return (f"{user.name} ({user.email}) is a panelist of {study.name!r}, an open Angoff study of {form.code}, "
            f"and has seen its keys: a panelist may not sit the form")


def open_round_two(study, now, by):
    """Lock round 1 and let the panel rate again with round 1's feedback; round 1 needs a cut first."""
    if not study.open:
        raise StudyRefused("the study is closed")
    if study.current_round == 2:
        raise StudyRefused("round 2 is already open")
    first = _round(study, 1, list(study.panelists), keyed_items(study.form))
    if not first.has_cut:
        raise StudyRefused("round 1 has no cut yet: every item needs at least one rating first")
    study.round_two_opened_at = now
    log.record("angoff.round_two_opened", by, study, round_one_cut=round(first.angoff.cut_raw, 4))


def close_study(study, now, by):
    if study.open:
        study.closed_at = now
        log.record("angoff.study_closed", by, study)


@dataclass(frozen=True)
class PanelItem:
    """The panel's round-1 ratings of one item, unnamed, in percent."""

    mean: float
    median: float
    low: float
    high: float
    raters: int


@dataclass
class SheetRow:
    position: int
    form_item: object
    value: str  # as the panelist last entered it; in round 2, round 1's until they save
    round_one: float | None = None  # round 2: the panelist's own round-1 rating
    panel: PanelItem | None = None  # round 2: the panel's round-1 ratings of the item
    proportion_right: float | None = None  # round 2: the share of candidates who answered it right, if any sat


@dataclass(frozen=True)
class Sheet:
    round: int
    rows: list
    round_one_cut: object = None  # round 2: psychometrics.angoff.Angoff of round 1
    impact: list = ()  # round 2: analysis.impact.FormImpact per form of the blueprint, at round 1's cut


def _saved(study, panelist, round_number):
    return {rating.form_item_id: rating.percent for rating in study.ratings
            if rating.panelist_id == panelist.id and rating.round == round_number}


def rating_sheet(study, panelist, entered=None):
    """The items of the current round with the panelist's ratings, or what
    they just typed; in round 2, with round 1's feedback."""
    saved = _saved(study, panelist, study.current_round)
    if study.current_round == 2:
        saved = _saved(study, panelist, 1) | saved
    rows = []
    for position, form_item in keyed_items(study.form):
        value = entered.get(f"rating-{form_item.id}", "") if entered is not None else \
            (f"{saved[form_item.id]:g}" if form_item.id in saved else "")
        rows.append(SheetRow(position, form_item, value))
    if study.current_round == 1:
        return Sheet(1, rows)
    return _with_round_one(study, panelist, rows)


def _with_round_one(study, panelist, rows):
    first = _round(study, 1, list(study.panelists), [(row.position, row.form_item) for row in rows]).angoff
    own = _saved(study, panelist, 1)
    right = impact.proportions_right(study.form)
    for index, row in enumerate(rows):
        row.round_one = own.get(row.form_item.id)
        if first.item_raters[index]:
            row.panel = PanelItem(*(float(values[index]) * 100 for values in (
                first.item_means, first.item_medians, first.item_lows, first.item_highs)),
                int(first.item_raters[index]))
        row.proportion_right = right.get(row.form_item.id)
    return Sheet(2, rows, first, impact.impact(study.form, first.cut_percent))


def save_ratings(study, panelist, round_number, entered, now, by):
    """Store every rating given for the round (0 to 100; a blank leaves that
    item unrated); returns the problems, one sentence each, storing nothing then."""
    if not study.open:
        return ["The study is closed; ratings can no longer change."]
    if refusal := sheet_refusal(study, panelist):
        return [refusal]
    if round_number != study.current_round:
        if study.current_round == 2:
            return ["Round 2 is open: round-1 ratings are locked and can no longer change."]
        return ["Ratings are taken for round 1: round 2 has not opened."]
    saved = {rating.form_item_id: rating for rating in study.ratings
             if rating.panelist_id == panelist.id and rating.round == round_number}
    problems, values = [], {}
    for _, form_item in keyed_items(study.form):
        text = (entered.get(f"rating-{form_item.id}") or "").strip()
        if not text:
            continue
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not 0 <= value <= 100:
            problems.append(f"{staff_question_name(form_item)}: {text!r} is not a number from 0 to 100")
        values[form_item.id] = value
    if problems:
        return problems
    for form_item_id, value in values.items():
        rating = saved.get(form_item_id)
        if rating is None:
            study.ratings.append(AngoffRating(panelist_id=panelist.id, form_item_id=form_item_id, round=round_number,
                                              percent=value, updated_at=now))
        elif rating.percent != value:
            rating.percent, rating.updated_at = value, now
    log.record("angoff.rated", by, study, round=round_number, items=len(values))
    return []


@dataclass(frozen=True)
class RoundResult:
    number: int
    rated: list  # per panelist, how many items they rated in this round
    angoff: object  # psychometrics.angoff.Angoff, or None before any rating in the round

    @property
    def has_cut(self):
        return self.angoff is not None and not math.isnan(self.angoff.cut_raw)


@dataclass(frozen=True)
class StudyResult:
    panelists: list  # Users, in the rows' order
    items: list  # (position, form_item)
    rounds: list  # RoundResult of round 1, and of round 2 once it is open
    refusals: list  # per panelist, why their rating sheet is closed to them, or None
    policy_cut_percent: float
    policy_cut_raw: float
    possible: int

    @property
    def recommended(self):
        """The round whose cut is the panel's: round 2 once it has a cut, else round 1."""
        return next((each for each in reversed(self.rounds) if each.has_cut), self.rounds[0])

    @property
    def angoff(self):
        """The recommended round's cut, SE and agreement."""
        return self.recommended.angoff

    @property
    def rated(self):
        return self.recommended.rated


def _round(study, number, panelists, items):
    column = {form_item.id: index for index, (_, form_item) in enumerate(items)}
    row = {panelist.id: index for index, panelist in enumerate(panelists)}
    ratings = np.full((len(panelists), len(items)), np.nan)
    for rating in study.ratings:
        if rating.round == number and rating.panelist_id in row and rating.form_item_id in column:
            ratings[row[rating.panelist_id], column[rating.form_item_id]] = rating.percent / 100
    rated = (~np.isnan(ratings)).sum(axis=1).tolist()
    return RoundResult(number, rated, angoff(ratings) if panelists and any(rated) else None)


def result(study):
    """The panel's cut, SE and agreement so far, per round, and the recommended round's."""
    items = keyed_items(study.form)
    panelists = list(study.panelists)
    rounds = [_round(study, number, panelists, items) for number in range(1, study.current_round + 1)]
    return StudyResult(panelists, items, rounds, [sheet_refusal(study, panelist) for panelist in panelists],
                       POLICY_CUT_PERCENT, POLICY_CUT_PERCENT * len(items) / 100, len(items))
