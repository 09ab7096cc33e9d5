"""Coordinators' review of applications: the queue, two reviewers' decisions
per requirement and their consensus, the statuses an application moves
through, comments back to the candidate, and issuing the endorsement.

Two reviewers decide each requirement (the written examination is decided by
its result, not by reviewers). When they agree, that is the consensus; when
they disagree, a coordinator records the consensus with a reason. Every
decision and status change is audited.
"""

from dataclasses import dataclass, field

from sqlalchemy import func, select

from audit import log
from competencies import notifications, portfolio, renewal, verification, written_exam
from competencies.models import Application, ApplicationComment, ApplicationStatus, Decision, RequirementDecision
from competencies.rules import add_months
from extensions import db

S = ApplicationStatus
QUEUE_STATUSES = (S.SUBMITTED, S.IN_REVIEW, S.MORE_INFORMATION, S.APPROVED, S.EXAM_PASSED, S.DEFERRED, S.ENDORSED)
REVIEWING = (S.SUBMITTED, S.IN_REVIEW)
# Where each action may be taken from.
MORE_INFORMATION_FROM = (S.SUBMITTED, S.IN_REVIEW, S.APPROVED, S.DEFERRED)
DEFER_FROM = (S.SUBMITTED, S.IN_REVIEW, S.MORE_INFORMATION, S.APPROVED, S.EXAM_PASSED)
REVIEWERS_NEEDED = 2


class ReviewRefused(ValueError):
    """Why a review action is refused, in words for the coordinator."""


@dataclass
class RequirementReview:
    kind: str
    title: str
    reviews: list = field(default_factory=list)  # the reviewers' RequirementDecision rows, first first
    consensus_row: RequirementDecision | None = None

    @property
    def decision(self):
        """The consensus: the recorded one, else the two reviewers' when they agree; None until then."""
        if self.consensus_row is not None:
            return Decision(self.consensus_row.decision)
        decisions = {review.decision for review in self.reviews}
        if len(self.reviews) >= REVIEWERS_NEEDED and len(decisions) == 1:
            return Decision(decisions.pop())
        return None

    @property
    def disagreement(self):
        return self.consensus_row is None and len({review.decision for review in self.reviews}) > 1

    @property
    def state(self):
        if self.decision is not None:
            return f"Consensus: {self.decision.label.lower()}"
        if self.disagreement:
            return "The reviewers disagree: record the consensus"
        return f"{len(self.reviews)} of {REVIEWERS_NEEDED} reviewers have decided"

    def by(self, reviewer_id):
        return next((review for review in self.reviews if review.reviewer_id == reviewer_id), None)


def queue(status=None):
    """Applications past the draft, oldest submission first; `status` narrows it."""
    query = select(Application).where(Application.status != S.DRAFT.value)
    if status is not None:
        query = query.where(Application.status == status.value)
    return db.session.scalars(query.order_by(Application.submitted_at, Application.id)).all()


def status_counts():
    rows = db.session.execute(select(Application.status, func.count()).group_by(Application.status)).all()
    counts = dict(rows)
    return [(status, counts.get(status.value, 0)) for status in QUEUE_STATUSES]


def reviewable(application):
    return [(requirement["kind"], requirement["title"]) for requirement in portfolio.category_of(application)
            .requirements if requirement["kind"] != "exam"]


def requirement_reviews(application):
    reviews = {kind: RequirementReview(kind, title) for kind, title in reviewable(application)}
    for row in application.decisions:
        review = reviews.get(row.requirement)
        if review is None:
            continue
        if row.consensus:
            review.consensus_row = row
        else:
            review.reviews.append(row)
    return list(reviews.values())


def _review_of(application, kind):
    review = next((review for review in requirement_reviews(application) if review.kind == kind), None)
    if review is None:
        raise ReviewRefused(f"{kind!r} is not a requirement reviewers decide for this application")
    return review


def _decision(value):
    try:
        return Decision(value)
    except ValueError:
        raise ReviewRefused(f"decision: {value!r} is neither met nor not met") from None


def decide(application, kind, decision, note, by, now):
    """A reviewer's decision on one requirement; they may change it until a consensus is recorded."""
    if application.state not in REVIEWING:
        raise ReviewRefused(f"the application is {application.state.label.lower()}: decisions are recorded while "
                            "it is submitted or in review")
    if by.user_id == application.candidate_id:
        raise ReviewRefused("you cannot review your own application")
    decision, review = _decision(decision), _review_of(application, kind)
    if decision == Decision.NOT_MET and not note.strip():
        raise ReviewRefused(f"{review.title}: say what is not met")
    mine = review.by(by.user_id)
    if mine is None and len(review.reviews) >= REVIEWERS_NEEDED:
        raise ReviewRefused(f"{review.title}: two reviewers have decided already")
    if review.consensus_row is not None:
        raise ReviewRefused(f"{review.title}: the consensus is recorded")
    if mine is None:
        mine = RequirementDecision(application=application, requirement=kind, reviewer_id=by.user_id,
                                   consensus=False, decision=decision.value)
        db.session.add(mine)
    before = mine.decision if mine.id else None
    mine.decision, mine.note, mine.decided_at = decision.value, note.strip(), now
    db.session.flush()
    log.record("review.decide", by, application, requirement=kind, before=before, after=decision.value)
    if application.state == S.SUBMITTED:
        _move(application, S.IN_REVIEW, by)
    return mine


def record_consensus(application, kind, decision, note, by, now):
    """Settle a requirement the two reviewers disagree on (or overrule their agreement, with a reason)."""
    if application.state not in REVIEWING:
        raise ReviewRefused(f"the application is {application.state.label.lower()}: the consensus is recorded "
                            "while it is in review")
    decision, review = _decision(decision), _review_of(application, kind)
    if len(review.reviews) < REVIEWERS_NEEDED:
        raise ReviewRefused(f"{review.title}: the consensus follows two reviewers' decisions")
    if not note.strip():
        raise ReviewRefused(f"{review.title}: give the reason for the consensus")
    row = review.consensus_row or RequirementDecision(application=application, requirement=kind,
                                                      reviewer_id=by.user_id, consensus=True)
    db.session.add(row)
    row.decision, row.note, row.decided_at = decision.value, note.strip(), now
    db.session.flush()
    log.record("review.consensus", by, application, requirement=kind, decision=decision.value, note=row.note)


def _move(application, status, by, comment=None):
    before = application.status
    application.status = status.value
    log.record("application.status", by, application, before=before, after=status.value,
               **({"comment": comment} if comment else {}))


def _comment(application, body, by, now, status=None):
    db.session.add(ApplicationComment(application=application, author_id=by.user_id, body=body.strip(),
                                      status_to=status.value if status else None, created_at=now))


def comment(application, body, by, now):
    if not body.strip():
        raise ReviewRefused("write the comment")
    _comment(application, body, by, now)
    log.record("application.comment", by, application)


def request_information(application, body, by, now):
    if application.state not in MORE_INFORMATION_FROM:
        raise ReviewRefused(f"the application is {application.state.label.lower()}: more information is asked "
                            "of a submitted, in review, approved or deferred application")
    if not body.strip():
        raise ReviewRefused("say what information the candidate should add")
    _comment(application, body, by, now, S.MORE_INFORMATION)
    _move(application, S.MORE_INFORMATION, by, body.strip())
    notifications.more_information(application, portfolio.definition_of(application).name, body)


def defer(application, body, by, now):
    if application.state not in DEFER_FROM:
        raise ReviewRefused(f"the application is {application.state.label.lower()}: it cannot be deferred")
    if not body.strip():
        raise ReviewRefused("say why the application is deferred")
    _comment(application, body, by, now, S.DEFERRED)
    _move(application, S.DEFERRED, by, body.strip())


def not_met_by_consensus(application):
    return [review for review in requirement_reviews(application) if review.decision != Decision.MET]


def approve(application, body, by, now):
    """Approve the candidate to sit the examination: every reviewed requirement met by consensus."""
    if application.state not in REVIEWING:
        raise ReviewRefused(f"the application is {application.state.label.lower()}: only an application in "
                            "review is approved")
    pending = not_met_by_consensus(application)
    if pending:
        raise ReviewRefused("every requirement needs a consensus of met first: "
                            + "; ".join(f"{review.title} ({review.state.lower()})" for review in pending))
    if body.strip():
        _comment(application, body, by, now, S.APPROVED)
    _move(application, S.APPROVED, by)
    notifications.approved(application, portfolio.definition_of(application).name, body)
    settle_exam(application, by)


def settle_exam(application, by):
    """An approved candidate whose released result is a pass moves on to "exam passed"."""
    if application.state == S.APPROVED and written_exam.standing(application.candidate_id).outcome == "pass":
        _move(application, S.EXAM_PASSED, by)
        return True
    return False


def endorsement_number(application, year):
    return f"{portfolio.definition_of(application).endorsement.upper()}-{year}-{application.id:05d}"


def endorse(application, by, today):
    """Issue the endorsement: number, date and the first renewal date, a year on."""
    settle_exam(application, by)
    if application.state != S.EXAM_PASSED:
        raise ReviewRefused(f"the application is {application.state.label.lower()}: the endorsement is issued "
                            "once the candidate is approved and has passed the written examination")
    unmet = [result for result in portfolio.checklist(application, today) if not result.met]
    if unmet:
        raise ReviewRefused("not every requirement is met today: " + "; ".join(
            f"{result.title}: {', '.join(result.missing)}" for result in unmet))
    application.endorsement_number = endorsement_number(application, today.year)
    application.endorsed_on, application.renewal_due = today, add_months(today, 12)
    application.verification_code = verification.new_code()
    _move(application, S.ENDORSED, by)
    log.record("application.endorse", by, application, number=application.endorsement_number,
               renewal_due=application.renewal_due.isoformat())
    notifications.endorsed(application, portfolio.definition_of(application).name)


def renew(application, by, today):
    if application.state != S.ENDORSED:
        raise ReviewRefused("only an endorsed application is renewed")
    unmet = [line for line in renewal.status(application, today) if not line.met]
    if unmet:
        raise ReviewRefused("the renewal is not met: " + "; ".join(
            f"{line.title}: {', '.join(line.missing)}" for line in unmet))
    before = application.renewal_due
    application.renewal_due = add_months(before, 12)
    log.record("application.renew", by, application, before=before.isoformat(),
               after=application.renewal_due.isoformat())


def accept_degree(application, entry_id, accepted, by):
    """A coordinator's decision on a degree outside the endorsement's list."""
    entry = next((entry for entry in application.education if entry.id == entry_id), None)
    if entry is None:
        raise ReviewRefused("that degree is not in this application")
    entry.accepted = accepted
    log.record("review.accept_degree", by, application, entry_id=entry_id, title=entry.title, accepted=accepted)


def approve_provider(application, entry_id, approved, by):
    """Refuse (or approve again) the reflective supervision/consultation provider of a log entry."""
    entry = next((entry for entry in application.supervision if entry.id == entry_id), None)
    if entry is None:
        raise ReviewRefused("that reflective supervision entry is not in this application")
    entry.approved = approved
    log.record("review.approve_provider", by, application, entry_id=entry_id, provider=entry.provider_name,
               approved=approved)
