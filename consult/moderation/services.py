"""The moderation queue: approve, reject, mark meta or duplicate, and handle reports.

Every decision is a conditional UPDATE on the state the moderator saw, so of two
moderators acting on one item at the same moment, the second gets a Conflict instead of
silently overwriting the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.auth.services import ensure_role
from consult.consultations.models import Consultation
from consult.database import write_transaction
from consult.db_types import utcnow
from consult.errors import Conflict, DomainError, NotFound, checked_text
from consult.extensions import db
from consult.jobs import request_analysis
from consult.moderation import edits
from consult.moderation.access import TEAM, team_consultation_ids
from consult.moderation.audit import record_event
from consult.participation import translations
from consult.participation.models import (
    AbuseReport,
    Comment,
    ContentTranslation,
    ModerationState,
    Statement,
    StatementKind,
)

REASON_MAX = 2000
QUEUE_LIMIT = 200
TARGET_STATE = {
    "approve": ModerationState.APPROVED,
    "reject": ModerationState.REJECTED,
    "meta": ModerationState.META,
    "duplicate": ModerationState.REJECTED,
}
ACTIONS = {
    "statement": ("approve", "reject", "meta", "duplicate"),
    "comment": ("approve", "reject"),
    "translation": ("approve", "reject"),
}
MODELS = {"statement": Statement, "comment": Comment, "translation": ContentTranslation}


@dataclass(frozen=True)
class QueueItem:
    # "statement", "comment", "translation", "report" or "edit" (a comment's pending edit)
    kind: str
    obj: Statement | Comment | ContentTranslation | AbuseReport
    created_at: datetime
    target: Statement | Comment | None = None  # what a report is about

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.obj.id}"


def parse_state(value: str | None) -> ModerationState:
    try:
        return ModerationState(value)
    except ValueError:
        raise DomainError(_("Reload the page: the form did not say what state you saw.")) from None


def report_target(report: AbuseReport) -> tuple[str, Statement | Comment]:
    if report.statement_id:
        return "statement", db.session.get(Statement, report.statement_id)
    return "comment", db.session.get(Comment, report.comment_id)


def clean_reason(reason: str | None, required: bool) -> str | None:
    reason = checked_text(
        reason,
        "reason",
        REASON_MAX,
        _("Keep the reason under %(n)d characters.", n=REASON_MAX),
        _("Give a reason: the author will see it.") if required else None,
    )
    return reason or None


def get_item(
    consultation: Consultation, kind: str, item_id: int
) -> Statement | Comment | ContentTranslation:
    """A statement, comment or translation of this consultation (clauses are edited in
    the draft)."""
    model = MODELS.get(kind)
    item = db.session.get(model, item_id) if model else None
    if (
        item is None
        or item.consultation_id != consultation.id
        or (kind == "statement" and item.kind is StatementKind.CLAUSE)
    ):
        raise NotFound(_("There is no such item in this consultation."))
    return item


def waiting_count(user, consultation_id: int | None = None) -> int | None:
    """How many items wait in this user's queue (of one consultation if given); None for
    someone who moderates nothing (there)."""
    ids = team_consultation_ids(user, *TEAM)
    if consultation_id is not None:
        ids = [consultation_id] if ids is None or consultation_id in ids else []
    if ids == []:
        return None

    def scoped(query, model):
        return query if ids is None else query.where(model.consultation_id.in_(ids))

    count = sa.func.count()
    statements = scoped(
        sa.select(count).where(
            Statement.moderation_state == ModerationState.PENDING,
            Statement.kind != StatementKind.CLAUSE,
        ),
        Statement,
    )
    comments = scoped(
        sa.select(count).where(
            Comment.moderation_state == ModerationState.PENDING, Comment.deleted_at.is_(None)
        ),
        Comment,
    )
    translations = scoped(
        sa.select(count).where(ContentTranslation.moderation_state == ModerationState.PENDING),
        ContentTranslation,
    )
    reports = scoped(sa.select(count).where(AbuseReport.resolved_at.is_(None)), AbuseReport)
    waiting = [q.scalar_subquery() for q in (statements, comments, translations, reports)]
    return db.session.scalar(sa.select(sum(waiting, edits.pending_edit_count(ids))))


def moderate(
    user,
    consultation: Consultation,
    kind: str,
    item_id: int,
    action: str,
    expected_state: str | ModerationState,
    reason: str | None = None,
    duplicate_of_number: int | None = None,
):
    """Approve, reject, mark meta or mark duplicate one statement or comment; approve or
    reject a translation (approving one sets aside the approved translation of the same
    item and language it replaces).

    A duplicate names the statement it repeats by its public number (``Statement.number``,
    the one the site and the exports show).

    ``expected_state`` is the state the moderator saw; if the item has moved on since,
    raise Conflict and change nothing. Rejecting needs a reason (the author sees it).
    """
    ensure_role(user, consultation, *TEAM)
    item = get_item(consultation, kind, item_id)
    if action not in ACTIONS[kind]:
        raise DomainError(_("That action is not possible on this item."))
    expected = parse_state(
        expected_state.value if hasattr(expected_state, "value") else expected_state
    )
    new_state = TARGET_STATE[action]
    if (
        new_state is ModerationState.APPROVED
        and kind == "statement"
        and item.kind is not StatementKind.CLAUSE
        and not (item.text or "").strip()
    ):
        # Imported from a report's public data, which withholds what was not published.
        raise DomainError(_("This statement has no text, so it cannot be published."))
    reason = clean_reason(reason, required=action == "reject")
    values = {
        "moderation_state": new_state,
        "moderation_reason": reason,
        "moderated_by_id": user.id,
        "moderated_at": utcnow(),
    }
    details = {"from": expected.value, "to": new_state.value}
    if action == "duplicate":
        original = _duplicate_target(consultation, item, duplicate_of_number)
        values["duplicate_of_id"] = original.id
        values["moderation_reason"] = reason or _(
            "This says the same as statement %(id)d.", id=original.number
        )
        details["duplicate_of"] = original.id
    if kind == "translation":
        details.update(translations.describe(item))
    if expected is new_state and action != "duplicate":
        raise Conflict(
            _("This item is already %(state)s. Nothing was changed.", state=expected.label)
        )
    model = MODELS[kind]
    with translations.one_approved(), write_transaction():
        if kind == "translation" and new_state is ModerationState.APPROVED:
            details["replaced"] = translations.supersede(user, item)
        result = db.session.execute(
            sa.update(model)
            .where(model.id == item.id, model.moderation_state == expected)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            db.session.refresh(item)  # the state it has now, for the message
            raise Conflict(
                _(
                    "Someone else moderated this item a moment ago: it is now %(state)s. "
                    "Nothing was changed.",
                    state=item.moderation_state.label,
                )
            )
        if new_state is ModerationState.REJECTED and kind != "translation":
            resolve_reports(user, kind, item.id, "removed")
        record_event(user, consultation.id, action, kind, item.id, reason, **details)
    if kind == "statement":  # a statement moderated in or out changes the analysis
        request_analysis(consultation.id)
    db.session.refresh(item)
    return item


def _duplicate_target(consultation, item, number) -> Statement:
    """The statement ``item`` repeats: approved, or still pending (two pending repeats:
    the later one names the earlier), never a rejected one. A rejected statement is not
    public, so the author would be pointed at nothing; and as a duplicate is itself
    rejected, two statements cannot be marked duplicates of each other."""
    if not number:
        raise DomainError(_("Say which statement this one repeats."), field="duplicate_of")
    original = db.session.scalar(
        sa.select(Statement).where(
            Statement.consultation_id == consultation.id, Statement.number == number
        )
    )
    if original is None or original.id == item.id:
        raise DomainError(_("Choose another statement of this consultation."), field="duplicate_of")
    if original.moderation_state is ModerationState.REJECTED:
        raise DomainError(
            _("Statement %(n)d is rejected: choose the statement that stays.", n=original.number),
            field="duplicate_of",
        )
    return original


def resolve_reports(user, kind: str, item_id: int, resolution: str) -> int:
    column = AbuseReport.statement_id if kind == "statement" else AbuseReport.comment_id
    result = db.session.execute(
        sa.update(AbuseReport)
        .where(column == item_id, AbuseReport.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=user.id, resolution=resolution)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


@dataclass
class BulkOutcome:
    done: int = 0
    problems: list[str] | None = None


def bulk_moderate(user, selections: list[tuple[str, int, str]], action: str, reason=None):
    """Apply one action to many (kind, id, seen state) items; each may conflict on its own.

    Permission for every item is checked before anything changes.
    """
    targets = []
    for kind, item_id, seen in selections:
        model = MODELS.get(kind)
        item = db.session.get(model, item_id) if model else None
        if item is None:
            raise NotFound(_("There is no such item."))
        consultation = db.session.get(Consultation, item.consultation_id)
        ensure_role(user, consultation, *TEAM)
        targets.append((consultation, kind, item_id, seen))
    if action == "reject":
        clean_reason(reason, required=True)
    outcome = BulkOutcome(problems=[])
    for consultation, kind, item_id, seen in targets:
        try:
            moderate(user, consultation, kind, item_id, action, seen, reason)
        except DomainError as error:
            outcome.problems.append(f"#{item_id}: {error.message}")
        else:
            outcome.done += 1
    return outcome
