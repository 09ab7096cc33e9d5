"""Images in the item bank: what an upload may be, and who is sent an image."""

import hashlib
import io

import pytest
from PIL import Image

from accounts.roles import Role
from audit.models import AuditEntry
from exam import delivery
from item_bank import images
from tests.conftest import sign_in
from tests.exam_fixtures import BY, T0


def image_bytes(fmt="PNG", size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format=fmt)
    return buffer.getvalue()


def upload(client, data, name="figure.png", alt=""):
    return client.post("/item-bank/images", data={"image": (io.BytesIO(data), name), "alt": alt},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("fmt, content_type", [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif"),
                                               ("WEBP", "image/webp")])
def test_a_writer_uploads_an_image_and_gets_its_address(fmt, content_type, client, login_as):
    login_as(Role.ITEM_WRITER)
    data = image_bytes(fmt)

    response = upload(client, data, alt="A growth chart")

    digest = hashlib.sha256(data).hexdigest()
    assert response.status_code == 201 and response.headers["Location"] == f"/item-bank/images/{digest}"
    shown = client.get(response.headers["Location"])
    assert shown.status_code == 200 and shown.mimetype == content_type and shown.data == data
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    assert images.by_digest(digest).alt == "A growth chart"


def test_the_same_image_twice_is_kept_once_and_its_upload_audited(client, login_as, db):
    writer = login_as(Role.ITEM_WRITER)

    first, second = upload(client, image_bytes()), upload(client, image_bytes(), name="again.png")

    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(db.select(db.func.count()).select_from(images.ItemImage)) == 1
    entries = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "item.image_uploaded")).all()
    assert [(entry.actor_id, entry.object_type) for entry in entries] == [(writer.id, "item_images")]


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'


@pytest.mark.parametrize("data, name, reason", [
    (SVG, "figure.svg", "Only PNG, JPEG, GIF and WebP images are accepted."),
    (SVG, "figure.png", "Only PNG, JPEG, GIF and WebP images are accepted."),  # the name decides nothing
    (b"\x89PNG\r\n\x1a\n<script>alert(1)</script>", "figure.png", "The file is damaged or not a complete image."),
    (b"", "figure.png", "The file is empty."),
])
def test_what_is_not_a_plain_image_is_refused_saying_why(data, name, reason, client, login_as, db):
    login_as(Role.ITEM_WRITER)

    response = upload(client, data, name=name)

    assert response.status_code == 400 and response.get_data(as_text=True) == reason
    assert db.session.scalar(db.select(db.func.count()).select_from(images.ItemImage)) == 0


def test_an_upload_without_an_image_is_refused(client, login_as):
    login_as(Role.ITEM_WRITER)

    response = client.post("/item-bank/images", data={"alt": "nothing"})

    assert response.status_code == 400 and response.get_data(as_text=True) == "Choose an image to upload."


def test_an_image_too_large_is_refused():
    with pytest.raises(images.ImageRefused, match="Images may be 2 MB at most."):
        images.check(b"\x89PNG\r\n\x1a\n" + b"\0" * images.MAX_BYTES)
    with pytest.raises(images.ImageRefused, match="5001 × 5001 pixels"):
        images.check(image_bytes("GIF", (5001, 5001)))


def test_only_writers_upload(client, login_as):
    login_as(Role.CANDIDATE, Role.RATER)

    assert upload(client, image_bytes()).status_code == 403


# Who is sent an image

@pytest.fixture
def stored_image(db, writer):
    image = images.store(image_bytes(), "A chart", writer)
    db.session.commit()
    return image


@pytest.fixture
def form_showing(stored_image, make_item, make_blueprint, db):
    """A published form whose one question's stem shows the image."""
    from item_bank.assembly import assemble_forms, publish_form
    from tests.item_bank_fixtures import sr_content

    stem = f'<p>Read the chart.</p><p><img src="{images.url_of(stored_image)}" alt="A chart"></p>'
    make_item(domain="TF", content=sr_content() | {"stem": stem, "format": "xhtml"})
    blueprint = make_blueprint([{"title": "Part", "time_limit_minutes": 10,
                                 "rows": [{"domain": "TF", "kind": "selected_response", "count": 1}]}])
    (form,) = assemble_forms(blueprint, ["IMG-1"], BY, seed=1)
    publish_form(form, BY)
    db.session.commit()
    assert form.form_items[0].item_version.images == [stored_image]
    return form


@pytest.fixture
def sitting(form_showing, create_user, db):
    """sitting(): a candidate started on the form showing the image, and their attempt."""
    from exam import sessions

    session = sessions.create_session("Images", form_showing, T0, T0.replace(hour=17), "Room", "IMG123", 30, BY)

    def sit():
        candidate = create_user(Role.CANDIDATE)
        sessions.enroll(session, candidate, BY)
        attempt = delivery.join(session, candidate.id, "IMG123", T0, BY)
        delivery.agree(attempt, T0, BY)
        db.session.commit()
        return candidate, attempt

    return sit


def test_a_candidate_is_sent_the_images_of_their_open_attempt_only(app, sitting, stored_image, create_user, db):
    candidate, attempt = sitting()
    unrelated = create_user(Role.CANDIDATE)
    viewers = app.extensions["item_image_viewers"]

    assert images.may_see(candidate, stored_image, viewers)
    assert not images.may_see(unrelated, stored_image, viewers)
    delivery.finish(attempt, T0, "submitted")
    db.session.commit()
    assert not images.may_see(candidate, stored_image, viewers)


def test_staff_who_see_items_are_sent_any_image(stored_image, create_user):
    for role in images.STAFF:
        assert images.may_see(create_user(role), stored_image)
    assert not images.may_see(create_user(Role.PROCTOR), stored_image)


def test_the_image_route_answers_404_to_whoever_may_not_see_it(app, sitting, stored_image, create_user):
    candidate, _ = sitting()
    address = images.url_of(stored_image)

    def get_as(user):
        browser = app.test_client()
        assert sign_in(browser, user.email).status_code == 302
        return browser.get(address).status_code

    assert get_as(candidate) == 200
    assert get_as(create_user(Role.CANDIDATE)) == 404
    assert get_as(create_user(Role.PROCTOR)) == 404
    assert app.test_client().get(address).status_code == 302
