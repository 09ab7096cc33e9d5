"""An examination day, for Locust. Candidates each sign in, join the session
with its access code, agree and start, claim the attempt, then do what the
runner does: poll the attempt's state every 4 seconds (the heartbeat that
carries a proctor's pause) and save an answer every 16 seconds on average.
Every acknowledged save is recorded so the driver can check, afterwards,
that the database holds it. Proctors (a fixed number) watch the session's
live board, polling its JSON every 5 seconds as the page does.

Run by bench/exam_load.py, which sets ATTEST_BENCH_* in the environment.
"""

import json
import os
import random
import re
import threading

from locust import HttpUser, constant, events, task

PASSWORD = os.environ.get("ATTEST_BENCH_PASSWORD", "bench-candidate-pw")
CODE = os.environ.get("ATTEST_BENCH_CODE", "BENCH")
PROCTORS = int(os.environ.get("ATTEST_BENCH_PROCTORS", "10"))
SESSION = os.environ.get("ATTEST_BENCH_SESSION", "1")
ACKS_FILE = os.environ.get("ATTEST_BENCH_ACKS", "acks.json")
TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')
_numbers = iter(range(1, 1_000_000))
_lock = threading.Lock()
ACKNOWLEDGED = []


def next_number():
    with _lock:
        return next(_numbers)


class Candidate(HttpUser):
    wait_time = constant(4)

    def on_start(self):
        email = f"bench-{next_number():04d}@example.org"
        self.token = TOKEN.search(self.client.get("/sign-in", name="/sign-in [page]").text).group(1)
        home = self.client.post("/sign-in", {"email": email, "password": PASSWORD, "csrf_token": self.token},
                                name="/sign-in")
        self.token = TOKEN.search(home.text).group(1)
        join_path = re.search(r'href="(/exam/sessions/\d+/join)"', home.text).group(1)
        joined = self.client.post(join_path, {"access_code": CODE, "csrf_token": self.token},
                                  name="/exam/sessions/[id]/join")
        self.attempt = re.search(r"/exam/attempts/(\d+)", joined.url).group(1)
        sitting = self.client.post(f"/exam/attempts/{self.attempt}/agreement", {"agree": "y", "csrf_token": self.token},
                                   name="/exam/attempts/[id]/agreement (start)")
        self.token = TOKEN.search(sitting.text).group(1)
        self.questions = [
            (int(response), re.findall(r'name="r' + response + r'" id="[^"]+" value="([^"]+)"', sitting.text))
            for response in re.findall(r'data-response="(\d+)"', sitting.text)
        ]
        self.seq = self._post("claim", {"tab": email})["seq_base"]

    def _post(self, endpoint, payload):
        response = self.client.post(f"/exam/attempts/{self.attempt}/{endpoint}", json=payload,
                                    headers={"X-CSRFToken": self.token}, name=f"/exam/attempts/[id]/{endpoint}")
        return response.json() if response.ok else None

    @task(3)
    def poll_state(self):
        self.client.get(f"/exam/attempts/{self.attempt}/state?tab=bench", name="/exam/attempts/[id]/state")

    @task(1)
    def save_an_answer(self):
        response, options = random.choice(self.questions)
        self.seq += 1
        save = {"seq": self.seq, "response": response, "field": "answer", "value": {"option": random.choice(options)}}
        body = self._post("saves", {"tab": "bench", "saves": [save]})
        if body and body["acks"][0]["status"] == "saved":
            ACKNOWLEDGED.append([int(self.attempt), self.seq])


class Proctor(HttpUser):
    fixed_count = PROCTORS
    wait_time = constant(5)

    def on_start(self):
        email = f"bench-proctor-{next_proctor():02d}@example.org"
        token = TOKEN.search(self.client.get("/sign-in", name="/sign-in [page]").text).group(1)
        self.client.post("/sign-in", {"email": email, "password": PASSWORD, "csrf_token": token}, name="/sign-in")

    @task
    def watch_the_board(self):
        self.client.get(f"/proctor/sessions/{SESSION}/board.json", name="/proctor/sessions/[id]/board.json")


_proctor_numbers = iter(range(1, 1000))


def next_proctor():
    with _lock:
        return next(_proctor_numbers)


@events.test_stop.add_listener
def write_acknowledged(**kwargs):
    with open(ACKS_FILE, "w") as out:
        json.dump(ACKNOWLEDGED, out)
