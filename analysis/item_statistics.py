"""Computing, storing and reading a form's item statistics.

One analysis covers every submitted attempt of the form under its current
scoring rules: the classical report, test precision at the cut, the 2PL with
item fit and test information (from `MIN_IRT_CANDIDATES` on; an item it
cannot place, or whose slope runs to its lower bound, is stored without
parameters and with the reason), and the option trace lines by score group. Results are stored per form and item version
(`ItemStatistic`), and each version's difficulty feeds form assembly. The rated
part's statistics (`rated_statistics`) are stored in the form's summary.
"""

import math

import numpy as np
from sqlalchemy import delete, func, select

from analysis import csv_input, plots, rated_statistics
from analysis.models import FormAnalysis, ItemStatistic
from analysis.report import left_out_reason
from audit import log
from exam.models import Attempt, AttemptStatus, Enrollment, ExamSession
from extensions import db
from item_bank.models import Form, FormStatus
from psychometrics import OMITTED
from psychometrics.ctt import analyse, plain
from psychometrics.fit import item_fit
from psychometrics.irt import SLOPES, CalibrationRefused, abilities, calibrate, information
from psychometrics.reliability import conditional_sem, decision_consistency
from psychometrics.scoring import score
from results.matrices import form_matrix
from results.rules import current_rules, latest_revision

MIN_CANDIDATES = 2
# Below this, 2PL estimates are too unstable to show beside the classical ones.
MIN_IRT_CANDIDATES = 100
SCORE_GROUPS = 5
THETA = np.linspace(-4, 4, 81)


class AnalysisRefused(Exception):
    """Why a form cannot be analysed yet, in a sentence."""


def compute(form, now, by):
    """Analyse the form's attempts and store the results in the caller's transaction."""
    rules = current_rules(form)
    matrix = form_matrix(form, rules).kept()
    n_persons, n_items = matrix.choices.shape
    if n_persons < MIN_CANDIDATES:
        raise AnalysisRefused(f"{form.code} has {n_persons} submitted attempt(s); "
                              f"item statistics need at least {MIN_CANDIDATES}")
    scored = score(matrix.choices, matrix.keys)
    analysis = analyse(scored, matrix.choices, matrix.keys)
    total = scored.sum(axis=1)
    summary = {"test": _test(analysis.test, scored, rules.pass_percent),
               "histogram": np.bincount(total.astype(int), minlength=n_items + 1).tolist()}
    calibration = theta = fit = None
    if n_persons < MIN_IRT_CANDIDATES:
        summary["irt"] = {"skipped": f"IRT needs at least {MIN_IRT_CANDIDATES} candidates; "
                                     f"this form has {n_persons}."}
    else:
        try:
            calibration = calibrate(scored, "2pl")
        except CalibrationRefused as refusal:
            summary["irt"] = {"skipped": f"The 2PL was refused: {refusal}."}
    if calibration is not None:
        theta = abilities(scored, calibration).theta
        fit = item_fit(scored, calibration)
        info, csem = information(calibration, THETA)
        summary["irt"] = {"model": "2pl", "converged": calibration.converged, "cycles": calibration.cycles,
                          "log_likelihood": calibration.log_likelihood, "theta": THETA.tolist(),
                          "information": info.tolist(), "csem": csem.tolist()}
    rated = rated_statistics.summary(form, matrix, scored, MIN_IRT_CANDIDATES)
    if rated is not None:
        summary["rated"] = rated
    groups = _score_groups(total)
    revision = latest_revision(form)
    db.session.execute(delete(ItemStatistic).where(ItemStatistic.form_id == form.id))
    db.session.execute(delete(FormAnalysis).where(FormAnalysis.form_id == form.id))
    for index, form_item in enumerate(matrix.form_items):
        statistic = ItemStatistic(
            form_id=form.id, form_item_id=form_item.id, item_version_id=form_item.item_version_id,
            position=matrix.positions[index], n=n_persons, computed_at=now,
            p=_number(analysis.p[index]), r_pbis=_number(analysis.r_pbis[index]),
            r_pbis_total=_number(analysis.r_pbis_total[index]), r_bis=_number(analysis.r_bis[index]),
            discrimination_index=_number(analysis.discrimination_index[index]),
            alpha_if_deleted=_number(analysis.alpha_if_deleted[index]), omit_rate=_number(analysis.omit_rate[index]),
            options=_options(analysis, index, matrix), flags=list(analysis.flags[index]),
            details={"trace": _trace(matrix.choices[:, index], scored[:, index], matrix.labels[index], groups, total,
                                     theta)})
        if calibration is not None:
            _store_irt(statistic, calibration, fit, index, analysis.omit_rate[index])
        form_item.item_version.difficulty = statistic.p
        db.session.add(statistic)
    db.session.add(FormAnalysis(form_id=form.id, revision_number=revision.number if revision else 0,
                                n_candidates=n_persons, summary=summary, computed_at=now, computed_by_id=by.user_id))
    log.record("form.analysed", by, form, candidates=n_persons, items=n_items,
               revision=revision.number if revision else 0)
    db.session.flush()


def _store_irt(statistic, calibration, fit, index, omit_rate):
    """The item's 2PL parameters, their bound and the item's fit; or, where
    the parameters would mean nothing, why not."""
    reason = not_estimable(calibration, index, omit_rate)
    if reason is not None:
        statistic.details["irt"] = {"not_estimable": reason}
        return
    statistic.irt_a, statistic.irt_b = _number(calibration.a[index]), _number(calibration.b[index])
    statistic.irt_se_a, statistic.irt_se_b = _number(calibration.se_a[index]), _number(calibration.se_b[index])
    statistic.details["irt"] = {"bound": calibration.bound[index]}
    statistic.details["fit"] = {name: _number(getattr(fit, name)[index])
                                for name in ("infit", "outfit", "sx2", "sx2_df", "sx2_p")}


def not_estimable(calibration, index, omit_rate):
    """Why the item has no 2PL parameters worth showing, or None. A slope held
    at its lower bound is no estimate, and b = -c / a then only restates the
    bound (the demo's miskeyed question had b 40.47, SE 163): the answers
    rise with ability no more than that, or fall. At the upper bound, b still
    places the item and a is a lower limit: shown, flagged."""
    if calibration.bound[index] == "lower":
        return (f"its slope runs to the lower bound {SLOPES[0]:g}: the item does not discriminate, or "
                "discriminates the wrong way (check its key)")
    return left_out_reason(calibration, index, omit_rate)


def _number(value):
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value


def _test(test, scored, pass_percent):
    n_items = scored.shape[1]
    cut = math.ceil(pass_percent * n_items / 100 - 1e-9)
    consistency = decision_consistency(scored, cut)
    csem = conditional_sem(scored, cut)
    return {"n_candidates": test.n_persons, "n_items": n_items, "mean": _number(test.mean), "sd": _number(test.sd),
            "min": _number(test.minimum), "max": _number(test.maximum), "alpha": _number(test.alpha),
            "sem": _number(test.sem), "cut_percent": pass_percent, "cut_raw": cut,
            "csem_at_cut": {"lord": _number(csem.lord), "keats": _number(csem.keats)},
            "decision_consistency": {"agreement": _number(consistency.agreement),
                                     "kappa": _number(consistency.kappa), "method": consistency.method}}


def _options(analysis, index, matrix):
    return {label: {"proportion": plain(float(analysis.option_proportion[index, option])),
                    "upper": plain(float(analysis.option_upper[index, option])),
                    "lower": plain(float(analysis.option_lower[index, option])),
                    "r_pbis": plain(float(analysis.option_r_pbis[index, option])),
                    "keyed": bool(matrix.keys[index, option])}
            for option, label in enumerate(matrix.labels[index])}


def _score_groups(total):
    """Each candidate's score group, 0 (lowest fifth) to 4, by rank; ties by order."""
    ranks = np.empty(total.shape[0], dtype=int)
    ranks[np.argsort(total, kind="stable")] = np.arange(total.shape[0])
    return ranks * SCORE_GROUPS // max(total.shape[0], 1)


def _trace(column, correct, labels, groups, total, theta):
    """Per score group: its mean total (and ability), the proportion choosing
    each option, omitting, and answering right."""
    trace = {"mean_score": [], "mean_theta": [], "correct": [], "options": {label: [] for label in labels},
             "omitted": []}
    for group in range(SCORE_GROUPS):
        members = groups == group
        if not members.any():
            continue
        trace["mean_score"].append(float(total[members].mean()))
        trace["mean_theta"].append(float(theta[members].mean()) if theta is not None else None)
        trace["correct"].append(float(correct[members].mean()))
        trace["omitted"].append(float((column[members] == OMITTED).mean()))
        for option, label in enumerate(labels):
            trace["options"][label].append(float((column[members] == option).mean()))
    return trace


def form_analysis(form):
    return db.session.scalar(select(FormAnalysis).where(FormAnalysis.form_id == form.id))


def item_statistics(form):
    return db.session.scalars(select(ItemStatistic).where(ItemStatistic.form_id == form.id)
                              .order_by(ItemStatistic.position)).all()


def item_statistic(form, form_item_id):
    return db.session.scalar(select(ItemStatistic).where(ItemStatistic.form_id == form.id,
                                                         ItemStatistic.form_item_id == form_item_id))


def published_forms():
    """(form, submitted attempts, analysis or None) for every published form."""
    forms = db.session.scalars(select(Form).where(Form.status == FormStatus.PUBLISHED).order_by(Form.code)).all()
    counts = dict(db.session.execute(
        select(ExamSession.form_id, func.count(Attempt.id)).join(Enrollment, Enrollment.session_id == ExamSession.id)
        .join(Attempt).where(Attempt.status == AttemptStatus.SUBMITTED).group_by(ExamSession.form_id)).all())
    analyses = {analysis.form_id: analysis for analysis in db.session.scalars(select(FormAnalysis))}
    return [(form, counts.get(form.id, 0), analyses.get(form.id)) for form in forms]


def submitted_count(form):
    return db.session.scalar(select(func.count(Attempt.id)).join(Enrollment).join(ExamSession)
                             .where(ExamSession.form_id == form.id, Attempt.status == AttemptStatus.SUBMITTED))


def groups_of(matrix, upload):
    """Reference and focal masks over the matrix's candidates from an uploaded
    `candidate_id,group` CSV keyed by email."""
    name = upload.filename or "groups.csv"
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise csv_input.InputError(name, 1, "not UTF-8 text") from None
    responses = csv_input.Responses([email for email, _ in matrix.candidates], [], matrix.choices, 0)
    return csv_input.read_groups(name, responses, text)


def item_charts(statistic):
    """The option trace lines by score group, and the fitted 2PL curve with
    the observed proportion right in each group."""
    trace = statistic.details["trace"]
    groups = list(range(1, len(trace["mean_score"]) + 1))
    lines = [(f"{label}{' (key)' if statistic.options[label]['keyed'] else ''}", groups, shares,
              [(group, share, f"{label}: {share:.0%} of score group {group}") for group, share in zip(groups, shares)])
             for label, shares in trace["options"].items()]
    lines.append(("Omitted", groups, trace["omitted"], []))
    charts = [plots.line_chart("Option trace lines", "Score group (1 lowest fifth, 5 highest)",
                               "Proportion choosing", lines, (1, max(len(groups), 2)), (0, 1), x_integers=True)]
    if statistic.irt_a is not None:
        curve = 1 / (1 + np.exp(-statistic.irt_a * (THETA - statistic.irt_b)))
        observed = [(theta, share, f"observed {share:.0%} in score group {group}")
                    for group, (theta, share) in enumerate(zip(trace["mean_theta"], trace["correct"]), start=1)
                    if theta is not None]
        charts.append(plots.line_chart("Item characteristic curve (2PL)", "Ability (theta)", "Probability right",
                                       [("Fitted", THETA.tolist(), curve.tolist(), observed)], (-4, 4), (0, 1),
                                       markers=[(min(max(statistic.irt_b, -4), 4), f"b = {statistic.irt_b:.2f}")]))
    return charts
