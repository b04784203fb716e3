"""What a reader sees next to the text: tallies, their own votes, what changed, discussion size."""

from __future__ import annotations

from dataclasses import dataclass, replace

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from consult.auth.models import User
from consult.consultations.models import Consultation, Participant
from consult.drafts.models import Clause, DraftVersion
from consult.extensions import db
from consult.participation.lineage import earlier_comment_counts
from consult.participation.models import (
    Comment,
    ModerationState,
    Stance,
    Statement,
    StatementKind,
    Vote,
)
from consult.participation.votes import Tally, tallies, votes_of


@dataclass(frozen=True)
class VoteBox:
    """Everything the vote control of one statement shows."""

    statement_id: int
    tally: Tally
    my_vote: int | None
    # The participant voted on an earlier wording of this clause: their old vote.
    earlier_vote: int | None = None
    # Visible comments and replies, those on the clause's earlier wordings included.
    comment_count: int = 0
    earlier_comment_count: int = 0


def vote_boxes(
    statement_ids: list[int],
    participant: Participant | None,
    lineages: dict[int, str] | None = None,
    *,
    with_comment_counts: bool = True,
) -> dict[int, VoteBox]:
    """Vote boxes for these statements, in a fixed number of queries."""
    counts = tallies(statement_ids)
    mine = votes_of(participant, statement_ids)
    earlier = _earlier_votes(participant, lineages or {})
    comments = comment_counts(statement_ids) if with_comment_counts else {}
    return {
        sid: VoteBox(
            statement_id=sid,
            tally=counts[sid],
            my_vote=mine.get(sid),
            earlier_vote=None if sid in mine else earlier.get((lineages or {}).get(sid)),
            comment_count=comments.get(sid, 0),
        )
        for sid in statement_ids
    }


def clause_boxes(
    version: DraftVersion | None, participant: Participant | None
) -> dict[int, VoteBox]:
    """Vote boxes keyed by clause id for a version's clauses; a clause's comment count
    includes the discussion of its earlier wordings."""
    if version is None:
        return {}
    by_statement = {c.statement_id: c for c in version.clauses if c.statement_id}
    lineages = {c.statement_id: c.lineage_key for c in by_statement.values()}
    boxes = vote_boxes(list(by_statement), participant, lineages)
    earlier = earlier_comment_counts(version.consultation_id, lineages)
    return {
        clause.id: with_earlier_comments(boxes[sid], earlier.get(clause.lineage_key, 0))
        for sid, clause in by_statement.items()
    }


def with_earlier_comments(box: VoteBox, earlier: int) -> VoteBox:
    """The box counting ``earlier`` comments on the clause's earlier wordings too."""
    if not earlier:
        return box
    return replace(box, comment_count=box.comment_count + earlier, earlier_comment_count=earlier)


def _earlier_votes(participant: Participant | None, lineages: dict[int, str]) -> dict[str, int]:
    """The participant's latest vote on any wording of each lineage: ``{lineage: value}``."""
    if participant is None or not lineages:
        return {}
    rows = db.session.execute(
        sa.select(Statement.lineage_key, Vote.value)
        .join(Vote, Vote.statement_id == Statement.id)
        .where(
            Vote.participant_id == participant.id,
            Statement.kind == StatementKind.CLAUSE,
            Statement.lineage_key.in_(set(lineages.values())),
        )
        .order_by(Vote.updated_at)
    ).all()
    return dict(rows)  # ordered by time, so each lineage keeps its latest vote


_COMMENT_COUNTS = (
    sa.select(Comment.statement_id, sa.func.count())
    .where(
        Comment.statement_id.in_(sa.bindparam("ids", expanding=True)),
        Comment.moderation_state == ModerationState.APPROVED,
        Comment.deleted_at.is_(None),
    )
    .group_by(Comment.statement_id)
)


def comment_counts(statement_ids: list[int]) -> dict[int, int]:
    """Visible comments per statement (one prepared query)."""
    if not statement_ids:
        return {}
    return dict(db.session.execute(_COMMENT_COUNTS, {"ids": statement_ids}).all())


def clause_of_statement(statement: Statement) -> Clause | None:
    """The latest clause row that points at this statement (any version)."""
    return db.session.scalar(
        sa.select(Clause)
        .join(DraftVersion, DraftVersion.id == Clause.version_id)
        .where(Clause.statement_id == statement.id, DraftVersion.published_at.is_not(None))
        .order_by(DraftVersion.number.desc())
        .limit(1)
    )


THREAD_ORDERS = ("oldest", "newest")


@dataclass(frozen=True)
class ThreadView:
    """Which comments of a thread to show, as the reader chose in the page's GET form:
    one stance or all (``None``), oldest or newest first. Unknown values mean the default."""

    stance: Stance | None = None
    order: str = "oldest"

    @classmethod
    def from_args(cls, args) -> ThreadView:
        try:
            stance = Stance(args.get("stance") or None)
        except ValueError:
            stance = None
        order = args.get("order")
        return cls(stance=stance, order=order if order in THREAD_ORDERS else "oldest")

    @property
    def is_default(self) -> bool:
        return self == ThreadView()


def thread(
    statement: Statement, viewer: Participant | None, view: ThreadView = ThreadView()
) -> list[tuple[Comment, list[Comment]]]:
    """Top-level comments with their replies: approved ones, plus the viewer's own that
    wait for moderation. ``view`` filters top-level comments by stance and orders them;
    replies stay under their comment, oldest first, whatever their stance."""
    visible = Comment.moderation_state == ModerationState.APPROVED
    if viewer is not None:
        visible = sa.or_(visible, Comment.author_id == viewer.id)
    comments = db.session.scalars(
        sa.select(Comment)
        .where(Comment.statement_id == statement.id, visible)
        .order_by(Comment.created_at, Comment.id)
        .options(
            selectinload(Comment.author).selectinload(Participant.user).selectinload(User.profile)
        )
    ).all()
    replies: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.parent_id:
            replies.setdefault(comment.parent_id, []).append(comment)
    top = [
        c
        for c in comments
        if c.parent_id is None and (view.stance is None or c.stance is view.stance)
    ]
    if view.order == "newest":
        top.reverse()
    return [(c, replies.get(c.id, [])) for c in top]


@dataclass(frozen=True)
class VoteChoice:
    """A statement voted on differently before and after logging in, as the choice page
    shows it: both votes, and the one counted now (None if since withdrawn)."""

    consultation: Consultation
    statement: Statement
    clause: Clause | None
    account_vote: int
    new_vote: int
    counted: int | None


def vote_choices(pending: list[tuple[int, int, int, int]], user) -> list[VoteChoice]:
    """The choice page's rows for ``(consultation id, statement id, account vote, new vote)``
    pairs; statements gone since are left out."""
    choices = []
    for consultation_id, statement_id, account_vote, new_vote in pending:
        statement = db.session.get(Statement, statement_id)
        if statement is None or statement.consultation_id != consultation_id:
            continue
        participant = db.session.scalar(
            sa.select(Participant).where(
                Participant.consultation_id == consultation_id, Participant.user_id == user.id
            )
        )
        counted = votes_of(participant, [statement_id]).get(statement_id)
        choices.append(
            VoteChoice(
                consultation=db.session.get(Consultation, consultation_id),
                statement=statement,
                clause=clause_of_statement(statement),
                account_vote=account_vote,
                new_vote=new_vote,
                counted=counted,
            )
        )
    return choices
