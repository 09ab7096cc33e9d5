"""An examination day, for Locust.

Candidates each sign in, join the session with its access code, agree and
start, claim the attempt, then do what the runner does: poll the attempt's
state every 4 seconds (the heartbeat that carries a proctor's pause) and save
an answer every 10 to 20 seconds. Halfway through the run each finishes Part
One and goes on in Part Two (choosing a vignette, then writing); near the end
each submits. Every acknowledged save and every submission is recorded so
the driver can check the database afterwards.

Proctors (a fixed number) poll their session's live board every 5 seconds,
as the page does; psychometricians (a fixed number) open the sitting's item
statistics, an item's page and the statistics export every 5 to 15 seconds.

The server says what CPU time each request cost it (X-CPU-Ms, bench_cpu.py);
the CPU milliseconds are added up per endpoint, over every response a request
took (a form's POST and the page it redirects to).

Run by bench/exam_load.py, which sets ATTEST_BENCH_* in the environment.
"""

import json
import os
import random
import re
import threading
import time

from locust import HttpUser, between, constant, events, task
from locust.exception import StopUser

PASSWORD = os.environ.get("ATTEST_BENCH_PASSWORD", "bench-candidate-pw")
CODE = os.environ.get("ATTEST_BENCH_CODE", "BENCH")
PROCTORS = int(os.environ.get("ATTEST_BENCH_PROCTORS", "10"))
PSYCHOMETRICIANS = int(os.environ.get("ATTEST_BENCH_PSYCHOMETRICIANS", "3"))
SESSION = os.environ.get("ATTEST_BENCH_SESSION", "1")
ANALYSED_FORM = os.environ.get("ATTEST_BENCH_ANALYSED_FORM", "1")
SITTING_SECONDS = float(os.environ.get("ATTEST_BENCH_SITTING_SECONDS", "600"))
RESULTS_FILE = os.environ.get("ATTEST_BENCH_RESULTS", "results.json")
TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')
STATE_POLL_SECONDS = 4
_lock = threading.Lock()
_numbers = {"candidate": iter(range(1, 1_000_000)), "proctor": iter(range(1, 1000)),
            "psychometrician": iter(range(1, 1000))}
ACKNOWLEDGED = []
SUBMITTED = []
CPU_MS = {}  # "POST /sign-in": [requests, CPU milliseconds]


def next_number(kind):
    with _lock:
        return next(_numbers[kind])


def sign_in(user, email):
    token = TOKEN.search(user.client.get("/sign-in", name="/sign-in [page]").text).group(1)
    home = user.client.post("/sign-in", {"email": email, "password": PASSWORD, "csrf_token": token}, name="/sign-in")
    return home


class Candidate(HttpUser):
    # The runner's loop: each tick polls when a poll is due and saves when a save is due.
    wait_time = constant(1)

    def on_start(self):
        email = f"bench-{next_number('candidate'):04d}@example.org"
        home = sign_in(self, email)
        self.token = TOKEN.search(home.text).group(1)
        join_path = re.search(r'href="(/exam/sessions/\d+/join)"', home.text).group(1)
        joined = self.client.post(join_path, {"access_code": CODE, "csrf_token": self.token},
                                  name="/exam/sessions/[id]/join")
        self.attempt = re.search(r"/exam/attempts/(\d+)", joined.url).group(1)
        sitting = self.client.post(f"/exam/attempts/{self.attempt}/agreement", {"agree": "y", "csrf_token": self.token},
                                   name="/exam/attempts/[id]/agreement (start)")
        self._read_part(sitting.text)
        # One tab for the claim, the saves and the polls, as one runner in one browser tab.
        self.tab = email
        self.seq = self._post("claim", {"tab": self.tab})["seq_base"]
        started = time.monotonic()
        # Spread over a minute either way, as candidates who work at different speeds.
        self.part_two_at = started + SITTING_SECONDS / 2 + random.uniform(-30, 30)
        self.submit_at = started + SITTING_SECONDS - random.uniform(10, 40)
        self.next_poll = started + STATE_POLL_SECONDS
        self.next_save = started + random.uniform(10, 20)
        self.part = 1

    def _read_part(self, page):
        self.token = TOKEN.search(page).group(1)
        self.questions = []
        for response in re.findall(r'data-response="(\d+)"', page):
            options = re.findall(r'name="r' + response + r'" id="[^"]+" value="([^"]+)"', page)
            prompts = len(re.findall(r'id="r' + response + r'-text-\d+"', page))
            self.questions.append((int(response), options, prompts))

    def _post(self, endpoint, payload):
        response = self.client.post(f"/exam/attempts/{self.attempt}/{endpoint}", json=payload,
                                    headers={"X-CSRFToken": self.token}, name=f"/exam/attempts/[id]/{endpoint}")
        return response.json() if response.ok else None

    def _save(self, response, field, value):
        self.seq += 1
        body = self._post("saves", {"tab": self.tab, "saves": [
            {"seq": self.seq, "response": response, "field": field, "value": value}]})
        if body and body["acks"][0]["status"] == "saved":
            ACKNOWLEDGED.append([int(self.attempt), self.seq])

    def _finish_part(self, position):
        self.client.post(f"/exam/attempts/{self.attempt}/sections/{position}/finish", {"csrf_token": self.token},
                         name="/exam/attempts/[id]/sections/[n]/finish")

    @task
    def sit(self):
        now = time.monotonic()
        if self.part == 1 and now >= self.part_two_at:
            self._finish_part(1)
            self._read_part(self.client.get(f"/exam/attempts/{self.attempt}", name="/exam/attempts/[id] (Part Two)").text)
            self.part = 2
            self.vignette = self.questions[0]
            self._save(self.vignette[0], "choose", True)
        if self.part == 2 and now >= self.submit_at:
            self._finish_part(2)
            SUBMITTED.append(int(self.attempt))
            raise StopUser()
        if now >= self.next_poll:
            with self.client.get(f"/exam/attempts/{self.attempt}/state", params={"tab": self.tab},
                                 name="/exam/attempts/[id]/state", catch_response=True) as polled:
                # The runner stops at "superseded": for this tab the sitting is over.
                if polled.ok and polled.json().get("superseded"):
                    polled.failure("the state says another tab took the attempt")
            self.next_poll = now + STATE_POLL_SECONDS
        if now >= self.next_save:
            self._answer()
            self.next_save = now + random.uniform(10, 20)

    def _answer(self):
        if self.part == 1:
            response, options, _ = random.choice(self.questions)
            self._save(response, "answer", {"option": random.choice(options)})
        else:
            response, _, prompts = self.vignette
            words = " ".join(random.choice(("infant", "parent", "regulation", "reflective", "mentor", "safety"))
                             for _ in range(random.randint(20, 120)))
            self._save(response, "answer", {"texts": [words] * prompts})


class Proctor(HttpUser):
    fixed_count = PROCTORS
    wait_time = constant(5)

    def on_start(self):
        sign_in(self, f"bench-proctor-{next_number('proctor'):02d}@example.org")

    @task
    def watch_the_board(self):
        self.client.get(f"/proctor/sessions/{SESSION}/board.json", name="/proctor/sessions/[id]/board.json")


class Psychometrician(HttpUser):
    fixed_count = PSYCHOMETRICIANS
    wait_time = between(5, 15)

    def on_start(self):
        sign_in(self, f"bench-psychometrician-{next_number('psychometrician'):02d}@example.org")
        page = self.client.get(f"/analysis/forms/{ANALYSED_FORM}", name="/analysis/forms/[id]").text
        self.items = re.findall(rf'href="(/analysis/forms/{ANALYSED_FORM}/items/\d+)"', page)

    @task(3)
    def item_statistics(self):
        self.client.get(f"/analysis/forms/{ANALYSED_FORM}", name="/analysis/forms/[id]")

    @task(3)
    def an_item(self):
        if self.items:
            self.client.get(random.choice(self.items), name="/analysis/forms/[id]/items/[id]")

    @task(1)
    def statistics_export(self):
        self.client.get(f"/analysis/forms/{ANALYSED_FORM}/export/statistics.json",
                        name="/analysis/forms/[id]/export/statistics.json")


@events.request.add_listener
def count_cpu(request_type, name, response, **kwargs):
    hops = [*response.history, response] if response is not None else []
    spent = [float(hop.headers["X-CPU-Ms"]) for hop in hops if "X-CPU-Ms" in hop.headers]
    if spent:
        with _lock:
            counted = CPU_MS.setdefault(f"{request_type} {name}", [0, 0.0])
            counted[0] += 1
            counted[1] += sum(spent)


@events.test_stop.add_listener
def write_results(**kwargs):
    with open(RESULTS_FILE, "w") as out:
        json.dump({"acknowledged": ACKNOWLEDGED, "submitted": SUBMITTED, "cpu_ms": CPU_MS}, out)
