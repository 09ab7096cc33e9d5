"""Assembling forms from a blueprint, checking them, swapping by hand, publishing."""

import pytest

from audit.log import Actor
from audit.models import AuditEntry
from item_bank import items as item_service
from item_bank.assembly import (
    AssemblyError,
    assemble_forms,
    check_form,
    publish_form,
    replacements_for,
    set_break,
    swap_item,
)
from item_bank.models import Status

BY = Actor(None, "tests")


def two_part_blueprint(make_blueprint, tf=3, ref=2, vignettes=2, answer=1):
    return make_blueprint([
        {"title": "Part One", "time_limit_minutes": 90, "rows": [
            {"domain": "TF", "kind": "selected_response", "count": tf},
            {"domain": "REF", "kind": "selected_response", "count": ref},
        ]},
        {"title": "Part Two", "time_limit_minutes": 90, "answer_count": answer, "rows": [
            {"domain": "DSS", "kind": "constructed_response", "count": vignettes},
        ]},
    ])


@pytest.fixture
def bank(make_item):
    """6 TF and 4 REF approved selected-response items, 3 DSS vignettes, and items that must never be picked."""
    made = {
        "TF": [make_item(domain="TF") for _ in range(6)],
        "REF": [make_item(domain="REF") for _ in range(4)],
        "CR": [make_item(kind="constructed_response", domain="DSS") for _ in range(3)],
    }
    make_item(domain="TF", status=Status.DRAFT)
    make_item(domain="TF", status=Status.RETIRED)
    make_item(domain="TF", status=Status.IN_REVIEW)
    return made


def test_a_form_meets_its_blueprint_row_by_row(bank, make_blueprint, db):
    blueprint = two_part_blueprint(make_blueprint)

    (form,) = assemble_forms(blueprint, ["F-1"], BY, seed=1)

    check = check_form(form)
    assert check.publishable, check.problems
    assert [(r.section, r.domain, r.kind, r.required, r.actual) for r in check.rows] == [
        ("Part One", "TF", "selected_response", 3, 3),
        ("Part One", "REF", "selected_response", 2, 2),
        ("Part Two", "DSS", "constructed_response", 2, 2),
    ]
    assert all(fi.item_version.status == "approved" for fi in form.form_items)
    assert [s.answer_count for s in form.sections] == [None, 1]


def test_enemies_never_share_a_form(bank, make_blueprint, writer):
    tf = bank["TF"]
    for other in tf[1:]:
        item_service.mark_enemies(tf[0], other, writer)
    blueprint = two_part_blueprint(make_blueprint, tf=5)

    for seed in range(10):
        (form,) = assemble_forms(blueprint, [f"F-{seed}"], BY, seed=seed)
        on_form = {fi.item_version.item_id for fi in form.form_items}
        assert not (tf[0].id in on_form and len(on_form & {i.id for i in tf[1:]}) > 0)


def test_too_few_qualifying_items_is_refused_naming_the_row(bank, make_blueprint):
    blueprint = two_part_blueprint(make_blueprint, tf=7)

    with pytest.raises(AssemblyError, match="Part One: TF selected_response needs 7 items, only 6 approved items qualify"):
        assemble_forms(blueprint, ["F-1"], BY, seed=1)


def test_parallel_forms_use_unused_items_first(bank, make_blueprint):
    blueprint = two_part_blueprint(make_blueprint, tf=3, ref=2)

    first, second = assemble_forms(blueprint, ["F-A", "F-B"], BY, seed=3)

    tf_ids = lambda form: {fi.item_version.item_id for fi in form.form_items if fi.item_version.primary_domain.code == "TF"}
    assert tf_ids(first).isdisjoint(tf_ids(second))


def test_items_over_the_exposure_limit_are_avoided(bank, make_blueprint):
    blueprint = two_part_blueprint(make_blueprint, tf=3, ref=2, vignettes=1)
    (first,) = assemble_forms(blueprint, ["F-A"], BY, seed=5)
    publish_form(first, BY)

    (second,) = assemble_forms(blueprint, ["F-B"], BY, seed=5, exposure_limit=1)

    exposed = {fi.item_version.item_id for fi in first.form_items}
    tf_second = {fi.item_version.item_id for fi in second.form_items if fi.item_version.primary_domain.code == "TF"}
    assert tf_second.isdisjoint(exposed)


def test_difficulty_is_spread_when_statistics_exist(make_item, make_blueprint, db):
    items = [make_item(domain="TF") for _ in range(9)]
    for index, item in enumerate(items):
        item.latest.difficulty = round(0.1 * (index + 1), 1)
    db.session.commit()
    blueprint = make_blueprint([{"title": "Only", "time_limit_minutes": 30, "rows": [
        {"domain": "TF", "kind": "selected_response", "count": 3}]}])

    (form,) = assemble_forms(blueprint, ["F-1"], BY, seed=9)

    assert sorted(fi.item_version.difficulty for fi in form.form_items) == [0.2, 0.5, 0.8]


def test_a_hand_swap_is_checked_and_audited(bank, make_blueprint, make_item, db):
    blueprint = two_part_blueprint(make_blueprint)
    (form,) = assemble_forms(blueprint, ["F-1"], BY, seed=1)
    tf_place = next(fi for fi in form.form_items if fi.item_version.primary_domain.code == "TF")
    candidates = replacements_for(tf_place)
    assert candidates and all(c.primary_domain.code == "TF" for c in candidates)

    swap_item(tf_place, candidates[0], BY)

    assert tf_place.item_version is candidates[0]
    assert check_form(form).publishable


def test_a_swap_that_breaks_the_blueprint_blocks_publishing(bank, make_blueprint):
    blueprint = two_part_blueprint(make_blueprint)
    (form,) = assemble_forms(blueprint, ["F-1"], BY, seed=1)
    tf_place = next(fi for fi in form.form_items if fi.item_version.primary_domain.code == "TF")
    ref_spare = next(i for i in bank["REF"] if i.id not in {fi.item_version.item_id for fi in form.form_items})

    swap_item(tf_place, ref_spare.latest, BY)

    with pytest.raises(AssemblyError, match="TF selected_response has 2 items, the blueprint asks for 3"):
        publish_form(form, BY)
    assert form.status == "draft"


def test_a_published_form_is_locked(bank, make_blueprint):
    blueprint = two_part_blueprint(make_blueprint)
    (form,) = assemble_forms(blueprint, ["F-1"], BY, seed=1)
    publish_form(form, BY)

    with pytest.raises(AssemblyError, match="published and locked"):
        swap_item(form.form_items[0], bank["TF"][0].latest, BY)
    assert form.published_at is not None


@pytest.mark.parametrize("minutes", [-1, 61, 2.5, "15", True, None])
def test_a_break_is_a_whole_number_of_minutes_from_0_to_60(bank, make_blueprint, minutes):
    (form,) = assemble_forms(two_part_blueprint(make_blueprint), ["F-1"], BY, seed=1)

    with pytest.raises(AssemblyError, match="whole number of minutes from 0 to 60"):
        set_break(form, minutes, BY)
    assert form.break_minutes == 0


def test_setting_a_break_is_audited_and_a_published_form_keeps_its_own(bank, make_blueprint, db):
    (form,) = assemble_forms(two_part_blueprint(make_blueprint), ["F-1"], BY, seed=1)

    set_break(form, 15, BY)
    set_break(form, 15, BY)  # no change, nothing to audit
    set_break(form, 60, BY)
    publish_form(form, BY)

    with pytest.raises(AssemblyError, match="published and locked"):
        set_break(form, 0, BY)
    assert form.break_minutes == 60
    changes = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "form.break_changed")
                                 .order_by(AuditEntry.id)).all()
    assert [(entry.details["before"], entry.details["after"]) for entry in changes] == [(0, 15), (15, 60)]


def test_versions_on_a_form_are_never_edited_in_place(bank, make_blueprint, writer, domains):
    blueprint = two_part_blueprint(make_blueprint)
    (form,) = assemble_forms(blueprint, ["F-1"], BY, seed=1)
    on_form = form.form_items[0].item_version

    assert not item_service.editable_in_place(on_form)
