"""How each translation of a clause stands, and which wording a reader is shown.

A clause has one authoritative text (``Consultation.authoritative``) and translations into
the consultation's other languages. Each translation is marked official, reviewed by the
moderators, or proposed by a participant (``Clause.translations``, by language). A
translation the team types is "reviewed" unless the team says otherwise; wording promoted
from a participant into a translation is "proposed" until the team marks it otherwise.
A translation with no recorded standing (written before standings were kept) was typed
by the team, so it reads as "reviewed" too.

A translation left as it was by a published version that changed the authoritative text is
"outdated" (consult/drafts/publishing.py marks it): its readers are told so and shown the
authoritative text. The team clears it by saving a new translation or choosing a standing.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from consult.drafts.models import Clause, DraftVersion
from consult.enums import LabelledEnum
from consult.extensions import db


class Standing(LabelledEnum):
    """How a translation stands; the label is the badge readers see beside it."""

    OFFICIAL = "official", _l("Official translation")
    REVIEWED = "reviewed", _l("Translation reviewed by the moderators")
    PROPOSED = "proposed", _l("Translation proposed by a participant")
    OUTDATED = "outdated", _l("Not yet updated to the current authoritative text")


# A translation the team types, or one written before standings were kept.
DEFAULT = Standing.REVIEWED


def standing_choices() -> list[SelectChoice]:
    """The editor's choices, in the order offered."""
    return [SelectChoice(s.value, s.label) for s in Standing]


def parse_standing(value: str | None) -> Standing | None:
    try:
        return Standing(value)
    except ValueError:
        return None


def shown_language(texts: dict[str, str] | None, language: str) -> str | None:
    """The language :func:`consult.i18n.localized` picks from ``texts`` for a reader of
    ``language``: that language, else English, else the first one given (None if empty)."""
    if not texts:
        return None
    for candidate in (language, "en"):
        if texts.get(candidate):
            return candidate
    return next((lang for lang, text in texts.items() if text), None)


def standing_of(clause, language: str | None, authoritative: str) -> Standing | None:
    """The standing of ``clause``'s ``language`` text; None for the authoritative text
    (it needs no badge) or a language the clause has no text in."""
    if language is None or language == authoritative or not (clause.text or {}).get(language):
        return None
    return parse_standing((clause.translations or {}).get(language)) or DEFAULT


def reader_standing(clause, consultation, language: str) -> Standing | None:
    """The badge for the text a reader of ``language`` is shown (templates call this)."""
    shown = shown_language(clause.text, language)
    return standing_of(clause, shown, consultation.authoritative)


def merged_standings(
    consultation,
    texts: dict[str, str],
    chosen: dict[str, str],
    before: dict[str, str] | None,
    before_texts: dict[str, str] | None = None,
) -> dict[str, str]:
    """The standings to keep for a clause whose texts are now ``texts``: for each
    translation with text, the team's choice if it made a valid one, else what it was,
    else "reviewed" (the team typed it). The authoritative language is never listed.
    A translation whose text differs from ``before_texts`` is no longer outdated: the team
    has just written it, so it reads as "reviewed" unless the team chose otherwise."""
    before = before or {}
    out = {}
    for language, text in texts.items():
        if language == consultation.authoritative or not text:
            continue
        standing = parse_standing(chosen.get(language)) or parse_standing(before.get(language))
        rewritten = before_texts is not None and text != (before_texts.get(language) or "")
        if standing is Standing.OUTDATED and rewritten:
            standing = DEFAULT
        out[language] = (standing or DEFAULT).value
    return out


def outdated_since(clause, consultation) -> int | None:
    """The published version in which ``clause``'s authoritative text became what it is now
    (the change an outdated translation has not caught up with); None when no earlier
    version had another authoritative text (the team marked it outdated by hand)."""
    authoritative = consultation.authoritative
    current = ((clause.text or {}).get(authoritative) or "").strip()
    rows = db.session.execute(
        select(DraftVersion.number, Clause.text)
        .join(Clause.version)
        .where(
            Clause.lineage_key == clause.lineage_key,
            DraftVersion.consultation_id == consultation.id,
            DraftVersion.published_at.is_not(None),
            DraftVersion.number <= clause.version.number,
        )
        .order_by(DraftVersion.number.desc())
    ).all()
    since = None
    for number, text in rows:
        if ((text or {}).get(authoritative) or "").strip() != current:
            return since
        since = number
    return None


@dataclass(frozen=True)
class Reading:
    """One clause part as a reader of ``language`` sees it, with the authoritative wording
    beside it when the two differ (a report, the printable text, the clause history)."""

    text: str
    language: str | None  # the language ``text`` is in
    authoritative: str | None  # the authoritative wording, when shown alongside
    standing: Standing | None  # the translation's badge, None for the authoritative text
    authoritative_language: str = ""


def reading(clause, language: str, authoritative: str, part: str = "text") -> Reading:
    """``clause``'s ``part`` ("text" or "heading") for a reader of ``language``.

    The authoritative wording is alongside only when the reader's language is not the
    authoritative one, the clause has text in both, and the two texts differ.
    """
    texts = getattr(clause, part) or {}
    shown = shown_language(texts, language)
    text = texts.get(shown, "") if shown else ""
    original = texts.get(authoritative) or ""
    alongside = language != authoritative and shown != authoritative and original
    return Reading(
        text=text,
        language=shown,
        authoritative=original if alongside and original != text else None,
        standing=standing_of(clause, shown, authoritative) if part == "text" else None,
        authoritative_language=authoritative,
    )
