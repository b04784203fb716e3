"""Who is taking part: an account's participant row, or a pseudonymous one tied to a browser.

A visitor without an account gets a random key kept in their signed session; when they
register or log in, :func:`claim_pseudonymous` moves what they did to their account.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.auth.models import User
from consult.consultations.models import Consultation, Participant
from consult.errors import LoginRequired
from consult.extensions import db
from consult.participation.models import Comment, Statement, Vote, VoteEvent


@dataclass(frozen=True)
class Actor:
    """Who is acting: an account, or a browser's pseudonymous key for one consultation."""

    user: User | None = None
    anonymous_key: str | None = None

    @property
    def is_known(self) -> bool:
        return self.user is not None or self.anonymous_key is not None


def new_anonymous_key() -> str:
    return secrets.token_urlsafe(24)


# Built once: looked up on every vote, page and comment.
_BY_USER = sa.select(Participant).where(
    Participant.consultation_id == sa.bindparam("consultation_id"),
    Participant.user_id == sa.bindparam("key"),
)
_BY_KEY = sa.select(Participant).where(
    Participant.consultation_id == sa.bindparam("consultation_id"),
    Participant.anonymous_key == sa.bindparam("key"),
)


def find_participant(consultation: Consultation, actor: Actor) -> Participant | None:
    if actor.user is not None:
        query, key = _BY_USER, actor.user.id
    elif actor.anonymous_key:
        query, key = _BY_KEY, actor.anonymous_key
    else:
        return None
    return db.session.scalar(query, {"consultation_id": consultation.id, "key": key})


def participant_for(consultation: Consultation, actor: Actor) -> Participant:
    """The actor's participant row in ``consultation``, created on first action.

    Accounts may always take part; a pseudonymous visitor only where the consultation
    allows it. Creation is race-free: a unique constraint decides, and a loser re-reads.
    """
    if actor.user is None and not (consultation.allow_anonymous and actor.anonymous_key):
        raise LoginRequired(_("Log in or create an account to take part."))
    participant = find_participant(consultation, actor)
    if participant is not None:
        return participant
    values = {"consultation_id": consultation.id}
    if actor.user is not None:
        values["user_id"] = actor.user.id
    else:
        values["anonymous_key"] = actor.anonymous_key
    try:
        with db.session.begin_nested():
            db.session.execute(sa.insert(Participant).values(**values))
    except sa.exc.IntegrityError:
        pass  # someone (another tab) created it a moment ago
    participant = find_participant(consultation, actor)
    assert participant is not None
    return participant


def claim_pseudonymous(user: User, keys: dict[str, str]) -> int:
    """Move pseudonymous participation (``{consultation_id: key}``) to ``user``'s account.

    Where the account had voted on the same statement, the more recent vote stays. The
    vote history, comments, statements and reports move with it. Returns how many
    consultations were claimed.
    """
    claimed = 0
    for consultation_id, key in keys.items():
        anonymous = db.session.scalar(
            sa.select(Participant).where(
                Participant.consultation_id == int(consultation_id),
                Participant.anonymous_key == key,
                Participant.user_id.is_(None),
            )
        )
        if anonymous is None:
            continue
        existing = db.session.scalar(
            sa.select(Participant).where(
                Participant.consultation_id == anonymous.consultation_id,
                Participant.user_id == user.id,
            )
        )
        if existing is None:
            anonymous.user_id = user.id
            anonymous.anonymous_key = None
        else:
            _merge_into(anonymous, existing)
        claimed += 1
    db.session.commit()
    return claimed


def _merge_into(source: Participant, target: Participant) -> None:
    """Fold ``source``'s participation into ``target``; where both voted, the newer vote stays."""
    target_votes = {
        vote.statement_id: vote
        for vote in db.session.scalars(sa.select(Vote).where(Vote.participant_id == target.id))
    }
    for vote in db.session.scalars(sa.select(Vote).where(Vote.participant_id == source.id)).all():
        kept = target_votes.get(vote.statement_id)
        if kept is None:
            continue
        db.session.delete(kept if vote.updated_at > kept.updated_at else vote)
    db.session.flush()
    for model, column in (
        (Vote, Vote.participant_id),
        (VoteEvent, VoteEvent.participant_id),
        (Comment, Comment.author_id),
        (Statement, Statement.author_id),
    ):
        db.session.execute(
            sa.update(model).where(column == source.id).values({column.key: target.id})
        )
    db.session.delete(source)
