"""Words shown for votes, stances and authors, translated at the moment they are shown."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.i18n import current_language
from consult.textdiff import Piece, diff

_VOTE_WORDS = {1: _l("agree"), -1: _l("disagree"), 0: _l("pass")}


def vote_label(value: int | None) -> str:
    word = _VOTE_WORDS.get(value)
    return str(word) if word is not None else ""


def stance_label(stance) -> str:
    value = getattr(stance, "value", stance)
    labels = {"support": _("Supports"), "oppose": _("Opposes"), "amend": _("Suggests a change")}
    return labels.get(value, "")


def author_name(participant) -> str:
    """An account's display name; pseudonymous participants stay anonymous."""
    user = getattr(participant, "user", None)
    return user.display_name if user is not None else _("Anonymous participant")


def proposal_diff(comment) -> list[Piece]:
    """Proposed wording against the clause it was written on; empty when there is none."""
    from consult.participation.comments import clause_text_for

    language = comment.language or current_language()
    original = clause_text_for(comment, language)
    if not original or not comment.proposed_text:
        return []
    return diff(original, comment.proposed_text, language)
