"""Public verification of an endorsement (its number and the code printed
beside it), the public directory of endorsed professionals who chose to be
listed, and the candidate's choice to be listed. The verification page and the
directory are anonymous; the address limits guesses at codes."""

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from accounts.access import current_actor, roles_required
from accounts.roles import Role
from clock import utcnow
from competencies import portfolio, verification
from competencies.forms import DirectorySearchForm, ListingForm, VerificationForm
from extensions import db, limiter

bp = Blueprint("verification", __name__)
PER_PAGE = 50


def _verification_limit():
    return current_app.config["VERIFICATION_LIMIT"]


@bp.app_template_filter("verification_code")
def verification_code(code):
    return verification.shown(code)


@bp.app_template_global()
def verification_address(application):
    return verification.address(application)


@bp.route("/verify")
def lookup():
    """Anyone: the form asking for an endorsement's number and verification code."""
    form = VerificationForm(request.args)
    if request.args and form.validate():
        return redirect(url_for(".verify", number=form.number.data.strip(), code=form.code.data.strip()))
    return render_template("competencies/verify_lookup.html", form=form)


@bp.route("/verify/<number>")
@limiter.limit(_verification_limit)
def verify(number):
    """Anyone holding the number and its code: the endorsement and its standing; the same 404 for any mismatch."""
    code = request.args.get("code", "")
    if not code:
        return render_template("competencies/verify_lookup.html", form=VerificationForm(data={"number": number}))
    found = verification.verify(number, code, utcnow().date())
    response = make_response(render_template("competencies/verify.html", verification=found), 200 if found else 404)
    response.headers["Cache-Control"] = "no-store"  # the standing changes with the date; the address holds the code
    return response


@bp.route("/directory")
@limiter.limit(_verification_limit)
def directory():
    """Anyone: the endorsed professionals who chose to be listed, by name, searchable."""
    form = DirectorySearchForm(request.args)
    text = (form.q.data or "") if form.validate() else ""
    today = utcnow().date()
    page = db.paginate(verification.directory(text, today), per_page=PER_PAGE, error_out=False)
    return render_template("competencies/directory.html", form=form, page=page,
                           listings=[verification.listing(application, today) for application in page.items])


@bp.route("/portfolio/<int:application_id>/directory", methods=["POST"])
@roles_required(Role.CANDIDATE)
def set_listing(application_id):
    """Candidate, for their own issued endorsement: be listed in the public directory, or not."""
    application = portfolio.own_application(application_id, current_user.id) or abort(404)
    form = ListingForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        verification.set_listed(application, form.listed.data == "yes", current_actor())
    except verification.ListingRefused as refusal:
        db.session.rollback()
        flash(f"Not changed: {refusal}.", "error")
        return redirect(url_for("portfolio.application", application_id=application.id))
    db.session.commit()
    flash("You are listed in the public directory." if application.listed_in_directory
          else "You are not listed in the public directory.", "success")
    return redirect(url_for("portfolio.competency_record", application_id=application.id))
