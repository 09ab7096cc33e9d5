"""The audit log, for admins. Its page lives in accounts, above the log: the
log keeps who acted as a user id, and the page names them."""

from flask import Blueprint, render_template, request

from accounts import navigation, users
from accounts.access import roles_required
from accounts.roles import Role
from audit import queries
from extensions import db

bp = Blueprint("audit", __name__)
navigation.declare(bp, links={Role.ADMIN: [(20, "Audit log", ".list_entries")]})

PER_PAGE = 100


@bp.route("/admin/audit")
@roles_required(Role.ADMIN)
def list_entries():
    """Admin."""
    action = request.args.get("action") or None
    page = db.paginate(queries.entries(action), per_page=PER_PAGE)
    return render_template("audit/entries.html", page=page, action=action, actions=queries.actions(),
                           actors=users.emails_by_id(entry.actor_id for entry in page.items))
