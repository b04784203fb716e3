"""Finding the statement a new one repeats: by words from its text, or by suggestion.

Suggestions compare character n-grams of the casefolded text without accents, punctuation
or spaces: bigrams for Chinese, Japanese and Korean characters (a two-character word is
common there, and a paraphrase that inserts one character breaks three trigrams), trigrams
for every other script. Characters rather than words, so it works for Chinese, which has
no spaces between words. Two texts' n-gram sets are compared by their Dice coefficient,
``2|A & B| / (|A| + |B|)``, which a few added words lower less than Jaccard does.

``THRESHOLD`` was chosen on hand-written pairs in five languages
(tests/moderation/data/near_duplicate_pairs.json): paraphrases scored 0.56 and more,
unrelated statements on the same topic 0.51 and less; 0.53 sits between them.

Each pending statement is compared with the approved statements of its consultation and
with the pending ones that came before it (so of two pending repeats, the later one names
the earlier), through an inverted index so a page of items costs one pass.
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

CJK_N = 2  # n-gram length for Chinese, Japanese and Korean characters
N = 3  # for every other script
THRESHOLD = 0.53
SUGGESTIONS = 3
SEARCH_MAX = 200
LISTED = 5  # candidates named when words match several statements
# Han ideographs (with extensions and compatibility forms), kana and Hangul.
CJK_RANGES = (
    (0x2E80, 0x2FDF), (0x3040, 0x30FF), (0x3100, 0x31FF), (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF),
)  # fmt: skip


@dataclass(frozen=True)
class Similar:
    statement: Statement
    similarity: float  # Dice coefficient over character n-grams, 0..1

    @property
    def pending(self) -> bool:
        """An earlier statement still waiting for moderation (not yet public)."""
        return self.statement.moderation_state is ModerationState.PENDING


def normalise(text: str) -> str:
    """Casefolded, without accents or other marks, punctuation, symbols or spaces."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch)[0] not in "MPSZC")
    return unicodedata.normalize("NFC", kept)  # Hangul syllables come back together


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return any(low <= code <= high for low, high in CJK_RANGES)


def grams(text: str) -> set[str]:
    """The character n-grams of the normalised text: bigrams within a run of CJK
    characters, trigrams within a run of other characters (a shorter run is one gram)."""
    plain = normalise(text)
    found: set[str] = set()
    start = 0
    for end in range(1, len(plain) + 1):
        if end < len(plain) and _is_cjk(plain[end]) == _is_cjk(plain[start]):
            continue
        run = plain[start:end]
        n = CJK_N if _is_cjk(run[0]) else N
        found.update({run} if len(run) <= n else {run[i : i + n] for i in range(len(run) - n + 1)})
        start = end
    return found


def similarity(a: str, b: str) -> float:
    """Dice coefficient of two texts' character n-gram sets (0 if either has no letters)."""
    x, y = grams(a), grams(b)
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def _candidates(consultation_ids) -> list[Statement]:
    """Approved and pending statements (not clauses) of these consultations."""
    return list(
        db.session.scalars(
            sa.select(Statement)
            .where(
                Statement.consultation_id.in_(consultation_ids),
                Statement.moderation_state.in_([ModerationState.APPROVED, ModerationState.PENDING]),
                Statement.kind != StatementKind.CLAUSE,
            )
            .order_by(Statement.number)
        )
    )


def _comparable(statement: Statement, candidate: Statement) -> bool:
    """An approved statement, or a pending one that came before this one."""
    if candidate.id == statement.id:
        return False
    if candidate.moderation_state is ModerationState.APPROVED:
        return True
    return (candidate.created_at, candidate.id) < (statement.created_at, statement.id)


def suggestions(statements: list[Statement]) -> dict[int, list[Similar]]:
    """Up to three statements of its consultation like each given statement (similarity
    at least ``THRESHOLD``): approved ones, and pending ones that came before it; most
    similar first. One query for all."""
    if not statements:
        return {}
    candidates = _candidates({s.consultation_id for s in statements})
    by_id = {c.id: c for c in candidates}
    sizes = {}
    index: dict[tuple[int, str], list[int]] = defaultdict(list)
    for candidate in candidates:
        candidate_grams = grams(candidate.text or "")
        sizes[candidate.id] = len(candidate_grams)
        for gram in candidate_grams:
            index[(candidate.consultation_id, gram)].append(candidate.id)
    found = {}
    for statement in statements:
        own = grams(statement.text or "")
        shared: Counter[int] = Counter()
        for gram in own:
            shared.update(index.get((statement.consultation_id, gram), ()))
        scored = []
        for candidate_id, common in shared.items():
            candidate = by_id[candidate_id]
            score = 2 * common / (len(own) + sizes[candidate_id])
            if score >= THRESHOLD and _comparable(statement, candidate):
                scored.append(Similar(candidate, score))
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
