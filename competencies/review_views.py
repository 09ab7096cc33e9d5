"""The coordinators' review: the queue of applications (with whose review
they wait for, and by when), and one application with its checklist and
evidence beside the reviewers' decisions (one form for all of a reviewer's),
the status actions, comments, and issuing and renewing the endorsement.
Staff pages speak about the candidate in the third person."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from accounts import navigation
from accounts.access import current_actor, roles_required
from accounts.forms import ConfirmForm
from accounts.roles import COORDINATORS, Role
from clock import utcnow
from competencies import conflicts, portfolio, references, renewal, review, rules
from competencies.conflicts import ConflictRefused
from competencies.forms import (
    AssignForm,
    CommentForm,
    ConflictForm,
    ConsensusForm,
    StatusForm,
    VerifyLevelForm,
    decisions_form,
)
from competencies.models import Application, ApplicationStatus
from competencies.portfolio import PortfolioRefused
from competencies.review import ReviewRefused
from extensions import db
from item_bank.domains import all_domains

bp = Blueprint("review", __name__)
navigation.declare(bp, links={
    Role.ADMIN: [(90, "Portfolio review", ".queue")],
    Role.COORDINATOR: [(10, "Portfolio review", ".queue")],
})

ACTIONS = {
    "request_information": ("Ask for more information", review.request_information),
    "approve": ("Approve to sit the exam", review.approve),
    "defer": ("Defer", review.defer),
}
# What happened, by where the action left the application (approving moves on to "exam passed" by itself
# when the candidate's released result is already a pass).
DONE = {
    ApplicationStatus.MORE_INFORMATION: "More information requested. The candidate is told and can edit the "
                                        "application and submit it again.",
    ApplicationStatus.DEFERRED: "The application is deferred.",
    ApplicationStatus.APPROVED: "Approved to sit the examination. The candidate is told.",
    ApplicationStatus.EXAM_PASSED: "Approved to sit the examination. The candidate's exam result was already "
                                   "released (pass), so the application is now Exam passed.",
}


@bp.app_template_filter("day_month")
def day_month(day):
    """"3 Dec", with the year when it is not this year's."""
    return f"{day.day} {day:%b}" + (f" {day.year}" if day.year != _today().year else "")


def _application(application_id):
    return db.session.get(Application, application_id) or abort(404)


def _today():
    return utcnow().date()


def _decisions_form(application):
    """My decisions on every requirement, filled in with those I made; a post changes only what it sends."""
    mine = {row.requirement: row for row in application.decisions
            if not row.consensus and row.reviewer_id == current_actor().user_id}
    data = {}
    for kind, row in mine.items():
        data[f"decision_{kind}"], data[f"note_{kind}"] = row.decision, row.note
    return decisions_form(review.reviewable(application))(prefix="review", data=data)


def _consensus_form(application, form=None):
    form = form or ConsensusForm(prefix="consensus")
    form.requirement.choices = [SelectChoice("", "Choose a requirement")] + [
        SelectChoice(item.kind, item.title) for item in review.requirement_reviews(application)
        if len(item.reviews) >= review.REVIEWERS_NEEDED]
    return form


def _assign_form(application, form=None):
    assignment = application.assignment
    form = form or AssignForm(prefix="assign", data={"assignee": assignment.assignee_id,
                                                     "due_on": assignment.due_on} if assignment else None)
    form.assignee.choices = [SelectChoice("", "Choose a coordinator")] + [
        SelectChoice(user.id, user.name) for user in review.assignable() if user.id != application.candidate_id]
    return form


def _status_form(form=None):
    form = form or StatusForm(prefix="status")
    # No action is chosen for the coordinator: each one changes the application and tells the candidate.
    form.action.choices = [SelectChoice("", "Choose an action")] + [
        SelectChoice(code, label) for code, (label, _) in ACTIONS.items()]
    return form


def _page(application, code=200, **given):
    if review.settle_exam(application, current_actor()):
        db.session.commit()
    return render_template(
        "competencies/review.html", application=application,
        checklist=portfolio.checklist(application, _today(), rules.THIRD_PERSON),
        reviews=review.requirement_reviews(application),
        decisions_form=given.get("decisions") or _decisions_form(application),
        consensus_form=given.get("consensus") or _consensus_form(application),
        assign_form=given.get("assign") or _assign_form(application),
        status_form=given.get("status") or _status_form(),
        comment_form=given.get("comment") or CommentForm(prefix="comment"), confirm=ConfirmForm(),
        category=portfolio.category_of(application), work_labels=dict(portfolio.work_kinds(application)),
        relationship_label=references.relationship_label, domains=all_domains(), scale=references.SCALE,
        renewal=renewal.lines(application, _today(), rules.THIRD_PERSON) if application.renewal_due else [],
        named=conflicts.named(application), me=current_actor().user_id, today=_today(),
        reviewed=portfolio.reviewed_at(application), edited_after_review=portfolio.edited_after_review,
        overdue_since=review.overdue_since), code


def _refused(application, refusal, **given):
    flash(str(refusal), "error")
    return _page(application, 400, **given)


def _back(application, anchor=None):
    return redirect(url_for("review.application", application_id=application.id, _anchor=anchor))


@bp.route("/applications")
@roles_required(*COORDINATORS)
def queue():
    """Coordinators and admins: applications past the draft, by status, or the reviews assigned to me."""
    chosen = request.args.get("status")
    status = ApplicationStatus(chosen) if chosen in {s.value for s in ApplicationStatus} else None
    mine = request.args.get("assigned") == "me"
    return render_template("competencies/queue.html", counts=review.status_counts(), chosen=status, mine=mine,
                           applications=review.queue(status, current_actor().user_id if mine else None),
                           unverified=references.awaiting_level_verification(), today=_today(),
                           overdue_since=review.overdue_since)


@bp.route("/applications/<int:application_id>")
@roles_required(*COORDINATORS)
def application(application_id):
    """Coordinators and admins: one application, its evidence and its review."""
    return _page(_application(application_id))[0]


@bp.route("/applications/<int:application_id>/decide", methods=["POST"])
@roles_required(*COORDINATORS)
def decide(application_id):
    """Coordinators and admins: record my decisions on every requirement at once, all or none."""
    application = _application(application_id)
    form = _decisions_form(application)
    if not form.validate_on_submit():
        return _page(application, 400, decisions=form)
    try:
        changed = review.record_decisions(application, form.decisions(), current_actor(), utcnow())
    except ReviewRefused as refusal:
        db.session.rollback()
        return _refused(application, f"Nothing saved: {refusal}.", decisions=form)
    db.session.commit()
    flash(f"Saved your decisions on {', '.join(changed)}." if changed else "Nothing changed.", "success")
    return _back(application, "decisions")


@bp.route("/applications/<int:application_id>/consensus", methods=["POST"])
@roles_required(*COORDINATORS)
def record_consensus(application_id):
    """Coordinators and admins: settle a requirement the two reviewers disagree on, or overrule them."""
    application = _application(application_id)
    form = _consensus_form(application, ConsensusForm(prefix="consensus"))
    if not form.validate_on_submit():
        return _page(application, 400, consensus=form)
    try:
        review.record_consensus(application, form.requirement.data, form.decision.data, form.note.data or "",
                                current_actor(), utcnow())
    except ReviewRefused as refusal:
        db.session.rollback()
        return _refused(application, refusal, consensus=form)
    db.session.commit()
    flash("Consensus recorded.", "success")
    return _back(application, "decisions")


@bp.route("/applications/<int:application_id>/assign", methods=["POST"])
@roles_required(*COORDINATORS)
def assign(application_id):
    """Coordinators and admins: assign the application's review to a coordinator, with a due date."""
    application = _application(application_id)
    form = _assign_form(application, AssignForm(prefix="assign"))
    if not form.validate_on_submit():
        return _page(application, 400, assign=form)
    try:
        assignment = review.assign(application, form.assignee.data, form.due_on.data, current_actor(), utcnow())
    except ReviewRefused as refusal:
        db.session.rollback()
        return _refused(application, refusal, assign=form)
    db.session.commit()
    flash(f"The review is assigned to {assignment.assignee.name}, due {assignment.due_on.isoformat()}.", "success")
    return _back(application, "assignment")


@bp.route("/applications/<int:application_id>/status", methods=["POST"])
@roles_required(*COORDINATORS)
def change_status(application_id):
    """Coordinators and admins: ask for more information, approve to sit the exam, or defer."""
    application = _application(application_id)
    form = _status_form(StatusForm(prefix="status"))
    if not form.validate_on_submit():
        return _page(application, 400, status=form)
    _, action = ACTIONS[form.action.data]
    try:
        action(application, form.body.data or "", current_actor(), utcnow())
    except ReviewRefused as refusal:
        db.session.rollback()
        return _refused(application, refusal, status=form)
    db.session.commit()
    flash(DONE[application.state], "success")
    return _back(application)


@bp.route("/applications/<int:application_id>/comment", methods=["POST"])
@roles_required(*COORDINATORS)
def comment(application_id):
    """Coordinators and admins: a comment to the candidate."""
    application = _application(application_id)
    form = CommentForm(prefix="comment")
    if not form.validate_on_submit():
        return _page(application, 400, comment=form)
    review.comment(application, form.body.data, current_actor(), utcnow())
    db.session.commit()
    flash("Comment sent to the candidate.", "success")
    return _back(application, "comments")


def _confirmed_action(application_id, act, done):
    application = _application(application_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        act(application)
    except ReviewRefused as refusal:
        db.session.rollback()
        return _refused(application, refusal)
    db.session.commit()
    flash(done(application), "success")
    return _back(application)


@bp.route("/applications/<int:application_id>/endorse", methods=["POST"])
@roles_required(*COORDINATORS)
def endorse(application_id):
    """Coordinators and admins: issue the endorsement with its number and renewal date."""
    return _confirmed_action(application_id, lambda application: review.endorse(application, current_actor(),
                                                                                 _today()),
                             lambda application: f"Endorsement {application.endorsement_number} issued; renewal "
                                                 f"due {application.renewal_due.isoformat()}.")


@bp.route("/applications/<int:application_id>/renew", methods=["POST"])
@roles_required(*COORDINATORS)
def renew(application_id):
    """Coordinators and admins: renew the endorsement for a year, once the renewal is met."""
    return _confirmed_action(application_id, lambda application: review.renew(application, current_actor(), _today()),
                             lambda application: f"Renewed: next renewal due {application.renewal_due.isoformat()}.")


@bp.route("/applications/<int:application_id>/education/<int:entry_id>/<any(accept, refuse):verdict>", methods=["POST"])
@roles_required(*COORDINATORS)
def accept_degree(application_id, entry_id, verdict):
    """Coordinators and admins: accept or refuse a degree outside the endorsement's list."""
    return _confirmed_action(application_id, lambda application: review.accept_degree(
        application, entry_id, verdict == "accept", current_actor()),
        lambda application: "Degree accepted." if verdict == "accept" else "Degree not accepted.")


@bp.route("/applications/<int:application_id>/supervision/<int:entry_id>/<any(approve, refuse):verdict>",
          methods=["POST"])
@roles_required(*COORDINATORS)
def approve_provider(application_id, entry_id, verdict):
    """Coordinators and admins: approve or refuse a reflective supervision/consultation provider."""
    return _confirmed_action(application_id, lambda application: review.approve_provider(
        application, entry_id, verdict == "approve", current_actor()),
        lambda application: "Provider approved." if verdict == "approve" else "Provider refused: those hours "
                                                                              "no longer count.")


@bp.route("/applications/<int:application_id>/references/<int:reference_id>/verify-level", methods=["POST"])
@roles_required(*COORDINATORS)
def verify_reference_level(application_id, reference_id):
    """Coordinators and admins: verify the endorsement level a reference gave, saying how."""
    application = _application(application_id)
    reference = portfolio.reference(application, reference_id) or abort(404)
    form = VerifyLevelForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        references.verify_level(reference, form.note.data or "", current_actor(), utcnow())
    except PortfolioRefused as refusal:
        db.session.rollback()
        return _refused(application, refusal)
    db.session.commit()
    flash(f"The Level {reference.rater_level} endorsement of {reference.rater_name} is verified.", "success")
    return _back(application, f"reference-{reference.id}")


@bp.route("/applications/<int:application_id>/conflicts", methods=["POST"])
@roles_required(*COORDINATORS)
def confirm_conflict(application_id):
    """Coordinators and admins: keep a person the candidate names off the candidate's written responses."""
    application = _application(application_id)
    form = ConflictForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        conflicts.confirm(application, form.email.data, current_actor())
    except ConflictRefused as refusal:
        db.session.rollback()
        return _refused(application, refusal)
    db.session.commit()
    flash(f"{form.email.data} is kept off this candidate's written responses.", "success")
    return _back(application, "named")
