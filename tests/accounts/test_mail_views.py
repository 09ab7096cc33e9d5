"""The outbox's pages: admins see every message, those needing attention
first, and send a failed or uncertain one again; each person reads only the
messages sent to them."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from audit.models import AuditEntry
from extensions import db
from mail.models import MessageStatus, OutboxMessage

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


@pytest.fixture
def message_to(db):
    """Factory: message_to(user=None, **fields): a message in the outbox, committed."""

    def make(user=None, **fields):
        message = OutboxMessage(**{
            "to_address": user.email if user else "pat@example.net", "to_user_id": user and user.id,
            "kind": "test.hello", "subject": "Hello", "text_body": "Hello.\n", "html_body": "<p>Hello.</p>",
            "reason": "you asked", **fields})
        db.session.add(message)
        db.session.commit()
        return message

    return make


def test_the_outbox_lists_failed_and_uncertain_messages_first(client, login_as, message_to, frozen):
    login_as("admin")
    message_to(subject="Long sent", status=MessageStatus.SENT, created_at=T0 - timedelta(days=2))
    message_to(subject="Failed", status=MessageStatus.FAILED, last_error="550 No such mailbox",
               created_at=T0 - timedelta(days=1))
    message_to(subject="Stuck", status=MessageStatus.SENDING, claimed_at=T0 - timedelta(minutes=5),
               created_at=T0 - timedelta(days=3))
    message_to(subject="Being sent", status=MessageStatus.SENDING, claimed_at=T0 - timedelta(minutes=1))
    message_to(subject="Waiting")

    page = client.get("/admin/outbox").get_data(as_text=True)

    order = sorted(["Long sent", "Failed", "Stuck", "Being sent", "Waiting"], key=lambda s: page.index(f">{s}</a>"))
    assert order == ["Failed", "Stuck", "Waiting", "Being sent", "Long sent"]
    assert "delivery uncertain" in page and "550 No such mailbox" in page
    assert 'href="/admin/outbox"' in page  # the admin's menu


def test_a_message_page_shows_the_html_part_only_inside_a_sandbox(client, login_as, message_to):
    login_as("admin")
    message = message_to(html_body='<p>Hi</p><script>alert("x")</script>', text_body="Hi <there>")

    page = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)

    assert "<script>alert" not in page
    assert ('<iframe class="mail-html" sandbox srcdoc="&lt;p&gt;Hi&lt;/p&gt;&lt;script&gt;alert(&#34;x&#34;)'
            '&lt;/script&gt;"') in page
    assert "Hi &lt;there&gt;" in page


def test_an_admin_sends_a_failed_message_again_and_it_is_audited(client, login_as, message_to, frozen):
    admin = login_as("admin")
    message = message_to(status=MessageStatus.FAILED, attempts=8, last_error="gave up")

    response = client.post(f"/admin/outbox/{message.id}/send-again")

    assert response.status_code == 302
    db.session.expire_all()
    assert (message.status, message.attempts, message.next_attempt_at) == (MessageStatus.QUEUED, 0, T0)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "mail.send_again")).one()
    assert (entry.actor_id, entry.object_id, entry.details["before"]) == (admin.id, str(message.id), "failed")


def test_a_killed_worker_s_message_is_shown_as_uncertain_and_may_be_sent_again(client, login_as, message_to, frozen):
    login_as("admin")
    message = message_to(status=MessageStatus.SENDING, attempts=1, claimed_at=T0)
    frozen.shift(timedelta(minutes=5))

    page = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    client.post(f"/admin/outbox/{message.id}/send-again")

    assert "delivery uncertain" in page and "it may have arrived" in page
    db.session.expire_all()
    assert message.status == MessageStatus.QUEUED


@pytest.mark.parametrize("status", [MessageStatus.SENT, MessageStatus.QUEUED, MessageStatus.SENDING])
def test_a_message_delivered_or_on_its_way_is_not_sent_again(client, login_as, message_to, frozen, status):
    login_as("admin")
    message = message_to(status=status, claimed_at=T0)

    page = client.post(f"/admin/outbox/{message.id}/send-again", follow_redirects=True).get_data(as_text=True)

    assert f"this one is {status}" in page and "Send again</button>" not in page
    db.session.expire_all()
    assert message.status == status
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "mail.send_again")).first() is None


def test_a_person_reads_the_messages_sent_to_them_and_no_one_else_s(client, login_as, create_user, message_to):
    me = login_as("candidate")
    mine = message_to(me, subject="Your reference arrived", status=MessageStatus.SENT, sent_at=T0)
    theirs = message_to(create_user("candidate"), subject="Someone else's news")

    listing = client.get("/messages").get_data(as_text=True)
    readable = client.get(f"/messages/{mine.id}")

    assert 'href="/messages"' in listing  # the account menu
    assert "Your reference arrived" in listing and "Someone else's news" not in listing
    assert readable.status_code == 200 and "You received this because you asked." in readable.get_data(as_text=True)
    assert "Send again" not in readable.get_data(as_text=True)
    assert client.get(f"/messages/{theirs.id}").status_code == 404
