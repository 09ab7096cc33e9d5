"""The demo bank: the standard's domains, items written for the demo, the
two-part blueprint and two published parallel forms. Idempotent."""

import json
from pathlib import Path

from sqlalchemy import select

from accounts.roles import Role
from extensions import db
from item_bank import importing
from item_bank.assembly import assemble_forms, publish_form
from item_bank.blueprints import blueprint_by_name, create_blueprint
from item_bank.domains import load_standard_domains
from item_bank.models import Form

DEMO_DIR = Path(__file__).parent / "data" / "demo"
BANK_FILES = ("selected-response-1.json", "selected-response-2.json", "vignettes.json")
FORM_CODES = ("MENTOR-A", "MENTOR-B")
ASSEMBLY_SEED = 2026


def load_demo_bank(by):
    """Returns a line of text per part loaded, for the command's report."""
    lines = [f"{load_standard_domains(by)} competency domains created"]
    for name in BANK_FILES:
        # The demo's items are approved as they stand: the demo loads them as an admin would restore a bank.
        plan = importing.plan_import(importing.read_path(DEMO_DIR / name), {Role.ADMIN}, keep_statuses=True)
        if not plan.ok:
            raise RuntimeError("the demo bank is broken: " + "; ".join(map(str, plan.problems)))
        importing.apply_import(plan, by, f"demo/{name}")
        lines.append(f"{name}: {len(plan.created)} items created, {len(plan.unchanged)} already present")
    spec = json.loads((DEMO_DIR / "blueprint.json").read_text())
    blueprint = blueprint_by_name(spec["name"]) or create_blueprint(spec, by)
    if _has_forms(blueprint):
        lines.append(f"forms of {blueprint.name!r} already present")
    else:
        for form in assemble_forms(blueprint, FORM_CODES, by, seed=ASSEMBLY_SEED):
            publish_form(form, by)
        lines.append(f"forms {', '.join(FORM_CODES)} assembled and published")
    return lines


def _has_forms(blueprint):
    return db.session.scalar(select(Form.id).where(Form.blueprint_id == blueprint.id).limit(1)) is not None
