"""The application factory. `flask --app app run`, `gunicorn 'app:create_app()'`."""

from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, request, url_for
from flask_login import current_user

from accounts import navigation
from accounts.audit_views import bp as audit_bp
from accounts.cli import users_cli
from accounts.mail_views import bp as mail_bp
from accounts.self_service_views import bp as self_service_bp
from accounts.views import bp as accounts_bp
from analysis.cli import item_analysis_command
from analysis.equating_cli import equate_command
from analysis.views import bp as analysis_bp
from audit.cli import audit_cli
from backup.cli import backup_command, restore_command
from bench_cpu import init_bench_cpu
from competencies.cli import portfolio_cli
from competencies.reference_views import bp as references_bp
from competencies.review_views import bp as review_bp
from competencies.verification_views import bp as verification_bp
from competencies.views import bp as portfolio_bp
from config import INSTANCE_DIR, config_from_environment
from database import init_database
from demo import demo_cli
from errors import register_errorhandlers
from exam.cli import exam_cli
from exam.proctor_views import bp as proctor_bp
from exam.views import bp as exam_bp
from extensions import csrf, db, limiter, login_manager, migrate
from health import bp as health_bp
from home.views import bp as home_bp
from item_bank.cli import item_bank_cli
from item_bank.views import bp as item_bank_bp
from mail.cli import mail_cli
from openapi.views import bp as openapi_bp
from rating.cli import rating_cli
from rating.views import bp as rating_bp
from results.cli import release_results_command
from results.views import bp as results_bp
from security import init_security
from static_assets import init_static_assets

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def create_app(config=None):
    """Build the app from a config object (see config.py), or from the
    environment when none is given. Nothing is written or connected to here."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    app.config.from_object(config or config_from_environment())
    init_bench_cpu(app)
    register_extensions(app)
    register_blueprints(app)
    init_static_assets(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_context(app)
    return app


def register_extensions(app):
    init_security(app)  # first: plain HTTP is redirected before anything else runs
    db.init_app(app)
    init_database(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    limiter.init_app(app)


def register_blueprints(app):
    for blueprint in (accounts_bp, analysis_bp, audit_bp, exam_bp, health_bp, home_bp, item_bank_bp, mail_bp,
                      openapi_bp, portfolio_bp, proctor_bp, rating_bp, references_bp, results_bp, review_bp,
                      self_service_bp, verification_bp):
        app.register_blueprint(blueprint)


def register_commands(app):
    app.cli.add_command(users_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(item_bank_cli)
    # Releasing lives in results/, above exam/, so it joins `flask exam` here.
    exam_cli.add_command(release_results_command)
    app.cli.add_command(exam_cli)
    app.cli.add_command(rating_cli)
    app.cli.add_command(portfolio_cli)
    app.cli.add_command(item_analysis_command)
    app.cli.add_command(equate_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(mail_cli)


def register_template_context(app):
    @app.context_processor
    def inject_navigation():
        roles = current_user.roles if current_user.is_authenticated else set()
        return {"navigation": navigation.links(roles)}

    @app.template_global()
    def page_url(number):
        """This page's URL, with its query kept, at another page number."""
        query = {**request.args.to_dict(), "page": number}
        return url_for(request.endpoint, **request.view_args) + "?" + urlencode(query)
