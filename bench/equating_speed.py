"""Speed and accuracy of equating on simulated forms, beside the peer.

    make bench-equating                                   # 10,000 candidates per form
    .venv/bin/python bench/equating_speed.py --candidates 2000 --items 30

Two 40-item forms built to one blueprint (2PL items, form X a quarter of a
standard deviation harder than form Y) share 10 items; each is taken by its
own random sample of N(0, 1) candidates. The truth each method estimates
comes from the generating items: the population score distributions of the
two forms (Lord & Wingersky's recursion over 201 quadrature points) give the
true mean, linear and equipercentile equatings; the generating items on
their common scale give the true true-score equating. Accuracy is the RMSE
of the equivalents of X's scores 0..K against that truth, weighted by X's
population score distribution, and the largest error within the middle 95%
of it.

For each method it prints Attest's time (psychometrics/equating.py; IRT
includes calibrating both forms under the 2PL, Stocking-Lord linking and
true-score equating) and accuracy, then the same by the peer on PyPI,
pyequate 0.2.0 (pinned in bench/requirements.txt): its linear, equipercen,
smooth_forms + equipercen with log-linear presmoothing, and transf (S_L) +
irtTS. pyequate does not calibrate, so its IRT row is given Attest's
calibrations (its slopes divided by 1.7, its D) and times linking and
equating only, beside Attest's same part. Then the bootstrap standard errors:
100 resamples of the presmoothed equipercentile equating and 10 of the IRT
equating. A peer that is not installed, or fails, is reported as such.

Times are wall-clock, the best of several repeats; inputs are converted to
the peer's form (pandas Series of scores, DataFrames of parameters) before
timing. The benchmark prints figures; it asserts nothing.
"""

import argparse
import math
import os
import platform
import sys
import time
from importlib import metadata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from psychometrics import equating  # noqa: E402
from psychometrics.irt import calibrate  # noqa: E402

SEED, DEGREE = 2026, 4
REPEATS, BUDGET = 7, 10.0
BOOTSTRAP, IRT_BOOTSTRAP = 100, 10
PEER, PINNED = "pyequate", "0.2.0"
QUADRATURE = np.linspace(-6, 6, 201)


def best_of(run, repeats=REPEATS):
    best, spent, result = math.inf, 0.0, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        elapsed = time.perf_counter() - start
        best, spent = min(best, elapsed), spent + elapsed
        if spent > BUDGET:
            break
    return best, result


def simulate(candidates, n_items, n_common, seed):
    """Item parameters of both forms (the common items first in each) and each group's 0/1 answers."""
    rng = np.random.default_rng(seed)
    common_a, common_b = rng.uniform(0.7, 2.0, n_common), rng.normal(0, 1, n_common)
    unique = n_items - n_common
    a_x = np.concatenate([common_a, rng.uniform(0.7, 2.0, unique)])
    b_x = np.concatenate([common_b, rng.normal(0.25, 1, unique)])
    a_y = np.concatenate([common_a, rng.uniform(0.7, 2.0, unique)])
    b_y = np.concatenate([common_b, rng.normal(0.0, 1, unique)])

    def answers(a, b):
        theta = rng.standard_normal(candidates)
        return (rng.random((candidates, a.shape[0])) < 1 / (1 + np.exp(-a * (theta[:, None] - b)))).astype(float)
    return (a_x, b_x), (a_y, b_y), answers(a_x, b_x), answers(a_y, b_y)


def population(a, b):
    """The model's score distribution of N(0, 1) candidates: Lord & Wingersky's recursion at each point."""
    weights = np.exp(-QUADRATURE ** 2 / 2)
    weights /= weights.sum()
    p = 1 / (1 + np.exp(-a[:, None] * (QUADRATURE[None, :] - b[:, None])))
    distribution = np.zeros((a.shape[0] + 1, QUADRATURE.shape[0]))
    distribution[0] = 1
    for item in range(a.shape[0]):
        shifted = np.zeros_like(distribution)
        shifted[1:] = distribution[:-1] * p[item]
        distribution = distribution * (1 - p[item]) + shifted
    return distribution @ weights


def error(estimate, truth, weights):
    """RMSE weighted by X's population distribution, and the largest error in its middle 95%."""
    cumulative = np.cumsum(weights)
    middle = (cumulative >= 0.025) & (cumulative - weights <= 0.975)
    rmse = math.sqrt(weights @ (estimate - truth) ** 2)
    return f"RMSE {rmse:.3f}, largest {np.abs(estimate - truth)[middle].max():.3f} (middle 95%)"


def shown(seconds):
    return f"{seconds * 1000:9.2f} ms" if seconds < 1 else f"{seconds:9.3f} s "


def row(label, seconds, note=""):
    print(f"  {label:<72}{shown(seconds)}  {note}".rstrip())


def load_peer():
    try:
        import pyequate  # noqa: PLC0415 - the peer is optional
        version = metadata.version(PEER)
    except Exception as failure:  # any reason it cannot be imported is the reason to print
        return None, f"unavailable ({type(failure).__name__}: {failure}); `make bench-equating` installs it"
    if version != PINNED:
        return None, f"unavailable: version {version} installed, {PINNED} pinned in bench/requirements.txt"
    return pyequate, None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=10_000, help="per form (default 10,000)")
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--common", type=int, default=10)
    options = parser.parse_args()
    print(f"Equating, {options.candidates:,} candidates per form, {options.items} items, {options.common} common; "
          f"Python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPUs")
    (a_x, b_x), (a_y, b_y), scored_x, scored_y = simulate(options.candidates, options.items, options.common, SEED)
    k = options.items
    scores = np.arange(k + 1, dtype=float)
    f_x, f_y = population(a_x, b_x), population(a_y, b_y)
    truth = {method: equating.EQUATE[method](f_x, f_y, scores) for method in equating.OBSERVED_METHODS}
    truth["irt"] = equating.true_score_equate(a_x, b_x, a_y, b_y, equating.Linking(1.0, 0.0, True, 0, 0), scores)
    counts_x = equating.scores_counts(scored_x.sum(axis=1), k)
    counts_y = equating.scores_counts(scored_y.sum(axis=1), k)
    common = np.arange(options.common)

    print("\nAttest (psychometrics/equating.py)")
    runs = {
        "mean": lambda: equating.equate_observed(counts_x, counts_y, "mean"),
        "linear": lambda: equating.equate_observed(counts_x, counts_y, "linear"),
        "equipercentile": lambda: equating.equate_observed(counts_x, counts_y, "equipercentile"),
        "equipercentile, log-linear degree 4": lambda: equating.equate_observed(counts_x, counts_y, "equipercentile",
                                                                                 degree=DEGREE),
        "irt: 2 calibrations, Stocking-Lord, true scores": lambda: equating.equate_irt(scored_x, scored_y, common,
                                                                                        common),
    }
    attest = {}
    for label, run in runs.items():
        seconds, result = best_of(run)
        attest[label] = result
        estimand = "irt" if label.startswith("irt") else label.split(",")[0]
        row(label, seconds, error(result.equated, truth[estimand], f_x)
            + (f"; vs true equipercentile {error(result.equated, truth['equipercentile'], f_x)}"
               if estimand in ("mean", "linear") else ""))
    fit_x, fit_y = calibrate(scored_x, "2pl"), calibrate(scored_y, "2pl")

    def link_and_equate():
        linking = equating.stocking_lord(fit_x.a[common], fit_x.b[common], fit_y.a[common], fit_y.b[common])
        return equating.true_score_equate(fit_x.a, fit_x.b, fit_y.a, fit_y.b, linking, scores)
    seconds, _ = best_of(link_and_equate)
    row("irt: linking and true scores only, from the calibrations", seconds)
    linking = attest["irt: 2 calibrations, Stocking-Lord, true scores"].linking
    print(f"  Stocking-Lord A {linking.A:.4f}, B {linking.B:.4f} (the groups are equivalent: truth 1, 0), "
          f"{linking.iterations} iterations")

    seconds, result = best_of(lambda: equating.equate_observed(
        counts_x, counts_y, "equipercentile", degree=DEGREE, replications=BOOTSTRAP, rng=np.random.default_rng(1)), 3)
    row(f"bootstrap SE, presmoothed equipercentile, {BOOTSTRAP} resamples", seconds,
        f"median SE {np.nanmedian(result.se):.3f} raw points")
    seconds, result = best_of(lambda: equating.equate_irt(scored_x, scored_y, common, common,
                                                          replications=IRT_BOOTSTRAP, rng=np.random.default_rng(1)), 1)
    row(f"bootstrap SE, IRT, {IRT_BOOTSTRAP} resamples", seconds,
        f"median SE {np.nanmedian(result.se[1:-1]):.3f} raw points")

    peer, why = load_peer()
    print(f"\nPeer: {PEER} {PINNED}" + (f": {why}" if why else ""))
    if peer is None:
        return
    compare_peer(peer, scored_x, scored_y, fit_x, fit_y, common, k, truth, f_x, attest)


def compare_peer(peer, scored_x, scored_y, fit_x, fit_y, common, k, truth, f_x, attest):
    import pandas as pd  # noqa: PLC0415 - a dependency of the peer only

    x_scores, y_scores = pd.Series(scored_x.sum(axis=1).astype(int)), pd.Series(scored_y.sum(axis=1).astype(int))
    x_freq = np.bincount(x_scores, minlength=k + 1)
    y_freq = np.bincount(y_scores, minlength=k + 1)
    runs = {
        "mean": (lambda: peer.linear(x_scores, y_scores, 0, k, type="mean")["ex"].to_numpy(), "mean"),
        "linear": (lambda: peer.linear(x_scores, y_scores, 0, k, type="linear")["ex"].to_numpy(), "linear"),
        "equipercentile": (lambda: peer.equipercen(x_scores, y_scores, 0, k)["equated"].to_numpy(), "equipercentile"),
        "equipercentile, log-linear degree 4": (lambda: peer.equipercen(
            presmoothed_df=peer.smooth_forms(x_freq, y_freq, 0, k, degrees=[DEGREE]), order=DEGREE, score_min=0,
            score_max=k)["equated"].to_numpy(), "equipercentile"),
    }
    for label, (run, estimand) in runs.items():
        try:
            seconds, equated = best_of(run)
        except Exception as failure:  # a peer's failure is a result to print
            row(label, math.nan, f"failed: {type(failure).__name__}: {failure}")
            continue
        difference = np.abs(equated - attest[label].equated).max()
        row(label, seconds, f"{error(equated, truth[estimand], f_x)}; most off Attest's {difference:.4f}")
    items = np.arange(1, k + 1)
    columns = {"aJ": fit_y.a / 1.7, "bJ": fit_y.b, "cJ": np.zeros(k), "aI": fit_x.a / 1.7, "bI": fit_x.b,
               "cI": np.zeros(k)}

    def irt():
        with open(os.devnull, "w") as quiet:  # transf prints its constants
            stdout, sys.stdout = sys.stdout, quiet
            try:
                linked = peer.transf(*columns.values(), items, common + 1, method="S_L")
            finally:
                sys.stdout = stdout
        # transf returns X's parameters placed on Y's scale, a / A and A b + B: A and B from the first item.
        scale = linked["aI"].iloc[0] / linked["aJ_transf"].iloc[0]
        shift = linked["bJ_transf"].iloc[0] - scale * linked["bI"].iloc[0]
        return peer.irtTS(pd.DataFrame({"a": fit_x.a / 1.7, "b": fit_x.b}), pd.DataFrame({"a": fit_y.a / 1.7,
                                                                                           "b": fit_y.b}),
                          model="2pl", D=1.7, A=scale, B=shift)["tyx"].to_numpy()
    try:
        seconds, equated = best_of(irt, 3)
        row("irt: linking (S_L) and true scores (irtTS), from Attest's calibrations", seconds,
            error(equated, truth["irt"], f_x))
    except Exception as failure:  # a peer's failure is a result to print
        row("irt: transf (S_L) and irtTS", math.nan, f"failed: {type(failure).__name__}: {failure}")


if __name__ == "__main__":
    main()
