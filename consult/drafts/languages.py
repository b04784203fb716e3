"""A draft in several languages: which one is authoritative, and what a change to one
language and not the others means.

Earlier voters are asked to look at a clause again only when its authoritative text
changed (or the organiser asks for it): a corrected translation keeps the clause's
statement, so its votes carry over. A clause that changed in one language and not in
another is flagged until the translations are brought in line (or the organiser decides
they still say the same).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from consult.auth.services import ensure_role
from consult.consultations.models import Consultation, Role
from consult.database import write_transaction
from consult.drafts.models import Clause
from consult.drafts.translations import DEFAULT, Standing, parse_standing
from consult.errors import DomainError
from consult.moderation.audit import record_event


def _text(values: dict | None, language: str) -> str:
    return ((values or {}).get(language) or "").strip()


def authoritative_changed(old: Clause | None, new: Clause, authoritative: str) -> bool:
    """Whether voters on ``old`` should look at ``new`` again.

    Yes for a new clause, when the authoritative text differs, or when the organiser asked
    for it. A clause without authoritative text on either side has no reference, so any
    change of any language counts.
    """
    if old is None or new.ask_voters_again:
        return True
    before, after = _text(old.text, authoritative), _text(new.text, authoritative)
    if before and after:
        return before != after
    return _all_texts(old.text) != _all_texts(new.text)


def left_behind(old: Clause | None, new: Clause, authoritative: str) -> list[str]:
    """The translations of ``new`` that did not change although its authoritative text did
    (both versions having one): they no longer translate the text voted on. A translation
    whose standing the team changed in the same version counts as looked at."""
    if old is None:
        return []
    before, after = _text(old.text, authoritative), _text(new.text, authoritative)
    if not before or not after or before == after:
        return []

    def standing(clause: Clause, lang: str) -> Standing:
        return parse_standing((clause.translations or {}).get(lang)) or DEFAULT

    return [
        lang
        for lang in _all_texts(new.text)
        if lang != authoritative
        and _text(old.text, lang) == _text(new.text, lang)
        and standing(old, lang) is standing(new, lang)
    ]


def _all_texts(values: dict | None) -> dict[str, str]:
    return {k: v.strip() for k, v in (values or {}).items() if v and v.strip()}


@dataclass(frozen=True)
class TextChange:
    """Which languages of a clause's text differ between two published versions."""

    languages: list[str]  # changed, appeared or dropped; the consultation's order first
    authoritative: bool  # whether the authoritative text is among them

    def __bool__(self) -> bool:
        return bool(self.languages)


def text_change(
    old: dict | None, new: dict | None, languages: list[str], authoritative: str
) -> TextChange:
    """How the text ``new`` (by language) differs from ``old``, for the clause history."""
    seen = list(dict.fromkeys([*languages, *sorted({*(old or {}), *(new or {})})]))
    changed = [lang for lang in seen if _text(old, lang) != _text(new, lang)]
    return TextChange(changed, authoritative in changed)


@dataclass(frozen=True)
class LanguageChange:
    """How one clause of the working version differs from its published wording."""

    changed: list[str]  # languages whose text changed (or appeared)
    unchanged: list[str]  # languages with text that did not change
    asks_voters_again: bool

    @property
    def out_of_step(self) -> bool:
        """Some languages changed and others, which have text, did not."""
        return bool(self.changed and self.unchanged)


def language_change(
    old: Clause | None, new: Clause, languages: list[str], authoritative: str
) -> LanguageChange | None:
    """The change of ``new`` against its published wording ``old``; None if nothing changed
    (a new clause, with no published wording, is not compared)."""
    if old is None:
        return None
    changed = [lang for lang in languages if _text(old.text, lang) != _text(new.text, lang)]
    if not changed and not new.ask_voters_again:
        return None
    unchanged = [lang for lang in languages if lang not in changed and _text(new.text, lang)]
    return LanguageChange(changed, unchanged, authoritative_changed(old, new, authoritative))


def changes_by_clause(published, working, consultation: Consultation) -> dict[str, LanguageChange]:
    """Each clause of ``working`` that differs from ``published``, by lineage key."""
    if working is None or published is None:
        return {}
    before = {c.lineage_key: c for c in published.clauses}
    found = {}
    for clause in working.clauses:
        old = before.get(clause.lineage_key)
        change = language_change(old, clause, consultation.languages, consultation.authoritative)
        if change is not None:
            found[clause.lineage_key] = change
    return found


def set_authoritative_language(user, consultation: Consultation, language: str) -> None:
    """Name the language whose text is authoritative (organisers only)."""
    ensure_role(user, consultation, Role.ORGANISER)
    if language not in consultation.languages:
        raise DomainError(_("Choose one of the consultation's languages."), field="language")
    if language == consultation.authoritative:
        return
    with write_transaction():
        previous = consultation.authoritative
        consultation.authoritative_language = language
        record_event(
            user, consultation.id, "set_authoritative_language", "consultation",
            consultation.id, language=language, previous=previous,
        )  # fmt: skip
