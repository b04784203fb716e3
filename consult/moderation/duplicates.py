"""Finding the statement a new one repeats: by words from its text, or by suggestion.

Suggestions compare character trigrams (n=3) of the casefolded text without punctuation
or spaces, by Jaccard similarity. Characters rather than words, so it works for Chinese,
which has no spaces between words; computed in Python over the consultation's approved
statements, through an inverted index so a page of items costs one pass.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.errors import DomainError
from consult.extensions import db
from consult.input_guard import optional_id
from consult.participation.models import ModerationState, Statement, StatementKind

N = 3
THRESHOLD = 0.5
SUGGESTIONS = 3
SEARCH_MAX = 200
LISTED = 5  # candidates named when words match several statements


@dataclass(frozen=True)
class Similar:
    statement: Statement
    similarity: float  # Jaccard over character trigrams, 0..1


def normalise(text: str) -> str:
    """Casefolded, without punctuation, symbols or spaces."""
    return "".join(
        ch for ch in text.casefold() if unicodedata.category(ch)[0] not in ("P", "S", "Z", "C")
    )


def trigrams(text: str) -> set[str]:
    """The character trigrams of the normalised text (the text itself if shorter)."""
    plain = normalise(text)
    if len(plain) < N:
        return {plain} if plain else set()
    return {plain[i : i + N] for i in range(len(plain) - N + 1)}


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of two texts' character trigram sets."""
    x, y = trigrams(a), trigrams(b)
    return len(x & y) / len(x | y) if x or y else 0.0


def _approved(consultation_ids) -> list[Statement]:
    return list(
        db.session.scalars(
            sa.select(Statement)
            .where(
                Statement.consultation_id.in_(consultation_ids),
                Statement.moderation_state == ModerationState.APPROVED,
                Statement.kind != StatementKind.CLAUSE,
            )
            .order_by(Statement.number)
        )
    )


def suggestions(statements: list[Statement]) -> dict[int, list[Similar]]:
    """Up to three approved statements of its consultation like each given statement
    (similarity at least ``THRESHOLD``), most similar first; one query for all."""
    if not statements:
        return {}
    candidates = _approved({s.consultation_id for s in statements})
    grams = {c.id: trigrams(c.text or "") for c in candidates}
    index: dict[tuple[int, str], list[Statement]] = defaultdict(list)
    for candidate in candidates:
        for gram in grams[candidate.id]:
            index[(candidate.consultation_id, gram)].append(candidate)
    found = {}
    for statement in statements:
        own = trigrams(statement.text or "")
        shared: Counter[int] = Counter()
        by_id = {}
        for gram in own:
            for candidate in index.get((statement.consultation_id, gram), ()):
                shared[candidate.id] += 1
                by_id[candidate.id] = candidate
        scored = []
        for candidate_id, common in shared.items():
            if candidate_id == statement.id:
                continue
            score = common / (len(own) + len(grams[candidate_id]) - common)
            if score >= THRESHOLD:
                scored.append(Similar(by_id[candidate_id], score))
        scored.sort(key=lambda s: (-s.similarity, s.statement.number))
        found[statement.id] = scored[:SUGGESTIONS]
    return found


def search(consultation, words: str, exclude_id: int | None = None) -> list[Statement]:
    """Approved statements of the consultation whose text contains these words."""
    query = (
        sa.select(Statement)
        .where(
            Statement.consultation_id == consultation.id,
            Statement.moderation_state == ModerationState.APPROVED,
            Statement.kind != StatementKind.CLAUSE,
            Statement.text.icontains(words.strip(), autoescape=True),
        )
        .order_by(Statement.number)
        .limit(LISTED + 1)
    )
    return [s for s in db.session.scalars(query) if s.id != exclude_id]


def resolve_duplicate(consultation, item: Statement, value: str | None) -> int | None:
    """The public number of the statement ``item`` repeats, from what the moderator typed:
    a number, or words from the statement's text that only one approved statement holds."""
    value = (value or "").strip().lstrip("#")
    if not value:
        return None
    if value.isascii() and value.isdigit():
        number = optional_id(value)
        if number is None:  # past any id: no such statement
            raise DomainError(_("Choose another statement of this consultation."), "duplicate_of")
        return number
    if len(value) > SEARCH_MAX:
        raise DomainError(
            _("Search with fewer words (up to %(n)d characters).", n=SEARCH_MAX),
            field="duplicate_of",
        )
    found = search(consultation, value, exclude_id=item.id)
    if not found:
        raise DomainError(
            _("No approved statement contains “%(words)s”.", words=value), field="duplicate_of"
        )
    if len(found) > 1:
        listed = "; ".join(f"#{s.number} “{s.text}”" for s in found[:LISTED])
        raise DomainError(
            _(
                "Several statements contain “%(words)s”: %(listed)s. "
                "Type the number of the one this repeats.",
                words=value,
                listed=listed,
            ),
            field="duplicate_of",
        )
    return found[0].number
