"""Drafting: the unpublished working version and its clauses (publishing it: publishing.py).

The working version is the one unpublished DraftVersion of a consultation. The first
edit after a publication starts it as a copy of the latest published version; publishing
turns it into the new current version. A clause whose text is unchanged keeps its
statement (its votes carry over); a changed or new clause gets a new statement, so
earlier votes stay attached to the wording they were cast on.
"""

from __future__ import annotations

import re
import uuid

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from consult.auth.services import ensure_role
from consult.consultations.models import Consultation
from consult.consultations.services import current_version
from consult.database import write_transaction
from consult.db_types import utcnow
from consult.drafts.models import (
    CLAUSE_TEXT_MAX,
    HEADING_MAX,
    PREAMBLE_MAX,
    Clause,
    DraftVersion,
)
from consult.drafts.translations import merged_standings
from consult.errors import DomainError, NotFound
from consult.extensions import db
from consult.moderation.access import TEAM
from consult.moderation.audit import record_event
from consult.participation.models import Statement


def working_version(consultation: Consultation) -> DraftVersion | None:
    """The unpublished working version, if an edit has started one."""
    return db.session.scalar(
        sa.select(DraftVersion)
        .where(DraftVersion.consultation_id == consultation.id, DraftVersion.published_at.is_(None))
        .options(selectinload(DraftVersion.clauses))
    )


def published_versions(consultation: Consultation) -> list[DraftVersion]:
    return list(
        db.session.scalars(
            sa.select(DraftVersion)
            .where(
                DraftVersion.consultation_id == consultation.id,
                DraftVersion.published_at.is_not(None),
            )
            .order_by(DraftVersion.number)
        )
    )


def ensure_working_version(user, consultation: Consultation) -> DraftVersion:
    """The working version, started now as a copy of the latest published one if need be."""
    working = working_version(consultation)
    if working is not None:
        return working
    latest = current_version(consultation)
    working = DraftVersion(
        consultation_id=consultation.id,
        number=(latest.number + 1) if latest else 1,
        preamble=dict(latest.preamble) if latest else {},
        created_by_id=user.id,
    )
    for clause in latest.clauses if latest else []:
        working.clauses.append(
            Clause(
                position=clause.position,
                lineage_key=clause.lineage_key,
                heading=dict(clause.heading or {}),
                text=dict(clause.text),
                translations=dict(clause.translations or {}),
                statement_id=clause.statement_id,
                source_statement_id=clause.source_statement_id,
                source_comment_id=clause.source_comment_id,
            )
        )
    db.session.add(working)
    db.session.flush()
    record_event(user, consultation.id, "start_draft", "version", working.id, number=working.number)
    return working


def find_clause(version: DraftVersion | None, lineage_key: str) -> Clause:
    for clause in version.clauses if version else []:
        if clause.lineage_key == lineage_key:
            return clause
    raise NotFound(_("There is no such clause in this draft."))


def clean_texts(consultation, texts: dict[str, str], *, heading: bool = False) -> dict[str, str]:
    """Keep the offered languages' non-empty texts; refuse over-long or (for text) no text."""
    limit, kind = (HEADING_MAX, "heading") if heading else (CLAUSE_TEXT_MAX, "text")
    cleaned = {}
    for language in consultation.languages:
        value = (texts.get(language) or "").strip()
        if len(value) > limit:
            raise DomainError(
                _("Keep this under %(n)d characters.", n=limit), field=f"{kind}_{language}"
            )
        if value:
            cleaned[language] = value
    if not heading and not cleaned:
        raise DomainError(
            _("Write the clause text in at least one language."),
            field=f"text_{consultation.languages[0]}",
        )
    return cleaned


def paragraphs(text: str) -> list[str]:
    """A preamble typed in a text box: paragraphs separated by blank lines."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return [" ".join(line.strip() for line in b.splitlines()) for b in blocks if b.strip()]


def save_preamble(user, consultation, texts: dict[str, str]) -> DraftVersion:
    """Change the preamble (per language; paragraphs separated by blank lines)."""
    ensure_role(user, consultation, *TEAM)
    preamble = {}
    for language in consultation.languages:
        value = (texts.get(language) or "").strip()
        if len(value) > PREAMBLE_MAX:
            raise DomainError(
                _("Keep this under %(n)d characters.", n=PREAMBLE_MAX), field=f"preamble_{language}"
            )
        if value:
            preamble[language] = paragraphs(value)
    with write_transaction():
        working = ensure_working_version(user, consultation)
        before = working.preamble or {}
        working.preamble = preamble
        changed = sorted(k for k in set(preamble) | set(before) if preamble.get(k) != before.get(k))
        record_event(
            user, consultation.id, "edit_preamble", "version", working.id,
            number=working.number, languages=changed,
        )  # fmt: skip
    return working


def save_clause(
    user,
    consultation,
    lineage_key: str,
    heading: dict,
    text: dict,
    ask_voters_again: bool = False,
    standings: dict[str, str] | None = None,
) -> Clause:
    """Change one clause's heading and text (per language) in the working version;
    ``ask_voters_again`` asks earlier voters to look again even if only a translation
    changed (see consult/drafts/languages.py); ``standings`` marks each translation
    official, reviewed or proposed (see consult/drafts/translations.py)."""
    ensure_role(user, consultation, *TEAM)
    find_clause(working_version(consultation) or current_version(consultation), lineage_key)
    heading, text = (
        clean_texts(consultation, heading, heading=True),
        clean_texts(consultation, text),
    )
    with write_transaction():
        clause = find_clause(ensure_working_version(user, consultation), lineage_key)
        before = dict(clause.text)
        clause.heading, clause.text = heading, text
        clause.ask_voters_again = ask_voters_again
        clause.translations = merged_standings(
            consultation, text, standings or {}, clause.translations, before
        )
        changed = set(text) | set(before)
        record_event(
            user, consultation.id, "edit_clause", "clause", clause.id,
            lineage_key=lineage_key,
            languages=sorted(k for k in changed if text.get(k) != before.get(k)),
            standings=clause.translations,
        )  # fmt: skip
    return clause


def add_clause(
    user, consultation, heading: dict, text: dict, standings: dict[str, str] | None = None
) -> Clause:
    """Append a new clause (a new lineage) to the working version; its translations are
    "reviewed" unless ``standings`` says otherwise."""
    ensure_role(user, consultation, *TEAM)
    heading, text = (
        clean_texts(consultation, heading, heading=True),
        clean_texts(consultation, text),
    )
    with write_transaction():
        working = ensure_working_version(user, consultation)
        clause = append_clause(
            working, heading, text, translations=merged_standings(
                consultation, text, standings or {}, None
            ),
        )  # fmt: skip
        record_event(
            user, consultation.id, "add_clause", "clause", clause.id, lineage_key=clause.lineage_key
        )
    return clause


def append_clause(working: DraftVersion, heading: dict, text: dict, **sources) -> Clause:
    position = max((c.position for c in working.clauses), default=0) + 1
    clause = Clause(
        position=position, lineage_key=str(uuid.uuid4()), heading=heading, text=text, **sources
    )
    working.clauses.append(clause)
    db.session.flush()
    return clause


def remove_clause(user, consultation, lineage_key: str) -> None:
    """Take a clause out of the working version; later clauses move up."""
    ensure_role(user, consultation, *TEAM)
    find_clause(working_version(consultation) or current_version(consultation), lineage_key)
    with write_transaction():
        working = ensure_working_version(user, consultation)
        clause = find_clause(working, lineage_key)
        working.clauses.remove(clause)
        db.session.flush()
        _renumber(working, list(working.clauses))
        record_event(
            user, consultation.id, "remove_clause", "clause", None, lineage_key=lineage_key
        )


def reorder_clauses(user, consultation, order: list[str]) -> None:
    """Put the working version's clauses in ``order`` (every clause exactly once)."""
    ensure_role(user, consultation, *TEAM)
    shown = working_version(consultation) or current_version(consultation)
    keys = [c.lineage_key for c in shown.clauses] if shown else []
    if len(order) != len(set(order)):
        raise DomainError(_("Each clause may appear only once in the new order."), field="order")
    if sorted(order) != sorted(keys):
        raise DomainError(_("The new order must list every clause of the draft."), field="order")
    with write_transaction():
        working = ensure_working_version(user, consultation)
        by_key = {c.lineage_key: c for c in working.clauses}
        _renumber(working, [by_key[key] for key in order])
        record_event(user, consultation.id, "reorder_clauses", "version", working.id, order=order)


def _renumber(working: DraftVersion, ordered: list[Clause]) -> None:
    # Positions are unique per version: park them out of the way before the final numbers.
    for index, clause in enumerate(ordered):
        clause.position = -(index + 1)
    db.session.flush()
    for index, clause in enumerate(ordered):
        clause.position = index + 1
    db.session.flush()
    db.session.expire(working, ["clauses"])


def discard_working_version(user, consultation) -> None:
    """Throw away the unpublished changes."""
    ensure_role(user, consultation, *TEAM)
    with write_transaction():
        working = working_version(consultation)
        if working is None:
            raise DomainError(_("There are no unpublished changes."))
        record_event(
            user, consultation.id, "discard_draft", "version", working.id, number=working.number
        )
        db.session.delete(working)


def append_voted_clause(
    version: DraftVersion, position: int, lineage_key: str, **clause_fields
) -> Clause:
    """Append to a version built whole (the demo, tests, benchmarks) a clause voted on
    through its own new approved statement; returns the clause."""
    statement = Statement.for_clause(
        version.consultation_id, lineage_key, created_at=version.created_at or utcnow()
    )
    db.session.add(statement)
    db.session.flush()
    clause = Clause(
        position=position,
        lineage_key=lineage_key,
        statement_id=statement.id,
        statement=statement,
        **clause_fields,
    )
    version.clauses.append(clause)
    return clause
