"""Mail settings: each from the app config, else from the environment.

``MAIL_SERVER``    SMTP host; unset: every message is written to ``<instance>/outbox/``
                   as an ``.eml`` file and its subject logged (nothing leaves the host).
``MAIL_PORT``      SMTP port (default 25, or 465 with ``MAIL_USE_SSL``).
``MAIL_USE_TLS``   ``1``: STARTTLS after connecting.  ``MAIL_USE_SSL`` ``1``: TLS from the start.
``MAIL_USERNAME``, ``MAIL_PASSWORD``  SMTP login, if the server wants one.
``MAIL_FROM``      the From address (default ``Consult <no-reply@`` the site's host ``>``).
``MAIL_TIMEOUT``   seconds before an SMTP connection gives up (default 30).
``MAIL_DELIVERY``  ``thread`` (default without Redis), ``rq`` (default with ``REDIS_URL``:
                   the ``mail`` queue, served by ``flask worker``) or ``inline`` (in the
                   request; tests and scripts).
``SITE_URL``       the site's public base URL, e.g. ``https://consult.example.org``: links in
                   mails start with it. Unset, they use the host of the request that sent the
                   mail, which a client can forge (the Host header): set it in production.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from flask import Flask

DELIVERY_MODES = ("thread", "rq", "inline")
# Without MAIL_SERVER (MAIL_BACKEND may name another Flask-Mailman backend).
OUTBOX_BACKEND = "consult.mail.outbox.EmailBackend"
_TRUE = {"1", "true", "yes", "on"}


def setting(app: Flask, key: str, default=None):
    """``key`` from the app config, else the environment, else ``default``."""
    value = app.config.get(key)
    if value is None or value == "":
        value = os.environ.get(key) or None
    return default if value is None else value


def flag(app: Flask, key: str) -> bool:
    value = setting(app, key, False)
    return value if isinstance(value, bool) else str(value).strip().lower() in _TRUE


def site_url(app: Flask) -> str | None:
    """``SITE_URL`` without a trailing slash, or None."""
    value = setting(app, "SITE_URL")
    return str(value).rstrip("/") if value else None


def delivery_mode(app: Flask) -> str:
    mode = setting(app, "MAIL_DELIVERY") or ("rq" if app.config.get("REDIS_URL") else "thread")
    if mode not in DELIVERY_MODES:
        raise ValueError(f"MAIL_DELIVERY must be one of {', '.join(DELIVERY_MODES)}, not {mode!r}")
    return mode


def resolve_settings(app: Flask) -> None:
    """Put the mail settings into ``app.config`` in the names Flask-Mailman reads."""
    server = setting(app, "MAIL_SERVER")
    use_ssl = flag(app, "MAIL_USE_SSL")
    host = urlsplit(site_url(app) or "").hostname or "localhost"
    app.config.update(
        MAIL_SERVER=server,
        MAIL_PORT=int(setting(app, "MAIL_PORT", 465 if use_ssl else 25)),
        MAIL_USE_TLS=flag(app, "MAIL_USE_TLS"),
        MAIL_USE_SSL=use_ssl,
        MAIL_USERNAME=setting(app, "MAIL_USERNAME"),
        MAIL_PASSWORD=setting(app, "MAIL_PASSWORD"),
        MAIL_FROM=setting(app, "MAIL_FROM", f"Consult <no-reply@{host}>"),
        MAIL_TIMEOUT=float(setting(app, "MAIL_TIMEOUT", 30)),
        MAIL_DELIVERY=setting(app, "MAIL_DELIVERY"),  # None: by REDIS_URL, when sending
        SITE_URL=site_url(app),
    )
    app.config["MAIL_DEFAULT_SENDER"] = app.config["MAIL_FROM"]
    delivery_mode(app)  # a wrong MAIL_DELIVERY stops the app at start, not at a send
    if app.config["MAIL_USE_TLS"] and use_ssl:
        raise ValueError(
            "Set MAIL_USE_TLS (STARTTLS) or MAIL_USE_SSL (TLS from the start), not both."
        )
