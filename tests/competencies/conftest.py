"""Portfolio fixtures: a candidate's application, and one filled in to meet
every Clinical Mentor requirement but the written examination."""

import io
import re
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from audit.log import Actor
from competencies import documents, portfolio, references
from extensions import db as _db
from item_bank.domains import all_domains
from mail.models import OutboxMessage
from tests.exam_fixtures import T0

TODAY = T0.date()
CANDIDATE_NAME = "Casey Candidate"


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    return buffer.getvalue()


PDF_BYTES = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
             b"trailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture
def candidate(create_user):
    return create_user("candidate", name=CANDIDATE_NAME)


@pytest.fixture
def coordinators(create_user):
    return [create_user("coordinator", name=name) for name in ("Cora", "Cole", "Cleo")]


@pytest.fixture
def addressed(app, db):
    """A request context, as the pages have, so services can write messages with links."""
    with app.test_request_context():
        yield


def mailed(address, kind=None):
    """The messages queued to `address` (of `kind`), oldest first."""
    query = select(OutboxMessage).where(OutboxMessage.to_address == address).order_by(OutboxMessage.id)
    return [message for message in _db.session.scalars(query) if kind is None or message.kind == kind]


def mailed_token(address):
    """The token of the newest link mailed to `address`, read from the message's text, as the reference would."""
    return re.search(r"/references/open#(\S+)", mailed(address)[-1].text_body).group(1)


@pytest.fixture
def application(db, domains, candidate, addressed):
    made = portfolio.start(candidate.id, "mentor", "clinical", Actor(candidate.id, "tests"))
    db.session.commit()
    return made


def answer_reference(reference, level=None, value=3, not_enough=0, when=T0, verified=False, number=""):
    """Submit the reference's ratings: `not_enough` domains answered "not enough information", the rest `value`;
    `verified`: a coordinator then verifies the level."""
    codes = [domain.code for domain in all_domains()]
    ratings = {code: (None if index < not_enough else value) for index, code in enumerate(codes)}
    references.submit(reference, ratings, level, "Works well with families.", Actor(None, "reference link"), when,
                      number)
    if verified:
        references.verify_level(reference, "In the register.", Actor(None, "tests coordinator"), when)


def fill(application, db, today=TODAY):
    """Evidence meeting every Clinical requirement but the exam, on `today`."""
    by = Actor(application.candidate_id, "tests")
    start = today - timedelta(days=6 * 365)
    portfolio.add_entry(application, "education", {"title": "MSW", "kind": "degree", "institution": "State University",
                                                   "completed_on": start - timedelta(days=30)}, by)
    application.education[0].transcript = documents.store(application, "Transcript", "msw.pdf", PDF_BYTES, by)
    for index, code in enumerate(("TF", "LAW", "SYS", "DSS", "WWO", "COM", "THK", "REF", "ADM", "RES")):
        portfolio.add_entry(application, "training", {"taken_on": start + timedelta(days=30 * index),
                                                      "title": f"Seminar {code}", "provider": "Institute",
                                                      "hours": 3.0, "domains": [code], "topic": ""}, by)
    portfolio.add_entry(application, "work", {"kind": "imh_services", "position": "Infant mental health specialist",
                                              "employer": "Family Center", "started_on": start, "ended_on": None,
                                              "post_graduate": True, "supervised": True, "activities": [],
                                              "description": ""}, by)
    portfolio.add_entry(application, "work", {"kind": "rsc_leadership", "position": "Clinical supervisor",
                                              "employer": "Family Center", "started_on": start, "ended_on": None,
                                              "post_graduate": True, "supervised": False,
                                              "activities": ["Provide reflective supervision or consultation to IMH "
                                                             "practitioners"], "description": ""}, by)
    for month in range(14):
        portfolio.add_entry(application, "supervision", {"met_on": today - timedelta(days=400 - 30 * month),
                                                         "hours": 4.0, "format": "individual",
                                                         "provider_name": "Riley Supervisor", "provider_email": "",
                                                         "peer": False}, by)
    for relationship, level in (("colleague", None), ("rsc_provider", "IV"), ("supervisee", None)):
        reference = references.ask(application, relationship, f"Ref {relationship}", f"{relationship}@example.net",
                                   True, by, T0)
        answer_reference(reference, level, verified=level is not None)
    portfolio.sign_ethics(application, CANDIDATE_NAME, by, T0)
    portfolio.set_membership(application, "State IMH Association", "M-100", today + timedelta(days=365), by)
    db.session.commit()
    return application
