"""Readable differences between two wordings: by word for English, by character for Chinese."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

# Words, runs of spaces, and single other characters; CJK text is split per character
# because it has no spaces between words. An apostrophe inside a word is part of it, in
# any of the three styles people type.
_WORDS = re.compile(r"\s+|[^\W\d_]+(?:['’‘][^\W\d_]+)*|\d+(?:[.,]\d+)*|\S", re.UNICODE)
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")

# Typographic variants a keyboard does not tell apart: curly and straight apostrophes and
# double quotes, and a (narrow) no-break space for a space. Guillemets stay distinct.
_TYPOGRAPHIC_VARIANTS = str.maketrans(
    {"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " ", "\u202f": " "}
)

Op = Literal["equal", "insert", "delete"]


@dataclass(frozen=True)
class Piece:
    op: Op
    text: str


def tokenize(text: str, language: str | None = None) -> list[str]:
    """Split into comparable units: characters for Chinese, words and spaces otherwise."""
    if language == "zh" or (language is None and _CJK.search(text)):
        return list(text)
    return _WORDS.findall(text)


def fold_typography(text: str) -> str:
    """``text`` with curly apostrophes and quotes straight and no-break spaces plain."""
    return text.translate(_TYPOGRAPHIC_VARIANTS)


def diff(
    old: str, new: str, language: str | None = None, *, fold_variants: bool = True
) -> list[Piece]:
    """The pieces that turn ``old`` into ``new``; joining equal+insert pieces gives ``new``.

    With ``fold_variants`` (the default) a word that differs only by the style of its
    apostrophes or quotes, or a no-break space, counts as equal and is shown as ``new``
    has it: someone typing ``d'intelligence`` against ``d’intelligence`` changed nothing.
    """
    a, b = tokenize(old, language), tokenize(new, language)
    fold = fold_typography if fold_variants else str
    matcher = difflib.SequenceMatcher(
        a=[fold(token) for token in a], b=[fold(token) for token in b], autojunk=False
    )
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            pieces.append(Piece("delete", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            pieces.append(Piece("insert", "".join(b[j1:j2])))
        if tag == "equal":
            pieces.append(Piece("equal", "".join(b[j1:j2])))
    return pieces


def has_changes(pieces: list[Piece]) -> bool:
    return any(piece.op != "equal" for piece in pieces)
