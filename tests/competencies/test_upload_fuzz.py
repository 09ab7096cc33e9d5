"""Portfolio uploads under generated input: any bytes under any name are
either accepted as a PDF, PNG or JPEG or refused with a message naming the
file; through the page, never a 500 and never a stored file that was refused."""

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from competencies.models import Document
from competencies.uploads import Checked, UploadRefused, check
from tests.competencies.test_uploads import pdf
from tests.competencies.test_views import BOUNDARY, multipart
from tests.conftest import sign_in
from tests.fuzzing import damaged


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "PNG")
    return buffer.getvalue()




MAGIC = st.sampled_from([b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"MZ", b"#!", b""])
CONTENT = st.one_of(st.binary(max_size=3000), st.tuples(MAGIC, st.binary(max_size=3000)).map(b"".join),
                    damaged(png()), damaged(pdf()))
NAMES = st.one_of(st.sampled_from(["transcript.pdf", "card.png", "scan.jpg", "../../etc/passwd", "a\x00b.pdf", "",
                                   "C:\\Users\\me\\card.png", "x" * 300 + ".pdf", "résumé.pdf", "証明書.png"]),
                  st.text(max_size=60))
FUZZ = settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(name=NAMES, data=CONTENT)
def test_any_bytes_under_any_name_are_accepted_as_a_document_or_refused_naming_the_file(name, data):
    try:
        checked = check(name, data)
    except UploadRefused as refusal:
        message = str(refusal)
        assert ": " in message and message.split(": ", 1)[1]
        return
    assert isinstance(checked, Checked)
    assert checked.content_type in ("application/pdf", "image/png", "image/jpeg")
    assert "/" not in checked.filename and "\\" not in checked.filename and checked.filename.endswith(checked.extension)


@pytest.fixture
def signed_in(client, candidate):
    assert sign_in(client, candidate.email).status_code == 302
    return client


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(["transcript.pdf", "card.png", "../../etc/passwd", "résumé.pdf"]), data=CONTENT)
def test_uploading_generated_files_never_fails_the_server_or_keeps_a_refused_file(signed_in, application, db,
                                                                                   name, data):
    before = db.session.query(Document).count()

    response = signed_in.post(f"/portfolio/{application.id}/documents", data=multipart(name, data),
                              content_type=f"multipart/form-data; boundary={BOUNDARY}")
    response.close()

    assert response.status_code in (302, 400)
    kept = db.session.query(Document).count() - before
    assert kept == (1 if response.status_code == 302 else 0)
