"""`GET /healthz` for load balancers: 200 when the database and the rate-limit
store answer, 503 when either does not (without the store nobody can sign in)."""

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from extensions import db, limiter
from security import allow_plain_http

bp = Blueprint("health", __name__)


@bp.route("/healthz")
@limiter.exempt
@allow_plain_http  # load balancers check over plain HTTP
def healthz():
    """Anyone, unauthenticated."""
    database = "ok"
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        database = "unreachable"
    rate_limits = "ok" if limiter.storage.check() else "unavailable"
    healthy = database == "ok" and rate_limits == "ok"
    answer = jsonify(status="ok" if healthy else "unavailable", database=database, rate_limits=rate_limits)
    return answer, 200 if healthy else 503
