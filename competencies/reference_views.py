"""The reference rating page: reached by its single-use link, without an
account. The rater sees the candidate's name, the relationship the candidate
named, the competency domains and whether the candidate waived access."""

from flask import Blueprint, abort, make_response, render_template, request

from accounts.access import current_actor
from clock import utcnow
from competencies import references
from competencies.forms import ReferenceRatingForm
from competencies.portfolio import PortfolioRefused
from extensions import db, limiter
from item_bank.domains import all_domains

bp = Blueprint("references", __name__)
NOT_ENOUGH_INFORMATION = "nei"


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


@bp.route("/references/<token>", methods=["GET", "POST"])
@limiter.limit("60 per minute")
def rate(token):
    """Anyone holding the link, once: rate the candidate on each competency domain."""
    reference = references.by_token(token, utcnow())
    if reference is None:
        return render_template("competencies/reference_gone.html"), 404
    domains = all_domains()
    form = ReferenceRatingForm()
    answers = _answers(request.form, domains) if request.method == "POST" else {}
    error = None
    if form.validate_on_submit():
        try:
            references.submit(reference, answers, form.rater_level.data or None, form.comments.data or "",
                              current_actor(), utcnow())
        except PortfolioRefused as refusal:
            db.session.rollback()
            error = str(refusal)
        else:
            db.session.commit()
            return render_template("competencies/reference_thanks.html", reference=reference)
    elif request.method == "POST" and not form.errors:
        abort(400)
    response = make_response(render_template("competencies/reference_form.html", reference=reference, form=form, domains=domains,
                               answers=answers, scale=references.SCALE, error=error,
                               relationship=references.relationship_label(reference.relationship_code),
                               nei=NOT_ENOUGH_INFORMATION), 400 if error else 200)
    response.headers["Cache-Control"] = "no-store"  # the page holds the link's answers until submitted
    return response
