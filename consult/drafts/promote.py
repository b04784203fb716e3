"""Promote a participant's proposed wording or statement into the working draft."""

from __future__ import annotations

from flask_babel import gettext as _

from consult.auth.services import ensure_role
from consult.database import write_transaction
from consult.drafts.models import Clause
from consult.drafts.services import append_clause, ensure_working_version, find_clause
from consult.drafts.translations import Standing
from consult.errors import DomainError
from consult.moderation.access import TEAM
from consult.moderation.audit import record_event
from consult.moderation.services import get_item
from consult.participation.models import ModerationState, StatementKind


def promotable_text(kind: str, item) -> str:
    """The wording a contribution offers, or DomainError if it offers none."""
    if kind == "comment":
        if item.deleted_at or item.moderation_state is ModerationState.REJECTED:
            raise DomainError(_("This comment was removed and cannot be promoted."))
        text = (item.proposed_text or "").strip()
        if not text:
            raise DomainError(_("This comment proposes no wording."))
        return text
    if item.kind is StatementKind.CLAUSE or item.moderation_state is not ModerationState.APPROVED:
        raise DomainError(_("Only approved participant statements can be promoted."))
    return (item.text or "").strip()


def promote(user, consultation, kind: str, item_id: int, language: str, into: str = "") -> Clause:
    """Put a contribution's wording into the working draft: as a new clause (``into`` empty)
    or as the ``language`` text of the clause with lineage ``into``. The clause keeps a link
    to its source; publishing links the contribution's answer to the new version. Wording
    put into a translation (not the authoritative language) is marked "proposed" by a
    participant until the team marks it otherwise."""
    ensure_role(user, consultation, *TEAM)
    item = get_item(consultation, kind, item_id)
    text = promotable_text(kind, item)
    if language not in consultation.languages:
        raise DomainError(_("Choose one of the consultation's languages."), field="language")
    sources = {"source_comment_id": None, "source_statement_id": None}
    sources["source_comment_id" if kind == "comment" else "source_statement_id"] = item.id
    with write_transaction():
        working = ensure_working_version(user, consultation)
        if into:
            clause = find_clause(working, into)
            clause.text = {**clause.text, language: text}
            for name, value in sources.items():
                setattr(clause, name, value)
        else:
            clause = append_clause(working, {}, {language: text}, translations={}, **sources)
        if language != consultation.authoritative:
            clause.translations = {**(clause.translations or {}), language: Standing.PROPOSED.value}
        record_event(
            user, consultation.id, "promote", kind, item.id,
            lineage_key=clause.lineage_key, language=language, new_clause=not into,
        )  # fmt: skip
    return clause
