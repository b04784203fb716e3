"""Outgoing email (issue 15): SMTP through Flask-Mailman, or .eml files in instance/outbox/."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Configure outgoing mail, its routes and its commands on ``app``."""
