"""Signed, expiring links for an account: confirm the address, reset the password,
change the address.

A token is signed with ``SECRET_KEY`` (itsdangerous), salted by its purpose (a reset
token cannot confirm an address) and carries the account id and a fingerprint of the
account state it was made for. Using it changes that state, so each token works once,
and a newer change (a new password, a new address) outdates the older tokens:

- confirmation: the address and whether it is confirmed;
- reset: the address and the password hash;
- change of email: the address, the password hash and the new address.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from consult.auth.models import User
from consult.errors import DomainError
from consult.extensions import db

TOKEN_MAX = 1000  # longer is no token of ours: refused before any work


@dataclass(frozen=True)
class Purpose:
    salt: str
    valid_for: timedelta


CONFIRM = Purpose("consult.confirm-email", timedelta(days=3))
RESET = Purpose("consult.reset-password", timedelta(hours=1))
CHANGE_EMAIL = Purpose("consult.change-email", timedelta(days=2))


class InvalidLink(DomainError):
    """A link that is forged, cut short, used already or made outdated by a later change."""

    status = 400


class ExpiredLink(DomainError):
    status = 410


def _fingerprint(user: User, purpose: Purpose, extra: str) -> str:
    if purpose is CONFIRM:
        state = f"{user.email}|{user.email_confirmed_at is not None}"
    else:
        state = f"{user.email}|{user.password_hash}|{extra}"
    return hashlib.sha256(f"{purpose.salt}|{state}".encode()).hexdigest()[:32]


def _serializer(purpose: Purpose, issued_at: datetime | None = None) -> URLSafeTimedSerializer:
    signer = TimestampSigner
    if issued_at is not None:  # tests make old tokens with this (no waiting)
        stamp = int(issued_at.timestamp())
        signer = type("BackdatedSigner", (TimestampSigner,), {"get_timestamp": lambda _s: stamp})
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], purpose.salt, signer=signer)


def make_token(
    purpose: Purpose, user: User, extra: str = "", *, issued_at: datetime | None = None
) -> str:
    """A token for ``user`` and ``purpose``; ``extra`` (the new address) is signed in too."""
    payload = {"u": user.id, "s": _fingerprint(user, purpose, extra)}
    if extra:
        payload["x"] = extra
    return _serializer(purpose, issued_at).dumps(payload)


def read_token(purpose: Purpose, token: str) -> tuple[User, str]:
    """The account and ``extra`` of a valid token; InvalidLink or ExpiredLink otherwise."""
    invalid = InvalidLink(
        _(
            "This link does not work: it was used already, a newer link replaced it, or it "
            "was not copied whole. Ask for a new one."
        )
    )
    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX:
        raise invalid
    try:
        payload = _serializer(purpose).loads(token, max_age=purpose.valid_for.total_seconds())
    except SignatureExpired:
        raise ExpiredLink(_("This link has expired. Ask for a new one.")) from None
    except BadSignature:
        raise invalid from None
    if not isinstance(payload, dict):
        raise invalid
    user_id, extra = payload.get("u"), payload.get("x", "")
    if not isinstance(user_id, int) or not isinstance(extra, str) or not 0 < user_id < 2**63:
        raise invalid
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or payload.get("s") != _fingerprint(user, purpose, extra):
        raise invalid
    return user, extra
