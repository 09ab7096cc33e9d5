"""The audit log, for admins. Its page lives in accounts, above the log: the
log keeps who acted as a user id, and the page names them."""

import json

from flask import Blueprint, Response, current_app, render_template, request
from wtforms.fields.choices import SelectChoice

from accounts import audit_search, navigation, users
from accounts.access import roles_required
from accounts.forms import AuditSearchForm
from accounts.roles import Role
from audit import queries
from errors import render_error
from extensions import db

bp = Blueprint("audit", __name__)
navigation.declare(bp, links={Role.ADMIN: [(20, "Audit log", ".list_entries")]})

PER_PAGE = 100


@bp.app_template_filter("audit_details")
def audit_details(details):
    """An entry's details as JSON with its letters as written ("López", not
    "L\\u00f3pez" as `tojson` writes them for scripts); the page escapes it as text."""
    return json.dumps(details, ensure_ascii=False)


def _search_form():
    """The filters in the address, validated (choices from what the log holds)."""
    form = AuditSearchForm(request.args)
    form.action.choices = [SelectChoice("", "All actions"), *(SelectChoice(a, a) for a in queries.actions())]
    form.object_type.choices = [SelectChoice("", "Any type"),
                                *(SelectChoice(t, t) for t in queries.object_types() if t)]
    return form, form.validate()


@bp.route("/admin/audit")
@roles_required(Role.ADMIN)
def list_entries():
    """Admin."""
    form, valid = _search_form()
    page = db.paginate(queries.entries(audit_search.filters_of(form)), per_page=PER_PAGE) if valid else None
    actors = users.emails_by_id(entry.actor_id for entry in page.items) if page else {}
    return render_template("audit/entries.html", form=form, page=page, actors=actors,
                           export_query={k: v for k, v in request.args.items() if k != "page"} if valid else None)


@bp.route("/admin/audit.csv")
@roles_required(Role.ADMIN)
def export_entries():
    """Admin: the entries the page's filters let through, every page, as CSV."""
    form, valid = _search_form()
    if not valid:
        return render_error(400, "; ".join(f"{form[name].label.text}: {' '.join(errors)}"
                                           for name, errors in form.errors.items()))
    lines = audit_search.csv_lines(current_app._get_current_object(), audit_search.filters_of(form))
    return Response(lines, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'})
