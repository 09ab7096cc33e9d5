"""The proctor console: schedule sessions, enrol candidates, run the live board,
act on candidates, record incidents, close, report.

Proctors see and act on the sessions they are assigned to, admins on all;
anyone else's session answers 404, as if it did not exist.
"""

from datetime import timezone

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from accounts import navigation
from accounts.access import current_actor, roles_required
from accounts.roles import PROCTORS, Role
from clock import utcnow
from exam import board, identity, incidents, proctoring, reports, sessions
from exam.forms import (
    AccommodationsForm,
    ActionForm,
    AddCandidateForm,
    CloseSessionForm,
    CodeForm,
    FollowUpForm,
    IdentityCheckForm,
    IncidentForm,
    RosterForm,
    SessionActionForm,
    SessionForm,
    entity_choices,
)
from exam.models import Enrollment, ExamSession
from extensions import db

bp = Blueprint("proctor", __name__, url_prefix="/proctor")
navigation.declare(bp, links={
    Role.ADMIN: [(60, "Exam sessions", ".list_sessions")],
    Role.PROCTOR: [(10, "Exam sessions", ".list_sessions"), (20, "Schedule", ".schedule_session")],
})



def _sees_all():
    return current_user.has_role(Role.ADMIN)


def _session(session_id):
    """A session the signed-in proctor is assigned to (an admin: any); else 404."""
    session = db.session.get(ExamSession, session_id)
    if session is None or not (_sees_all() or session.proctored_by(current_user.id)):
        abort(404)
    return session


def _enrollment(session, enrollment_id):
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None or enrollment.session_id != session.id:
        abort(404)
    return enrollment


def _utc(value):
    return value.replace(tzinfo=timezone.utc) if value else None


@bp.route("/sessions")
@roles_required(*PROCTORS)
def list_sessions():
    """Proctors (their sessions) and admins (all)."""
    return render_template("proctor/sessions.html", sessions=proctoring.sessions_for(current_user.id, _sees_all()),
                           now=utcnow())


def _session_form(form, session=None):
    """Fill the form's choices (and, on GET, the session's values); the
    published forms and proctors offered, by id, for `_options`."""
    published = {str(f.id): f for f in sessions.published_forms()}
    proctors = {str(p.id): p for p in sessions.proctor_choices()}
    form.form.choices = entity_choices([(f.id, f"{f.code}: {f.name}") for f in published.values()],
                                       blank="Choose a published form")
    form.proctors.choices = entity_choices([(p.id, f"{p.name} ({p.email})") for p in proctors.values()])
    if session is not None and request.method == "GET":
        form.name.data, form.form.data = session.name, str(session.form_id)
        form.opens_at.data, form.closes_at.data = session.opens_at, session.closes_at
        form.location.data, form.capacity.data = session.location, session.capacity
        form.admission.data = "auto" if session.auto_admit else "proctor"
        form.readmit_on_resume.data, form.grace_seconds.data = session.readmit_on_resume, session.grace_seconds
        form.requires_identity_check.data = session.requires_identity_check
        form.require_seb.data = session.require_seb
        form.proctors.data = [str(p.id) for p in session.proctors]
    if request.method == "GET" and session is None and current_user.has_role(Role.PROCTOR):
        form.proctors.data = [str(current_user.id)]
    return published, proctors


def _options(form, published, offered):
    proctors = [offered[value] for value in form.proctors.data or [] if value in offered]
    if current_user.has_role(Role.PROCTOR) and not _sees_all() and current_user not in proctors:
        proctors.append(current_user._get_current_object())  # a proctor never schedules themselves out
    return sessions.Options(
        name=form.name.data, form=published[form.form.data], opens_at=_utc(form.opens_at.data),
        closes_at=_utc(form.closes_at.data), location=form.location.data, capacity=form.capacity.data,
        auto_admit=form.admission.data == "auto", readmit_on_resume=form.readmit_on_resume.data,
        requires_identity_check=form.requires_identity_check.data, require_seb=form.require_seb.data,
        grace_seconds=form.grace_seconds.data, proctors=proctors,
    )


@bp.route("/sessions/new", methods=["GET", "POST"])
@roles_required(*PROCTORS)
def schedule_session():
    """Proctors and admins."""
    form = SessionForm()
    published, proctors = _session_form(form)
    if form.validate_on_submit():
        if (earlier := form.earlier_answer()) is not None:
            return earlier
        try:
            session = sessions.schedule(_options(form, published, proctors), current_actor())
        except sessions.SessionError as error:
            db.session.rollback()
            form.form_errors.append(f"{str(error).capitalize()}.")
        else:
            return form.answer(url_for("proctor.board_page", session_id=session.id),
                               ("success", f"Session scheduled. Its access code is {session.access_code}."))
    return render_template("proctor/session_form.html", form=form, session=None)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@roles_required(*PROCTORS)
def edit_session(session_id):
    """The session's proctors and admins."""
    session = _session(session_id)
    form = SessionForm()
    published, proctors = _session_form(form, session)
    if form.validate_on_submit():
        if (earlier := form.earlier_answer()) is not None:
            return earlier
        try:
            sessions.update(session, _options(form, published, proctors), current_actor())
        except sessions.SessionError as error:
            db.session.rollback()
            form.form_errors.append(f"{str(error).capitalize()}.")
        else:
            return form.answer(url_for("proctor.board_page", session_id=session.id), ("success", "Session saved."))
    return render_template("proctor/session_form.html", form=form, session=session)


def _action_form(session):
    form = ActionForm()
    targets = sessions.move_targets(session, current_user.id, _sees_all())
    form.target.choices = entity_choices([(s.id, s.name) for s in targets], blank="Choose a session")
    return form


@bp.route("/sessions/<int:session_id>")
@roles_required(*PROCTORS)
def board_page(session_id):
    """The session's proctors and admins: the live board."""
    session = _session(session_id)
    data = board.board(session, utcnow(), current_actor())
    db.session.commit()
    return render_template("proctor/board.html", session=session, board=data, form=_action_form(session),
                           session_form=SessionActionForm(), code_form=CodeForm(), standings=proctoring.Standing)


@bp.route("/sessions/<int:session_id>/board.json")
@roles_required(*PROCTORS)
def board_json(session_id):
    """The session's proctors and admins (JSON): the board's rows and counts, polled by the page."""
    session = _session(session_id)
    data = board.board(session, utcnow(), current_actor())
    db.session.commit()
    return jsonify(data)


def _messages(outcome):
    return [("success", message) for _, message in outcome.done] + [("error", message) for _, message in outcome.refused]


@bp.route("/sessions/<int:session_id>/actions", methods=["POST"])
@roles_required(*PROCTORS)
def act(session_id):
    """The session's proctors and admins: an action on the ticked candidates.
    Terminating asks for confirmation on a page of its own."""
    session = _session(session_id)
    form = _action_form(session)
    back = request.form.get("next") or url_for("proctor.board_page", session_id=session.id)
    if not back.startswith("/proctor/"):
        back = url_for("proctor.board_page", session_id=session.id)
    if not form.validate_on_submit():
        for field_errors in form.errors.values():
            for error in field_errors:
                flash(error, "error")
        return redirect(back)
    if form.action.data == proctoring.Action.TERMINATE and form.confirmed.data != "yes":
        chosen = [_enrollment(session, e) for e in form.enrollments.data]
        return render_template("proctor/confirm_terminate.html", session=session, form=form, chosen=chosen, back=back)
    if (earlier := form.earlier_answer()) is not None:
        return earlier
    targets = {str(s.id): s for s in sessions.move_targets(session, current_user.id, _sees_all())}
    target = targets.get(form.target.data)
    try:
        outcome = proctoring.act(session, form.enrollments.data, form.action.data, utcnow(), current_actor(),
                                 reason=form.reason.data or "", minutes=form.minutes.data, target=target)
    except proctoring.ActionRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return redirect(back)
    return form.answer(back, *_messages(outcome))


@bp.route("/sessions/<int:session_id>/session-actions", methods=["POST"])
@roles_required(*PROCTORS)
def act_on_session(session_id):
    """The session's proctors and admins: pause all, resume all."""
    session = _session(session_id)
    form = SessionActionForm()
    board_url = url_for("proctor.board_page", session_id=session.id)
    if not form.validate_on_submit():
        return redirect(board_url)
    if (earlier := form.earlier_answer()) is not None:
        return earlier
    outcome = proctoring.act_on_session(session, form.action.data, utcnow(), current_actor())
    done = f"{'Paused' if form.action.data == 'pause' else 'Resumed'} {len(outcome.done)} candidate(s)."
    return form.answer(board_url, ("success", done), *[("error", message) for _, message in outcome.refused])


@bp.route("/sessions/<int:session_id>/code", methods=["POST"])
@roles_required(*PROCTORS)
def regenerate_code(session_id):
    """The session's proctors and admins: a new access code (the old one stops working).
    Asks for confirmation on a page of its own."""
    session = _session(session_id)
    form = CodeForm()
    if not (form.validate_on_submit() and form.confirmed.data == "yes"):
        form.confirmed.data = "yes"  # what the confirmation page sends
        return render_template("proctor/confirm_code.html", session=session, form=form)
    if (earlier := form.earlier_answer()) is not None:
        return earlier
    board_url = url_for("proctor.board_page", session_id=session.id)
    try:
        code = sessions.regenerate_code(session, current_actor(), form.reason.data or "")
    except sessions.SessionError as error:
        db.session.rollback()
        flash(f"{str(error).capitalize()}.", "error")
        return redirect(board_url)
    return form.answer(board_url, ("success", f"The new access code is {code}. The old one no longer admits anyone."))


@bp.route("/sessions/<int:session_id>/close", methods=["GET", "POST"])
@roles_required(*PROCTORS)
def close_session(session_id):
    """The session's proctors and admins, after confirming."""
    session = _session(session_id)
    report_url = url_for("proctor.report", session_id=session.id)
    form = CloseSessionForm()
    if form.validate_on_submit():
        if (earlier := form.earlier_answer()) is not None:
            return earlier
        try:
            finished, not_admitted = proctoring.close_session(session, utcnow(), current_actor(),
                                                              form.reason.data or "")
        except proctoring.ActionRefused as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
            return redirect(report_url)
        return form.answer(report_url, ("success", f"Session closed: {finished} attempt(s) submitted with their "
                                        f"saved answers{f', {not_admitted} never admitted' if not_admitted else ''}."))
    if session.closed:
        return redirect(report_url)
    data = board.board(session, utcnow(), current_actor())
    db.session.commit()
    return render_template("proctor/close.html", session=session, form=form, board=data)


@bp.route("/sessions/<int:session_id>/enrollment", methods=["GET", "POST"])
@roles_required(*PROCTORS)
def enrollment(session_id):
    """The session's proctors and admins: find candidates, or upload a list of emails."""
    session = _session(session_id)
    form = RosterForm()
    report = None
    if form.validate_on_submit():
        upload = form.roster.data
        try:
            text = upload.read(2_000_000).decode("utf-8-sig")
        except UnicodeDecodeError:
            form.roster.errors.append(f"{upload.filename} is not UTF-8 text: save it as CSV UTF-8.")
        else:
            report = sessions.read_roster(session, text, upload.filename or "the list")
            if report.ok:
                enrolled = sessions.enroll_roster(session, report, current_actor())
                db.session.commit()
                flash(f"Enrolled {len(enrolled)} candidate(s)"
                      f"{f'; {len(report.already)} already were' if report.already else ''}.", "success")
                return redirect(url_for("proctor.enrollment", session_id=session.id))
    query = request.args.get("q", "").strip()
    found = sessions.find_candidates(session, query) if query else []
    return render_template("proctor/enrollment.html", session=session, form=form, report=report, query=query,
                           found=found, add_form=AddCandidateForm(), seats=sessions.seats_left(session))


@bp.route("/sessions/<int:session_id>/enrollment/add", methods=["POST"])
@roles_required(*PROCTORS)
def enroll_candidate(session_id):
    """The session's proctors and admins: enrol one candidate found by search."""
    session = _session(session_id)
    form = AddCandidateForm()
    if form.validate_on_submit() and form.candidate.data.isdigit():
        candidate = sessions.enrollable(session, int(form.candidate.data))
        if candidate is None:
            flash("That person is not a candidate who can be enrolled here.", "error")
        else:
            try:
                sessions.enroll(session, candidate, current_actor())
            except sessions.SessionError as error:
                # Only the first letter: the sentence may name a study or a form code.
                flash(f"{str(error)[:1].upper()}{str(error)[1:]}.", "error")
            else:
                db.session.commit()
                flash(f"Enrolled {candidate.name}.", "success")
    return redirect(url_for("proctor.enrollment", session_id=session.id, q=request.form.get("q", "")))


@bp.route("/sessions/<int:session_id>/candidates/<int:enrollment_id>", methods=["GET", "POST"])
@roles_required(*PROCTORS)
def candidate(session_id, enrollment_id):
    """The session's proctors and admins: one candidate's sitting, actions, accommodations and incidents."""
    session = _session(session_id)
    enrollment = _enrollment(session, enrollment_id)
    accommodations = AccommodationsForm(obj=enrollment)
    if accommodations.validate_on_submit():
        sessions.enroll(session, enrollment.candidate, current_actor(),
                        time_multiplier=accommodations.time_multiplier.data,
                        extra_minutes=accommodations.extra_minutes.data, large_text=accommodations.large_text.data,
                        high_contrast=accommodations.high_contrast.data)
        db.session.commit()
        flash("Accommodations saved. They apply at once, to the part under way too.", "success")
        return redirect(url_for("proctor.candidate", session_id=session.id, enrollment_id=enrollment.id))
    now = utcnow()
    row = board.rows(session, now, current_actor(), [enrollment.id])[0]
    db.session.commit()
    return render_template(
        "proctor/candidate.html", session=session, enrollment=enrollment, row=row,
        form=_action_form(session), accommodations=accommodations, changes=reports.history(session, enrollment),
        incidents=[i for i in incidents.session_incidents(session) if i.enrollment_id == enrollment.id],
        identity_checks=identity.session_checks(session, enrollment),
        allowed={action.value for action, starts in proctoring.MOVES.items()
                 if proctoring.standing(enrollment, now) in starts},
    )


@bp.route("/sessions/<int:session_id>/candidates/<int:enrollment_id>/identity", methods=["GET", "POST"])
@roles_required(*PROCTORS)
def check_identity(session_id, enrollment_id):
    """The session's proctors and admins: record that they saw the candidate's identity document."""
    session = _session(session_id)
    enrollment = _enrollment(session, enrollment_id)
    form = IdentityCheckForm()
    if form.validate_on_submit():
        if (earlier := form.earlier_answer()) is not None:
            return earlier
        try:
            messages = proctoring.check_identity(session, enrollment, form.document_type.data,
                                                 form.name_on_document.data, form.note.data or "", utcnow(),
                                                 current_actor())
        except identity.IdentityError as error:
            db.session.rollback()
            form.form_errors.append(f"{str(error).capitalize()}.")
        else:
            return form.answer(url_for("proctor.board_page", session_id=session.id),
                               *(("success", message) for message in messages))
    return render_template("proctor/identity.html", session=session, enrollment=enrollment, form=form,
                           checks=identity.session_checks(session, enrollment))


@bp.route("/sessions/<int:session_id>/incidents/new", methods=["GET", "POST"])
@roles_required(*PROCTORS)
def record_incident(session_id):
    """The session's proctors and admins."""
    session = _session(session_id)
    form = IncidentForm()
    form.enrollment.choices = entity_choices([(e.id, f"{e.candidate.name} ({e.candidate.email})")
                                              for e in session.enrollments], blank="The whole session")
    if request.method == "GET":
        form.enrollment.data = request.args.get("candidate", "")
    if form.validate_on_submit():
        if (earlier := form.earlier_answer()) is not None:
            return earlier
        chosen = form.enrollment.data or ""
        about = _enrollment(session, int(chosen)) if chosen.isdigit() else None
        now = utcnow()
        try:
            incidents.record_incident(session, form.category.data, form.description.data,
                                      _utc(form.occurred_at.data) or now, now, current_actor(), about)
        except incidents.IncidentError as error:
            db.session.rollback()
            form.form_errors.append(f"{str(error).capitalize()}.")
        else:
            return form.answer(url_for("proctor.report", session_id=session.id) + "#incidents",
                               ("success", "Incident recorded."))
    return render_template("proctor/incident_form.html", session=session, form=form)


@bp.route("/sessions/<int:session_id>/incidents/<int:incident_id>/follow-up", methods=["POST"])
@roles_required(*PROCTORS)
def follow_up(session_id, incident_id):
    """The session's proctors and admins: add to an incident (incidents are never edited)."""
    session = _session(session_id)
    incident = incidents.incident_in(session, incident_id)
    if incident is None:
        abort(404)
    form = FollowUpForm(prefix=f"i{incident.id}")
    there = url_for("proctor.report", session_id=session.id) + f"#incident-{incident.id}"
    if not form.validate_on_submit():
        flash(" ".join(form.submission.errors)
              or "Write the follow-up before adding it (at most 4,000 characters).", "error")
        return redirect(there)
    if (earlier := form.earlier_answer()) is not None:
        return earlier
    incidents.follow_up(incident, form.description.data, utcnow(), current_actor())
    return form.answer(there, ("success", "Follow-up added."))


@bp.route("/sessions/<int:session_id>/report")
@roles_required(*PROCTORS)
def report(session_id):
    """The session's proctors and admins: attendance, timing changes, incidents; printable."""
    session = _session(session_id)
    data = reports.session_report(session, utcnow())
    follow_ups = {incident.id: FollowUpForm(prefix=f"i{incident.id}") for incident in data["incidents"]}
    return render_template("proctor/report.html", session=session, report=data, follow_ups=follow_ups)


@bp.route("/sessions/<int:session_id>/report/<any(attendance, events):part>.csv")
@roles_required(*PROCTORS)
def report_csv(session_id, part):
    """The session's proctors and admins: the report as CSV."""
    session = _session(session_id)
    data = reports.session_report(session, utcnow())
    text = reports.attendance_csv(data) if part == "attendance" else reports.events_csv(data)
    filename = f"session-{session.id}-{part}.csv"
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={filename}"})
