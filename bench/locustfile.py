"""Candidates on an examination day, for Locust: each signs in, joins the
session with its access code, agrees and starts, claims the attempt, then
saves an answer every 10 seconds. Every acknowledged save is recorded so the
driver can check, afterwards, that the database holds it.

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
ACKS_FILE = os.environ.get("ATTEST_BENCH_ACKS", "acks.json")
TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')
_numbers = iter(range(1, 1_000_000))
_lock = threading.Lock()
ACKNOWLEDGED = []


def next_number():
    with _lock:
        return next(_numbers)


class Candidate(HttpUser):
    wait_time = constant(10)

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

    @task
    def save_an_answer(self):
        response, options = random.choice(self.questions)
        self.seq += 1
        save = {"seq": self.seq, "response": response, "field": "answer", "value": {"option": random.choice(options)}}
        body = self._post("saves", {"tab": "bench", "saves": [save]})
        if body and body["acks"][0]["status"] == "saved":
            ACKNOWLEDGED.append([int(self.attempt), self.seq])


@events.test_stop.add_listener
def write_acknowledged(**kwargs):
    with open(ACKS_FILE, "w") as out:
        json.dump(ACKNOWLEDGED, out)
