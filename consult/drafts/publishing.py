"""Publishing the working version: it becomes the current draft, clauses whose
authoritative text changed get new statements to vote on (a translation-only change keeps
the statement and its votes), and contributions adopted into them are tied to the new
version.
"""

from __future__ import annotations

from flask_babel import gettext as _

from consult.auth.services import ensure_role
from consult.consultations.services import current_version
from consult.database import write_transaction
from consult.db_types import utcnow
from consult.drafts.languages import authoritative_changed, left_behind
from consult.drafts.models import Clause, DraftVersion
from consult.drafts.provenance import clause_adoption
from consult.drafts.services import working_version
from consult.drafts.translations import DEFAULT, Standing
from consult.errors import DomainError, checked_text
from consult.extensions import db
from consult.moderation.access import TEAM
from consult.moderation.audit import record_event
from consult.moderation.models import ContributionResponse, Outcome
from consult.moderation.responses import response_for
from consult.participation.models import Statement

SUMMARY_MAX = 2000


def _texts(values: dict | None) -> dict:
    return {k: v.strip() for k, v in (values or {}).items() if v and v.strip()}


def has_changes(previous: DraftVersion | None, working: DraftVersion) -> bool:
    if previous is None:
        return bool(working.clauses)
    if _texts_list(previous.preamble) != _texts_list(working.preamble):
        return True
    return [_shape(c) for c in previous.clauses] != [_shape(c) for c in working.clauses]


def _shape(clause: Clause) -> tuple:
    """What publishing compares: the wording, and how each translation stands (marking a
    translation official is worth a new version even when no word changed)."""
    texts, standings = _texts(clause.text), clause.translations or {}
    # A translation without a recorded standing reads as the default one.
    return (
        clause.lineage_key,
        _texts(clause.heading),
        texts,
        {lang: standings.get(lang, DEFAULT.value) for lang in texts},
    )


def _texts_list(preamble: dict | None) -> dict:
    return {k: v for k, v in (preamble or {}).items() if v}


def publish_version(user, consultation, change_summary: str) -> DraftVersion:
    """Publish the working version with a change summary; refused when nothing changed."""
    ensure_role(user, consultation, *TEAM)
    summary = checked_text(
        change_summary,
        "change_summary",
        SUMMARY_MAX,
        _("Keep this under %(n)d characters.", n=SUMMARY_MAX),
        _("Say what changed in this version."),
    )
    with write_transaction():
        working = working_version(consultation)
        previous = current_version(consultation)
        if working is None or not has_changes(previous, working):
            raise DomainError(_("Nothing has changed since the last published version."))
        before = {c.lineage_key: c for c in previous.clauses} if previous else {}
        changed, translated = [], []  # voted on afresh; changed in a translation only
        for clause in working.clauses:
            old = before.get(clause.lineage_key)
            _mark_outdated(old, clause, consultation.authoritative)
            if (
                old is not None
                and old.statement_id
                and not authoritative_changed(old, clause, consultation.authoritative)
            ):
                clause.statement_id = old.statement_id  # its votes carry over
                if _texts(old.text) != _texts(clause.text):
                    translated.append(clause)
                continue
            statement = Statement.for_clause(consultation.id, clause.lineage_key)
            db.session.add(statement)
            db.session.flush()
            clause.statement_id = statement.id
            changed.append(clause)
        working.published_at, working.published_by_id = utcnow(), user.id
        working.change_summary = summary
        _link_adopted_contributions(user, consultation, working, changed + translated)
        kept = {c.lineage_key for c in working.clauses}
        record_event(
            user, consultation.id, "publish", "version", working.id, summary,
            number=working.number, changed=[c.lineage_key for c in changed],
            translated=[c.lineage_key for c in translated],
            removed=[key for key in before if key not in kept],
        )  # fmt: skip
    return working


def _mark_outdated(old: Clause | None, clause: Clause, authoritative: str) -> None:
    """Mark the translations this version leaves behind (the authoritative text changed,
    they did not) outdated; one rewritten since it was marked is outdated no longer."""
    if old is None:
        return
    standings = dict(clause.translations or {})
    for language, standing in standings.items():
        rewritten = _texts(old.text).get(language) != _texts(clause.text).get(language)
        if standing == Standing.OUTDATED.value and rewritten:
            standings[language] = DEFAULT.value
    for language in left_behind(old, clause, authoritative):
        standings[language] = Standing.OUTDATED.value
    clause.translations = standings


def _link_adopted_contributions(user, consultation, version, changed: list[Clause]) -> None:
    """Tie each changed clause to the contributions promoted into it, so a change can be
    traced to who asked for it. A promoted contribution not yet answered is answered
    "adopted"; one answered "not adopted" or "noted" is left as the moderator said."""
    for clause in changed:
        for kind, source_id in (
            ("comment", clause.source_comment_id),
            ("statement", clause.source_statement_id),
        ):
            if not source_id:
                continue
            response = response_for(kind, source_id)
            if response is None:
                # The answer says what happened: all of the proposal, or part of it.
                found = clause_adoption(clause)
                response = ContributionResponse(
                    consultation_id=consultation.id,
                    comment_id=source_id if kind == "comment" else None,
                    statement_id=source_id if kind == "statement" else None,
                    outcome=found.outcome if found else Outcome.ADOPTED,
                    reason=_("Adopted into version %(n)d of the draft.", n=version.number)
                    + (" " + found.describe() if found else ""),
                    responded_by_id=user.id,
                )
                db.session.add(response)
            adopted = response.outcome in (Outcome.ADOPTED, Outcome.ADOPTED_IN_PART)
            if adopted and response.version_id is None:
                response.version_id = version.id
                response.clause_lineage_key = clause.lineage_key
