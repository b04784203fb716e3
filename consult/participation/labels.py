"""Words shown for votes, stances and authors, translated at the moment they are shown."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from consult.i18n import current_language
from consult.participation.models import Stance, VoteValue
from consult.textdiff import Piece, diff


def vote_label(value: int | None) -> str:
    """The word for a vote value (agree, disagree, pass); empty for no vote."""
    try:
        return str(VoteValue(value).label)
    except ValueError:
        return ""


def stance_label(stance) -> str:
    """How a comment's stance reads beside it; empty for none."""
    try:
        return str(Stance(stance).label)  # a member or its value alike
    except ValueError:
        return ""


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


def vote_announcement(value: int | None, tally) -> str:
    """What the live region says after an in-place vote: the vote and where it leaves
    the statement ("Your vote: agree. 62% agree of 40 voters.")."""
    if value is None:
        return _("Your vote was withdrawn.")
    return " ".join(
        (
            _("Your vote: %(vote)s.", vote=vote_label(value)),
            ngettext(
                "%(pct)d%% agree of %(num)d voter.",
                "%(pct)d%% agree of %(num)d voters.",
                tally.total,
                pct=tally.share(tally.agree),
            ),
        )
    )
