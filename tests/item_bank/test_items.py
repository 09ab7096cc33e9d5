"""Writing items: versions, status transitions and their history, enemies."""

import pytest

from audit.models import AuditEntry
from item_bank import items as item_service
from item_bank.items import ItemError
from item_bank.kinds import KINDS
from item_bank.models import Status
from tests.item_bank_fixtures import cr_content, sr_content


def test_a_new_item_is_a_draft_version_one_with_its_tags(make_item, domains):
    item = make_item(status=Status.DRAFT, domain="TF", secondary_domains=[domains["REF"]], tags=["Attachment ", "grief"])

    version = item.latest
    assert (version.number, version.status) == (1, "draft")
    assert version.primary_domain.code == "TF"
    assert [d.code for d in version.secondary_domains] == ["REF"]
    assert version.tags == ["attachment", "grief"]
    assert item.identifier.startswith("SR-")


@pytest.mark.parametrize(
    "change, field",
    [
        ({"options": [{"id": "A", "text": "only"}, {"id": "B", "text": "two"}]}, "options"),
        ({"key": ["E"]}, "key"),
        ({"key": []}, "key"),
        ({"stem": " "}, "stem"),
    ],
)
def test_invalid_selected_response_content_is_refused_naming_the_field(writer, domains, change, field):
    with pytest.raises(ItemError) as error:
        item_service.create_item("selected_response", sr_content() | change, writer, primary_domain=domains["TF"])

    assert error.value.field == field


def test_a_rubric_needs_criteria_with_distinct_levels(writer, domains):
    content = cr_content()
    content["rubric"]["criteria"][0]["levels"] = [{"points": 1, "descriptor": "a"}, {"points": 1, "descriptor": "b"}]

    with pytest.raises(ItemError, match="two levels give the same points"):
        item_service.create_item("constructed_response", content, writer, primary_domain=domains["REF"])


def test_editing_an_unused_draft_changes_it_in_place(make_item, writer, domains):
    item = make_item(status=Status.DRAFT)

    version = item_service.edit_item(item, sr_content(stem="A clearer stem?"), writer, primary_domain=domains["TF"])

    assert version.number == 1 and len(item.versions) == 1
    assert version.content["stem"] == "A clearer stem?"


def test_editing_an_approved_item_makes_a_new_draft_version_and_keeps_the_old(make_item, writer, domains):
    item = make_item(status=Status.APPROVED)

    version = item_service.edit_item(item, sr_content(stem="Revised stem?"), writer, primary_domain=domains["DSS"])

    assert [(v.number, v.status) for v in item.versions] == [(1, "approved"), (2, "draft")]
    assert item.versions[0].content["stem"] != "Revised stem?"
    assert ("stem", item.versions[0].content["stem"], "Revised stem?") in item_service.differences(item.versions[0], version)
    assert ("primary domain", "TF", "DSS") in item_service.differences(item.versions[0], version)


def test_review_path_records_who_moved_it_and_why(make_item, writer, reviewer, db):
    item = make_item(status=Status.DRAFT)
    version = item.latest

    item_service.move(version, Status.IN_REVIEW, writer)
    item_service.move(version, Status.DRAFT, reviewer, "Distractor C is also defensible.")
    item_service.move(version, Status.IN_REVIEW, writer)
    item_service.move(version, Status.APPROVED, reviewer, "Good.")

    history = [(c.from_status, c.to_status, c.by_id, c.comment) for c in version.status_changes]
    assert history == [
        (None, "draft", writer.user_id, ""),
        ("draft", "in_review", writer.user_id, ""),
        ("in_review", "draft", reviewer.user_id, "Distractor C is also defensible."),
        ("draft", "in_review", writer.user_id, ""),
        ("in_review", "approved", reviewer.user_id, "Good."),
    ]
    audited = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "item.status_changed")).all()
    assert [e.details["after"] for e in audited][-4:] == ["in_review", "draft", "in_review", "approved"]


def test_an_author_cannot_approve_their_own_item(make_item, writer):
    item = make_item(status=Status.IN_REVIEW)

    with pytest.raises(ItemError, match="needs a reviewer other than its author"):
        item_service.move(item.latest, Status.APPROVED, writer)


def test_sending_back_needs_a_comment(make_item, reviewer):
    item = make_item(status=Status.IN_REVIEW)

    with pytest.raises(ItemError, match="say what the writer should change"):
        item_service.move(item.latest, Status.DRAFT, reviewer, "  ")


@pytest.mark.parametrize("start, target", [(Status.DRAFT, Status.APPROVED), (Status.APPROVED, Status.DRAFT),
                                           (Status.RETIRED, Status.IN_REVIEW)])
def test_transitions_out_of_order_are_refused(make_item, reviewer, start, target):
    item = make_item(status=start)

    with pytest.raises(ItemError, match="cannot become"):
        item_service.move(item.latest, target, reviewer, "because")


def test_approving_a_new_version_retires_the_previous_approved_one(make_item, writer, reviewer, domains):
    item = make_item(status=Status.APPROVED)
    second = item_service.edit_item(item, sr_content(stem="Second?"), writer, primary_domain=domains["TF"])
    item_service.move(second, Status.IN_REVIEW, writer)

    item_service.move(second, Status.APPROVED, reviewer)

    assert [v.status for v in item.versions] == ["retired", "approved"]
    assert item.approved is second
    assert item.versions[0].status_changes[-1].comment == "superseded by version 2"


def test_an_untagged_item_cannot_go_to_review(writer, domains):
    item = item_service.create_item("selected_response", sr_content(), writer, primary_domain=None)

    with pytest.raises(ItemError, match="tag the item to a competency domain first"):
        item_service.move(item.latest, Status.IN_REVIEW, writer)


def test_enemies_are_recorded_once_either_way_round(make_item, writer):
    first, second, third = make_item(), make_item(), make_item()

    item_service.mark_enemies(first, second, writer)
    item_service.mark_enemies(second, first, writer)
    item_service.mark_enemies(third, first, writer)

    assert [i.identifier for i in item_service.enemies_of(first)] == sorted([second.identifier, third.identifier])
    assert item_service.enemy_pairs() == {frozenset((first.id, second.id)), frozenset((first.id, third.id))}
    item_service.unmark_enemies(second, first, writer)
    assert item_service.enemies_of(second) == []


def test_an_item_is_not_its_own_enemy(make_item, writer):
    item = make_item()

    with pytest.raises(ItemError, match="cannot be its own enemy"):
        item_service.mark_enemies(item, item, writer)


def test_candidate_view_never_holds_the_key_rationale_or_rubric():
    selected = KINDS["selected_response"].candidate_view(KINDS["selected_response"].normalise(sr_content()))
    constructed = KINDS["constructed_response"].candidate_view(cr_content())

    assert set(selected) == {"stem", "options"} and all(set(o) == {"id", "text"} for o in selected["options"])
    assert set(constructed) == {"scenario", "prompts", "expected_length", "max_characters"}


@pytest.mark.parametrize("name, content, layout", [
    ("selected_response", sr_content(), ["C", "A", "D", "B"]),
    ("selected_response", sr_content() | {"format": "xhtml"}, None),
    ("constructed_response", cr_content(), None),
])
def test_a_view_as_authored_is_laid_out_for_a_candidate_as_their_content_would_be(name, content, layout):
    kind = KINDS[name]
    content = kind.normalise(content)

    assert kind.arrange(kind.candidate_view(content), layout) == kind.candidate_view(content, layout)
    if layout:
        assert [option["id"] for option in kind.arrange(kind.candidate_view(content), layout)["options"]] == layout


def test_an_item_is_written_with_exactly_one_key(writer, domains):
    with pytest.raises(ItemError, match="must name exactly one correct option"):
        item_service.create_item("selected_response", sr_content() | {"key": ["A", "B"]}, writer,
                                 primary_domain=domains["TF"])
