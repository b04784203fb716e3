"""What changed between two versions of a draft, clause by clause along their lineages."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from consult import textdiff
from consult.drafts.models import Clause, DraftVersion
from consult.errors import NotFound
from consult.extensions import db
from consult.input_guard import bounded_id

WORKING = "working"


@dataclass(frozen=True)
class ClauseChange:
    """One lineage across two versions: ``status`` is added, removed, changed or unchanged;
    ``moved`` says its place in the order changed; diffs are per language."""

    lineage_key: str
    status: str
    old: Clause | None
    new: Clause | None
    moved: bool = False
    text_diffs: dict[str, list[textdiff.Piece]] = field(default_factory=dict)
    heading_diffs: dict[str, list[textdiff.Piece]] = field(default_factory=dict)


def get_version(consultation, number: str | int, *, include_working: bool) -> DraftVersion:
    """Version ``number`` of this consultation's draft ("working" for the unpublished one)."""
    query = sa.select(DraftVersion).where(DraftVersion.consultation_id == consultation.id)
    if str(number) == WORKING:
        query = query.where(DraftVersion.published_at.is_(None))
        found = db.session.scalar(query) if include_working else None
    else:
        try:
            query = query.where(DraftVersion.number == bounded_id(number))
        except (TypeError, ValueError):
            raise NotFound(_("There is no such version of this draft.")) from None
        found = db.session.scalar(query.options(selectinload(DraftVersion.clauses)))
        if found is not None and found.published_at is None and not include_working:
            found = None
    if found is None:
        raise NotFound(_("There is no such version of this draft."))
    return found


def _diffs(old: dict | None, new: dict | None, languages: list[str]) -> dict:
    old, new = old or {}, new or {}
    diffs = {}
    for language in languages:
        a, b = (old.get(language) or "").strip(), (new.get(language) or "").strip()
        if a != b:
            diffs[language] = textdiff.diff(a, b, language, fold_variants=False)
    return diffs


def compare_versions(old: DraftVersion, new: DraftVersion, languages: list[str]):
    """The clauses of ``new`` in order, each with its change from ``old``, then the removed."""
    old_by_key = {c.lineage_key: c for c in old.clauses}
    new_keys = {c.lineage_key for c in new.clauses}
    common_old = [c.lineage_key for c in old.clauses if c.lineage_key in new_keys]
    common_new = [c.lineage_key for c in new.clauses if c.lineage_key in old_by_key]
    matcher = difflib.SequenceMatcher(a=common_old, b=common_new, autojunk=False)
    in_place = set()
    for block in matcher.get_matching_blocks():
        in_place.update(common_new[block.b : block.b + block.size])
    changes = []
    for clause in new.clauses:
        before = old_by_key.get(clause.lineage_key)
        if before is None:
            changes.append(ClauseChange(clause.lineage_key, "added", None, clause))
            continue
        text_diffs = _diffs(before.text, clause.text, languages)
        heading_diffs = _diffs(before.heading, clause.heading, languages)
        status = "changed" if text_diffs or heading_diffs else "unchanged"
        moved = clause.lineage_key not in in_place
        changes.append(
            ClauseChange(
                clause.lineage_key, status, before, clause, moved, text_diffs, heading_diffs
            )
        )
    for clause in old.clauses:
        if clause.lineage_key not in new_keys:
            changes.append(ClauseChange(clause.lineage_key, "removed", clause, None))
    return changes
