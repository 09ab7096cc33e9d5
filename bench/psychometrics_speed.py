"""Speed of the psychometrics core on simulated data, against references
measured in the same run.

    make bench-psychometrics                              # 1,000 x 50, 10,000 x 100, 100,000 x 150
    make bench-psychometrics BENCH_ARGS="--quick"         # the two smaller sizes only
    .venv/bin/python bench/psychometrics_speed.py --sizes 10000x100

For each size (persons x items; 2PL answers from psychometrics.simulate,
four options per item, 5% of the wrong answers omitted) it prints:

- the reference: one numpy pass summing the float64 scored matrix, x.sum();
- the full classical report, ctt.analyse with choices and keys (item,
  option and test statistics and flags), and its ratio to the reference;
- 2PL calibration with its standard errors (the observed information),
  irt.calibrate, with its ratio to the reference and its accuracy against
  the simulated truth (correlation and RMSE of a and b);
- up to 10,000 x 100, the same 2PL calibration by the Python peers on PyPI,
  each with its accuracy and its time over Attest's: mirt 1.2.0 with its
  default standard errors (Oakes' observed information, as Attest's) and
  without any, and girth 0.8.0 (twopl_mml), whose only standard errors are
  bootstrapped: girth_bootstrap resamples of them at 1,000 x 50, and what
  girth's default 2,000 would take, at every size, from the time of one fit.
  Standard errors are compared with Attest's (median ratio, largest
  departure) and, at 1,000 x 50, with the SD of the estimates over
  `REPLICATIONS` fresh samples of candidates answering the same items (the
  median over items of mean SE / SD: 1 when the SEs are right).
  A peer that is not installed, or fails, is reported as such.

Times are wall-clock, the best of several repeats (fewer for a run that
takes seconds); input conversion for the peers (integers, girth's items x
persons layout) is done before timing. Last, a PASS or MISS line for each
target of the issue. The benchmark prints figures; it asserts nothing.
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

from psychometrics.ctt import analyse  # noqa: E402
from psychometrics.irt import calibrate  # noqa: E402
from psychometrics.simulate import choices_from, simulate_2pl  # noqa: E402

SIZES = ((1_000, 50), (10_000, 100), (100_000, 150))
OPTIONS, OMIT_RATE, SEED = 4, 0.05, 2026
REPEATS = {"reference": 25, "attest": 7, "peer": 5}
BUDGET = 10.0  # seconds a measurement's repeats may take: a first run longer than that is not repeated
PEER_CELLS = 10_000 * 100  # the largest size the peers run at: girth alone takes 15 s there

REPLICATIONS, REPLICATION_SIZE = 20, (1_000, 50)  # fresh samples for the SEs' empirical check
BOOTSTRAP, GIRTH_DEFAULT_BOOTSTRAP = 5, 2_000  # girth resamples run, and girth's default

REPORT_SIZE, REPORT_RATIO = (100_000, 150), 10.0
FIT_SIZE, FIT_SECONDS, FIT_R_B, FIT_R_A, FIT_SPEEDUP = (10_000, 100), 0.5, 0.99, 0.98, 2.0
SE_SPEEDUP, SE_PEER = 10.0, "mirt 1.2.0 (default: Oakes standard errors)"

PINNED = {"mirt": "1.2.0", "girth": "0.8.0"}  # as in bench/requirements.txt


@dataclass(frozen=True)
class Peer:
    label: str
    package: str
    fit: object  # (module, responses) -> Fit
    responses: object  # scored matrix -> the peer's input


@dataclass(frozen=True)
class Fit:
    a: np.ndarray
    b: np.ndarray
    se_a: np.ndarray | None = None  # None: the tool gave no standard errors
    se_b: np.ndarray | None = None


def _mirt(module, responses, **options):
    result = module.fit_mirt(responses, model="2PL", **options)
    errors = result.standard_errors
    return Fit(np.ravel(result.model.discrimination), np.ravel(result.model.difficulty),
               *((np.ravel(errors["discrimination"]), np.ravel(errors["difficulty"])) if errors else ()))


def _girth(module, responses):
    result = module.twopl_mml(responses)
    return Fit(np.ravel(result["Discrimination"]), np.ravel(result["Difficulty"]))


def _girth_bootstrap(module, responses):
    result = module.standard_errors_bootstrap(responses, module.twopl_mml, bootstrap_iterations=BOOTSTRAP,
                                              n_processors=1, seed=SEED)
    solution, errors = result["Solution"], result["Standard Errors"]
    return Fit(np.ravel(solution["Discrimination"]), np.ravel(solution["Difficulty"]),
               np.ravel(errors["Discrimination"]), np.ravel(errors["Difficulty"]))


def _attest(scored):
    fit = calibrate(scored, "2pl")
    return Fit(fit.a, fit.b, fit.se_a, fit.se_b)


PEERS = (
    Peer(SE_PEER, "mirt", _mirt, lambda x: x.astype(np.int64)),
    Peer("mirt 1.2.0 (no standard errors)", "mirt",
         lambda module, responses: _mirt(module, responses, compute_standard_errors=False),
         lambda x: x.astype(np.int64)),
    Peer("girth 0.8.0 (twopl_mml)", "girth", _girth, lambda x: x.T.astype(np.int64)),
)
GIRTH_BOOTSTRAP = Peer(f"girth 0.8.0 ({BOOTSTRAP} bootstrap resamples)", "girth", _girth_bootstrap,
                       lambda x: x.T.astype(np.int64))


def best_of(run, repeats):
    """The least wall-clock time of up to `repeats` runs, stopping once BUDGET
    seconds are spent; and the last run's result."""
    best, spent = math.inf, 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        elapsed = time.perf_counter() - start
        best, spent = min(best, elapsed), spent + elapsed
        if spent > BUDGET:
            break
    return best, result


def size_label(size):
    return f"{size[0]:,} x {size[1]}"


def line(label, seconds, ratio="", note=""):
    shown = f"{seconds * 1000:9.2f} ms" if seconds < 1 else f"{seconds:9.3f} s "
    print(f"  {label:<44}{shown}  {ratio:<22}{note}".rstrip())


def accuracy(a, b, truth):
    """Correlations and RMSE of estimated slopes and difficulties with the simulated ones."""
    r_a, r_b = np.corrcoef(a, truth.a)[0, 1], np.corrcoef(b, truth.b)[0, 1]
    rmse_a, rmse_b = np.sqrt(np.mean((a - truth.a) ** 2)), np.sqrt(np.mean((b - truth.b) ** 2))
    return r_a, r_b, f"r(a) {r_a:.4f}  r(b) {r_b:.5f}  RMSE a {rmse_a:.3f}  b {rmse_b:.3f}"


def against(fit, attest):
    """A tool's standard errors beside Attest's: the median ratio and the largest departure from 1."""
    if fit.se_a is None:
        return "no standard errors"
    ratio_a, ratio_b = fit.se_a / attest.se_a, fit.se_b / attest.se_b
    return (f"SEs / Attest's: a median {np.nanmedian(ratio_a):.3f} (most off {np.nanmax(np.abs(ratio_a - 1)):.0%}), "
            f"b median {np.nanmedian(ratio_b):.3f} (most off {np.nanmax(np.abs(ratio_b - 1)):.0%})")


def resampled(truth, seed):
    """Fresh candidates answering the same items as `truth`."""
    rng = np.random.default_rng(seed)
    theta = rng.standard_normal(truth.scored.shape[0])
    return (rng.random(truth.scored.shape) < 1 / (1 + np.exp(-truth.a * (theta[:, None] - truth.b)))).astype(float)


def empirical(fits):
    """Median over items of mean SE / SD of the estimates across replications, for a and for b."""
    def ratio(estimate, error):
        spread = np.std([getattr(fit, estimate) for fit in fits], axis=0, ddof=1)
        return np.median(np.mean([getattr(fit, error) for fit in fits], axis=0) / spread)
    return f"mean SE / SD over {len(fits)} samples: a {ratio('a', 'se_a'):.3f}, b {ratio('b', 'se_b'):.3f}"


def load(package):
    """A peer's module and None, or None and why it cannot run."""
    try:
        module = importlib.import_module(package)
        version = metadata.version(package)
    except Exception as error:  # any reason it cannot be imported is the reason to print
        return None, f"unavailable ({type(error).__name__}: {error}); `make bench-psychometrics` installs it"
    if version != PINNED[package]:
        return None, f"unavailable: version {version} installed, {PINNED[package]} pinned in bench/requirements.txt"
    return module, None


def measure(size, modules):
    """Print one size's figures; return what the targets need."""
    n_persons, n_items = size
    truth = simulate_2pl(n_persons, n_items, SEED)
    scored = truth.scored
    choices, keys = choices_from(scored, OPTIONS, SEED, omit_rate=OMIT_RATE)
    print(f"\n{size_label(size)} (persons x items)")
    reference, _ = best_of(lambda: scored.sum(), REPEATS["reference"])
    line("reference: x.sum() over the float64 matrix", reference)
    report, _ = best_of(lambda: analyse(scored, choices, keys), REPEATS["attest"])
    line("classical report (items, options, test)", report, f"{report / reference:.1f} x reference")
    fit_time, fit = best_of(lambda: calibrate(scored, "2pl"), REPEATS["attest"])
    attest = Fit(fit.a, fit.b, fit.se_a, fit.se_b)
    r_a, r_b, described = accuracy(fit.a, fit.b, truth)
    line("2PL, Attest (with standard errors)", fit_time, f"{fit_time / reference:.0f} x reference",
         f"{fit.cycles} EM cycles, {'converged' if fit.converged else 'NOT converged'}")
    print(f"      {described}")
    measured = {"reference": reference, "report": report, "fit": fit_time, "r_a": r_a, "r_b": r_b, "peers": {}}
    if size == REPLICATION_SIZE:
        print(f"      {empirical([_attest(resampled(truth, seed)) for seed in range(REPLICATIONS)])}")
    if n_persons * n_items > PEER_CELLS:
        print(f"  peers: compared up to {size_label(FIT_SIZE)} only (girth alone would take minutes here)")
        return measured
    peers = PEERS + ((GIRTH_BOOTSTRAP,) if size == REPLICATION_SIZE else ())
    for peer in peers:
        measured["peers"][peer.label] = run_peer(peer, modules[peer.package], truth, attest, fit_time,
                                                 size == REPLICATION_SIZE)
    return measured


def run_peer(peer, loaded, truth, attest, attest_time, replicate):
    """Print a peer's time, accuracy and standard errors; return its time, None if it did not run."""
    module, reason = loaded
    if module is None:
        print(f"  2PL, {peer.label}: {reason}")
        return None
    responses = peer.responses(truth.scored)
    repeats = 1 if peer is GIRTH_BOOTSTRAP else REPEATS["peer"]
    try:
        peer_time, fit = best_of(lambda: peer.fit(module, responses), repeats)
    except Exception as error:  # a peer's failure is a result to print, not a reason to stop
        print(f"  2PL, {peer.label}: failed ({type(error).__name__}: {error})")
        return None
    line(f"2PL, {peer.label}", peer_time, f"{peer_time / attest_time:.1f} x Attest's time")
    print(f"      {accuracy(fit.a, fit.b, truth)[2]}")
    print(f"      {against(fit, attest)}")
    if peer.package == "girth" and peer is not GIRTH_BOOTSTRAP:
        print(f"      girth's standard errors are bootstrapped only: its default {GIRTH_DEFAULT_BOOTSTRAP:,} "
              f"resamples would take about {GIRTH_DEFAULT_BOOTSTRAP * peer_time / 60:,.0f} min here")
    if replicate and peer.label == SE_PEER:
        print(f"      {empirical([peer.fit(module, peer.responses(resampled(truth, seed))) for seed in range(REPLICATIONS)])}")
    return peer_time


def verdict(passed, text):
    print(f"  {'PASS' if passed else 'MISS'}  {text}")


def targets(results):
    print("\nTargets (from the issue)")
    if REPORT_SIZE in results:
        ratio = results[REPORT_SIZE]["report"] / results[REPORT_SIZE]["reference"]
        verdict(ratio <= REPORT_RATIO, f"classical report at {size_label(REPORT_SIZE)} within {REPORT_RATIO:g} x the "
                                       f"reference: {ratio:.1f} x")
    else:
        print(f"  ----  classical report at {size_label(REPORT_SIZE)}: size not run")
    if FIT_SIZE not in results:
        print(f"  ----  2PL calibration at {size_label(FIT_SIZE)}: size not run")
        return
    fit = results[FIT_SIZE]
    verdict(fit["fit"] < FIT_SECONDS, f"2PL calibration at {size_label(FIT_SIZE)} under {FIT_SECONDS} s: "
                                      f"{fit['fit']:.3f} s")
    verdict(fit["r_b"] > FIT_R_B and fit["r_a"] > FIT_R_A,
            f"2PL recovery at {size_label(FIT_SIZE)}, r(b) > {FIT_R_B} and r(a) > {FIT_R_A}: "
            f"r(b) {fit['r_b']:.5f}, r(a) {fit['r_a']:.4f}")
    ran = {label: seconds for label, seconds in fit["peers"].items() if seconds is not None}
    if not ran:
        print(f"  MISS  2PL at least {FIT_SPEEDUP:g} x faster than the fastest peer: no peer ran")
        return
    fastest = min(ran, key=ran.get)
    speedup = ran[fastest] / fit["fit"]
    verdict(speedup >= FIT_SPEEDUP, f"2PL at {size_label(FIT_SIZE)} at least {FIT_SPEEDUP:g} x faster than the "
                                    f"fastest peer ({fastest}, {ran[fastest]:.3f} s): {speedup:.1f} x")
    if SE_PEER not in ran:
        print(f"  MISS  2PL with standard errors at least {SE_SPEEDUP:g} x faster than {SE_PEER}: it did not run")
        return
    speedup = ran[SE_PEER] / fit["fit"]
    verdict(speedup >= SE_SPEEDUP, f"2PL with standard errors at {size_label(FIT_SIZE)} at least {SE_SPEEDUP:g} x "
                                   f"faster than {SE_PEER} ({ran[SE_PEER]:.3f} s): {speedup:.1f} x")


def parse_size(text):
    try:
        persons, items = (int(part.replace(",", "").replace("_", "")) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not persons x items, e.g. 10000x100") from None
    return persons, items


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--sizes", type=lambda text: [parse_size(part) for part in text.split(",")],
                       help="persons x items to run, comma-separated, e.g. 1000x50,10000x100 "
                            "(default: 1000x50,10000x100,100000x150)")
    which.add_argument("--quick", action="store_true",
                       help="only 1,000 x 50 and 10,000 x 100: a short run, without the classical report's target")
    arguments = parser.parse_args()
    sizes = SIZES[:2] if arguments.quick else arguments.sizes or SIZES
    modules = {package: load(package) for package in PINNED}
    print(f"Attest psychometrics speed: numpy {np.__version__}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs. Times: best of up to {REPEATS['attest']} runs for Attest, {REPEATS['peer']} for "
          f"peers, {REPEATS['reference']} for the reference, at most {BUDGET:g} s of repeats each.")
    results = {size: measure(size, modules) for size in sizes}
    targets(results)


if __name__ == "__main__":
    main()
