"""The outbox's pages: every message for admins, with a way to send a failed
one again, and "what we sent you" for each signed-in person. They live in
accounts, above mail, as the audit log's page does."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from accounts import navigation
from accounts.access import current_actor, roles_required
from accounts.forms import ConfirmForm
from accounts.roles import Role
from clock import utcnow
from extensions import db
from mail import delivery, outbox
from mail.models import OutboxMessage

bp = Blueprint("mail", __name__)
navigation.declare(bp, links={Role.ADMIN: [(30, "Outbox", ".outbox_messages")]})

PER_PAGE = 50


@bp.route("/admin/outbox")
@roles_required(Role.ADMIN)
def outbox_messages():
    """Admin."""
    now = utcnow()
    page = db.paginate(outbox.for_admins(now), per_page=PER_PAGE)
    return render_template("outbox/messages.html", page=page, now=now)


@bp.route("/admin/outbox/<int:message_id>")
@roles_required(Role.ADMIN)
def outbox_message(message_id):
    """Admin."""
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    return render_template("outbox/message.html", message=message, now=utcnow(), for_admin=True,
                           confirm=ConfirmForm())


@bp.route("/admin/outbox/<int:message_id>/send-again", methods=["POST"])
@roles_required(Role.ADMIN)
def send_again(message_id):
    """Admin: queue a failed or uncertain message again."""
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        delivery.send_again(message, current_actor(), utcnow())
    except delivery.SendAgainRefused as refusal:
        flash(str(refusal), "error")
    else:
        db.session.commit()
        flash("The message is queued; the worker sends it at its next look.", "success")
    return redirect(url_for(".outbox_message", message_id=message.id))


@bp.route("/messages")
@login_required
def my_messages():
    """Anyone signed in: the messages sent to them."""
    page = db.paginate(outbox.to_person(current_user.id), per_page=PER_PAGE)
    return render_template("outbox/mine.html", page=page)


@bp.route("/messages/<int:message_id>")
@login_required
def my_message(message_id):
    """Anyone signed in, for a message sent to them; another's is 404."""
    message = outbox.one_to_person(current_user.id, message_id) or abort(404)
    return render_template("outbox/message.html", message=message, for_admin=False)
