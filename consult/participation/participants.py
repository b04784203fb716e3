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
# The same lookups for the id alone, on the Core table (the vote path loads no object).
_participant = Participant.__table__
_ID_BY_USER = sa.select(_participant.c.id).where(
    _participant.c.consultation_id == sa.bindparam("consultation_id"),
    _participant.c.user_id == sa.bindparam("key"),
)
_ID_BY_KEY = sa.select(_participant.c.id).where(
    _participant.c.consultation_id == sa.bindparam("consultation_id"),
    _participant.c.anonymous_key == sa.bindparam("key"),
)


def find_participant(consultation: Consultation, actor: Actor) -> Participant | None:
    if actor.user is not None:
        query, key = _BY_USER, actor.user.id
    elif actor.anonymous_key:
        query, key = _BY_KEY, actor.anonymous_key
    else:
        return None
    return db.session.scalar(query, {"consultation_id": consultation.id, "key": key})


def participant_id_for(consultation: Consultation, actor: Actor) -> int:
    """The id of the actor's participant row in ``consultation``, created on first action.

    Accounts may always take part; a pseudonymous visitor only where the consultation
    allows it. Creation is race-free: a unique constraint decides, and a loser re-reads.
    """
    if actor.user is not None:
        query, params = _ID_BY_USER, {"consultation_id": consultation.id, "key": actor.user.id}
    elif consultation.allow_anonymous and actor.anonymous_key:
        query = _ID_BY_KEY
        params = {"consultation_id": consultation.id, "key": actor.anonymous_key}
    else:
        raise LoginRequired(_("Log in or create an account to take part."))
    participant_id = db.session.execute(query, params).scalar()
    if participant_id is not None:
        return participant_id
    column = "user_id" if actor.user is not None else "anonymous_key"
    try:
        with db.session.begin_nested():
            db.session.execute(
                sa.insert(_participant).values(
                    consultation_id=consultation.id, **{column: params["key"]}
                )
            )
    except sa.exc.IntegrityError:
        pass  # someone (another tab) created it a moment ago
    return db.session.execute(query, params).scalar_one()


def is_author(consultation: Consultation, actor: Actor, author_id: int | None) -> bool:
    """Whether the actor is the participant ``author_id`` of this consultation."""
    participant = find_participant(consultation, actor)
    return participant is not None and participant.id == author_id


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
