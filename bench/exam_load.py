"""Examination-day load: candidates start within one minute, then poll their
state every 4 s and save an answer every 10 to 20 s, finish Part One halfway
and submit Part Two near the end, while proctors poll the live board every
5 s and psychometricians open item statistics every 5 to 15 s.

    make bench                                        # 500 candidates, 10 proctors, 3 psychometricians, 15 minutes
    make bench BENCH_ARGS="--minutes 3"
    make bench BENCH_ARGS="--knee"                    # 500, 750, 1,000, ... candidates, 3 minutes each
    make bench BENCH_ARGS="--servers 2 --workers 2"   # two gunicorns behind HAProxy

It builds a PostgreSQL database of its own (migrated, demo data, N enrolled
candidates), serves the app with gunicorn (several workers) on loopback, or
with several gunicorns behind HAProxy (Debian's haproxy), drives it with
Locust (headless; it stops by itself), then prints per endpoint p50/p95/p99
latency, errors, requests per second and what the server spent on it: CPU
milliseconds a request (the X-CPU-Ms header, bench_cpu.py) and CPU seconds a
candidate-hour. Then the CPU time of the app servers, of the PostgreSQL
backends serving the database and of the proxy, read from /proc over the run,
a candidate-hour's share of each, the server's peak memory, and a saturation
run comparing the save endpoint's throughput with a trivial endpoint's (GET
/healthz) served the same way. Last it checks the database: every
acknowledged save in the journal, every response holding its highest
accepted save, every submitted attempt submitted with both parts closed and
every other one still in progress; and prints each target as met or missed.
Each app server's log, with the traceback behind any 500, is kept in
instance/bench-server-<port>.log until the next day on that port.

CPU time is the figure meant to compare between runs on different or busy
machines: latency grows with whatever else the cores are doing, while a
request's CPU time grows less. Before the load, each day prints what GET
/sign-in costs in one quiet process: the machine's own speed, so two runs'
figures can be set side by side (the same code cost 0.9 CPU ms a sign-in page
under load one morning here and 1.7 ms that evening, 1.25 ms quiet both times).

--knee runs a short day at each of several candidate counts in turn, stops
at the first that misses a target and prints the largest that met them all.
"""

import argparse
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
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
# Each app server's own log: gunicorn's messages and the tracebacks behind any 500.
ERROR_LOG = str(ROOT / "instance" / "bench-server-{port}.log")
SATURATION_USERS = 16
# The day's targets beside zero errors and zero lost saves: (column, endpoint as Locust names it, p99 under ms).
P99_TARGETS = (
    ("save", "POST /exam/attempts/[id]/saves", 200),
    ("state", "GET /exam/attempts/[id]/state", 200),
    ("sign-in", "POST /sign-in", 1000),
    ("join", "POST /exam/sessions/[id]/join", 1000),
    ("start", "POST /exam/attempts/[id]/agreement (start)", 1000),
    ("board", "GET /proctor/sessions/[id]/board.json", 300),
)
KNEE_COUNTS = "500,750,1000,1250,1500,2000"


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
        # Made as an admin makes accounts (accounts.users.create_user): confirmed, so they can sign in.
        now = utcnow()
        users = [User(email=f"bench-{n:04d}@example.org", name=f"Bench {n}", password_hash=password_hash,
                      email_verified_at=now, role_rows=[UserRole(role="candidate")]) for n in range(1, candidates + 1)]
        watchers = [User(email=f"bench-proctor-{n:02d}@example.org", name=f"Bench proctor {n}",
                         password_hash=password_hash, email_verified_at=now, role_rows=[UserRole(role="proctor")])
                    for n in range(1, proctors + 1)]
        analysts = [User(email=f"bench-psychometrician-{n:02d}@example.org", name=f"Bench psychometrician {n}",
                         password_hash=password_hash, email_verified_at=now,
                         role_rows=[UserRole(role="psychometrician")])
                    for n in range(1, psychometricians + 1)]
        db.session.add_all(users + watchers + analysts)
        analysed_form_id = db.session.scalar(select(Form.id).where(Form.code == "MENTOR-B"))
        form = db.session.scalar(select(Form).where(Form.code == "MENTOR-A"))
        session = sessions.schedule(sessions.Options("Bench day", form, now - timedelta(hours=1),
                                                     now + timedelta(hours=6), "bench", proctors=watchers), BY, CODE)
        for user in users:
            sessions.enroll(session, user, BY)
        db.session.commit()
        session_id = session.id
        db.engine.dispose()
    return app, session_id, analysed_form_id


def wait_for(base, what):
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not start")


def stop(process):
    os.killpg(process.pid, signal.SIGTERM)
    process.wait()


def start_server(url, port, workers, proxies, running):
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET, "ATTEST_CONFIG": "development",
           "PROXY_COUNT": str(proxies), "BENCH_CPU_HEADER": "1"}
    log = Path(ERROR_LOG.format(port=port))
    log.parent.mkdir(exist_ok=True)
    log.write_text("")  # this day's only
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--access-logfile", "/dev/null", "--error-logfile", str(log), "app:create_app()"],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    running.callback(stop, process)
    wait_for(f"http://127.0.0.1:{port}", "gunicorn")
    return process


def proxy_config(port, app_ports):
    """HAProxy in front of the app servers: each request to the next server in
    turn, with no session affinity (nothing of a sitting lives in a server),
    a server answering 503 on /healthz taken out of turn."""
    servers = "".join(f"    server app{n} 127.0.0.1:{app_port} check\n" for n, app_port in enumerate(app_ports, 1))
    return f"""global
    maxconn 4096

defaults
    mode http
    option forwardfor
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout queue 60s

frontend exam
    bind 127.0.0.1:{port}
    default_backend app

backend app
    balance roundrobin
    option httpchk GET /healthz
{servers}"""


def start_proxy(port, app_ports, folder, running):
    haproxy = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin")
    if haproxy is None:
        raise SystemExit("--servers needs HAProxy in front of the app servers: apt-get install haproxy")
    config = folder / "haproxy.cfg"
    config.write_text(proxy_config(port, app_ports))
    process = subprocess.Popen([haproxy, "-db", "-f", str(config)], start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    running.callback(stop, process)
    wait_for(f"http://127.0.0.1:{port}", "HAProxy")
    return process


def serve(url, args, folder, running):
    """The app servers, and the proxy in front of them when there are several:
    [gunicorn processes], the proxy's process or None, each stopped when
    `running` (an ExitStack) closes. Clients use args.port."""
    if args.servers == 1:
        return [start_server(url, args.port, args.workers, 0, running)], None
    app_ports = [args.port + n for n in range(1, args.servers + 1)]
    servers = [start_server(url, port, args.workers, 1, running) for port in app_ports]
    return servers, start_proxy(args.port, app_ports, folder, running)


class Watch(threading.Thread):
    """Every second, from /proc: the resident memory of the app servers (its
    peak), and the CPU time of every process of the app servers (each
    gunicorn's process group), of the proxy and of the PostgreSQL backends
    serving `database`. A process gone since the last sample keeps its last
    reading, so a worker or backend that exits counts up to its last second."""

    KINDS = ("app", "database", "proxy")

    def __init__(self, app_groups, proxy_groups, database):
        super().__init__(daemon=True)
        self.app_groups, self.proxy_groups, self.database = set(app_groups), set(proxy_groups), database
        self.peak_kib, self.running = 0, True
        self.ticks = {}  # (kind, pid, start time): CPU ticks (user and system) at its last sample
        self.started_at = {}
        self.lock = threading.RLock()

    def run(self):
        while self.running:
            self.sample()
            time.sleep(1)

    def kind(self, pid, group, command):
        if group in self.app_groups:
            return "app"
        if group in self.proxy_groups:
            return "proxy"
        # A backend's title: "postgres: 15/main: user database host(port) activity".
        if command == "postgres" and self.database in Path(f"/proc/{pid}/cmdline").read_bytes().decode().split():
            return "database"
        return None

    def sample(self):
        resident = 0
        with self.lock:
            for pid in filter(str.isdigit, os.listdir("/proc")):
                try:
                    stat = Path(f"/proc/{pid}/stat").read_text()
                    # After the command in parentheses, field n of proc(5)'s list is fields[n - 3].
                    fields = stat[stat.rindex(")") + 2:].split()
                    kind = self.kind(pid, int(fields[2]), stat[stat.index("(") + 1:stat.rindex(")")])
                except (OSError, ValueError):
                    continue
                if kind is None:
                    continue
                self.ticks[(kind, pid, fields[19])] = int(fields[11]) + int(fields[12])
                if kind == "app":
                    resident += int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
            self.peak_kib = max(self.peak_kib, resident)

    def stop(self):
        self.running = False

    def mark(self):
        """From now on: what cpu_seconds() counts."""
        with self.lock:
            self.sample()
            self.started_at = dict(self.ticks)

    def cpu_seconds(self):
        """{kind: CPU seconds its processes spent since mark()}."""
        spent = dict.fromkeys(self.KINDS, 0)
        with self.lock:
            self.sample()
            for key, ticks in self.ticks.items():
                spent[key[0]] += ticks - self.started_at.get(key, 0)
        return {kind: ticks / os.sysconf("SC_CLK_TCK") for kind, ticks in spent.items()}


def run_locust(base, args, candidates, session_id, analysed_form_id, out_dir):
    results = out_dir / "results.json"
    env = {**os.environ, "ATTEST_BENCH_PASSWORD": PASSWORD, "ATTEST_BENCH_CODE": CODE,
           "ATTEST_BENCH_RESULTS": str(results), "ATTEST_BENCH_PROCTORS": str(args.proctors),
           "ATTEST_BENCH_PSYCHOMETRICIANS": str(args.psychometricians), "ATTEST_BENCH_SESSION": str(session_id),
           "ATTEST_BENCH_ANALYSED_FORM": str(analysed_form_id), "ATTEST_BENCH_SITTING_SECONDS": str(args.minutes * 60)}
    users = candidates + args.proctors + args.psychometricians
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
        held = {"answer": ("answer_seq", "answer"), "flag": ("flag_seq", "flagged"), "choose": ("choose_seq", "chosen"),
                "marks": ("marks_seq", "marks")}
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


@dataclass
class Day:
    """What one examination day measured."""

    candidates: int
    minutes: float
    rows: list  # Locust's statistics, one dict per endpoint
    failed: list  # Locust's failures, one dict per kind
    cpu_ms: dict  # "POST /sign-in": [requests, CPU ms], from the X-CPU-Ms headers
    cpu_seconds: dict  # {"app" | "database" | "proxy": CPU s}, from /proc
    peak_kib: int
    checks: list  # [(what the database was checked for, problems found)]

    @property
    def candidate_hours(self):
        return self.candidates * self.minutes / 60

    def p99(self, endpoint):
        """The endpoint's p99 in ms, None when it saw no request."""
        return next((float(row["99%"]) for row in self.rows if f"{row['Type']} {row['Name']}" == endpoint), None)

    def targets(self):
        """[(target, what was measured, met)]."""
        errors = sum(int(row["Failure Count"]) for row in self.rows)
        # A save is lost when the journal misses it or its response does not hold it.
        lost = self.checks[0][1] + self.checks[1][1]
        found = [("zero errors", str(errors), errors == 0), ("zero lost saves", str(lost), lost == 0)]
        for _, endpoint, limit in P99_TARGETS:
            p99 = self.p99(endpoint)
            found.append((f"{endpoint} p99 under {limit:,} ms", "no requests" if p99 is None else f"{p99:,.0f} ms",
                          p99 is not None and p99 < limit))
        return found

    def met(self):
        return all(met for _, _, met in self.targets())


def quiet_page_cpu_ms(app, requests=500):
    """CPU ms one GET /sign-in costs in this process, before any load: the
    machine's own speed, to set beside the same page's figure under load."""
    client = app.test_client()
    for _ in range(50):
        client.get("/sign-in")
    started = time.process_time()
    for _ in range(requests):
        client.get("/sign-in")
    return (time.process_time() - started) * 1000 / requests


def examination_day(url, args, candidates, saturation_users):
    """One day of `candidates` (and `saturation_users` more, signed in and
    saving back to back after it, when not 0): the Day, and the saturation's
    (trivial req/s, save req/s) or None."""
    print(f"Preparing {url} with {candidates} candidates ...", flush=True)
    reset_database(url)
    app, session_id, analysed_form_id = prepare(url, candidates + saturation_users, args.proctors,
                                                args.psychometricians)
    print(f"This machine, quiet: GET /sign-in costs {quiet_page_cpu_ms(app):.2f} CPU ms in one process (the same "
          "page's figure under load is in the table below; a larger one here means a slower machine, not slower "
          "code).", flush=True)
    base = f"http://127.0.0.1:{args.port}"
    saturation = None
    with tempfile.TemporaryDirectory() as out, ExitStack() as running:
        servers, proxy = serve(url, args, Path(out), running)
        watch = Watch([os.getpgid(server.pid) for server in servers], [os.getpgid(proxy.pid)] if proxy else [],
                      make_url(url).database)
        watch.start()
        running.callback(watch.stop)
        serving = (f"{args.servers} gunicorns of {args.workers} workers behind HAProxy" if proxy
                   else f"gunicorn {args.workers} workers")
        print(f"Load: {candidates} candidates start within a minute, poll every 4 s, save every 10-20 s and "
              f"submit after {args.minutes:g} min (Part Two from halfway); {args.proctors} proctors poll the "
              f"board of {candidates + saturation_users} every 5 s; {args.psychometricians} psychometricians "
              f"read item statistics; {serving}, PostgreSQL, loopback.", flush=True)
        watch.mark()
        rows, failed, results = run_locust(base, args, candidates, session_id, analysed_form_id, Path(out))
        cpu_seconds = watch.cpu_seconds()
        if saturation_users:
            emails = [f"bench-{n:04d}@example.org" for n in range(candidates + 1, candidates + saturation_users + 1)]
            savers = signed_in_savers(base, emails)
            saturation = (saturate(savers, check_health, args.saturation_seconds),
                          saturate(savers, save_a_flag, args.saturation_seconds))
    checks = check_database(app, session_id, results["acknowledged"], results["submitted"])
    return Day(candidates, args.minutes, rows, failed, results["cpu_ms"], cpu_seconds, watch.peak_kib,
               checks), saturation


def print_day(day, database):
    print(f"\n{'endpoint':52} {'requests':>9} {'errors':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'req/s':>7}"
          f" {'CPU ms':>7} {'CPU s/cand-h':>12}")
    for row in day.rows:
        endpoint = f"{row['Type']} {row['Name']}"
        requests, cpu_ms = day.cpu_ms.get(endpoint, (0, 0.0))
        per_request = f"{cpu_ms / requests:.1f}" if requests else "-"
        print(f"{endpoint:52} {row['Request Count']:>9} {row['Failure Count']:>7} {row['50%']:>7} {row['95%']:>7} "
              f"{row['99%']:>7} {float(row['Requests/s']):>7.1f} {per_request:>7} "
              f"{cpu_ms / 1000 / day.candidate_hours:>12.2f}")
    for failure in day.failed:
        print(f"  failed {failure['Occurrences']}x: {failure['Method']} {failure['Name']}: {failure['Error']}")
    if day.failed:
        print(f"  the servers' tracebacks: {ERROR_LOG.format(port='*')}")
    in_headers = sum(cpu_ms for _, cpu_ms in day.cpu_ms.values()) / 1000
    print(f"\nServer CPU over the day ({day.candidates} candidates x {day.minutes:g} min = "
          f"{day.candidate_hours:,.1f} candidate-hours), from /proc:")
    for kind, what in (("app", "app servers (gunicorn, all workers)"),
                       ("database", f"PostgreSQL backends serving {database}"), ("proxy", "HAProxy")):
        if kind != "proxy" or day.cpu_seconds["proxy"]:
            print(f"  {what}: {day.cpu_seconds[kind]:,.1f} s, {day.cpu_seconds[kind] / day.candidate_hours:.2f} s "
                  f"a candidate-hour")
    print(f"  of the app servers' time, the requests' own (X-CPU-Ms, summed): {in_headers:,.1f} s; the rest is "
          "gunicorn's, each request's teardown and the workers' idle loop")
    print(f"App servers' peak memory (gunicorn, all workers): {day.peak_kib / 1024:.0f} MiB")


def print_checks_and_targets(day):
    print("Database afterwards:")
    for check, problems in day.checks:
        print(f"  {problems} {check}")
    print("Targets:")
    for target, measured, met in day.targets():
        print(f"  {'met' if met else 'MISSED'}: {target}: {measured}")


def find_knee(url, args, counts):
    """A short day at each count in turn, up to the first that misses a
    target: the table, and the largest count that met them all."""
    days = []
    for candidates in counts:
        print(f"\n=== {candidates} candidates ===", flush=True)
        day, _ = examination_day(url, args, candidates, 0)
        print_day(day, make_url(url).database)
        print_checks_and_targets(day)
        days.append(day)
        if not day.met():
            break
    columns = [column for column, _, _ in P99_TARGETS]
    print(f"\nThe knee, {args.minutes:g} min a day: p99 in ms, server CPU in s a candidate-hour")
    print(f"{'candidates':>10} {'errors':>6} {'lost':>5} " + " ".join(f"{column:>7}" for column in columns)
          + f" {'app CPU':>8} {'PG CPU':>7}  targets")
    for day in days:
        measured = [figure for _, figure, _ in day.targets()]
        p99s = [f"{'-' if day.p99(endpoint) is None else format(day.p99(endpoint), ',.0f'):>7}"
                for _, endpoint, _ in P99_TARGETS]
        print(f"{day.candidates:>10,} {measured[0]:>6} {measured[1]:>5} " + " ".join(p99s)
              + f" {day.cpu_seconds['app'] / day.candidate_hours:>8.2f}"
              f" {day.cpu_seconds['database'] / day.candidate_hours:>7.2f}  {'met' if day.met() else 'MISSED'}")
    held = [day.candidates for day in days if day.met()]
    if held:
        print(f"The knee: {held[-1]:,} candidates, the largest count tried that met every target.")
    else:
        print(f"No knee: {days[0].candidates:,} candidates already missed a target.")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=500)
    parser.add_argument("--proctors", type=int, default=10, help="proctors polling the live board every 5 s")
    parser.add_argument("--psychometricians", type=int, default=3,
                        help="psychometricians opening item statistics every 5 to 15 s")
    parser.add_argument("--minutes", type=float,
                        help="minutes each candidate sits after starting (Part One for the first half); "
                             "15, or 3 with --knee")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (each server's, with --servers)")
    parser.add_argument("--servers", type=int, default=1,
                        help="app servers (gunicorns), behind HAProxy on --port when more than one, each on "
                             "the next port up")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/attest_bench",
                        help="a PostgreSQL database this run may drop and recreate")
    parser.add_argument("--saturation-seconds", type=int, default=15)
    parser.add_argument("--knee", nargs="?", const=KNEE_COUNTS, metavar="COUNTS",
                        help=f"find the knee: a day at each candidate count in turn ({KNEE_COUNTS} when none "
                             "given), up to the first that misses a target; --candidates and the saturation "
                             "run are not used")
    args = parser.parse_args()
    url = database_url(args.database_url)
    args.minutes = args.minutes or (3 if args.knee else 15)
    if args.minutes < 2:
        # Starts take up to a minute; a shorter sitting ends before the last candidate has started,
        # and Locust starts another candidate in place of each one who submitted.
        parser.error("--minutes must be 2 or more")

    if args.knee:
        find_knee(url, args, [int(count) for count in args.knee.split(",")])
        return
    day, (trivial_rps, save_rps) = examination_day(url, args, args.candidates, SATURATION_USERS)
    print_day(day, make_url(url).database)
    print(f"Saturation, {SATURATION_USERS} clients back to back for {args.saturation_seconds} s each:")
    print(f"  GET /healthz (trivial): {trivial_rps:.0f} req/s; POST saves: {save_rps:.0f} req/s; "
          f"ratio save/trivial = {save_rps / trivial_rps:.2f}")
    print_checks_and_targets(day)


if __name__ == "__main__":
    main()
