"""Rating screens: the rater's queue and rating page, the coordinator's
queues, assignments, corrections, conflicts and rater quality."""

import time

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from accounts import navigation
from accounts.access import current_actor, roles_required
from accounts.forms import ConfirmForm
from accounts.models import User
from accounts.roles import COORDINATORS, Role
from accounts.users import user_by_email
from clock import utcnow
from exam import sessions
from exam.models import Response
from extensions import db
from item_bank.models import Form, FormStatus
from rating import anchors, assignment, concerns, dashboards, plans, quality, ratings
from rating.forms import (
    AnchorForm,
    AssignForm,
    ConcernForm,
    ConflictForm,
    CorrectionForm,
    HandleConcernForm,
    PlanForm,
    RatingForm,
)
from rating.models import AnchorResponse, Concern, RaterConflict, Rating
from rating.responses import kind, rubric

bp = Blueprint("rating", __name__)
navigation.declare(bp, homes={Role.RATER: ".dashboard"}, links={
    Role.ADMIN: [(80, "Rating", ".overview")],
    Role.COORDINATOR: [(20, "Rating", ".overview"), (30, "Rater conflicts", ".conflicts")],
})
HANDLED_SHOWN = 20  # the latest handled concerns the overview lists under the open ones


def _form(form_id):
    form = db.session.get(Form, form_id)
    if form is None or form.status != FormStatus.PUBLISHED:
        abort(404)
    return form


def _scores_from(request_form, criteria):
    """{criterion id: int} from the radio groups; a value that is not a whole number is refused by name."""
    scores = {}
    for criterion in criteria:
        value = request_form.get(f"criterion-{criterion['id']}", "").strip()
        if value:
            try:
                scores[criterion["id"]] = int(value)
            except ValueError:
                raise ratings.RatingRefused(f"{criterion['name']}: {value!r} is not a score level") from None
    return scores


def _seconds_since(opened_at):
    try:
        return max(0, int(time.time()) - int(opened_at))
    except (TypeError, ValueError):
        return 0


@bp.route("/home/rater")
@roles_required(Role.RATER)
def dashboard():
    """Raters: my queue, my completed ratings and the time they took."""
    to_do, done = dashboards.my_ratings(current_user.id)
    return render_template("rating/dashboard.html", to_do=to_do, done=done, now=utcnow(),
                           seconds=sum(rating.seconds_spent for rating in done),
                           notices=navigation.home_notices(current_user))


@bp.route("/rating/responses/<code>", methods=["GET", "POST"])
@roles_required(Role.RATER)
def rate(code):
    """Raters, on a response they are assigned to: the vignette, the response
    and the rubric by anonymous code, with the vignette's anchor responses; an
    adjudicator also sees the first ratings, unnamed."""
    rating = ratings.assignment_for(code, current_user.id) or abort(404)
    criteria = rubric(rating.case.response)
    entry = RatingForm(obj=rating if request.method == "GET" else None)
    entered = dict(rating.scores)
    if entry.validate_on_submit():
        submit = request.form.get("action") == "submit"
        try:
            entered = _scores_from(request.form, criteria)
            ratings.save(rating, entered, entry.comments.data or "", _seconds_since(entry.opened_at.data), utcnow(),
                         current_actor(), submit=submit)
        except ratings.RatingRefused as refusal:
            db.session.rollback()
            rating = ratings.assignment_for(code, current_user.id)
            flash(str(refusal), "error")
        else:
            db.session.commit()
            flash(f"Rating of {code} submitted. Thank you." if submit else f"Draft of {code} saved.", "success")
            return redirect(url_for(".dashboard") if submit else url_for(".rate", code=code))
    return _rate_page(rating, entry, ConcernForm(formdata=None), entered)


def _rate_page(rating, entry, concern_form, entered, concern_open=False):
    entry.opened_at.data = str(int(time.time()))
    others = [other for other in rating.case.first_ratings if other.submitted] if rating.adjudication else []
    return render_template("rating/rate.html", rating=rating, case=rating.case, response=rating.case.response,
                           kind=kind(rating.case.response),
                           content=rating.case.response.form_item.item_version.content,
                           criteria=rubric(rating.case.response), entry=entry, entered=entered, others=others,
                           anchors=anchors.for_rater(rating.case), concern_form=concern_form, concern_open=concern_open,
                           concern=concerns.open_concern(rating.case, current_user.id))


@bp.route("/rating/responses/<code>/concern", methods=["POST"])
@roles_required(Role.RATER)
def raise_concern(code):
    """Raters, on a response they are assigned to: flag it for the coordinators, whatever its rating."""
    rating = ratings.assignment_for(code, current_user.id) or abort(404)
    concern_form = ConcernForm()
    if concern_form.validate_on_submit():
        try:
            concerns.raise_concern(rating.case, concern_form.reason.data, concern_form.details.data, current_user,
                                   utcnow(), current_actor())
        except concerns.ConcernRefused as refusal:
            db.session.rollback()
            rating = ratings.assignment_for(code, current_user.id)
            flash(str(refusal), "error")
        else:
            db.session.commit()
            flash(f"Concern about {code} sent to the coordinators. You may go on rating.", "success")
            return redirect(url_for(".rate", code=code))
    return _rate_page(rating, RatingForm(formdata=None, obj=rating), concern_form, dict(rating.scores),
                      concern_open=True)


@bp.route("/rating/overview")
@roles_required(*COORDINATORS)
def overview():
    """Coordinators, admins: queue sizes per form, open concerns, overdue ratings, raters' workloads."""
    now = utcnow()
    return render_template("rating/overview.html", queues=[dashboards.form_queue(form)
                                                           for form in dashboards.rated_forms()],
                           overdue=dashboards.overdue(now), workloads=dashboards.workloads(assignment.raters(), now),
                           now=now, withdraw_form=ConfirmForm(), concerns=concerns.concerns(),
                           handled=concerns.concerns(handled=True, limit=HANDLED_SHOWN))


@bp.route("/rating/forms/<int:form_id>/plan", methods=["GET", "POST"])
@roles_required(*COORDINATORS)
def plan(form_id):
    """Coordinators, admins: how the form's responses are rated and how its result is decided."""
    form = _form(form_id)
    current = plans.plan_for(form)
    editor = PlanForm(obj=current)
    if editor.validate_on_submit():
        try:
            ratings.change_plan(form, {name: getattr(editor, name).data for name in plans.FIELDS}, utcnow(),
                                current_actor())
        except plans.PlanRefused as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
        else:
            db.session.commit()
            flash(f"Rating plan of {form.code} saved.", "success")
            return redirect(url_for(".form_responses", form_id=form.id))
    return render_template("rating/plan.html", form=form, editor=editor)


@bp.route("/rating/forms/<int:form_id>/responses")
@roles_required(*COORDINATORS)
def form_responses(form_id):
    """Coordinators, admins: the form's queued responses, their raters and status; those
    not final yet unless `?show=final` or `?show=all`."""
    form = _form(form_id)
    show = request.args.get("show", "open")
    rows = dashboards.form_rows(form)
    shown = [row for row in rows if show == "all" or row.final == (show == "final")]
    choices = [(rater.id, f"{rater.name} ({rater.email})") for rater in assignment.raters()]
    return render_template("rating/responses.html", form=form, queue=dashboards.form_queue(form, rows), rows=shown,
                           show=show, rater_choices=choices, confirm_form=ConfirmForm(), now=utcnow(),
                           sessions=sessions.of_form(form))


@bp.route("/rating/forms/<int:form_id>/assign", methods=["POST"])
@roles_required(*COORDINATORS)
def assign_automatically(form_id):
    """Coordinators, admins: fill every open place, balancing workloads."""
    form = _form(form_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    assigned = assignment.assign_automatically(form, utcnow(), current_actor())
    db.session.commit()
    message = f"{len(assigned.ratings)} rating(s) assigned."
    if assigned.unstaffed:
        message += f" {assigned.unstaffed} place(s) found no eligible rater: add raters or assign by hand."
    flash(message, "success" if not assigned.unstaffed else "error")
    return redirect(url_for(".form_responses", form_id=form.id))


@bp.route("/rating/responses/<int:response_id>/assign", methods=["POST"])
@roles_required(*COORDINATORS)
def assign(response_id):
    """Coordinators, admins: put a chosen rater on a response (an adjudicator when it is in adjudication)."""
    response = db.session.get(Response, response_id) or abort(404)
    chooser = AssignForm()
    chooser.rater_id.choices = [SelectChoice(rater.id, rater.email) for rater in assignment.raters()]
    if not chooser.validate_on_submit():
        abort(400)
    case = assignment.existing_case(response)
    try:
        assignment.assign(response, db.session.get(User, chooser.rater_id.data), utcnow(), current_actor(),
                          adjudication=case is not None and case.status == "adjudication")
    except assignment.AssignmentRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
    else:
        db.session.commit()
        flash("Rater assigned.", "success")
    return redirect(url_for(".form_responses", form_id=response.attempt.session.form_id))


@bp.route("/rating/ratings/<int:rating_id>/withdraw", methods=["POST"])
@roles_required(*COORDINATORS)
def withdraw(rating_id):
    """Coordinators, admins: take an unsubmitted rating off its rater."""
    rating = db.session.get(Rating, rating_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    form_id = rating.case.response.attempt.session.form_id
    try:
        assignment.withdraw(rating, current_actor())
    except assignment.AssignmentRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
    else:
        db.session.commit()
        flash("Rating withdrawn; the place is open again.", "success")
    return redirect(request.form.get("next") == "overview" and url_for(".overview")
                    or url_for(".form_responses", form_id=form_id))


@bp.route("/rating/ratings/<int:rating_id>/correct", methods=["GET", "POST"])
@roles_required(*COORDINATORS)
def correct(rating_id):
    """Coordinators, admins: correct a submitted rating, with a reason for the audit log."""
    rating = db.session.get(Rating, rating_id) or abort(404)
    criteria = rubric(rating.case.response)
    editor = CorrectionForm(obj=rating if request.method == "GET" else None)
    entered = dict(rating.scores)
    if editor.validate_on_submit():
        try:
            entered = _scores_from(request.form, criteria)
            ratings.correct(rating, entered, editor.comments.data or "", editor.reason.data, utcnow(),
                            current_actor())
        except ratings.RatingRefused as refusal:
            db.session.rollback()
            rating = db.session.get(Rating, rating_id)
            flash(str(refusal), "error")
        else:
            db.session.commit()
            flash(f"Rating of {rating.case.code} corrected.", "success")
            return redirect(url_for(".form_responses", form_id=rating.case.response.attempt.session.form_id,
                                    show="all"))
    return render_template("rating/correct.html", rating=rating, response=rating.case.response,
                           kind=kind(rating.case.response),
                           content=rating.case.response.form_item.item_version.content, criteria=criteria,
                           editor=editor, entered=entered)


@bp.route("/rating/forms/<int:form_id>/quality")
@roles_required(Role.COORDINATOR, Role.PSYCHOMETRICIAN, Role.ADMIN)
def form_quality(form_id):
    """Coordinators, psychometricians, admins: agreement per criterion, rater severity and adjudication rates."""
    form = _form(form_id)
    return render_template("rating/quality.html", form=form, quality=quality.form_quality(form))


@bp.route("/rating/conflicts", methods=["GET", "POST"])
@roles_required(*COORDINATORS)
def conflicts():
    """Coordinators, admins: raters who must never rate a given candidate."""
    entry = ConflictForm()
    if entry.validate_on_submit():
        rater, candidate = user_by_email(entry.rater_email.data), user_by_email(entry.candidate_email.data)
        if rater is None:
            entry.rater_email.errors.append("No account has this email.")
        if candidate is None:
            entry.candidate_email.errors.append("No account has this email.")
        if rater is not None and candidate is not None:
            try:
                assignment.declare_conflict(rater, candidate, entry.reason.data, current_actor())
            except assignment.AssignmentRefused as refusal:
                db.session.rollback()
                flash(str(refusal), "error")
            else:
                db.session.commit()
                flash(f"{rater.email} will not rate {candidate.email}.", "success")
                return redirect(url_for(".conflicts"))
    return render_template("rating/conflicts.html", entry=entry, conflicts=assignment.conflicts(),
                           remove_form=ConfirmForm())


@bp.route("/rating/conflicts/<int:conflict_id>/remove", methods=["POST"])
@roles_required(*COORDINATORS)
def remove_conflict(conflict_id):
    """Coordinators, admins."""
    conflict = db.session.get(RaterConflict, conflict_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    assignment.remove_conflict(conflict, current_actor())
    db.session.commit()
    flash("Conflict removed.", "success")
    return redirect(url_for(".conflicts"))


def _anchor_forms(form, vignettes, posted=None):
    """An AnchorForm per vignette (prefixed by its form item), its choices the vignette's final cases;
    the one posted to reads the request."""
    forms = {}
    for vignette in vignettes:
        prefix = f"item-{vignette.form_item.id}"
        chooser = AnchorForm(prefix=prefix) if vignette.form_item.id == posted else AnchorForm(prefix=prefix,
                                                                                               formdata=None)
        chooser.case_id.choices = [SelectChoice(case.id, f"{case.code}: {case.final_points:g} points")
                                   for case in vignette.choices]
        forms[vignette.form_item.id] = chooser
    return forms


@bp.route("/rating/forms/<int:form_id>/anchors")
@roles_required(*COORDINATORS)
def form_anchors(form_id):
    """Coordinators, admins: each vignette's anchor responses, and the form's rated responses to choose from."""
    form = _form(form_id)
    vignettes = anchors.of_form(form)
    return render_template("rating/anchors.html", form=form, vignettes=vignettes,
                           choosers=_anchor_forms(form, vignettes), remove_form=ConfirmForm())


@bp.route("/rating/forms/<int:form_id>/items/<int:form_item_id>/anchors", methods=["POST"])
@roles_required(*COORDINATORS)
def choose_anchor(form_id, form_item_id):
    """Coordinators, admins: make a rated response an anchor of its vignette, with an annotation."""
    form = _form(form_id)
    vignettes = anchors.of_form(form)
    choosers = _anchor_forms(form, vignettes, posted=form_item_id)
    chooser = choosers.get(form_item_id) or abort(404)
    if chooser.validate_on_submit():
        case = next(case for vignette in vignettes for case in vignette.choices if case.id == chooser.case_id.data)
        try:
            anchors.choose(case, chooser.annotation.data, current_user, utcnow(), current_actor())
        except anchors.AnchorRefused as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
        else:
            db.session.commit()
            flash(f"{case.code} is an anchor response now.", "success")
            return redirect(url_for(".form_anchors", form_id=form.id))
    return render_template("rating/anchors.html", form=form, vignettes=vignettes, choosers=choosers,
                           remove_form=ConfirmForm())


@bp.route("/rating/anchors/<int:anchor_id>/remove", methods=["POST"])
@roles_required(*COORDINATORS)
def remove_anchor(anchor_id):
    """Coordinators, admins: raters no longer see the response as an anchor."""
    anchor = db.session.get(AnchorResponse, anchor_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    form_id = anchor.case.response.attempt.session.form_id
    anchors.remove(anchor, current_user, current_actor())
    db.session.commit()
    flash("Anchor removed.", "success")
    return redirect(url_for(".form_anchors", form_id=form_id))


@bp.route("/rating/concerns/<int:concern_id>", methods=["GET", "POST"])
@roles_required(*COORDINATORS)
def concern(concern_id):
    """Coordinators, admins: a flagged response with its candidate, the rater's reason, and marking it handled."""
    flagged = db.session.get(Concern, concern_id) or abort(404)
    editor = HandleConcernForm()
    if editor.validate_on_submit():
        try:
            concerns.handle(flagged, editor.note.data, current_user, utcnow(), current_actor())
        except concerns.ConcernRefused as refusal:
            db.session.rollback()
            flagged = db.session.get(Concern, concern_id)
            flash(str(refusal), "error")
        else:
            db.session.commit()
            flash(f"Concern about {flagged.case.code} marked handled.", "success")
            return redirect(url_for(".overview"))
    response = flagged.case.response
    return render_template("rating/concern.html", concern=flagged, response=response, kind=kind(response),
                           content=response.form_item.item_version.content, editor=editor)
