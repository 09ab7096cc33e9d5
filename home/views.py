"""`/` sends each person to the home of their first role; one home per role.

An area that gives a role a dashboard of its own declares it as that role's
home instead (the rater's is rating's queue).
"""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from accounts import navigation, users
from accounts.access import roles_required
from accounts.roles import Role
from audit import queries as audit_queries
from clock import utcnow
from competencies import portfolio, review
from exam import delivery, proctoring
from item_bank import queries as item_queries
from item_bank.kinds import KINDS

bp = Blueprint("home", __name__)
navigation.declare(bp, homes={
    None: ".no_role", Role.ADMIN: ".admin", Role.CANDIDATE: ".candidate", Role.COORDINATOR: ".coordinator",
    Role.ITEM_WRITER: ".item_writer", Role.PROCTOR: ".proctor", Role.PSYCHOMETRICIAN: ".psychometrician",
})


@bp.route("/")
def index():
    """Anyone: anonymous visitors go to sign in."""
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.sign_in"))
    return redirect(url_for(navigation.landing_endpoint(current_user.roles)))


@bp.route("/home")
@login_required
def no_role():
    """Any signed-in user; the page says no role has been granted yet."""
    if current_user.roles:
        return redirect(url_for("home.index"))
    return render_template("home/no_role.html")


@bp.route("/home/admin")
@roles_required(Role.ADMIN)
def admin():
    """Admin."""
    entries = audit_queries.recent_entries(10)
    return render_template("home/admin.html", role_counts=users.role_counts(), recent_entries=entries,
                           actors=users.emails_by_id(entry.actor_id for entry in entries),
                           notices=navigation.home_notices(current_user))


@bp.route("/home/candidate")
@roles_required(Role.CANDIDATE)
def candidate():
    """Candidates: their exam sessions, what they can do in each now, and their endorsement applications."""
    return render_template("home/candidate.html", sittings=delivery.enrolled_sessions(current_user.id), now=utcnow(),
                           applications=portfolio.applications_of(current_user.id))


@bp.route("/home/coordinator")
@roles_required(Role.COORDINATOR)
def coordinator():
    """Coordinators: how many applications wait at each step of the review."""
    return render_template("home/coordinator.html", counts=review.status_counts(),
                           notices=navigation.home_notices(current_user))


@bp.route("/home/item-writer")
@roles_required(Role.ITEM_WRITER)
def item_writer():
    """Item writers."""
    return render_template("home/item_writer.html", summary=item_queries.writer_summary(current_user.id),
                           counts=item_queries.status_counts(), kinds=KINDS.values(),
                           notices=navigation.home_notices(current_user))


@bp.route("/home/psychometrician")
@roles_required(Role.PSYCHOMETRICIAN)
def psychometrician():
    """Psychometricians."""
    return render_template("home/psychometrician.html", forms=item_queries.all_forms(),
                           to_review=item_queries.review_queue_size(current_user.id),
                           notices=navigation.home_notices(current_user))


@bp.route("/home/proctor")
@roles_required(Role.PROCTOR)
def proctor():
    """Proctors: the sessions they are assigned to, open ones first."""
    return render_template("home/proctor.html", sessions=proctoring.sessions_for(current_user.id, sees_all=False),
                           now=utcnow(), notices=navigation.home_notices(current_user))
