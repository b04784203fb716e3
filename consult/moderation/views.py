"""Views of the moderation feature."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("moderation", __name__)
