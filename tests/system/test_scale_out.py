"""Scale-out: two app servers, each its own gunicorn with one worker, share
one database, and a candidate's requests alternate between them, as a
round-robin proxy without session affinity sends them (`make bench
BENCH_ARGS="--servers 2"` puts HAProxy in front). From sign-in to submission
nothing is lost: every acknowledged save is journaled and every answer is the
last one saved, whichever server took it."""

import itertools
import json
import re
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from app import create_app
from exam.models import Attempt, AttemptStatus, Response, SaveRecord
from extensions import db
from tests.conftest import copy_of_demo
from tests.system.test_kill import Candidate, Server, free_port

TAB = "scale-out"


@pytest.fixture(scope="module")
def demo(demo_database, tmp_path_factory):
    copy = copy_of_demo(demo_database, "scale_out", tmp_path_factory.mktemp("scale_out"))
    app = create_app(copy.config())
    yield app, copy.url
    with app.app_context():
        db.engine.dispose()


class AlternatingCandidate(Candidate):
    """A browser whose every request goes to the next server in turn; one
    cookie jar, since the servers share a host name."""

    def __init__(self, bases):
        super().__init__(bases[0])
        self.turns = itertools.cycle(bases)

    def page(self, path, form=None):
        self.base = next(self.turns)
        return super().page(path, form)

    def post_json(self, path, payload):
        self.base = next(self.turns)
        return super().post_json(path, payload)

    def get_json(self, path):
        self.base = next(self.turns)
        with self.opener.open(self.base + path, timeout=5) as response:
            return json.loads(response.read())


def questions(page):
    """[(response id, its option values)] on a part's page, in order."""
    return [(int(response), re.findall(r'name="r' + response + r'" id="[^"]+" value="([^"]+)"', page))
            for response in re.findall(r'data-response="(\d+)"', page)]


def test_a_candidate_whose_requests_alternate_between_two_servers_loses_nothing(demo):
    app, url = demo
    servers = [Server(url, free_port(), workers=1) for _ in range(2)]
    acknowledged = {}  # seq: (response id, field, value, the server's answer)
    saved_by = Counter()
    try:
        with ThreadPoolExecutor(len(servers)) as starting:
            list(starting.map(Server.start, servers))
        candidate = AlternatingCandidate([f"http://127.0.0.1:{server.port}" for server in servers])
        candidate.page("/sign-in")
        candidate.page("/sign-in", {"email": "candidate@example.org", "password": "demo-candidate"})
        home = candidate.page("/home/candidate")[1]
        join_path = re.search(r'href="(/exam/sessions/\d+/join)"', home).group(1)
        attempt_url, _ = candidate.page(join_path, {"access_code": "MENTOR26"})
        attempt_path = urllib.parse.urlsplit(attempt_url).path.removesuffix("/agreement")
        part_one = questions(candidate.page(attempt_path + "/agreement", {"agree": "y"})[1])[:4]
        seq = candidate.post_json(attempt_path + "/claim", {"tab": TAB})["seq_base"]

        def save(seq, response, field, value, answer="saved"):
            body = candidate.post_json(attempt_path + "/saves", {"tab": TAB, "saves": [
                {"seq": seq, "response": response, "field": field, "value": value}]})
            assert body["acks"][0]["status"] == answer, body
            acknowledged[seq] = (response, field, value, answer)
            saved_by[candidate.base] += 1

        # Each question answered three times over, polls between: consecutive saves on different servers.
        for round_ in range(3):
            for response, options in part_one:
                seq += 1
                save(seq, response, "answer", {"option": options[round_ % len(options)]})
            assert not candidate.get_json(f"{attempt_path}/state?tab={TAB}")["superseded"]
        # The later save reaches its server first, as when the other server is slower: the earlier
        # one is journaled and answered "stale", and the later one stays the answer.
        first_response, options = part_one[0]
        save(seq + 2, first_response, "answer", {"option": options[-1]})
        save(seq + 1, first_response, "answer", {"option": options[0]}, answer="stale")
        seq += 2
        candidate.page(f"{attempt_path}/sections/1/finish", {})

        part_two = candidate.page(attempt_path)[1]
        vignette, _ = questions(part_two)[0]
        prompts = len(re.findall(rf'id="r{vignette}-text-\d+"', part_two))
        seq += 1
        save(seq, vignette, "choose", True)
        for draft in ("A first draft.", "The draft, rewritten on the other server."):
            seq += 1
            save(seq, vignette, "answer", {"texts": [draft] * prompts})
        candidate.page(f"{attempt_path}/sections/2/finish", {})
    finally:
        for server in servers:
            if server.process:  # one failing to start leaves the other to stop
                server.kill()

    assert sorted(saved_by.values()) == [8, 9]  # the 17 saves, taken by both servers
    attempt_id = int(attempt_path.rsplit("/", 1)[1])
    with app.app_context():
        journal = set(db.session.scalars(select(SaveRecord.seq).where(SaveRecord.attempt_id == attempt_id)))
        assert set(acknowledged) <= journal
        last = {(response, field): (seq, value)
                for seq, (response, field, value, answer) in sorted(acknowledged.items()) if answer == "saved"}
        held = {"answer": ("answer_seq", "answer"), "choose": ("choose_seq", "chosen")}
        for (response_id, field), saved in last.items():
            response = db.session.get(Response, response_id)
            assert (getattr(response, held[field][0]), getattr(response, held[field][1])) == saved
        assert db.session.get(Attempt, attempt_id).status == AttemptStatus.SUBMITTED
        db.session.remove()
