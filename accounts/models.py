import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.roles import Role
from clock import UTCDateTime, utcnow
from extensions import db

ROLE_VALUES = ", ".join(f"'{role.value}'" for role in Role)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lowercase"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the person proved they read this address (`accounts.self_service`);
    # None for a registration not confirmed yet, which cannot sign in.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    role_rows: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # Set by the sign-in service: Flask-Login stores this, not the user id, in
    # the session cookie, so that ending a login session revokes the cookie.
    login_token = None

    @property
    def roles(self):
        return {Role(row.role) for row in self.role_rows}

    def has_role(self, *roles):
        return bool(self.roles.intersection(roles))

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        return self.login_token

    def __repr__(self):
        return f"<User {self.email}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (CheckConstraint(f"role IN ({ROLE_VALUES})", name="known_role"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class LoginSession(db.Model):
    """One signed-in browser. The cookie carries a token whose hash is stored here."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    origin: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str] = mapped_column(String(255), default="")

    user: Mapped[User] = relationship()


class LinkPurpose(enum.StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"
    CHANGE_EMAIL = "change_email"


PURPOSE_VALUES = ", ".join(f"'{purpose.value}'" for purpose in LinkPurpose)


class AccountLink(db.Model):
    """A single-use link mailed to a person (`accounts.links`): only its
    token's SHA-256 is stored. An email change keeps the address it moves to,
    which is where the link was sent."""

    __tablename__ = "account_links"
    __table_args__ = (
        CheckConstraint(f"purpose IN ({PURPOSE_VALUES})", name="known_purpose"),
        CheckConstraint("(purpose = 'change_email') = (new_email IS NOT NULL)", name="new_email_for_change_only"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    new_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # or voided by a later use

    user: Mapped[User] = relationship()


class FormSubmission(db.Model):
    """A form sent once (`accounts.submissions`): its one-time token, claimed by
    the first sending, and that sending's answer, which a repeat is given."""

    __tablename__ = "form_submissions"
    __table_args__ = (UniqueConstraint("user_id", "token", name="uq_form_submissions_user_token"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    location: Mapped[str] = mapped_column(String(2000), default="")  # where the first sending sent the person
    messages: Mapped[list] = mapped_column(JSON, default=list)  # [category, message] it showed
