"""Event-driven scans: a commit that records an answer asks for one scan (RQ here; the
thread path runs under gunicorn in test_served), and the Follow include renders the
right button."""

from __future__ import annotations

from flask import render_template
from flask_login import login_user

from consult.notifications import runner
from tests.notifications.test_notices import _answer


def test_answers_queue_one_rq_scan_that_a_worker_runs(
    app,
    db,
    people,
    contribute,
    inbox,
    redis_url,
    monkeypatch,
):
    from redis import Redis
    from rq import Queue, SimpleWorker

    app.config.update(NOTIFICATIONS_MODE="rq", REDIS_URL=redis_url)
    monkeypatch.setattr("consult.app.create_app", lambda *a, **k: app)
    _answer(people, contribute, "First question.")
    _answer(people, contribute, "Second question.")
    queue = Queue(runner.RQ_QUEUE, connection=Redis.from_url(redis_url))
    assert [job.func_name for job in queue.jobs] == [runner.RQ_JOB]  # one scan for both
    assert inbox.messages == []
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    mails = inbox.wait_for(2)
    assert {m["To"] for m in mails} == {people.participant.email}
    _answer(people, contribute, "Third question.")  # the job ended: a new one is queued
    assert len(queue.jobs) == 1


def test_nothing_is_queued_when_notifications_are_off(app, db, people, contribute, inbox):
    assert runner.mode(app) == "off"  # the default under TESTING
    _answer(people, contribute)
    assert runner.wait_idle(timeout=1) and inbox.messages == []


def test_the_follow_include_offers_the_right_button(app, db, people, quick_user):
    from consult.notifications.follow import set_following

    reader = quick_user("reader@example.org")
    consultation = people.consultation

    def rendered(user=None) -> str:
        with app.test_request_context(f"/c/{consultation.slug}"):
            if user is not None:
                login_user(user)
            return render_template("notifications/_follow.html", consultation=consultation)

    assert "<form" not in rendered()  # a visitor without an account has nothing to follow
    assert ">Follow</button>" in rendered(reader)
    assert ">Unfollow</button>" in rendered(people.participant)  # took part: follows
    set_following(reader, consultation.slug, True)
    assert ">Unfollow</button>" in rendered(reader)
    set_following(people.participant, consultation.slug, False)
    assert ">Follow</button>" in rendered(people.participant)


def test_the_command_refuses_a_moment_it_cannot_read(runner, db, row_count):
    from consult.notifications.models import NotificationSent

    result = runner.invoke(args=["send-notifications", "--now", "next tuesday"])
    assert result.exit_code == 2 and "2027-01-31T09:00" in result.output
    assert row_count(NotificationSent) == 0
