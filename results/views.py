"""Result screens: a session's results before release, releasing them, the
feedback letter as staff preview it and as the candidate reads it."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from accounts.access import current_actor, roles_required
from accounts.roles import COORDINATORS, Role
from clock import utcnow
from exam.models import Attempt, ExamSession
from extensions import db
from results import exam_result, letters, release
from results.forms import ReleaseForm
from security import local_path

bp = Blueprint("results", __name__)



@bp.route("/rating/sessions/<int:session_id>/results")
@roles_required(*COORDINATORS)
def session_results(session_id):
    """Coordinators, admins: each attempt's parts and outcome, and whether all are final, before release."""
    session = db.session.get(ExamSession, session_id) or abort(404)
    rows = exam_result.session_results(session)
    return render_template("results/session_results.html", session=session, rows=rows,
                           release_form=ReleaseForm(back=url_for(".session_results", session_id=session.id)),
                           pending=sum(1 for _, result in rows if not result.final))


@bp.route("/results/sessions/<int:session_id>/release", methods=["POST"])
@roles_required(Role.COORDINATOR, Role.PSYCHOMETRICIAN, Role.ADMIN)
def release_results(session_id):
    """Coordinators, psychometricians, admins: release a session's results once every
    response is rated, or release them again under the latest scoring."""
    session = db.session.get(ExamSession, session_id) or abort(404)
    release_form = ReleaseForm()
    if not release_form.validate_on_submit():
        abort(400)
    try:
        release.release(session, utcnow(), current_actor())
    except release.ReleaseRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
    else:
        db.session.commit()
        flash(f"Results of {session.name} are released under the current scoring. Candidates can read their "
              "outcome and feedback letter.", "success")
    return redirect(local_path(release_form.back.data) or url_for(".session_results", session_id=session.id))


@bp.route("/rating/attempts/<int:attempt_id>/letter")
@roles_required(*COORDINATORS)
def letter_preview(attempt_id):
    """Coordinators, admins: the feedback letter as the candidate will read it."""
    attempt = db.session.get(Attempt, attempt_id) or abort(404)
    if not attempt.finished:
        abort(404)
    return render_template("results/letter.html", preview=True,
                           letter=letters.letter(attempt, exam_result.latest_result(attempt)))


@bp.route("/exam/attempts/<int:attempt_id>/result")
@roles_required(Role.CANDIDATE)
def result(attempt_id):
    """The attempt's candidate, once the session's results are released: the outcome and the feedback letter."""
    attempt = exam_result.own_released_attempt(attempt_id, current_user.id) or abort(404)
    return render_template("results/letter.html", preview=False,
                           letter=letters.letter(attempt, exam_result.released_result(attempt)))
