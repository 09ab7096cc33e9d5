"""Demo portfolios: the demo candidate's draft, and applications of autumn
sitting candidates at each step of the review, so the coordinators' queue,
the review page and an issued competency record can be tried at once.

Every change goes through the same services as the pages, so the demo is
what users would have made: each reference request is mailed (the messages
wait in the outbox) and answered as through its link. The first endorsed
candidate's own Level IV endorsement is verified by a coordinator; later
applications name that endorsed candidate as a reference, whose level
Attest's own record verifies.
"""

import io
from datetime import timedelta

from PIL import Image
from sqlalchemy import select

from accounts.users import user_by_email
from audit.log import Actor
from clock import utcnow
from competencies import documents, portfolio, references, review, written_exam
from competencies.models import Application
from exam.demo import PAST_SESSION
from exam.models import Enrollment, ExamSession
from extensions import db
from item_bank.domains import all_domains

# (endorsement, category, how far it goes) for the autumn candidates who passed, in order.
JOURNEYS = (
    ("mentor", "clinical", "endorsed"),
    ("mentor", "policy", "exam_passed"),
    ("mentor", "clinical", "in_review"),
    ("mentor", "research_faculty", "submitted"),
    ("specialist", "clinical", "more_information"),
)
REFERENCE_LEVELS = ("IV", None, "III")


def _transcript():
    """A small PNG standing in for a scanned transcript."""
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def _references(application, by, coordinator, endorsed):
    """One answered reference per slot; the first from a Level IV rater whose level is verified: by Attest's
    record when `endorsed` (an endorsed application) is given, else by `coordinator`."""
    slots = portfolio.requirement_of(application, "references")["slots"]
    for index, slot in enumerate(slots):
        name, email, number = f"Reference {index + 1}", f"reference{index + 1}.{application.id}@example.net", ""
        if index == 0 and endorsed is not None:
            name, email, number = endorsed.candidate.name, endorsed.candidate.email, endorsed.endorsement_number
        reference = references.ask(application, slot["relationships"][0], name, email, index != 1, by, utcnow())
        ratings = {domain.code: 3 + (position + index) % 2 for position, domain in enumerate(all_domains())}
        references.submit(reference, ratings, REFERENCE_LEVELS[index % len(REFERENCE_LEVELS)],
                          "Reflective, steady with families, and generous with colleagues.",
                          Actor(None, "demo reference link"), utcnow(), number)
        if index == 0 and not reference.level_verified:
            references.verify_level(reference, "Checked in the association's register of endorsed professionals.",
                                    Actor(coordinator.id, "demo"), utcnow())


def fill(application, today, by, coordinator, endorsed=None):
    """Evidence meeting every requirement of the application's category but the exam."""
    start = today - timedelta(days=6 * 365)
    education = portfolio.add_entry(application, "education", {
        "title": "MSW", "kind": "degree", "institution": "State University", "completed_on": start}, by)
    education.transcript = documents.store(application, "Transcript: MSW", "msw-transcript.png", _transcript(), by)
    for index, domain in enumerate(all_domains()):
        portfolio.add_entry(application, "training", {
            "taken_on": start + timedelta(days=60 * index), "title": f"{domain.name} seminar",
            "provider": "State IMH Association", "hours": 3.5, "domains": [domain.code], "topic": ""}, by)
    activities = portfolio.category_of(application).leadership_activities[:2]
    for kind, label in portfolio.work_kinds(application):
        portfolio.add_entry(application, "work", {
            "kind": kind, "position": "Program lead" if "leader" in label.lower() else "IMH specialist",
            "employer": "Family Center", "started_on": start, "ended_on": None, "post_graduate": True,
            "supervised": True, "activities": activities, "description": ""}, by)
    for month in range(14):
        portfolio.add_entry(application, "supervision", {
            "met_on": today - timedelta(days=420 - 30 * month), "hours": 4.0, "format": "individual",
            "provider_name": "Robin Reflective", "provider_email": "", "peer": False}, by)
    _references(application, by, coordinator, endorsed)
    portfolio.sign_ethics(application, application.candidate.name, by, utcnow())
    portfolio.set_membership(application, "State Infant Mental Health Association", f"M-{application.id:04d}",
                             today + timedelta(days=300), by)


def _review_all(application, coordinator):
    for kind, _ in review.reviewable(application):
        review.decide(application, kind, "met", "", Actor(coordinator.id, "demo"), utcnow())


def _journey(candidate, endorsement, category, goal, coordinators, by, endorsed):
    today = utcnow().date()
    application = portfolio.start(candidate.id, endorsement, category, by)
    fill(application, today, by, coordinators[0], endorsed)
    portfolio.submit(application, by, utcnow(), today)
    if goal == "submitted":
        return application
    first, second = (Actor(coordinator.id, "demo") for coordinator in coordinators)
    if goal == "more_information":
        review.request_information(application, "Please upload the transcript of your certificate program as "
                                                 "well, and add the dates of your group sessions.", first, utcnow())
        return application
    _review_all(application, coordinators[0])
    if goal == "in_review":
        return application
    _review_all(application, coordinators[1])
    review.approve(application, "Approved: book the written examination.", first, utcnow())
    if goal == "endorsed":
        review.endorse(application, second, today)
    return application


def _passed_autumn_candidates():
    session = db.session.scalar(select(ExamSession).where(ExamSession.name == PAST_SESSION))
    if session is None:
        return []
    enrollments = db.session.scalars(select(Enrollment).where(Enrollment.session_id == session.id)
                                     .order_by(Enrollment.id)).all()
    passed = []
    for enrollment in enrollments:
        if written_exam.standing(enrollment.candidate_id).outcome == "pass":
            passed.append(enrollment.candidate)
            if len(passed) == len(JOURNEYS):
                break
    return passed


def load_demo_portfolios(by):
    if db.session.scalar(select(Application.id).limit(1)) is not None:
        return ["portfolios already present"]
    coordinators = [user_by_email("coordinator@example.org"), user_by_email("coordinator2@example.org")]
    lines, endorsed = [], None
    for candidate, (endorsement, category, goal) in zip(_passed_autumn_candidates(), JOURNEYS):
        application = _journey(candidate, endorsement, category, goal, coordinators, by, endorsed)
        if application.endorsement_number and endorsed is None:
            endorsed = application
        lines.append(f"{candidate.email}: {portfolio.definition_of(application).name}, "
                     f"{portfolio.category_of(application).label}: {application.state.label.lower()}"
                     + (f" ({application.endorsement_number})" if application.endorsement_number else ""))
    draft = portfolio.start(user_by_email("candidate@example.org").id, "mentor", "clinical", by)
    portfolio.add_entry(draft, "education", {"title": "MA", "kind": "degree", "institution": "City College",
                                             "completed_on": None}, by)
    portfolio.add_entry(draft, "training", {"taken_on": utcnow().date() - timedelta(days=90),
                                            "title": "Foundations of infant mental health",
                                            "provider": "State IMH Association", "hours": 12.0,
                                            "domains": ["TF", "DSS"], "topic": ""}, by)
    references.ask(draft, "colleague", "Pat Colleague", "pat.colleague@example.net", False, by, utcnow())
    lines.append("candidate@example.org: a draft Mentor (Clinical) portfolio to complete, one reference asked")
    return lines
