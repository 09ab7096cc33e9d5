"""The portfolio services on the database: the checklist built from the
tables, submitting, references through their single-use links, rater
conflicts from the portfolio, the two-reviewer review with its consensus and
statuses, issuing the endorsement, its renewal, and the competency record."""

from datetime import timedelta

import pytest

from audit.log import Actor
from audit.models import AuditEntry
from competencies import documents, portfolio, record, references, renewal, review
from competencies.models import ApplicationStatus
from competencies.portfolio import PortfolioRefused
from competencies.review import ReviewRefused
from tests.competencies.conftest import CANDIDATE_NAME, PDF_BYTES, TODAY, answer_reference, fill
from tests.exam_fixtures import T0


def by(user):
    return Actor(user.id, "tests")


def unmet(application, today=TODAY):
    return {result.kind: result.missing for result in portfolio.checklist(application, today) if not result.met}


def test_an_empty_portfolio_says_what_each_requirement_still_needs(application):
    missing = unmet(application)
    assert list(missing) == ["education", "training", "work_experience", "reflective_supervision", "references",
                             "ethics", "membership", "exam"]
    assert missing["training"] == ["0 of 30 clock hours: add 30 more"]
    assert missing["ethics"] == ["sign version 2026"]
    assert missing["exam"] == ["sit the written examination"]


def test_a_filled_portfolio_meets_all_but_the_exam_and_submits(application, db, candidate):
    fill(application, db)
    assert list(unmet(application)) == ["exam"]
    portfolio.submit(application, by(candidate), T0, TODAY)
    assert application.state == ApplicationStatus.SUBMITTED
    with pytest.raises(PortfolioRefused, match="submitted: it cannot be changed now"):
        portfolio.add_entry(application, "training", {"taken_on": TODAY, "title": "Late", "provider": "X",
                                                      "hours": 2.0, "domains": ["TF"], "topic": ""}, by(candidate))


def test_submitting_an_incomplete_portfolio_names_what_is_missing(application, candidate):
    with pytest.raises(PortfolioRefused, match=r"Training: 0 of 30 clock hours: add 30 more") as refused:
        portfolio.submit(application, by(candidate), T0, TODAY)
    assert "Written examination" not in str(refused.value)
    assert application.state == ApplicationStatus.DRAFT


def test_training_at_just_under_and_at_thirty_hours(application, db, candidate):
    add = {"taken_on": TODAY, "title": "Seminar", "provider": "Institute", "domains": ["TF"], "topic": ""}
    portfolio.add_entry(application, "training", add | {"hours": 29.75}, by(candidate))
    assert unmet(application)["training"] == ["29.75 of 30 clock hours: add 0.25 more"]
    portfolio.add_entry(application, "training", add | {"hours": 0.25}, by(candidate))
    assert "training" not in unmet(application)


def test_the_signature_needs_the_candidates_own_name(application, candidate):
    with pytest.raises(PortfolioRefused, match=f"type your name exactly as on your account \\({CANDIDATE_NAME}\\)"):
        portfolio.sign_ethics(application, "Someone Else", by(candidate), T0)
    portfolio.sign_ethics(application, CANDIDATE_NAME.upper(), by(candidate), T0)
    assert (application.ethics_version, application.ethics_signed_at) == ("2026", T0)


def test_a_reference_must_answer_every_domain(application, candidate):
    reference = references.ask(application, "colleague", "Pat", "pat@example.net", True, by(candidate), T0)
    with pytest.raises(PortfolioRefused, match="answer every competency domain.*Theoretical Foundations"):
        references.submit(reference, {"LAW": 3}, None, "", Actor(None, "link"), T0)


@pytest.mark.parametrize("not_enough, counts", [(5, True), (6, False)])
def test_a_rating_with_six_not_enough_information_answers_does_not_count(application, db, candidate, not_enough,
                                                                         counts):
    fill(application, db)
    colleague = next(ref for ref in application.references if ref.relationship_code == "colleague")
    colleague.waived, colleague.submitted_at = False, None
    answer_reference(colleague, not_enough=not_enough)
    missing = unmet(application).get("references", [])
    assert ("references" not in unmet(application)) is counts
    if not counts:
        assert "the rating from your colleague Ref colleague does not count: it has 6 \"not enough information\" " \
               "answers (at most 5)" in missing[-1]


def test_a_candidate_cannot_rate_themselves_or_name_a_relationship_the_category_does_not_ask(application, candidate):
    with pytest.raises(PortfolioRefused, match="cannot rate themselves"):
        references.ask(application, "colleague", "Me", candidate.email.upper(), True, by(candidate), T0)
    with pytest.raises(PortfolioRefused, match="'student' is not one the Clinical category asks for"):
        references.ask(application, "student", "Stu", "stu@example.net", True, by(candidate), T0)


@pytest.fixture
def submitted(application, db, candidate):
    fill(application, db)
    portfolio.submit(application, by(candidate), T0, TODAY)
    db.session.commit()
    return application


def decide_all(application, coordinator, decision="met", note=""):
    for kind, _ in review.reviewable(application):
        review.decide(application, kind, decision, note, by(coordinator), T0)


def test_two_reviewers_who_agree_make_the_consensus_and_approval_follows(submitted, coordinators):
    first, second, third = coordinators
    decide_all(submitted, first)
    assert submitted.state == ApplicationStatus.IN_REVIEW
    with pytest.raises(ReviewRefused, match="every requirement needs a consensus of met first: Education "
                                            r"\(1 of 2 reviewers have decided\)"):
        review.approve(submitted, "", by(first), T0)
    decide_all(submitted, second)
    with pytest.raises(ReviewRefused, match="two reviewers have decided already"):
        review.decide(submitted, "education", "met", "", by(third), T0)
    review.approve(submitted, "Welcome to the exam.", by(first), T0)
    assert submitted.state == ApplicationStatus.APPROVED
    assert submitted.comments[-1].body == "Welcome to the exam."


def test_reviewers_who_disagree_need_a_consensus_with_a_reason(submitted, coordinators):
    first, second, third = coordinators
    decide_all(submitted, first)
    decide_all(submitted, second)
    review.decide(submitted, "training", "not_met", "Two entries are not relationship-based.", by(second), T0)
    training = next(item for item in review.requirement_reviews(submitted) if item.kind == "training")
    assert training.disagreement and training.decision is None
    with pytest.raises(ReviewRefused, match="give the reason for the consensus"):
        review.record_consensus(submitted, "training", "met", "", by(third), T0)
    review.record_consensus(submitted, "training", "met", "Hours remain above 30 without them.", by(third), T0)
    review.approve(submitted, "", by(third), T0)
    assert submitted.state == ApplicationStatus.APPROVED
    actions = [entry.action for entry in AuditEntry.query.filter_by(object_type="applications",
                                                                     object_id=str(submitted.id))]
    assert actions.count("review.decide") == 15 and "review.consensus" in actions


def test_not_met_needs_a_note_and_a_candidate_cannot_review_themselves(submitted, coordinators, candidate):
    with pytest.raises(ReviewRefused, match="Training: say what is not met"):
        review.decide(submitted, "training", "not_met", "", by(coordinators[0]), T0)
    with pytest.raises(ReviewRefused, match="cannot review your own application"):
        review.decide(submitted, "training", "met", "", by(candidate), T0)


def test_more_information_reopens_the_portfolio_and_the_candidate_submits_again(submitted, coordinators, candidate,
                                                                                db):
    with pytest.raises(ReviewRefused, match="say what information"):
        review.request_information(submitted, " ", by(coordinators[0]), T0)
    review.request_information(submitted, "Upload the transcript of your certificate.", by(coordinators[0]), T0)
    assert portfolio.can_edit(submitted)
    portfolio.submit(submitted, by(candidate), T0, TODAY)
    assert submitted.state == ApplicationStatus.SUBMITTED


def test_endorsement_waits_for_the_exam_then_gets_its_number_and_renewal(submitted, coordinators, monkeypatch):
    first, second, _ = coordinators
    decide_all(submitted, first)
    decide_all(submitted, second)
    review.approve(submitted, "", by(first), T0)
    with pytest.raises(ReviewRefused, match="approved to sit the exam: the endorsement is issued once"):
        review.endorse(submitted, by(first), TODAY)
    monkeypatch.setattr("competencies.written_exam.standing", lambda candidate_id: record.written_exam.Standing("pass"))
    review.endorse(submitted, by(first), TODAY)
    assert submitted.state == ApplicationStatus.ENDORSED
    assert submitted.endorsement_number == f"MENTOR-2026-{submitted.id:05d}"
    assert (submitted.endorsed_on, submitted.renewal_due) == (TODAY, TODAY.replace(year=TODAY.year + 1))


def test_renewal_needs_fifteen_training_and_twelve_supervision_hours_in_the_year(submitted, coordinators, candidate,
                                                                                monkeypatch, db):
    test_endorsement_waits_for_the_exam_then_gets_its_number_and_renewal(submitted, coordinators, monkeypatch)
    due = submitted.renewal_due
    lines = {line.kind: line for line in renewal.status(submitted, due)}
    assert lines["training"].missing == [f"0 of 15 hours logged from {TODAY.isoformat()} to {due.isoformat()}: "
                                         "add 15 more"]
    with pytest.raises(ReviewRefused, match="the renewal is not met"):
        review.renew(submitted, by(coordinators[0]), due)
    portfolio.add_entry(submitted, "training", {"taken_on": due - timedelta(days=10), "title": "Update",
                                                "provider": "Institute", "hours": 15.0, "domains": ["REF"],
                                                "topic": ""}, by(candidate))
    portfolio.add_entry(submitted, "supervision", {"met_on": due - timedelta(days=5), "hours": 11.5,
                                                   "format": "group", "provider_name": "Riley", "provider_email": "",
                                                   "peer": False}, by(candidate))
    lines = {line.kind: line for line in renewal.status(submitted, due)}
    assert lines["training"].met and not lines["reflective_supervision"].met
    portfolio.add_entry(submitted, "supervision", {"met_on": due - timedelta(days=4), "hours": 0.5,
                                                   "format": "group", "provider_name": "Riley", "provider_email": "",
                                                   "peer": False}, by(candidate))
    review.renew(submitted, by(coordinators[0]), due)
    assert submitted.renewal_due == due.replace(year=due.year + 1)


def test_the_competency_record_shows_each_domains_evidence(submitted):
    made = record.competency_record(submitted, TODAY)
    by_code = {domain.code: domain for domain in made.domains}
    assert len(by_code) == 10
    assert (by_code["TF"].training_hours, by_code["TF"].ratings, by_code["TF"].met) == (3.0, [3, 3, 3], True)
    assert not made.final and not made.complete


def test_a_degree_outside_the_list_counts_once_a_coordinator_accepts_it(application, candidate, coordinators, db):
    entry = portfolio.add_entry(application, "education", {"title": "MA in Infant Studies", "kind": "degree",
                                                           "institution": "State University", "completed_on": None},
                                by(candidate))
    entry.transcript = documents.store(application, "Transcript", "ma.pdf", PDF_BYTES, by(candidate))
    assert unmet(application)["education"] == ["MA in Infant Studies: a degree outside the list waits for a "
                                               "coordinator to accept it"]
    review.accept_degree(application, entry.id, True, by(coordinators[0]))
    assert "education" not in unmet(application)


def test_a_refused_provider_takes_their_hours_out_of_the_count(application, db, candidate, coordinators):
    fill(application, db)
    refused = application.supervision[0]
    review.approve_provider(application, refused.id, False, by(coordinators[0]))
    assert unmet(application)["reflective_supervision"][-1] == ("4 hours with a supervisor/consultant a coordinator "
                                                                "did not approve do not count")
