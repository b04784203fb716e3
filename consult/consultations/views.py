"""Public pages: the list of consultations, a consultation's current draft, and that
draft as a text to print or download."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.auth.services import has_role
from consult.consultations import navigation, services
from consult.consultations.draft_text import as_plain_text, draft_text
from consult.consultations.models import Role
from consult.consultations.schedule import Phase, format_moment, phase_if_opened
from consult.db_types import utcnow
from consult.errors import NotFound
from consult.i18n import current_language
from consult.participation.participants import actor_for, find_participant
from consult.participation.reading import clause_boxes

blueprint = Blueprint("consultations", __name__)


@blueprint.app_template_global()
def consultation_nav_links(consultation, *, on_clause: bool = False):
    """The consultation navigation for this request's page and reader (base.html)."""
    return navigation.consultation_nav(
        consultation, current_user, request.endpoint, on_clause=on_clause
    )


@blueprint.app_template_global()
def results_visible(consultation) -> bool:
    return navigation.results_visible(consultation, current_user)


@blueprint.app_template_global()
def authoritative_language(consultation) -> str:
    return navigation.authoritative_language(consultation)


@blueprint.app_template_global()
def opening_schedules(consultation) -> bool:
    """Whether opening it now would schedule it (its opening time is still to come)."""
    when = phase_if_opened(consultation.opens_at, consultation.closes_at, utcnow())
    return when is Phase.SCHEDULED


@blueprint.app_template_filter("moment")
def moment(value) -> str:
    """A date and time, for "Opens on" and "Closes on" (see ``format_moment``)."""
    return format_moment(value)


@blueprint.get("/")
def home():
    return render_template("consultations/home.html", listing=services.listed_consultations())


@blueprint.get("/c/<slug>")
def show(slug: str):
    consultation = services.get_visible_consultation(slug, current_user)
    version = services.current_version(consultation)
    language = current_language()
    participant = find_participant(consultation, actor_for(consultation))
    boxes = clause_boxes(version, participant)
    return render_template(
        "consultations/show.html",
        consultation=consultation,
        version=version,
        boxes=boxes,
        progress=navigation.reading_progress(boxes, participant),
        language=language,
        authoritative=navigation.authoritative_language(consultation),
        text_language_missing=language not in consultation.languages,
        next_url=request.path,
        team_role=_team_role(consultation),
    )


def _published_text(slug: str):
    consultation = services.get_visible_consultation(slug, current_user)
    version = services.current_version(consultation)
    if version is None:
        raise NotFound(_("The draft text has not been published yet."))
    text = draft_text(
        consultation,
        version,
        current_language(),
        navigation.authoritative_language(consultation),
    )
    return consultation, text


@blueprint.get("/c/<slug>/text")
def printable_text(slug: str):
    """The current published version on one plain page, for reading and printing."""
    consultation, text = _published_text(slug)
    return render_template("consultations/text.html", consultation=consultation, text=text)


@blueprint.get("/c/<slug>/text.txt")
def text_download(slug: str):
    """The current published version as a plain-text file in the reader's language."""
    consultation, text = _published_text(slug)
    address = url_for(".show", slug=slug, _external=True)
    filename = f"{slug}-v{text.version}-{text.language}.txt"
    return Response(
        as_plain_text(text, address),
        mimetype="text/plain",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Vary": "Accept-Language, Cookie",
        },
    )


def _team_role(consultation) -> str | None:
    """ "organiser" or "moderator" when the reader runs this consultation, for its toolbar."""
    if has_role(current_user, consultation, Role.ORGANISER):
        return "organiser"
    if has_role(current_user, consultation, Role.MODERATOR):
        return "moderator"
    return None
