"""The participation blueprint; its routes live in the ``views*`` modules of this package.

The app factory imports those modules when it registers the blueprint (``consult.app``).
"""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("participation", __name__)
