"""The item-analysis report as plain values, in the field names of the
`flask item-analysis` contract; the app's JSON export uses it too."""

import string
from dataclasses import dataclass, field

import numpy as np

from psychometrics import OMITTED
from psychometrics.ctt import Thresholds, analyse, biserial_out_of_range, plain
from psychometrics.dif import dif_all
from psychometrics.irt import calibrate
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
    calibration = None
    if irt != "none":
        calibration = calibrate(scored, irt)
        if not calibration.converged:
            warnings.append(f"The {irt} calibration did not converge in {calibration.cycles} cycles; "
                            "treat its parameters with care.")
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
        if calibration is not None:
            entry["irt"] = _irt(calibration, index)
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
    return Report(_plain(fields), warnings)


def _options(analysis, index, column, keyed, labels):
    """Every option from A up to the highest one chosen or keyed for this item,
    so a distractor nobody chose is shown as such."""
    used = column[column != OMITTED]
    highest = max(int(used.max()) if used.size else -1, int(np.flatnonzero(keyed).max()) if keyed.any() else -1)
    return {labels[option]: {"proportion": analysis.option_proportion[index, option],
                             "r_pbis": analysis.option_r_pbis[index, option]}
            for option in range(highest + 1)}


def _irt(calibration, index):
    if calibration.model == "rasch":
        return {"b": calibration.b[index], "se_b": calibration.se_b[index]}
    return {"a": calibration.a[index], "b": calibration.b[index], "se_a": calibration.se_a[index],
            "se_b": calibration.se_b[index]}


def _plain(value):
    """numpy scalars and NaN to JSON's numbers and null, all the way down."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    return plain(value)
