"""Stored item statistics per form and item version, the form's test-level
analysis, the cuts equated from its parallel forms, and Angoff
standard-setting studies."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from clock import UTCDateTime, utcnow
from extensions import db
from item_bank.models import Form, FormItem, ItemVersion
from psychometrics.ctt import biserial_out_of_range


class FormAnalysis(db.Model):
    """The latest analysis of a form's finished attempts: test statistics,
    the score distribution, IRT summary and test information, as computed."""

    __tablename__ = "form_analyses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id"), unique=True)
    revision_number: Mapped[int] = mapped_column(Integer)  # the scoring revision it used
    n_candidates: Mapped[int] = mapped_column(Integer)
    summary: Mapped[dict] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    computed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    form: Mapped[Form] = relationship()
    computed_by: Mapped[User | None] = relationship()


class ItemStatistic(db.Model):
    """One item version's statistics on one form, from the latest analysis."""

    __tablename__ = "item_statistics"
    __table_args__ = (UniqueConstraint("form_id", "item_version_id", name="uq_item_statistics_form_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id"), index=True)
    form_item_id: Mapped[int] = mapped_column(ForeignKey("form_items.id"))
    item_version_id: Mapped[int] = mapped_column(ForeignKey("item_versions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # on the form
    n: Mapped[int] = mapped_column(Integer)
    p: Mapped[float | None] = mapped_column(Float)
    r_pbis: Mapped[float | None] = mapped_column(Float)  # corrected, item-rest
    r_pbis_total: Mapped[float | None] = mapped_column(Float)
    r_bis: Mapped[float | None] = mapped_column(Float)
    discrimination_index: Mapped[float | None] = mapped_column(Float)
    alpha_if_deleted: Mapped[float | None] = mapped_column(Float)
    omit_rate: Mapped[float | None] = mapped_column(Float)
    irt_a: Mapped[float | None] = mapped_column(Float)
    irt_b: Mapped[float | None] = mapped_column(Float)
    irt_se_a: Mapped[float | None] = mapped_column(Float)
    irt_se_b: Mapped[float | None] = mapped_column(Float)
    # {"label": {"proportion", "upper", "lower", "r_pbis", "keyed"}}, the trace
    # lines by score group, item fit and DIF: shown whole on the item's page.
    options: Mapped[dict] = mapped_column(JSON)
    details: Mapped[dict] = mapped_column(JSON)
    flags: Mapped[list] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    form_item: Mapped[FormItem] = relationship()
    item_version: Mapped[ItemVersion] = relationship()

    @property
    def biserial_out_of_range(self):
        return bool(biserial_out_of_range(self.r_bis))


class EquatedCuts(db.Model):
    """The cuts equated to a form from its parallel forms, as last computed,
    and the basis they were computed on: each form's scoring revision, pass
    mark and submitted attempts, and the equating settings. The form page
    shows them while the basis holds (analysis/equated_cuts.py)."""

    __tablename__ = "equated_cuts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id"), unique=True)
    basis: Mapped[list] = mapped_column(JSON)
    possible: Mapped[int] = mapped_column(Integer)  # keyed items kept, under the form's current scoring
    current_percent: Mapped[float] = mapped_column(Float)  # the form's pass mark, under the same
    cuts: Mapped[list] = mapped_column(JSON)  # per reference form and method, as equated_cuts.EquatedCut
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


angoff_panelists = db.Table(
    "angoff_panelists",
    db.Column("study_id", ForeignKey("angoff_studies.id", ondelete="CASCADE"), primary_key=True),
    db.Column("user_id", ForeignKey("users.id"), primary_key=True, index=True),
)


class AngoffStudy(db.Model):
    """A modified-Angoff standard setting for a form: panelists judge, for
    each item, the chance that a minimally competent candidate answers it
    right; in round 1 alone, then, once staff open round 2, again with the
    panel's round-1 ratings and their impact in view."""

    __tablename__ = "angoff_studies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    round_two_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    form: Mapped[Form] = relationship()
    panelists: Mapped[list[User]] = relationship(secondary=angoff_panelists, order_by=User.name)
    ratings: Mapped[list["AngoffRating"]] = relationship(back_populates="study", cascade="all, delete-orphan")

    @property
    def open(self):
        return self.closed_at is None

    @property
    def current_round(self):
        """The round panelists rate in: 1, then 2 once staff open it."""
        return 1 if self.round_two_opened_at is None else 2


class AngoffRating(db.Model):
    __tablename__ = "angoff_ratings"
    __table_args__ = (
        UniqueConstraint("study_id", "panelist_id", "form_item_id", "round",
                         name="uq_angoff_ratings_study_panelist_item_round"),
        CheckConstraint("percent >= 0 AND percent <= 100", name="percent_range"),
        CheckConstraint("round IN (1, 2)", name="known_round"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("angoff_studies.id", ondelete="CASCADE"), index=True)
    panelist_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    form_item_id: Mapped[int] = mapped_column(ForeignKey("form_items.id"))
    round: Mapped[int] = mapped_column(Integer, default=1)
    percent: Mapped[float] = mapped_column(Float)  # out of 100 minimally competent candidates
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    study: Mapped[AngoffStudy] = relationship(back_populates="ratings")
