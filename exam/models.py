"""Exam sessions, enrollments with accommodations, attempts, their timed sections, responses and the save journal."""

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from clock import UTCDateTime, utcnow
from extensions import db
from item_bank.models import Form, FormItem, FormSection


class Hold(enum.StrEnum):
    """Why a paused attempt is paused."""

    PROCTOR = "proctor"
    READMISSION = "readmission"  # reopened elsewhere; waits for a proctor to re-admit


class AttemptStatus(enum.StrEnum):
    CHECKED_IN = "checked_in"  # joined with the code, not yet agreed and started
    AWAITING_ADMISSION = "awaiting_admission"
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"
    SUBMITTED = "submitted"
    TERMINATED = "terminated"

    @property
    def label(self):
        return self.value.replace("_", " ").capitalize()


OPEN_STATUSES = (AttemptStatus.IN_PROGRESS, AttemptStatus.PAUSED)
FINISHED_STATUSES = (AttemptStatus.SUBMITTED, AttemptStatus.TERMINATED)


class AttemptStanding:
    """Where an attempt stands, read from its status and current section: one
    home for the rules whether the attempt is a mapped row or the state poll's
    read (`exam.polling`)."""

    @property
    def finished(self):
        return self.status in FINISHED_STATUSES

    @property
    def on_break(self):
        """Between two parts, in the break before the current one (its clock may stand still)."""
        section = self.current_section
        return self.status in OPEN_STATUSES and section is not None and section.after_break


class SectionClock:
    """Whether a section's clock runs, from its start, close and break: shared
    like `AttemptStanding`."""

    @property
    def open(self):
        return self.started_at is not None and self.closed_at is None

    @property
    def after_break(self):
        """Waiting for its break to end: the part before it is over, its own clock has not started."""
        return self.started_at is None and self.break_ends_at is not None


class ExamSession(db.Model):
    """One scheduled sitting of a published form."""

    __tablename__ = "exam_sessions"
    __table_args__ = (
        CheckConstraint("opens_at < closes_at", name="window_order"),
        CheckConstraint("grace_seconds >= 0", name="grace_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id"), index=True)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    location: Mapped[str] = mapped_column(String(200), default="online")
    access_code: Mapped[str] = mapped_column(String(32))
    capacity: Mapped[int | None] = mapped_column(Integer)  # seats; None for no limit
    # Admission: automatic as candidates agree, or one by one by a proctor.
    auto_admit: Mapped[bool] = mapped_column(Boolean, default=True)
    # A candidate who reopens a started attempt in another tab or on another
    # machine waits, clock stopped, until a proctor re-admits them.
    readmit_on_resume: Mapped[bool] = mapped_column(Boolean, default=False)
    # No one is admitted, by a proctor or automatically, before a proctor
    # records that they saw the candidate's identity document (an `IdentityCheck`).
    requires_identity_check: Mapped[bool] = mapped_column(Boolean, default=False)
    # Every request of the sitting must come from Safe Exam Browser started
    # with the session's .seb file (exam/safe_browser.py).
    require_seb: Mapped[bool] = mapped_column(Boolean, default=False)
    # Saves this many seconds after a section's deadline still count (network latency).
    grace_seconds: Mapped[int] = mapped_column(Integer, default=30)
    results_released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The scoring revision candidates see; None for the form's original keys.
    released_revision_id: Mapped[int | None] = mapped_column(ForeignKey("scoring_revisions.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    form: Mapped[Form] = relationship()
    released_revision: Mapped["ScoringRevision | None"] = relationship()
    enrollments: Mapped[list["Enrollment"]] = relationship(back_populates="session", cascade="all, delete-orphan")
    proctors: Mapped[list[User]] = relationship(secondary="session_proctors", order_by=User.name)

    @property
    def closed(self):
        return self.closed_at is not None

    def proctored_by(self, user_id):
        return any(proctor.id == user_id for proctor in self.proctors)


session_proctors = db.Table(
    "session_proctors",
    db.Column("session_id", ForeignKey("exam_sessions.id", ondelete="CASCADE"), primary_key=True),
    db.Column("user_id", ForeignKey("users.id"), primary_key=True, index=True),
)


class Enrollment(db.Model):
    """A candidate's place in a session, with the accommodations staff set."""

    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("session_id", "candidate_id", name="uq_enrollments_session_candidate"),
        CheckConstraint("time_multiplier >= 1", name="multiplier_at_least_one"),
        CheckConstraint("extra_minutes >= 0", name="extra_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("exam_sessions.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    time_multiplier: Mapped[float] = mapped_column(Float, default=1.0)
    extra_minutes: Mapped[int] = mapped_column(Integer, default=0)  # added to every section
    large_text: Mapped[bool] = mapped_column(Boolean, default=False)
    high_contrast: Mapped[bool] = mapped_column(Boolean, default=False)

    session: Mapped[ExamSession] = relationship(back_populates="enrollments")
    candidate: Mapped[User] = relationship()
    attempt: Mapped["Attempt | None"] = relationship(back_populates="enrollment", uselist=False)


class Attempt(AttemptStanding, db.Model):
    """One candidate's sitting of the session's form."""

    __tablename__ = "attempts"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s.value) for s in AttemptStatus)})", name="known_status"),
        CheckConstraint("(status IN ('submitted', 'terminated')) = (finished_at IS NOT NULL)", name="finished_when_dated"),
        CheckConstraint("(status = 'paused') = (paused_at IS NOT NULL)", name="paused_when_dated"),
        CheckConstraint("(status = 'paused') = (hold IS NOT NULL)", name="paused_with_hold"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(24), default=AttemptStatus.CHECKED_IN.value)
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hold: Mapped[str | None] = mapped_column(String(16))  # a Hold, while paused
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finish_reason: Mapped[str | None] = mapped_column(String(32))
    finish_note: Mapped[str | None] = mapped_column(String(500))  # a proctor's reason for terminating
    current_position: Mapped[int] = mapped_column(Integer, default=1)  # the open section's
    # The question the candidate is on (a Response.position): where another
    # window opens the attempt, and in a linear section the only one answerable.
    question_position: Mapped[int | None] = mapped_column(Integer)
    last_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The browser tab that holds the attempt; a tab that takes over gets the next
    # epoch, and its sequence numbers are above every earlier tab's.
    active_tab: Mapped[str | None] = mapped_column(String(64))
    tab_epoch: Mapped[int] = mapped_column(Integer, default=0)

    enrollment: Mapped[Enrollment] = relationship(back_populates="attempt")
    sections: Mapped[list["AttemptSection"]] = relationship(
        back_populates="attempt", order_by="AttemptSection.position", cascade="all, delete-orphan"
    )
    responses: Mapped[list["Response"]] = relationship(
        back_populates="attempt", order_by="Response.position", cascade="all, delete-orphan"
    )

    @property
    def session(self):
        return self.enrollment.session

    @property
    def current_section(self):
        return next((s for s in self.sections if s.position == self.current_position), None)


class AttemptSection(SectionClock, db.Model):
    """One section of an attempt, with its own server-side deadline."""

    __tablename__ = "attempt_sections"
    __table_args__ = (UniqueConstraint("attempt_id", "position", name="uq_attempt_sections_attempt_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)
    form_section_id: Mapped[int] = mapped_column(ForeignKey("form_sections.id"))
    position: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_seconds: Mapped[int] = mapped_column(Integer, default=0)
    extension_seconds: Mapped[int] = mapped_column(Integer, default=0)
    # The break before this part ends then, unless the candidate continues
    # first; a proctor's pause during the break moves it on. None: no break.
    break_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attempt: Mapped[Attempt] = relationship(back_populates="sections")
    form_section: Mapped[FormSection] = relationship()
    responses: Mapped[list["Response"]] = relationship(back_populates="attempt_section", order_by="Response.position")


class Response(db.Model):
    """A candidate's answer to one item in one attempt. It exists from the start
    (empty); the highest-sequence save is the answer."""

    __tablename__ = "responses"
    __table_args__ = (
        UniqueConstraint("attempt_id", "form_item_id", name="uq_responses_attempt_form_item"),
        UniqueConstraint("attempt_id", "position", name="uq_responses_attempt_position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)
    attempt_section_id: Mapped[int] = mapped_column(ForeignKey("attempt_sections.id", ondelete="CASCADE"), index=True)
    form_item_id: Mapped[int] = mapped_column(ForeignKey("form_items.id"))
    position: Mapped[int] = mapped_column(Integer)  # across the whole attempt, 1..n
    option_order: Mapped[list | None] = mapped_column(JSON)  # option ids as this candidate sees them
    answer: Mapped[dict | None] = mapped_column(JSON)
    answer_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    answered: Mapped[bool] = mapped_column(Boolean, default=False)  # the answer says something; kept for counting
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    flag_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    chosen: Mapped[bool] = mapped_column(Boolean, default=False)  # in an "answer k of n" section
    choose_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    # The candidate's reading aids: {"struck": [option ids], "highlights": [[start, end], ...]} (the item kind's
    # `marks_refusal` says what is well shaped). Shown back to the candidate only: never scored, rated or exported.
    marks: Mapped[dict | None] = mapped_column(JSON)
    marks_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attempt: Mapped[Attempt] = relationship(back_populates="responses")
    attempt_section: Mapped[AttemptSection] = relationship(back_populates="responses")
    form_item: Mapped[FormItem] = relationship()


class SaveRecord(db.Model):
    """The journal: every save as it arrived, once per sequence number. `value`
    is kept for a save that was saved (`accepted`) only; every save keeps the
    size and SHA-256 of its value's canonical JSON (`saving.digest`)."""

    __tablename__ = "save_records"
    __table_args__ = (
        UniqueConstraint("attempt_id", "seq", name="uq_save_records_attempt_seq"),
        # SQL NULL: not kept. A saved save that cleared an answer keeps JSON null.
        CheckConstraint("accepted OR value IS NULL", name="value_only_when_saved"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(BigInteger)
    field: Mapped[str] = mapped_column(String(16))  # answer, flag, choose, marks, at
    value: Mapped[dict | None] = mapped_column(JSON)
    value_bytes: Mapped[int] = mapped_column(Integer)
    value_sha256: Mapped[str] = mapped_column(String(64))
    tab: Mapped[str] = mapped_column(String(64), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted: Mapped[bool] = mapped_column(Boolean)


class IncidentCategory(enum.StrEnum):
    IDENTITY = "identity"
    TECHNICAL = "technical"
    CONDUCT = "conduct"
    ENVIRONMENT = "environment"
    ACCOMMODATION = "accommodation"
    OTHER = "other"

    @property
    def label(self):
        return self.value.capitalize()


class Incident(db.Model):
    """What a proctor recorded about a session or one candidate's sitting.

    Never changed once written: a correction or later news is a follow-up
    (`follows_id`) that points at the incident it adds to."""

    __tablename__ = "incidents"
    __table_args__ = (
        CheckConstraint(f"category IN ({', '.join(repr(c.value) for c in IncidentCategory)})", name="known_category"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("exam_sessions.id", ondelete="CASCADE"), index=True)
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollments.id", ondelete="CASCADE"), index=True)
    follows_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    category: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(String(4000))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    session: Mapped[ExamSession] = relationship()
    enrollment: Mapped[Enrollment | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()
    follow_ups: Mapped[list["Incident"]] = relationship(order_by="Incident.id")


class IncidentsAreNotEdited(Exception):
    pass


@event.listens_for(Incident, "before_update")
@event.listens_for(Incident, "before_delete")
def refuse_change(mapper, connection, incident):
    raise IncidentsAreNotEdited(f"incident {incident.id} cannot be changed; add a follow-up")


class DocumentType(enum.StrEnum):
    """The identity documents a proctor accepts."""

    PASSPORT = "passport"
    NATIONAL_ID = "national_id"
    DRIVING_LICENCE = "driving_licence"
    OTHER = "other"

    @property
    def label(self):
        return {DocumentType.NATIONAL_ID: "National ID card"}.get(self, self.value.replace("_", " ").capitalize())


class IdentityCheck(db.Model):
    """A proctor saw a candidate's identity document for their sitting of a session.

    It belongs to the session it was made in, not only to the enrollment: a
    candidate moved to another session is checked again there. Never changed
    once written: a correction is a new check that `supersedes_id` the one in
    force, which stays on record."""

    __tablename__ = "identity_checks"
    __table_args__ = (
        CheckConstraint(f"document_type IN ({', '.join(repr(d.value) for d in DocumentType)})",
                        name="known_document_type"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("exam_sessions.id", ondelete="CASCADE"), index=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id", ondelete="CASCADE"), index=True)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("identity_checks.id"))
    document_type: Mapped[str] = mapped_column(String(16))
    name_on_document: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(String(1000), default="")  # what the proctor noticed about the photo ID
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the command line

    enrollment: Mapped[Enrollment] = relationship()
    checked_by: Mapped[User | None] = relationship()

    @property
    def document_label(self):
        return DocumentType(self.document_type).label


class IdentityChecksAreNotEdited(Exception):
    pass


@event.listens_for(IdentityCheck, "before_update")
@event.listens_for(IdentityCheck, "before_delete")
def refuse_identity_check_change(mapper, connection, check):
    raise IdentityChecksAreNotEdited(f"identity check {check.id} cannot be changed; record a new check")


class ScoringRevision(db.Model):
    """How a form's attempts are scored from some moment on: every item's keys,
    weight and whether it is dropped, and the pass mark. Revision 0 is the
    form's original keys, written when the form is first rescored. Never
    changed: a correction is the next revision."""

    __tablename__ = "scoring_revisions"
    __table_args__ = (
        UniqueConstraint("form_id", "number", name="uq_scoring_revisions_form_number"),
        CheckConstraint("pass_percent > 0 AND pass_percent <= 100", name="pass_percent_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    # {form_item_id (as text): {"keys": [option ids], "weight": float, "dropped": bool}}
    rules: Mapped[dict] = mapped_column(JSON)
    pass_percent: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    form: Mapped[Form] = relationship()
    created_by: Mapped[User | None] = relationship()


class AttemptScore(db.Model):
    """An attempt's score under one scoring revision: the score history."""

    __tablename__ = "attempt_scores"
    __table_args__ = (UniqueConstraint("attempt_id", "revision_id", name="uq_attempt_scores_attempt_revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("scoring_revisions.id"), index=True)
    points: Mapped[float] = mapped_column(Float)
    possible: Mapped[float] = mapped_column(Float)
    outcome: Mapped[str] = mapped_column(String(16))  # pass or fail on the part scored by key
    domains: Mapped[list] = mapped_column(JSON)  # [{"code", "name", "points", "possible"}]
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    attempt: Mapped[Attempt] = relationship()
    revision: Mapped[ScoringRevision] = relationship()
