"""Views of the organise feature."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("organise", __name__)
