"""The one decorator views use for access: log in first, then hold a role."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, make_response, request, url_for
from flask_login import current_user

from consult.extensions import htmx
from consult.web import safe_next_url, wants_fragment


def _return_path() -> str:
    """Where to come back to after logging in: this page, or for a form post the page it
    was sent from (a POST-only address cannot be returned to)."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    for candidate in (
        request.form.get("next"),
        htmx.current_url,
        request.referrer,
    ):
        if candidate:
            try:
                parts = urlsplit(candidate)
            except ValueError:  # a header such as "http://[" is no address to return to
                continue
            if not parts.netloc or parts.netloc == request.host:
                return safe_next_url(parts.path + (f"?{parts.query}" if parts.query else ""))
    return url_for("consultations.home")


def login_redirect():
    """Send an anonymous visitor to log in and come back; htmx follows HX-Redirect."""
    target = url_for("auth.login", next=_return_path())
    if wants_fragment():  # a history restore wants a whole page: redirected like a plain one
        response = make_response("", 401)
        response.headers["HX-Redirect"] = target
        return response
    response = make_response("", 302)
    response.headers["Location"] = target
    return response


def login_required(view=None, *, admin: bool = False):
    """Require a logged-in user (and a site admin when ``admin``); else login or 403."""

    def decorate(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_redirect()
            if admin and not current_user.is_admin:
                abort(403)
            return func(*args, **kwargs)

        return wrapper

    return decorate(view) if view else decorate
