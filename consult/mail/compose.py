"""Rendering a mail from its two templates, in the recipient's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import current_app, g, has_request_context, url_for
from flask_babel import force_locale

from consult.mail.settings import site_url

TEMPLATE_FOLDER = "mail"


@dataclass(frozen=True)
class Envelope:
    """A rendered mail, plain data (it crosses to a thread or an RQ worker)."""

    to: str
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)


def absolute_url(endpoint: str, **values) -> str:
    """A link for a mail: ``SITE_URL`` + the route, else the current request's host."""
    app = current_app
    site = site_url(app)
    if site:
        parts = urlsplit(site)
        adapter = app.url_map.bind(
            parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https"
        )
        return adapter.build(endpoint, values, force_external=True)
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    raise RuntimeError("Set SITE_URL to send mail with links outside a web request.")


def _one_line(value: str) -> str:
    return " ".join(value.split())


def render(to: str, template: str, language: str | None, headers, context: dict) -> Envelope:
    """Render ``mail/<template>.txt`` and ``.html`` in ``language``; the subject is the
    text template's ``subject`` block (or ``subject`` in the context)."""
    app = current_app
    language = language if language in app.config["LANGUAGES"] else None
    language = language or app.config["BABEL_DEFAULT_LOCALE"]
    env = app.jinja_env
    # consult.i18n caches a request's translations on g: set it aside, or the mail
    # would speak the language of whoever's request sent it.
    cached = g.pop("_translations", None)
    try:
        with force_locale(language):
            values = {"language": language, "mail_url": absolute_url, **context}
            app.update_template_context(values)
            text_template = env.get_template(f"{TEMPLATE_FOLDER}/{template}.txt")
            html_template = env.get_template(f"{TEMPLATE_FOLDER}/{template}.html")
            subject = str(context.get("subject") or "")
            if not subject and "subject" in text_template.blocks:
                block = text_template.blocks["subject"](text_template.new_context(values))
                subject = "".join(block)
            subject = _one_line(subject)
            if not subject:
                raise ValueError(f"mail/{template}.txt has no subject block")
            values["subject"] = subject
            text = text_template.render(values)
            html = html_template.render(values)
    finally:
        g.pop("_translations", None)
        if cached is not None:
            g._translations = cached
    return Envelope(to=to, subject=subject, text=text, html=html, headers=dict(headers or {}))
