"""Each kind of notice reaches the right person once, through a real SMTP server."""

from __future__ import annotations

import threading
from datetime import timedelta

import sqlalchemy as sa

from consult.db_types import utcnow
from consult.drafts.models import Clause
from consult.notifications.models import NotificationKind, NotificationSent
from consult.participation.models import ModerationState
from tests.smtp import Inbox


def _answer(team, contribute, text="Please define frontier models."):
    from consult.moderation.responses import record_response

    comment = contribute.comment(
        team.consultation,
        _clause_statement(team),
        body=text,
        author=team.author,
        moderation_state=ModerationState.APPROVED,
    )
    record_response(
        team.moderator, team.consultation, "comment", comment.id, "noted", "We will look at it."
    )
    return comment


def _clause_statement(team, position=1):
    from consult.extensions import db
    from consult.participation.models import Statement

    clause = db.session.scalar(sa.select(Clause).where(Clause.position == position).limit(1))
    return db.session.get(Statement, clause.statement_id)


def test_an_answer_reaches_its_author_once_however_often_the_command_runs(
    people, contribute, inbox, scan
):
    comment = _answer(people, contribute)
    scan()
    scan()
    (mail,) = inbox.wait_for(1)
    assert mail["To"] == people.participant.email
    text = Inbox.text(mail)
    assert "We will look at it." in text and "Please define frontier models." in text
    assert f"/c/{people.consultation.slug}/s/" in text and f"#comment-{comment.id}" in text
    assert Inbox.links(mail)[0].startswith("http://consult.test/")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert str(mail["List-Unsubscribe"]).strip().startswith("<http://consult.test/unsubscribe/")
    assert "We will look at it." in Inbox.html(mail)
    assert len(inbox.messages) == 1


def test_concurrent_scans_send_an_answer_once(app, db, people, contribute, inbox):
    from consult.notifications.delivery import run_scan

    _answer(people, contribute)
    db.session.commit()
    start = threading.Barrier(4)
    errors = []

    def one_scan():
        try:
            with app.app_context():
                start.wait(timeout=10)
                run_scan()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=one_scan) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    inbox.wait_for(1)
    assert len(inbox.messages) == 1
    sent = db.session.scalars(sa.select(NotificationSent)).all()
    assert [(row.user_id, row.kind) for row in sent] == [
        (people.participant.id, NotificationKind.ANSWER)
    ]


def test_an_answer_to_someone_else_is_not_sent_to_me_nor_to_the_moderator(
    people, contribute, inbox, scan, quick_user, confirmed
):
    from consult.moderation.responses import record_response

    other = confirmed(quick_user("other@example.org"))
    someone = contribute.participant(people.consultation, other)
    statement = contribute.statement(
        people.consultation, author=someone, moderation_state=ModerationState.APPROVED
    )
    record_response(
        people.moderator, people.consultation, "statement", statement.id, "noted", "Thanks."
    )
    scan()
    (mail,) = inbox.wait_for(1)
    assert mail["To"] == other.email and len(inbox.messages) == 1


def _vote_on_first_clause(team):
    from consult.participation.participants import Actor
    from consult.participation.votes import record_vote

    record_vote(team.consultation, _clause_statement(team).id, Actor(user=team.participant), 1)


def test_a_translation_only_change_does_not_notify_voters_an_authoritative_change_does(
    db, people, inbox, scan
):
    from consult.drafts.publishing import publish_version
    from consult.drafts.services import save_clause

    _vote_on_first_clause(people)
    clause = db.session.scalar(sa.select(Clause).where(Clause.position == 1))
    key, heading = clause.lineage_key, {"en": "Scope", "zh": "范围"}
    moderator, consultation = people.moderator, people.consultation

    save_clause(moderator, consultation, key, heading, {"en": "First clause.", "zh": "第一条款。"})
    publish_version(moderator, consultation, "A better Chinese rendering.")
    scan()
    assert inbox.messages == []

    save_clause(
        moderator, consultation, key, heading, {"en": "The first clause.", "zh": "第一条款。"}
    )
    publish_version(moderator, consultation, "Clause 1 says more.")
    scan()
    (mail,) = inbox.wait_for(1)
    assert mail["To"] == people.participant.email
    text = Inbox.text(mail)
    assert "Scope" in text and "Clause 1 says more." in text
    scan()
    assert len(inbox.messages) == 1


def test_approval_and_rejection_with_its_reason_reach_the_author_only(
    people, contribute, inbox, scan
):
    from consult.moderation.services import moderate

    kept = contribute.statement(people.consultation, "Share safety evaluations.", people.author)
    refused = contribute.statement(people.consultation, "Buy cheap watches here.", people.author)
    moderate(people.moderator, people.consultation, "statement", kept.id, "approve", "pending")
    moderate(
        people.moderator,
        people.consultation,
        "statement",
        refused.id,
        "reject",
        "pending",
        "Advertising is not allowed.",
    )
    scan()
    mails = inbox.wait_for(2)
    assert {m["To"] for m in mails} == {people.participant.email}
    texts = sorted(Inbox.text(m) for m in mails)
    rejected = next(t for t in texts if "Advertising is not allowed." in t)
    assert "Buy cheap watches here." in rejected and "not approved" in rejected
    approved = next(t for t in texts if "Share safety evaluations." in t)
    assert "was approved" in approved and "Buy cheap watches" not in approved
    scan()
    assert len(inbox.messages) == 2


def test_opens_and_closes_in_three_days_with_a_fixed_now(
    db, make_consultation, quick_user, confirmed, inbox, scan
):
    from consult.notifications.follow import set_following

    opens = utcnow() + timedelta(days=5)
    consultation = make_consultation("soon", opens_at=opens, closes_at=opens + timedelta(days=10))
    follower = confirmed(quick_user("follower@example.org"))
    bystander = confirmed(quick_user("bystander@example.org"))  # follows nothing
    set_following(follower, consultation.slug, True)
    assert bystander.id

    scan(opens - timedelta(hours=1))  # still scheduled
    assert inbox.messages == []
    scan(opens + timedelta(hours=1))
    (mail,) = inbox.wait_for(1)
    assert mail["To"] == follower.email and "is open" in mail["Subject"]
    scan(opens + timedelta(hours=2))
    assert len(inbox.messages) == 1
    scan(opens + timedelta(days=6))  # closes in 4 days: not yet
    assert len(inbox.messages) == 1
    scan(opens + timedelta(days=7, hours=1))  # closes in under 3 days
    mails = inbox.wait_for(2)
    assert mails[1]["To"] == follower.email and "closes soon" in mails[1]["Subject"]
    scan(opens + timedelta(days=8))
    assert len(inbox.messages) == 2


def test_a_report_reaches_the_people_who_took_part(db, people, inbox, scan):
    from consult.reports.models import AnalysisSnapshot, PublishedReport, SnapshotStatus

    snapshot = AnalysisSnapshot(
        consultation_id=people.consultation.id, status=SnapshotStatus.OK, result={}
    )
    db.session.add(snapshot)
    db.session.flush()
    embargo = utcnow() + timedelta(days=2)
    db.session.add(
        PublishedReport(
            consultation_id=people.consultation.id,
            snapshot_id=snapshot.id,
            slug="what-we-heard",
            title="What we heard",
            embargo_until=embargo,
        )
    )
    db.session.commit()
    scan()
    assert inbox.messages == []  # embargoed
    scan(embargo + timedelta(minutes=5))
    (mail,) = inbox.wait_for(1)
    assert mail["To"] == people.participant.email and "What we heard" in mail["Subject"]
    assert "/c/test-consultation/reports/what-we-heard" in Inbox.text(mail)


def test_a_notice_is_written_in_the_readers_language(db, people, contribute, inbox, scan):
    people.participant.locale = "zh"
    people.moderator.locale = "en"
    db.session.commit()
    _answer(people, contribute)
    scan()
    (mail,) = inbox.wait_for(1)
    assert "测试征求意见" in mail["Subject"]  # the consultation's Chinese title
    assert 'lang="zh-Hans"' in Inbox.html(mail)
    assert "Test consultation" not in Inbox.text(mail)
