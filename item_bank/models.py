"""Competency domains, items and their versions with the images their text shows, blueprints and forms."""

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    inspect,
    select,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship, selectinload

from accounts.models import User
from clock import UTCDateTime, utcnow
from extensions import db


class Status(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    RETIRED = "retired"

    @property
    def label(self):
        return self.value.replace("_", " ").capitalize()


class Navigation(enum.StrEnum):
    FREE = "free"
    LINEAR = "linear"


class FormStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


# The longest break between two parts of a form, in minutes.
MAX_BREAK_MINUTES = 60


def _values(enum_class):
    return ", ".join(f"'{member.value}'" for member in enum_class)


class Domain(db.Model):
    """One area of the competency guidelines."""

    __tablename__ = "domains"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self):
        return f"<Domain {self.code}>"


secondary_domains = Table(
    "item_version_secondary_domains",
    db.metadata,
    Column("item_version_id", ForeignKey("item_versions.id", ondelete="CASCADE"), primary_key=True),
    Column("domain_id", ForeignKey("domains.id"), primary_key=True),
)

# The bank images a version's rich text shows, kept by the service as the content is written.
version_images = Table(
    "item_version_images",
    db.metadata,
    Column("item_version_id", ForeignKey("item_versions.id", ondelete="CASCADE"), primary_key=True),
    Column("image_id", ForeignKey("item_images.id"), primary_key=True, index=True),
)

# What an image in the bank may be: raster formats a browser shows without running anything (never SVG).
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


class ItemImage(db.Model):
    """An image item text shows (`item_bank.rich`), stored in the bank once per
    content and addressed by its SHA-256."""

    __tablename__ = "item_images"
    __table_args__ = (
        CheckConstraint(f"content_type IN ({', '.join(repr(t) for t in IMAGE_TYPES)})", name="known_type"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(16))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    # The description offered when the image is placed in an item; each use keeps its own alt text.
    alt: Mapped[str] = mapped_column(Text, default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Item(db.Model):
    """One question. What a candidate sees lives in its versions."""

    __tablename__ = "items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    identifier: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list["ItemVersion"]] = relationship(
        back_populates="item", order_by="ItemVersion.number", cascade="all, delete-orphan"
    )

    @property
    def latest(self):
        return self.versions[-1]

    @property
    def approved(self):
        """The newest approved version: the one that goes on new forms."""
        for version in reversed(self.versions):
            if version.status == Status.APPROVED:
                return version
        return None

    def __repr__(self):
        return f"<Item {self.identifier}>"


class ItemVersion(db.Model):
    """What a candidate sees of an item, at one point in its history. Only a
    draft that is on no form may change; any other edit makes a new version."""

    __tablename__ = "item_versions"
    __table_args__ = (
        UniqueConstraint("item_id", "number", name="item_number"),
        CheckConstraint(f"status IN ({_values(Status)})", name="known_status"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=Status.DRAFT.value)
    content: Mapped[dict] = mapped_column(JSON)
    primary_domain_id: Mapped[int | None] = mapped_column(ForeignKey("domains.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(String(255), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # Lower-cased text of the content, kept by the service, for search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Proportion correct from the latest item analysis, used to spread
    # difficulty when forms are assembled; empty until statistics exist.
    difficulty: Mapped[float | None] = mapped_column()
    # What an import's file said that the bank did not take as its own: the
    # file's name, and when given its author, its status (the version arrived
    # as a draft) and its identifier (another item in the import held it).
    provenance: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[Item] = relationship(back_populates="versions")
    primary_domain: Mapped[Domain | None] = relationship()
    secondary_domains: Mapped[list[Domain]] = relationship(secondary=secondary_domains, order_by=Domain.position)
    author: Mapped[User | None] = relationship()
    tag_rows: Mapped[list["ItemTag"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ItemTag.tag"
    )
    status_changes: Mapped[list["StatusChange"]] = relationship(
        back_populates="item_version", order_by="StatusChange.id", cascade="all, delete-orphan"
    )
    images: Mapped[list[ItemImage]] = relationship(secondary=version_images)

    @property
    def tags(self):
        return [row.tag for row in self.tag_rows]

    def __repr__(self):
        return f"<ItemVersion {self.item.identifier} v{self.number}>"


class ItemTag(db.Model):
    __tablename__ = "item_tags"

    item_version_id: Mapped[int] = mapped_column(
        ForeignKey("item_versions.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class StatusChange(db.Model):
    """Who moved a version from one status to another, when, and why."""

    __tablename__ = "item_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_version_id: Mapped[int] = mapped_column(ForeignKey("item_versions.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    comment: Mapped[str] = mapped_column(Text, default="")

    item_version: Mapped[ItemVersion] = relationship(back_populates="status_changes")
    by: Mapped[User | None] = relationship()


class EnemyPair(db.Model):
    """Two items that must never share a form; stored once, lower id first."""

    __tablename__ = "enemy_pairs"
    __table_args__ = (CheckConstraint("item_id < enemy_id", name="ordered_pair"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), primary_key=True)
    enemy_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), primary_key=True)


class Blueprint(db.Model):
    """How many items of each kind each section takes from each domain."""

    __tablename__ = "blueprints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")

    sections: Mapped[list["BlueprintSection"]] = relationship(
        back_populates="blueprint", order_by="BlueprintSection.position", cascade="all, delete-orphan"
    )


class SectionRules:
    """Delivery settings shared by a blueprint's section and a form's section."""

    @declared_attr.directive
    def __table_args__(cls):
        return (
            CheckConstraint(f"navigation IN ({_values(Navigation)})", name="known_navigation"),
            CheckConstraint("time_limit_minutes > 0", name="positive_time"),
        )

    title: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str] = mapped_column(Text, default="")
    time_limit_minutes: Mapped[int] = mapped_column(Integer)
    navigation: Mapped[str] = mapped_column(String(16), default=Navigation.FREE.value)
    # None: answer every item; k: the candidate chooses k of the section's items.
    answer_count: Mapped[int | None] = mapped_column(Integer)


class BlueprintSection(SectionRules, db.Model):
    __tablename__ = "blueprint_sections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    blueprint_id: Mapped[int] = mapped_column(ForeignKey("blueprints.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)

    blueprint: Mapped[Blueprint] = relationship(back_populates="sections")
    rows: Mapped[list["BlueprintRow"]] = relationship(
        back_populates="section", cascade="all, delete-orphan", order_by="BlueprintRow.id"
    )

    @property
    def item_count(self):
        return sum(row.item_count for row in self.rows)


class BlueprintRow(db.Model):
    __tablename__ = "blueprint_rows"
    __table_args__ = (
        UniqueConstraint("section_id", "domain_id", "kind", name="section_domain_kind"),
        CheckConstraint("item_count > 0", name="positive_count"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("blueprint_sections.id", ondelete="CASCADE"), index=True)
    domain_id: Mapped[int] = mapped_column(ForeignKey("domains.id"))
    kind: Mapped[str] = mapped_column(String(32))
    item_count: Mapped[int] = mapped_column(Integer)

    section: Mapped[BlueprintSection] = relationship(back_populates="rows")
    domain: Mapped[Domain] = relationship()


class Form(db.Model):
    """A fixed, ordered set of approved item versions in sections. Locked once published."""

    __tablename__ = "forms"
    __table_args__ = (
        CheckConstraint(f"status IN ({_values(FormStatus)})", name="known_status"),
        CheckConstraint(
            "(status = 'published') = (published_at IS NOT NULL)", name="published_when_dated"
        ),
        CheckConstraint("pass_percent > 0 AND pass_percent <= 100", name="pass_percent_range"),
        CheckConstraint(f"break_minutes >= 0 AND break_minutes <= {MAX_BREAK_MINUTES}", name="break_minutes_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    blueprint_id: Mapped[int | None] = mapped_column(ForeignKey("blueprints.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=FormStatus.DRAFT.value)
    shuffle_options: Mapped[bool] = mapped_column(Boolean, default=True)
    pass_percent: Mapped[float] = mapped_column(default=80.0)
    # The break a candidate may take after each part but the last (0: none): the
    # next part's clock starts when they continue or when the break ends.
    break_minutes: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    blueprint: Mapped[Blueprint | None] = relationship()
    published_by: Mapped[User | None] = relationship()
    sections: Mapped[list["FormSection"]] = relationship(
        back_populates="form", order_by="FormSection.position", cascade="all, delete-orphan"
    )

    @property
    def published(self):
        return self.status == FormStatus.PUBLISHED

    @property
    def form_items(self):
        """Every item of the form, in order. Scoring, rules and statistics walk
        them to their versions and kinds, so a stored form's are read in one go
        the first time, not one item at a time."""
        state = inspect(self)
        if state.persistent and not self._items_loaded():
            state.session.scalars(select(Form).where(Form.id == self.id).options(
                selectinload(Form.sections).selectinload(FormSection.form_items)
                .joinedload(FormItem.item_version).joinedload(ItemVersion.item))).all()
        return [form_item for section in self.sections for form_item in section.form_items]

    def _items_loaded(self):
        unloaded = inspect(self).unloaded
        return "sections" not in unloaded and all(
            "form_items" not in inspect(section).unloaded
            and all("item_version" not in inspect(form_item).unloaded for form_item in section.form_items)
            for section in self.sections)


class FormSection(SectionRules, db.Model):
    __tablename__ = "form_sections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    blueprint_section_id: Mapped[int | None] = mapped_column(ForeignKey("blueprint_sections.id"))

    form: Mapped[Form] = relationship(back_populates="sections")
    blueprint_section: Mapped[BlueprintSection | None] = relationship()
    form_items: Mapped[list["FormItem"]] = relationship(
        back_populates="section", order_by="FormItem.position", cascade="all, delete-orphan"
    )


class FormItem(db.Model):
    __tablename__ = "form_items"
    __table_args__ = (UniqueConstraint("section_id", "position", name="section_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("form_sections.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    item_version_id: Mapped[int] = mapped_column(ForeignKey("item_versions.id"), index=True)

    section: Mapped[FormSection] = relationship(back_populates="form_items")
    item_version: Mapped[ItemVersion] = relationship()
