"""The item bank screens, through the test client."""

import io
import json

from item_bank.models import Domain, Form, Item
from tests.item_bank_fixtures import cr_content, sr_content

SR_FORM = {
    "stem": "A parent says her 6-month-old 'cries to manipulate her'. Which response is most helpful?",
    "options-0-text": "Agree that crying should be ignored",
    "options-1-text": "Wonder together what the baby might be telling her",
    "options-2-text": "Refer her to a parenting class",
    "options-3-text": "",
    "options-4-text": "",
    "key": "B",
    "shuffle": "y",
    "rationale": "Curiosity about the baby's experience supports the relationship.",
    "references": "Zeanah (ed.), Handbook of Infant Mental Health",
    "tags": "crying, beliefs",
    "source": "Written in a test",
}


def form_data(domains, **changes):
    return SR_FORM | {"primary_domain": str(domains["DSS"].id), "secondary_domains": [str(domains["REF"].id)]} | changes


def test_a_writer_creates_a_selected_response_item_as_a_draft(client, login_as, domains, db):
    login_as("item_writer")

    response = client.post("/items/new/selected_response", data=form_data(domains))

    item = db.session.scalar(db.select(Item))
    assert response.headers["Location"] == f"/items/{item.id}"
    version = item.latest
    assert version.status == "draft" and version.primary_domain.code == "DSS"
    assert [o["text"] for o in version.content["options"]][1] == "Wonder together what the baby might be telling her"
    assert version.content["key"] == ["B"] and version.tags == ["beliefs", "crying"]
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "Saved SR-00001 as a draft." in page and "Key" in page


def test_content_problems_show_next_to_their_fields(client, login_as, domains, db):
    login_as("item_writer")

    page = client.post(
        "/items/new/selected_response", data=form_data(domains, **{"options-2-text": "", "key": "E"})
    ).get_data(as_text=True)

    assert 'id="options-error"' in page and "options: needs 3 to 5 options, has 2" in page
    assert db.session.scalar(db.select(Item)) is None


def test_a_missing_key_and_domain_are_field_errors(client, login_as, domains):
    login_as("item_writer")

    page = client.post("/items/new/selected_response", data=form_data(domains, key="", primary_domain="")).get_data(
        as_text=True
    )

    assert 'id="key-error"' in page and "Choose the correct option." in page
    assert 'id="primary_domain-error"' in page


def test_a_writer_creates_a_vignette_with_a_rubric(client, login_as, domains, db):
    login_as("item_writer")

    response = client.post("/items/new/constructed_response", data={
        "scenario": "A home visitor notices a baby turning away.\n\nThe mother laughs.",
        "prompts-0": "What do you notice?", "prompts-1": "What would you do?",
        "min_words": "200", "max_words": "600",
        "criteria-0-name": "Infant's perspective", "criteria-0-levels": "0: Absent\n1: Named\n2: Explored",
        "criteria-1-name": "Reflection", "criteria-1-levels": "0: Absent\n1: Some\n2: Deep",
        "primary_domain": str(domains["REF"].id),
    })

    assert response.status_code == 302
    content = db.session.scalar(db.select(Item)).latest.content
    assert content["prompts"] == ["What do you notice?", "What would you do?"]
    assert [c["name"] for c in content["rubric"]["criteria"]] == ["Infant's perspective", "Reflection"]
    assert content["expected_length"] == {"min_words": 200, "max_words": 600}


def test_editing_an_approved_item_in_the_browser_makes_version_two(client, login_as, make_item, domains, db):
    item = make_item(domain="TF")
    login_as("item_writer")
    form = client.get(f"/items/{item.id}/edit").get_data(as_text=True)
    assert "saving makes version 2, a new draft" in form

    client.post(f"/items/{item.id}/edit", data=form_data(domains, stem="A rewritten stem?"))

    db.session.refresh(item)
    assert [(v.number, v.status) for v in item.versions] == [(1, "approved"), (2, "draft")]
    history = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "Changed from version 1" in history and "A rewritten stem?" in history


def test_preview_shows_what_a_candidate_sees_and_no_key(client, login_as, make_item):
    item = make_item(content=sr_content() | {"rationale": "SECRET RATIONALE"})
    login_as("item_writer")

    page = client.get(f"/items/{item.id}/versions/1/preview").get_data(as_text=True)

    assert "Which response best supports the parent-infant relationship?" in page
    assert 'type="radio"' in page
    assert "SECRET RATIONALE" not in page and 'class="key"' not in page and ">Key<" not in page


def test_review_queue_approves_and_sends_back_with_comments(client, login_as, make_item, db):
    first = make_item(status="in_review")
    second = make_item(status="in_review")
    login_as("item_writer")
    queue = client.get("/review").get_data(as_text=True)
    assert first.identifier in queue and second.identifier in queue

    client.post(f"/items/{first.id}/versions/1/status", data={"to_status": "approved", "from_review": "1"})
    back = client.post(f"/items/{second.id}/versions/1/status", data={"to_status": "draft", "comment": "Key is arguable."})

    db.session.refresh(first)
    db.session.refresh(second)
    assert first.latest.status == "approved"
    assert second.latest.status == "draft"
    assert second.latest.status_changes[-1].comment == "Key is arguable."
    assert back.headers["Location"] == f"/items/{second.id}"


def test_sending_back_without_a_comment_is_refused_with_a_message(client, login_as, make_item, db):
    item = make_item(status="in_review")
    login_as("item_writer")

    page = client.post(f"/items/{item.id}/versions/1/status", data={"to_status": "draft"}, follow_redirects=True)

    assert "say what the writer should change" in page.get_data(as_text=True)
    db.session.refresh(item)
    assert item.latest.status == "in_review"


def test_writers_cannot_approve_their_own_item_or_retire(client, login_as, make_item, db, domains):
    writer = login_as("item_writer")
    client.post("/items/new/selected_response", data=form_data(domains))
    item = db.session.scalar(db.select(Item))
    client.post(f"/items/{item.id}/versions/1/status", data={"to_status": "in_review"})

    own = client.post(f"/items/{item.id}/versions/1/status", data={"to_status": "approved"})
    approved = make_item()
    retire = client.post(f"/items/{approved.id}/versions/1/status", data={"to_status": "retired"})

    assert own.status_code == 403 and retire.status_code == 403
    assert writer.id == item.latest.author_id


def test_enemies_are_added_by_identifier_and_removed(client, login_as, make_item):
    first, second = make_item(), make_item()
    login_as("item_writer")

    added = client.post(f"/items/{first.id}/enemies", data={"identifier": second.identifier}, follow_redirects=True)
    unknown = client.post(f"/items/{first.id}/enemies", data={"identifier": "NOPE-1"}, follow_redirects=True)

    assert f"{first.identifier} and {second.identifier} will never share a form." in added.get_data(as_text=True)
    assert "No item has the identifier NOPE-1." in unknown.get_data(as_text=True)
    client.post(f"/items/{first.id}/enemies/{second.id}/remove")
    assert "None: this item may share a form" in client.get(f"/items/{first.id}").get_data(as_text=True)


def test_item_list_filters_by_domain_kind_status_text_and_tag(client, login_as, make_item, domains):
    make_item(domain="TF", tags=["grief"], identifier="A-1", content=sr_content(stem="About grief and loss?"))
    make_item(domain="REF", status="draft", identifier="B-1")
    make_item(kind="constructed_response", domain="DSS", identifier="C-1")
    login_as("item_writer")

    def listed(query):
        page = client.get("/items?" + query).get_data(as_text=True)
        return [identifier for identifier in ("A-1", "B-1", "C-1") if f">{identifier}</a>" in page]

    assert listed(f"domain={domains['TF'].id}") == ["A-1"]
    assert listed("kind=constructed_response") == ["C-1"]
    assert listed("status=draft") == ["B-1"]
    assert listed("q=grief") == ["A-1"]
    assert listed("tag=grief") == ["A-1"]
    assert listed("") == ["A-1", "B-1", "C-1"]


def test_upload_import_dry_run_then_for_real(client, login_as, domains, db):
    login_as("item_writer")
    document = {"format": "attest-item-bank", "version": 1, "items": [
        {"identifier": "UP-1", "kind": "selected_response",
         "versions": [{"number": 1, "status": "approved", "primary_domain": "TF", "content": sr_content()}]}]}
    upload = lambda: (io.BytesIO(json.dumps(document).encode()), "bank.json")  # noqa: E731

    dry = client.post("/items/import", data={"file": upload(), "dry_run": "y"}, content_type="multipart/form-data")
    assert "1 items would be created" in dry.get_data(as_text=True)
    assert db.session.scalar(db.select(Item)) is None

    real = client.post("/items/import", data={"file": upload()}, content_type="multipart/form-data")
    assert "1 items were created" in real.get_data(as_text=True)
    assert db.session.scalar(db.select(Item)).identifier == "UP-1"


def approved_bank(*identifiers):
    """An uploadable JSON bank whose items say they are approved and were written by someone else."""
    document = {"format": "attest-item-bank", "version": 1, "items": [
        {"identifier": identifier, "kind": "selected_response",
         "versions": [{"number": 1, "status": "approved", "primary_domain": "TF", "author": "elsewhere@example.org",
                       "content": sr_content(stem=f"Question {n}?")}]}
        for n, identifier in enumerate(identifiers)]}
    return io.BytesIO(json.dumps(document, indent=2).encode()), "bank.json"


def test_an_uploaded_import_arrives_as_the_importers_drafts_and_shows_where_it_came_from(client, login_as, domains, db):
    writer = login_as("item_writer")

    page = client.post("/items/import", data={"file": approved_bank("UP-1", "UP-1")},
                       content_type="multipart/form-data").get_data(as_text=True)

    assert "Keep the file" not in page
    assert "Imported UP-1 as UP-1-2: bank.json, line 46, item UP-1: identifier: UP-1 is also used at bank.json " \
           "line 6, item UP-1; imported as UP-1-2" in page
    assert "Every version written is a draft, for review." in page
    renamed = db.session.scalar(db.select(Item).where(Item.identifier == "UP-1-2"))
    assert (renamed.latest.status, renamed.latest.author_id) == ("draft", writer.id)
    item_page = client.get(f"/items/{renamed.id}").get_data(as_text=True)
    assert ("Imported from</dt><dd>bank.json; the file's author: elsewhere@example.org; the file's status: approved; "
            "the file's identifier: UP-1</dd>") in item_page


def test_only_an_admin_may_keep_the_files_statuses_on_upload(client, login_as, domains, db):
    login_as("item_writer", "psychometrician")

    refused = client.post("/items/import", data={"file": approved_bank("UP-1"), "keep_statuses": "y"},
                          content_type="multipart/form-data").get_data(as_text=True)

    assert "only admins keep the statuses a file gives" in refused
    assert db.session.scalar(db.select(Item)) is None
    client.post("/sign-out")
    login_as("admin")
    assert "Keep the file" in client.get("/items/import").get_data(as_text=True)
    kept = client.post("/items/import", data={"file": approved_bank("UP-1"), "keep_statuses": "y"},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Statuses kept as the file gives them." in kept
    assert db.session.scalar(db.select(Item)).latest.status == "approved"


def test_upload_import_of_a_broken_file_lists_problems_and_writes_nothing(client, login_as, domains, db):
    login_as("item_writer")

    page = client.post(
        "/items/import", data={"file": (io.BytesIO(b"<assessmentItem"), "item.xml")}, content_type="multipart/form-data"
    ).get_data(as_text=True)

    assert "Nothing imported" in page and "item.xml, line 1, column 1: malformed XML: unclosed token" in page
    assert db.session.scalar(db.select(Item)) is None


def test_export_downloads_are_files(client, login_as, make_item):
    make_item(identifier="EXP-1")
    login_as("psychometrician")

    as_json = client.get("/items/export.json")
    as_zip = client.get("/items/export.zip")

    assert as_json.headers["Content-Disposition"] == 'attachment; filename="attest-item-bank.json"'
    assert json.loads(as_json.get_data())["items"][0]["identifier"] == "EXP-1"
    assert as_zip.mimetype == "application/zip" and as_zip.get_data()[:2] == b"PK"


def test_a_coordinator_adds_and_renames_a_domain(client, login_as, domains, db):
    login_as("coordinator")

    client.post("/domains/new", data={"code": "cult", "name": "Culture", "description": "Cultural humility"})
    domain = db.session.scalar(db.select(Domain).where(Domain.code == "CULT"))
    client.post(f"/domains/{domain.id}", data={"code": "CULT", "name": "Culture and identity", "description": ""})
    taken = client.post("/domains/new", data={"code": "TF", "name": "Another"}).get_data(as_text=True)

    db.session.refresh(domain)
    assert domain.name == "Culture and identity"
    assert "another domain already has the code &#39;TF&#39;" in taken


def test_assemble_swap_and_publish_in_the_browser(client, login_as, make_item, make_blueprint, db):
    for _ in range(4):
        make_item(domain="TF")
    blueprint = make_blueprint([{"title": "Part One", "time_limit_minutes": 30, "rows": [
        {"domain": "TF", "kind": "selected_response", "count": 2}]}])
    login_as("psychometrician")

    response = client.post(f"/blueprints/{blueprint.id}", data={"codes": "t-a, t-b", "seed": "4"})
    forms = db.session.scalars(db.select(Form).order_by(Form.code)).all()
    assert [f.code for f in forms] == ["T-A", "T-B"]
    assert response.headers["Location"] == f"/forms/{forms[0].id}"
    form_page = client.get(f"/forms/{forms[0].id}").get_data(as_text=True)
    assert "Meets its blueprint: ready to publish." in form_page

    place = forms[0].form_items[0]
    swap_page = client.get(f"/forms/{forms[0].id}/items/{place.id}/swap").get_data(as_text=True)
    option = swap_page.split('<option value="')[1].split('"')[0]
    client.post(f"/forms/{forms[0].id}/items/{place.id}/swap", data={"replacement": option})
    client.post(f"/forms/{forms[0].id}/publish")

    db.session.refresh(forms[0])
    assert forms[0].status == "published" and str(place.item_version_id) == option
    assert "/swap" not in client.get(f"/forms/{forms[0].id}").get_data(as_text=True)


def test_a_draft_forms_break_is_set_on_its_page_and_checked_by_the_server(client, login_as, make_item, make_blueprint,
                                                                           db):
    for _ in range(2):
        make_item(domain="TF")
    blueprint = make_blueprint([{"title": "Part One", "time_limit_minutes": 30, "rows": [
        {"domain": "TF", "kind": "selected_response", "count": 1}]}, {"title": "Part Two", "time_limit_minutes": 30,
                                                                        "rows": [{"domain": "TF",
                                                                                  "kind": "selected_response",
                                                                                  "count": 1}]}])
    login_as("psychometrician")
    client.post(f"/blueprints/{blueprint.id}", data={"codes": "brk"})
    form = db.session.scalar(db.select(Form))
    assert "no break between parts" in client.get(f"/forms/{form.id}").get_data(as_text=True)

    refused = client.post(f"/forms/{form.id}/break", data={"break_minutes": "90"}).get_data(as_text=True)
    assert "Number must be between 0 and 60." in refused
    saved = client.post(f"/forms/{form.id}/break", data={"break_minutes": "15"}, follow_redirects=True)

    assert "Saved: BRK has a break of 15 minutes between parts." in saved.get_data(as_text=True)
    db.session.refresh(form)
    assert form.break_minutes == 15
    client.post(f"/forms/{form.id}/publish")
    page = client.get(f"/forms/{form.id}").get_data(as_text=True)
    assert "a break of up to 15 min between parts" in page and "Save the break" not in page
    locked = client.post(f"/forms/{form.id}/break", data={"break_minutes": "0"}, follow_redirects=True)
    assert "form BRK is published and locked" in locked.get_data(as_text=True)
    db.session.refresh(form)
    assert form.break_minutes == 15


def test_assembling_from_too_small_a_bank_says_which_row(client, login_as, make_item, make_blueprint):
    make_item(domain="TF")
    blueprint = make_blueprint([{"title": "Part One", "time_limit_minutes": 30, "rows": [
        {"domain": "TF", "kind": "selected_response", "count": 2}]}])
    login_as("admin")

    page = client.post(f"/blueprints/{blueprint.id}", data={"codes": "X"}).get_data(as_text=True)

    assert "Part One: TF selected_response needs 2 items, only 1 approved items qualify" in page


def test_editing_a_vignette_keeps_every_prompt_and_criterion(client, login_as, make_item, db):
    content = cr_content(prompts=[f"Prompt {n}?" for n in range(1, 7)])
    content["rubric"]["criteria"] = [
        {"id": f"C{n}", "name": f"Criterion {n}", "levels": [{"points": 0, "descriptor": "no"}, {"points": 1, "descriptor": "yes"}]}
        for n in range(1, 9)
    ]
    item = make_item(kind="constructed_response", domain="REF", content=content)
    login_as("item_writer")

    page = client.get(f"/items/{item.id}/edit").get_data(as_text=True)

    assert "Prompt 6?" in page and "Criterion 8" in page
