"""A statement imported from a report's public data without its text (withheld there,
as it was not published) cannot be approved: it would show as an empty statement."""

import pytest

from consult.errors import DomainError
from consult.moderation.services import moderate
from consult.participation.models import ModerationState


def test_a_statement_without_text_is_not_published(db, team, contribute):
    c = team.consultation
    blank = contribute.statement(c, "")
    with pytest.raises(DomainError, match="no text"):
        moderate(team.moderator, c, "statement", blank.id, "approve", "pending")
    db.session.refresh(blank)
    assert blank.moderation_state is ModerationState.PENDING
    moderate(team.moderator, c, "statement", blank.id, "reject", "pending", "Withheld.")
    db.session.refresh(blank)
    assert blank.moderation_state is ModerationState.REJECTED
    written = contribute.statement(c, "A statement with words.")
    moderate(team.moderator, c, "statement", written.id, "approve", "pending")
