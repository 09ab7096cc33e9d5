"""The documentation of competencies as a PDF (A4): the record of
`record.competency_record`, for the candidate to keep or for staff to file.

Why the choices below:
- Staff see the reference ratings' mean and counts; the candidate sees only
  "Meets" / "Below Meets" / "No information", because a candidate may have
  waived access to what raters wrote, and figures would give it away.
- An issued endorsement's record carries its verification address, code
  included, as text and as a QR code (segno, a PNG fpdf2 places), so a reader
  of the paper reaches the public verification page without typing.
- Names and entries are any Unicode. DejaVu Sans, when the machine has it,
  covers most scripts; otherwise fpdf2's core Helvetica takes only latin-1,
  so every string goes through `latin1` (accents kept where latin-1 has them,
  stripped where it does not, "?" for the rest) and rendering never raises.
- The record speaks about the candidate, not to them ("the candidate's RSC
  provider"), whoever prints it: it is a document to file and show.
- A heading is kept with its content: when the heading and the first lines
  under it (`KEEP_WITH_NEXT`) do not fit above the foot of the page, the
  heading starts the next page instead of being stranded at the bottom.
"""

import io
import unicodedata
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.fonts import FontFace

import clock
from competencies import verification
from competencies.record import MEETS

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
# What NFKD does not fold: dashes, curly quotes, and letters with a stroke.
FOLDS = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                       "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Œ": "OE", "œ": "oe", "ı": "i"})
LINE = 5.5  # mm
QR_SIZE = 28  # mm: a phone reads it from an arm's length
HEADING = 4 + 12 * 0.6 + 1  # mm: the space before a heading, its line and the space after
KEEP_WITH_NEXT = 20  # mm below a heading that must fit on its page: a table's heading row and its first rows


def latin1(text):
    """`text` in latin-1 only: kept where it fits, else decomposed (NFKD) without its accents, else "?"."""
    def one(char):
        try:
            char.encode("latin-1")
            return char
        except UnicodeEncodeError:
            stripped = "".join(part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part))
            return stripped.encode("latin-1", "replace").decode("latin-1") or "?"
    return "".join(one(char) for char in str(text).translate(FOLDS))


class Document(FPDF):
    """An A4 page with "Page X of Y" at the foot, in DejaVu Sans or (failing that) latin-1 Helvetica."""

    def __init__(self):
        super().__init__(format="A4")
        self.unicode = DEJAVU.is_file() and DEJAVU_BOLD.is_file()
        if self.unicode:
            self.add_font("DejaVu", "", str(DEJAVU))
            self.add_font("DejaVu", "B", str(DEJAVU_BOLD))
        self.family = "DejaVu" if self.unicode else "Helvetica"
        self.set_auto_page_break(True, margin=18)

    def safe(self, text):
        return str(text) if self.unicode else latin1(text)

    def footer(self):
        self.set_y(-12)
        self.set_font(self.family, "", 8)
        self.cell(0, 6, f"Page {self.page_no()} of {{nb}}", align="C")

    def paragraph(self, text, size=10, style=""):
        self.set_font(self.family, style, size)
        self.multi_cell(0, LINE if size <= 10 else size * 0.6, self.safe(text), new_x="LMARGIN", new_y="NEXT")

    def heading(self, text):
        if self.will_page_break(HEADING + KEEP_WITH_NEXT):
            self.add_page()
        self.ln(4)
        self.paragraph(text, 12, "B")
        self.ln(1)

    def rows(self, headings, rows, widths):
        self.set_font(self.family, "", 9)
        with self.table(col_widths=widths, text_align="LEFT", line_height=4.5, padding=1.2,
                        headings_style=FontFace(emphasis="BOLD")) as table:
            for cells in [headings, *rows]:
                row = table.row()
                for text in cells:
                    row.cell(self.safe(text))


def _iso(day):
    return day.isoformat() if day else "—"


def _hours(value):
    return f"{value:g}"


def _details(result):
    return "\n".join(result.counted if result.met else result.missing)


def _result_rows(results):
    return [(result.title, "Met" if result.met else "Not met", _details(result)) for result in results]


def _renewal_rows(lines):
    return [(line.title, line.label, "\n".join(line.details)) for line in lines]


def _references(domain, staff):
    mean = domain.reference_mean
    if not staff:
        if mean is None:
            return "Seen by coordinators only" if domain.withheld else "No information"
        return ("Meets" if mean >= MEETS else "Below Meets") + (" (references not waived)" if domain.withheld else "")
    ratings = f"{len(domain.ratings)} rating{'' if len(domain.ratings) == 1 else 's'}"
    unknown = f", {domain.not_enough_information} not enough information" if domain.not_enough_information else ""
    return f"{mean:g} ({ratings}{unknown})" if mean is not None else f"No information ({ratings}{unknown})"


def _exam_subscore(domain):
    if domain.exam_possible is None:
        return "—"
    return f"{domain.exam_points:g}/{domain.exam_possible:g} ({domain.exam_percent:g}%)"


def _exam_line(exam):
    finished = getattr(exam.attempt, "finished_at", None)
    on = f" (attempt finished {finished.date().isoformat()})" if finished else ""
    if exam.outcome == "pass":
        return f"Written examination: passed{on}"
    if exam.outcome == "pending":
        earlier = (f"; an earlier attempt not passed (released {clock.long_date(exam.failed_on)})"
                   if exam.failed_on else "")
        return f"Written examination: taken{on}, result not released yet{earlier}"
    return f"Written examination: {exam.sentence}"


def _verification(pdf, application, address):
    pdf.paragraph("Anyone may verify this endorsement at the address below, or by scanning the code:")
    pdf.paragraph(address)
    pdf.paragraph(f"Verification code {verification.shown(application.verification_code)}")
    image = io.BytesIO()
    segno.make(address, error="m").save(image, kind="png", scale=8, border=2)
    pdf.image(image, w=QR_SIZE, h=QR_SIZE)


def _header(pdf, record, verification_address):
    application = record.application
    pdf.paragraph("Documentation of competencies", 16, "B")
    pdf.ln(2)
    pdf.paragraph(f"{record.definition.name} (Level {record.definition.level}), {record.category.label}", 11, "B")
    pdf.paragraph(application.candidate.name)
    pdf.paragraph(f"Printed {clock.utcnow().date().isoformat()}")
    if record.endorsed:
        pdf.paragraph(f"Endorsement number {application.endorsement_number}, issued {_iso(application.endorsed_on)}, "
                 f"renewal due {_iso(application.renewal_due)}")
        if verification_address:
            _verification(pdf, application, verification_address)
        return
    pdf.paragraph(f"Status: {application.state.label}")
    if not record.final:
        pdf.paragraph("Not final: the written examination result is not released yet" if record.exam.outcome == "pending"
                 else "Not final: the written examination is not sat yet", 10, "B")


def _documented(domain):
    if domain.met is None:
        return "Judged by coordinators, with the ratings the candidate waived access to"
    return "Met" if domain.met else "Not met: " + "; ".join(domain.missing)


def _domains(pdf, record, staff):
    rows = [(f"{domain.code} {domain.name}", f"{_hours(domain.training_hours)} h", _references(domain, staff),
             _exam_subscore(domain), _documented(domain))
            for domain in record.domains]
    pdf.rows(("Domain", "Training", "References", "Exam subscore", "Documented"), rows, (28, 11, 22, 16, 23))


def _experience(pdf, record):
    application = record.application
    rows = [(entry.position, entry.employer,
             f"{_iso(entry.started_on)} – {_iso(entry.ended_on) if entry.ended_on else 'present'}")
            for entry in application.work]
    if rows:
        pdf.rows(("Position", "Employer", "Period"), rows, (40, 40, 20))
    else:
        pdf.paragraph("No work experience entered.")
    hours = record.supervision_hours
    pdf.ln(2)
    pdf.paragraph(f"Reflective supervision/consultation: {_hours(hours)} hours logged (not peer, provider not refused)")
    pdf.paragraph(_exam_line(record.exam))


def render(record, staff=False, verification_address=None):
    """The documentation of competencies of `record` (a `record.CompetencyRecord`) as PDF bytes;
    `staff` shows the reference ratings' figures, otherwise only whether they meet "Meets";
    an endorsed record prints `verification_address`, with its QR code."""
    pdf = Document()
    pdf.set_title(pdf.safe(f"Documentation of competencies: {record.application.candidate.name}"))
    pdf.add_page()
    _header(pdf, record, verification_address)
    pdf.heading("Requirements")
    pdf.rows(("Requirement", "Result", "Details"), _result_rows(record.requirements), (30, 12, 58))
    pdf.heading("Competency domains")
    _domains(pdf, record, staff)
    pdf.heading("Work experience, reflective supervision and the written examination")
    _experience(pdf, record)
    if record.renewal:
        pdf.heading("Renewal")
        pdf.rows(("Requirement", "Result", "Details"), _renewal_rows(record.renewal), (30, 16, 54))
    return bytes(pdf.output())
