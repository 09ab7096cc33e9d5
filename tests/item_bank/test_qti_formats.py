"""Items from other systems: QTI 1.2 (Canvas, Questionmark), 2.1, 2.2 and 3.0, Moodle XML.

The fixtures in tests/data/qti/ were written for Attest in the shapes those
tools export, following the structures of the specifications' published
examples. What is for scorers or shown as feedback (every SECRET-* text in
them) never becomes a stem, an option, a scenario or a prompt."""

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from defusedxml import ElementTree

from accounts.roles import Role
from audit.log import Actor
from item_bank import exporting, importing, qti, qti3
from item_bank import items as item_service
from item_bank.items import ItemError
from item_bank.models import Item, Status
from tests.item_bank_fixtures import cr_content

DATA = Path(__file__).parent.parent / "data" / "qti"
BY = Actor(None, "tests")


def read(name):
    bundle = qti.read_item_file((DATA / name).read_bytes(), name)
    assert bundle.problems == [], [str(p) for p in bundle.problems]
    return bundle


def contents(bundle):
    return {item.identifier: item.versions[0].content for item in bundle.items}


def secrets(content):
    return re.findall(r"SECRET-[\w-]+", json.dumps(content))


def imported(name, db, domains):
    plan = importing.plan_import(importing.read_path(DATA / name), {Role.ITEM_WRITER}, domains["REF"])
    assert plan.ok, [str(p) for p in plan.problems]
    importing.apply_import(plan, BY, name)
    db.session.commit()
    return {item.identifier: item for item in db.session.scalars(db.select(Item))}


def test_feedback_template_and_scorer_content_is_taken_out_of_stem_and_options_at_any_depth():
    (content,) = contents(read("choice-hidden-content.xml")).values()

    assert content["stem"] == (
        'Choose one answer.\n\nA parent says her baby "cries for no reason".\n\n'
        "Answer as you would in a first home visit.\n\nWhat is the most helpful first response?"
    )
    assert [option["text"] for option in content["options"]] == [
        "Tell her babies cry to exercise their lungs",
        "Wonder with her what the baby might be feeling",
        "Suggest a stricter feeding schedule",
    ]
    assert content["rationale"].startswith("SECRET-QTI-RATIONALE")  # modal feedback is the rationale
    assert secrets({key: value for key, value in content.items() if key != "rationale"}) == []


def test_the_candidate_preview_of_an_imported_item_shows_no_feedback_or_rubric(client, login_as, domains, db):
    item = imported("choice-hidden-content.xml", db, domains)["FEEL-1"]
    login_as("item_writer")

    page = client.get(f"/items/{item.id}/versions/1/preview").get_data(as_text=True)

    assert "Wonder with her what the baby might be feeling" in page
    assert re.findall(r"SECRET-[\w-]+", page) == []


@pytest.mark.parametrize("name, identifier, holistic", [
    ("essay-prose-rubric-v2p2.xml", "VIG-1",
     "Full credit names the infant's cues and the mother's attribution.\n\nPartial credit names one of them."),
    ("essay-no-rubric-v2p1.xml", "ESSAY-1", None),
    ("essay-v3p0.xml", "VIG-3", "Credit an argument grounded in attachment research."),
])
def test_an_essay_imports_with_a_prose_rubric_or_none_as_a_draft(name, identifier, holistic, db, domains):
    item = imported(name, db, domains)[identifier]

    rubric = item.latest.content["rubric"]
    assert item.latest.status == "draft"
    assert rubric["criteria"] == [] and rubric.get("holistic") == holistic
    assert holistic is None or holistic not in item.latest.content["scenario"]


def test_a_lone_interaction_without_a_prompt_asks_the_bodys_last_paragraph():
    (content,) = contents(read("essay-no-rubric-v2p1.xml")).values()

    assert content["scenario"] == "A supervisee describes feeling angry with a family who missed three visits."
    assert content["prompts"] == ["How would you use reflective supervision here?"]


def test_a_vignette_with_only_a_holistic_rubric_cannot_be_approved_and_its_page_says_what_to_add(
    client, login_as, domains, db, writer, reviewer
):
    item = imported("essay-prose-rubric-v2p2.xml", db, domains)["VIG-1"]
    version = item.latest
    item_service.move(version, Status.IN_REVIEW, writer)

    with pytest.raises(ItemError, match="Add structured rubric criteria before approval; the imported rubric is "
                                        "shown as holistic text"):
        item_service.move(version, Status.APPROVED, reviewer)
    login_as("item_writer")
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    preview = client.get(f"/items/{item.id}/versions/1/preview").get_data(as_text=True)

    assert "Add structured rubric criteria before approval; the imported rubric is shown as holistic text." in page
    assert "Full credit names the infant&#39;s cues" in page  # staff see the holistic rubric
    assert "Full credit" not in preview and "What would you say to the mother, and why?" in preview


def test_adding_criteria_to_an_imported_vignette_lets_it_be_approved(domains, db, writer, reviewer):
    item = imported("essay-prose-rubric-v2p2.xml", db, domains)["VIG-1"]
    content = dict(item.latest.content, rubric=cr_content()["rubric"] | {"holistic": "Read the whole answer first."})
    version = item_service.edit_item(item, content, writer, primary_domain=domains["REF"])
    item_service.move(version, Status.IN_REVIEW, writer)

    item_service.move(version, Status.APPROVED, reviewer)

    assert version.status == "approved" and version.content["rubric"]["holistic"] == "Read the whole answer first."


def test_an_approved_vignette_without_criteria_is_refused_on_import(tmp_path, domains):
    content = cr_content()
    content["rubric"] = {"criteria": [], "holistic": "Prose only."}
    path = tmp_path / "bank.json"
    path.write_text(json.dumps({"format": "attest-item-bank", "version": 1, "items": [
        {"identifier": "CR-9", "kind": "constructed_response",
         "versions": [{"number": 1, "status": "approved", "primary_domain": "REF", "content": content}]}]}))

    plan = importing.plan_import(importing.read_path(path), {Role.ADMIN}, keep_statuses=True)

    assert [str(p).split(": ", 1)[1] for p in plan.problems] == [
        "versions[0].content.rubric: Add structured rubric criteria before approval; the imported rubric is shown "
        "as holistic text (the version is approved)"
    ]


def test_a_qti_30_choice_item_reads_as_its_21_twin():
    (content,) = contents(read("choice-v3p0.xml")).values()

    assert content == {
        "stem": "<p>A toddler <em>repeatedly</em> looks back at the caregiver while exploring.</p>"
                "<p>What does this behaviour most likely show?</p>",
        "options": [{"id": "A", "text": "Avoidance of the caregiver", "fixed": False},
                    {"id": "B", "text": "Use of the caregiver as a secure base", "fixed": False},
                    {"id": "C", "text": "Separation distress", "fixed": False},
                    {"id": "D", "text": "Stranger wariness", "fixed": True}],
        "key": ["B"], "shuffle": True,
        "rationale": "<p>The child checks in with the caregiver and returns to play.</p>", "references": [],
        "format": "xhtml",
    }


def test_an_unsupported_qti_30_interaction_is_listed_as_skipped():
    bundle = read("text-entry-v3p0.xml")

    assert bundle.items == []
    assert [str(skip) for skip in bundle.skipped] == [
        "text-entry-v3p0.xml, item GAP-3: interaction: textEntryInteraction is not supported; item not imported"
    ]


def test_a_canvas_qti_12_bank_gives_its_choice_and_essay_and_skips_true_false():
    bundle = read("canvas-v1p2.xml")
    items = contents(bundle)

    assert items["c101"]["stem"] == "An infant turns away and arches during play.\n\nWhat is the infant most likely signalling?"
    assert [o["text"] for o in items["c101"]["options"]] == ["Hunger", "A need for a break", "Boredom"]
    assert items["c101"]["key"] == ["4002"]
    assert items["c101"]["rationale"] == "Gaze aversion and arching are disengagement cues."
    assert (items["c102"]["scenario"], items["c102"]["prompts"]) == (
        "A father says he is afraid of dropping his newborn.", ["How would you respond?"])
    assert secrets(items) == []  # the feedback on one answer stays behind
    assert [str(skip) for skip in bundle.skipped] == [
        "canvas-v1p2.xml, item c103: question_type: true_false_question is not supported; item not imported"
    ]


def test_a_questionmark_qti_12_item_takes_its_key_from_the_scoring_condition():
    (content,) = contents(read("questionmark-v1p2.xml")).values()

    assert content["stem"] == "Which practice best supports a parent's reflective capacity?"
    assert content["key"] == ["B"] and content["shuffle"] is True
    assert content["rationale"] == "Wondering invites the parent to hold the baby's mind in mind."


def test_a_canvas_package_lists_its_qti_12_file_without_an_href(tmp_path, domains, db):
    path = tmp_path / "canvas.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("imsmanifest.xml", (DATA / "canvas-imsmanifest.xml").read_text())
        archive.writestr("g1/canvas-v1p2.xml", (DATA / "canvas-v1p2.xml").read_text())
        archive.writestr("g1/assessment_meta.xml", "<quiz/>")

    plan = importing.plan_import(importing.read_path(path), {Role.ITEM_WRITER})

    assert plan.ok and sorted(plan.created) == ["c101", "c102"] and len(plan.skipped) == 1


def test_a_moodle_quiz_gives_its_multichoice_and_essay_and_never_answer_feedback():
    bundle = read("moodle-quiz.xml")
    items = contents(bundle)

    choice, essay = items["SERVE-1"], items["Supervision-essay"]
    assert choice["stem"] == "<p>A baby babbles at her father.</p><p>Which response is a <strong>return</strong>?</p>"
    assert [o["text"] for o in choice["options"]] == ["<p>He looks at his phone</p>", "<p>He babbles back and smiles</p>",
                                                       "<p>He hands her a toy</p>"]
    assert choice["key"] == ["B"] and choice["rationale"] == "<p>Returning the serve means responding to the baby's bid.</p>"
    assert essay["scenario"] == "A home visitor feels hopeless about a family."
    assert essay["prompts"] == ["How would you support her in reflective supervision?"]
    assert essay["expected_length"] == {"min_words": 150, "max_words": 500}
    assert essay["rubric"] == {"criteria": [], "holistic": "Look for attunement to the supervisee's feelings.\n\n"
                                                           "Credit a plan for the next visit."}
    assert secrets(items) == []
    assert [str(skip) for skip in bundle.skipped] == [
        "moodle-quiz.xml, question 4 (Faces): type: truefalse is not supported; question not imported"
    ]


def qti3_documents(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = ElementTree.fromstring(archive.read("imsmanifest.xml"))
        return manifest, [ElementTree.fromstring(archive.read(name)) for name in archive.namelist()
                          if name.startswith("items/")]


def test_a_qti_30_export_is_qti_30_throughout(make_item, db):
    make_item()
    make_item(kind="constructed_response", domain="REF",
              content=cr_content() | {"rubric": cr_content()["rubric"] | {"holistic": "Read it all first."}})

    manifest, documents = qti3_documents(exporting.qti_package("3.0")[0])

    ns = f"{{{qti3.NAMESPACE}}}"
    assert manifest.tag == f"{{{qti3.MANIFEST_NAMESPACE}}}manifest"
    assert {r.get("type") for r in manifest.iter(f"{{{qti3.MANIFEST_NAMESPACE}}}resource")} == {"imsqti_item_xmlv3p0"}
    assert [document.tag for document in documents] == [ns + "qti-assessment-item"] * 2
    for document in documents:
        assert not [e.tag for e in document.iter() if not e.tag.startswith(ns)]
        assert not [name for e in document.iter() for name in e.attrib if "}" not in name and re.search("[A-Z]", name)]
        assert qti.structure_problems(qti3.to_qti2(document)) == []
        for wrapper in [*document.iter(ns + "qti-rubric-block"), *document.iter(ns + "qti-modal-feedback")]:
            assert [child.tag for child in wrapper] == [ns + "qti-content-body"]
    assert [e.get("template") for d in documents for e in d.iter(ns + "qti-response-processing")] == [
        "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml"]


def test_the_export_page_and_command_offer_qti_30(client, login_as, make_item, runner, tmp_path):
    make_item()
    login_as("psychometrician")

    download = client.get("/items/export.zip?qti=3.0")
    unknown = client.get("/items/export.zip?qti=9.9")
    command = runner.invoke(args=["item-bank", "export", "--format", "qti", "--qti", "3.0", str(tmp_path / "o.zip")])

    assert download.headers["Content-Disposition"] == 'attachment; filename="attest-item-bank-qti-3.0.zip"'
    assert qti3_documents(download.get_data())[0].tag.endswith("manifest") and unknown.status_code == 404
    assert command.exit_code == 0 and "Exported 1 items" in command.output and "(QTI 3.0)" in command.output
    assert b"qti-assessment-item" in zipfile.ZipFile(tmp_path / "o.zip").read("items/SR-00001/v1.xml")


def test_a_writer_adds_criteria_to_an_imported_vignette_in_the_editor_keeping_its_holistic_text(
    client, login_as, domains, db
):
    item = imported("essay-prose-rubric-v2p2.xml", db, domains)["VIG-1"]
    login_as("item_writer")
    page = client.get(f"/items/{item.id}/edit").get_data(as_text=True)
    assert "Partial credit names one of them." in page

    client.post(f"/items/{item.id}/edit", data={
        "scenario": item.latest.content["scenario"], "prompts-0": "What would you say to the mother, and why?",
        "criteria-0-name": "Cues", "criteria-0-levels": "0: Misses them\n1: Names them",
        "holistic": "Full credit names the cues.", "primary_domain": str(domains["REF"].id),
    })

    db.session.refresh(item)
    assert item.latest.content["rubric"] == {
        "criteria": [{"id": "C1", "name": "Cues", "levels": [{"points": 0, "descriptor": "Misses them"},
                                                             {"points": 1, "descriptor": "Names them"}]}],
        "holistic": "Full credit names the cues.",
    }


def test_an_xml_file_of_no_known_format_is_named_as_such():
    bundle = qti.read_item_file(b"<html><body>Quiz</body></html>", "page.xml")

    assert [str(p) for p in bundle.problems] == [
        "page.xml: not a QTI item (QTI 1.2, 2.1, 2.2 or 3.0) or a Moodle XML quiz"]
