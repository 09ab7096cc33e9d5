"""The candidate's portfolio: one page per application with the live
checklist and every section's entries and forms; documents as downloads; the
competency record (HTML to print, and PDF) for the candidate and coordinators."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from accounts import navigation
from accounts.access import current_actor, roles_required
from accounts.forms import ConfirmForm
from accounts.roles import COORDINATORS, Role
from clock import utcnow
from competencies import documents, pdf, portfolio, record, references, review, rules, supervision_log, verification
from competencies.forms import (
    CategoryForm,
    DocumentForm,
    EducationForm,
    EthicsForm,
    MembershipForm,
    ReferenceRequestForm,
    StartForm,
    SupervisionForm,
    SupervisionLogForm,
    TrainingForm,
    TranscriptForm,
    WorkForm,
)
from competencies.models import Application
from competencies.portfolio import PortfolioRefused
from competencies.supervision_log import LogRefused
from competencies.uploads import UploadRefused
from extensions import db
from item_bank.domains import all_domains

bp = Blueprint("portfolio", __name__)
navigation.declare(bp, links={Role.CANDIDATE: [(10, "Endorsement portfolio", ".index")]})



def _today():
    return utcnow().date()


def _own(application_id):
    return portfolio.own_application(application_id, current_user.id) or abort(404)


def _visible(application_id):
    """The owner's application, or any for coordinators and admins; a 404 for anyone else."""
    if current_user.has_role(*COORDINATORS):
        return db.session.get(Application, application_id) or abort(404)
    return _own(application_id)


def _choices(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


def _forms(application, given):
    """Every section's form, filled with the category's choices; `given` holds a form just posted."""
    forms = {"education": EducationForm(prefix="education"), "training": TrainingForm(prefix="training"),
             "work": WorkForm(prefix="work"), "supervision": SupervisionForm(prefix="supervision"),
             "document": DocumentForm(prefix="document"), "ethics": EthicsForm(prefix="ethics"),
             "membership": MembershipForm(prefix="membership", association=application.membership_association,
                                          number=application.membership_number,
                                          expires=application.membership_expires),
             "reference": ReferenceRequestForm(prefix="reference"), "category": CategoryForm(prefix="category",
                                                                                             category=application.category),
             "transcript": TranscriptForm(prefix="transcript"), "supervision_log": SupervisionLogForm(prefix="log"),
             "confirm": ConfirmForm()}
    forms.update(given)
    return _fill_choices(application, forms)


def _fill_choices(application, forms):
    forms["training"].domains.choices = _choices((domain.code, f"{domain.code}: {domain.name}")
                                                 for domain in all_domains())
    forms["training"].topic.choices = _choices([("", "None in particular")] + [
        (topic, topic) for topic in portfolio.training_topics(application)])
    forms["work"].kind.choices = _choices(portfolio.work_kinds(application))
    forms["work"].activities.choices = _choices((activity, activity) for activity in
                                                portfolio.category_of(application).leadership_activities)
    forms["reference"].relationship.choices = _choices(references.relationships(application))
    forms["category"].category.choices = _choices((code, category.label) for code, category in
                                                  portfolio.definition_of(application).categories.items())
    return forms


def _page(application, code=200, transcript_entry=None, **given):
    checklist = portfolio.checklist(application, _today())
    return render_template("competencies/application.html", application=application,
                           checklist=checklist, forms=_forms(application, given), transcript_entry=transcript_entry,
                           supervision=next((result for result in checklist
                                             if result.kind == "reflective_supervision"), None),
                           reviewed=portfolio.reviewed_at(application), edited_after_review=portfolio.edited_after_review,
                           category=portfolio.category_of(application),
                           definition=portfolio.definition_of(application),
                           work_labels=dict(portfolio.work_kinds(application)),
                           relationship_label=references.relationship_label,
                           can_edit=portfolio.can_edit(application), scale=references.SCALE,
                           can_add=lambda kind: portfolio.can_add(application, portfolio.ENTRY_KINDS[kind]),
                           ethics_version=portfolio.requirement_of(application, "ethics")["version"],
                           can_set_membership=portfolio.can_set_membership(application),
                           domains=all_domains()), code


def _refused(application, refusal, form=None, field=None, **given):
    """The page again, the refusal beside the field it is about (the refusal's own, else `field`), else atop
    `form`; flashed only when no form was sent."""
    if form is None:
        flash(str(refusal), "error")
        return _page(application, 400, **given)
    name = getattr(refusal, "field", None) or field
    if name:
        form[name].errors = [*form[name].errors, str(refusal)]
    else:
        form.form_errors.append(str(refusal))
    return _page(application, 400, **given)


@bp.route("/portfolio")
@roles_required(Role.CANDIDATE)
def index():
    """Candidates: their applications, and starting one."""
    start = StartForm()
    known = portfolio.endorsements()
    start.endorsement.choices = _choices((code, f"{d.name} (Level {d.level})") for code, d in known.items())
    start.category.choices = _choices(sorted({(code, category.label) for d in known.values()
                                              for code, category in d.categories.items()}))
    return render_template("competencies/index.html", applications=portfolio.applications_of(current_user.id),
                           start=start, endorsements=known)


@bp.route("/portfolio/start", methods=["POST"])
@roles_required(Role.CANDIDATE)
def start():
    """Candidates: start an application for an endorsement in a category."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        application = portfolio.start(current_user.id, request.form.get("endorsement", ""),
                                      request.form.get("category", ""), current_actor())
    except PortfolioRefused as refusal:
        flash(str(refusal), "error")
        return redirect(url_for("portfolio.index"))
    db.session.commit()
    flash("Application started. Add your evidence in any order; the checklist shows what is still needed.",
          "success")
    return redirect(url_for("portfolio.application", application_id=application.id))


@bp.route("/portfolio/<int:application_id>")
@roles_required(Role.CANDIDATE)
def application(application_id):
    """Candidates, on their own application: the checklist and every section."""
    application = _own(application_id)
    if review.settle_exam(application, current_actor()):
        db.session.commit()
    return _page(application)[0]


@bp.route("/portfolio/<int:application_id>/category", methods=["POST"])
@roles_required(Role.CANDIDATE)
def change_category(application_id):
    """Candidates, on their own draft: change the category."""
    application = _own(application_id)
    form = _forms(application, {"category": CategoryForm(prefix="category")})["category"]
    if not form.validate_on_submit():
        return _page(application, 400, category=form)
    try:
        portfolio.change_category(application, form.category.data, current_actor())
    except PortfolioRefused as refusal:
        return _refused(application, refusal, form, category=form)
    db.session.commit()
    flash(f"Category changed to {portfolio.category_of(application).label}.", "success")
    return redirect(url_for("portfolio.application", application_id=application.id))


def _entry_values(kind, form):
    values = {name: value for name, value in form.data.items()
              if name not in ("csrf_token", "transcript", "other_activities")}
    if kind == "work":
        written = [line.strip() for line in (form.other_activities.data or "").splitlines() if line.strip()]
        values["activities"] = list(values["activities"] or []) + written
    if kind == "supervision":
        values["provider_email"] = values["provider_email"] or ""
    if kind == "training":
        values["topic"] = values["topic"] or ""
    return values


ENTRY_FORMS = {"education": EducationForm, "training": TrainingForm, "work": WorkForm, "supervision": SupervisionForm}


@bp.route("/portfolio/<int:application_id>/<any(education, training, work, supervision):kind>", methods=["POST"])
@roles_required(Role.CANDIDATE)
def add_entry(application_id, kind):
    """Candidates, on their own application: add an education, training, work or supervision entry."""
    application = _own(application_id)
    form = _forms(application, {kind: ENTRY_FORMS[kind](prefix=kind)})[kind]
    if not form.validate_on_submit():
        return _page(application, 400, **{kind: form})
    try:
        entry = portfolio.add_entry(application, kind, _entry_values(kind, form), current_actor())
        if kind == "education" and form.transcript.data:
            upload = form.transcript.data
            entry.transcript = documents.store(application, f"Transcript: {entry.title}", upload.filename,
                                               upload.read(), current_actor())
    except (PortfolioRefused, UploadRefused) as refusal:
        db.session.rollback()
        return _refused(application, refusal, form, "transcript" if isinstance(refusal, UploadRefused) else None,
                        **{kind: form})
    db.session.commit()
    flash("Entry added.", "success")
    return redirect(url_for("portfolio.application", application_id=application.id, _anchor=kind))


@bp.route("/portfolio/<int:application_id>/<any(education, training, work, supervision):kind>/<int:entry_id>/remove",
          methods=["POST"])
@roles_required(Role.CANDIDATE)
def remove_entry(application_id, kind, entry_id):
    """Candidates, on their own application: remove an entry."""
    application = _own(application_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        portfolio.remove_entry(application, kind, entry_id, current_actor())
    except PortfolioRefused as refusal:
        return _refused(application, refusal)
    db.session.commit()
    flash("Entry removed.", "success")
    return redirect(url_for("portfolio.application", application_id=application.id, _anchor=kind))


def _entry_form(application, kind, entry):
    """The entry's form, filled from the entry (a posted form's values win); work's written-in activities
    return to their text box, and a degree's transcript is uploaded on its own."""
    form = _forms(application, {kind: ENTRY_FORMS[kind](prefix=kind, obj=entry)})[kind]
    if kind == "education":
        del form.transcript
    if kind == "work" and not form.is_submitted():
        listed = {choice.value for choice in form.activities.choices}
        form.activities.data = [activity for activity in entry.activities or () if activity in listed]
        form.other_activities.data = "\n".join(activity for activity in entry.activities or ()
                                                if activity not in listed)
    return form


def _edit_page(application, kind, entry, form, code=200):
    return render_template("competencies/edit_entry.html", application=application, kind=kind, entry=entry,
                           form=form, title=SECTIONS[kind]), code


SECTIONS = {"education": "Education", "training": "Training", "work": "Specialized work experience",
            "supervision": "Reflective supervision/consultation"}


@bp.route("/portfolio/<int:application_id>/<any(education, training, work, supervision):kind>/<int:entry_id>/edit",
          methods=["GET", "POST"])
@roles_required(Role.CANDIDATE)
def edit_entry(application_id, kind, entry_id):
    """Candidates, on their own entry while the application takes changes of its kind: edit it."""
    application = _own(application_id)
    entry = portfolio.entry_of(application, kind, entry_id) or abort(404)
    form = _entry_form(application, kind, entry)
    if not form.validate_on_submit():
        return _edit_page(application, kind, entry, form, 400 if form.is_submitted() else 200)
    try:
        edited = portfolio.edit_entry(application, kind, entry.id, _entry_values(kind, form), current_actor(),
                                      utcnow())
    except PortfolioRefused as refusal:
        db.session.rollback()
        if refusal.field:
            form[refusal.field].errors = [*form[refusal.field].errors, str(refusal)]
        else:
            form.form_errors.append(str(refusal))
        return _edit_page(application, kind, entry, form, 400)
    db.session.commit()
    flash("Entry saved." if edited.changed else "Nothing was changed.", "success")
    if edited.cleared:
        flash(f"Note: {edited.cleared}.", "warning")
    return redirect(url_for("portfolio.application", application_id=application.id, _anchor=kind))


@bp.route("/portfolio/<int:application_id>/supervision/import", methods=["POST"])
@roles_required(Role.CANDIDATE)
def import_supervision(application_id):
    """Candidates, on their own application: add a reflective supervision/consultation log from a CSV file."""
    application = _own(application_id)
    form = SupervisionLogForm(prefix="log")
    if not form.validate_on_submit():
        return _page(application, 400, supervision_log=form)
    try:
        entries = supervision_log.import_log(application, form.file.data.filename or "", form.file.data.read(),
                                             current_actor(), _today())
    except (PortfolioRefused, LogRefused) as refusal:
        db.session.rollback()
        problems = getattr(refusal, "problems", [refusal])
        form.file.errors = [*form.file.errors, *(str(problem) for problem in problems)]
        return _page(application, 400, supervision_log=form)
    db.session.commit()
    flash(f"{len(entries)} sessions imported, {sum(entry.hours for entry in entries):g} clock hours.", "success")
    return redirect(url_for("portfolio.application", application_id=application.id, _anchor="supervision"))


@bp.route("/portfolio/supervision-log-template.csv")
@roles_required(Role.CANDIDATE)
def supervision_log_template():
    """Candidates: the supervision log's CSV template, its header and an example row."""
    response = Response(supervision_log.TEMPLATE, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="supervision-log.csv"'
    return response


@bp.route("/portfolio/<int:application_id>/education/<int:entry_id>/transcript", methods=["POST"])
@roles_required(Role.CANDIDATE)
def upload_transcript(application_id, entry_id):
    """Candidates, on their own application: upload the transcript of a degree or program."""
    application = _own(application_id)
    entry = next((entry for entry in application.education if entry.id == entry_id), None) or abort(404)
    form = TranscriptForm(prefix="transcript")
    if not form.validate_on_submit():
        return _page(application, 400, transcript_entry=entry.id, transcript=form)
    try:
        entry.transcript = documents.store(application, f"Transcript: {entry.title}", form.file.data.filename,
                                           form.file.data.read(), current_actor())
    except (PortfolioRefused, UploadRefused) as refusal:
        db.session.rollback()
        return _refused(application, refusal, form, "file", transcript_entry=entry.id, transcript=form)
    db.session.commit()
    flash("Transcript uploaded.", "success")
    return redirect(url_for("portfolio.application", application_id=application.id, _anchor="education"))


@bp.route("/portfolio/<int:application_id>/documents", methods=["POST"])
@roles_required(Role.CANDIDATE)
def upload_document(application_id):
    """Candidates, on their own application: upload a document."""
    application = _own(application_id)
    form = _forms(application, {"document": DocumentForm(prefix="document")})["document"]
    if not form.validate_on_submit():
        return _page(application, 400, document=form)
    try:
        documents.store(application, form.label.data or "", form.file.data.filename, form.file.data.read(),
                        current_actor())
    except (PortfolioRefused, UploadRefused) as refusal:
        db.session.rollback()
        return _refused(application, refusal, form, "file" if isinstance(refusal, UploadRefused) else None,
                        document=form)
    db.session.commit()
    flash("Document uploaded.", "success")
    return redirect(url_for("portfolio.application", application_id=application.id, _anchor="documents"))


@bp.route("/portfolio/<int:application_id>/documents/<int:document_id>/remove", methods=["POST"])
@roles_required(Role.CANDIDATE)
def remove_document(application_id, document_id):
    """Candidates, on their own application: remove a document."""
    application = _own(application_id)
    document = documents.of_application(application, document_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        stored_name = documents.remove(application, document, current_actor())
    except PortfolioRefused as refusal:
        return _refused(application, refusal)
    db.session.commit()
    documents.discard(stored_name)
    flash("Document removed.", "success")
    return redirect(url_for("portfolio.application", application_id=application.id, _anchor="documents"))


@bp.route("/portfolio/<int:application_id>/documents/<int:document_id>")
@login_required
def download(application_id, document_id):
    """The owner, coordinators and admins: the document, as a download only."""
    application = _visible(application_id)
    document = documents.of_application(application, document_id) or abort(404)
    response = send_file(documents.path_of(document), mimetype=document.content_type, as_attachment=True,
                         download_name=document.filename, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/portfolio/<int:application_id>/ethics", methods=["POST"])
@roles_required(Role.CANDIDATE)
def sign_ethics(application_id):
    """Candidates, on their own application: sign the code of ethics and endorsement agreement."""
    application = _own(application_id)
    form = EthicsForm(prefix="ethics")
    if not form.validate_on_submit():
        return _page(application, 400, ethics=form)
    try:
        portfolio.sign_ethics(application, form.typed_name.data, current_actor(), utcnow())
    except PortfolioRefused as refusal:
        return _refused(application, refusal, form, ethics=form)
    db.session.commit()
    flash(f"Signed: version {application.ethics_version}.", "success")
    return redirect(url_for("portfolio.application", application_id=application.id, _anchor="ethics"))


@bp.route("/portfolio/<int:application_id>/membership", methods=["POST"])
@roles_required(Role.CANDIDATE)
def membership(application_id):
    """Candidates, on their own application: their membership and its expiry."""
    application = _own(application_id)
    form = MembershipForm(prefix="membership")
    if not form.validate_on_submit():
        return _page(application, 400, membership=form)
    try:
        portfolio.set_membership(application, form.association.data.strip(), form.number.data.strip(),
                                 form.expires.data, current_actor())
    except PortfolioRefused as refusal:
        return _refused(application, refusal, form, membership=form)
    db.session.commit()
    flash("Membership saved.", "success")
    return redirect(url_for("portfolio.application", application_id=application.id, _anchor="membership"))


@bp.route("/portfolio/<int:application_id>/references", methods=["POST"])
@roles_required(Role.CANDIDATE)
def ask_reference(application_id):
    """Candidates, on their own application: ask someone for a reference rating; Attest mails them the link."""
    application = _own(application_id)
    form = _forms(application, {"reference": ReferenceRequestForm(prefix="reference")})["reference"]
    if not form.validate_on_submit():
        return _page(application, 400, reference=form)
    try:
        reference = references.ask(application, form.relationship.data, form.rater_name.data, form.rater_email.data,
                                   form.waived.data, current_actor(), utcnow())
    except PortfolioRefused as refusal:
        db.session.rollback()
        return _refused(application, refusal, form, reference=form)
    db.session.commit()
    flash(f"Reference request sent: Attest has emailed {reference.rater_name} the link to answer.", "success")
    return redirect(url_for("portfolio.application", application_id=application.id, _anchor="references"))


@bp.route("/portfolio/<int:application_id>/references/<int:reference_id>/withdraw", methods=["POST"])
@roles_required(Role.CANDIDATE)
def withdraw_reference(application_id, reference_id):
    """Candidates, on their own request not yet answered: withdraw it."""
    application = _own(application_id)
    reference = portfolio.reference(application, reference_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        references.withdraw(reference, current_actor(), utcnow())
    except PortfolioRefused as refusal:
        return _refused(application, refusal)
    db.session.commit()
    flash("Reference request withdrawn; its link no longer works. You can ask someone else.", "success")
    return redirect(url_for("portfolio.application", application_id=application.id, _anchor="references"))


@bp.route("/portfolio/<int:application_id>/submit", methods=["POST"])
@roles_required(Role.CANDIDATE)
def submit(application_id):
    """Candidates, on their own draft (or one sent back for more information): submit it for review."""
    application = _own(application_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        portfolio.submit(application, current_actor(), utcnow(), _today())
    except PortfolioRefused as refusal:
        return _refused(application, refusal)
    db.session.commit()
    flash("Application submitted. Coordinators will review it; you will see their decision and comments here.",
          "success")
    return redirect(url_for("portfolio.application", application_id=application.id))


@bp.route("/portfolio/<int:application_id>/record")
@login_required
def competency_record(application_id):
    """The owner, coordinators and admins: the documentation of competencies, to print."""
    application = _visible(application_id)
    staff = current_user.has_role(*COORDINATORS)
    voice = rules.THIRD_PERSON if staff else rules.SECOND_PERSON
    return render_template("competencies/record.html", record=record.competency_record(application, _today(), staff,
                                                                                        voice),
                           staff=staff, meets=record.MEETS)


@bp.route("/portfolio/<int:application_id>/record.pdf")
@login_required
def competency_record_pdf(application_id):
    """The owner, coordinators and admins: the documentation of competencies as a PDF download."""
    application = _visible(application_id)
    staff = current_user.has_role(*COORDINATORS)
    # The printed record is a document about the candidate, whoever prints it: third person.
    data = pdf.render(record.competency_record(application, _today(), staff, rules.THIRD_PERSON), staff=staff,
                      verification_address=verification.address(application))
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (f'attachment; filename="competency-record-{application.id}.pdf"')
    response.headers["Cache-Control"] = "private, no-store"
    return response
