"""A candidate's application for an endorsement: the portfolio's entries and
documents, the reference requests and the ratings raters give through them,
the coordinators' decisions per requirement, and the endorsement once issued.

The requirement rules themselves are data (`data/*.json`) read by
`definitions.py`; an application names its endorsement and category by code.
"""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from clock import UTCDateTime, utcnow
from extensions import db


class ApplicationStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    MORE_INFORMATION = "more_information"
    APPROVED = "approved"  # approved to sit the exam
    EXAM_PASSED = "exam_passed"
    ENDORSED = "endorsed"
    DEFERRED = "deferred"

    @property
    def label(self):
        return {
            ApplicationStatus.DRAFT: "Draft",
            ApplicationStatus.SUBMITTED: "Submitted",
            ApplicationStatus.IN_REVIEW: "In review",
            ApplicationStatus.MORE_INFORMATION: "More information requested",
            ApplicationStatus.APPROVED: "Approved to sit the exam",
            ApplicationStatus.EXAM_PASSED: "Exam passed",
            ApplicationStatus.ENDORSED: "Endorsed",
            ApplicationStatus.DEFERRED: "Deferred",
        }[self]


class Application(db.Model):
    """One candidate's application for one endorsement, in one category."""

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("candidate_id", "endorsement", name="uq_applications_candidate_endorsement"),
        CheckConstraint(f"status IN ({', '.join(repr(s.value) for s in ApplicationStatus)})", name="known_status"),
        CheckConstraint("endorsement_number IS NULL OR verification_code IS NOT NULL",
                        name="issued_with_verification_code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    endorsement: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default=ApplicationStatus.DRAFT.value, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The code of ethics and endorsement agreement, as signed in the app.
    ethics_version: Mapped[str | None] = mapped_column(String(20))
    ethics_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ethics_signed_name: Mapped[str | None] = mapped_column(String(120))
    membership_association: Mapped[str] = mapped_column(String(160), default="")
    membership_number: Mapped[str] = mapped_column(String(60), default="")
    membership_expires: Mapped[date | None] = mapped_column(Date)
    # Set when a coordinator issues the endorsement.
    endorsement_number: Mapped[str | None] = mapped_column(String(24), unique=True)
    endorsed_on: Mapped[date | None] = mapped_column(Date)
    renewal_due: Mapped[date | None] = mapped_column(Date)
    # Printed beside the number on the record: the two together let anyone verify it (verification.py).
    verification_code: Mapped[str | None] = mapped_column(String(12))
    # The endorsed candidate's consent to be listed in the public directory; never without it.
    listed_in_directory: Mapped[bool] = mapped_column(Boolean, default=False)

    candidate: Mapped[User] = relationship()
    education: Mapped[list["EducationEntry"]] = relationship(back_populates="application",
                                                             order_by="EducationEntry.id")
    training: Mapped[list["TrainingEntry"]] = relationship(back_populates="application",
                                                           order_by="TrainingEntry.taken_on")
    work: Mapped[list["WorkEntry"]] = relationship(back_populates="application", order_by="WorkEntry.started_on")
    supervision: Mapped[list["SupervisionEntry"]] = relationship(back_populates="application",
                                                                 order_by="SupervisionEntry.met_on")
    references: Mapped[list["ReferenceRequest"]] = relationship(back_populates="application",
                                                                order_by="ReferenceRequest.id")
    documents: Mapped[list["Document"]] = relationship(back_populates="application", order_by="Document.id")
    decisions: Mapped[list["RequirementDecision"]] = relationship(back_populates="application",
                                                                  order_by="RequirementDecision.id")
    comments: Mapped[list["ApplicationComment"]] = relationship(back_populates="application",
                                                                order_by="ApplicationComment.id")
    assignment: Mapped["ReviewAssignment | None"] = relationship(back_populates="application")

    @property
    def state(self):
        return ApplicationStatus(self.status)


class Document(db.Model):
    """An uploaded file, kept under the instance folder by its random name;
    served only as a download, to its owner and to coordinators."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    label: Mapped[str] = mapped_column(String(160))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="documents")


class EducationEntry(db.Model):
    __tablename__ = "education_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))  # "MSW", or another degree or certificate program
    kind: Mapped[str] = mapped_column(String(20), default="degree")  # degree | certificate
    institution: Mapped[str] = mapped_column(String(160), default="")
    completed_on: Mapped[date | None] = mapped_column(Date)
    # A coordinator's decision on a degree outside the definition's list: None until decided.
    accepted: Mapped[bool | None] = mapped_column(Boolean)
    transcript_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))

    # When the owner last edited the entry (None: as added); shown beside coordinators' earlier decisions.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    application: Mapped[Application] = relationship(back_populates="education")
    transcript: Mapped[Document | None] = relationship()


class TrainingEntry(db.Model):
    __tablename__ = "training_entries"
    __table_args__ = (CheckConstraint("hours > 0", name="hours_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    taken_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(160))
    hours: Mapped[float] = mapped_column(Float)
    domains: Mapped[list] = mapped_column(JSON, default=list)  # competency domain codes
    topic: Mapped[str] = mapped_column(String(80), default="")

    # When the owner last edited the entry (None: as added); shown beside coordinators' earlier decisions.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    application: Mapped[Application] = relationship(back_populates="training")


class WorkEntry(db.Model):
    __tablename__ = "work_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # one of the category's kinds of work
    position: Mapped[str] = mapped_column(String(160))
    employer: Mapped[str] = mapped_column(String(160))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)  # None: current
    post_graduate: Mapped[bool] = mapped_column(Boolean, default=True)
    supervised: Mapped[bool] = mapped_column(Boolean, default=False)
    activities: Mapped[list] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")

    # When the owner last edited the entry (None: as added); shown beside coordinators' earlier decisions.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    application: Mapped[Application] = relationship(back_populates="work")


class SupervisionEntry(db.Model):
    """One reflective supervision/consultation session (or a month's sessions) in the log."""

    __tablename__ = "supervision_entries"
    __table_args__ = (CheckConstraint("hours > 0", name="hours_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    met_on: Mapped[date] = mapped_column(Date)
    hours: Mapped[float] = mapped_column(Float)
    format: Mapped[str] = mapped_column(String(20), default="individual")  # individual | group
    provider_name: Mapped[str] = mapped_column(String(120))
    provider_email: Mapped[str] = mapped_column(String(254), default="")
    peer: Mapped[bool] = mapped_column(Boolean, default=False)
    # A coordinator may refuse the provider as not approved; None means not refused.
    approved: Mapped[bool | None] = mapped_column(Boolean)

    notes: Mapped[str] = mapped_column(Text, default="")
    # When the owner last edited the entry (None: as added); shown beside coordinators' earlier decisions.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    application: Mapped[Application] = relationship(back_populates="supervision")


class ReferenceStatus(enum.StrEnum):
    """Where a reference request stands, as the candidate sees it."""

    SENT = "sent"
    REMINDED = "reminded"
    OPENED = "opened"
    ANSWERED = "answered"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class ReferenceRequest(db.Model):
    """A reference rating asked of one person, who answers through a
    single-use link Attest mails to them, without an account. The candidate
    never holds the link; only the hashes of its tokens are kept (`links`)."""

    __tablename__ = "reference_requests"
    __table_args__ = (
        # Answered, declined and withdrawn each end a request; only one of them can.
        CheckConstraint("(CASE WHEN submitted_at IS NULL THEN 0 ELSE 1 END) + (CASE WHEN declined_at IS NULL THEN 0 "
                        "ELSE 1 END) + (CASE WHEN withdrawn_at IS NULL THEN 0 ELSE 1 END) <= 1", name="one_outcome"),
        CheckConstraint("level_verified_at IS NULL OR rater_level IS NOT NULL", name="verified_level_given"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    relationship_code: Mapped[str] = mapped_column(String(40))
    rater_name: Mapped[str] = mapped_column(String(120))
    rater_email: Mapped[str] = mapped_column(String(254))
    # The candidate waives access to what the rater writes (the rater is told); off unless they choose it.
    waived: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who answered through the link: a signed-in person's account, else None (the audit entry keeps the address).
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rater_level: Mapped[str | None] = mapped_column(String(8))  # the rater's own endorsement level, as they say
    rater_endorsement_number: Mapped[str] = mapped_column(String(24), default="")
    # The level counts once verified: by Attest's own record of the endorsement, or by a coordinator.
    level_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    level_verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: Attest's record
    level_verification_note: Mapped[str] = mapped_column(Text, default="")
    # {domain code: 1..4, or None for "not enough information"}
    ratings: Mapped[dict] = mapped_column(JSON, default=dict)
    comments: Mapped[str] = mapped_column(Text, default="")

    application: Mapped[Application] = relationship(back_populates="references")
    links: Mapped[list["ReferenceLink"]] = relationship(back_populates="reference", cascade="all, delete-orphan")

    @property
    def not_enough_information(self):
        return sum(value is None for value in self.ratings.values())

    @property
    def level_verified(self):
        return self.level_verified_at is not None

    @property
    def status(self):
        for status, when in ((ReferenceStatus.WITHDRAWN, self.withdrawn_at), (ReferenceStatus.DECLINED, self.declined_at),
                             (ReferenceStatus.ANSWERED, self.submitted_at), (ReferenceStatus.OPENED, self.opened_at),
                             (ReferenceStatus.REMINDED, self.reminded_at)):
            if when is not None:
                return status
        return ReferenceStatus.SENT

    @property
    def open(self):
        """Still waiting for the reference's answer."""
        return self.status not in (ReferenceStatus.ANSWERED, ReferenceStatus.DECLINED, ReferenceStatus.WITHDRAWN)


class ReferenceLink(db.Model):
    """One link mailed to a reference (the request, and each reminder): the
    SHA-256 of its token. Every link of an open request works until the
    request is answered, declined, withdrawn or expires."""

    __tablename__ = "reference_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference_id: Mapped[int] = mapped_column(ForeignKey("reference_requests.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reference: Mapped[ReferenceRequest] = relationship(back_populates="links")


class Decision(enum.StrEnum):
    MET = "met"
    NOT_MET = "not_met"

    @property
    def label(self):
        return {Decision.MET: "Met", Decision.NOT_MET: "Not met"}[self]


class RequirementDecision(db.Model):
    """A reviewer's decision on one requirement of an application; the
    consensus row (reviewer_id of whoever recorded it) settles the two."""

    __tablename__ = "requirement_decisions"
    __table_args__ = (
        UniqueConstraint("application_id", "requirement", "reviewer_id", "consensus",
                         name="uq_requirement_decisions_one_per_reviewer"),
        CheckConstraint("decision IN ('met', 'not_met')", name="known_decision"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    requirement: Mapped[str] = mapped_column(String(40))  # the requirement's kind
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    consensus: Mapped[bool] = mapped_column(Boolean, default=False)
    decision: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="decisions")
    reviewer: Mapped[User] = relationship()


class ReviewAssignment(db.Model):
    """Whose review an application waits for, and by when: one per application, replaced on reassignment."""

    __tablename__ = "review_assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    assignee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="assignment")
    assignee: Mapped[User] = relationship(foreign_keys=[assignee_id])


class ApplicationComment(db.Model):
    """A coordinator's comment back to the candidate, or the candidate's reply."""

    __tablename__ = "application_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    status_to: Mapped[str | None] = mapped_column(String(20))  # the status the comment came with, if any
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()


class RenewalReminder(db.Model):
    """A renewal reminder sent: one per endorsement, renewal date and threshold
    (days before it), so running the reminders again sends none twice and
    next year's renewal is reminded afresh."""

    __tablename__ = "renewal_reminders"
    __table_args__ = (
        UniqueConstraint("application_id", "renewal_due", "days", name="uq_renewal_reminders_once"),
        CheckConstraint("days > 0", name="days_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    renewal_due: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
