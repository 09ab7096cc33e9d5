"""Posting a message: rendered once, with the reason it was sent, and only if the action commits."""

import pytest

from extensions import db
from mail import outbox
from mail.models import OutboxMessage


@pytest.fixture
def template(app, tmp_path, monkeypatch):
    """A message template pair, `mail/hello.*`, as the areas write theirs."""
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "hello.txt").write_text('{% extends "mail/_layout.txt" %}{% block body %}Hello {{ name }}: '
                                      '{{ link("health.healthz") }}{% endblock %}')
    (folder / "hello.html").write_text('{% extends "mail/_layout.html" %}{% block body %}<p>Hello {{ name }}</p>'
                                       '{% endblock %}')
    loader = app.jinja_loader
    monkeypatch.setattr(app.jinja_loader, "searchpath", [str(tmp_path), *loader.searchpath])
    return "hello"


def test_a_posted_message_holds_both_parts_and_says_why_it_was_sent(app, template):
    with app.test_request_context(base_url="https://attest.example.org"):
        message = outbox.post("ana@example.org", "Hello", template, "you asked to be told", kind="test.hello",
                              name="Ana <b>")

        assert message.status == "queued" and message.kind == "test.hello"
        assert message.text_body.startswith("Hello Ana <b>: https://attest.example.org/healthz")
        assert "You received this because you asked to be told." in message.text_body
        assert "<p>Hello Ana &lt;b&gt;</p>" in message.html_body
        assert "You received this because you asked to be told." in message.html_body


def test_a_rolled_back_action_leaves_no_message(app, template):
    with app.test_request_context():
        outbox.post("ana@example.org", "Hello", template, "you asked", kind="test.hello", name="Ana")
        db.session.rollback()

        assert db.session.query(OutboxMessage).count() == 0


def test_outside_a_request_links_point_at_the_public_url(app, template, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://attest.example.org/exams")
    with app.app_context():
        message = outbox.post("ana@example.org", "Hello", template, "you asked", kind="test.hello", name="Ana")

        assert message.text_body.startswith("Hello Ana: https://attest.example.org/exams/healthz")
        assert outbox.link("health.healthz") == "https://attest.example.org/exams/healthz"
        db.session.rollback()
