"""The candidate's sitting: join, agree, sit each section, review, finish; the save and state endpoints."""

from functools import cache, wraps

from flask import Blueprint, abort, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from accounts.access import current_actor, login_lifetime, roles_required, session_login_token
from accounts.roles import PROCTORS, Role
from clock import utcnow
from errors import ErrorCode, json_error, wants_json
from exam import bodies, delivery, openapi, polling, prepared_forms, presentation, safe_browser, saving
from exam.forms import AgreementForm, ContinueForm, FinishSectionForm, JoinForm
from exam.models import Attempt, AttemptStatus, Enrollment, ExamSession
from extensions import db
from item_bank.images import declare_viewers
from openapi.parts import declare as declare_openapi

bp = Blueprint("exam", __name__)
declare_openapi(bp, tags=openapi.TAGS, paths=openapi.PATHS, schemas=openapi.SCHEMAS)
declare_viewers(bp, presentation.shows_image)


def _body_capped(view):
    """A runner endpoint: reads at most `bodies.MAX_BODY` of a body (413 beyond), not the app's whole allowance."""

    @wraps(view)
    def capped(*args, **kwargs):
        request.max_content_length = bodies.MAX_BODY  # a body sent without its length stops there as it is read
        if (request.content_length or 0) > bodies.MAX_BODY:
            abort(413)
        return view(*args, **kwargs)

    return capped


def _own_attempt(attempt_id, lock=False):
    """The signed-in candidate's attempt; another's is as good as missing (404).
    It comes with its enrollment, session and sections in one query, since
    settling it reads them all. To lock it, its row is locked first and the
    rest read after: on PostgreSQL a query that waits for a row lock sees the
    other tables as they were before it waited (a proctor's extension, say)."""
    if lock:
        db.session.execute(_attempt_lock(), {"attempt_id": attempt_id})
    attempt = db.session.scalars(_attempt_read(), {"attempt_id": attempt_id}).unique().one_or_none()
    if attempt is None or attempt.enrollment.candidate_id != current_user.id:
        abort(404)
    _admit_browser(attempt.session)
    return attempt


# Built once: the runner's every request runs them, and building costs more than running.
@cache
def _attempt_lock():
    return select(Attempt.id).where(Attempt.id == bindparam("attempt_id")).with_for_update()


@cache
def _attempt_read():
    return (select(Attempt).where(Attempt.id == bindparam("attempt_id"))
            .options(joinedload(Attempt.enrollment, innerjoin=True).joinedload(Enrollment.session, innerjoin=True),
                     joinedload(Attempt.sections)))


def _seb_urls(session):
    """The start and quit URLs of the session's .seb file, as the public address
    the request came to (behind a proxy, ProxyFix gives Flask the public one)."""
    return url_for("exam.join_session", session_id=session.id, _external=True), url_for("home.index", _external=True)


def _admit_browser(session):
    """Every runner request goes through here: in a session that requires Safe
    Exam Browser, another browser gets a 403 saying how to start it."""
    if not session.require_seb:  # the state poll is hot: no addresses built for the rest
        return
    if safe_browser.admits(session, request.url, request.headers.get(safe_browser.HEADER), *_seb_urls(session)):
        return
    if wants_json():
        abort(make_response(json_error(403, "This session must be taken in Safe Exam Browser, started with the "
                                            "session's configuration file.", ErrorCode.SAFE_EXAM_BROWSER_REQUIRED)))
    page = render_template("exam/safe_exam_browser.html", session=session, download_url=safe_browser.DOWNLOAD_URL)
    abort(make_response(page, 403))


@bp.route("/exam/sessions/<int:session_id>/join", methods=["GET", "POST"])
@roles_required(Role.CANDIDATE)
def join_session(session_id):
    """Candidates enrolled in the session."""
    enrollment = db.session.scalar(
        select(Enrollment).where(Enrollment.session_id == session_id, Enrollment.candidate_id == current_user.id)
        .options(joinedload(Enrollment.session, innerjoin=True), joinedload(Enrollment.attempt))
    )
    if enrollment is None:
        abort(404)
    session = enrollment.session
    _admit_browser(session)
    form = JoinForm()
    if form.validate_on_submit():
        try:
            attempt = delivery.check_in(enrollment, form.access_code.data, utcnow(), current_actor())
        except delivery.DeliveryError as error:
            form.access_code.errors.append(str(error))
        else:
            # Straight to the agreement a new attempt starts with, not through the sitting's redirect to it.
            # Addressed before the commit, which expires the attempt.
            following = url_for("exam.agree" if attempt.status == AttemptStatus.CHECKED_IN else "exam.sit",
                                attempt_id=attempt.id)
            db.session.commit()
            return redirect(following)
    return render_template("exam/join.html", session=session, form=form)


@bp.route("/exam/sessions/<int:session_id>/config.seb")
@roles_required(Role.CANDIDATE, *PROCTORS)
def safe_exam_browser_config(session_id):
    """Candidates enrolled in the session, its proctors and admins: the .seb file that starts Safe Exam Browser on it."""
    session = db.session.get(ExamSession, session_id)
    if session is None or not safe_browser.may_download(session, current_user):
        abort(404)
    response = make_response(safe_browser.config_file(*_seb_urls(session)))
    response.mimetype = safe_browser.MEDIA_TYPE
    response.headers["Content-Disposition"] = f"attachment; filename=attest-session-{session.id}.seb"
    return response


@bp.route("/exam/attempts/<int:attempt_id>/agreement", methods=["GET", "POST"])
@roles_required(Role.CANDIDATE)
def agree(attempt_id):
    """The attempt's candidate: instructions and the confidentiality agreement."""
    attempt = _own_attempt(attempt_id)
    sitting = url_for("exam.sit", attempt_id=attempt.id)
    if attempt.status != AttemptStatus.CHECKED_IN:
        return redirect(sitting)
    form = AgreementForm()
    if form.validate_on_submit():
        delivery.agree(attempt, utcnow(), current_actor())
        db.session.commit()
        return redirect(sitting)
    return render_template("exam/agreement.html", attempt=attempt, form=form,
                           parts=prepared_forms.prepared(attempt.session.form).sections)


def _settled_page(attempt):
    """The page for wherever the attempt stands, once settled: drawn before
    the commit, which expires everything it reads, and answered after it."""
    now = utcnow()
    delivery.settle(attempt, now, current_actor())
    if attempt.status == AttemptStatus.CHECKED_IN:
        page = redirect(url_for("exam.agree", attempt_id=attempt.id))
    elif attempt.status == AttemptStatus.AWAITING_ADMISSION:
        page = render_template("exam/waiting.html", attempt=attempt)
    elif attempt.finished:
        page = render_template("exam/finished.html", attempt=attempt)
    elif attempt.on_break:
        page = render_template("exam/break.html", attempt=attempt, page=presentation.break_page(attempt, now),
                               form=ContinueForm())
    else:
        page = render_template("exam/section.html", attempt=attempt,
                               page=presentation.section_page(attempt, now), body_limit=bodies.MAX_BODY)
    db.session.commit()
    return page


@bp.route("/exam/attempts/<int:attempt_id>")
@roles_required(Role.CANDIDATE)
def sit(attempt_id):
    """The attempt's candidate: the page for wherever the attempt stands."""
    return _settled_page(_own_attempt(attempt_id))


@bp.route("/exam/attempts/<int:attempt_id>/review")
@roles_required(Role.CANDIDATE)
def review(attempt_id):
    """The attempt's candidate: unanswered and flagged items before leaving the section."""
    attempt = _own_attempt(attempt_id)
    now = utcnow()
    delivery.settle(attempt, now, current_actor())
    if attempt.status not in (AttemptStatus.IN_PROGRESS, AttemptStatus.PAUSED) or attempt.on_break:
        db.session.commit()
        return redirect(url_for("exam.sit", attempt_id=attempt.id))
    page = render_template("exam/review.html", attempt=attempt, page=presentation.section_page(attempt, now, asked=False),
                           form=FinishSectionForm())
    db.session.commit()
    return page


@bp.route("/exam/attempts/<int:attempt_id>/sections/<int:position>/finish", methods=["POST"])
@roles_required(Role.CANDIDATE)
def finish_section(attempt_id, position):
    """The attempt's candidate, after the review screen's confirmation."""
    attempt = _own_attempt(attempt_id, lock=True)
    if FinishSectionForm().validate_on_submit():
        try:
            delivery.finish_section(attempt, position, utcnow(), current_actor())
        except delivery.DeliveryError as error:
            flash(str(error), "error")
        db.session.commit()
    return redirect(url_for("exam.sit", attempt_id=attempt.id))


@bp.route("/exam/attempts/<int:attempt_id>/sections/<int:position>/start", methods=["POST"])
@roles_required(Role.CANDIDATE)
def end_break(attempt_id, position):
    """The attempt's candidate, from the break page: the next part starts now."""
    attempt = _own_attempt(attempt_id, lock=True)
    if ContinueForm().validate_on_submit():
        try:
            delivery.end_break(attempt, position, utcnow(), current_actor())
        except delivery.DeliveryError as error:
            flash(str(error), "error")
        db.session.commit()
    return redirect(url_for("exam.sit", attempt_id=attempt.id))


@bp.route("/exam/attempts/<int:attempt_id>/state")
@_body_capped
def state(attempt_id):
    """The attempt's candidate (JSON): status, section and the server's clock.
    Most polls are answered from one read (`polling`); the rest settle first."""
    now = utcnow()
    tab = request.args.get("tab", "")
    body = polling.quiet_state(attempt_id, session_login_token(), login_lifetime(), now, tab)
    if body is None:
        return _settled_state(attempt_id, now, tab)
    db.session.commit()
    return jsonify(body)


@roles_required(Role.CANDIDATE)
def _settled_state(attempt_id, now, tab):
    attempt = _own_attempt(attempt_id)
    delivery.settle(attempt, now, current_actor())
    delivery.note_contact(attempt, now)
    # Read before the commit, which expires the attempt and would load it again.
    body = presentation.state(attempt, now, tab)
    db.session.commit()
    return jsonify(body)


def _json_body():
    """The request's JSON object; {} when it sends no body."""
    if not request.get_data():
        return {}
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # nested deeper than Python's parser goes
        body = None
    if not isinstance(body, dict):
        raise bodies.Malformed("the body must be a JSON object")
    return body


def _malformed(problem):
    return json_error(400, str(problem))


@bp.route("/exam/attempts/<int:attempt_id>/claim", methods=["POST"])
@_body_capped
@roles_required(Role.CANDIDATE)
def claim(attempt_id):
    """The attempt's candidate (JSON): this tab takes the attempt; returns its sequence base."""
    attempt = _own_attempt(attempt_id, lock=True)
    try:
        tab, resumes = bodies.read_claim(_json_body())
    except bodies.Malformed as problem:
        return _malformed(problem)
    now = utcnow()
    base = saving.claim(attempt, tab, now, current_actor(), resumes)
    body = presentation.state(attempt, now, tab)
    saved = presentation.saved_answers(attempt)
    db.session.commit()
    return jsonify(seq_base=base, saved=saved, **body)


@bp.route("/exam/attempts/<int:attempt_id>/saves", methods=["POST"])
@_body_capped
@roles_required(Role.CANDIDATE)
def save(attempt_id):
    """The attempt's candidate (JSON): a batch of saves, acknowledged once committed."""
    attempt = _own_attempt(attempt_id, lock=True)
    try:
        tab, entries = bodies.read_saves(_json_body())
    except bodies.Malformed as problem:
        return _malformed(problem)
    now = utcnow()
    acks = saving.save(attempt, entries, tab, now, current_actor())
    body = presentation.state(attempt, now, tab)
    # Acknowledged only once committed: a save the database did not keep is never "saved".
    db.session.commit()
    return jsonify(acks=[ack.as_json() for ack in acks], **body)
