"""Rating plans per form, rating cases (one per rated response, under an
anonymous code), the ratings raters give, declared rater conflicts, anchor
responses raters calibrate against, and the concerns raters flag."""

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from clock import UTCDateTime, utcnow
from exam.models import Response
from extensions import db
from item_bank.models import Form


class FinalRule(enum.StrEnum):
    # The mean of the agreeing first ratings; the adjudicator's rating alone when adjudicated.
    MEAN = "mean"
    # As MEAN, but an adjudicated score is the mean of the adjudicator's and the closer first rating.
    ADJUDICATOR_AND_CLOSER = "adjudicator_and_closer"

    @property
    def label(self):
        return {
            FinalRule.MEAN: "Mean of the agreeing ratings; the adjudicator's rating when adjudicated",
            FinalRule.ADJUDICATOR_AND_CLOSER: "Mean of the agreeing ratings; when adjudicated, the mean of the "
                                              "adjudicator's and the closer first rating",
        }[self]


class PassRule(enum.StrEnum):
    EACH_PART = "each_part"  # the keyed part and the rated part each at or above its cut
    TOTAL = "total"  # all points together at or above the keyed part's cut

    @property
    def label(self):
        return {PassRule.EACH_PART: "Each part at or above its cut",
                PassRule.TOTAL: "All points together at or above the pass mark"}[self]


class RatingPlan(db.Model):
    """How a form's rated responses are scored: set by a coordinator; a form
    without a row is rated under the defaults."""

    __tablename__ = "rating_plans"
    __table_args__ = (
        CheckConstraint("raters_per_response BETWEEN 1 AND 3", name="raters_range"),
        CheckConstraint("max_criterion_gap >= 0", name="gap_not_negative"),
        CheckConstraint("rated_pass_percent > 0 AND rated_pass_percent <= 100", name="rated_pass_percent_range"),
        CheckConstraint("due_days >= 1", name="due_days_positive"),
        CheckConstraint(f"final_rule IN ({', '.join(repr(r.value) for r in FinalRule)})", name="known_final_rule"),
        CheckConstraint(f"pass_rule IN ({', '.join(repr(r.value) for r in PassRule)})", name="known_pass_rule"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id"), unique=True)
    raters_per_response: Mapped[int] = mapped_column(Integer, default=2)
    # Ratings disagree when any criterion differs by more than this many points...
    max_criterion_gap: Mapped[int] = mapped_column(Integer, default=1)
    # ... or, with this set, when one rating passes the rated part's cut and another does not.
    pass_fail_disagreement: Mapped[bool] = mapped_column(Boolean, default=True)
    final_rule: Mapped[str] = mapped_column(String(32), default=FinalRule.MEAN.value)
    rated_pass_percent: Mapped[float] = mapped_column(Float, default=80.0)
    pass_rule: Mapped[str] = mapped_column(String(16), default=PassRule.EACH_PART.value)
    due_days: Mapped[int] = mapped_column(Integer, default=7)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    form: Mapped[Form] = relationship()


class CaseStatus(enum.StrEnum):
    RATING = "rating"  # first ratings under way
    ADJUDICATION = "adjudication"  # the first ratings disagree: a third rater settles it
    FINAL = "final"

    @property
    def label(self):
        return {CaseStatus.RATING: "Being rated", CaseStatus.ADJUDICATION: "In adjudication",
                CaseStatus.FINAL: "Final"}[self]


class RatingCase(db.Model):
    """One rated response as raters know it: by an anonymous code, never by
    the candidate. Created when the first rater is assigned."""

    __tablename__ = "rating_cases"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s.value) for s in CaseStatus)})", name="known_status"),
        CheckConstraint("(status = 'final') = (final_points IS NOT NULL)", name="final_when_scored"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), unique=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=CaseStatus.RATING.value)
    final_scores: Mapped[dict | None] = mapped_column(JSON)  # {criterion id: points}
    final_points: Mapped[float | None] = mapped_column(Float)
    adjudicated: Mapped[bool] = mapped_column(Boolean, default=False)
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    response: Mapped[Response] = relationship()
    ratings: Mapped[list["Rating"]] = relationship(back_populates="case", order_by="Rating.id")

    @property
    def first_ratings(self):
        return [rating for rating in self.ratings if not rating.adjudication]

    @property
    def adjudication_rating(self):
        return next((rating for rating in self.ratings if rating.adjudication), None)


class Rating(db.Model):
    """One rater's scores per rubric criterion and comments on one case. A
    draft until submitted; submitted ratings change only by a coordinator's
    audited correction."""

    __tablename__ = "ratings"
    __table_args__ = (UniqueConstraint("case_id", "rater_id", name="uq_ratings_case_rater"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("rating_cases.id", ondelete="CASCADE"), index=True)
    rater_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    adjudication: Mapped[bool] = mapped_column(Boolean, default=False)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    scores: Mapped[dict] = mapped_column(JSON, default=dict)  # {criterion id: points}; partial in a draft
    comments: Mapped[str] = mapped_column(Text, default="")
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seconds_spent: Mapped[int] = mapped_column(Integer, default=0)

    case: Mapped[RatingCase] = relationship(back_populates="ratings")
    rater: Mapped[User] = relationship(foreign_keys=[rater_id])

    @property
    def submitted(self):
        return self.submitted_at is not None

    @property
    def points(self):
        return sum(self.scores.values())


class RaterConflict(db.Model):
    """A rater who must never rate a candidate's responses: their supervisor,
    reference or reflective supervision provider, or anyone a coordinator
    declares."""

    __tablename__ = "rater_conflicts"
    __table_args__ = (UniqueConstraint("rater_id", "candidate_id", name="uq_rater_conflicts_rater_candidate"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rater_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    rater: Mapped[User] = relationship(foreign_keys=[rater_id])
    candidate: Mapped[User] = relationship(foreign_keys=[candidate_id])


class OverdueReminder(db.Model):
    """An overdue reminder sent for a rating: one per rating and threshold
    (days past its due date), so running the reminders again sends none
    twice. A withdrawn rating takes its reminders with it."""

    __tablename__ = "overdue_reminders"
    __table_args__ = (
        UniqueConstraint("rating_id", "days", name="uq_overdue_reminders_once"),
        CheckConstraint("days >= 0", name="days_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id", ondelete="CASCADE"), index=True)
    days: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AnchorResponse(db.Model):
    """A rated response a coordinator holds up as an example of its score, with
    why it earns it: raters of the same vignette (item) read it, never its
    candidate. Only a case with a final score can be one."""

    __tablename__ = "anchor_responses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("rating_cases.id", ondelete="CASCADE"), unique=True)
    annotation: Mapped[str] = mapped_column(String(500))
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    chosen_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[RatingCase] = relationship()


class ConcernReason(enum.StrEnum):
    CHILD_AT_RISK = "child_at_risk"
    CHEATING = "cheating"
    OTHER = "other"

    @property
    def label(self):
        return {ConcernReason.CHILD_AT_RISK: "The response suggests a risk to a child",
                ConcernReason.CHEATING: "Possible cheating (copied or shared text, outside help)",
                ConcernReason.OTHER: "Something else"}[self]


class Concern(db.Model):
    """A response a rater (or a coordinator) flags for a coordinator to read,
    whatever its rating: open until a coordinator marks it handled with a note.
    A rater holds at most one open concern per response."""

    __tablename__ = "rating_concerns"
    __table_args__ = (
        CheckConstraint(f"reason IN ({', '.join(repr(r.value) for r in ConcernReason)})", name="known_reason"),
        CheckConstraint("(handled_at IS NULL) = (handled_by_id IS NULL) AND (handled_at IS NULL) = "
                        "(handled_note IS NULL)", name="handled_with_note"),
        Index("uq_rating_concerns_open", "case_id", "raised_by_id", unique=True,
              sqlite_where=text("handled_at IS NULL"), postgresql_where=text("handled_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("rating_cases.id", ondelete="CASCADE"), index=True)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(32))
    details: Mapped[str] = mapped_column(Text, default="")
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handled_note: Mapped[str | None] = mapped_column(Text)

    case: Mapped[RatingCase] = relationship()
    raised_by: Mapped[User] = relationship(foreign_keys=[raised_by_id])
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id])

    @property
    def reason_label(self):
        return ConcernReason(self.reason).label

    @property
    def handled(self):
        return self.handled_at is not None
