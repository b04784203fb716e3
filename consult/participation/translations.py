"""Translations of participants' statements and comments into the consultation's languages.

Anyone who may comment can propose one; the consultation's team's proposals are
approved at once, the others wait in the moderation queue like any contribution. A
reader sees the approved translation into their language, marked as such, with the
original one click away; the original stays what is voted on and analysed.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from babel import Locale, UnknownLocaleError
from flask import g
from flask_babel import get_locale
from flask_babel import gettext as _

from consult.auth.services import has_role
from consult.consultations.models import Consultation, Role
from consult.database import write_transaction
from consult.db_types import utcnow
from consult.errors import Conflict, DomainError, NotFound, checked_text
from consult.extensions import db
from consult.i18n import current_language
from consult.moderation.audit import record_event
from consult.participation.models import (
    COMMENT_MAX,
    STATEMENT_MAX,
    Comment,
    ContentTranslation,
    ModerationState,
    Statement,
    StatementKind,
)
from consult.participation.participants import Actor, participant_id_for
from consult.participation.votes import ensure_open

TEAM = (Role.ORGANISER, Role.MODERATOR)
KINDS = ("statement", "comment")


@dataclass(frozen=True)
class Target:
    """What is translated: a participant's statement or a comment, and its length limit."""

    kind: str
    obj: Statement | Comment

    @property
    def text(self) -> str:
        return (self.obj.text or "") if self.kind == "statement" else self.obj.body

    @property
    def limit(self) -> int:
        return STATEMENT_MAX if self.kind == "statement" else COMMENT_MAX

    def choices(self, consultation: Consultation) -> list[str]:
        """The languages it may be translated into: the consultation's, not its own."""
        return [code for code in consultation.languages or [] if code != self.obj.language]


def translatable(consultation: Consultation, kind: str, item_id: int) -> Target:
    """A public statement (not a clause: those have their own translations) or comment of
    this consultation, or 404: only what readers can see is translated."""
    model = Statement if kind == "statement" else Comment
    obj = db.session.get(model, item_id) if kind in KINDS else None
    missing = (
        obj is None
        or obj.consultation_id != consultation.id
        or obj.moderation_state is not ModerationState.APPROVED
        or (kind == "statement" and obj.kind is StatementKind.CLAUSE)
        or (kind == "comment" and obj.deleted_at is not None)
    )
    if missing:
        raise NotFound(_("There is nothing to translate here."))
    return Target(kind, obj)


def _clean_language(consultation: Consultation, target: Target, language: str | None) -> str:
    if language not in target.choices(consultation):
        raise DomainError(
            _("Choose one of the consultation's languages other than the original's."),
            field="language",
        )
    return language


def propose_translation(
    consultation: Consultation,
    kind: str,
    item_id: int,
    actor: Actor,
    user,
    *,
    language: str | None,
    text: str | None,
) -> ContentTranslation:
    """Propose a translation; the team's is approved at once (replacing an earlier approved
    one into that language), anyone else's waits for a moderator.

    One proposal per person, item and language waits at a time (Conflict otherwise)."""
    with one_approved(), write_transaction():
        ensure_open(consultation)
        target = translatable(consultation, kind, item_id)
        language = _clean_language(consultation, target, language)
        text = checked_text(
            text,
            "text",
            target.limit,
            _("Keep the translation to %(n)d characters or fewer.", n=target.limit),
            _("Write the translation before sending it."),
        )
        author_id = participant_id_for(consultation, actor)
        _refuse_repeats(kind, item_id, language, author_id, text)
        translation = ContentTranslation(
            consultation_id=consultation.id,
            language=language,
            text=text,
            author_id=author_id,
            moderation_state=ModerationState.PENDING,
            **{f"{kind}_id": item_id},
        )
        db.session.add(translation)
        db.session.flush()
        if has_role(user, consultation, *TEAM):
            replaced = supersede(user, translation)
            translation.moderation_state = ModerationState.APPROVED
            translation.moderated_by_id = user.id
            translation.moderated_at = utcnow()
            record_event(
                user, consultation.id, "translate", "translation", translation.id,
                **describe(translation), replaced=replaced,
            )  # fmt: skip
    return translation


def _refuse_repeats(kind: str, item_id: int, language: str, author_id: int, text: str) -> None:
    """Conflict for a second proposal by one person waiting into one language, and for
    a text that an approved or waiting translation of the item into it already has (by
    anyone, whitespace aside): moderators would only review the same words twice."""
    standing = (ModerationState.PENDING, ModerationState.APPROVED)
    t = ContentTranslation
    rows = db.session.execute(
        sa.select(t.text, t.author_id, t.moderation_state)
        .where(_column(kind) == item_id, t.language == language, t.moderation_state.in_(standing))
    ).all()  # fmt: skip
    words = " ".join(text.split())
    for other_text, _author, state in rows:
        if " ".join(other_text.split()) == words:
            raise Conflict(
                _("This translation has been approved already.")
                if state is ModerationState.APPROVED
                else _("This translation is already awaiting moderation."),
                field="text",
            )
    if any(a == author_id and state is ModerationState.PENDING for _text, a, state in rows):
        raise Conflict(
            _("Your translation into this language is already awaiting moderation."),
            field="text",
        )


@contextmanager
def one_approved():
    """Around a transaction that approves a translation: if another one into the same
    language was approved at the same moment (the partial unique index refuses the
    second), a Conflict saying so instead of a server error."""
    try:
        yield
    except sa.exc.IntegrityError:
        raise Conflict(
            _("Another translation into this language was approved a moment ago. "
              "Nothing was changed.")
        ) from None  # fmt: skip


def _column(kind: str):
    return ContentTranslation.statement_id if kind == "statement" else ContentTranslation.comment_id


def supersede(user, translation: ContentTranslation) -> int | None:
    """Before ``translation`` is approved: the approved one of the same item and language,
    if any, is set aside (rejected, saying why), so exactly one stays approved. Returns
    the id of the one set aside. Runs in the caller's transaction."""
    kind = "statement" if translation.statement_id is not None else "comment"
    item_id = translation.statement_id or translation.comment_id
    previous = db.session.scalar(
        sa.select(ContentTranslation).where(
            _column(kind) == item_id,
            ContentTranslation.language == translation.language,
            ContentTranslation.moderation_state == ModerationState.APPROVED,
            ContentTranslation.id != translation.id,
        )
    )
    if previous is None:
        return None
    previous.moderation_state = ModerationState.REJECTED
    previous.moderation_reason = _("Replaced by a newer approved translation.")
    previous.moderated_by_id = user.id
    previous.moderated_at = utcnow()
    db.session.flush()  # before the new one takes the approved slot
    return previous.id


def review_again(comment_id: int) -> int:
    """A comment's text changed: its approved translations translate the old text, so
    they go back to the moderators (pending) until one checks them against the new one.
    Runs in the caller's transaction; returns how many went back."""
    result = db.session.execute(
        sa.update(ContentTranslation)
        .where(
            ContentTranslation.comment_id == comment_id,
            ContentTranslation.moderation_state == ModerationState.APPROVED,
        )
        .values(moderation_state=ModerationState.PENDING, moderated_at=None, moderated_by_id=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def describe(translation: ContentTranslation) -> dict:
    """What the audit log needs to say which translation this is, in words."""
    if translation.statement_id is not None:
        number = db.session.scalar(
            sa.select(Statement.number).where(Statement.id == translation.statement_id)
        )
        return {"language": translation.language, "of_statement": number}
    return {"language": translation.language, "of_comment": translation.comment_id}


# --- what readers see -----------------------------------------------------------------


def language_label(code: str | None, reader: str | None = None) -> str:
    """A language's name in the reader's language, from Babel's CLDR data ("French" for
    an English reader, "francés" for a Spanish one); the code itself if CLDR lacks it."""
    if not code:
        return _("unknown")
    try:
        names = Locale.parse(reader or str(get_locale())).languages
    except (UnknownLocaleError, ValueError):
        names = Locale("en").languages
    return names.get(code) or code


def approved_translations(consultation_id: int, language: str) -> dict[tuple[str, int], str]:
    """The approved translations of a consultation into ``language``, by (kind, item id);
    read once per request (templates ask for many statements and comments)."""
    cache = g.setdefault("_content_translations", {})
    key = (consultation_id, language)
    if key not in cache:
        rows = db.session.execute(
            sa.select(
                ContentTranslation.statement_id,
                ContentTranslation.comment_id,
                ContentTranslation.text,
            ).where(
                ContentTranslation.consultation_id == consultation_id,
                ContentTranslation.language == language,
                ContentTranslation.moderation_state == ModerationState.APPROVED,
            )
        )
        cache[key] = {
            ("statement", s) if s is not None else ("comment", c): text for s, c, text in rows
        }
    return cache[key]


@dataclass(frozen=True)
class Reading:
    """What a reader sees of a statement or comment: ``text`` in ``language``; when it is
    a translation, ``original`` and ``original_language`` too."""

    text: str
    language: str | None
    original: str | None = None
    original_language: str | None = None

    @property
    def translated(self) -> bool:
        return self.original is not None


def reading_of(obj: Statement | Comment, language: str | None = None) -> Reading:
    """The reader's view of ``obj``: the approved translation into their language when the
    original is in another (or an unrecorded) one and a translation exists, else the
    original."""
    kind = "statement" if isinstance(obj, Statement) else "comment"
    text = (obj.text or "") if kind == "statement" else obj.body
    language = language or current_language()
    if obj.language == language:
        return Reading(text, obj.language)
    found = approved_translations(obj.consultation_id, language).get((kind, obj.id))
    if found is None:
        return Reading(text, obj.language)
    return Reading(found, language, text, obj.language)
