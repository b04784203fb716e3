"""Under gunicorn over real HTTP: a moderator's answer is mailed by the background scan
the commit asked for, and ``flask send-notifications`` (cron) sends the schedule-driven
notices without sending anything twice."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

from consult.db_types import utcnow
from consult.participation.models import ModerationState
from tests.conftest import PASSWORD
from tests.notifications.test_notices import _clause_statement
from tests.reports.served import Browser
from tests.serving import REPO, served

SECRET = "served-test-secret-key"  # what tests/serving.py gives gunicorn


def _command(database_url, instance, env, *args) -> str:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CONSULT_INSTANCE_PATH": str(instance),
        "SECRET_KEY": SECRET,
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi:app", "send-notifications", *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_served_answer_is_mailed_in_the_background_and_cron_adds_no_copy(
    db, database_url, tmp_path, people, contribute, smtp_server, make_consultation,
    quick_user, confirmed,
):  # fmt: skip
    from consult.notifications.follow import set_following

    comment = contribute.comment(
        people.consultation,
        _clause_statement(people),
        body="Define 'frontier'.",
        author=people.author,
        moderation_state=ModerationState.APPROVED,
    )
    opens = utcnow() + timedelta(days=2)
    soon = make_consultation("soon", opens_at=opens, closes_at=opens + timedelta(days=30))
    follower = confirmed(quick_user("follower@example.org"))
    set_following(follower, soon.slug, True)
    db.session.commit()
    env = {
        "MAIL_SERVER": smtp_server.host,
        "MAIL_PORT": str(smtp_server.port),
        "SITE_URL": "http://consult.test",
        "NOTIFICATIONS_MODE": "thread",
    }
    instance = tmp_path / "served"
    with served(database_url, instance, env=env) as site:
        moderator = Browser(site.base)
        moderator.login(people.moderator.email, PASSWORD)
        answered = moderator.post_form(
            f"/c/{people.consultation.slug}/moderate/responses",
            f"/c/{people.consultation.slug}/moderate/responses/comments/{comment.id}",
            {"outcome": "noted", "reason": "We will define it in version 2."},
        )
        assert answered.status == 200, answered.text[:500]
        (mail,) = smtp_server.wait_for(1, timeout=30)
        assert mail["To"] == people.participant.email
        assert "We will define it in version 2." in smtp_server.text(mail)

        output = _command(database_url, instance, env)
        assert "0 sent now, 0 daily digests sent" in output
        assert len(smtp_server.messages) == 1  # the command found the answer already sent
        _command(database_url, instance, env, "--now", (opens + timedelta(hours=1)).isoformat())
        mails = smtp_server.wait_for(2, timeout=30)
        assert mails[1]["To"] == follower.email and "is open" in mails[1]["Subject"]
        _command(database_url, instance, env, "--now", (opens + timedelta(hours=2)).isoformat())
        assert len(smtp_server.messages) == 2
