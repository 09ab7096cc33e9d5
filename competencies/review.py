"""Coordinators' review of applications: the queue, reviews assigned to
coordinators with a due date, two reviewers' decisions per requirement and
their consensus, the statuses an application moves through, comments back to
the candidate, and issuing the endorsement.

Two reviewers decide each requirement (the written examination is decided by
its result, not by reviewers). When they agree, that is the consensus; when
they disagree, a coordinator records the consensus with a reason. Every
decision and status change is audited.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select

from accounts.models import User, UserRole
from accounts.roles import COORDINATORS, Role
from audit import log
from competencies import notifications, portfolio, renewal, rules, verification, written_exam
from competencies.models import (
    Application,
    ApplicationComment,
    ApplicationStatus,
    Decision,
    RequirementDecision,
    ReviewAssignment,
)
from competencies.rules import add_months
from extensions import db

S = ApplicationStatus
QUEUE_STATUSES = (S.SUBMITTED, S.IN_REVIEW, S.MORE_INFORMATION, S.APPROVED, S.EXAM_PASSED, S.DEFERRED, S.ENDORSED)
REVIEWING = (S.SUBMITTED, S.IN_REVIEW)
# Where each action may be taken from.
MORE_INFORMATION_FROM = (S.SUBMITTED, S.IN_REVIEW, S.APPROVED, S.DEFERRED)
DEFER_FROM = (S.SUBMITTED, S.IN_REVIEW, S.MORE_INFORMATION, S.APPROVED, S.EXAM_PASSED)
REVIEWERS_NEEDED = 2
ASSIGN_DAYS_AHEAD = 366  # a due date further off is a typing slip


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

    def closed_to(self, reviewer_id):
        """Why `reviewer_id` can no longer record or change a decision here, or None."""
        if self.consensus_row is not None:
            return "the consensus is recorded"
        if self.by(reviewer_id) is None and len(self.reviews) >= REVIEWERS_NEEDED:
            return "two reviewers have decided already"
        return None


def queue(status=None, assignee_id=None):
    """Applications past the draft, oldest submission first; `status` narrows it, and `assignee_id` to the
    reviews assigned to that coordinator."""
    query = select(Application).where(Application.status != S.DRAFT.value)
    if status is not None:
        query = query.where(Application.status == status.value)
    if assignee_id is not None:
        query = query.where(Application.assignment.has(ReviewAssignment.assignee_id == assignee_id))
    return db.session.scalars(query.order_by(Application.submitted_at, Application.id)).all()


def assignable():
    """Active coordinators, by name: whom a review may be assigned to."""
    return db.session.scalars(select(User).where(User.active.is_(True), User.role_rows.any(
        UserRole.role == Role.COORDINATOR.value)).order_by(User.name, User.id)).all()


def assign(application, assignee_id, due_on, by, now):
    """Assign the application's review to a coordinator, due on `due_on` (replacing an earlier assignment);
    only a coordinator or admin assigns, while the application is submitted or in review. The assignee is
    told by mail unless they assigned it to themselves."""
    assigner = db.session.get(User, by.user_id) if by.user_id is not None else None
    if assigner is None or not assigner.has_role(*COORDINATORS):
        raise ReviewRefused("only coordinators and admins assign reviews")
    if application.state not in REVIEWING:
        raise ReviewRefused(f"the application is {application.state.label.lower()}: a review is assigned while it "
                            "is submitted or in review")
    assignee = db.session.get(User, assignee_id) if assignee_id is not None else None
    if assignee is None or not assignee.active or not assignee.has_role(Role.COORDINATOR):
        raise ReviewRefused("reviewer: choose an active coordinator")
    if assignee.id == application.candidate_id:
        raise ReviewRefused("reviewer: a candidate cannot review their own application")
    today = now.date()
    if due_on is None or due_on < today:
        raise ReviewRefused(f"due date: choose today ({today.isoformat()}) or a later day")
    if due_on > today + timedelta(days=ASSIGN_DAYS_AHEAD):
        raise ReviewRefused("due date: choose a day within a year")
    assignment = application.assignment or ReviewAssignment(application=application)
    before = ({"before_assignee_id": assignment.assignee_id, "before_due_on": assignment.due_on.isoformat()}
              if assignment.id else {})
    db.session.add(assignment)
    assignment.assignee, assignment.due_on, assignment.assigned_by_id, assignment.assigned_at = (
        assignee, due_on, assigner.id, now)
    db.session.flush()
    log.record("review.assign", by, application, assignee_id=assignee.id, due_on=due_on.isoformat(), **before)
    if assignee.id != assigner.id:
        notifications.review_assigned(application, portfolio.definition_of(application).name, assignment)
    return assignment


def overdue_since(application, today):
    """The due date of the application's review once it has passed with the review still open, else None."""
    assignment = application.assignment
    if assignment is None or application.state not in REVIEWING or assignment.due_on >= today:
        return None
    return assignment.due_on


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


def _decision(value, title=None):
    try:
        return Decision(value)
    except ValueError:
        raise ReviewRefused(f"{title + ': ' if title else ''}decision: {value!r} is neither met nor not met") from None


def _open_for_decisions(application, by):
    if application.state not in REVIEWING:
        raise ReviewRefused(f"the application is {application.state.label.lower()}: decisions are recorded while "
                            "it is submitted or in review")
    if by.user_id == application.candidate_id:
        raise ReviewRefused("you cannot review your own application")


def _change(review, value, note, by):
    """(decision or None to withdraw, note) that `by` asks for on one requirement, checked; None when it is
    what they decided already. Refusals name the requirement."""
    decision, note = (_decision(value, review.title) if value else None), note.strip()
    mine = review.by(by.user_id)
    wanted = (decision.value, note) if decision else (None, "")
    if wanted == ((mine.decision, mine.note) if mine else (None, "")):
        return None
    closed = review.closed_to(by.user_id)
    if closed:
        raise ReviewRefused(f"{review.title}: {closed}")
    if decision == Decision.NOT_MET and not note:
        raise ReviewRefused(f"{review.title}: say what is not met")
    return decision, note


def _write(application, review, decision, note, by, now):
    mine = review.by(by.user_id)
    before = mine.decision if mine else None
    if decision is None:
        application.decisions.remove(mine)
        db.session.delete(mine)
    else:
        if mine is None:
            mine = RequirementDecision(application=application, requirement=review.kind, reviewer_id=by.user_id,
                                       consensus=False)
            db.session.add(mine)
        mine.decision, mine.note, mine.decided_at = decision.value, note, now
    db.session.flush()
    log.record("review.decide", by, application, requirement=review.kind, before=before,
               after=decision.value if decision else None)


def record_decisions(application, wanted, by, now):
    """A reviewer's decisions on any of the requirements at once: `wanted` maps a requirement's kind to
    (decision, note), the decision "" for not yet reviewed (withdrawing one made before). Every change is
    checked before any is written, so a refusal (naming each requirement at fault) writes nothing; a reviewer
    changes their decisions until a consensus is recorded. Returns the titles of the requirements changed."""
    _open_for_decisions(application, by)
    reviews = {review.kind: review for review in requirement_reviews(application)}
    unknown = [kind for kind in wanted if kind not in reviews]
    if unknown:
        raise ReviewRefused(f"{unknown[0]!r} is not a requirement reviewers decide for this application")
    changes, refusals = [], []
    for kind, review in reviews.items():
        if kind not in wanted:
            continue
        try:
            change = _change(review, *wanted[kind], by)
        except ReviewRefused as refusal:
            refusals.append(str(refusal))
            continue
        if change is not None:
            changes.append((review, *change))
    if refusals:
        raise ReviewRefused("; ".join(refusals))
    for review, decision, note in changes:
        _write(application, review, decision, note, by, now)
    if changes and application.state == S.SUBMITTED:
        _move(application, S.IN_REVIEW, by)
    return [review.title for review, _, _ in changes]


def decide(application, kind, decision, note, by, now):
    """A reviewer's decision on one requirement (`record_decisions` for one)."""
    return record_decisions(application, {kind: (decision, note)}, by, now)


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
    unmet = [result for result in portfolio.checklist(application, today, rules.THIRD_PERSON) if not result.met]
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
    unmet = [line for line in renewal.status(application, today, rules.THIRD_PERSON) if not line.met]
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
