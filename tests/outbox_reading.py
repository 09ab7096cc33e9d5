"""Reading what actions queued: the outbox's rows, and where their links lead."""

import re
from urllib.parse import urlsplit

from extensions import db
from mail.models import OutboxMessage

PUBLIC_URL = "http://127.0.0.1:5000"


def queued(kind=None):
    """The queued messages, oldest first; of one kind when given."""
    query = db.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind is not None:
        query = query.where(OutboxMessage.kind == kind)
    return db.session.scalars(query).all()


def links(app, message):
    """(endpoint, values) of each link in the message's text, as the app routes
    it; the HTML part must hold the same links."""
    found = re.findall(r"https?://\S+", message.text_body)
    assert all(f'href="{url}"' in message.html_body for url in found), message.html_body
    adapter = app.url_map.bind(urlsplit(PUBLIC_URL).netloc)
    return [adapter.match(urlsplit(url).path) for url in found]
