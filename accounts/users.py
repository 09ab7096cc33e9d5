"""Creating, changing and deactivating users, each change audited."""

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, or_, select

from accounts.models import User, UserRole
from accounts.passwords import MIN_LENGTH, NO_PASSWORD, hash_password
from accounts.roles import Role, ordered
from accounts.signin import end_all_login_sessions, normalise_email
from audit import log
from clock import utcnow
from extensions import db


class UserError(ValueError):
    """A change that cannot be made; `field` names the input at fault."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


def check_password(password, field="password"):
    if len(password) < MIN_LENGTH:
        raise UserError(field, f"Password must be at least {MIN_LENGTH} characters.")


def check_email_form(email, field="email"):
    """Refuse an address that is not one; says nothing of who holds it."""
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise UserError(field, f"{email} is not a valid email address: {error}") from None


def _check_email(email, user_id=None):
    check_email_form(email)
    query = select(User.id).where(User.email == email)
    if user_id is not None:
        query = query.where(User.id != user_id)
    if db.session.scalar(query) is not None:
        raise UserError("email", f"A user with email {email} already exists.")


def _role_names(roles):
    return [role.value for role in ordered(roles)]


def create_user(email, name, roles, password, by):
    """An account an admin (or the demo) creates: its email counts as
    confirmed, as the admin vouches for it. With `password` None it has no
    password to sign in with until one is reset or set (the demo's simulated
    candidates, whom nobody signs in as: no hash to pay for)."""
    email = normalise_email(email)
    _check_email(email)
    if password is not None:
        check_password(password)
    user = User(email=email, name=name.strip(), active=True, email_verified_at=utcnow(),
                password_hash=NO_PASSWORD if password is None else hash_password(password))
    user.role_rows = [UserRole(role=role.value) for role in set(roles)]
    db.session.add(user)
    db.session.flush()
    log.record("user.created", by, user, after={"email": email, "name": user.name, "roles": _role_names(roles)})
    return user


def update_user(user, by, *, email, name, roles, active, password=None):
    """Apply an admin's edit. Refuses to let an admin lock themselves out."""
    email = normalise_email(email)
    roles = set(roles)
    if user.id == by.user_id and Role.ADMIN not in roles:
        raise UserError("roles", "You cannot remove your own admin role.")
    if user.id == by.user_id and not active:
        raise UserError("active", "You cannot deactivate your own account.")
    _check_email(email, user.id)
    if password:
        check_password(password)

    before = {"email": user.email, "name": user.name, "active": user.active}
    after = {"email": email, "name": name.strip(), "active": active}
    changed = {key for key in before if before[key] != after[key]}
    if changed:
        user.email, user.name, user.active = email, after["name"], active
        log.record(
            "user.updated", by, user,
            before={key: before[key] for key in changed}, after={key: after[key] for key in changed},
        )
    if roles != user.roles:
        log.record("user.roles_changed", by, user, before=_role_names(user.roles), after=_role_names(roles))
        user.role_rows = [row for row in user.role_rows if Role(row.role) in roles] + [
            UserRole(role=role.value) for role in roles - user.roles
        ]
    if password:
        user.password_hash = hash_password(password)
        log.record("user.password_set", by, user)
    if not active or password:
        end_all_login_sessions(user)
    return user


def find_users(text="", role=None, active=None):
    """A query of users matching a search text (email or name), a role and a status."""
    query = select(User).order_by(User.email)
    if text:
        text = text.strip().lower()
        query = query.where(
            or_(User.email.contains(text, autoescape=True), func.lower(User.name).contains(text, autoescape=True))
        )
    if role is not None:
        query = query.where(User.role_rows.any(UserRole.role == role.value))
    if active is not None:
        query = query.where(User.active.is_(active))
    return query


def user_by_email(email):
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def role_counts():
    """Active users per role, in precedence order, and the total of active users."""
    rows = dict(
        db.session.execute(
            select(UserRole.role, func.count()).join(User).where(User.active.is_(True)).group_by(UserRole.role)
        ).all()
    )
    total = db.session.scalar(select(func.count()).select_from(User).where(User.active.is_(True)))
    return [(role, rows.get(role.value, 0)) for role in Role], total


def emails_by_id(user_ids):
    """{user id: email} of the given users, for showing who acted in audit entries."""
    query = select(User.id, User.email).where(User.id.in_(set(user_ids)))
    return dict(db.session.execute(query).all())
