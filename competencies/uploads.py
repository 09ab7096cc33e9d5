"""What a candidate may upload to the endorsement portfolio: a PDF, PNG or JPEG
of at most 10 MB (transcripts, certificates, membership cards).

The type is decided by the content, never by the file's name or the browser's
content type, which the uploader controls. Stored documents are only ever
served as downloads under the type found here, so the check is about refusing
what is not a plain document, not about making hostile files safe to display.
"""

import io
import math
import re
import warnings
from dataclasses import dataclass
from os.path import splitext

from PIL import Image
from werkzeug.utils import secure_filename

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 600 dpi A4 scan is about 35 million

PDF = ("application/pdf", ".pdf")
PNG = ("image/png", ".png")
JPEG = ("image/jpeg", ".jpg")

# What other uploads turn out to be, so the refusal can say so.
LOOKALIKES = (
    (b"PK\x03\x04", "is a ZIP archive; archives are not accepted"),
    (b"\x1f\x8b", "is a gzip archive; archives are not accepted"),
    (b"MZ", "is a Windows executable"),
    (b"#!", "is a script"),
)
SCRIPT_MARKERS = (b"<script", b"<?php", b"<html")

# PDF names may spell any character as #xx: "/J#61vaScript" is "/JavaScript".
ACTIVE_PDF_NAMES = ("JavaScript", "Launch", "EmbeddedFile")


def _pdf_name_pattern(name):
    def char(c):
        hex_digits = "".join(f"[{d.lower()}{d.upper()}]" if d.isalpha() else d for d in f"{ord(c):02x}")
        return f"(?:{re.escape(c)}|#{hex_digits})"

    return "/" + "".join(char(c) for c in name)


ACTIVE_PDF_CONTENT = re.compile("|".join(_pdf_name_pattern(name) for name in ACTIVE_PDF_NAMES).encode())


class UploadRefused(ValueError):
    """Why an upload is refused, naming the file."""


@dataclass(frozen=True)
class Checked:
    content_type: str  # "application/pdf" | "image/png" | "image/jpeg"
    extension: str  # ".pdf" | ".png" | ".jpg" (what we store/serve it as, whatever the name said)
    filename: str  # safe display/download name, its extension replaced by `extension`


def check(filename: str, data: bytes) -> Checked:
    """The upload's type and a safe name for it, or UploadRefused saying what is wrong."""
    name = _display_name(filename)
    _check_size(name, len(data))
    content_type, extension = _kind(name, data)
    if content_type == "application/pdf":
        _check_pdf(name, data)
    else:
        _check_image(name, data, "PNG" if extension == ".png" else "JPEG")
    return Checked(content_type, extension, _safe_filename(filename, extension))


def _display_name(filename):
    # Browsers send a bare name, but the refusal is shown and logged: keep the
    # last path part, drop control characters and bound the length.
    name = "".join(c for c in re.split(r"[\\/]", filename)[-1] if c.isprintable()).strip()
    return (name[:100] + "…" if len(name) > 100 else name) or "The file"


def _check_size(name, size):
    if not size:
        raise UploadRefused(f"{name}: is empty")
    if size > MAX_BYTES:
        # Rounded up, so a file just over the limit never reads as "10.0 MB".
        megabytes = math.ceil(size * 10 / (1024 * 1024)) / 10
        raise UploadRefused(f"{name}: is {megabytes:.1f} MB; documents may be {MAX_BYTES // (1024 * 1024)} MB at most")


def _kind(name, data):
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    # Only the first bytes are looked at: an archive is never unpacked, so a
    # zip bomb costs nothing.
    for magic, what in LOOKALIKES:
        if data.startswith(magic):
            raise UploadRefused(f"{name}: {what}")
    head = data[:1024].lower()
    if any(marker in head for marker in SCRIPT_MARKERS):
        raise UploadRefused(f"{name}: is a script or web page")
    raise UploadRefused(f"{name}: is not a PDF, PNG or JPEG file")


def _check_pdf(name, data):
    if b"%%EOF" not in data[-2048:]:
        raise UploadRefused(f"{name}: is not a complete PDF")
    if ACTIVE_PDF_CONTENT.search(data):
        raise UploadRefused(
            f"{name}: contains scripts or embedded files; upload a plain PDF, e.g. printed to PDF again"
        )


def _check_image(name, data, image_format):
    damaged = UploadRefused(f"{name}: is damaged or not a complete image")
    with warnings.catch_warnings():
        # Pillow only warns between its own limit and twice that; both are bombs.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[image_format])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            # Pillow refuses before the size can be read; its limit is above ours.
            raise UploadRefused(
                f"{name}: has more than {MAX_PIXELS // 1_000_000} million pixels, too large to be a scanned document"
            ) from None
        except Exception as error:  # Pillow reports bad data with many exception types
            raise damaged from error
    with image:
        # The header's size is known before any pixel is decoded.
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise UploadRefused(f"{name}: is {width} × {height} pixels, too large to be a scanned document")
        try:
            image.verify()
        except Exception as error:
            raise damaged from error


def _safe_filename(filename, extension):
    # The extension goes before sanitising, so a name with nothing ASCII in it
    # becomes "document.pdf", not "pdf.pdf".
    stem = secure_filename(splitext(filename)[0])
    return (stem or "document") + extension
