"""The reflective supervision/consultation log from a CSV file, through the
candidate's page: a good file adds every session and the 50-hour window
summary follows; a file with one bad row adds nothing and names its line and
column; Excel's byte order mark is read; too large a file is refused; the
template imports as it is."""

from datetime import timedelta
from io import BytesIO

from sqlalchemy import select

from audit.models import AuditEntry
from competencies import supervision_log
from competencies.models import SupervisionEntry
from tests.competencies.conftest import TODAY
from tests.competencies.test_views import page, signed_in  # noqa: F401 (a fixture)

HEADER = "date,hours,supervisor,format,notes\n"


def monthly(months, hours=4, start=TODAY - timedelta(days=400)):
    return "".join(f"{(start + timedelta(days=30 * month)).isoformat()},{hours},Robin Reflective,individual,"
                   f"Session {month + 1}\n" for month in range(months))


def upload(client, application, text, encoding="utf-8", name="log.csv"):
    return client.post(f"/portfolio/{application.id}/supervision/import",
                       data={"log-file": (BytesIO(text.encode(encoding)), name)}, content_type="multipart/form-data")


def sessions(db, application):
    return db.session.scalars(select(SupervisionEntry).where(SupervisionEntry.application_id == application.id)).all()


def test_a_good_log_adds_every_session_and_the_window_summary_follows(signed_in, application, db):  # noqa: F811
    response = upload(signed_in, application, HEADER + monthly(14))

    assert response.status_code == 302
    assert len(sessions(db, application)) == 14 and sessions(db, application)[0].notes == "Session 1"
    body = page(signed_in.get(f"/portfolio/{application.id}"))
    window = f"56 hours from {(TODAY - timedelta(days=400)).isoformat()}"
    assert window in body.split('class="supervision-window"')[1].split("</p>")[0]
    (audit,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "portfolio.import_supervision"))
    assert (audit.details["sessions"], audit.details["hours"], audit.details["filename"]) == (14, 56, "log.csv")


def test_a_log_with_one_bad_row_adds_nothing_and_names_its_line_and_column(signed_in, application, db):  # noqa: F811
    rows = monthly(5).splitlines(keepends=True)
    rows[2] = rows[2].replace(",4,", ",9,")

    response = upload(signed_in, application, HEADER + "".join(rows))

    assert response.status_code == 400
    assert sessions(db, application) == []
    body = page(response)
    assert "Nothing was imported." in body
    assert "line 4, column hours: 9 is not more than 0 and at most 8" in body
    assert 'aria-describedby="log-file-hint log-file-error"' in body and '<a href="#log-file">' in body


def test_every_problem_is_listed_and_a_session_already_logged_is_a_duplicate(signed_in, application, db):  # noqa: F811
    assert upload(signed_in, application, HEADER + monthly(1)).status_code == 302
    tomorrow = "2999-01-01"

    response = upload(signed_in, application, HEADER + monthly(1) + f"03/12/2026,1,A,group,\n{tomorrow},1,,solo,\n")

    body = page(response)
    assert "line 2: repeats a session that is already in your log" in body
    assert "line 3, column date: &#39;03/12/2026&#39; is not a date written YYYY-MM-DD" in body
    assert f"line 4, column date: {tomorrow} is in the future" in body
    assert "line 4, column supervisor: is empty" in body and "line 4, column format: &#39;solo&#39;" in body
    assert len(sessions(db, application)) == 1


def test_excel_s_utf8_with_a_byte_order_mark_is_read(signed_in, application, db):  # noqa: F811
    text = HEADER + monthly(1).replace("Robin Reflective", "Zoë Ñúñez")

    assert upload(signed_in, application, text, "utf-8-sig").status_code == 302
    assert sessions(db, application)[0].provider_name == "Zoë Ñúñez"


def test_too_large_a_log_or_too_many_rows_is_refused(signed_in, application, db, monkeypatch):  # noqa: F811
    large = upload(signed_in, application, HEADER + "2026-01-01,1,A,group," + "x" * supervision_log.MAX_BYTES + "\n")
    assert large.status_code == 400 and "the file: is 257 KB; a log may be 256 KB at most" in page(large)
    monkeypatch.setattr(supervision_log, "MAX_ROWS", 3)
    many = upload(signed_in, application, HEADER + monthly(4))
    assert "the file: has more than 3 sessions; import it in parts" in page(many)
    assert sessions(db, application) == []


def test_the_template_downloads_and_imports_as_it_is(signed_in, application, db):  # noqa: F811
    template = signed_in.get("/portfolio/supervision-log-template.csv")
    assert template.headers["Content-Disposition"] == 'attachment; filename="supervision-log.csv"'

    assert upload(signed_in, application, template.get_data(as_text=True)).status_code == 302
    assert [entry.provider_name for entry in sessions(db, application)] == ["Robin Reflective"]
