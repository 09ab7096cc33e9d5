"""Speed and accuracy of the joint calibration of both parts of a form (the
generalised partial credit model of 0/1 items and rubric criteria
together), against the PyPI peers measured in the same run.

    make bench-polytomous                                     # 10,000 candidates
    make bench-polytomous BENCH_ARGS="--candidates 2000"      # a short run

The data (seeded, psychometrics.simulate.simulate_gpcm, abilities N(0, 1)):
each candidate answers 60 items scored 0/1 (slopes 0.7 to 2.0, difficulties
N(0, 1)) and 3 vignettes of 4 criteria scored 0 to 3 (steps sorted N(0, 1)
draws), 72 items in all, in two designs: every vignette answered, and each
candidate answering 2 of the 3 vignettes (the third missing, as when
candidates choose).

For each tool: the wall-clock time (the best of a few runs; a run over 10 s
is not repeated), its time over Attest's, and its accuracy against the
generating values: RMSE of the slopes and of the difficulties (the 0/1
items' b, the criteria's steps), for the 0/1 items and the criteria apart,
and its standard errors beside Attest's (median ratio). The tools:

- Attest, psychometrics.gpcm.calibrate, with standard errors from the
  observed information (Louis' identity);
- mirt 1.2.0, fit_mirt(model=["2PL"] * 60 + ["GPCM"] * 12), its mixed-format
  EM: with its defaults (21 quadrature points, Oakes standard errors), with
  Attest's 41 points, and without standard errors;
- girth 0.8.0, pcm_mml (the GPCM: a slope per item; a 0/1 item is its
  two-category case), which gives no standard errors, on the design with
  every vignette answered (girth marks missing answers with a sentinel
  value, which this bench does not rely on).

A peer that is not installed (`make bench-polytomous` installs them from
bench/requirements.txt), or fails, is reported as such. The benchmark
prints figures; it asserts nothing.
"""

import argparse
import importlib
import math
import os
import platform
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from psychometrics.gpcm import calibrate  # noqa: E402
from psychometrics.simulate import simulate_gpcm  # noqa: E402

KEYED, VIGNETTES, CRITERIA, LEVELS = 60, 3, 4, 4
CATEGORIES = [2] * KEYED + [LEVELS] * (VIGNETTES * CRITERIA)
CANDIDATES, SEED = 10_000, 2026
REPEATS, BUDGET = 3, 10.0
PINNED = {"mirt": "1.2.0", "girth": "0.8.0"}  # as in bench/requirements.txt


@dataclass(frozen=True)
class Fit:
    a: np.ndarray
    steps: np.ndarray  # items x 3, NaN past an item's own
    se_a: np.ndarray | None = None
    se_steps: np.ndarray | None = None


def _attest(scores):
    fit = calibrate(scores, CATEGORIES)
    return Fit(fit.a, fit.steps, fit.se_a, fit.se_steps), fit


def _mirt(module, responses, **options):
    result = module.fit_mirt(responses, model=["2PL"] * KEYED + ["GPCM"] * (VIGNETTES * CRITERIA),
                             n_categories=CATEGORIES, **options)
    parameters, errors = result.model.parameters, result.standard_errors
    a = np.concatenate([parameters["2PL.discrimination"], parameters["GPCM.discrimination"]])
    steps = _steps(parameters["2PL.difficulty"], parameters["GPCM.steps"])
    if not errors:
        return Fit(a, steps)
    return Fit(a, steps, np.concatenate([errors["2PL.discrimination"], errors["GPCM.discrimination"]]),
               _steps(errors["2PL.difficulty"], errors["GPCM.steps"]))


def _girth(module, responses):
    result = module.pcm_mml(responses)
    return Fit(np.ravel(result["Discrimination"]), np.asarray(result["Difficulty"])[:, :LEVELS - 1])


def _steps(keyed, criteria):
    steps = np.full((len(CATEGORIES), LEVELS - 1), np.nan)
    steps[:KEYED, 0] = np.ravel(keyed)
    steps[KEYED:] = np.asarray(criteria)[:, :LEVELS - 1]
    return steps


def _mirt_input(scores):
    return np.where(np.isnan(scores), -1, scores).astype(np.int64)


@dataclass(frozen=True)
class Peer:
    label: str
    package: str
    fit: object  # (module, responses) -> Fit
    responses: object  # scores -> the peer's input
    complete_only: bool = False


PEERS = (
    Peer("mirt 1.2.0 (defaults: 21 points, Oakes SEs)", "mirt", _mirt, _mirt_input),
    Peer("mirt 1.2.0 (41 points, Oakes SEs)", "mirt", lambda module, x: _mirt(module, x, n_quadpts=41), _mirt_input),
    Peer("mirt 1.2.0 (no standard errors)", "mirt",
         lambda module, x: _mirt(module, x, compute_standard_errors=False), _mirt_input),
    Peer("girth 0.8.0 (pcm_mml, no SEs)", "girth", _girth, lambda x: x.T.astype(np.int64), complete_only=True),
)


def best_of(run):
    """The least wall-clock time of up to REPEATS runs, stopping once BUDGET seconds are spent; and the last result."""
    best, spent = math.inf, 0.0
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = run()
        elapsed = time.perf_counter() - start
        best, spent = min(best, elapsed), spent + elapsed
        if spent > BUDGET:
            break
    return best, result


def rmse(estimate, truth):
    return float(np.sqrt(np.nanmean((estimate - truth) ** 2)))


def accuracy(fit, truth):
    keyed, rated = slice(0, KEYED), slice(KEYED, None)
    return (f"RMSE 0/1 items: a {rmse(fit.a[keyed], truth.a[keyed]):.3f}, b {rmse(fit.steps[keyed], truth.steps[keyed]):.3f}; "
            f"criteria: a {rmse(fit.a[rated], truth.a[rated]):.3f}, steps {rmse(fit.steps[rated], truth.steps[rated]):.3f}")


def against(fit, attest):
    if fit.se_a is None:
        return "no standard errors"
    ratio_a, ratio_steps = fit.se_a / attest.se_a, fit.se_steps / attest.se_steps
    return (f"SEs / Attest's: a median {np.nanmedian(ratio_a):.3f} (most off {np.nanmax(np.abs(ratio_a - 1)):.0%}), "
            f"steps median {np.nanmedian(ratio_steps):.3f} (most off {np.nanmax(np.abs(ratio_steps - 1)):.0%})")


def line(label, seconds, note=""):
    shown = f"{seconds * 1000:9.1f} ms" if seconds < 1 else f"{seconds:9.2f} s "
    print(f"  {label:<46}{shown}  {note}".rstrip())


def load(package):
    """A peer's module and None, or None and why it cannot run."""
    try:
        module = importlib.import_module(package)
        version = metadata.version(package)
    except Exception as error:  # any reason it cannot be imported is the reason to print
        return None, f"unavailable ({type(error).__name__}: {error}); `make bench-polytomous` installs it"
    if version != PINNED[package]:
        return None, f"unavailable: version {version} installed, {PINNED[package]} pinned in bench/requirements.txt"
    return module, None


def design(truth, chosen):
    """The scores of a design: every vignette, or each candidate's two of three (the third NaN)."""
    scores = truth.scores.copy()
    if chosen:
        skipped = np.random.default_rng(SEED + 1).integers(0, VIGNETTES, scores.shape[0])
        for vignette in range(VIGNETTES):
            columns = slice(KEYED + vignette * CRITERIA, KEYED + (vignette + 1) * CRITERIA)
            scores[skipped == vignette, columns] = np.nan
    return scores


def measure(truth, chosen, modules):
    scores = design(truth, chosen)
    print(f"\n{scores.shape[0]:,} candidates x {KEYED} 0/1 items + {VIGNETTES} vignettes x {CRITERIA} criteria "
          f"scored 0-{LEVELS - 1}, {'each candidate answering 2 of the 3 vignettes' if chosen else 'every vignette answered'}")
    attest_time, (attest, fit) = best_of(lambda: _attest(scores))
    line("Attest GPCM (with standard errors)", attest_time,
         f"{fit.cycles} EM cycles, {'converged' if fit.converged else 'NOT converged'}")
    print(f"      {accuracy(attest, truth)}")
    merged = [note for note in fit.merged if note]
    if merged:
        print(f"      {len(merged)} item(s) with categories joined: {merged[0]}")
    for peer in PEERS:
        module, reason = modules[peer.package]
        if module is None:
            print(f"  {peer.label}: {reason}")
            continue
        if chosen and peer.complete_only:
            print(f"  {peer.label}: not run on missing answers")
            continue
        responses = peer.responses(scores)
        try:
            peer_time, peer_fit = best_of(lambda: peer.fit(module, responses))
        except Exception as error:  # a peer's failure is a result to print, not a reason to stop
            print(f"  {peer.label}: failed ({type(error).__name__}: {error})")
            continue
        line(peer.label, peer_time, f"{peer_time / attest_time:.1f} x Attest's time")
        print(f"      {accuracy(peer_fit, truth)}")
        print(f"      {against(peer_fit, attest)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=CANDIDATES, help=f"candidates (default {CANDIDATES:,})")
    arguments = parser.parse_args()
    modules = {package: load(package) for package in PINNED}
    print(f"Attest polytomous calibration speed: numpy {np.__version__}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs. Times: best of up to {REPEATS} runs, at most {BUDGET:g} s of repeats each.")
    truth = simulate_gpcm(arguments.candidates, CATEGORIES, SEED)
    for chosen in (False, True):
        measure(truth, chosen, modules)


if __name__ == "__main__":
    main()
