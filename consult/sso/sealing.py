"""The providers' client secrets, sealed at rest.

A secret is encrypted (Fernet: AES-128-CBC with HMAC-SHA256) under a key derived with
HKDF-SHA256 from the application's ``SECRET_KEY``, so a copy of the database alone does
not give the institutions' secrets away. Changing ``SECRET_KEY`` makes the sealed secrets
unreadable: the admin enters each provider's secret again (the admin page says so).
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

_PURPOSE = b"consult: single sign-on client secrets"


class SecretUnreadable(Exception):
    """The sealed secret was made under another SECRET_KEY (or was altered)."""


def _fernet() -> Fernet:
    secret_key = current_app.config["SECRET_KEY"]
    material = secret_key.encode() if isinstance(secret_key, str) else bytes(secret_key)
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(material)
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str) -> str:
    """``secret`` encrypted and authenticated, as text for the database."""
    return _fernet().encrypt(secret.encode()).decode("ascii")


def unseal(sealed: str) -> str:
    """The secret back; SecretUnreadable if it was sealed under another key."""
    try:
        return _fernet().decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        raise SecretUnreadable from None
