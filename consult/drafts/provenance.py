"""What became of a participant's proposed wording: adopted in full, or how much of it.

A clause promoted from a contribution keeps a link to it (``Clause.source_comment_id`` or
``source_statement_id``). Comparing the proposal with the clause's wording as published
(``consult.textdiff``) says how much of the proposal the clause kept, so a report states
what happened ("adopted in part: 9 of 12 words") rather than that the wording "came from"
a participant when a moderator took four of its words.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from consult.extensions import db
from consult.moderation.models import Outcome
from consult.participation.models import Comment, Statement
from consult.textdiff import diff, tokenize


def outcome_label(outcome: Outcome | str) -> str:
    """The exact answer as readers see it ("Adopted in part" stays "Adopted in part")."""
    return str(Outcome(outcome).label)


@dataclass(frozen=True)
class Adoption:
    kept: int  # units of the proposal found, in order, in the adopted wording
    total: int  # units of the proposal: words, or characters for Chinese
    by_character: bool

    @property
    def full(self) -> bool:
        return self.kept == self.total

    @property
    def outcome(self) -> Outcome:
        return Outcome.ADOPTED if self.full else Outcome.ADOPTED_IN_PART

    def describe(self) -> str:
        """One sentence for readers of the draft and the report."""
        if self.full:
            return _("A participant proposed this wording; it was adopted in full.")
        if self.by_character:
            return _(
                "A participant proposed wording for this clause; it was adopted in part "
                "(%(kept)d of %(total)d characters).",
                kept=self.kept,
                total=self.total,
            )
        return _(
            "A participant proposed wording for this clause; it was adopted in part "
            "(%(kept)d of %(total)d words).",
            kept=self.kept,
            total=self.total,
        )


def _units(text: str, language: str | None) -> int:
    # Words (or Chinese characters) only: spaces and punctuation are not "wording".
    return sum(1 for token in tokenize(text, language) if any(c.isalnum() for c in token))


def adoption(proposal: str, adopted: str, language: str | None = None) -> Adoption:
    """How much of ``proposal`` the ``adopted`` wording keeps (longest common sequence)."""
    kept = sum(
        _units(piece.text, language) for piece in diff(proposal, adopted, language)
        if piece.op == "equal"
    )  # fmt: skip
    # textdiff splits Chinese per character (language "zh", or CJK text of unknown language).
    split_per_character = len(tokenize(proposal, language)) == len(proposal)
    has_cjk = any("\u3400" <= char <= "\u9fff" for char in proposal)
    by_character = language == "zh" or (language is None and split_per_character and has_cjk)
    return Adoption(kept, _units(proposal, language), by_character)


def proposal_text(kind: str, source_id: int) -> tuple[str, str | None] | None:
    """A contribution's proposed wording and its language, or None if it has none."""
    if kind == "comment":
        comment = db.session.get(Comment, source_id)
        if comment is None or not (comment.proposed_text or "").strip():
            return None
        return comment.proposed_text, comment.language
    statement = db.session.get(Statement, source_id)
    if statement is None or not (statement.text or "").strip():
        return None
    return statement.text, statement.language


def clause_adoption(clause) -> Adoption | None:
    """How much of the proposal a clause promoted from a contribution kept, compared in the
    language it was promoted into (else the clause's closest wording); None for a clause
    with no source, or whose source is gone."""
    if clause.source_comment_id:
        found = proposal_text("comment", clause.source_comment_id)
    elif clause.source_statement_id:
        found = proposal_text("statement", clause.source_statement_id)
    else:
        return None
    if found is None:
        return None
    proposal, language = found
    texts = clause.text or {}
    candidates = [language] if language in texts else list(texts)
    results = [adoption(proposal, texts[code], code) for code in candidates if texts[code]]
    return max(results, key=lambda a: a.kept / a.total if a.total else 0, default=None)


def clause_provenance(clause) -> str | None:
    """The report's sentence on where a clause's wording came from, or None."""
    found = clause_adoption(clause)
    return found.describe() if found else None
