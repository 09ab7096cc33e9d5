"""Markup payloads in every rich field are inert wherever item text is shown or
carried: the item page, review, preview, the candidate's question page, the
rater's page, the JSON and QTI downloads. Plain-text items look as they did."""

import copy
import io
import json
import re
import zipfile
from html.parser import HTMLParser

import pytest
from defusedxml import ElementTree

from accounts.roles import Role
from exam import delivery, sessions
from item_bank import exporting, images
from item_bank.models import ItemVersion
from rating import assignment
from tests.conftest import sign_in
from tests.exam_fixtures import BY, T0
from tests.item_bank.test_images import image_bytes
from tests.item_bank.test_rich import HOSTILE, HOSTILE_ACCEPTED
from tests.item_bank.test_views import form_data
from tests.item_bank_fixtures import cr_content, sr_content
from tests.rating_fixtures import vignette_of

BLOCKED_ELEMENTS = {"iframe", "object", "embed", "svg", "math", "style", "base"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKED_ELEMENTS:
            self.problems.append(f"<{tag}>")
        if tag == "script" and not (dict(attrs).get("src") or "").startswith("/static/"):
            self.problems.append("a script not from /static")
        for name, value in attrs:
            if name.startswith("on") or name == "style" or "javascript:" in (value or "").lower():
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "src" and tag == "img" and not (value or "").startswith("/"):
                self.problems.append(f"<img src={value!r}>")


def assert_inert(page):
    parser = _Page()
    parser.feed(page)
    assert parser.problems == []
    assert "attest_pwned" not in page


def hostile_sr(hostile=HOSTILE):
    content = sr_content() | {"format": "xhtml", "stem": hostile + "<p>Which <strong>one</strong>?</p>",
                              "rationale": hostile + "<p>Because <em>this</em>.</p>"}
    content["options"] = [{"id": o["id"], "text": hostile + f"<p>Option <u>{o['id']}</u></p>"}
                          for o in content["options"]]
    return content


def hostile_cr(hostile=HOSTILE):
    return cr_content(scenario=hostile + "<p>A <strong>tense</strong> visit.</p>",
                      prompts=(hostile + "<p>What do you <em>notice</em>?</p>",)) | {"format": "xhtml"}


def unsanitised(version, content):
    """Store content as it might have reached the database some other way, sanitised by nothing."""
    version.content = copy.deepcopy(content)


def page(response):
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@pytest.fixture(params=["sanitised on the way in", "as stored by another way"])
def stored(request, make_item, db):
    """stored(kind, content_of, status): an item written with the payloads a writer may send, or holding
    every payload unsanitised; content_of(hostile) builds its content around the payloads."""

    def make(kind, content_of, status="approved"):
        item = make_item(kind=kind, content=content_of(HOSTILE_ACCEPTED), status=status,
                         domain="TF" if kind == "selected_response" else "DSS")
        if request.param == "as stored by another way":
            unsanitised(item.latest, content_of(HOSTILE))
        db.session.commit()
        return item

    return make


@pytest.mark.parametrize("kind, content", [("selected_response", hostile_sr), ("constructed_response", hostile_cr)])
def test_the_item_page_preview_and_review_show_rich_text_inert(kind, content, stored, client, login_as):
    item = stored(kind, content, status="in_review")
    login_as(Role.ITEM_WRITER)

    shown = page(client.get(f"/items/{item.id}"))
    preview = page(client.get(f"/items/{item.id}/versions/1/preview"))
    review = page(client.get("/review"))

    for text in (shown, preview, review):
        assert_inert(text)
        assert '<div class="rich-text">' in text
    if kind == "selected_response":
        assert "Which <strong>one</strong>?" in preview and "Option <u>B</u>" in preview
        assert "Because <em>this</em>." in shown and "Because" not in preview
    else:
        assert "A <strong>tense</strong> visit." in preview and "What do you <em>notice</em>?" in preview


def test_the_candidates_question_page_shows_rich_text_inert(exam_form, client, create_user, db, time_machine):
    time_machine.move_to(T0, tick=False)
    for form_item in exam_form.form_items:
        version = form_item.item_version
        unsanitised(version, hostile_sr() if "key" in version.content else hostile_cr())
    db.session.commit()
    session = sessions.create_session("Rich", exam_form, T0, T0.replace(hour=17), "Room", "RICH12", 30, BY)
    candidate = create_user(Role.CANDIDATE)
    sessions.enroll(session, candidate, BY)
    attempt = delivery.join(session, candidate.id, "RICH12", T0, BY)
    delivery.agree(attempt, T0, BY)
    db.session.commit()
    sign_in(client, candidate.email)

    first = page(client.get(f"/exam/attempts/{attempt.id}"))
    delivery.finish_section(attempt, 1, T0, BY)
    db.session.commit()
    second = page(client.get(f"/exam/attempts/{attempt.id}"))

    assert_inert(first)
    assert_inert(second)
    assert "Which <strong>one</strong>?" in first and "Option <u>A</u>" in first
    assert "A <strong>tense</strong> visit." in second and "What do you <em>notice</em>?" in second


def test_the_raters_page_shows_rich_text_inert(app, exam_form, sit, raters, db):
    for form_item in exam_form.form_items:
        if "rubric" in form_item.item_version.content:
            unsanitised(form_item.item_version, hostile_cr())
    db.session.commit()
    attempt = sit(text="<script>attest_pwned()</script> is what the candidate wrote")
    rating = assignment.assign(vignette_of(attempt), raters[0], T0, BY)
    db.session.commit()
    rater = app.test_client()
    sign_in(rater, raters[0].email)

    shown = page(rater.get(f"/rating/responses/{rating.case.code}"))
    queue = page(rater.get("/home/rater"))

    assert "A <strong>tense</strong> visit." in shown and "What do you <em>notice</em>?" in shown
    written = "&lt;script&gt;attest_pwned()&lt;/script&gt; is what the candidate wrote"
    assert written in shown  # an answer is always text
    assert_inert(shown.replace(written, ""))
    assert "A tense visit." in queue and "<strong>tense" not in queue
    assert_inert(queue)


def test_the_downloads_carry_rich_text_sanitised(make_item, client, login_as):
    make_item(content=hostile_sr(HOSTILE_ACCEPTED))
    make_item(kind="constructed_response", domain="DSS", content=hostile_cr(HOSTILE_ACCEPTED))
    login_as(Role.ITEM_WRITER)

    document = client.get("/items/export.json")
    package = client.get("/items/export.zip")

    assert document.mimetype == "application/json" and "attachment" in document.headers["Content-Disposition"]
    contents = [v["content"] for item in json.loads(document.data)["items"] for v in item["versions"]]
    assert [content["format"] for content in contents] == ["xhtml", "xhtml"]
    (sr,) = [content for content in contents if "stem" in content]
    assert sr["stem"] == ("<p>Intro</p><p>click</p>link<p>styled</p><p>classed</p><p>commented</p>"
                                   "<p>Which <strong>one</strong>?</p>")
    assert "attest_pwned" not in document.get_data(as_text=True)
    with zipfile.ZipFile(io.BytesIO(package.data)) as archive:
        bodies = [archive.read(name) for name in archive.namelist() if name.startswith("items/")]
    for body in bodies:
        assert b"attest_pwned" not in body
        root = ElementTree.fromstring(body)
        names = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
        assert not names & (BLOCKED_ELEMENTS | {"script"})
        assert all(not name.startswith("on") for element in root.iter() for name in element.attrib)


def test_plain_text_items_look_as_they_did(make_item, client, login_as):
    item = make_item(content=sr_content(stem="Is <b>this</b> bold?\n\nNo, it is text."))
    login_as(Role.ITEM_WRITER)

    preview = page(client.get(f"/items/{item.id}/versions/1/preview"))
    shown = page(client.get(f"/items/{item.id}"))

    assert ('<legend class="stem"><span class="paragraph">Is &lt;b&gt;this&lt;/b&gt; bold?</span>'
            '<span class="paragraph">No, it is text.</span></legend>') in preview
    assert '<div class="stem-block"><p>Is &lt;b&gt;this&lt;/b&gt; bold?</p><p>No, it is text.</p></div>' in shown
    assert "rich-text" not in preview + shown


# Writing in the editor form, and carrying rich items out and back in

def test_the_editor_form_saves_xhtml_when_the_script_says_so(client, login_as, domains, db):
    login_as(Role.ITEM_WRITER)

    client.post("/items/new/selected_response", data=form_data(
        domains, content_format="xhtml", stem="<p>Which is <b>best</b>?</p><ul><li onclick='x()'>One</li></ul>",
        **{"options-0-text": "<p>First</p><script>x()</script>"}))

    content = db.session.scalar(db.select(ItemVersion)).content
    assert content["format"] == "xhtml"
    assert content["stem"] == "<p>Which is <strong>best</strong>?</p><ul><li>One</li></ul>"
    assert content["options"][0]["text"] == "<p>First</p>"


def test_without_the_script_the_editor_form_saves_plain_text(client, login_as, domains, db):
    login_as(Role.ITEM_WRITER)

    client.post("/items/new/selected_response", data=form_data(domains, stem="Is <b>this</b> kept?"))

    content = db.session.scalar(db.select(ItemVersion)).content
    assert "format" not in content and content["stem"] == "Is <b>this</b> kept?"


def test_an_image_without_alt_text_is_shown_at_its_field(client, login_as, domains, writer, db):
    image = images.store(image_bytes(), "", writer)
    db.session.commit()
    login_as(Role.ITEM_WRITER)

    shown = page(client.post("/items/new/selected_response", data=form_data(
        domains, content_format="xhtml", **{"options-1-text": f'<p><img src="{images.url_of(image)}"></p>'})))

    assert "options[1].text: image needs alt text" in shown
    assert db.session.scalar(db.select(ItemVersion)) is None


@pytest.mark.parametrize("fmt", ["json", "qti"])
def test_rich_items_go_out_and_come_back_the_same(fmt, make_item, writer, db, tmp_path):
    from accounts.roles import Role
    from item_bank.models import Item
    from tests.item_bank.test_importing import run, write_json

    image = images.store(image_bytes(), "A chart", writer)
    db.session.commit()
    picture = f'<img src="{images.url_of(image)}" alt="A chart">'
    sr = sr_content() | {"format": "xhtml", "stem": f"<p>Read <em>the</em> chart:</p><p>{picture}</p>",
                         "rationale": "<p>Because <u>so</u>.</p><table><tbody><tr><td>1</td></tr></tbody></table>"}
    sr["options"][0]["text"] = "<p>H<sub>2</sub>O</p><ul><li>wet</li></ul>"
    make_item(content=sr)
    make_item(kind="constructed_response", domain="DSS", content=cr_content(
        scenario="<p>A <strong>tense</strong> visit.</p><ol><li>Arrival</li></ol>",
        prompts=("What do you <em>notice</em>?", "And then?")) | {"format": "xhtml"})
    before = exporting.bank_document()
    if fmt == "json":
        path = write_json(tmp_path, before, "export.json")
    else:
        path = tmp_path / "export.zip"
        path.write_bytes(exporting.qti_package()[0])
    for entry in db.session.scalars(db.select(Item)):
        db.session.delete(entry)
    db.session.flush()

    plan = run(path, roles={Role.ADMIN}, keep_statuses=True)

    assert plan.ok, [str(p) for p in plan.problems]
    after = exporting.bank_document()
    for document in (before, after):  # the importer is the author; the file's author is provenance
        for version in (version for item in document["items"] for version in item["versions"]):
            version.pop("author")
    assert after == before
    assert db.session.scalar(db.select(Item).where(Item.kind == "selected_response")).latest.images == [image]


def test_qti_import_keeps_supported_markup_and_drops_images_it_cannot_find(tmp_path, domains, db):
    from tests.item_bank.test_importing import QTI_NS, run

    (tmp_path / "item.xml").write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem {QTI_NS} identifier="RICH-1" title="Rich" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
    <correctResponse><value>A</value></correctResponse></responseDeclaration>
  <itemBody>
    <p>Look at <img src="images/chart.png" alt="a growth chart"/> and <span class="x">this</span>:</p>
    <ul><li>first</li><li onclick="attest_pwned()">second</li></ul>
    <choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="1">
      <simpleChoice identifier="A"><strong>Yes</strong></simpleChoice>
      <simpleChoice identifier="B">No</simpleChoice>
      <simpleChoice identifier="C">Maybe</simpleChoice>
    </choiceInteraction>
  </itemBody>
</assessmentItem>""")

    plan = run(tmp_path / "item.xml", default_domain=domains["TF"])

    assert plan.ok, [str(p) for p in plan.problems]
    content = db.session.scalar(db.select(ItemVersion)).content
    assert content["format"] == "xhtml"
    assert content["stem"] == "<p>Look at [image: a growth chart] and this:</p><ul><li>first</li><li>second</li></ul>"
    assert content["options"][0]["text"] == "<strong>Yes</strong>"
    assert not re.search("attest_pwned|<img", json.dumps(content))
