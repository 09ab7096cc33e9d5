"""What one sign-in's password hash costs, how many sign-ins the machine's
cores can hash in a second, and what a burst of sign-ins does to a request
of a candidate already sitting, with and without the hashing slots.

    make bench-password-hashing
    .venv/bin/python bench/password_hashing.py --seconds 5 --burst 16

It prints:

- per profile (OWASP's argon2id minimum, which Attest uses, and RFC 9106's
  low-memory profile, which it used first): ms per hash (median and best of
  --hashes), and the peak memory one hash adds to a fresh process;
- sign-ins per second: hashes completed in --seconds by one thread per core
  (argon2 lets go of Python's lock, so threads hash in parallel), and the
  share of the machine 500 sign-ins in a minute take;
- a sitting candidate's request beside a burst: a stand-in of a few ms of
  Python (as a save or a state poll spends) timed alone, then while --burst
  threads of one process sign in without pause, first each hashing at once
  (no slots), then sharing the one slot a worker has by default
  (PASSWORD_HASHES_AT_ONCE), as a threaded gunicorn worker would.

Hashes go through accounts.passwords in an app built for the purpose, so the
slots measured are the ones sign-in uses. It prints figures; it asserts
nothing. Run it on a quiet machine: other load shows in every figure.
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from accounts import passwords  # noqa: E402
from app import create_app  # noqa: E402
from config import Config  # noqa: E402

PASSWORD = "correct horse battery"
PROFILES = ("OWASP", "RFC_9106_LOW_MEMORY")
BURST_MINUTE = 500  # sign-ins in the first minute of an examination day
POLL_SAMPLES = 200
POLL_WORK = 40_000  # loop steps of the stand-in request: a few ms of Python

# Run in a fresh process that imports nothing else, so the hash's memory
# cannot come from a heap that earlier imports grew: the peak resident memory
# (VmHWM, the memory map's own: getrusage's would carry this process's peak
# over exec) before and after one hash, in KiB.
MEMORY_PROBE = """
from argon2 import PasswordHasher
def peak():
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
hasher = PasswordHasher(time_cost={time_cost}, memory_cost={memory_cost}, parallelism={parallelism})
before = peak()
hasher.hash("correct horse battery")
print(peak() - before)
"""


def app_for(profile, slots):
    config = Config()
    config.SQLALCHEMY_DATABASE_URI = "sqlite://"
    config.PASSWORD_HASH_PROFILE = profile
    config.PASSWORD_HASHES_AT_ONCE = slots
    config.PASSWORD_HASH_WAIT_SECONDS = 60.0  # the bench measures waiting, never refusing
    return create_app(config)


def hash_times(app, count):
    times = []
    with app.app_context():
        for _ in range(count):
            started = time.perf_counter()
            passwords.hash_password(PASSWORD)
            times.append(time.perf_counter() - started)
    return times


def peak_memory_mib(profile):
    parameters = passwords.PROFILES[profile]
    probe = MEMORY_PROBE.format(time_cost=parameters.time_cost, memory_cost=parameters.memory_cost,
                                parallelism=parameters.parallelism)
    kib = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    return int(kib) / 1024


def hashing_threads(app, count, stop):
    """`count` threads hashing until `stop` is set; the list counts their hashes."""
    done = []

    def sign_in_repeatedly():
        with app.app_context():
            while not stop.is_set():
                passwords.hash_password(PASSWORD)
                done.append(1)

    threads = [threading.Thread(target=sign_in_repeatedly, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads, done


def hashes_per_second(app, threads, seconds):
    stop = threading.Event()
    running, done = hashing_threads(app, threads, stop)
    started = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for thread in running:
        thread.join()
    return len(done) / (time.perf_counter() - started)


def sitting_request():
    """Stands in for a save or a state poll: a few ms of Python holding the lock."""
    total = 0
    for step in range(POLL_WORK):
        total += step % 7
    return total


def request_times(samples):
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        sitting_request()
        times.append(time.perf_counter() - started)
        time.sleep(0.002)  # requests arrive apart, as polls do
    return times


def request_times_beside(app, burst, samples):
    stop = threading.Event()
    running, _ = hashing_threads(app, burst, stop)
    time.sleep(0.1)
    times = request_times(samples)
    stop.set()
    for thread in running:
        thread.join()
    return times


def percentile(times, share):
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def ms(seconds):
    return f"{seconds * 1000:,.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hashes", type=int, default=30, help="hashes timed one after another per profile")
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each throughput run")
    parser.add_argument("--burst", type=int, default=8, help="threads of one worker signing in at once")
    arguments = parser.parse_args()
    cores = os.cpu_count()
    print(f"{platform.processor() or platform.machine()}, {cores} cores, Python {platform.python_version()}")

    print("\nOne hash")
    print(f"{'profile':<22}{'median ms':>12}{'best ms':>10}{'peak MiB':>10}")
    for profile in PROFILES:
        times = hash_times(app_for(profile, 1), arguments.hashes if profile == "OWASP" else 5)
        print(f"{profile:<22}{ms(statistics.median(times)):>12}{ms(min(times)):>10}"
              f"{peak_memory_mib(profile):>10.1f}")

    print("\nSign-ins per second (OWASP profile, hashing only)")
    one = hashes_per_second(app_for("OWASP", 1), 1, arguments.seconds)
    every = hashes_per_second(app_for("OWASP", cores), cores, arguments.seconds)
    print(f"1 thread: {one:,.0f}/s; {cores} threads: {every:,.0f}/s")
    print(f"{BURST_MINUTE} sign-ins in a minute hash for {BURST_MINUTE / every / 60:.1%} of the machine's cores")

    print(f"\nA sitting candidate's request beside {arguments.burst} threads signing in (ms)")
    print(f"{'':<34}{'p50':>8}{'p95':>8}{'p99':>8}{'sign-ins/s':>12}")
    alone = request_times(POLL_SAMPLES)
    print(f"{'alone':<34}{ms(percentile(alone, 0.5)):>8}{ms(percentile(alone, 0.95)):>8}"
          f"{ms(percentile(alone, 0.99)):>8}{'':>12}")
    for label, slots in (("every sign-in hashing at once", arguments.burst), ("one hashing slot (the default)", 1)):
        app = app_for("OWASP", slots)
        beside = request_times_beside(app, arguments.burst, POLL_SAMPLES)
        rate = hashes_per_second(app, arguments.burst, arguments.seconds)
        print(f"{label:<34}{ms(percentile(beside, 0.5)):>8}{ms(percentile(beside, 0.95)):>8}"
              f"{ms(percentile(beside, 0.99)):>8}{rate:>12,.0f}")


if __name__ == "__main__":
    main()
