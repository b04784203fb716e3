"""The moderation queue and its decisions, through the services."""

import pytest

from consult.errors import Conflict, DomainError, Forbidden, NotFound
from consult.moderation import queue, reports, services
from consult.moderation.audit import audit_log
from consult.moderation.models import ModerationEvent
from consult.participation.models import ModerationState


def test_queue_lists_pending_items_and_reports_oldest_first(team, contribute):
    c = team.consultation
    first = contribute.statement(c, "First statement.")
    comment = contribute.comment(c, first, "A comment.")
    approved = contribute.statement(c, "Approved.", moderation_state=ModerationState.APPROVED)
    report = contribute.report(c, team.participant, statement=approved)
    elsewhere = contribute.statement(team.other, "In the other consultation.")
    items = queue.queue(team.moderator)
    assert [(i.kind, i.obj.id) for i in items] == [
        ("statement", first.id),
        ("comment", comment.id),
        ("report", report.id),
    ]
    assert items[2].target.id == approved.id
    assert [i.obj.id for i in queue.queue(team.other_moderator)] == [elsewhere.id]
    assert [i.kind for i in queue.queue(team.moderator, kind="comment")] == ["comment"]
    assert [i.obj.id for i in queue.queue(team.moderator, state="approved")] == [approved.id]
    assert services.waiting_count(team.moderator) == 3
    assert services.waiting_count(team.participant) is None


def test_approve_reject_meta_and_duplicate_write_audit_events(db, team, contribute):
    c = team.consultation
    one, two, three = (contribute.statement(c, f"Statement {n}.") for n in range(3))
    services.moderate(team.moderator, c, "statement", one.id, "approve", "pending")
    with pytest.raises(DomainError) as refused:
        services.moderate(team.moderator, c, "statement", two.id, "reject", "pending", "  ")
    assert refused.value.field == "reason"
    services.moderate(team.moderator, c, "statement", two.id, "reject", "pending", "Off topic.")
    services.moderate(
        team.moderator, c, "statement", three.id, "duplicate", "pending", None, one.number
    )
    assert (one.moderation_state, two.moderation_state) == (
        ModerationState.APPROVED,
        ModerationState.REJECTED,
    )
    assert two.moderation_reason == "Off topic." and two.moderated_by_id == team.moderator.id
    assert three.duplicate_of_id == one.id and three.moderation_reason
    services.moderate(team.organiser, c, "statement", one.id, "meta", "approved")
    assert one.moderation_state is ModerationState.META
    events = audit_log(c.id)
    assert [e.action for e in events] == ["meta", "duplicate", "reject", "approve"]
    assert events[2].reason == "Off topic." and events[2].details == {
        "from": "pending",
        "to": "rejected",
    }


def test_acting_on_an_item_moderated_a_moment_ago_is_a_conflict(db, team, contribute, row_count):
    c = team.consultation
    statement = contribute.statement(c)
    services.moderate(team.organiser, c, "statement", statement.id, "approve", "pending")
    with pytest.raises(Conflict) as conflict:
        services.moderate(team.moderator, c, "statement", statement.id, "reject", "pending", "No")
    assert "approved" in conflict.value.message
    db.session.refresh(statement)
    assert statement.moderation_state is ModerationState.APPROVED
    assert statement.moderated_by_id == team.organiser.id
    assert row_count(ModerationEvent) == 1


def test_duplicate_must_point_at_another_statement_of_the_same_consultation(team, contribute):
    c = team.consultation
    statement = contribute.statement(c)
    foreign = contribute.statement(team.other)
    for target in (None, statement.id, foreign.id):
        with pytest.raises(DomainError):
            services.moderate(
                team.moderator, c, "statement", statement.id, "duplicate", "pending", None, target
            )


def test_permissions_and_consultation_boundaries(team, contribute):
    c = team.consultation
    statement = contribute.statement(c)
    with pytest.raises(Forbidden):
        services.moderate(team.participant, c, "statement", statement.id, "approve", "pending")
    with pytest.raises(Forbidden):
        services.moderate(team.other_moderator, c, "statement", statement.id, "approve", "pending")
    with pytest.raises(NotFound):
        services.moderate(
            team.other_moderator, team.other, "statement", statement.id, "approve", "pending"
        )


def test_clause_statements_are_not_in_reach_of_the_queue(db, team):
    from consult.consultations.services import current_version

    clause = current_version(team.consultation).clauses[0]
    with pytest.raises(NotFound):
        services.moderate(
            team.moderator, team.consultation, "statement", clause.statement_id, "reject",
            "approved", "No",
        )  # fmt: skip


def test_bulk_actions_report_conflicts_item_by_item(team, contribute):
    c = team.consultation
    one, two = contribute.statement(c, "One."), contribute.statement(c, "Two.")
    comment = contribute.comment(c, one)
    services.moderate(team.organiser, c, "statement", two.id, "approve", "pending")
    outcome = services.bulk_moderate(
        team.moderator,
        [("statement", one.id, "pending"), ("statement", two.id, "pending"),
         ("comment", comment.id, "pending")],
        "approve",
    )  # fmt: skip
    assert outcome.done == 2 and len(outcome.problems) == 1
    with pytest.raises(Forbidden):
        services.bulk_moderate(
            team.other_moderator, [("comment", comment.id, "approved")], "reject", "x"
        )
    with pytest.raises(DomainError):
        services.bulk_moderate(team.moderator, [("comment", comment.id, "approved")], "reject", "")


def test_reports_are_dismissed_or_remove_the_item(team, contribute):
    c = team.consultation
    statement = contribute.statement(c, moderation_state=ModerationState.APPROVED)
    first = contribute.report(c, team.participant, statement=statement)
    second = contribute.report(c, team.moderator, statement=statement)
    reports.resolve_report(team.moderator, c, first.id, "dismiss")
    assert first.resolution == "dismissed" and second.resolved_at is not None
    with pytest.raises(Conflict):
        reports.resolve_report(team.moderator, c, first.id, "remove", "Abusive")
    comment = contribute.comment(c, statement, moderation_state=ModerationState.APPROVED)
    third = contribute.report(c, team.participant, comment=comment)
    with pytest.raises(DomainError):
        reports.resolve_report(team.moderator, c, third.id, "remove", "")
    reports.resolve_report(team.moderator, c, third.id, "remove", "Abusive", "approved")
    assert comment.moderation_state is ModerationState.REJECTED
    assert third.resolution == "removed"
    with pytest.raises(NotFound):
        reports.resolve_report(team.other_moderator, team.other, third.id, "dismiss")


def test_removing_a_reported_item_that_moved_on_leaves_the_report_open(
    db, team, contribute, row_count
):
    # Rejecting the item and resolving its report are one write: a conflict undoes both.
    c = team.consultation
    statement = contribute.statement(c, moderation_state=ModerationState.APPROVED)
    report = contribute.report(c, team.participant, statement=statement)
    with pytest.raises(Conflict):
        reports.resolve_report(team.moderator, c, report.id, "remove", "Abusive", "pending")
    db.session.refresh(report)
    db.session.refresh(statement)
    assert report.resolved_at is None and report.resolution is None
    assert statement.moderation_state is ModerationState.APPROVED
    assert row_count(ModerationEvent) == 0
