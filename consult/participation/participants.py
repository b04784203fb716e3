"""Who is taking part: an account's participant row, or a pseudonymous one tied to a browser.

A visitor without an account gets a random key kept in their signed session; when they
register or log in, :func:`claim_pseudonymous` moves what they did to their account.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import session
from flask_babel import gettext as _
from flask_login import current_user

from consult.auth.models import User
from consult.consultations.models import Consultation, Participant
from consult.database import write_transaction
from consult.errors import LoginRequired
from consult.extensions import db
from consult.participation.mine import is_automatic_agree
from consult.participation.models import Comment, Statement, Vote, VoteEvent
from consult.ratelimits import admit_new_pseudonym


@dataclass(frozen=True)
class Actor:
    """Who is acting: an account, or a browser's pseudonymous key for one consultation."""

    user: User | None = None
    anonymous_key: str | None = None

    @property
    def is_known(self) -> bool:
        return self.user is not None or self.anonymous_key is not None

    @property
    def identity(self) -> tuple[str, int | str] | None:
        """The participant column that identifies this actor, and its value."""
        if self.user is not None:
            return "user_id", self.user.id
        if self.anonymous_key:
            return "anonymous_key", self.anonymous_key
        return None


def new_anonymous_key() -> str:
    return secrets.token_urlsafe(24)


# The signed session's {consultation id: pseudonymous key} for this browser.
ANON_SESSION_KEY = "anon"


def actor_for(consultation: Consultation, *, create_key: bool = False) -> Actor:
    """The person acting: their account, or this browser's pseudonymous key (made on demand)."""
    if current_user.is_authenticated:
        return Actor(user=current_user._get_current_object())
    keys = session.get(ANON_SESSION_KEY, {})
    key = keys.get(str(consultation.id))
    if key is None and create_key and consultation.allow_anonymous:
        # One address may start only so many pseudonymous participants an hour (429 past it).
        admit_new_pseudonym(consultation)
        key = new_anonymous_key()
        session[ANON_SESSION_KEY] = {**keys, str(consultation.id): key}
    return Actor(anonymous_key=key)


def pseudonymous_keys() -> dict[str, str]:
    """This browser's pseudonymous keys, to be claimed when it logs in."""
    return dict(session.get(ANON_SESSION_KEY, {}))


# Built once, per identifying column (looked up on every vote, page and comment): the
# participant row, and its id alone on the Core table (the vote path loads no object).
_participant = Participant.__table__
_FIND = {
    column: sa.select(Participant).where(
        Participant.consultation_id == sa.bindparam("consultation_id"),
        getattr(Participant, column) == sa.bindparam("key"),
    )
    for column in ("user_id", "anonymous_key")
}
_FIND_ID = {
    column: sa.select(_participant.c.id).where(
        _participant.c.consultation_id == sa.bindparam("consultation_id"),
        _participant.c[column] == sa.bindparam("key"),
    )
    for column in ("user_id", "anonymous_key")
}


def find_participant(consultation: Consultation, actor: Actor) -> Participant | None:
    if actor.identity is None:
        return None
    column, key = actor.identity
    return db.session.scalar(_FIND[column], {"consultation_id": consultation.id, "key": key})


def participant_id_for(consultation: Consultation, actor: Actor) -> int:
    """The id of the actor's participant row in ``consultation``, created on first action.

    Accounts may always take part; a pseudonymous visitor only where the consultation
    allows it. Creation is race-free: a unique constraint decides, and a loser re-reads.
    """
    if actor.user is None and not (consultation.allow_anonymous and actor.anonymous_key):
        raise LoginRequired(_("Log in or create an account to take part."))
    column, key = actor.identity
    query, params = _FIND_ID[column], {"consultation_id": consultation.id, "key": key}
    participant_id = db.session.execute(query, params).scalar()
    if participant_id is not None:
        return participant_id
    try:
        with db.session.begin_nested():
            db.session.execute(
                sa.insert(_participant).values(consultation_id=consultation.id, **{column: key})
            )
    except sa.exc.IntegrityError:
        pass  # someone (another tab) created it a moment ago
    return db.session.execute(query, params).scalar_one()


def is_author(consultation: Consultation, actor: Actor, author_id: int | None) -> bool:
    """Whether the actor is the participant ``author_id`` of this consultation."""
    participant = find_participant(consultation, actor)
    return participant is not None and participant.id == author_id


@dataclass(frozen=True)
class VoteConflict:
    """Where the account and the pseudonymous visitor voted differently on one statement."""

    consultation_id: int
    statement_id: int
    account_vote: int
    new_vote: int


@dataclass
class Claim:
    """What moved to the account when it claimed a browser's pseudonymous participation."""

    consultations: int = 0
    # votes now counted for the account that it did not have, as "My votes" counts them
    # (an author's automatic agree on their own statement is not one)
    votes: int = 0
    comments: int = 0
    statements: int = 0
    conflicts: list[VoteConflict] = field(default_factory=list)


def claim_pseudonymous(user: User, keys: dict[str, str]) -> Claim:
    """Move pseudonymous participation (``{consultation_id: key}``) to ``user``'s account.

    Where the account had voted differently on the same statement, the more recent vote
    stays for now and the pair is returned in ``conflicts`` so the person can choose.
    The vote history, comments, statements and reports move with it, in one transaction.
    """
    claim = Claim()
    with write_transaction():
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
            claim.comments += _count(Comment, Comment.author_id == anonymous.id)
            claim.statements += _count(Statement, Statement.author_id == anonymous.id)
            existing = db.session.scalar(
                sa.select(Participant).where(
                    Participant.consultation_id == anonymous.consultation_id,
                    Participant.user_id == user.id,
                )
            )
            if existing is None:
                claim.votes += sum(
                    not is_automatic_agree(vote, statement)
                    for vote, statement in _votes_of(anonymous)
                )
                anonymous.user_id = user.id
                anonymous.anonymous_key = None
            else:
                _merge_into(anonymous, existing, claim)
            claim.consultations += 1
    return claim


def _count(model, condition) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(condition))


def _votes_of(participant: Participant) -> list[tuple[Vote, Statement]]:
    return db.session.execute(
        sa.select(Vote, Statement)
        .join(Statement, Statement.id == Vote.statement_id)
        .where(Vote.participant_id == participant.id)
    ).all()


def _merge_into(source: Participant, target: Participant, claim: Claim) -> None:
    """Fold ``source``'s participation into ``target``; where both voted, the newer vote
    stays, and a difference is noted in ``claim.conflicts``."""
    target_votes = {
        vote.statement_id: vote
        for vote in db.session.scalars(sa.select(Vote).where(Vote.participant_id == target.id))
    }
    for vote, statement in _votes_of(source):
        kept = target_votes.get(vote.statement_id)
        if kept is None:
            claim.votes += not is_automatic_agree(vote, statement)
            continue
        if kept.value != vote.value:
            claim.conflicts.append(
                VoteConflict(target.consultation_id, vote.statement_id, kept.value, vote.value)
            )
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
