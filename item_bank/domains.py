"""Competency domains: the standard's areas, as data that staff can extend."""

import json
from pathlib import Path

from sqlalchemy import func, select

from accounts.roles import COORDINATORS
from audit import log
from extensions import db
from item_bank.models import Domain

STANDARD_DOMAINS = Path(__file__).parent / "data" / "domains.json"
# Who adds and renames domains, on the Domains screen or by importing a file that brings new ones.
EDITORS = COORDINATORS


def may_edit(roles):
    return any(role in EDITORS for role in roles)


class DomainError(ValueError):
    def __init__(self, field, message):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def all_domains():
    return db.session.scalars(select(Domain).order_by(Domain.position, Domain.code)).all()


def domain_by_code(code):
    return db.session.scalar(select(Domain).where(Domain.code == code.strip().upper()))


def code_problem(code):
    """What is wrong with a domain code, or None."""
    if not code or not code.replace("-", "").replace("_", "").isalnum() or len(code) > 16:
        return "use 1 to 16 letters, digits, - or _"
    return None


def _check(code, name, domain_id=None):
    if code_problem(code):
        raise DomainError("code", code_problem(code))
    if not name.strip():
        raise DomainError("name", "is required")
    for column, value in (("code", code), ("name", name.strip())):
        query = select(Domain.id).where(getattr(Domain, column) == value)
        if domain_id is not None:
            query = query.where(Domain.id != domain_id)
        if db.session.scalar(query) is not None:
            raise DomainError(column, f"another domain already has the {column} {value!r}")


def create_domain(code, name, description, by):
    code = code.strip().upper()
    _check(code, name)
    position = (db.session.scalar(select(func.max(Domain.position))) or 0) + 1
    domain = Domain(code=code, name=name.strip(), description=description.strip(), position=position)
    db.session.add(domain)
    db.session.flush()
    log.record("domain.created", by, domain, after={"code": code, "name": domain.name})
    return domain


def update_domain(domain, code, name, description, by):
    code = code.strip().upper()
    _check(code, name, domain.id)
    before = {"code": domain.code, "name": domain.name, "description": domain.description}
    domain.code, domain.name, domain.description = code, name.strip(), description.strip()
    after = {"code": domain.code, "name": domain.name, "description": domain.description}
    changed = [key for key in before if before[key] != after[key]]
    if changed:
        db.session.flush()
        log.record(
            "domain.updated", by, domain,
            before={key: before[key] for key in changed}, after={key: after[key] for key in changed},
        )
    return domain


def load_standard_domains(by, path=STANDARD_DOMAINS):
    """Create the standard's domains that are missing; returns how many were created."""
    created = 0
    for entry in json.loads(Path(path).read_text())["domains"]:
        if domain_by_code(entry["code"]) is None:
            create_domain(entry["code"], entry["name"], entry["description"], by)
            created += 1
    return created
