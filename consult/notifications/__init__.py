"""Notifications by email with per-person preferences and one-click unsubscribe (issue 15)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the notification routes and commands on ``app``."""
