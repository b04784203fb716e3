"""Helpers shared by the views: page-or-fragment rendering and safe redirects."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import make_response, render_template, url_for

from consult.extensions import htmx

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def wants_fragment() -> bool:
    """An htmx request that is not a history restore gets the fragment alone (a history
    restore needs the whole page, since htmx swaps it in for the body)."""
    return bool(htmx) and not htmx.history_restore_request


def render_page_or_fragment(page: str, fragment: str, status: int = 200, **context):
    """Render ``fragment`` for htmx, ``page`` otherwise; the answer varies on HX-Request."""
    template = fragment if wants_fragment() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def safe_next_url(target: str | None, default_endpoint: str = "consultations.home") -> str:
    """Only same-site relative paths may be redirected to (no open redirects), and none
    holding a control character: CR or LF would split the Location header, and browsers
    drop tabs and newlines from URLs, so "/<tab>/evil.example" would leave the site."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not _CONTROL.search(target)
    ):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for(default_endpoint)


def add_form_error(form, error) -> None:
    """Show a service's refusal (a DomainError) on the field it names, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
