"""What happened that someone should hear about, read from the database alone.

No other service calls this package: answers are in ``contribution_response``,
moderation decisions and status changes in the audit log (``moderation_event``), new
versions in ``draft_version``/``clause``, reports in ``published_report``, and the
schedule in ``consultation``. Each detector looks at a window of time ``[since, now]``
and returns :class:`Notice` values; the unique key of ``notification_sent`` makes a
notice found by several scans go out once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from consult.consultations.models import Consultation, Participant, Status
from consult.consultations.schedule import Phase
from consult.drafts.models import DraftVersion
from consult.extensions import db
from consult.moderation.models import ContributionResponse, ModerationEvent
from consult.notifications.follow import followers
from consult.notifications.models import NotificationKind
from consult.participation.models import Comment, Statement, StatementKind, Vote
from consult.reports.models import PublishedReport

CLOSING_SOON = timedelta(days=3)
# Decisions an author hears about (a duplicate is a rejection with a reason given).
DECISIONS = ("approve", "reject", "duplicate")


@dataclass(frozen=True)
class Notice:
    user_id: int
    kind: NotificationKind
    subject: str  # unique per person and kind: what the notice is about
    payload: dict = field(default_factory=dict, compare=False, hash=False)


def collect(since: datetime, now: datetime) -> list[Notice]:
    """Every notice due for what happened in ``[since, now]``, in a stable order."""
    found = [
        *answers(since, now),
        *clause_changes(since, now),
        *decisions(since, now),
        *schedule(since, now),
        *reports(since, now),
    ]
    unique = {(n.user_id, n.kind.value, n.subject): n for n in found}
    return [unique[key] for key in sorted(unique)]


def _authors(model, ids: set[int]) -> dict[int, int]:
    """Item id -> the account of its author (items by pseudonymous authors left out)."""
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(model.id, Participant.user_id)
        .join(Participant, Participant.id == model.author_id)
        .where(model.id.in_(ids), Participant.user_id.is_not(None))
    )
    return {row.id: row.user_id for row in rows}


def answers(since: datetime, now: datetime) -> list[Notice]:
    """A moderator answered a contribution (or adopted it into a version): its author."""
    responses = db.session.scalars(
        sa.select(ContributionResponse).where(
            ContributionResponse.created_at >= since, ContributionResponse.created_at <= now
        )
    ).all()
    comment_ids = {r.comment_id for r in responses if r.comment_id}
    deleted = set(
        db.session.scalars(
            sa.select(Comment.id).where(
                Comment.id.in_(comment_ids), Comment.deleted_at.is_not(None)
            )
        )
    )
    comment_authors = _authors(Comment, comment_ids - deleted)
    statement_authors = _authors(Statement, {r.statement_id for r in responses if r.statement_id})
    notices = []
    for response in responses:
        if response.comment_id:
            author = comment_authors.get(response.comment_id)
        else:
            author = statement_authors.get(response.statement_id)
        if author is None or author == response.responded_by_id:
            continue
        notices.append(
            Notice(
                author,
                NotificationKind.ANSWER,
                f"response:{response.id}",
                {"response_id": response.id},
            )
        )
    return notices


def _previous_version(version: DraftVersion) -> DraftVersion | None:
    return db.session.scalar(
        sa.select(DraftVersion)
        .where(
            DraftVersion.consultation_id == version.consultation_id,
            DraftVersion.published_at.is_not(None),
            DraftVersion.number < version.number,
        )
        .order_by(DraftVersion.number.desc())
        .limit(1)
    )


def clause_changes(since: datetime, now: datetime) -> list[Notice]:
    """A version published in the window gave a clause a new statement to vote on (its
    authoritative wording changed, or the organisers asked voters to look again): everyone
    with a vote on an earlier statement of that clause hears, once per version."""
    versions = db.session.scalars(
        sa.select(DraftVersion).where(
            DraftVersion.published_at >= since, DraftVersion.published_at <= now
        )
    ).all()
    notices = []
    for version in versions:
        previous = _previous_version(version)
        if previous is None:
            continue
        before = {c.lineage_key: c.statement_id for c in previous.clauses}
        changed = {
            c.lineage_key: c.statement_id
            for c in version.clauses
            if before.get(c.lineage_key) and c.statement_id != before[c.lineage_key]
        }
        if not changed:
            continue
        rows = db.session.execute(
            sa.select(Participant.user_id, Statement.lineage_key)
            .distinct()
            .select_from(Vote)
            .join(Statement, Statement.id == Vote.statement_id)
            .join(Participant, Participant.id == Vote.participant_id)
            .where(
                Vote.consultation_id == version.consultation_id,
                Statement.kind == StatementKind.CLAUSE,
                Statement.lineage_key.in_(changed),
                Statement.id.not_in([sid for sid in changed.values() if sid]),
                Participant.user_id.is_not(None),
            )
        )
        voted: dict[int, set[str]] = defaultdict(set)
        for row in rows:
            voted[row.user_id].add(row.lineage_key)
        for user_id, lineages in voted.items():
            payload = {"version_id": version.id, "lineages": sorted(lineages)}
            notices.append(
                Notice(user_id, NotificationKind.CLAUSE_CHANGED, f"version:{version.id}", payload)
            )
    return notices


def decisions(since: datetime, now: datetime) -> list[Notice]:
    """A moderator approved or rejected (with a reason) a statement or comment: its
    author, and nobody else (a rejected text is never shown to anyone but its author)."""
    events = db.session.scalars(
        sa.select(ModerationEvent).where(
            ModerationEvent.action.in_(DECISIONS),
            ModerationEvent.target_kind.in_(("statement", "comment")),
            ModerationEvent.created_at >= since,
            ModerationEvent.created_at <= now,
        )
    ).all()
    authors = {
        "statement": _authors(
            Statement, {e.target_id for e in events if e.target_kind == "statement"}
        ),
        "comment": _authors(Comment, {e.target_id for e in events if e.target_kind == "comment"}),
    }
    notices = []
    for event in events:
        author = authors[event.target_kind].get(event.target_id)
        if author is None or author == event.actor_id:
            continue
        notices.append(
            Notice(author, NotificationKind.MODERATION, f"event:{event.id}", {"event_id": event.id})
        )
    return notices


def _opened_at(consultation: Consultation, opened_by_hand: dict[int, datetime]) -> datetime | None:
    """When the consultation last became open: its opening time, or the moment an
    organiser set it open, whichever came later."""
    moments = [m for m in (consultation.opens_at, opened_by_hand.get(consultation.id)) if m]
    return max(moments) if moments else None


def schedule(since: datetime, now: datetime) -> list[Notice]:
    """Followers hear when a consultation opens, and when it closes within 3 days."""
    consultations = db.session.scalars(
        sa.select(Consultation).where(
            Consultation.status == Status.OPEN, Consultation.imported_from.is_(None)
        )
    ).all()
    if not consultations:
        return []
    opened_by_hand: dict[int, datetime] = {}
    for event in db.session.scalars(
        sa.select(ModerationEvent)
        .where(
            ModerationEvent.action == "set_status",
            ModerationEvent.consultation_id.in_([c.id for c in consultations]),
            ModerationEvent.created_at >= since,
            ModerationEvent.created_at <= now,
        )
        .order_by(ModerationEvent.id)
    ):
        if (event.details or {}).get("to") == Status.OPEN.value:
            opened_by_hand[event.consultation_id] = event.created_at
    notices = []
    for consultation in consultations:
        if consultation.phase(now) is not Phase.OPEN:
            continue
        opened = _opened_at(consultation, opened_by_hand)
        if opened and since <= opened <= now:
            subject = f"opens:{consultation.id}:{opened.isoformat(timespec='minutes')}"
            payload = {"consultation_id": consultation.id, "event": "opens"}
            notices += [
                Notice(user_id, NotificationKind.SCHEDULE, subject, payload)
                for user_id in followers(consultation.id, opened)
            ]
        closes = consultation.closes_at
        if closes and now < closes <= now + CLOSING_SOON:
            subject = f"closes:{consultation.id}:{closes.isoformat(timespec='minutes')}"
            payload = {"consultation_id": consultation.id, "event": "closes"}
            notices += [
                Notice(user_id, NotificationKind.SCHEDULE, subject, payload)
                for user_id in followers(consultation.id, now)
            ]
    return notices


def reports(since: datetime, now: datetime) -> list[Notice]:
    """Followers hear when a report becomes public (published, or its embargo ends)."""
    candidates = db.session.scalars(
        sa.select(PublishedReport).where(
            PublishedReport.unpublished_at.is_(None),
            PublishedReport.published_at <= now,
            sa.or_(PublishedReport.published_at >= since, PublishedReport.embargo_until >= since),
        )
    ).all()
    notices = []
    for report in candidates:
        public_from = max(report.published_at, report.embargo_until or report.published_at)
        if not (since <= public_from <= now) or not report.is_public(now):
            continue
        if report.consultation.status is Status.DRAFT:
            continue
        payload = {"report_id": report.id}
        notices += [
            Notice(user_id, NotificationKind.REPORT, f"report:{report.id}", payload)
            for user_id in followers(report.consultation_id, public_from)
        ]
    return notices
