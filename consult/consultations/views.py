"""Public pages: the list of consultations and a consultation's current draft."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from consult.auth.services import has_role
from consult.consultations import services
from consult.consultations.models import Role
from consult.i18n import current_language
from consult.participation.participants import actor_for, find_participant
from consult.participation.reading import clause_boxes

blueprint = Blueprint("consultations", __name__)


@blueprint.get("/")
def home():
    return render_template("consultations/home.html", listing=services.listed_consultations())


@blueprint.get("/c/<slug>")
def show(slug: str):
    consultation = services.get_visible_consultation(slug, current_user)
    version = services.current_version(consultation)
    language = current_language()
    participant = find_participant(consultation, actor_for(consultation))
    return render_template(
        "consultations/show.html",
        consultation=consultation,
        version=version,
        boxes=clause_boxes(version, participant),
        language=language,
        text_language_missing=language not in consultation.languages,
        next_url=request.path,
        team_role=_team_role(consultation),
    )


def _team_role(consultation) -> str | None:
    """ "organiser" or "moderator" when the reader runs this consultation, for its toolbar."""
    if has_role(current_user, consultation, Role.ORGANISER):
        return "organiser"
    if has_role(current_user, consultation, Role.MODERATOR):
        return "moderator"
    return None
