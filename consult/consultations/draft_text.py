"""The published draft as a text to keep: plain text for download, the same content
for the print-friendly page. In the reader's language, with the authoritative text
beside each part where the two differ."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from consult.consultations.models import Consultation
from consult.drafts.models import DraftVersion
from consult.drafts.translations import Standing, reading
from consult.i18n import language_name, localized


@dataclass(frozen=True)
class ClauseText:
    position: int
    heading: str
    text: str
    # The authoritative wording, when the reader reads another language and it exists.
    authoritative_heading: str | None
    authoritative_text: str | None
    # How the translation shown stands (None when the authoritative text is shown).
    standing: Standing | None = None
    language: str | None = None  # the language ``text`` is in


@dataclass(frozen=True)
class DraftText:
    title: str
    version: int
    published: str  # ISO date (UTC)
    language: str
    authoritative: str  # language code of the authoritative text
    preamble: list[str]
    authoritative_preamble: list[str]
    clauses: list[ClauseText]

    @property
    def shows_authoritative(self) -> bool:
        return self.language != self.authoritative


def draft_text(
    consultation: Consultation, version: DraftVersion, language: str, authoritative: str
) -> DraftText:
    """The version's text in ``language`` (falling back as the pages do)."""
    other = language != authoritative
    clauses = [_clause_text(clause, language, authoritative) for clause in version.clauses]
    preamble = version.preamble or {}
    return DraftText(
        title=localized(consultation.title, language),
        version=version.number,
        published=version.published_at.date().isoformat() if version.published_at else "",
        language=language,
        authoritative=authoritative,
        preamble=list(preamble.get(language) or preamble.get("en") or []),
        authoritative_preamble=list(preamble.get(authoritative) or []) if other else [],
        clauses=clauses,
    )


def _clause_text(clause, language: str, authoritative: str) -> ClauseText:
    """One clause for a reader of ``language``; the authoritative heading comes with the
    authoritative text, shown only where the texts differ."""
    text = reading(clause, language, authoritative)
    return ClauseText(
        position=clause.position,
        heading=reading(clause, language, authoritative, "heading").text,
        text=text.text,
        authoritative_heading=(clause.heading or {}).get(authoritative)
        if text.authoritative
        else None,
        authoritative_text=text.authoritative,
        standing=text.standing,
        language=text.language,
    )


def as_plain_text(text: DraftText, address: str) -> str:
    """The draft as plain text: title, version, preamble, numbered clauses."""
    authoritative_label = _(
        "Authoritative text (%(language)s)", language=language_name(text.authoritative)
    )
    lines = [
        text.title,
        "=" * min(len(text.title) * 2, 72),
        _("Draft version %(number)d, published %(date)s", number=text.version, date=text.published),
        address,
        "",
    ]
    if text.preamble:
        lines += [_("Preamble"), "", *_paragraphs(text.preamble)]
        if text.authoritative_preamble:
            lines += [authoritative_label + ":", "", *_paragraphs(text.authoritative_preamble)]
    for clause in text.clauses:
        lines += [f"{clause.position}. {clause.heading}".rstrip(), "", clause.text, ""]
        if clause.standing:
            lines += [f"[{clause.standing.label}]", ""]
        if clause.authoritative_text and clause.authoritative_text != clause.text:
            lines.append(f"    {authoritative_label}:")
            if clause.authoritative_heading:
                lines.append(f"    {clause.authoritative_heading}")
            lines += [f"    {clause.authoritative_text}", ""]
    if text.shows_authoritative:
        lines.append(
            _(
                "Where the versions differ, the %(language)s text is authoritative.",
                language=language_name(text.authoritative),
            )
        )
    return "\n".join(lines).rstrip() + "\n"


def _paragraphs(paragraphs: list[str]) -> list[str]:
    out: list[str] = []
    for paragraph in paragraphs:
        out += [paragraph, ""]
    return out
