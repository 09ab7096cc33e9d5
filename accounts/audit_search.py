"""The audit log as admins search and export it: the filters a search form
asks for, and the CSV of exactly the entries they let through, streamed in
batches (by id, newest first) so a long log is never held in memory. Lives
in accounts, above the log, since it names who acted."""

import csv
import io
import json

from accounts import users
from audit import queries
from audit.models import AuditEntry
from extensions import db
from spreadsheet import cell

CSV_COLUMNS = ("id", "occurred_at", "person", "action", "object_type", "object_id", "origin", "details")
BATCH = 500


def filters_of(form):
    """The queries.Filters of a validated AuditSearchForm."""
    return queries.Filters(
        actor_id=form.actor.id if form.actor else None,
        action=form.action.data or None,
        object_type=form.object_type.data or None,
        object_id=(form.object_id.data or "").strip() or None,
        since=form.since.data,
        until=form.until.data,
        text=(form.text.data or "").strip() or None,
    )


def _line(values):
    out = io.StringIO()
    csv.writer(out).writerow([cell(value) for value in values])
    return out.getvalue()


def _chunk(filters, below):
    """The CSV lines of the next BATCH entries older than the entry `below`
    (None: from the newest), and the id of the last of them."""
    query = queries.entries(filters).limit(BATCH)
    if below is not None:
        query = query.where(AuditEntry.id < below)
    batch = db.session.scalars(query).all()
    emails = users.emails_by_id(entry.actor_id for entry in batch if entry.actor_id is not None)
    text = "".join(_line((entry.id, entry.occurred_at.isoformat(), emails.get(entry.actor_id, ""), entry.action,
                          entry.object_type, entry.object_id, entry.origin,
                          json.dumps(entry.details, ensure_ascii=False, sort_keys=True)))
                   for entry in batch)
    return text, batch[-1].id if batch else None


def csv_lines(app, filters):
    """The header, then the entries the filters let through, newest first, a
    batch at a time. The server reads them after the view has returned, so
    each batch is read in an app context of its own, opened and closed
    within the one step of the stream that needs it."""
    yield _line(CSV_COLUMNS)
    below = None
    while True:
        with app.app_context():
            text, below = _chunk(filters, below)
        if below is None:
            return
        yield text
