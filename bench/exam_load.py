"""Examination-day load: candidates start within one minute, then poll their
state every 4 s and save an answer every 10 to 20 s, finish Part One halfway
and submit Part Two near the end, while proctors poll the live board every
5 s and psychometricians open item statistics every 5 to 15 s.

    make bench                         # 500 candidates, 10 proctors, 3 psychometricians, 15 minutes
    make bench BENCH_ARGS="--minutes 3"

It builds a PostgreSQL database of its own (migrated, demo data, N enrolled
candidates), serves the app with gunicorn (several workers) on loopback,
drives it with Locust (headless; it stops by itself), then prints per
endpoint p50/p95/p99 latency, errors and requests per second, the server's
peak memory, and a saturation run comparing the save endpoint's throughput
with a trivial endpoint's (GET /healthz) served the same way. Last it checks
the database: every acknowledged save in the journal, every response holding
its highest accepted save, every submitted attempt submitted with both parts
closed and every other one still in progress.
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

from sqlalchemy import create_engine, make_url, select, text  # noqa: E402

from accounts.models import User, UserRole  # noqa: E402
from accounts.passwords import hash_password  # noqa: E402
from app import create_app  # noqa: E402
from audit.log import Actor  # noqa: E402
from clock import utcnow  # noqa: E402
from config import TestingConfig, database_url  # noqa: E402
from exam import sessions  # noqa: E402
from exam.models import Attempt, AttemptSection, AttemptStatus, Enrollment, Response, SaveRecord  # noqa: E402
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


def prepare(url, candidates, proctors, psychometricians):
    """Migrate, load the demo, enrol `candidates` bench candidates, assign
    `proctors` bench proctors to the session and add `psychometricians` (one
    shared password hash). Returns the app, the session's id and the id of the
    demo's analysed form (its autumn sitting's)."""
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
        analysts = [User(email=f"bench-psychometrician-{n:02d}@example.org", name=f"Bench psychometrician {n}",
                         password_hash=password_hash, role_rows=[UserRole(role="psychometrician")])
                    for n in range(1, psychometricians + 1)]
        db.session.add_all(users + watchers + analysts)
        analysed_form_id = db.session.scalar(select(Form.id).where(Form.code == "MENTOR-B"))
        form = db.session.scalar(select(Form).where(Form.code == "MENTOR-A"))
        now = utcnow()
        session = sessions.schedule(sessions.Options("Bench day", form, now - timedelta(hours=1),
                                                     now + timedelta(hours=6), "bench", proctors=watchers), BY, CODE)
        for user in users:
            sessions.enroll(session, user, BY)
        db.session.commit()
        session_id = session.id
        db.engine.dispose()
    return app, session_id, analysed_form_id


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


def run_locust(base, args, session_id, analysed_form_id, out_dir):
    results = out_dir / "results.json"
    env = {**os.environ, "ATTEST_BENCH_PASSWORD": PASSWORD, "ATTEST_BENCH_CODE": CODE,
           "ATTEST_BENCH_RESULTS": str(results), "ATTEST_BENCH_PROCTORS": str(args.proctors),
           "ATTEST_BENCH_PSYCHOMETRICIANS": str(args.psychometricians), "ATTEST_BENCH_SESSION": str(session_id),
           "ATTEST_BENCH_ANALYSED_FORM": str(analysed_form_id), "ATTEST_BENCH_SITTING_SECONDS": str(args.minutes * 60)}
    users = args.candidates + args.proctors + args.psychometricians
    # Everyone has started within the first minute; the last starter submits before its sitting's end.
    run_time = round(60 + args.minutes * 60 + 10)
    # Locust exits 1 when any request failed; the failures are in the report.
    subprocess.run(
        [str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
         "--users", str(users), "--spawn-rate", str(max(1, round(users / 55))), "--run-time", f"{run_time}s",
         "--host", base, "--csv", str(out_dir / "load"), "--only-summary", "--loglevel", "WARNING"],
        env=env, check=False, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    if not (out_dir / "load_stats.csv").exists():
        raise SystemExit("Locust wrote no statistics: run it by hand with bench/locustfile.py to see why")
    with open(out_dir / "load_stats.csv") as stats:
        rows = [row for row in csv.DictReader(stats) if row["Name"] != "Aggregated"]
    with open(out_dir / "load_failures.csv") as failures:
        failed = list(csv.DictReader(failures))
    return rows, failed, json.loads(results.read_text())


def check_database(app, session_id, acknowledged, submitted):
    """What the database holds after the day: [(check, problems found)]."""
    with app.app_context():
        pairs = {tuple(pair) for pair in acknowledged}
        attempt_ids = set(db.session.scalars(select(Attempt.id).join(Enrollment)
                                             .where(Enrollment.session_id == session_id)))
        journal = db.session.execute(select(SaveRecord.attempt_id, SaveRecord.seq, SaveRecord.response_id,
                                            SaveRecord.field, SaveRecord.value, SaveRecord.accepted)
                                     .where(SaveRecord.attempt_id.in_(attempt_ids))).all()
        lost = len(pairs - {(record.attempt_id, record.seq) for record in journal})
        latest = {}
        for record in sorted((r for r in journal if r.accepted), key=lambda r: r.seq):
            latest[(record.response_id, record.field)] = record
        held = {"answer": ("answer_seq", "answer"), "flag": ("flag_seq", "flagged"), "choose": ("choose_seq", "chosen")}
        responses = {response.id: response for response in db.session.scalars(
            select(Response).where(Response.attempt_id.in_(attempt_ids)))}
        wrong_answers = sum(1 for (response_id, field), record in latest.items()
                            if (getattr(responses[response_id], held[field][0]),
                                getattr(responses[response_id], held[field][1])) != (record.seq, record.value))
        attempts = {attempt.id: attempt for attempt in db.session.scalars(
            select(Attempt).where(Attempt.id.in_(attempt_ids)))}
        open_sections = dict(db.session.execute(
            select(AttemptSection.attempt_id, db.func.count()).where(AttemptSection.attempt_id.in_(attempt_ids),
                                                                     AttemptSection.started_at.is_not(None),
                                                                     AttemptSection.closed_at.is_(None))
            .group_by(AttemptSection.attempt_id)).all())
        submitted = set(submitted)
        wrong_submitted = sum(1 for attempt_id in submitted
                              if attempts[attempt_id].status != AttemptStatus.SUBMITTED
                              or open_sections.get(attempt_id, 0))
        wrong_in_progress = sum(1 for attempt_id, attempt in attempts.items() if attempt_id not in submitted
                                and (attempt.status != AttemptStatus.IN_PROGRESS
                                     or open_sections.get(attempt_id, 0) != 1))
        db.session.remove()
        db.engine.dispose()
    return [
        (f"acknowledged saves missing from the journal (of {len(pairs)})", lost),
        (f"responses not holding their highest accepted save (of {len(latest)} answers, flags and choices)",
         wrong_answers),
        (f"submitted attempts not submitted with both parts closed (of {len(submitted)})", wrong_submitted),
        (f"other attempts not in progress with one part open (of {len(attempts) - len(submitted)})",
         wrong_in_progress),
    ]


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
    parser.add_argument("--candidates", type=int, default=500)
    parser.add_argument("--proctors", type=int, default=10, help="proctors polling the live board every 5 s")
    parser.add_argument("--psychometricians", type=int, default=3,
                        help="psychometricians opening item statistics every 5 to 15 s")
    parser.add_argument("--minutes", type=float, default=15,
                        help="minutes each candidate sits after starting (Part One for the first half)")
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
    app, session_id, analysed_form_id = prepare(url, args.candidates + saturation_users, args.proctors,
                                                args.psychometricians)
    server = start_server(url, args.port, args.workers)
    memory = PeakMemory(os.getpgid(server.pid))
    memory.start()
    base = f"http://127.0.0.1:{args.port}"
    try:
        print(f"Load: {args.candidates} candidates start within a minute, poll every 4 s, save every 10-20 s and "
              f"submit after {args.minutes:g} min (Part Two from halfway); {args.proctors} proctors poll the board "
              f"of {args.candidates + saturation_users} every 5 s; {args.psychometricians} psychometricians read "
              f"item statistics; gunicorn {args.workers} workers, PostgreSQL, loopback.", flush=True)
        with tempfile.TemporaryDirectory() as out:
            rows, failed, results = run_locust(base, args, session_id, analysed_form_id, Path(out))
        emails = [f"bench-{n:04d}@example.org" for n in range(args.candidates + 1, args.candidates + saturation_users + 1)]
        savers = signed_in_savers(base, emails)
        trivial_rps = saturate(savers, check_health, args.saturation_seconds)
        save_rps = saturate(savers, save_a_flag, args.saturation_seconds)
    finally:
        memory.running = False
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()

    checks = check_database(app, session_id, results["acknowledged"], results["submitted"])

    print(f"\n{'endpoint':52} {'requests':>9} {'errors':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'req/s':>7}")
    for row in rows:
        print(f"{row['Type'] + ' ' + row['Name']:52} {row['Request Count']:>9} {row['Failure Count']:>7} "
              f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7} {float(row['Requests/s']):>7.1f}")
    for failure in failed:
        print(f"  failed {failure['Occurrences']}x: {failure['Method']} {failure['Name']}: {failure['Error']}")
    print(f"\nServer peak memory (gunicorn, all workers): {memory.peak_kib / 1024:.0f} MiB")
    print(f"Saturation, {saturation_users} clients back to back for {args.saturation_seconds} s each:")
    print(f"  GET /healthz (trivial): {trivial_rps:.0f} req/s; POST saves: {save_rps:.0f} req/s; "
          f"ratio save/trivial = {save_rps / trivial_rps:.2f}")
    print("Database afterwards:")
    for check, problems in checks:
        print(f"  {problems} {check}")
    errors = sum(int(row["Failure Count"]) for row in rows)
    save_p99 = next(row for row in rows if row["Name"].endswith("/saves"))["99%"]
    start_p99 = next(row for row in rows if row["Name"].endswith("(start)"))["99%"]
    lost = checks[0][1]
    print("Targets:")
    for target, met in ((f"zero errors: {errors}", errors == 0), (f"zero lost saves: {lost}", lost == 0),
                        (f"save p99 under 200 ms: {save_p99} ms", float(save_p99) < 200),
                        (f"start p99 under 1 s: {start_p99} ms", float(start_p99) < 1000)):
        print(f"  {'met' if met else 'MISSED'}: {target}")


if __name__ == "__main__":
    main()
