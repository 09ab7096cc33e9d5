"""The item import under hostile files: each is refused with a message naming
the file and what is wrong, nothing is written, and nothing is unpacked or
parsed beyond what an item bank needs. Never a 500 or a hang."""

import html
import io
import json
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exam.bodies import MAX_BODY
from item_bank import importing
from item_bank.models import Item
from tests import fuzzing

MANIFEST = (b'<?xml version="1.0"?><manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"><resources>'
            b'<resource identifier="r1" type="imsqti_item_xmlv2p1" href="item.xml"/></resources></manifest>')
BOUNDARY = "attest-import-boundary"


def zipped(*members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def encrypted(data):
    """A zip whose members claim to be encrypted (general purpose flag bit 0), as a password-protected one does."""
    patched = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = patched.find(signature)
        while at != -1:
            patched[at + offset] |= 1
            at = patched.find(signature, at + 4)
    return bytes(patched)


def corrupted_member(data):
    """The package with a byte of its item's compressed data flipped, so that inflating it fails."""
    at = data.find(b"item.xml") + len(b"item.xml") + 33
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
                  b'<assessmentItem>&lol3;</assessmentItem>')
EXTERNAL_ENTITY = (b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
                   b'<assessmentItem>&secret;</assessmentItem>')

HOSTILE = [
    ("deep.json", b"[" * 100_000, "deep.json: not valid JSON for an item bank: nested too deeply"),
    ("digits.json", b'{"format": "attest-item-bank", "version": ' + b"9" * 5000 + b"}",
     "digits.json: not valid JSON for an item bank: Exceeds the limit (4300 digits)"),
    ("binary.json", b"%PDF-1.7\n\xe2\xe3\xcf\xd3", "binary.json, byte 9: not UTF-8 text"),
    ("laughs.xml", BILLION_LAUGHS, "laughs.xml: refused XML: EntitiesForbidden"),
    ("secret.xml", EXTERNAL_ENTITY, "secret.xml: refused XML: EntitiesForbidden"),
    ("program.zip", b"MZ\x90\x00" + b"\x00" * 200, "program.zip: not a readable .zip file (File is not a zip file)"),
    ("cut.zip", zipped(("imsmanifest.xml", MANIFEST))[:-30], "cut.zip: not a readable .zip file"),
    ("locked.zip", encrypted(zipped(("imsmanifest.xml", MANIFEST))), "locked.zip: not a readable .zip file"),
    ("damaged.zip", corrupted_member(zipped(("imsmanifest.xml", MANIFEST),
                                   ("item.xml", b"<assessmentItem>" + b"hello world " * 200 + b"</assessmentItem>"))),
     "damaged.zip: not a readable .zip file (Error -3 while decompressing data"),
    ("many.zip", zipped(*[(f"media/{n}.txt", b"") for n in range(20_001)]),
     "many.zip: holds 20001 files; a package may hold 20000 at most"),
    ("huge-item.zip", zipped(("imsmanifest.xml", MANIFEST), ("item.xml", b"<a>" + b" " * (6 * 1024 * 1024) + b"</a>")),
     "huge-item.zip/item.xml: unpacks to 6.0 MB; an item's XML may be 5 MB at most"),
]


@pytest.fixture(scope="module")
def bomb():
    """A 300 KB package that unpacks to 300 MB of one item file."""
    return zipped(("imsmanifest.xml", MANIFEST), ("item.xml", b"\0" * (300 * 1024 * 1024)))


def upload(client, name, data):
    """POST the import form with the file, the multipart body built by hand: the
    test client would spool a large one to a temporary file it never closes."""
    body = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="dry_run"\r\n\r\ny\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{BOUNDARY}--\r\n".encode()
    response = client.post("/items/import", data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}")
    text = html.unescape(response.get_data(as_text=True))
    response.close()
    return response.status_code, text


@pytest.mark.parametrize("name, data, message", HOSTILE, ids=[case[0] for case in HOSTILE])
def test_a_hostile_file_is_refused_by_name_and_nothing_is_written(client, login_as, domains, db, name, data, message):
    login_as("item_writer")

    status, page = upload(client, name, data)

    assert status == 200
    assert "Nothing imported" in page and message in page
    assert db.session.scalar(db.select(Item)) is None


def test_an_archive_that_unpacks_to_hundreds_of_megabytes_is_refused_unopened(client, login_as, domains, db, bomb):
    login_as("item_writer")

    status, page = upload(client, "bomb.zip", bomb)

    assert status == 200
    assert "bomb.zip: unpacks to 300 MB; a package may unpack to 200 MB at most" in page
    assert db.session.scalar(db.select(Item)) is None


def test_oversized_archives_are_refused_before_any_member_is_unpacked(monkeypatch, bomb):
    huge_item = next(data for name, data, _ in HOSTILE if name == "huge-item.zip")
    monkeypatch.setattr(zipfile.ZipFile, "read", lambda *args: pytest.fail("a member was unpacked"))

    assert [str(problem) for problem in importing.read_upload("bomb.zip", bomb).problems] == [
        "bomb.zip: unpacks to 300 MB; a package may unpack to 200 MB at most"]
    assert [str(problem) for problem in importing.read_upload("huge-item.zip", huge_item).problems] == [
        "huge-item.zip/item.xml: unpacks to 6.0 MB; an item's XML may be 5 MB at most"]


def test_a_request_over_twenty_megabytes_is_refused_with_413(client, login_as, domains):
    login_as("item_writer")

    status, page = upload(client, "bank.json", b" " * (21 * 1024 * 1024))

    assert status == 413
    assert "20 MB" in page


def test_the_exam_runners_smaller_cap_is_its_own(client, login_as, domains):
    login_as("item_writer")

    status, page = upload(client, "bank.json", b" " * (MAX_BODY + 1))

    assert status == 200
    assert "bank.json" in page and "larger than" not in page


VALID = json.dumps({"format": "attest-item-bank", "version": 1, "items": [
    {"identifier": "FUZZ-1", "kind": "selected_response", "versions": [
        {"number": 1, "status": "draft", "primary_domain": "TF",
         "content": {"stem": "Which?", "options": [{"id": "A", "text": "a"}, {"id": "B", "text": "b"}],
                     "key": ["A"]}}]}]}).encode()




@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(["bank.json", "package.zip", "item.xml", "bank.txt"]),
       data=st.one_of(st.binary(max_size=2000), fuzzing.damaged(VALID), fuzzing.damaged(zipped(("imsmanifest.xml", MANIFEST),
                                                                              ("item.xml", b"<x/>")))))
def test_any_bytes_under_any_accepted_name_are_read_or_refused_with_a_message(name, data):
    bundle = importing.read_upload(name, data)

    for problem in bundle.problems:
        assert str(problem).startswith(name) and problem.message
