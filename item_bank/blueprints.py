"""Blueprints: sections, and how many items of each kind each takes from each domain."""

from sqlalchemy import select

from audit import log
from extensions import db
from item_bank.domains import domain_by_code
from item_bank.kinds import KINDS
from item_bank.models import Blueprint, BlueprintRow, BlueprintSection, Navigation


class BlueprintError(ValueError):
    pass


def blueprint_by_name(name):
    return db.session.scalar(select(Blueprint).where(Blueprint.name == name))


def all_blueprints():
    return db.session.scalars(select(Blueprint).order_by(Blueprint.name)).all()


def create_blueprint(spec, by):
    """A blueprint from a plain spec:
    {"name", "description", "sections": [{"title", "instructions", "time_limit_minutes",
     "navigation": "free"|"linear", "answer_count": k or null,
     "rows": [{"domain": CODE, "kind": KIND, "count": n}]}]}"""
    if blueprint_by_name(spec["name"]) is not None:
        raise BlueprintError(f"a blueprint named {spec['name']!r} already exists")
    blueprint = Blueprint(name=spec["name"], description=spec.get("description", ""))
    for position, section_spec in enumerate(spec["sections"], start=1):
        if section_spec.get("navigation", "free") not in {n.value for n in Navigation}:
            raise BlueprintError(f"{section_spec['title']}: navigation must be free or linear")
        section = BlueprintSection(
            position=position,
            title=section_spec["title"],
            instructions=section_spec.get("instructions", ""),
            time_limit_minutes=section_spec["time_limit_minutes"],
            navigation=Navigation(section_spec.get("navigation", "free")).value,
            answer_count=section_spec.get("answer_count"),
        )
        for row_spec in section_spec["rows"]:
            domain = domain_by_code(row_spec["domain"])
            if domain is None:
                raise BlueprintError(f"{section.title}: no competency domain has the code {row_spec['domain']!r}")
            if row_spec["kind"] not in KINDS:
                raise BlueprintError(f"{section.title}: {row_spec['kind']!r} is not an item kind")
            section.rows.append(BlueprintRow(domain=domain, kind=row_spec["kind"], item_count=row_spec["count"]))
        if section.answer_count is not None and section.answer_count > section.item_count:
            raise BlueprintError(f"{section.title}: answers {section.answer_count} of only {section.item_count} items")
        blueprint.sections.append(section)
    db.session.add(blueprint)
    db.session.flush()
    log.record("blueprint.created", by, blueprint, name=blueprint.name)
    return blueprint
