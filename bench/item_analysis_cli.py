"""`flask item-analysis` end to end against its own computation, on simulated
exports written to a temporary folder.

    make bench-item-analysis                              # 1,000 x 50, 10,000 x 100, 100,000 x 150
    make bench-item-analysis BENCH_ARGS="--quick"         # the two smaller sizes only
    .venv/bin/python bench/item_analysis_cli.py --sizes 100000x150

For each size (persons x items; 2PL answers from psychometrics.simulate,
four options per item, 5% of the wrong answers omitted, written as the
statistics page's raw.csv and key.csv are) it prints:

- end to end: `flask item-analysis RESPONSES.csv --key KEY.csv --irt 2pl
  --out FILE.json` as a user runs it (FLASK_APP=app:create_app), and the
  same through `python -m analysis.cli`, wall-clock, and each one's peak RSS;
- computation: report.item_analysis on the parsed matrices (scoring, the
  classical report, the 2PL with standard errors, the JSON's values);
- parsing: csv_input.read_responses and read_key; and the import of those
  two modules (numpy with them);
- start-up: each command with --help (Python, the imports, and for flask
  the web application built), wall-clock, and its peak RSS: the baseline
  the data's memory is counted from.

Then the ratios to the issue's targets at 100,000 x 150: end to end within
3 x the computation, and peak RSS less the start-up's within 3 x the
response matrix as float64 (persons x items x 8 bytes). Each measurement
runs in a fresh process, in rounds that take every one in turn, so the
machine's other load falls on all alike; times are each one's best round.
The benchmark prints figures; it asserts nothing.
"""

import argparse
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from psychometrics.simulate import choices_from, simulate_2pl  # noqa: E402

SIZES = ((1_000, 50), (10_000, 100), (100_000, 150))
TARGET_SIZE, TIME_RATIO, MEMORY_RATIO = (100_000, 150), 3.0, 3.0
OPTIONS, OMIT_RATE, SEED = 4, 0.05, 2026
REPEATS, BUDGET = 3, 60.0  # rounds of measurements per size, and the seconds after which no round starts
LETTERS = np.array(list("ABCD"))
COMMANDS = {
    "flask item-analysis": [str(ROOT / ".venv" / "bin" / "flask"), "item-analysis"],
    "python -m analysis.cli": [sys.executable, "-m", "analysis.cli"],
}


def write_exports(folder, size):
    """RESPONSES.csv and KEY.csv of simulated answers; their paths."""
    n_persons, n_items = size
    choices, keys = choices_from(simulate_2pl(n_persons, n_items, SEED).scored, OPTIONS, SEED, omit_rate=OMIT_RATE)
    cells = np.where(choices >= 0, LETTERS[np.maximum(choices, 0)], "")
    responses, key = folder / "responses.csv", folder / "key.csv"
    with responses.open("w", newline="") as out:
        out.write("candidate_id," + ",".join(f"Q{item}" for item in range(1, n_items + 1)) + "\r\n")
        out.writelines(f"candidate{person}@example.org,{','.join(row)}\r\n"
                       for person, row in enumerate(cells.tolist(), start=1))
    key.write_text("item_id,key,domain\n" + "".join(f"Q{item},{LETTERS[keyed.argmax()]},D{item % 4}\n"
                                                  for item, keyed in enumerate(keys, start=1)))
    return responses, key


# Started from this process, a command's peak RSS would count this process's own memory (Linux keeps
# the peak across fork and exec), so a small Python starts each one and reports its figures.
LAUNCHER = """
import os, subprocess, sys, time
start = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(process.pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss * 1024, os.waitstatus_to_exitcode(status))
"""
# The command's parts, timed in a fresh process of their own, as the command runs them.
PROBE = """
import sys, time
start = time.perf_counter()
from analysis import csv_input
from analysis.report import item_analysis
imported = time.perf_counter()
responses = csv_input.read_responses(sys.argv[1])
key = csv_input.read_key(sys.argv[2], responses, sys.argv[1])
parsed = time.perf_counter()
item_analysis(responses.item_ids, key.domains, responses.choices, key.keys, irt="2pl")
print(imported - start, parsed - imported, time.perf_counter() - parsed)
"""


def run(arguments):
    """Standard output of a command run from the project's folder, which must succeed."""
    environment = {**os.environ, "FLASK_APP": "app:create_app"}
    done = subprocess.run(arguments, cwd=ROOT, env=environment, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(arguments)} failed:\n{done.stderr}")
    return done.stdout.split()


def launched(arguments):
    """Wall-clock seconds and peak RSS in bytes of one command."""
    elapsed, peak, exit_code = run([sys.executable, "-c", LAUNCHER, *arguments])
    if exit_code != "0":
        raise SystemExit(f"{' '.join(arguments)} exited with {exit_code}; its error is above")
    return float(elapsed), int(peak)


def seconds_text(seconds):
    return f"{seconds * 1000:8.1f} ms" if seconds < 1 else f"{seconds:8.3f} s "


def line(label, seconds=None, note=""):
    shown = seconds_text(seconds) if seconds is not None else " " * 11
    print(f"  {label:<46}{shown}  {note}".rstrip())


def megabytes(size):
    return f"{size / 2 ** 20:,.0f} MB"


def measure(size, folder):
    """Rounds of every measurement, one after another so that the machine's load
    falls on all alike; the best time of each, and the highest peak RSS."""
    n_persons, n_items = size
    print(f"\n{n_persons:,} x {n_items} (persons x items)")
    responses_path, key_path = write_exports(folder, size)
    matrix = n_persons * n_items * 8
    print(f"  RESPONSES.csv {megabytes(responses_path.stat().st_size)}; the matrix as float64 {megabytes(matrix)}")
    arguments = [str(responses_path), "--key", str(key_path), "--irt", "2pl", "--out", str(folder / "report.json")]
    times, peaks = {}, {}

    def record(name, seconds, peak=0):
        times[name] = min(times.get(name, math.inf), seconds)
        peaks[name] = max(peaks.get(name, 0), peak)

    spent, start = 0, time.perf_counter()
    while spent < REPEATS and (spent == 0 or time.perf_counter() - start < BUDGET):
        imports, parse, compute = map(float, run([sys.executable, "-c", PROBE, str(responses_path), str(key_path)]))
        record("imports", imports), record("parse", parse), record("compute", compute)
        for label, command in COMMANDS.items():
            record(f"{label} start-up", *launched([*command, "--help"]))
            record(label, *launched([*command, *arguments]))
        spent += 1
    line("import of csv_input and report (numpy)", times["imports"])
    line("parsing (read_responses, read_key)", times["parse"])
    line("computation (item_analysis with --irt 2pl)", times["compute"])
    results = {"compute": times["compute"], "matrix": matrix, "commands": {}}
    for label in COMMANDS:
        baseline, peak = peaks[f"{label} start-up"], peaks[label]
        line(f"{label}: start-up (--help)", times[f"{label} start-up"], f"peak RSS {megabytes(baseline)}")
        line(f"{label}: end to end", times[label],
             f"{times[label] / times['compute']:.2f} x computation; peak RSS {megabytes(peak)}, "
             f"{megabytes(peak - baseline)} above start-up = {(peak - baseline) / matrix:.2f} x the float64 matrix")
        results["commands"][label] = {"end_to_end": times[label], "peak": peak, "baseline": baseline}
    return results


def verdict(passed, text):
    print(f"  {'PASS' if passed else 'MISS'}  {text}")


def targets(results):
    print("\nTargets (from the issue)")
    if TARGET_SIZE not in results:
        print(f"  ----  {TARGET_SIZE[0]:,} x {TARGET_SIZE[1]}: size not run")
        return
    result = results[TARGET_SIZE]
    for label, command in result["commands"].items():
        ratio = command["end_to_end"] / result["compute"]
        verdict(ratio <= TIME_RATIO, f"{label} at {TARGET_SIZE[0]:,} x {TARGET_SIZE[1]} end to end within "
                                     f"{TIME_RATIO:g} x its computation: {command['end_to_end']:.2f} s / "
                                     f"{result['compute']:.2f} s = {ratio:.2f} x")
        above = command["peak"] - command["baseline"]
        verdict(above <= MEMORY_RATIO * result["matrix"],
                f"{label} peak RSS above start-up within {MEMORY_RATIO:g} x the float64 matrix "
                f"({megabytes(MEMORY_RATIO * result['matrix'])}): {megabytes(above)} = "
                f"{above / result['matrix']:.2f} x")


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
                       help="persons x items to run, comma-separated (default: 1000x50,10000x100,100000x150)")
    which.add_argument("--quick", action="store_true", help="only 1,000 x 50 and 10,000 x 100, without the targets")
    arguments = parser.parse_args()
    sizes = SIZES[:2] if arguments.quick else arguments.sizes or SIZES
    print(f"Attest item analysis end to end: numpy {np.__version__}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}. Times: the best of up to {REPEATS} "
          f"rounds per size, none started after {BUDGET:g} s.")
    with tempfile.TemporaryDirectory(prefix="attest-item-analysis-") as folder:
        results = {size: measure(size, Path(folder)) for size in sizes}
    targets(results)
    print(f"Load average at the end: {os.getloadavg()[0]:.1f} (over {os.cpu_count()} CPUs).")


if __name__ == "__main__":
    main()
