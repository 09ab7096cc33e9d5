"""Item bank factories: domains, items in any status, blueprints."""

import secrets

import pytest

from accounts.roles import Role
from accounts.users import create_user as create_user_service
from audit.log import Actor
from extensions import db
from item_bank import items as item_service
from item_bank.blueprints import create_blueprint
from item_bank.domains import all_domains, load_standard_domains
from item_bank.models import Status
from tests.conftest import PASSWORD, TEST_ACTOR


def sr_content(stem="Which response best supports the parent-infant relationship?", key="B", options=4):
    return {
        "stem": stem,
        "options": [{"id": letter, "text": f"Option {letter} for: {stem}"} for letter in "ABCDE"[:options]],
        "key": [key],
        "rationale": "Because it follows the infant's cues.",
        "references": ["Zeanah (ed.), Handbook of Infant Mental Health"],
    }


def cr_content(scenario="A home visitor describes a tense visit.", prompts=("What do you notice?",)):
    return {
        "scenario": scenario,
        "prompts": list(prompts),
        "expected_length": {"min_words": 200, "max_words": 600},
        "rubric": {"criteria": [
            {"id": "C1", "name": "Infant's perspective",
             "levels": [{"points": p, "descriptor": f"level {p}"} for p in range(4)]},
            {"id": "C2", "name": "Reflection",
             "levels": [{"points": p, "descriptor": f"level {p}"} for p in range(4)]},
        ]},
    }


def standard_domains():
    load_standard_domains(Actor(None, "tests"))
    db.session.commit()
    return {domain.code: domain for domain in all_domains()}


def new_item(domains, writer, reviewer, kind="selected_response", domain="TF", status=Status.APPROVED, content=None,
             identifier=None, **fields):
    """An item of `kind` in `status`, written by `writer` and moved there by `reviewer`."""
    content = content or (sr_content() if kind == "selected_response" else cr_content())
    item = item_service.create_item(kind, content, writer, primary_domain=domains[domain], identifier=identifier,
                                    **fields)
    version = item.latest
    path = {
        Status.DRAFT: [],
        Status.IN_REVIEW: [Status.IN_REVIEW],
        Status.APPROVED: [Status.IN_REVIEW, Status.APPROVED],
        Status.RETIRED: [Status.IN_REVIEW, Status.APPROVED, Status.RETIRED],
    }[Status(status)]
    for step in path:
        item_service.move(version, step, reviewer)
    db.session.commit()
    return item


def new_writer_and_reviewer():
    """Two item writers as actors, one to write items and one to move them through review."""
    return tuple(Actor(create_user_service(f"{name}-{secrets.token_hex(4)}@example.org", name, {Role.ITEM_WRITER},
                                           PASSWORD, TEST_ACTOR).id, "tests") for name in ("writer", "reviewer"))


def new_blueprint(sections, name="Test blueprint"):
    blueprint = create_blueprint({"name": name, "sections": sections}, Actor(None, "tests"))
    db.session.commit()
    return blueprint


@pytest.fixture
def domains(db):
    return standard_domains()


@pytest.fixture
def writer(create_user):
    user = create_user("item_writer")
    return Actor(user.id, "tests")


@pytest.fixture
def reviewer(create_user):
    user = create_user("item_writer")
    return Actor(user.id, "tests")


@pytest.fixture
def make_item(db, domains, writer, reviewer):
    """make_item(kind="selected_response", domain="TF", status="approved", **content overrides)."""

    def make(*args, **kwargs):
        return new_item(domains, writer, reviewer, *args, **kwargs)

    return make


@pytest.fixture
def make_blueprint(db, domains):
    return new_blueprint
