"""Fixtures for the notification tests: a consultation's team, contributions, a real SMTP
server the app sends to, and running the scan as ``flask send-notifications`` does."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.reports.test_rq import redis_url  # noqa: F401  (a real redis-server, for RQ)
from tests.smtp import smtp_server  # noqa: F401  (shared fixture)
from tests.team import contribute, quick_user, team  # noqa: F401  (shared fixtures)

SITE = "http://consult.test"


@pytest.fixture
def inbox(app, smtp_server):  # noqa: F811
    """The real SMTP server, with the app sending to it at once (inline) and links to SITE."""
    smtp_server.configure(app)
    app.config["SITE_URL"] = SITE
    return smtp_server


@pytest.fixture
def confirmed(db):
    """Mark accounts' addresses as confirmed (mail only goes to confirmed addresses)."""
    from consult.db_types import utcnow

    def confirm(*users):
        for user in users:
            user.email_confirmed_at = user.email_confirmed_at or utcnow()
        db.session.commit()
        return users[0] if len(users) == 1 else users

    return confirm


@pytest.fixture
def scan(runner, db):
    """Run ``flask send-notifications`` (optionally ``--now``); its output."""

    def run(now: datetime | None = None) -> str:
        db.session.commit()
        args = ["send-notifications"] + (["--now", now.isoformat()] if now else [])
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
        db.session.commit()
        return result.output

    return run


@pytest.fixture
def people(team, contribute, confirmed):  # noqa: F811  (the shared fixtures above)
    """The team's participant (an author and voter, address confirmed), with a participant
    row in the consultation; the moderator and organiser confirmed too."""
    confirmed(team.participant, team.moderator, team.organiser)
    team.author = contribute.participant(team.consultation, team.participant)
    return team
