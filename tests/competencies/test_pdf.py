"""The documentation of competencies PDF, from hand-made records (no
database). Text assertions read the page content streams back on the core
Helvetica path, where fpdf2 writes latin-1 text (with a TrueType font it
writes glyph ids instead)."""

import re
import zlib
from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest

from competencies import pdf
from competencies.models import ApplicationStatus
from competencies.record import CompetencyRecord, DomainRecord
from competencies.renewal import RenewalLine
from competencies.rules import RequirementResult
from competencies.written_exam import Standing


def make_record(name="Ada Lovelace", status=ApplicationStatus.ENDORSED, exam=None, renewal=()):
    application = SimpleNamespace(
        candidate=SimpleNamespace(name=name, email="ada@example.org"),
        state=status, endorsement_number="IMH-2026-0042", endorsed_on=date(2026, 5, 1), renewal_due=date(2027, 5, 1),
        verification_code="7KQ2M9XD4TRB",
        work=[SimpleNamespace(position="Home visitor", employer="Family Center", started_on=date(2019, 1, 7),
                              ended_on=date(2022, 6, 30)),
              SimpleNamespace(position="Clinical supervisor", employer="Early Years Clinic",
                              started_on=date(2022, 7, 1), ended_on=None)],
        supervision=[SimpleNamespace(hours=30, peer=False, approved=None),
                     SimpleNamespace(hours=20, peer=False, approved=True),
                     SimpleNamespace(hours=9, peer=True, approved=None),
                     SimpleNamespace(hours=7, peer=False, approved=False)])
    requirements = [RequirementResult("training", "Specialized training", True, [], ["30 clock hours"]),
                    RequirementResult("ethics", "Code of ethics", False, ["sign the code of ethics, version 2026"])]
    domains = [DomainRecord("TF", "Theoretical foundations", 12.5, ["Attachment"], [3, 4, 3, 3], 1, 14, 20),
               DomainRecord("RF", "Reflection", 0.0, [], [2], 0)]
    exam = exam or Standing("pass", SimpleNamespace(finished_at=datetime(2026, 3, 2, 15, tzinfo=timezone.utc)))
    return CompetencyRecord(application, SimpleNamespace(name="Infant Mental Health Mentor", level="IV"),
                            SimpleNamespace(label="Clinical"), requirements, domains, exam, list(renewal))


def page_text(document):
    """The decompressed content streams, latin-1, with PDF string escapes undone."""
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", document, re.S):
        try:
            chunks.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            continue
    return re.sub(r"\\([()\\])", r"\1", "\n".join(chunks))


@pytest.fixture
def core_font(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf, "DEJAVU", tmp_path / "missing.ttf")


def test_endorsed_record(core_font):
    renewal = [RenewalLine("Renewal training", "due", "Due on 1 May 2027", ["0 of 15 hours: add 15 more"])]
    document = pdf.render(make_record(renewal=renewal))
    text = page_text(document)
    assert document.startswith(b"%PDF-")
    assert "Documentation of competencies" in text
    assert "Infant Mental Health Mentor (Level IV), Clinical" in text
    assert "Ada Lovelace" in text
    assert "Endorsement number IMH-2026-0042, issued 2026-05-01, renewal due 2027-05-01" in text
    assert "Not final" not in text
    assert "12.5 h" in text and "14/20 (70%)" in text
    assert "Home visitor" in text and "present" in text
    assert "50 hours" in text
    assert "passed (attempt finished 2026-03-02)" in text
    assert "Renewal training" in text and "Due on 1 May 2027" in text
    assert "Page 1 of" in text


def test_an_endorsed_record_prints_its_verification_address_and_its_qr_code(core_font):
    address = "https://attest.example/verify/IMH-2026-0042?code=7KQ2M9XD4TRB"
    document = pdf.render(make_record(), verification_address=address)
    text = page_text(document)
    assert f"({address})" in text and "Verification code 7KQ2-M9XD-4TRB" in text
    assert b"/Subtype /Image" in document
    assert b"/Subtype /Image" not in pdf.render(make_record())


@pytest.mark.parametrize("outcome", ["pending", None])
def test_not_final_while_the_exam_is_pending_or_not_sat(core_font, outcome):
    text = page_text(pdf.render(make_record(status=ApplicationStatus.APPROVED, exam=Standing(outcome))))
    assert "Approved to sit the exam" in text
    assert "Not final" in text
    assert "Endorsement number" not in text


def test_staff_see_the_reference_figures_and_candidates_only_meets(core_font):
    staff = page_text(pdf.render(make_record(), staff=True))
    candidate = page_text(pdf.render(make_record()))
    assert "3.25 (4 ratings, 1 not" in staff and "2 (1 rating)" in staff
    assert "3.25" not in candidate and not re.search(r"\(\d+ ratings?", candidate)
    assert "Meets" in candidate and "Below Meets" in candidate


def test_non_latin_name_on_the_core_font(core_font):
    document = pdf.render(make_record(name="Zoë Łukasiewicz 李雷"), staff=True)
    text = page_text(document)
    assert "Zoë Lukasiewicz" in text


@pytest.mark.skipif(not (pdf.DEJAVU.is_file() and pdf.DEJAVU_BOLD.is_file()), reason="DejaVu Sans is not installed")
def test_non_latin_name_on_dejavu():
    for staff in (False, True):
        assert pdf.render(make_record(name="Zoë Łukasiewicz 李雷"), staff=staff).startswith(b"%PDF-")


def test_latin1():
    assert pdf.latin1("Zoë Łukasiewicz — 李") == "Zoë Lukasiewicz - ?"


def test_the_candidate_s_pdf_draws_no_judgement_from_waived_references(core_font):
    made = make_record()
    made.domains = [DomainRecord("TF", "Theoretical foundations", 12.5, ["Attachment"], [], 0, withheld=2)]

    text = page_text(pdf.render(made))

    assert "Seen by coordinators only" in text and "Judged by coordinators" in text
    assert "Meets" not in text


HEADINGS = ("Requirements", "Competency domains", "Work experience, reflective supervision and the written examination",
            "Renewal")
FOOT = 40  # pt from the bottom: below it is only the "Page X of Y" footer


def placed_text(document):
    """Per page, each text shown as (its height from the bottom of the page in pt, the text)."""
    pages = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", document, re.S):
        try:
            content = zlib.decompress(stream).decode("latin-1")
        except zlib.error:
            continue
        pages.append([(float(y), re.sub(r"\\([()\\])", r"\1", text))
                      for y, text in re.findall(r"BT [\d.]+ ([\d.]+) Td \((.*?)\) Tj ET", content)])
    return pages


@pytest.mark.parametrize("requirements", range(8, 32))
def test_a_heading_is_never_left_at_the_foot_of_a_page_without_its_content(core_font, requirements):
    """However long the requirements table grows, each heading has its table or lines under it on its own page."""
    made = make_record(renewal=[RenewalLine("Renewal training", "due", "Due on 1 May 2027", ["15 hours"])])
    made.requirements = [RequirementResult("training", f"Requirement {number}", True, [], ["30 clock hours"])
                         for number in range(requirements)]

    for page in placed_text(pdf.render(made)):
        for height, text in page:
            if text in HEADINGS:
                under = [below for below, _ in page if FOOT < below < height]
                assert under, f"{text!r} is the last thing on its page"


def test_the_renewal_reads_due_on_its_date_and_the_released_fail_its_release(core_font):
    renewal = [RenewalLine("Training hours this year", "due", "Due on 1 May 2027", ["0 of 15 hours logged"])]
    failed = Standing("fail", SimpleNamespace(finished_at=datetime(2026, 11, 20, tzinfo=timezone.utc)),
                      released_on=date(2026, 12, 3))

    text = page_text(pdf.render(make_record(status=ApplicationStatus.APPROVED, exam=failed, renewal=renewal)))

    assert "Due on 1 May 2027" in text and "Not met" not in text.split("Renewal")[-1]
    assert "Written examination: Not passed (released 3 Dec 2026)" in text
    assert "not released yet" not in text
