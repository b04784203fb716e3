"""The consultation's own navigation, shown on every page of it, and its reading aids:
which language is authoritative, and how far a reader has got through the clauses."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l

from consult.auth.services import has_role
from consult.consultations.models import Consultation, Role

TEAM = (Role.ORGANISER, Role.MODERATOR)


@dataclass(frozen=True)
class Section:
    """One entry of the consultation navigation."""

    key: str
    label: str
    endpoint: str
    # Prefixes of the endpoints whose pages belong to this section (for aria-current).
    covers: tuple[str, ...]


# In order: the first section whose prefixes match an endpoint is the current one.
SECTIONS = (
    Section("text", _l("The text"), "consultations.show", ("consultations.",)),
    Section("vote", _l("Vote"), "participation.vote_flow", ("participation.vote_flow",)),
    Section(
        "statements",
        _l("Statements"),
        "participation.statement_list",
        (
            "participation.statement_list",
            "participation.show_statement",
            "participation.edit_comment",
            "participation.report_comment",
        ),
    ),
    Section("results", _l("What participants think"), "reports.show_dashboard", ("reports.",)),
    Section("versions", _l("Versions"), "drafts.versions", ("drafts.versions", "drafts.compare")),
    Section(
        "mine", _l("My participation"), "participation.my_participation", ("participation.my_",)
    ),
    Section(
        "team",
        _l("Team tools"),
        "moderation.consultation_queue",
        ("moderation.", "organise.", "drafts."),
    ),
)


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool


def section_of(endpoint: str | None, *, on_clause: bool = False) -> str | None:
    """The section a page belongs to; a clause's own page belongs to the text."""
    if not endpoint:
        return None
    if on_clause and endpoint == "participation.show_statement":
        return "text"
    for section in SECTIONS:
        if endpoint.startswith(section.covers):
            return section.key
    return None


def consultation_nav(
    consultation: Consultation, user, endpoint: str | None, *, on_clause: bool = False
) -> list[NavLink]:
    """The sections this reader may open, the current one marked."""
    team = has_role(user, consultation, *TEAM)
    current = section_of(endpoint, on_clause=on_clause)
    links = []
    for section in SECTIONS:
        if section.key == "results" and not (consultation.dashboard_public or team):
            continue
        if section.key == "team" and not team:
            continue
        if section.key == "vote" and not consultation.accepts_input():
            continue  # closed, imported or not open yet: nothing to vote on now
        links.append(
            NavLink(
                str(section.label),
                url_for(section.endpoint, slug=consultation.slug),
                section.key == current,
            )
        )
    return links


def results_visible(consultation: Consultation, user) -> bool:
    """Whether this reader may open the dashboard (public unless the organisers hid it)."""
    return consultation.dashboard_public or has_role(user, consultation, *TEAM)


def authoritative_language(consultation: Consultation) -> str:
    """The language whose text is authoritative: the organisers' choice, else the
    consultation's first language (the demo lists Chinese, then English)."""
    return consultation.authoritative


@dataclass(frozen=True)
class ReadingProgress:
    voted: int
    total: int


def reading_progress(boxes: dict, participant) -> ReadingProgress | None:
    """How many of the current clauses this participant has voted on; None for a reader
    who has not taken part (no participant record)."""
    if participant is None or not boxes:
        return None
    voted = sum(1 for box in boxes.values() if box.my_vote is not None)
    return ReadingProgress(voted, len(boxes))
