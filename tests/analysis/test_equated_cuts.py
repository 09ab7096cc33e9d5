"""The equated cuts on arrays, without the database: the IRT path through
the item versions two forms share, and its refusals."""

from types import SimpleNamespace

import numpy as np
import pytest

from analysis.equated_cuts import FormScores, equated_cuts
from psychometrics import equating


def _form(code, a, b, versions, shift, rng, candidates=400, pass_percent=80.0):
    theta = rng.normal(shift, 1, candidates)
    scored = (rng.random((candidates, a.shape[0])) < 1 / (1 + np.exp(-a * (theta[:, None] - b)))).astype(float)
    return FormScores(SimpleNamespace(code=code), scored.sum(axis=1).astype(np.int64), scored, versions,
                      pass_percent, None)


def test_irt_carries_the_cut_through_the_shared_item_versions():
    rng = np.random.default_rng(8)
    a, b = rng.uniform(0.8, 1.8, 28), rng.normal(-0.5, 1, 28)
    # Items 0-7 on both forms (versions 100-107); 8-17 only on the reference, 18-27 only on this form.
    reference = _form("REF", a[:18], b[:18], list(range(100, 118)), 0.4, rng)
    this = _form("THIS", np.concatenate([a[:8], a[18:]]), np.concatenate([b[:8], b[18:]]),
                 list(range(100, 108)) + list(range(200, 210)), 0.0, rng)
    truth = equating.true_score_equate(a[:18], b[:18], np.concatenate([a[:8], a[18:]]),
                                       np.concatenate([b[:8], b[18:]]), equating.Linking(1, 0, True, 0, 8), [14.4])

    linear, equipercentile, irt = equated_cuts(reference, this)

    assert irt.method == "IRT true-score, 2PL linked by Stocking-Lord" and irt.refused is None
    assert irt.raw == pytest.approx(truth[0], abs=0.5)  # 80% of 18 = 14.4 on the reference
    assert irt.percent == pytest.approx(100 * irt.raw / 18)
    assert 0 < irt.se < 1
    assert irt.reason == "equated cut from REF (IRT true-score, 2PL linked by Stocking-Lord)"
    assert linear.raw is not None and equipercentile.raw is not None


def test_irt_needs_shared_items_and_enough_candidates():
    rng = np.random.default_rng(9)
    a, b = rng.uniform(0.8, 1.8, 10), rng.normal(0, 1, 10)
    reference = _form("REF", a, b, list(range(10)), 0, rng)
    this = _form("THIS", a, b, [0] + list(range(20, 29)), 0, rng)
    few = _form("FEW", a, b, list(range(10)), 0, rng, candidates=60)

    assert equated_cuts(reference, this)[2].refused == "REF and THIS share 1 item(s); IRT linking needs at least 2"
    assert equated_cuts(few, reference)[2].refused == "FEW has 60 submitted attempt(s); IRT needs 100"
    assert equated_cuts(few, reference)[0].refused is None
