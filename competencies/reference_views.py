"""The reference's pages, without an account. The mailed link opens
`/references/open#<token>`: the token is in the fragment, which no browser
sends, so no server or proxy logs it. The page's script (or the reference,
pasting the code from the message) posts it once; the reference's session
keeps the link's hash from then on, and the answer page reads that. The
candidate who owns the request is refused, link or not."""

from flask import Blueprint, abort, make_response, redirect, render_template, request, session, url_for

from accounts.access import current_actor
from clock import utcnow
from competencies import references
from competencies.forms import DeclineForm, ReferenceCodeForm, ReferenceRatingForm
from competencies.portfolio import PortfolioRefused
from extensions import db, limiter
from item_bank.domains import all_domains

bp = Blueprint("references", __name__)
NOT_ENOUGH_INFORMATION = "nei"
HELD = "reference_link"  # the session key holding the opened link's hash


def _answers(form_data, domains):
    """{domain code: 1..4 or None} from the radio groups; unanswered domains are left out, to be named."""
    answers = {}
    for domain in domains:
        value = form_data.get(f"domain-{domain.code}", "")
        if value == NOT_ENOUGH_INFORMATION:
            answers[domain.code] = None
        elif value.isdigit():
            answers[domain.code] = int(value)
    return answers


def _private(response):
    response.headers["Cache-Control"] = "no-store"  # the pages hold the request and its answers
    return response


def _gone():
    return render_template("competencies/reference_gone.html"), 404


def _refused(refusal):
    return render_template("competencies/reference_refused.html", refusal=refusal), 403


def _held():
    """The request this browser opened, or None; refuses the candidate it is about."""
    return references.held(session.get(HELD), current_actor(), utcnow())


@bp.route("/references/open", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def open_link():
    """Anyone holding a mailed link: hand its token over, once per browser, and go to the questions."""
    form = ReferenceCodeForm()
    if not form.validate_on_submit():
        if request.method == "POST":
            abort(400)
        return _private(make_response(render_template("competencies/reference_open.html", form=form)))
    try:
        link_hash = references.open_link(form.code.data, current_actor(), utcnow())
    except PortfolioRefused as refusal:
        return _refused(refusal)
    if link_hash is None:
        return _gone()
    db.session.commit()
    session[HELD] = link_hash
    return redirect(url_for("references.answer"), 303)


@bp.route("/references/answer", methods=["GET", "POST"])
@limiter.limit("60 per minute")
def answer():
    """The reference whose browser opened a link: rate the candidate on each competency domain."""
    try:
        reference = _held()
    except PortfolioRefused as refusal:
        return _refused(refusal)
    if reference is None:
        return _gone()
    domains = all_domains()
    form = ReferenceRatingForm()
    answers = _answers(request.form, domains) if request.method == "POST" else {}
    error = None
    if form.validate_on_submit():
        try:
            references.submit(reference, answers, form.rater_level.data or None, form.comments.data or "",
                              current_actor(), utcnow(), form.endorsement_number.data or "")
        except PortfolioRefused as refusal:
            db.session.rollback()
            error = str(refusal)
        else:
            db.session.commit()
            session.pop(HELD, None)
            return _private(make_response(render_template("competencies/reference_thanks.html",
                                                          reference=reference, declined=False)))
    elif request.method == "POST" and not form.errors:
        abort(400)
    return _private(make_response(render_template(
        "competencies/reference_form.html", reference=reference, form=form, domains=domains, answers=answers,
        scale=references.SCALE, error=error, decline=DeclineForm(prefix="decline"),
        relationship=references.relationship_label(reference.relationship_code), nei=NOT_ENOUGH_INFORMATION),
        400 if error else 200))


@bp.route("/references/decline", methods=["POST"])
@limiter.limit("30 per minute")
def decline():
    """The reference whose browser opened a link: decline to rate, with a reason if they like."""
    form = DeclineForm(prefix="decline")
    if not form.validate_on_submit():
        abort(400)
    try:
        reference = _held()
        if reference is None:
            return _gone()
        references.decline(reference, form.reason.data or "", current_actor(), utcnow())
    except PortfolioRefused as refusal:
        return _refused(refusal)
    db.session.commit()
    session.pop(HELD, None)
    return _private(make_response(render_template("competencies/reference_thanks.html", reference=reference,
                                                  declined=True)))
