import csv
import io
from datetime import datetime, timezone

import pytest

from accounts import audit_search
from audit import log
from audit.models import AuditEntry


def test_the_audit_log_names_who_acted_by_email(client, login_as, db):
    admin = login_as("admin")
    log.record("thing.done", log.Actor(admin.id, "10.0.0.7"), object_type="things", object_id=1)
    log.record("thing.done", log.Actor(None, "cli:someone"), object_type="things", object_id=2)
    db.session.commit()

    for path in ("/admin/audit", "/home/admin"):
        page = client.get(path).get_data(as_text=True)
        assert f"<td>{admin.email}</td>" in page and "<td>—</td>" in page, path


def test_details_show_their_letters_as_written_and_markup_as_text(client, login_as, db):
    admin = login_as("admin")
    log.record("thing.done", log.Actor(admin.id, "10.0.0.7"), object_type="things", object_id=1,
               name="Gamma López", note="<b>bold</b>")
    db.session.commit()

    page = client.get("/admin/audit").get_data(as_text=True)

    assert "Gamma López" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold</b>" not in page


@pytest.fixture
def logged(login_as, create_user, db, time_machine):
    """An admin signed in, and four entries written by others on two days, each with a word of its own."""
    ana, ben = create_user("coordinator", email="ana@example.org"), create_user("rater", email="ben@example.org")
    written = [
        (datetime(2026, 3, 1, 23, 0), ana, "form.published", "forms", 7, {"note": "alpha"}),
        (datetime(2026, 3, 2, 8, 0), ana, "form.published", "forms", 8, {"note": "beta"}),
        (datetime(2026, 3, 2, 9, 0), ben, "rating.submitted", "ratings", 7, {"note": "Gamma López"}),
        (datetime(2026, 3, 3, 9, 0), ben, "rating.submitted", "ratings", 9, {"note": "=HYPERLINK(\"x\")"}),
    ]
    for at, who, action, object_type, object_id, details in written:
        time_machine.move_to(at.replace(tzinfo=timezone.utc), tick=False)
        log.record(action, log.Actor(who.id, "10.0.0.1"), object_type=object_type, object_id=object_id, **details)
    db.session.commit()
    return login_as("admin")


def notes(client, query):
    """The notes of the entries the audit page lists for `query`, newest first."""
    page = client.get(f"/admin/audit?{query}").get_data(as_text=True)
    return [note for note in ("alpha", "beta", "Gamma", "HYPERLINK") if note in page]


@pytest.mark.parametrize("query, expected", [
    ("", ["alpha", "beta", "Gamma", "HYPERLINK"]),
    ("person=ANA@example.org", ["alpha", "beta"]),
    ("action=rating.submitted", ["Gamma", "HYPERLINK"]),
    ("object_type=forms", ["alpha", "beta"]),
    ("object_type=ratings&object_id=7", ["Gamma"]),
    ("object_id=7", ["alpha", "Gamma"]),
    ("since=2026-03-02", ["beta", "Gamma", "HYPERLINK"]),
    ("until=2026-03-02", ["alpha", "beta", "Gamma"]),
    ("since=2026-03-02&until=2026-03-02", ["beta", "Gamma"]),
    ("text=gamma", ["Gamma"]),
    ("text=López", ["Gamma"]),
    ("text=%25", []),  # a literal percent sign, not a wildcard
    ("person=ana@example.org&since=2026-03-02&text=bet", ["beta"]),
])
def test_each_audit_filter_narrows_the_entries_and_they_combine(client, logged, query, expected):
    assert notes(client, query) == expected


@pytest.mark.parametrize("query, message", [
    ("since=2026-13-01", "From: Enter a date as YYYY-MM-DD."),
    ("until=yesterday", "To: Enter a date as YYYY-MM-DD."),
    ("since=2026-03-02&until=2026-03-01", "To: Give a day on or after the From date."),
    ("person=nobody@example.org", "Person: No account has this email."),
    ("action=no.such", "Action: Not a valid choice."),
])
def test_a_wrong_filter_is_named_and_lists_nothing(client, logged, query, message):
    page = client.get(f"/admin/audit?{query}").get_data(as_text=True)

    assert message in page and "Correct the filters to see entries." in page
    assert "alpha" not in page and "audit.csv" not in page
    assert client.get(f"/admin/audit.csv?{query}").status_code == 400


def test_the_csv_holds_exactly_the_filtered_entries_with_formulas_quoted(client, logged, monkeypatch):
    monkeypatch.setattr(audit_search, "BATCH", 1)  # one entry a batch: the stream goes on to the last
    page = client.get("/admin/audit?action=rating.submitted&page=1").get_data(as_text=True)
    assert 'href="/admin/audit.csv?action=rating.submitted"' in page

    response = client.get("/admin/audit.csv?action=rating.submitted")

    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["id", "occurred_at", "person", "action", "object_type", "object_id", "origin", "details"]
    assert [row[1:7] for row in rows[1:]] == [
        ["2026-03-03T09:00:00+00:00", "ben@example.org", "rating.submitted", "ratings", "9", "10.0.0.1"],
        ["2026-03-02T09:00:00+00:00", "ben@example.org", "rating.submitted", "ratings", "7", "10.0.0.1"],
    ]
    assert [row[7] for row in rows[1:]] == ['{"note": "=HYPERLINK(\\"x\\")"}', '{"note": "Gamma López"}']


def test_a_formula_in_a_cell_is_quoted(client, logged, db):
    log.record("=cmd|' /C calc'!A0", log.Actor(None, "cli:x"), object_type="things")
    db.session.commit()

    rows = list(csv.reader(io.StringIO(client.get("/admin/audit.csv?object_type=things").get_data(as_text=True))))

    assert rows[1][3] == "'=cmd|' /C calc'!A0"


@pytest.mark.parametrize("role", ["coordinator", "psychometrician", "proctor", "rater", "candidate", "item_writer"])
def test_only_admins_may_export_the_audit_log(client, login_as, db, role):
    log.record("thing.done", log.Actor(None, "cli:x"), object_type="things", secret="kept")
    db.session.commit()
    login_as(role)

    response = client.get("/admin/audit.csv")

    assert response.status_code == 403 and "kept" not in response.get_data(as_text=True)
    assert db.session.query(AuditEntry).count() >= 1
