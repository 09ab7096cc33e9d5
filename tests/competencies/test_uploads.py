"""Portfolio uploads on real files built here: a PNG and a JPEG from Pillow, a
PDF written by hand, and the hostile ones made from them (renamed scripts, a
zip bomb, images whose headers declare 64 and 400 million pixels, truncated
and scripted documents)."""

import gzip
import io
import struct
import zipfile
import zlib

import pytest
from PIL import Image

from competencies.uploads import MAX_BYTES, UploadRefused, check


def image(image_format, size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, image_format)
    return buffer.getvalue()


def pdf(catalog_extra=b"", size=None):
    """A one-page PDF with a correct xref; `size` pads it, with a comment before the xref, to exactly that many bytes."""

    def build(padding):
        objects = (
            b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        )
        document, offsets = b"%PDF-1.4\n", []
        for number, body in enumerate(objects, 1):
            offsets.append(len(document))
            document += b"%d 0 obj\n%s\nendobj\n" % (number, body)
        document += b"%" + b"x" * padding + b"\n"
        xref = len(document)
        document += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        document += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        # A fixed-width startxref keeps the length linear in the padding.
        document += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%010d\n%%%%EOF\n" % (len(objects) + 1, xref)
        return document

    document = build(0)
    return build(size - len(document)) if size else document


def refusal(filename, data):
    with pytest.raises(UploadRefused) as refused:
        check(filename, data)
    message = str(refused.value)
    assert message.startswith(f"{filename.rsplit('/', 1)[-1]}: ")
    return message


def with_dimensions(data, width, height):
    """The image with its header declaring another size, its pixels left as they were."""
    if data.startswith(b"\x89PNG"):
        ihdr = data[12:16] + struct.pack(">II", width, height) + data[24:29]
        return data[:12] + ihdr + struct.pack(">I", zlib.crc32(ihdr)) + data[33:]
    sof = data.index(b"\xff\xc0")  # baseline JPEG: FFC0, length, precision, height, width
    return data[: sof + 5] + struct.pack(">HH", height, width) + data[sof + 9 :]


@pytest.mark.parametrize(
    "filename, data, content_type, extension",
    [
        ("transcript.pdf", pdf(), "application/pdf", ".pdf"),
        ("card.png", image("PNG"), "image/png", ".png"),
        ("certificate.jpeg", image("JPEG"), "image/jpeg", ".jpg"),
    ],
)
def test_accepted_types(filename, data, content_type, extension):
    checked = check(filename, data)

    assert (checked.content_type, checked.extension) == (content_type, extension)
    assert checked.filename == filename.rsplit(".", 1)[0] + extension


def test_type_comes_from_content_not_name():
    checked = check("scan.pdf", image("PNG"))

    assert (checked.content_type, checked.extension, checked.filename) == ("image/png", ".png", "scan.png")


@pytest.mark.parametrize(
    "filename, expected",
    [
        ("../../etc/passwd.pdf", "etc_passwd.pdf"),
        ("C:\\Users\\Ana\\My Transcript.PDF", "CUsersAnaMy_Transcript.pdf"),
        ("Zeugnis Müller.pdf", "Zeugnis_Muller.pdf"),
        ("成绩单.pdf", "document.pdf"),
        ("", "document.pdf"),
    ],
)
def test_filename_is_made_safe(filename, expected):
    assert check(filename, pdf()).filename == expected


def test_empty_file_refused():
    assert refusal("notes.pdf", b"") == "notes.pdf: is empty"


def test_oversized_file_refused_with_its_size():
    message = refusal("notes.pdf", pdf(size=MAX_BYTES + 1))

    assert message == "notes.pdf: is 10.1 MB; documents may be 10 MB at most"


def test_file_of_exactly_the_limit_accepted():
    data = pdf(size=MAX_BYTES)

    assert len(data) == MAX_BYTES
    assert check("transcript.pdf", data).content_type == "application/pdf"


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"#!/bin/sh\nrm -rf ~\n", "is a script"),
        (b"<!DOCTYPE html>\n<html><body><script>fetch('/x')</script>", "is a script or web page"),
        (b"\n\n<script>alert(1)</script>", "is a script or web page"),
        (b"<?php system($_GET['c']); ?>", "is a script or web page"),
        (b"MZ\x90\x00\x03" + bytes(100), "is a Windows executable"),
        (gzip.compress(b"Official transcript", mtime=0), "is a gzip archive; archives are not accepted"),
        (b"GIF89a\x01\x00\x01\x00", "is not a PDF, PNG or JPEG file"),
        (b"Official transcript\n", "is not a PDF, PNG or JPEG file"),
    ],
)
def test_other_content_renamed_pdf_refused(data, expected):
    assert refusal("transcript.pdf", data) == f"transcript.pdf: {expected}"


def test_zip_bomb_refused_without_unpacking(monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("zeros.bin", "w") as member:
            for _ in range(50):
                member.write(bytes(1024 * 1024))
    bomb = buffer.getvalue()
    assert len(bomb) < 100_000

    def unpacking(*args, **kwargs):
        raise AssertionError("the upload check unpacked the archive")

    for module, name in ((zipfile, "ZipFile"), (zlib, "decompress"), (zlib, "decompressobj"), (Image, "open")):
        monkeypatch.setattr(module, name, unpacking)

    assert refusal("transcript.pdf", bomb) == "transcript.pdf: is a ZIP archive; archives are not accepted"


@pytest.mark.parametrize("image_format", ["PNG", "JPEG"])
def test_image_declaring_too_many_pixels_refused(image_format):
    bomb = with_dimensions(image(image_format), 8000, 8000)

    message = refusal("card.png", bomb)

    assert message == "card.png: is 8000 × 8000 pixels, too large to be a scanned document"


@pytest.mark.parametrize("side", [10000, 20000], ids=["pillow-warns", "pillow-refuses"])
def test_image_beyond_pillows_own_limit_refused(side):
    # 100 and 400 million pixels: Pillow stops at its own limit, before the size can be read.
    bomb = with_dimensions(image("PNG"), side, side)

    message = refusal("card.png", bomb)

    assert message == "card.png: has more than 50 million pixels, too large to be a scanned document"


@pytest.mark.parametrize(
    "data",
    [
        image("PNG")[:-20],
        image("PNG")[:60],
        image("PNG")[:40],
        b"\xff\xd8\xff\xe0" + bytes(50),
    ],
    ids=["png-without-end", "png-half", "png-header-only", "jpeg-garbage"],
)
def test_damaged_image_refused(data):
    assert refusal("card.png", data) == "card.png: is damaged or not a complete image"


def test_pdf_without_end_refused():
    truncated = pdf()[:-20]

    assert refusal("transcript.pdf", truncated) == "transcript.pdf: is not a complete PDF"


@pytest.mark.parametrize(
    "catalog_extra",
    [
        b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>",
        b"/OpenAction << /S /J#61vaScr#69pt /JS (app.alert\\(1\\)) >>",
        b"/OpenAction << /S /Launch /F (cmd.exe) >>",
        b"/Names << /EmbeddedFiles << /Names [] >> >>",
    ],
    ids=["javascript", "javascript-escaped", "launch", "embedded-file"],
)
def test_pdf_with_active_content_refused(catalog_extra):
    message = refusal("transcript.pdf", pdf(catalog_extra))

    assert message == (
        "transcript.pdf: contains scripts or embedded files; upload a plain PDF, e.g. printed to PDF again"
    )


def test_refusal_names_only_the_files_own_name():
    with pytest.raises(UploadRefused, match=r"^notes\.pdf: is empty$"):
        check("../../etc/notes\n.pdf", b"")
