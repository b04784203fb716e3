"""What a moderator needs beside each queue item: the clause it is on, the comment a
reply answers (its text, and its state when it is not public), proposed wording as a diff
against the clause, and who the author is (sector and verification). Everything is loaded
in a few batched queries for the whole queue page."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from consult.auth.models import StakeholderProfile
from consult.consultations.models import Participant
from consult.drafts.models import Clause, DraftVersion
from consult.extensions import db
from consult.moderation.duplicates import Similar, suggestions
from consult.participation.models import Comment, ModerationState, Statement, StatementKind
from consult.textdiff import Piece, diff


@dataclass(frozen=True)
class ItemContext:
    """Context of one queue item; every field may be empty."""

    clause: Clause | None = None  # the clause a comment (or the reported comment) is on
    thread_statement_id: int | None = None  # a reply: the statement whose thread holds it
    thread_anchor: str | None = None  # the parent comment's element id in that thread
    parent: Comment | None = None  # a reply: the comment it answers, in whatever state
    proposal_diff: list[Piece] = field(default_factory=list)  # clause text -> proposal
    profile: StakeholderProfile | None = None  # the author's stakeholder profile
    similar: list[Similar] = field(default_factory=list)  # near-duplicates of a statement


def _subject(item):
    """The statement or comment the item is about (a report's target)."""
    return item.target if item.kind == "report" else item.obj


def _latest_clauses(statement_ids: set[int]) -> dict[int, Clause]:
    """For each clause statement, its clause in the latest version that holds it."""
    if not statement_ids:
        return {}
    rows = db.session.execute(
        sa.select(Clause)
        .join(DraftVersion, DraftVersion.id == Clause.version_id)
        .where(Clause.statement_id.in_(statement_ids))
        .order_by(DraftVersion.number)
    ).scalars()
    return {clause.statement_id: clause for clause in rows}  # the last (newest) wins


def _profiles(author_ids: set[int]) -> dict[int, StakeholderProfile]:
    if not author_ids:
        return {}
    rows = db.session.execute(
        sa.select(Participant.id, StakeholderProfile)
        .join(StakeholderProfile, StakeholderProfile.user_id == Participant.user_id)
        .where(Participant.id.in_(author_ids))
        .options(selectinload(StakeholderProfile.user))  # an institution's badge names it
    ).all()
    return dict(rows)


def comment_clauses(comments) -> dict[int, Clause]:
    """For each comment id, the clause it is on: the exact version commented on, else the
    latest version of its clause statement (none for a comment on a participant statement).
    Three queries however many comments."""
    statement_ids = {c.statement_id for c in comments}
    if not statement_ids:
        return {}
    clause_statement_ids = set(
        db.session.scalars(
            sa.select(Statement.id).where(
                Statement.id.in_(statement_ids), Statement.kind == StatementKind.CLAUSE
            )
        )
    )
    exact_ids = {c.clause_id for c in comments if c.clause_id}
    exact = {}
    if exact_ids:
        exact = {
            c.id: c for c in db.session.scalars(sa.select(Clause).where(Clause.id.in_(exact_ids)))
        }
    latest = _latest_clauses(clause_statement_ids)
    found = {}
    for comment in comments:
        clause = exact.get(comment.clause_id) or latest.get(comment.statement_id)
        if clause is not None:
            found[comment.id] = clause
    return found


def _parents(comments) -> dict[int, Comment]:
    parent_ids = {c.parent_id for c in comments if c.parent_id}
    if not parent_ids:
        return {}
    return {
        c.id: c for c in db.session.scalars(sa.select(Comment).where(Comment.id.in_(parent_ids)))
    }


def queue_context(items) -> dict[str, ItemContext]:
    """Context for each item key (``QueueItem.key``), in a fixed number of queries."""
    subjects = {item.key: _subject(item) for item in items}
    comments = [s for s in subjects.values() if isinstance(s, Comment)]
    clauses = comment_clauses(comments)
    parents = _parents(comments)
    author_ids = {s.author_id for s in subjects.values() if s is not None and s.author_id}
    profiles = _profiles(author_ids)
    similar = suggestions(
        [
            item.obj
            for item in items
            if item.kind == "statement" and item.obj.moderation_state is ModerationState.PENDING
        ]
    )
    contexts = {}
    for key, subject in subjects.items():
        if subject is None:
            contexts[key] = ItemContext()
            continue
        clause = None
        proposal = []
        thread_statement_id = anchor = None
        if isinstance(subject, Comment):
            clause = clauses.get(subject.id)
            if subject.parent_id:
                thread_statement_id = subject.statement_id
                anchor = f"comment-{subject.parent_id}"
            proposed = subject.pending_proposed_text or subject.proposed_text
            if clause is not None and proposed:
                base = clause.text.get(subject.language or "") or next(
                    iter(clause.text.values()), ""
                )
                proposal = diff(base, proposed, subject.language)
        contexts[key] = ItemContext(
            clause=clause,
            thread_statement_id=thread_statement_id,
            thread_anchor=anchor,
            parent=parents.get(subject.parent_id) if isinstance(subject, Comment) else None,
            proposal_diff=proposal,
            profile=profiles.get(subject.author_id),
            similar=similar.get(subject.id, []) if key.startswith("statement-") else [],
        )
    return contexts
