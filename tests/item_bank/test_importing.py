"""Importing native JSON and IMS QTI: all or nothing, problems named by file, line or item, and field;
exporting and importing again (JSON, QTI 2.1, QTI 3.0) gives the same bank."""

import io
import json
import zipfile

import pytest

from accounts.roles import Role
from audit.log import Actor
from item_bank import exporting, importing
from item_bank.models import Item, ItemVersion
from tests.item_bank_fixtures import cr_content, sr_content

BY = Actor(None, "tests")
WRITER = {Role.ITEM_WRITER}
ADMIN = {Role.ADMIN}


def native(*items, domains=()):
    return {"format": "attest-item-bank", "version": 1, "domains": list(domains), "items": list(items)}


def sr_item(identifier, status="approved", domain="TF", **content):
    return {"identifier": identifier, "kind": "selected_response",
            "versions": [{"number": 1, "status": status, "primary_domain": domain, "content": sr_content() | content}]}


def write_json(tmp_path, document, name="bank.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document, indent=2))
    return path


def run(path, default_domain=None, apply=True, roles=WRITER, keep_statuses=False, by=BY):
    plan = importing.plan_import(importing.read_path(path), roles, default_domain, keep_statuses)
    if apply and plan.ok:
        importing.apply_import(plan, by, str(path))
    return plan


def count_items(db):
    return db.session.scalar(db.select(db.func.count()).select_from(Item))


def test_a_native_file_is_imported_with_versions_domains_tags_and_enemies(tmp_path, domains, db):
    first = sr_item("Q-1") | {"enemies": ["Q-2"]}
    first["versions"][0] |= {"secondary_domains": ["ref"], "tags": ["Grief", "loss"]}
    path = write_json(tmp_path, native(first, sr_item("Q-2", status="draft")))

    plan = run(path)

    assert plan.ok and plan.created == ["Q-1", "Q-2"]
    item = db.session.scalar(db.select(Item).where(Item.identifier == "Q-1"))
    version = item.latest
    assert (version.status, version.primary_domain.code, [d.code for d in version.secondary_domains]) == (
        "draft", "TF", ["REF"])
    assert version.tags == ["grief", "loss"]
    assert plan.new_enemies == [("Q-1", "Q-2")]


def test_a_dry_run_reports_and_writes_nothing(tmp_path, domains, db):
    path = write_json(tmp_path, native(sr_item("Q-1")))

    plan = run(path, apply=False)

    assert plan.created == ["Q-1"]
    assert count_items(db) == 0


def test_importing_the_same_file_twice_changes_nothing(tmp_path, domains, db):
    path = write_json(tmp_path, native(sr_item("Q-1"), sr_item("Q-2")))
    run(path)

    plan = run(path)

    assert plan.unchanged == ["Q-1", "Q-2"] and not plan.changes_anything


def test_malformed_json_names_line_and_column(tmp_path, domains):
    path = tmp_path / "bad.json"
    path.write_text('{"format": "attest-item-bank",\n "version": 1,\n "items": [\n  {"identifier": "Q-1",,}\n ]}')

    plan = run(path)

    assert [str(p) for p in plan.problems] == [f"{path}, line 4, column 24: not valid JSON: Expecting property name enclosed in double quotes"]


def test_one_bad_item_leaves_the_bank_untouched_and_is_named(tmp_path, domains, db):
    bad = sr_item("Q-BAD", key=["Z"])
    path = write_json(tmp_path, native(sr_item("Q-1"), bad, sr_item("Q-3")))

    plan = run(path)

    line = path.read_text().splitlines().index('      "identifier": "Q-BAD",') + 1
    assert [str(p) for p in plan.problems] == [f"{path}, line {line}, item Q-BAD: versions[0].content.key: names no option: Z"]
    assert count_items(db) == 0


@pytest.mark.parametrize(
    "items, message",
    [
        ([sr_item("Q-1", domain="NOPE")], "versions[0].domains: unknown domain code NOPE"),
        ([sr_item("Q-1") | {"kind": "essay"}], "kind: 'essay' is not one of"),
        ([sr_item("Q-1") | {"enemies": ["Q-404"]}], "enemies: names Q-404, which is in neither the import nor the bank"),
        ([{"kind": "selected_response", "versions": []}], "identifier: is required"),
    ],
)
def test_problems_name_the_item_and_field(tmp_path, domains, db, items, message):
    plan = run(write_json(tmp_path, native(*items)))

    assert any(message in str(problem) for problem in plan.problems), [str(p) for p in plan.problems]
    assert count_items(db) == 0


def test_an_approved_version_cannot_be_rewritten_but_a_new_version_can_be_added(tmp_path, domains, db):
    run(write_json(tmp_path, native(sr_item("Q-1"))), roles=ADMIN, keep_statuses=True)
    changed = sr_item("Q-1", stem="Rewritten?")

    refused = run(write_json(tmp_path, native(changed), "changed.json"))
    changed["versions"][0]["number"] = 2
    accepted = run(write_json(tmp_path, native(changed), "v2.json"))

    assert "version 1 is approved in the bank and cannot change" in str(refused.problems[0])
    assert accepted.updated == [("Q-1", [2])]
    assert [v.number for v in db.session.scalar(db.select(Item)).versions] == [1, 2]


def test_new_domains_in_the_file_are_created(tmp_path, domains, db):
    document = native(sr_item("Q-1", domain="XTRA"), domains=[{"code": "XTRA", "name": "Extra", "description": "d"}])

    plan = run(write_json(tmp_path, document), roles={Role.COORDINATOR, Role.ITEM_WRITER})

    assert plan.ok and plan.new_domains[0]["code"] == "XTRA"
    assert db.session.scalar(db.select(Item)).latest.primary_domain.name == "Extra"


def test_a_new_domain_with_a_code_the_bank_cannot_hold_is_named_and_nothing_is_written(tmp_path, domains, db):
    document = native(sr_item("Q-1", domain="BAD CODE"), domains=[{"code": "BAD CODE", "name": "Bad"}])

    plan = run(write_json(tmp_path, document), roles={Role.ADMIN})

    assert [str(problem).split(", ", 1)[1] for problem in plan.problems] == [
        "domains[0]: code: use 1 to 16 letters, digits, - or _",
        "line 12, item Q-1: versions[0].domains: unknown domain code BAD CODE"]
    assert count_items(db) == 0


# Imports go through review (issue 20): what the file says of status and author is provenance, not fact.

def test_an_item_writer_imports_approved_and_retired_items_as_their_own_drafts(tmp_path, domains, db, create_user):
    importer = create_user("item_writer")
    approved = sr_item("Q-1")
    approved["versions"][0]["author"] = "someone-else@example.org"
    path = write_json(tmp_path, native(approved, sr_item("Q-2", status="retired")))

    plan = run(path, by=Actor(importer.id, "tests"))

    assert plan.ok
    versions = db.session.scalars(db.select(ItemVersion).join(Item).order_by(Item.identifier)).all()
    assert [(v.item.identifier, v.status, v.author_id) for v in versions] == [
        ("Q-1", "draft", importer.id), ("Q-2", "draft", importer.id)]
    assert [v.provenance for v in versions] == [
        {"file": str(path), "author": "someone-else@example.org", "status": "approved"},
        {"file": str(path), "status": "retired"},
    ]
    assert all(v.item.approved is None for v in versions)


def test_a_new_approved_version_with_a_changed_key_arrives_as_a_draft_and_forms_keep_the_old_key(
        tmp_path, domains, db, make_item):
    item = make_item(identifier="BANK-1", content=sr_content(key="C"))
    changed = sr_item("BANK-1", key=["A"])
    changed["versions"][0]["number"] = 2

    plan = run(write_json(tmp_path, native(changed)))

    assert plan.updated == [("BANK-1", [2])]
    db.session.refresh(item)
    assert [(v.number, v.status, v.content["key"]) for v in item.versions] == [
        (1, "approved", ["C"]), (2, "draft", ["A"])]
    assert item.approved.number == 1  # the version new forms take


def test_reimporting_an_approved_bank_item_as_a_writer_changes_nothing(tmp_path, domains, db):
    path = write_json(tmp_path, native(sr_item("Q-1")))
    run(path, roles=ADMIN, keep_statuses=True)

    plan = run(path)

    assert plan.ok and plan.unchanged == ["Q-1"]
    assert db.session.scalar(db.select(ItemVersion)).status == "approved"


def test_only_an_admin_keeps_the_files_statuses_and_that_is_audited(tmp_path, domains, db):
    from audit.models import AuditEntry

    path = write_json(tmp_path, native(sr_item("Q-1"), sr_item("Q-2", status="draft")))

    with pytest.raises(importing.ImportRefused, match="only admins keep the statuses a file gives"):
        run(path, roles={Role.PSYCHOMETRICIAN, Role.COORDINATOR}, keep_statuses=True)
    plan = run(path, roles=ADMIN, keep_statuses=True)

    assert plan.ok
    assert [v.status for v in db.session.scalars(db.select(ItemVersion).order_by(ItemVersion.id))] == ["approved", "draft"]
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "item_bank.imported_with_statuses"))
    assert entry.details == {"source": str(path), "kept": ["Q-1 v1: approved"]}


def test_an_approved_version_without_a_domain_is_refused_when_statuses_are_kept(tmp_path, domains, db):
    path = write_json(tmp_path, native(sr_item("Q-1", domain=None)))

    kept = run(path, roles=ADMIN, keep_statuses=True, apply=False)
    as_draft = run(path, roles=ADMIN, apply=False)

    assert [str(p).split(": ", 1)[1] for p in kept.problems] == [
        "versions[0].primary_domain: a approved version needs a competency domain"]
    assert as_draft.ok and as_draft.untagged == ["Q-1"]


def test_an_item_writer_cannot_add_the_domains_a_file_brings(tmp_path, domains, db):
    from item_bank.models import Domain

    document = native(sr_item("Q-1"), sr_item("Q-2", domain="XTRA"),
                      domains=[{"code": "XTRA", "name": "Extra", "description": "d"}])
    path = write_json(tmp_path, document)

    plan = run(path)

    line = path.read_text().splitlines().index('      "identifier": "Q-2",') + 1
    assert [str(p) for p in plan.problems] == [
        f"{path}, line {line}, item Q-2: versions[0].domains: unknown domain code XTRA: "
        "only coordinators and admins add domains"]
    assert count_items(db) == 0
    assert db.session.scalar(db.select(Domain).where(Domain.code == "XTRA")) is None


def test_a_domain_no_item_uses_is_left_out_of_a_writers_import_with_a_note(tmp_path, domains, db):
    from item_bank.models import Domain

    path = write_json(tmp_path, native(sr_item("Q-1"), domains=[{"code": "XTRA", "name": "Extra"}]))

    plan = run(path)

    assert plan.ok and plan.created == ["Q-1"] and plan.new_domains == []
    assert [str(n) for n in plan.notices] == [
        f"{path}, domains[0]: code: XTRA is not added: only coordinators and admins add domains"]
    assert db.session.scalar(db.select(Domain).where(Domain.code == "XTRA")) is None


# Duplicate identifiers: the later item is imported under a new identifier, the file's kept as provenance.

def test_two_items_sharing_an_identifier_in_a_json_file_are_both_imported(tmp_path, domains, db):
    path = write_json(tmp_path, native(sr_item("Q-1"), sr_item("Q-1", stem="Another question?")))

    plan = run(path)

    lines = path.read_text().splitlines()
    first, second = [number + 1 for number, text in enumerate(lines) if text == '      "identifier": "Q-1",']
    assert plan.ok and plan.created == ["Q-1", "Q-1-2"]
    assert [(original, new, str(notice)) for original, new, notice in plan.renamed] == [
        ("Q-1", "Q-1-2", f"{path}, line {second}, item Q-1: identifier: Q-1 is also used at {path} line {first}, "
                         "item Q-1; imported as Q-1-2")]
    renamed = db.session.scalar(db.select(Item).where(Item.identifier == "Q-1-2"))
    assert renamed.latest.content["stem"] == "Another question?"
    assert renamed.latest.provenance["identifier"] == "Q-1"


def test_importing_a_file_with_a_shared_identifier_again_changes_nothing(tmp_path, domains, db):
    path = write_json(tmp_path, native(sr_item("Q-1"), sr_item("Q-1", stem="Another?"), sr_item("Q-1", stem="Third?")))
    run(path)

    again = run(path)

    assert again.ok and again.unchanged == ["Q-1", "Q-1-2", "Q-1-3"] and not again.changes_anything


def test_a_renamed_item_skips_identifiers_the_bank_and_the_file_hold(tmp_path, domains, db, make_item):
    make_item(identifier="Q-1-2")
    path = write_json(tmp_path, native(sr_item("Q-1"), sr_item("Q-1", stem="Another?"), sr_item("Q-1-3")))

    plan = run(path)

    assert plan.created == ["Q-1", "Q-1-4", "Q-1-3"]


def test_foreign_qti_files_sharing_an_identifier_are_both_imported(tmp_path, domains, db):
    path = tmp_path / "package.zip"
    other = choice_item("choice").replace("Avoidance of the caregiver", "Something else")
    path.write_bytes(qti_package({"a.xml": choice_item("choice"), "b.xml": other}))

    plan = run(path)

    assert plan.ok and plan.created == ["choice", "choice-2"]
    assert str(plan.renamed[0][2]) == (
        f"{path}/b.xml, item choice: identifier: choice is also used at {path}/a.xml item choice; imported as choice-2")


def test_a_folder_of_files_sharing_an_identifier_imports_each(tmp_path, domains, db):
    (tmp_path / "a.xml").write_text(choice_item("Q-1"))
    write_json(tmp_path, native(sr_item("Q-1", status="draft")), "b.json")

    plan = run(tmp_path, default_domain=domains["TF"])

    assert plan.ok and plan.created == ["Q-1", "Q-1-2"]


QTI_NS = 'xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1"'


def choice_item(identifier, key="ChoiceB", cardinality="single", correct=True):
    correct_block = f"<correctResponse><value>{key}</value></correctResponse>" if correct else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem {QTI_NS} identifier="{identifier}" title="Foreign item" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="{cardinality}" baseType="identifier">{correct_block}</responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody>
    <p>A toddler <em>repeatedly</em> looks back at the caregiver while exploring.</p>
    <choiceInteraction responseIdentifier="RESPONSE" shuffle="true" maxChoices="1">
      <prompt>What does this behaviour most likely show?</prompt>
      <simpleChoice identifier="ChoiceA">Avoidance of the caregiver</simpleChoice>
      <simpleChoice identifier="ChoiceB">Use of the caregiver as a secure base</simpleChoice>
      <simpleChoice identifier="ChoiceC">Separation distress</simpleChoice>
      <simpleChoice identifier="ChoiceD" fixed="true">Stranger wariness</simpleChoice>
    </choiceInteraction>
  </itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>
</assessmentItem>"""


def text_entry_item(identifier):
    return f"""<?xml version="1.0"?>
<assessmentItem {QTI_NS} identifier="{identifier}" title="Gap" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="string"/>
  <itemBody><p>Fill in: <textEntryInteraction responseIdentifier="RESPONSE"/></p></itemBody>
</assessmentItem>"""


def qti_package(files, manifest_metadata=""):
    resources = "".join(
        f'<resource identifier="R{n}" type="imsqti_item_xmlv2p1" href="{name}">{manifest_metadata}<file href="{name}"/></resource>'
        for n, name in enumerate(files)
    )
    manifest = f"""<?xml version="1.0"?>
<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="M"><organizations/><resources>{resources}</resources></manifest>"""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("imsmanifest.xml", manifest)
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_a_single_qti_choice_item_arrives_as_an_untagged_draft(tmp_path, domains, db):
    path = tmp_path / "item.xml"
    path.write_text(choice_item("FOREIGN-1"))

    plan = run(path)

    assert plan.ok and plan.untagged == ["FOREIGN-1"]
    version = db.session.scalar(db.select(ItemVersion))
    assert (version.status, version.primary_domain) == ("draft", None)
    # The body's emphasis is kept: the item's text is XHTML, the prompt a paragraph of its own.
    assert version.content["stem"] == ("<p>A toddler <em>repeatedly</em> looks back at the caregiver while exploring.</p>"
                                       "<p>What does this behaviour most likely show?</p>")
    assert version.content["format"] == "xhtml" and version.content["options"][0]["text"] == "Avoidance of the caregiver"
    assert version.content["key"] == ["ChoiceB"] and version.content["shuffle"] is True
    assert [o["fixed"] for o in version.content["options"]] == [False, False, False, True]


def test_domain_option_tags_items_that_arrive_without_one(tmp_path, domains, db):
    path = tmp_path / "item.xml"
    path.write_text(choice_item("FOREIGN-1"))

    plan = run(path, default_domain=domains["DSS"])

    assert plan.untagged == []
    assert db.session.scalar(db.select(ItemVersion)).primary_domain.code == "DSS"


def test_a_package_with_an_unknown_interaction_imports_the_rest_and_reports_it(tmp_path, domains, db):
    path = tmp_path / "package.zip"
    path.write_bytes(qti_package({"a.xml": choice_item("FOREIGN-1"), "b.xml": text_entry_item("GAP-1")}))

    plan = run(path)

    assert plan.ok and plan.created == ["FOREIGN-1"]
    assert [str(s) for s in plan.skipped] == [
        f"{path}/b.xml, item GAP-1: interaction: textEntryInteraction is not supported; item not imported"
    ]


def test_lom_classification_names_the_domain(tmp_path, domains, db):
    metadata = """<metadata><lom xmlns="http://ltsc.ieee.org/xsd/LOM"><general><keyword><string>attachment</string></keyword></general>
      <classification><taxonPath><taxon><id>TF</id></taxon></taxonPath></classification></lom></metadata>"""
    path = tmp_path / "package.zip"
    path.write_bytes(qti_package({"a.xml": choice_item("FOREIGN-1")}, metadata))

    run(path)

    version = db.session.scalar(db.select(ItemVersion))
    assert version.primary_domain.code == "TF" and version.tags == ["attachment"]


@pytest.mark.parametrize(
    "files, message",
    [
        ({"a.xml": choice_item("F-1").replace("</itemBody>", "")}, "a.xml, line 16, column 3: malformed XML: mismatched tag"),
        ({"a.xml": choice_item("F-1", correct=False)}, "a.xml, item F-1: correctResponse: is missing: the item has no key"),
        ({"a.xml": choice_item("F-1", key="ChoiceZ")}, "a.xml, item F-1: versions[0].content.key: names no option: ChoiceZ"),
    ],
)
def test_broken_qti_leaves_the_bank_untouched(tmp_path, domains, db, files, message):
    path = tmp_path / "package.zip"
    path.write_bytes(qti_package({"ok.xml": choice_item("F-OK"), **files}))

    plan = run(path)

    assert any(message in str(problem) for problem in plan.problems), [str(p) for p in plan.problems]
    assert count_items(db) == 0


def test_a_zip_without_a_manifest_is_refused(tmp_path, domains):
    path = tmp_path / "package.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.xml", choice_item("F-1"))

    plan = run(path)

    assert "imsmanifest.xml: is missing: not a QTI content package" in str(plan.problems[0])


def test_xml_entities_are_refused_not_expanded(tmp_path, domains):
    path = tmp_path / "bomb.xml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>')

    plan = run(path)

    assert "refused XML" in str(plan.problems[0])


def test_a_folder_of_files_is_imported(tmp_path, domains, db):
    (tmp_path / "a.xml").write_text(choice_item("F-1"))
    write_json(tmp_path, native(sr_item("Q-1")), "more.json")

    plan = run(tmp_path, default_domain=domains["TF"])

    assert sorted(plan.created) == ["F-1", "Q-1"]


@pytest.mark.parametrize("fmt", ["json", "2.1", "3.0"])
def test_export_then_import_into_an_empty_bank_gives_the_same_bank(fmt, make_item, writer, domains, db, tmp_path, app):
    from item_bank import items as item_service

    first = make_item(secondary_domains=[domains["REF"]], tags=["attachment"], source="demo", notes="n")
    item_service.edit_item(first, sr_content(stem="Second version?"), writer, primary_domain=domains["TF"],
                           tags=["revised"])
    with_holistic = cr_content(prompts=("One?", "Two?"))
    with_holistic["rubric"]["holistic"] = "Read the whole answer first.\n\nThen score each criterion."
    second = make_item(kind="constructed_response", domain="REF", content=with_holistic)
    imported_draft = cr_content()
    imported_draft["rubric"] = {"criteria": [], "holistic": "Prose from another system."}
    make_item(kind="constructed_response", domain="REF", status="draft", content=imported_draft)
    make_item(kind="constructed_response", domain="REF", status="draft", content=cr_content() | {"rubric": {"criteria": []}})
    item_service.mark_enemies(first, make_item(status="draft"), writer)
    db.session.commit()
    before = exporting.bank_document()
    authors = [version["author"] for item in before["items"] for version in item["versions"]]
    if fmt == "json":
        path = write_json(tmp_path, before, "export.json")
    else:
        path = tmp_path / "export.zip"
        path.write_bytes(exporting.qti_package(fmt)[0])
    for entry in db.session.scalars(db.select(Item)):
        db.session.delete(entry)
    db.session.flush()

    plan = run(path, roles=ADMIN, keep_statuses=True)

    assert plan.ok, [str(p) for p in plan.problems]
    after = exporting.bank_document()
    for document in (before, after):
        for version in (version for item in document["items"] for version in item["versions"]):
            version.pop("author")
    assert after == before
    assert second.identifier in plan.created
    # The importer is the author of every version; the file's authors are the versions' provenance.
    versions = db.session.scalars(db.select(ItemVersion).join(Item).order_by(Item.identifier, ItemVersion.number))
    assert [(v.author, v.provenance["author"]) for v in versions] == [(None, author) for author in authors]


def test_exported_qti_conforms_to_the_qti_21_structure(make_item, db):
    from defusedxml import ElementTree

    from item_bank import qti

    make_item()
    make_item(kind="constructed_response", domain="REF")
    with zipfile.ZipFile(io.BytesIO(exporting.qti_package()[0])) as archive:
        documents = [archive.read(name) for name in archive.namelist() if name.startswith("items/")]

    assert len(documents) == 2
    for document in documents:
        root = ElementTree.fromstring(document)
        assert root.tag == "{http://www.imsglobal.org/xsd/imsqti_v2p1}assessmentItem"
        assert qti.structure_problems(root) == []


def test_qti_out_of_structure_is_refused_naming_what_is_wrong(tmp_path, domains):
    path = tmp_path / "item.xml"
    path.write_text(choice_item("F-1").replace('title="Foreign item" ', "").replace(
        '<outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>', ""
    ).replace("</itemBody>", '</itemBody><outcomeDeclaration identifier="X" cardinality="single"/>', 1))

    plan = run(path)

    assert [str(p).split(": ", 1)[1] for p in plan.problems] == [
        "QTI 2.1: assessmentItem's children are out of order: responseDeclaration, outcomeDeclaration, "
        "templateDeclaration, templateProcessing, stylesheet, itemBody, responseProcessing, modalFeedback",
        "QTI 2.1: assessmentItem has no title",
    ]


def test_a_manifest_version_that_is_not_a_number_is_named_not_a_crash(tmp_path, domains, db):
    metadata = ('<metadata><attest:item xmlns:attest="https://attest.example.org/xsd/item-bank-v1" identifier="Q-1" '
                'version="two" status="draft"/></metadata>')
    path = tmp_path / "bank.zip"
    path.write_bytes(qti_package({"q1.xml": choice_item("Q-1")}, manifest_metadata=metadata))

    plan = run(path)

    assert [str(problem) for problem in plan.problems] == [
        f"{path}/q1.xml, item Q-1: version: 'two' in the manifest's metadata is not a version number (1, 2, ...)"]
