"""Images in the item bank: uploaded by item writers, shown by rich item text
(`item_bank.rich`, by the address `/item-bank/images/<sha256>`), and served
only to those who may see an item.

An upload's type is decided by its content, never its name: PNG, JPEG, GIF or
WebP, which a browser shows without running anything (never SVG, which can
carry script), checked by Pillow and at most 2 MB. Each image is stored once,
by its SHA-256. Staff whose pages show items may see every image; the areas
above the bank declare who else may (`declare_viewers`: the exam, a candidate
whose open attempt holds an item that shows it).
"""

import hashlib
import io
import warnings

from PIL import Image
from sqlalchemy import select

from accounts.roles import Role
from audit import log
from extensions import db
from item_bank import rich
from item_bank.models import ItemImage

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 25_000_000
# Roles whose pages show item content: writing and review, item statistics and
# standard setting, rating and adjudication.
STAFF = (Role.ADMIN, Role.COORDINATOR, Role.PSYCHOMETRICIAN, Role.ITEM_WRITER, Role.RATER)


class ImageRefused(ValueError):
    """Why an upload is not kept, as a sentence for the writer."""


def _type_of(data):
    """(content type, Pillow's format name) by the first bytes, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "JPEG"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif", "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "WEBP"
    return None


def check(data):
    """The image's content type, or ImageRefused saying what is wrong with it."""
    if not data:
        raise ImageRefused("The file is empty.")
    if len(data) > MAX_BYTES:
        raise ImageRefused(f"Images may be {MAX_BYTES // (1024 * 1024)} MB at most.")
    found = _type_of(data)
    if found is None:
        raise ImageRefused("Only PNG, JPEG, GIF and WebP images are accepted.")
    content_type, image_format = found
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[image_format]) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise ImageRefused(f"The image is {width} × {height} pixels; "
                                       f"images may have {MAX_PIXELS // 1_000_000} million pixels at most.")
                image.verify()
        except ImageRefused:
            raise
        except Exception as error:  # Pillow reports bad data with many exception types
            raise ImageRefused("The file is damaged or not a complete image.") from error
    return content_type


def store(data, alt, by):
    """Keep an uploaded image (once per content) and return it; ImageRefused when it is not one."""
    content_type = check(data)
    digest = hashlib.sha256(data).hexdigest()
    image = by_digest(digest)
    if image is None:
        image = ItemImage(sha256=digest, content_type=content_type, data=data, alt=alt.strip(),
                          uploaded_by_id=by.user_id)
        db.session.add(image)
        db.session.flush()
        log.record("item.image_uploaded", by, image, sha256=digest, content_type=content_type, size=len(data))
    return image


def by_digest(digest):
    return db.session.scalar(select(ItemImage).where(ItemImage.sha256 == digest))


def url_of(image):
    return rich.IMAGE_PATH + image.sha256


def shown_by(content):
    """The bank's images the content shows; an address naming none is left out."""
    digests = {digest for _, digest in rich.image_references(content)}
    if not digests:
        return []
    return db.session.scalars(select(ItemImage).where(ItemImage.sha256.in_(digests)).order_by(ItemImage.id)).all()


def missing(content):
    """[(field path, digest)] of images the content shows that the bank does not hold."""
    held = {image.sha256 for image in shown_by(content)}
    return [(path, digest) for path, digest in rich.image_references(content) if digest not in held]


def declare_viewers(bp, rule):
    """Declare, from an area above the bank, who else may see an image:
    rule(user, image) is True for those its pages show the image to."""

    def gather(state):
        state.app.extensions.setdefault("item_image_viewers", []).append(rule)

    bp.record_once(gather)


def may_see(user, image, viewers=()):
    """Whether `user` may be sent the image: staff whose pages show items, or
    anyone a declared rule (`viewers`) lets see it."""
    if not user.is_authenticated:
        return False
    return user.has_role(*STAFF) or any(rule(user, image) for rule in viewers)
