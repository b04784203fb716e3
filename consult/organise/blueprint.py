"""The organise blueprint; its routes live in ``views`` (a consultation's organisers'
pages) and ``views_site`` (the site admin's page of site organisers) of this package.

``views`` imports ``views_site``, so registering ``views.blueprint`` brings every route.
"""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("organise", __name__)
