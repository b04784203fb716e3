"""Outgoing email (issue 15): SMTP through Flask-Mailman, or ``.eml`` files in the outbox.

Use::

    from consult.mail import send_email

    send_email(user.email, "auth/confirm", language=user.locale, link=..., name=...)

``send_email(to, template, *, language=None, headers=None, **context)`` renders
``templates/mail/<template>.txt`` (plain text) and ``templates/mail/<template>.html``
(both required) in ``language`` (Flask-Babel's ``force_locale``; an unknown or missing
language means the site default, ``BABEL_DEFAULT_LOCALE``), and sends a
multipart/alternative message with ``headers`` added (e.g. ``List-Unsubscribe``).

- **Subject**: the ``{% block subject %}`` of the ``.txt`` template (one line; whitespace
  is folded), unless ``subject`` is given in ``context``. Templates extend
  ``mail/_layout.txt`` and ``mail/_layout.html`` and fill ``subject`` and ``body``; the
  HTML one gets the rendered subject as ``subject``.
- **Links** must be absolute: templates call ``mail_url(endpoint, **values)``, which starts
  with the ``SITE_URL`` setting, else (inside a request) the request's host URL. Outside a
  request (a command, a worker), ``SITE_URL`` is required. Code can import
  :func:`absolute_url` for the same thing.
- **When**: rendering happens at call time, in the caller's app or request context (so
  templates may read the database and ``url_for``); only delivery is deferred: a thread
  of the process by default, the RQ ``mail`` queue with ``REDIS_URL`` (``flask worker``
  serves it), or inline with ``MAIL_DELIVERY=inline``. A delivery that fails is logged;
  the caller never sees an error from it. A template error does raise (a bug).
- **Mail jobs**: where even the lookup must leave the request (an answer that must not
  tell whether an address has an account, by its timing either), a use case hands
  ``consult.mail.delivery.dispatch_job(dotted_path, *plain_args)`` the function that
  looks up and calls ``send_email``; it runs where delivery runs (inline, the sending
  thread, or the RQ ``mail`` queue), with links on ``SITE_URL`` or the asking request's host.
- **Where**: without ``MAIL_SERVER`` each message is written to ``<instance>/outbox/`` as
  an ``.eml`` file and its subject logged.

Settings are documented in :mod:`consult.mail.settings`.
"""

from __future__ import annotations

import logging

from flask import Flask
from flask_mailman import Mail

from consult.mail.compose import absolute_url, render
from consult.mail.delivery import dispatch, wait_sent
from consult.mail.settings import resolve_settings

__all__ = ["absolute_url", "init_app", "send_email", "wait_sent"]

log = logging.getLogger(__name__)
mail = Mail()


def send_email(
    to: str,
    template: str,
    *,
    language: str | None = None,
    headers: dict[str, str] | None = None,
    **context,
) -> None:
    """Render ``mail/<template>.{txt,html}`` for ``to`` now, and deliver it off the request."""
    if not to or any(char in to for char in "\r\n") or "@" not in to:
        raise ValueError(f"not an email address: {to!r}")
    for name, value in (headers or {}).items():
        if any(char in f"{name}{value}" for char in "\r\n"):
            raise ValueError(f"header {name!r} spans lines")
    dispatch(render(to, template, language, headers, context))


def init_app(app: Flask) -> None:
    """Configure outgoing mail, and register the pages reached by mail (forgot and reset
    password, confirm or change the address: ``consult.auth.email_views``)."""
    from consult.auth.email_views import blueprint

    resolve_settings(app)
    mail.init_app(app)
    app.register_blueprint(blueprint)
    if app.config["MAIL_SERVER"] and not app.config["SITE_URL"] and not app.testing:
        log.warning("MAIL_SERVER is set but SITE_URL is not: links in mails use the Host header")
