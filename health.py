"""`GET /healthz` for load balancers: 503 when the database does not answer
(the instance can serve nothing); 200 otherwise, "degraded" when the
rate-limit store does not answer. Without the store nobody can sign in, but
the candidates already sitting go on: every instance shares one store, so a
503 for it would take them all out of service and stop those sittings too."""

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
    if database != "ok":
        status = "unavailable"
    else:
        status = "ok" if rate_limits == "ok" else "degraded"
    answer = jsonify(status=status, database=database, rate_limits=rate_limits)
    return answer, 503 if status == "unavailable" else 200
