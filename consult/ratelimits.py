"""One rate-limit policy for every write, shared by all workers.

:data:`POLICY` names every endpoint that writes, with its limits counted twice: per
identity (the account, the browser's pseudonymous keys, or the email typed at login) and
per network address. The address limit is higher, since everyone in a conference hall
shares one address. A write endpoint missing from the table gets :data:`DEFAULT`; the
tests insist every POST route is either in the table or in :data:`EXEMPT` with a reason.

The limits are applied in one place, a ``before_request`` hook, after the CSRF check.
Counters live in ``RATELIMIT_STORAGE_URI``: Redis when ``REDIS_URL`` is set, else a
SQLite file in the instance folder (:mod:`consult.ratelimit_storage`) that every worker
of the host shares; never one worker's memory.

:func:`admit_new_pseudonym` caps how many new pseudonymous participants one address may
start per hour in a consultation (``Consultation.pseudonymous_per_hour``).
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from flask import Flask, current_app, request, session
from flask_babel import gettext as _
from flask_login import current_user
from limits import RateLimitItem, RateLimitItemPerHour, parse_many
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from consult import ratelimit_storage
from consult.errors import DomainError, render_error

log = logging.getLogger(__name__)

EXTENSION = "consult_rate_limits"
ANON_SESSION_KEY = "anon"  # participation.participants keeps pseudonymous keys here
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class WriteLimit:
    """Limits of one kind of write; endpoints with the same ``bucket`` share counters."""

    bucket: str
    identity: str
    address: str


VOTE = WriteLimit("vote", identity="120/minute", address="1200/minute")
CONTRIBUTE = WriteLimit("contribute", identity="10/minute;100/day", address="60/minute;1000/day")
REPORT_ABUSE = WriteLimit("report-abuse", identity="10/minute;100/day", address="60/minute")
LOGIN = WriteLimit("login", identity="10/minute", address="30/minute")
REGISTER = WriteLimit("register", identity="5/hour", address="60/hour")
PASSWORD = WriteLimit("password", identity="5/minute;20/hour", address="30/minute")
PUBLISH = WriteLimit("publish", identity="10/minute;100/day", address="60/minute")
STAFF = WriteLimit("staff", identity="120/minute", address="600/minute")
DEFAULT = WriteLimit("other", identity="60/minute", address="300/minute")

POLICY: dict[str, WriteLimit] = {
    # Taking part: the in-place vote, the flow's vote and skip share one bucket.
    "participation.vote": VOTE,
    "participation.vote_flow": VOTE,
    "participation.skip_statement": VOTE,
    "participation.vote_choices": VOTE,
    "participation.post_comment": CONTRIBUTE,
    "participation.edit_comment": CONTRIBUTE,
    "participation.delete_comment": CONTRIBUTE,
    "participation.statement_list": CONTRIBUTE,
    "participation.withdraw_edit": CONTRIBUTE,
    "participation.translate_statement": CONTRIBUTE,
    "participation.translate_comment": CONTRIBUTE,
    "participation.report_comment": REPORT_ABUSE,
    # Accounts.
    "auth.login": LOGIN,
    "auth.register": REGISTER,
    "auth.change_password": PASSWORD,
    # A profile change and a verification request each write to the site audit log.
    "auth.edit_profile": CONTRIBUTE,
    "auth.verification": CONTRIBUTE,
    # Reports and their publication.
    "reports.publish": PUBLISH,
    "reports.set_published": PUBLISH,
    # Organisers, moderators and drafters: roles are checked by the views; this bounds
    # a stolen or scripted staff session.
    "drafts.new_clause": STAFF,
    "drafts.edit_clause": STAFF,
    "drafts.edit_preamble": STAFF,
    "drafts.set_authoritative": STAFF,
    "drafts.remove_clause": STAFF,
    "drafts.reorder": STAFF,
    "drafts.publish": PUBLISH,
    "drafts.discard": STAFF,
    "drafts.promote_contribution": STAFF,
    "moderation.act": STAFF,
    "moderation.act_on_report": STAFF,
    "moderation.act_on_edit": STAFF,
    "moderation.bulk": STAFF,
    "moderation.respond": STAFF,
    "organise.new": PUBLISH,
    "organise.settings": STAFF,
    "organise.status": STAFF,
    "organise.team": STAFF,
    "organise.remove_member": STAFF,
    "organise.revoke_invitation": STAFF,
    "organise.verify": STAFF,
    "verification.decide": STAFF,
    "verification.verifiers": STAFF,
    "verification.remove_verifier": STAFF,
    "organise.site_organisers": STAFF,
    "organise.remove_site_organiser": STAFF,
    # Email and accounts (consult/mail, consult/auth: confirmation, reset, change of email).
    # Each mails a link: few per address typed or account, like registering.
    "account_email.forgot": REGISTER,
    "account_email.resend_confirmation": REGISTER,
    "account_email.mail_password_link": REGISTER,
    "account_email.change_email": REGISTER,
    # Each tries a token, like a login; a reset also sets a password.
    "account_email.confirm": LOGIN,
    "account_email.confirm_change": LOGIN,
    "account_email.reset": PASSWORD,
    # An organiser mails up to 50 addresses a request: few requests, like registering.
    "organise.invite_to_take_part": REGISTER,
    # Notifications (consult/notifications: preferences, unsubscribe).
    "notifications.preferences": CONTRIBUTE,
    "notifications.set_following": CONTRIBUTE,
    # Mail clients post one-click unsubscribes from their providers' few addresses.
    "notifications.unsubscribe": WriteLimit(
        "unsubscribe", identity="30/minute", address="600/minute;20000/day"
    ),
    # Single sign-on (consult/sso: the admin's providers, the sign-in callback).
    # A new account's missing profile, after the institution vouched for the address.
    "sso.complete": REGISTER,
    "sso_admin.index": STAFF,
    "sso_admin.edit": STAFF,
    "sso_admin.switch": STAFF,
    # (Leaving for the provider and its answer are GETs: consult/sso/limits.py counts them.)
}

EXEMPT: dict[str, str] = {
    "auth.logout": "ends the visitor's own session; refusing it would keep a session alive",
    "auth.logout_everywhere": "ends the account's sessions; refusing it would keep them alive",
    "i18n.set_language": "stores only the visitor's own language choice in their cookie",
}


class RateLimited(DomainError):
    """Refused for now: too many requests; ``retry_after`` seconds until the window ends."""

    status = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class RateLimits:
    """The counters of one app: its storage and the fixed-window strategy over it."""

    storage: Storage
    strategy: FixedWindowRateLimiter

    def hit(self, item: RateLimitItem, *identifiers: str) -> int | None:
        """Count one request; None if within ``item``, else the seconds until it resets."""
        if self.strategy.hit(item, *identifiers):
            return None
        reset = self.storage.get_expiry(item.key_for(*identifiers))
        return max(1, math.ceil(reset - time.time()))


def default_storage_uri(app: Flask) -> str:
    """Redis when configured, else the SQLite counter file every worker of this host shares."""
    configured = app.config.get("RATELIMIT_STORAGE_URI")
    if configured:
        return configured
    return ratelimit_storage.storage_uri(f"{app.instance_path}/ratelimits.sqlite")


def init_rate_limits(app: Flask) -> None:
    """Resolve the shared storage and apply :data:`POLICY` to every write request."""
    app.config["RATELIMIT_STORAGE_URI"] = uri = default_storage_uri(app)
    if uri.startswith("memory://") and not app.testing:
        log.warning("rate limits counted in one worker's memory: each worker counts alone")
    storage = storage_from_string(uri)
    app.extensions[EXTENSION] = RateLimits(storage, FixedWindowRateLimiter(storage))
    app.before_request(enforce_write_limits)
    app.register_error_handler(RateLimited, _refused)


def rate_limits() -> RateLimits:
    return current_app.extensions[EXTENSION]


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def client_address() -> str:
    """The requester's address (the proxy's unless ``CONSULT_PROXY_HOPS`` is set)."""
    return request.remote_addr or "unknown"


def identity_of_request() -> str | None:
    """Who is writing: the account, else this browser's pseudonymous keys, else the email
    typed into a login or registration form; None for a visitor with none of these."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    keys = session.get(ANON_SESSION_KEY)
    if keys:
        return "anon:" + _digest(",".join(sorted(map(str, keys.values()))))
    email = request.form.get("email")
    if isinstance(email, str) and email.strip():
        return "email:" + _digest(email.strip().lower())
    return None


def counted_scopes(limit: WriteLimit) -> list[tuple[str, str, str]]:
    """(scope, who, limits) pairs this request is counted under: identity, then address."""
    scopes = []
    if (who := identity_of_request()) is not None:
        scopes.append(("identity", who, limit.identity))
    scopes.append(("address", client_address(), limit.address))
    return scopes


def enforce_write_limits():
    """Count a write against its policy; a 429 with Retry-After once a limit is reached."""
    if request.method in SAFE_METHODS or not _enabled():
        return None
    endpoint = request.endpoint
    if endpoint is None or endpoint in EXEMPT:
        return None
    policy = POLICY.get(endpoint, DEFAULT)
    limits = rate_limits()
    try:
        for scope, who, spec in counted_scopes(policy):
            for item in parse_many(spec):
                retry_after = limits.hit(item, policy.bucket, scope, who)
                if retry_after is not None:
                    return too_many_requests(retry_after)
    except Exception:  # a storage outage must not take the site down with it
        log.exception("rate-limit storage failed; %s %s let through", request.method, endpoint)
    return None


def too_many_requests(retry_after: int, message: str | None = None):
    """The 429 answer: a page, or for htmx a message it shows; with Retry-After."""
    message = message or _(
        "Too many requests. Please wait %(seconds)d seconds and try again.",
        seconds=retry_after,
    )
    response = render_error(429, message)
    response.headers["Retry-After"] = str(retry_after)
    return response


def _refused(error: RateLimited):
    return too_many_requests(error.retry_after, error.message)


def admit_new_pseudonym(consultation) -> None:
    """Count a new pseudonymous participant from this address in ``consultation``.

    Raises :class:`RateLimited` past the consultation's ``pseudonymous_per_hour``, before
    the key is made, so nothing is written.
    """
    if not _enabled():
        return
    per_hour = max(1, int(consultation.pseudonymous_per_hour or 1))
    item = RateLimitItemPerHour(per_hour)
    try:
        retry_after = rate_limits().hit(
            item, "new-pseudonym", str(consultation.id), client_address()
        )
    except Exception:
        log.exception("rate-limit storage failed; new pseudonym let through")
        return
    if retry_after is not None:
        raise RateLimited(
            _("Too many new anonymous participants from your network; log in or try later."),
            retry_after,
        )
