"""Text from a Polis export as Consult shows it: plain summaries and the language used.

Polis conversation descriptions are Markdown; Consult shows summaries as plain text, so
the markup is turned into the words a reader would see. The language is read from the
statements themselves, since a Polis export does not record it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Han ideographs (with extension A and compatibility forms), kana, Hangul, and CJK
# punctuation and full-width forms: text written in these is Chinese, Japanese or Korean.
CJK = re.compile(
    "[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]"
)
# A conversation whose statements are at least this share CJK (of their letters) is
# Chinese. Chinese statements quoting English names ("UberX") stay far above it, and
# English ones quoting a Chinese word stay far below.
CJK_SHARE = 0.3

_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)[^)]*\)")
_AUTOLINK = re.compile(r"<(https?://[^>]+)>")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*", re.MULTILINE)
_QUOTE = re.compile(r"^\s{0,3}>\s?", re.MULTILINE)
_BULLET = re.compile(r"^(\s*)[*+-]\s+", re.MULTILINE)
_EMPHASIS = re.compile(r"(\*\*|\*|~~|`)(?=\S)(.+?)(?<=\S)\1")
# Underscores only at word edges, as in CommonMark: snake_case_names stay as they are.
_UNDERSCORES = re.compile(r"(?<!\w)(__|_)(?=\S)(.+?)(?<=\S)\1(?!\w)")
_RULE = re.compile(r"^\s*([-*_]\s*){3,}$", re.MULTILINE)


def plain_text(markdown: str) -> str:
    """The words a reader of rendered Markdown sees: no markup, links as "text (address)".

    Paragraphs and list items keep their line breaks; list markers become "• ".
    """
    text = markdown.replace("\r\n", "\n")
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _RULE.sub("", text)
    text = _HEADING.sub("", text)
    text = _QUOTE.sub("", text)
    text = _BULLET.sub(r"\1• ", text)
    for _ in range(2):  # nested emphasis, e.g. **_word_**
        text = _UNDERSCORES.sub(r"\2", _EMPHASIS.sub(r"\2", text))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def detect_language(texts: Iterable[str]) -> str:
    """ "zh" when CJK characters make up at least ``CJK_SHARE`` of the letters, else "en".

    Only letters count (digits, spaces and ASCII punctuation say nothing about the
    language). Consult's interface speaks Chinese and English; a conversation in another
    language is recorded as "en", the fallback the site shows for missing translations.
    """
    cjk = letters = 0
    for text in texts:
        for char in text:
            if CJK.match(char):
                cjk += 1
                letters += 1
            elif char.isalpha():
                letters += 1
    return "zh" if letters and cjk / letters >= CJK_SHARE else "en"
