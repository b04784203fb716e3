"""The application factory."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from consult import config as config_module
from consult.config import ROOT


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Consult web application; ``config`` overrides settings from the environment."""
    app = Flask(
        "consult",
        root_path=str(ROOT / "consult"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_relative_config=False,
    )
    app.config.from_mapping(config_module.from_environment())
    if config:
        app.config.update(config)
    app.instance_path = app.config["INSTANCE_PATH"]
    if hops := app.config.get("PROXY_HOPS"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Rate limits count per address: trust X-Forwarded-For from this many proxies.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops)

    register_extensions(app)
    register_input_checks(app)  # before the blueprints: their routes use its int converter
    register_blueprints(app)
    register_i18n(app)
    register_errors(app)
    register_security_headers(app)
    register_cli(app)
    register_accounts_email(app)
    register_template_helpers(app)
    logging.basicConfig(level=app.config.get("LOG_LEVEL", "INFO"))
    return app


def register_extensions(app: Flask) -> None:
    from consult import models  # noqa: F401  (every model registered before the first query)
    from consult.auth.services import load_user
    from consult.database import configure_engine
    from consult.extensions import csrf, db, htmx, login_manager, migrate
    from consult.ratelimits import init_rate_limits

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    htmx.init_app(app)
    init_rate_limits(app)  # the one write policy; also resolves the shared counter storage
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"


def register_blueprints(app: Flask) -> None:
    from consult.auth.views import blueprint as auth
    from consult.consultations.views import blueprint as consultations
    from consult.drafts.views import blueprint as drafts
    from consult.i18n import blueprint as i18n
    from consult.moderation.views import blueprint as moderation
    from consult.organise.views import blueprint as organise
    from consult.participation import (  # noqa: F401
        views,
        views_comments,
        views_discussion,
        views_translations,
    )
    from consult.participation.blueprint import blueprint as participation
    from consult.reports import views as report_views  # noqa: F401  (their routes)
    from consult.reports import views_reports  # noqa: F401
    from consult.reports.blueprint import blueprint as reports
    from consult.verification.views import blueprint as verification

    for blueprint in (
        consultations,
        auth,
        i18n,
        participation,
        drafts,
        moderation,
        organise,
        reports,
        verification,
    ):
        app.register_blueprint(blueprint)


def register_input_checks(app: Flask) -> None:
    from consult.input_guard import register_input_guard

    register_input_guard(app)


def register_i18n(app: Flask) -> None:
    from consult.extensions import babel
    from consult.i18n import install_template_gettext, select_locale

    babel.init_app(app, locale_selector=select_locale)
    install_template_gettext(app)


def register_errors(app: Flask) -> None:
    from consult.errors import register_error_handlers

    register_error_handlers(app)


def register_security_headers(app: Flask) -> None:
    # Nothing is loaded from outside the site, and no inline script runs.
    csp = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    # Secure cookies mean the site is served over HTTPS only: browsers may then refuse
    # plain HTTP to it for a year (a man in the middle cannot strip TLS on a later visit).
    hsts = "max-age=31536000; includeSubDomains"

    @app.after_request
    def add_headers(response):
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", hsts)
        return response


def register_accounts_email(app: Flask) -> None:
    """Email, notifications and single sign-on: each package registers its own parts."""
    from consult import mail, notifications, sso

    for package in (mail, notifications, sso):
        package.init_app(app)


def register_cli(app: Flask) -> None:
    from consult.cli import register_commands

    register_commands(app)


def register_template_helpers(app: Flask) -> None:
    from flask_babel import format_date

    from consult.drafts.provenance import outcome_label
    from consult.i18n import current_language, language_name, localized, offered_languages
    from consult.participation.labels import author_name, proposal_diff, stance_label, vote_label

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        offered_languages=offered_languages,
        current_language=current_language,
        language_name=language_name,
        vote_label=vote_label,
        stance_label=stance_label,
        author_name=author_name,
        proposal_diff=proposal_diff,
        outcome_label=outcome_label,
    )
    app.jinja_env.filters["localized"] = localized
    app.jinja_env.filters["language_name"] = language_name
    app.jinja_env.filters["format_date_utc"] = lambda value: (
        format_date(value, "long") if value else ""
    )
