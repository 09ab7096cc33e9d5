"""The rated part (Part Two) of a form's item statistics, stored in the
form's analysis beside the keyed part's: per vignette and per rubric
criterion, the mean, SD, use of each level and the correlation with the rest
of the exam; the reliability of both parts together; and the criteria's
parameters from one generalised partial credit calibration with the keyed
items, which puts both parts on one ability scale.

Reliability is of the scores as candidates earned them: where they choose
k of the vignettes, Part Two's items are their k answers in form order
(whichever vignettes they chose, as their total adds them), not the
vignettes, most pairs of which no candidate answered together. It is given
twice: with each answer's total as one item, and with each criterion of an
answer as one. The criteria of an answer rate one text, so they agree more
than separate items would and the second alpha runs high; the first is the
one to quote. The calibration takes each vignette's criteria as items (a
vignette's total has too many score points for its candidates), under the
same caution.
"""

import numpy as np

from psychometrics.ctt import plain
from psychometrics.gpcm import CalibrationRefused, abilities, calibrate
from psychometrics.irt import SLOPES
from psychometrics.polytomous import describe, level_numbers, reliability
from results.matrices import rated_matrix

PART_ONE, PART_TWO = "Part One", "Part Two"


def summary(form, matrix, scored, min_calibration):
    """The rated part's statistics as plain values, for the rows of the keyed
    part's `matrix` (0/1 `scored`); None for a form without rated items."""
    rated = rated_matrix(form, matrix.attempt_ids)
    if not rated.vignettes:
        return None
    result = {"pending": rated.pending, "scored": int((~np.isnan(rated.points)).any(axis=1).sum())}
    if result["scored"] < 2:
        result["skipped"] = f"{result['scored']} candidate(s) have final ratings; statistics need at least 2."
        return result
    keyed_total = scored.sum(axis=1)
    levels = [criterion.levels for criteria in rated.criteria for criterion in criteria]
    totals = np.column_stack([rated.points[:, rated.columns(index)].sum(axis=1)
                              for index in range(len(rated.vignettes))])
    total_levels = [list(range(int(sum(c.levels[-1] for c in criteria)) + 1)) for criteria in rated.criteria]
    by_criterion = describe(rated.points, levels, keyed_total)
    by_vignette = describe(totals, total_levels, keyed_total)
    calibration = _calibration(scored, rated.points, levels, min_calibration)
    result["vignettes"] = [
        {"position": position, "form_item_id": form_item.id, "identifier": form_item.item_version.item.identifier,
         "levels": total_levels[index], **_described(by_vignette, index),
         "criteria": [_criterion(criterion, by_criterion, column, calibration)
                      for criterion, column in zip(rated.criteria[index], range(len(levels))[rated.columns(index)])]}
        for index, (position, form_item) in enumerate(rated.vignettes)]
    answers, answer_criteria = _answers(rated, totals)
    result["reliability"] = {"vignettes": _reliability(scored, answers), "criteria": _reliability(scored, answer_criteria)}
    result["gpcm"] = calibration["summary"]
    return result


def _described(items, index):
    return {"n": int(items.n[index]), "mean": _number(items.mean[index]), "sd": _number(items.sd[index]),
            "counts": [int(count) for count in items.counts[index] if not np.isnan(count)],
            "between": int(items.between[index]), "item_rest": _number(items.item_rest[index])}


def _criterion(criterion, items, column, calibration):
    described = {"id": criterion.id, "name": criterion.name, "levels": criterion.levels,
                 **_described(items, column)}
    fit = calibration.get("fit")
    if fit is not None:
        index = fit.a.shape[0] - len(items.n) + column
        reason = fit.left_out[index]
        if fit.bound[index] == "lower":
            # As for a Part One question (item_statistics.not_estimable): the steps only restate the bound.
            reason = (f"its slope runs to the lower bound {SLOPES[0]:g}: the criterion does not discriminate, or "
                      "discriminates the wrong way (check its rubric and ratings)")
        if reason is not None:
            described["gpcm"] = {"not_estimable": reason}
        else:
            m = fit.categories[index] - 1
            described["gpcm"] = {"a": _number(fit.a[index]), "se_a": _number(fit.se_a[index]),
                                 "steps": [_number(value) for value in fit.steps[index, :m]],
                                 "se_steps": [_number(value) for value in fit.se_steps[index, :m]],
                                 "bound": fit.bound[index], "merged": fit.merged[index]}
    return described


def _answers(rated, totals):
    """Each candidate's scored vignettes in form order as answer places:
    persons x places of totals, and persons x places x the most criteria of a
    vignette (flattened) of criterion points; NaN past a candidate's own."""
    scored = ~np.isnan(totals)
    places = int(scored.sum(axis=1).max())
    width = max(len(criteria) for criteria in rated.criteria)
    answers, criteria = np.full((totals.shape[0], places), np.nan), np.full((totals.shape[0], places, width), np.nan)
    for person, row in enumerate(scored):
        for place, vignette in enumerate(np.flatnonzero(row)):
            answers[person, place] = totals[person, vignette]
            points = rated.points[person, rated.columns(vignette)]
            criteria[person, place, :points.shape[0]] = points
    return answers, criteria.reshape(totals.shape[0], places * width)


def _reliability(scored, rated_items):
    both = reliability(np.hstack([scored, rated_items]),
                       [PART_ONE] * scored.shape[1] + [PART_TWO] * rated_items.shape[1])
    return {"alpha": _number(both.alpha), "part_one": _number(both.parts[PART_ONE]),
            "part_two": _number(both.parts[PART_TWO]), "stratified": _number(both.stratified),
            "items": scored.shape[1] + rated_items.shape[1]}


def _calibration(scored, points, levels, min_calibration):
    """The GPCM of the keyed items (two categories each) and the criteria
    together, and its summary: how it went and the marginal reliability of
    its abilities, var(EAP) / (var(EAP) + mean posterior variance)."""
    n_persons = scored.shape[0]
    if n_persons < min_calibration:
        return {"summary": {"skipped": f"The GPCM needs at least {min_calibration} candidates; "
                                       f"this form has {n_persons}."}}
    scores = np.hstack([scored, level_numbers(points, levels)])
    categories = [2] * scored.shape[1] + [len(item_levels) for item_levels in levels]
    try:
        fit = calibrate(scores, categories)
    except CalibrationRefused as refusal:
        return {"summary": {"skipped": f"The GPCM was refused: {refusal}."}}
    theta = abilities(scores, fit)
    spread = theta.theta.var()
    return {"fit": fit, "summary": {
        "converged": fit.converged, "cycles": fit.cycles, "log_likelihood": fit.log_likelihood,
        "items": int(fit.calibrated.sum()), "reliability": _number(spread / (spread + np.mean(theta.se ** 2)))}}


def _number(value):
    return plain(float(value))
