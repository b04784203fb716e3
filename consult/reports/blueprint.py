"""The reports blueprint; its routes live in ``views`` (dashboard, method notes, clause
history) and ``views_reports`` (exports and published reports) of this package.

The app factory imports those modules when it registers the blueprint (``consult.app``).
"""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("reports", __name__)
