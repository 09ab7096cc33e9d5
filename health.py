"""`GET /healthz` for load balancers: 200 when the database answers, 503 when not."""

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
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
