"""Reading a large Attest JSON bank: time against its size, and against
parsing the JSON alone.

    .venv/bin/python bench/item_import.py                 # 1,000, 5,000 and 20,000 items
    .venv/bin/python bench/item_import.py --items 5000

For each size it prints the time `importing.read_upload` takes to read the
bank into a Bundle (every item checked, each named by its own line) beside
`json.loads` of the same text, and their ratio: reading stays a small
multiple of parsing, so a bank ten times larger takes about ten times as
long. Finding each item's line by searching the text from the top for
every item took 10 s for 5,000 items and 92 s for a 21 MB bank.
The benchmark prints figures; it asserts nothing.
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from item_bank import importing  # noqa: E402


def bank(items):
    content = {"stem": "Which response is most helpful?", "key": ["B"], "shuffle": True, "rationale": "", "references": [],
               "options": [{"id": letter, "text": f"Option {letter}", "fixed": False} for letter in "ABCD"]}
    return json.dumps({"format": "attest-item-bank", "version": 1, "items": [
        {"identifier": f"Q-{n}", "kind": "selected_response",
         "versions": [{"number": 1, "status": "draft", "content": content}]} for n in range(items)]}, indent=2).encode()


def best(function, repeats=3):
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, nargs="*", default=[1_000, 5_000, 20_000])
    args = parser.parse_args()
    print(f"{'items':>8} {'MB':>6} {'json.loads':>11} {'read_upload':>12} {'ratio':>6}")
    for items in args.items:
        text = bank(items)
        parse = best(lambda: json.loads(text))
        read = best(lambda: importing.read_upload("bank.json", text))
        print(f"{items:>8,} {len(text) / 1e6:>6.1f} {parse * 1000:>9.0f} ms {read * 1000:>10.0f} ms {read / parse:>6.1f}")


if __name__ == "__main__":
    main()
