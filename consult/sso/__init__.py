"""Single sign-on with institutions' OpenID Connect providers (issue 15)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the single sign-on routes and commands on ``app``."""
