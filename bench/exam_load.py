"""Examination-day load: candidates start within one minute, then poll their
state every 4 s and save every 16 s on average, while proctors poll the live
board every 5 s.

    make bench                         # 300 candidates, 10 proctors, 10 minutes
    make bench BENCH_ARGS="--minutes 2"

It builds a PostgreSQL database of its own (migrated, demo data, N enrolled
candidates), serves the app with gunicorn (several workers) on loopback,
drives it with Locust (headless; it stops by itself), then prints per
endpoint p50/p95/p99 latency, errors and requests per second, the server's
peak memory, a saturation run comparing the save endpoint's throughput with
a trivial endpoint's (GET /healthz) served the same way, and whether every
acknowledged save is in the database.
"""

import argparse
import csv
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, make_url, select, text, tuple_  # noqa: E402

from accounts.models import User, UserRole  # noqa: E402
from accounts.passwords import hash_password  # noqa: E402
from app import create_app  # noqa: E402
from audit.log import Actor  # noqa: E402
from clock import utcnow  # noqa: E402
from config import TestingConfig, database_url  # noqa: E402
from exam import sessions  # noqa: E402
from exam.models import SaveRecord  # noqa: E402
from extensions import db  # noqa: E402
from item_bank.models import Form  # noqa: E402
from tests.system.test_kill import Candidate  # noqa: E402

PASSWORD = "bench-candidate-pw"
CODE = "BENCH"
SECRET = "bench-secret-key-0123456789-0123456789-0123456789"
BY = Actor(None, "bench")


def reset_database(url):
    target = make_url(url)
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()


def prepare(url, candidates, proctors):
    """Migrate, load the demo, enrol `candidates` bench candidates and assign
    `proctors` bench proctors to the session (one shared password hash)."""
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    config.PASSWORD_HASH_PROFILE = "OWASP"  # sign-in costs what it costs in production
    app = create_app(config)
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["demo", "load"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    with app.app_context():
        password_hash = hash_password(PASSWORD)
        users = [User(email=f"bench-{n:04d}@example.org", name=f"Bench {n}", password_hash=password_hash,
                      role_rows=[UserRole(role="candidate")]) for n in range(1, candidates + 1)]
        watchers = [User(email=f"bench-proctor-{n:02d}@example.org", name=f"Bench proctor {n}",
                         password_hash=password_hash, role_rows=[UserRole(role="proctor")])
                    for n in range(1, proctors + 1)]
        db.session.add_all(users + watchers)
        form = db.session.scalar(select(Form).where(Form.code == "MENTOR-A"))
        now = utcnow()
        session = sessions.schedule(sessions.Options("Bench day", form, now - timedelta(hours=1),
                                                     now + timedelta(hours=6), "bench", proctors=watchers), BY, CODE)
        for user in users:
            sessions.enroll(session, user, BY)
        db.session.commit()
        session_id = session.id
        db.engine.dispose()
    return app, session_id


def start_server(url, port, workers):
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET, "ATTEST_CONFIG": "development"}
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--access-logfile", "/dev/null", "app:create_app()"],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


class PeakMemory(threading.Thread):
    """The largest resident memory of gunicorn's process group, sampled every second."""

    def __init__(self, group):
        super().__init__(daemon=True)
        self.group, self.peak_kib, self.running = group, 0, True

    def run(self):
        while self.running:
            total = 0
            for pid in os.listdir("/proc"):
                try:
                    if pid.isdigit() and os.getpgid(int(pid)) == self.group:
                        status = Path(f"/proc/{pid}/status").read_text()
                        total += int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1])
                except (OSError, StopIteration, ValueError):
                    continue
            self.peak_kib = max(self.peak_kib, total)
            time.sleep(1)


def run_locust(base, candidates, proctors, session_id, minutes, out_dir):
    acks = out_dir / "acks.json"
    env = {**os.environ, "ATTEST_BENCH_PASSWORD": PASSWORD, "ATTEST_BENCH_CODE": CODE, "ATTEST_BENCH_ACKS": str(acks),
           "ATTEST_BENCH_PROCTORS": str(proctors), "ATTEST_BENCH_SESSION": str(session_id)}
    spawn_rate = max(1, round((candidates + proctors) / 60))
    # Locust exits 1 when any request failed; the failures are in the report.
    subprocess.run(
        [str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
         "--users", str(candidates + proctors), "--spawn-rate", str(spawn_rate), "--run-time", f"{round(60 + minutes * 60)}s",
         "--host", base, "--csv", str(out_dir / "load"), "--only-summary", "--loglevel", "WARNING"],
        env=env, check=False, cwd=ROOT, stdout=subprocess.DEVNULL,
    )
    if not (out_dir / "load_stats.csv").exists():
        raise SystemExit("Locust wrote no statistics: run it by hand with bench/locustfile.py to see why")
    with open(out_dir / "load_stats.csv") as stats:
        rows = [row for row in csv.DictReader(stats) if row["Name"] != "Aggregated"]
    return rows, json.loads(acks.read_text())


def saturate(clients, request, seconds):
    """Requests per second the clients get together, each calling request(client) back to back."""
    stop = time.monotonic() + seconds

    def loop(client):
        done = 0
        while time.monotonic() < stop:
            request(client)
            done += 1
        return done

    with ThreadPoolExecutor(len(clients)) as pool:
        return sum(pool.map(loop, clients)) / seconds


def save_a_flag(saver):
    saver.seq += 1
    saver.post_json(saver.path + "/saves", {"tab": "saturate", "saves": [
        {"seq": saver.seq, "response": saver.response, "field": "flag", "value": saver.seq % 2 == 0}]})


def check_health(client):
    client.opener.open(client.base + "/healthz").read()


def signed_in_savers(base, emails):
    savers = []
    for email in emails:
        client = Candidate(base)
        client.page("/sign-in")
        client.page("/sign-in", {"email": email, "password": PASSWORD})
        _, home = client.page("/home/candidate")
        join = re.search(r'href="(/exam/sessions/\d+/join)"', home).group(1)
        url, _ = client.page(join, {"access_code": CODE})
        path = url.split(base)[1].removesuffix("/agreement")
        _, sitting = client.page(path + "/agreement", {"agree": "y"})
        client.path = path
        client.response = int(re.search(r'data-response="(\d+)"', sitting).group(1))
        client.seq = client.post_json(path + "/claim", {"tab": "saturate"})["seq_base"]
        savers.append(client)
    return savers


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=300)
    parser.add_argument("--proctors", type=int, default=10, help="proctors polling the live board every 5 s")
    parser.add_argument("--minutes", type=float, default=10, help="minutes of saving after the minute of starts")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/attest_bench",
                        help="a PostgreSQL database this run may drop and recreate")
    parser.add_argument("--saturation-seconds", type=int, default=15)
    args = parser.parse_args()

    url = database_url(args.database_url)
    saturation_users = 16
    print(f"Preparing {url} with {args.candidates} candidates ...", flush=True)
    reset_database(url)
    app, session_id = prepare(url, args.candidates + saturation_users, args.proctors)
    server = start_server(url, args.port, args.workers)
    memory = PeakMemory(os.getpgid(server.pid))
    memory.start()
    base = f"http://127.0.0.1:{args.port}"
    try:
        print(f"Load: {args.candidates} candidates start within a minute, then poll every 4 s and save every 16 s, "
              f"and {args.proctors} proctors poll the board of {args.candidates + saturation_users} every 5 s, for "
              f"{args.minutes:g} min; gunicorn {args.workers} workers, PostgreSQL, loopback.", flush=True)
        with tempfile.TemporaryDirectory() as out:
            rows, acknowledged = run_locust(base, args.candidates, args.proctors, session_id, args.minutes, Path(out))
        emails = [f"bench-{n:04d}@example.org" for n in range(args.candidates + 1, args.candidates + saturation_users + 1)]
        savers = signed_in_savers(base, emails)
        trivial_rps = saturate(savers, check_health, args.saturation_seconds)
        save_rps = saturate(savers, save_a_flag, args.saturation_seconds)
    finally:
        memory.running = False
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()

    with app.app_context():
        stored = set()
        pairs = [tuple(pair) for pair in acknowledged]
        for start in range(0, len(pairs), 1000):
            chunk = pairs[start:start + 1000]
            stored |= set(db.session.execute(select(SaveRecord.attempt_id, SaveRecord.seq).where(
                tuple_(SaveRecord.attempt_id, SaveRecord.seq).in_(chunk))).all())
        lost = len(set(pairs) - stored)
    with app.app_context():
        db.engine.dispose()

    print(f"\n{'endpoint':48} {'requests':>9} {'errors':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'req/s':>7}")
    for row in rows:
        print(f"{row['Type'] + ' ' + row['Name']:48} {row['Request Count']:>9} {row['Failure Count']:>7} "
              f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7} {float(row['Requests/s']):>7.1f}")
    print(f"\nAcknowledged saves: {len(acknowledged)}; missing from the database afterwards: {lost}")
    print(f"Server peak memory (gunicorn, all workers): {memory.peak_kib / 1024:.0f} MiB")
    print(f"Saturation, {saturation_users} clients back to back for {args.saturation_seconds} s each:")
    print(f"  GET /healthz (trivial): {trivial_rps:.0f} req/s; POST saves: {save_rps:.0f} req/s; "
          f"ratio save/trivial = {save_rps / trivial_rps:.2f}")
    errors = sum(int(row["Failure Count"]) for row in rows)
    save_row = next(row for row in rows if row["Name"].endswith("/saves"))
    board_row = next((row for row in rows if row["Name"].endswith("board.json")), None)
    print(f"Targets: zero errors ({errors}), zero lost saves ({lost}), save p99 under 200 ms ({save_row['99%']} ms)")
    if board_row:
        print(f"Live board JSON ({args.candidates + saturation_users} candidates): p50 {board_row['50%']} ms, "
              f"p95 {board_row['95%']} ms, p99 {board_row['99%']} ms")


if __name__ == "__main__":
    main()
