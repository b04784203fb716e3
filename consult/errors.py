"""Error pages: every failure a person can cause is a clear 4xx, never a 500."""

from __future__ import annotations

import logging

from flask import Flask, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from consult.web import wants_fragment

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A use case refused: the message is safe to show to the person who asked."""

    status = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class LoginRequired(DomainError):
    """The visitor must log in (or register) first; answered with a trip to the login page."""

    status = 401


def checked_text(
    value: str | None, field: str, limit: int, too_long: str, missing: str | None = None
) -> str:
    """``value`` with only its ends trimmed; a DomainError on ``field`` with ``missing``
    when it is empty (if ``missing`` is given), with ``too_long`` past ``limit``."""
    text = (value or "").strip()
    if missing is not None and not text:
        raise DomainError(missing, field=field)
    if len(text) > limit:
        raise DomainError(too_long, field=field)
    return text


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        403: _("You do not have permission to do this."),
        404: _("We could not find that page."),
        405: _("That action is not allowed here."),
        409: _("Someone else changed this a moment ago. Reload and try again."),
        413: _("What you sent is too large."),
        429: _("Too many requests. Please wait a moment and try again."),
        500: _("Something went wrong on our side. Nothing you did caused it."),
    }


def render_error(status: int, message: str | None = None):
    """The error page; for htmx, the message alone, shown in the page's message area.
    Either way the answer varies on ``HX-Request``."""
    message = message or _messages().get(status, _messages()[400])
    if wants_fragment():
        response = make_response(
            render_template("errors/_error.html", status=status, message=message), status
        )
        response.headers["HX-Retarget"] = "#htmx-messages"
        response.headers["HX-Reswap"] = "innerHTML"
    else:
        response = make_response(
            render_template("errors/error.html", status=status, message=message), status
        )
    response.vary.add("HX-Request")
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400, _("Your form expired or was sent from elsewhere. Reload the page and try again.")
        )

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        if isinstance(error, LoginRequired):
            from consult.auth.permissions import login_redirect

            return login_redirect()
        return render_error(error.status, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(500)
