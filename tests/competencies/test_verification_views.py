"""The public verification page and directory through the test client: shown
to anyone, holding the name, endorsement, category, dates and status and
nothing else; the same answer for any mismatch; a limit per address; and the
candidate's choice to be listed, from the competency record."""

import pytest
import time_machine

from competencies import portfolio, verification
from competencies.models import TrainingEntry
from tests.competencies.conftest import TODAY
from tests.competencies.test_verification import issue
from tests.conftest import sign_in
from tests.exam_fixtures import T0

# What the candidate's portfolio holds and no public page may show.
SECRETS = {"email": "ada@private.example", "training": "Secret seminar on attachment", "membership": "M-SECRET-1"}


def page(response):
    return response.get_data(as_text=True)


@pytest.fixture
def ada(create_user, domains, db):
    application = issue(create_user, "Ada Lovelace", listed=True)
    application.membership_number = SECRETS["membership"]
    db.session.add(TrainingEntry(application=application, taken_on=TODAY, title=SECRETS["training"],
                                 provider="Institute", hours=3.0, domains=["TF"]))
    db.session.commit()
    return application


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(T0, tick=False):
        yield


def assert_nothing_else(body):
    for marker in SECRETS.values():
        assert marker not in body


def test_anyone_with_the_number_and_code_sees_the_endorsement_and_nothing_else(client, ada):
    response = client.get(f"/verify/{ada.endorsement_number}?code={verification.shown(ada.verification_code)}")
    body = page(response)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    for shown in ("Endorsement verified", "Ada Lovelace", "Infant Mental Health Mentor", "Clinical",
                  ada.endorsement_number, "2026-06-01", "2027-06-01", "Active"):
        assert shown in body
    assert_nothing_else(body)
    assert ada.verification_code not in body  # the code proves the holder has the document; it is not echoed


def test_a_wrong_code_and_an_unknown_number_give_the_same_page(client, ada, create_user):
    other = issue(create_user, "Grace Hopper")
    wrong = client.get(f"/verify/{ada.endorsement_number}?code={other.verification_code}")
    unknown = client.get(f"/verify/MENTOR-2026-99999?code={ada.verification_code}")
    assert wrong.status_code == unknown.status_code == 404
    assert page(wrong) == page(unknown)
    assert "No endorsement matches" in page(wrong) and "Lovelace" not in page(wrong)


def test_the_number_without_a_code_asks_for_the_code_and_the_form_leads_to_the_answer(client, ada):
    asked = page(client.get(f"/verify/{ada.endorsement_number}"))
    assert "Verification code" in asked and f'value="{ada.endorsement_number}"' in asked and "Lovelace" not in asked
    looked_up = client.get("/verify", query_string={"number": f" {ada.endorsement_number} ",
                                                    "code": ada.verification_code})
    assert looked_up.status_code == 302
    assert "Ada Lovelace" in page(client.get(looked_up.headers["Location"]))


def test_guesses_from_one_address_are_limited(client, ada):
    statuses = [client.get(f"/verify/{ada.endorsement_number}?code=GUESS{n:07d}").status_code for n in range(31)]
    assert statuses == [404] * 30 + [429]
    assert client.get(f"/verify/{ada.endorsement_number}?code={ada.verification_code}").status_code == 429


def test_the_directory_shows_the_listed_with_nothing_else_searchable_and_paginated(client, ada, create_user,
                                                                                   monkeypatch):
    issue(create_user, "Grace Hopper", listed=True)
    issue(create_user, "Alan Turing")
    body = page(client.get("/directory"))
    assert "Ada Lovelace" in body and "Grace Hopper" in body and "Turing" not in body
    assert "Infant Mental Health Mentor" in body and "Clinical" in body and "Active" in body
    assert ada.endorsement_number not in body
    assert_nothing_else(body)
    found = page(client.get("/directory?q=grace"))
    assert "Grace Hopper" in found and "Lovelace" not in found
    monkeypatch.setattr("competencies.verification_views.PER_PAGE", 1)
    second = page(client.get("/directory?page=2"))
    assert "Grace Hopper" in second and "Lovelace" not in second and "Page 2 of 2" in second


def test_the_record_prints_the_verification_address_and_the_owner_joins_and_leaves_the_directory(client, ada, db):
    assert sign_in(client, ada.candidate.email).status_code == 302
    record = page(client.get(f"/portfolio/{ada.id}/record"))
    assert verification.shown(ada.verification_code) in record
    assert f"/verify/{ada.endorsement_number}?code={ada.verification_code}" in record
    assert "Leave the directory" in record
    left = client.post(f"/portfolio/{ada.id}/directory", data={"listed": "no"})
    assert left.status_code == 302 and left.headers["Location"].endswith(f"/portfolio/{ada.id}/record")
    assert "<td>Ada Lovelace</td>" not in page(client.get("/directory"))
    assert "List me in the directory" in page(client.get(f"/portfolio/{ada.id}/record"))
    assert client.post(f"/portfolio/{ada.id}/directory", data={"listed": "yes"}).status_code == 302
    assert "<td>Ada Lovelace</td>" in page(client.get("/directory"))
    assert client.post(f"/portfolio/{ada.id}/directory", data={}).status_code == 400


def test_a_candidate_not_yet_endorsed_is_not_listed(client, application, candidate):
    assert sign_in(client, candidate.email).status_code == 302
    refused = client.post(f"/portfolio/{application.id}/directory", data={"listed": "yes"}, follow_redirects=True)
    assert "Not changed: only an issued endorsement is listed in the directory." in page(refused)
    assert portfolio.own_application(application.id, candidate.id).listed_in_directory is False


def test_the_pdf_of_an_endorsed_record_carries_the_qr_code(client, ada):
    assert sign_in(client, ada.candidate.email).status_code == 302
    document = client.get(f"/portfolio/{ada.id}/record.pdf").get_data()
    assert document.startswith(b"%PDF-") and b"/Subtype /Image" in document
