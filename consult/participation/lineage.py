"""One clause across the published versions of the draft, as its statement page needs it:
whether the wording shown is the current one, and the discussion of earlier wordings.

Each wording of a clause is voted on and discussed through its own statement; the clause's
``lineage_key`` ties the wordings together. A redrafted clause gets a new statement, so
without this the comments (and the adopted proposals) would stay behind on the old one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from consult.auth.models import User
from consult.consultations.models import Consultation, Participant
from consult.drafts.models import Clause, DraftVersion
from consult.extensions import db
from consult.moderation.models import ContributionResponse
from consult.participation.models import Comment, ModerationState, Statement, StatementKind
from consult.participation.votes import ClauseChanged


@dataclass(frozen=True)
class ClauseLineage:
    """Where one clause statement stands in its clause's history.

    ``versions`` maps each published version holding the clause to the statement its
    wording was voted on through, oldest first; ``latest`` is the current version's number.
    """

    statement_id: int
    versions: dict[int, int | None]
    latest: int
    current_position: int | None = None  # the clause's place in the current version
    clause_versions: dict[int, int] = field(default_factory=dict)  # clause id -> version
    # The clause rows themselves, held so the session keeps them (it holds objects weakly):
    # a proposal is compared with the wording it was written on without a query each.
    clauses: tuple[Clause, ...] = field(default=(), repr=False, compare=False)

    @property
    def current_statement_id(self) -> int | None:
        """The statement of the clause's current wording; None once it left the draft."""
        return self.versions.get(self.latest)

    @property
    def is_superseded(self) -> bool:
        return self.current_statement_id != self.statement_id

    @property
    def removed_in(self) -> int | None:
        """The version that left the clause out of the draft, if one did."""
        return None if self.latest in self.versions else max(self.versions) + 1

    def numbers_of(self, statement_id: int) -> list[int]:
        """The versions whose wording was voted on through this statement."""
        return [n for n, sid in self.versions.items() if sid == statement_id]

    @property
    def shown_in(self) -> list[int]:
        return self.numbers_of(self.statement_id)

    @property
    def earlier_statement_ids(self) -> list[int]:
        """Statements of the wordings before this one (not the ones after it)."""
        first = min(self.shown_in, default=self.latest + 1)
        return sorted(
            {sid for n, sid in self.versions.items() if sid and n < first} - {self.statement_id}
        )


def clause_lineage(consultation: Consultation, statement: Statement | None) -> ClauseLineage | None:
    """The lineage of a clause statement (one query), or None for a participant's statement
    or a clause statement no published version holds."""
    if statement is None or statement.kind is not StatementKind.CLAUSE:
        return None
    key = statement.lineage_key or db.session.scalar(
        sa.select(Clause.lineage_key).where(Clause.statement_id == statement.id).limit(1)
    )
    if key is None:
        return None
    published = sa.and_(
        DraftVersion.consultation_id == consultation.id, DraftVersion.published_at.is_not(None)
    )
    latest = sa.select(sa.func.max(DraftVersion.number)).where(published).scalar_subquery()
    rows = db.session.execute(
        sa.select(Clause, DraftVersion.number, latest)
        .join(DraftVersion, DraftVersion.id == Clause.version_id)
        .where(Clause.lineage_key == key, published)
        .order_by(DraftVersion.number)
    ).all()
    mine = [
        (clause, number) for clause, number, _latest in rows if clause.statement_id == statement.id
    ]
    if not mine:
        return None
    latest_number = rows[0][2]
    return ClauseLineage(
        statement_id=statement.id,
        versions={number: clause.statement_id for clause, number, _latest in rows},
        latest=latest_number,
        current_position=next(
            (clause.position for clause, number, _l in rows if number == latest_number), None
        ),
        clause_versions={clause.id: number for clause, number, _latest in rows},
        clauses=tuple(clause for clause, _n, _l in rows),
    )


class CommentOnEarlierWording(ClauseChanged):
    """A comment sent from a page of a clause wording a later version replaced: the
    discussion goes on on the current wording (``current_statement_id``; None once the
    clause left the draft)."""

    def __init__(self, current_statement_id: int | None):
        super().__init__(
            _(
                "This clause has changed since you opened it. Your comment is below: "
                "post it on the current text."
            ),
            "body",
        )
        self.current_statement_id = current_statement_id


@dataclass(frozen=True)
class EarlierThread:
    """The discussion of one earlier wording: its version, the statement it was voted on
    through, top-level comments with their replies, and organisers' answers by comment id."""

    version: int
    statement_id: int
    comments: list[tuple[Comment, list[Comment]]]


@dataclass(frozen=True)
class EarlierDiscussion:
    threads: list[EarlierThread]
    count: int  # visible comments and replies, as the comment counts count them
    answers: dict[int, ContributionResponse]


NO_EARLIER = EarlierDiscussion([], 0, {})


def earlier_discussion(lineage: ClauseLineage | None, view=None) -> EarlierDiscussion:
    """Approved comments on the clause's earlier wordings (never pending or moderated-out
    ones), grouped by the version each was written on, oldest version first; replies stay
    under their comment. ``view`` (a ThreadView) filters and orders the top-level comments
    as on the current thread. A fixed number of queries however many comments there are."""
    if lineage is None or not lineage.earlier_statement_ids:
        return NO_EARLIER
    comments = db.session.scalars(
        sa.select(Comment)
        .where(
            Comment.statement_id.in_(lineage.earlier_statement_ids),
            Comment.moderation_state == ModerationState.APPROVED,
        )
        .order_by(Comment.created_at, Comment.id)
        .options(
            selectinload(Comment.author).selectinload(Participant.user).selectinload(User.profile)
        )
    ).all()
    if not comments:
        return NO_EARLIER
    answers = {
        r.comment_id: r
        for r in db.session.scalars(
            sa.select(ContributionResponse).where(
                ContributionResponse.comment_id.in_([c.id for c in comments])
            )
        )
    }
    replies: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.parent_id:
            replies.setdefault(comment.parent_id, []).append(comment)
    stance = getattr(view, "stance", None)
    top = [c for c in comments if c.parent_id is None and (stance is None or c.stance is stance)]
    if getattr(view, "order", "oldest") == "newest":
        top.reverse()
    by_version: dict[tuple[int, int], list] = {}
    for comment in top:
        key = (_written_on(lineage, comment), comment.statement_id)
        by_version.setdefault(key, []).append((comment, replies.get(comment.id, [])))
    return EarlierDiscussion(
        threads=[
            EarlierThread(version, statement_id, items)
            for (version, statement_id), items in sorted(by_version.items())
        ],
        count=sum(1 for c in comments if c.deleted_at is None),
        answers=answers,
    )


def _written_on(lineage: ClauseLineage, comment: Comment) -> int:
    """The version a comment was written on: that of the clause row it was posted under,
    else the first version its statement belonged to."""
    version = lineage.clause_versions.get(comment.clause_id)
    if version is not None:
        return version
    return min(lineage.numbers_of(comment.statement_id), default=0)


def earlier_comment_counts(consultation_id: int, current: dict[int, str]) -> dict[str, int]:
    """For clause statements ``{statement id: lineage key}`` of the current version: the
    visible comments on earlier wordings of each clause, by lineage key (one query)."""
    if not current:
        return {}
    rows = db.session.execute(
        sa.select(Statement.lineage_key, sa.func.count())
        .join(Comment, Comment.statement_id == Statement.id)
        .where(
            Statement.consultation_id == consultation_id,
            Statement.kind == StatementKind.CLAUSE,
            Statement.lineage_key.in_(set(current.values())),
            Statement.id.not_in(list(current)),
            Comment.moderation_state == ModerationState.APPROVED,
            Comment.deleted_at.is_(None),
        )
        .group_by(Statement.lineage_key)
    ).all()
    return dict(rows)


class ReadOnlyConsultation:
    """The consultation as an earlier wording's discussion shows it: everything readable,
    nothing offered to act on (no vote buttons, comment or reply forms). The shared
    templates ask ``consultation.accepts_input()`` before offering any of them."""

    def __init__(self, consultation: Consultation):
        self._consultation = consultation

    def __getattr__(self, name: str):
        return getattr(self._consultation, name)

    def accepts_input(self) -> bool:
        return False
