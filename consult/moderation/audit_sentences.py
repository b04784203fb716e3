"""The audit log in words: each event read through the table of
:mod:`consult.moderation.audit_actions`, with people by name and statements by number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.extensions import db
from consult.i18n import language_name, localized
from consult.moderation.audit_actions import GENERIC, KNOWN
from consult.moderation.audit_settings import (
    describe_settings,
    provider_fields,
    status_reading,
)
from consult.moderation.models import ModerationEvent
from consult.participation.translations import language_label


class _Fill(dict):
    """Placeholder values; a detail an older event lacks reads as "?" instead of failing."""

    def __missing__(self, key):
        return "?"


@dataclass(frozen=True)
class AuditLine:
    """One event as people read it: plain text, escaped by the template that shows it."""

    event: ModerationEvent
    created_at: datetime
    actor: str
    sentence: str
    reason: str
    # The statement's number in its consultation (``comment-id`` in the Polis exports)
    # when the event is about a statement; ``event.target_id`` is its internal id.
    statement_number: int | None = None


def describe_events(events: list[ModerationEvent]) -> list[AuditLine]:
    """The events in words, in the request's language, with a few queries in all."""
    names = _names(events)
    statements = _statement_numbers(events)
    clauses = _clauses(events)
    lines = []
    for event in events:
        actor = _actor(event, names)
        fill = _Fill({k: _plain(v) for k, v in (event.details or {}).items()})
        fill.update(actor=actor, id=event.target_id or "?", action=event.action)
        fill["target"] = _target(event, names, statements, clauses)
        if event.action == "duplicate":
            fill["original"] = statements.get(event.details.get("duplicate_of"), "?")
        _labels(event, fill)
        member = KNOWN.get(event.action)
        sentence = str(member.sentence if member else GENERIC) % fill
        number = statements.get(event.target_id) if event.target_kind == "statement" else None
        lines.append(
            AuditLine(event, event.created_at, actor, sentence, event.reason or "", number)
        )
    return lines


def _plain(value) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _labels(event: ModerationEvent, fill: _Fill) -> None:
    """Stored enum values and field names read as their translated labels."""
    from consult.consultations.models import Role
    from consult.moderation.models import Outcome

    details = event.details or {}
    for key, enum_type in (("role", Role), ("outcome", Outcome)):
        try:
            fill[key] = str(enum_type(details.get(key)).label)
        except ValueError:
            continue
    for key in ("from", "to"):  # a status, or the phase it began (scheduled) if recorded
        reading = status_reading(details.get(key), details.get(f"{key}_phase"))
        if reading:
            fill[key] = reading
    if event.action == "edit_settings":
        fill["changed"] = describe_settings(details)
    elif event.action == "sso_provider_changed":
        fill["changed"] = provider_fields(details.get("changed"))
    if "title" not in details and "slug" in details:  # a report published before titles
        fill["title"] = fill["slug"]
    for key in ("language", "languages"):  # language codes read as language names
        value = (event.details or {}).get(key)
        codes = value if isinstance(value, list) else [value] if value else []
        if codes:
            fill[key] = ", ".join(language_name(str(code)) for code in codes)


def _actor(event: ModerationEvent, names: dict[int, str]) -> str:
    if event.actor_id in names:
        return names[event.actor_id]
    if (event.details or {}).get("via") == "command line":
        return _("Someone at the command line")
    return _("Someone (account removed)") if event.actor_id is None else f"#{event.actor_id}"


def _target(event, names, statements, clauses) -> str:
    kind, target_id = event.target_kind, event.target_id
    if kind == "statement":
        return _("statement %(number)s", number=statements.get(target_id, f"#{target_id}"))
    if kind == "comment":
        return _("comment #%(id)s", id=target_id)
    if kind == "translation":
        return _translation_target(event.details or {})
    if kind == "user":
        return names.get(target_id) or _("a removed account")
    if kind == "clause" and target_id in clauses:
        position, heading = clauses[target_id]
        text = _("clause %(position)s", position=position)
        return f"{text} “{heading}”" if heading else text
    if kind == "clause":
        return _("a clause")
    if kind == "version":
        return _("version %(number)s", number=(event.details or {}).get("number", "?"))
    if kind == "consultation":
        return _("the consultation")
    return f"{kind} #{target_id}" if target_id else kind


def _translation_target(details: dict) -> str:
    """A translation named by what it translates and into which language (its event's
    details, written by consult.participation.translations.describe)."""
    language = language_label(details.get("language"))
    if details.get("of_statement") is not None:
        return _(
            "the translation into %(language)s of statement %(number)s",
            language=language,
            number=details["of_statement"],
        )
    return _(
        "the translation into %(language)s of comment #%(id)s",
        language=language,
        id=details.get("of_comment", "?"),
    )


def _names(events) -> dict[int, str]:
    from consult.auth.models import User

    ids = {e.actor_id for e in events if e.actor_id}
    ids |= {e.target_id for e in events if e.target_kind == "user" and e.target_id}
    if not ids:
        return {}
    rows = db.session.execute(sa.select(User.id, User.display_name).where(User.id.in_(ids)))
    return {row.id: row.display_name for row in rows}


def _statement_numbers(events) -> dict[int, int]:
    from consult.participation.models import Statement

    ids = {e.target_id for e in events if e.target_kind == "statement" and e.target_id}
    ids |= {
        e.details["duplicate_of"]
        for e in events
        if isinstance((e.details or {}).get("duplicate_of"), int)
    }
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Statement.id, Statement.number).where(Statement.id.in_(ids))
    )
    return {row.id: row.number for row in rows}


def _clauses(events) -> dict[int, tuple[int, str]]:
    from consult.drafts.models import Clause

    ids = {e.target_id for e in events if e.target_kind == "clause" and e.target_id}
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Clause.id, Clause.position, Clause.heading).where(Clause.id.in_(ids))
    )
    return {row.id: (row.position, localized(row.heading)) for row in rows}
