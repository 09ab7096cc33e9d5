"""The candidate's sitting through the test client: joining, agreeing, saving over hours, results, secrecy."""

import re
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from exam import delivery, proctoring, saving, sessions
from exam.models import Attempt, SaveRecord
from item_bank import qti
from item_bank.models import ItemVersion
from results import release
from tests.conftest import sign_in
from tests.exam_fixtures import BY, T0

pytestmark = pytest.mark.built_once


def own_attempt_page(client, create_user, exam_session, db, time_machine):
    time_machine.move_to(T0, tick=False)
    candidate = create_user("candidate")
    sessions.enroll(exam_session, candidate, BY)
    db.session.commit()
    sign_in(client, candidate.email)
    return candidate


def test_a_candidate_joins_agrees_and_sits(client, create_user, exam_session, db, time_machine):
    own_attempt_page(client, create_user, exam_session, db, time_machine)
    home = client.get("/home/candidate").get_data(as_text=True)
    assert "Test sitting" in home and "Join with the access code" in home

    wrong = client.post(f"/exam/sessions/{exam_session.id}/join", data={"access_code": "NOPE"})
    assert "That access code is not this session&#39;s." in wrong.get_data(as_text=True)
    joined = client.post(f"/exam/sessions/{exam_session.id}/join", data={"access_code": "sit123"})
    attempt = db.session.scalar(db.select(Attempt))
    assert joined.headers["Location"] == f"/exam/attempts/{attempt.id}/agreement"
    rejoined = client.post(f"/exam/sessions/{exam_session.id}/join", data={"access_code": "sit123"})
    assert rejoined.headers["Location"] == f"/exam/attempts/{attempt.id}/agreement"

    assert client.get(f"/exam/attempts/{attempt.id}").headers["Location"] == f"/exam/attempts/{attempt.id}/agreement"
    refused = client.post(f"/exam/attempts/{attempt.id}/agreement", data={})
    assert "You must agree before you start." in refused.get_data(as_text=True)
    client.post(f"/exam/attempts/{attempt.id}/agreement", data={"agree": "y"})
    page = client.get(f"/exam/attempts/{attempt.id}").get_data(as_text=True)
    assert "Part One" in page and "Question 1 of 3" in page and 'data-seconds-left="600"' in page


def test_a_save_four_hours_into_a_session_still_counts(client, create_user, exam_session, db, time_machine):
    candidate = own_attempt_page(client, create_user, exam_session, db, time_machine)
    exam_session.grace_seconds = 30
    attempt = delivery.join(exam_session, candidate.id, "SIT123", T0, BY)
    delivery.agree(attempt, T0, BY)
    proctoring.apply(attempt.enrollment, "extend", T0, BY, reason="long accommodation", minutes=300)
    db.session.commit()
    base = client.post(f"/exam/attempts/{attempt.id}/claim", json={"tab": "t"}).get_json()["seq_base"]
    time_machine.shift(timedelta(hours=4))

    response = client.post(f"/exam/attempts/{attempt.id}/saves", json={"tab": "t", "saves": [
        {"seq": base + 1, "response": attempt.responses[0].id, "field": "flag", "value": True}]})

    assert response.status_code == 200
    assert response.get_json()["acks"] == [{"seq": base + 1, "status": "saved", "code": "saved", "reason": ""}]


def test_a_claim_says_what_is_stored_for_each_question_of_the_open_part(client, create_user, exam_session, db,
                                                                         time_machine):
    candidate = own_attempt_page(client, create_user, exam_session, db, time_machine)
    attempt = delivery.join(exam_session, candidate.id, "SIT123", T0, BY)
    delivery.agree(attempt, T0, BY)
    db.session.commit()
    first, second = (response.id for response in attempt.responses[:2])
    base = client.post(f"/exam/attempts/{attempt.id}/claim", json={"tab": "t"}).get_json()["seq_base"]
    client.post(f"/exam/attempts/{attempt.id}/saves", json={"tab": "t", "saves": [
        {"seq": base + 1, "response": first, "field": "answer", "value": {"option": "A"}},
        {"seq": base + 2, "response": second, "field": "flag", "value": True}]})

    saved = client.post(f"/exam/attempts/{attempt.id}/claim", json={"tab": "u"}).get_json()["saved"]

    assert len(saved) == len(attempt.current_section.responses)
    assert saved[:2] == [{"response": first, "answer": {"option": "A"}, "flag": False, "choose": False, "marks": None},
                         {"response": second, "answer": None, "flag": True, "choose": False, "marks": None}]


def test_a_save_the_database_cannot_take_is_a_503_the_runner_retries(client, create_user, exam_session, db,
                                                                      time_machine, monkeypatch):
    candidate = own_attempt_page(client, create_user, exam_session, db, time_machine)
    attempt = delivery.join(exam_session, candidate.id, "SIT123", T0, BY)
    delivery.agree(attempt, T0, BY)
    db.session.commit()
    base = client.post(f"/exam/attempts/{attempt.id}/claim", json={"tab": "t"}).get_json()["seq_base"]

    def database_gone(*args):
        raise OperationalError("SELECT", {}, sqlite3.OperationalError("unable to open database file"))

    monkeypatch.setattr(saving, "save", database_gone)
    response = client.post(f"/exam/attempts/{attempt.id}/saves", json={"tab": "t", "saves": [
        {"seq": base + 1, "response": attempt.responses[0].id, "field": "flag", "value": True}]})

    assert response.status_code == 503
    assert response.get_json()["message"].startswith("Attest cannot reach its database just now.")
    assert "acks" not in response.get_json()
    assert db.session.scalar(select(func.count()).select_from(SaveRecord)) == 0


def test_the_state_endpoint_reports_the_servers_clock(client, create_user, exam_session, db, time_machine):
    candidate = own_attempt_page(client, create_user, exam_session, db, time_machine)
    attempt = delivery.join(exam_session, candidate.id, "SIT123", T0, BY)
    delivery.agree(attempt, T0, BY)
    db.session.commit()
    time_machine.shift(timedelta(minutes=4))

    state = client.get(f"/exam/attempts/{attempt.id}/state").get_json()

    assert (state["status"], state["position"], state["seconds_left"]) == ("in_progress", 1, 360)


def test_results_appear_only_once_released(client, create_user, exam_session, db, time_machine):
    candidate = own_attempt_page(client, create_user, exam_session, db, time_machine)
    attempt = delivery.join(exam_session, candidate.id, "SIT123", T0, BY)
    delivery.agree(attempt, T0, BY)
    saving.claim(attempt, "t", T0, BY)
    keyed = {r.id: r.form_item.item_version.content["key"][0] for r in attempt.responses if r.option_order}
    for seq, (response_id, key) in enumerate(keyed.items(), start=1):
        saving.save(attempt, [{"seq": seq, "response": response_id, "field": "answer", "value": {"option": key}}],
                    "t", T0, BY)
    delivery.finish_section(attempt, 1, T0, BY)
    delivery.finish_section(attempt, 2, T0, BY)
    db.session.commit()
    assert client.get(f"/exam/attempts/{attempt.id}/result").status_code == 404

    release.release(exam_session, T0, BY)
    db.session.commit()
    page = client.get(f"/exam/attempts/{attempt.id}/result").get_data(as_text=True)

    assert "3 of 3 points (100.0%)" in page
    assert "Theoretical Foundations" in page and "You left this response blank." in page


MARKER = "SECRET-{}-{}"
IMPORTED = Path(__file__).parent.parent / "data" / "qti" / "choice-hidden-content.xml"


def test_nothing_a_candidate_can_reach_carries_a_key_rationale_or_rubric(
    client, create_user, exam_session, exam_form, make_item, db, time_machine
):
    # Unique markers in every rationale, reference and rubric, and an item on no
    # form; keys are option ids, so a key leaks only as a "key" field, looked for below.
    # The selected-response items are one imported from QTI with markers planted in its
    # scorers' rubricBlock, inline and block feedback.
    imported = qti.read_item_file(IMPORTED.read_bytes(), IMPORTED.name).items[0].versions[0].content
    for version in db.session.scalars(db.select(ItemVersion)):
        content = dict(version.content)
        if "key" in content:
            content = dict(imported)
            content["rationale"] = MARKER.format("RATIONALE", version.id)
            content["references"] = [MARKER.format("REFERENCE", version.id)]
        else:
            content["rubric"] = {"criteria": [
                dict(c, name=MARKER.format("RUBRIC", version.id),
                     levels=[dict(level, descriptor=MARKER.format("LEVEL", version.id)) for level in c["levels"]])
                for c in content["rubric"]["criteria"]], "holistic": MARKER.format("HOLISTIC", version.id)}
        version.content = content
    make_item(content={"stem": MARKER.format("OTHER", "stem"), "options": [{"id": x, "text": x} for x in "ABC"],
                       "key": ["A"]})
    db.session.commit()
    candidate = own_attempt_page(client, create_user, exam_session, db, time_machine)

    pages = []

    def fetch(path, **kwargs):
        response = client.open(path, **kwargs)
        pages.append((path, response.get_data(as_text=True)))
        response.close()
        return response

    fetch("/home/candidate")
    fetch(f"/exam/sessions/{exam_session.id}/join", method="POST", data={"access_code": "SIT123"})
    attempt = db.session.scalar(db.select(Attempt).where(Attempt.enrollment.has(candidate_id=candidate.id)))
    fetch(f"/exam/attempts/{attempt.id}/agreement")
    fetch(f"/exam/attempts/{attempt.id}/agreement", method="POST", data={"agree": "y"})
    base = fetch(f"/exam/attempts/{attempt.id}/claim", method="POST", json={"tab": "t"}).get_json()["seq_base"]
    for part in (1, 2):
        page = fetch(f"/exam/attempts/{attempt.id}")
        ids = re.findall(r'data-response="(\d+)"', page.get_data(as_text=True))
        saves = [{"seq": base + n, "response": int(i), "field": "flag", "value": True} for n, i in enumerate(ids, 1)]
        base += len(saves)
        fetch(f"/exam/attempts/{attempt.id}/saves", method="POST", json={"tab": "t", "saves": saves})
        fetch(f"/exam/attempts/{attempt.id}/saves", method="POST", json={"tab": "t", "saves": [{"seq": "bad"}]})
        fetch(f"/exam/attempts/{attempt.id}/state")
        fetch(f"/exam/attempts/{attempt.id}/review")
        fetch(f"/exam/attempts/{attempt.id}/sections/{part}/finish", method="POST")
    release.release(exam_session, T0, BY)
    db.session.commit()
    fetch(f"/exam/attempts/{attempt.id}")
    fetch(f"/exam/attempts/{attempt.id}/result")
    fetch("/static/js/runner.js")
    fetch("/nowhere")

    assert len(pages) > 15
    assert any("What is the most helpful first response?" in body for _, body in pages)
    leaks = [(path, marker) for path, body in pages for marker in re.findall(r"SECRET-\w+-\w+", body)]
    assert leaks == []
    assert [path for path, body in pages if re.search(r'"key"|data-key|\bkey=', body)] == []
    assert "Question 1 of 3" in pages[5][1]


def sitting_in(client, create_user, exam_session, db, time_machine, navigation="free"):
    """The signed-in candidate's attempt in progress, claimed by the tab "t", Part One's navigation as given."""
    candidate = own_attempt_page(client, create_user, exam_session, db, time_machine)
    attempt = delivery.join(exam_session, candidate.id, "SIT123", T0, BY)
    delivery.agree(attempt, T0, BY)
    attempt.sections[0].form_section.navigation = navigation
    db.session.commit()
    base = client.post(f"/exam/attempts/{attempt.id}/claim", json={"tab": "t"}).get_json()["seq_base"]
    return attempt, base


def stems(page):
    """The questions whose stems the page carries."""
    return set(re.findall(r"Question keyed [ABC]\?", page))


def test_a_linear_part_sends_only_the_question_the_candidate_is_on(client, create_user, exam_session, db,
                                                                 time_machine):
    attempt, base = sitting_in(client, create_user, exam_session, db, time_machine, "linear")
    first, second, third = attempt.responses[:3]
    address = f"/exam/attempts/{attempt.id}"
    before = stems(client.get(address).get_data(as_text=True))

    moved = client.post(f"{address}/saves", json={"tab": "t", "saves": [
        {"seq": base + 1, "response": second.id, "field": "at", "value": True}]}).get_json()["acks"]
    back = client.post(f"{address}/saves", json={"tab": "t", "saves": [
        {"seq": base + 2, "response": first.id, "field": "answer", "value": {"option": first.option_order[0]}},
        {"seq": base + 3, "response": first.id, "field": "at", "value": True},
        {"seq": base + 4, "response": third.id, "field": "flag", "value": True}]}).get_json()["acks"]
    after = stems(client.get(address).get_data(as_text=True))

    assert len(before) == len(after) == 1 and before != after
    assert [ack["code"] for ack in moved + back] == ["saved", "question_passed", "question_passed",
                                                    "question_not_reached"]
    assert first.answer is None and not third.flagged


def test_another_window_opens_a_free_part_at_the_question_the_candidate_was_on(client, create_user, exam_session,
                                                                                db, time_machine):
    attempt, base = sitting_in(client, create_user, exam_session, db, time_machine)
    address = f"/exam/attempts/{attempt.id}"
    client.post(f"{address}/saves", json={"tab": "t", "saves": [
        {"seq": base + 1, "response": attempt.responses[2].id, "field": "at", "value": True}]})

    page = client.get(address).get_data(as_text=True)

    assert 'data-current="3"' in page and len(stems(page)) == 3


def test_the_pages_of_a_sitting_show_no_way_out_to_the_rest_of_the_site(client, create_user, exam_session, db,
                                                                         time_machine):
    candidate = own_attempt_page(client, create_user, exam_session, db, time_machine)
    exam_session.auto_admit = False
    attempt = delivery.join(exam_session, candidate.id, "SIT123", T0, BY)
    db.session.commit()
    sitting = f"/exam/attempts/{attempt.id}"

    def page(path):
        return client.get(path).get_data(as_text=True)

    pages = [page(f"{sitting}/agreement")]
    client.post(f"{sitting}/agreement", data={"agree": "y"})
    pages.append(page(sitting))  # waiting to be admitted
    db.session.expire_all()  # the agreement was posted in the request's own session
    proctoring.apply(attempt.enrollment, "admit", T0, BY)
    db.session.commit()
    pages += [page(sitting), page(f"{sitting}/review")]

    assert "Waiting to be admitted" in pages[1] and "Question 1 of 3" in pages[2]
    for body in pages:
        assert f'data-sitting="{sitting}"' in body and "/static/js/sitting.js" in body
        assert 'aria-label="Main"' not in body and "Sign out" not in body and 'class="brand" href' not in body
    home = page("/home/candidate")
    assert 'aria-label="Main"' in home and "Sign out" in home and "sitting.js" not in home


def test_a_terminated_attempt_promises_no_results(client, create_user, exam_session, db, time_machine):
    candidate = own_attempt_page(client, create_user, exam_session, db, time_machine)
    attempt = delivery.join(exam_session, candidate.id, "SIT123", T0, BY)
    delivery.agree(attempt, T0, BY)
    proctoring.apply(attempt.enrollment, "terminate", T0, BY, reason="notes on the desk")
    db.session.commit()

    page = client.get(f"/exam/attempts/{attempt.id}").get_data(as_text=True)

    assert "Your proctor ended this examination" in page and "notes on the desk" in page
    assert "Results are released" not in page
