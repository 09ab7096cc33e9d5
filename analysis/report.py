"""The item-analysis report as plain values, in the field names of the
`flask item-analysis` contract; the app's JSON export uses it too."""

import string
from dataclasses import dataclass, field

import numpy as np

from psychometrics import OMITTED
from psychometrics.ctt import Thresholds, analyse, biserial_out_of_range, plain
from psychometrics.dif import dif_all
from psychometrics.irt import SLOPES, CalibrationRefused, calibrate
from psychometrics.scoring import score

IRT_MODELS = ("none", "rasch", "2pl")


@dataclass(frozen=True)
class Report:
    fields: dict  # the JSON document
    warnings: list = field(default_factory=list)  # sentences for the person running it


def item_analysis(item_ids, domains, choices, keys, *, irt="none", groups=None, thresholds=Thresholds(),
                  labels=string.ascii_uppercase):
    """`choices` persons x items option codes, `keys` items x options; `groups`
    (reference, focal) masks for DIF; `labels` name the option codes."""
    scored = score(choices, keys)
    analysis = analyse(scored, choices, keys, thresholds)
    warnings = []
    calibration = refused = None
    if irt != "none":
        calibration, refused = _calibration(scored, irt, warnings)
    difs = dif_all(scored, *groups) if groups is not None else None
    test = analysis.test
    out_of_range = biserial_out_of_range(analysis.r_bis)
    items = []
    for index, item_id in enumerate(item_ids):
        entry = {
            "item_id": item_id,
            "domain": domains[index],
            "p": analysis.p[index],
            "r_pbis": analysis.r_pbis[index],
            "r_pbis_total": analysis.r_pbis_total[index],
            "r_bis": analysis.r_bis[index],
            "biserial_out_of_range": bool(out_of_range[index]),
            "discrimination_index": analysis.discrimination_index[index],
            "alpha_if_deleted": analysis.alpha_if_deleted[index],
            "omit_rate": analysis.omit_rate[index],
            "options": _options(analysis, index, choices[:, index], keys[index], labels),
        }
        flags = list(analysis.flags[index])
        if irt != "none":
            entry |= _irt(calibration, index, refused or left_out_reason(calibration, index, analysis.omit_rate[index]))
            flags += _bound_flags(calibration, index)
        if difs is not None:
            dif = difs[index]
            entry["dif"] = {"mh_d_dif": dif.mh_d_dif, "ets_class": dif.ets_class, "se_mh_d_dif": dif.se,
                            "mh_chi_square": dif.chi_square, "mh_p_value": dif.p_value}
            if dif.ets_class == "C":
                flags.append("DIF class C")
        entry["flags"] = flags
        items.append(entry)
    fields = {
        "n_candidates": test.n_persons,
        "n_items": test.n_items,
        "total": {"mean": test.mean, "sd": test.sd, "min": test.minimum, "max": test.maximum},
        "reliability": {"alpha": test.alpha, "sem": test.sem},
        "items": items,
    }
    if irt != "none":
        fields["irt"] = _summary(irt, calibration, refused)
    return Report(_plain(fields), warnings)


def _options(analysis, index, column, keyed, labels):
    """Every option from A up to the highest one chosen or keyed for this item,
    so a distractor nobody chose is shown as such."""
    used = column[column != OMITTED]
    highest = max(int(used.max()) if used.size else -1, int(np.flatnonzero(keyed).max()) if keyed.any() else -1)
    return {labels[option]: {"proportion": analysis.option_proportion[index, option],
                             "r_pbis": analysis.option_r_pbis[index, option]}
            for option in range(highest + 1)}


def _calibration(scored, model, warnings):
    """The calibration and None, or None and why it was refused; warnings
    for the person running it."""
    try:
        calibration = calibrate(scored, model)
    except CalibrationRefused as refusal:
        warnings.append(f"The {model} calibration was refused: {refusal}.")
        return None, str(refusal)
    if not calibration.converged:
        warnings.append(f"The {model} calibration did not converge in {calibration.cycles} cycles; "
                        "treat its parameters with care.")
    return calibration, None


def left_out_reason(calibration, index, omit_rate):
    """Why the calibration left this item out, or None."""
    if calibration.left_out[index] is not None and omit_rate == 1:
        return "no one answered it"
    return calibration.left_out[index]


def _irt(calibration, index, reason):
    """The item's parameters, or null and why it has none (`irt_reason`)."""
    if reason is not None:
        return {"irt": None, "irt_reason": reason}
    if calibration.model == "rasch":
        return {"irt": {"b": calibration.b[index], "se_b": calibration.se_b[index],
                        "bound": calibration.bound[index]}}
    return {"irt": {"a": calibration.a[index], "b": calibration.b[index], "se_a": calibration.se_a[index],
                    "se_b": calibration.se_b[index], "bound": calibration.bound[index]}}


def _bound_flags(calibration, index):
    bound = calibration.bound[index] if calibration is not None else None
    if bound is None:
        return []
    held = "ability SD" if calibration.model == "rasch" else "slope"
    return [f"IRT {held} at its {bound} bound {SLOPES[0 if bound == 'lower' else 1]:g}"]


def _summary(model, calibration, refused):
    """The calibration as a whole: how it went, and the Rasch model's ability SD."""
    if calibration is None:
        return {"model": model, "refused": refused, "converged": None, "cycles": None, "log_likelihood": None}
    summary = {"model": model, "refused": None, "converged": calibration.converged, "cycles": calibration.cycles,
               "log_likelihood": calibration.log_likelihood}
    if model == "rasch":
        summary |= {"ability_sd": calibration.ability_sd, "se_ability_sd": calibration.se_ability_sd}
    return summary


def _plain(value):
    """numpy scalars and NaN to JSON's numbers and null, all the way down."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    return plain(value)
