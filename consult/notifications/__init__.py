"""Notifications by email with per-person preferences and one-click unsubscribe (issue 15).

- :mod:`.models`: preferences, every notice claimed before it is sent, follows.
- :mod:`.detect`: what happened, read from the database (no other service calls in).
- :mod:`.delivery`: claim (insert-first, unique), send at once or in the daily digest.
- :mod:`.runner`: a scan soon after a commit that recorded something (thread or RQ).
- :mod:`.preferences`, :mod:`.follow`, :mod:`.views`: the pages and the unsubscribe link.

``flask send-notifications`` (cron, e.g. hourly) runs the same scan, which also sends
the schedule-driven notices (opens, closes in 3 days, a report's embargo ends) and the
daily digests.
"""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the notification routes and commands on ``app``."""
    from consult.notifications import models, runner  # noqa: F401  (tables; the commit hook)
    from consult.notifications.views import blueprint

    app.register_blueprint(blueprint)
    app.cli.add_command(send_notifications)

    @app.context_processor
    def follow_state():
        from consult.notifications.follow import is_following

        return {"is_following": is_following}


def _parse_now(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("write it as 2027-01-31T09:00 (UTC)") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@click.command("send-notifications")
@click.option("--now", "now", help="Act as if it were this moment (ISO 8601, UTC); for tests.")
def send_notifications(now: str | None) -> None:
    """Send every notice due (at once and the daily digests); safe to run concurrently."""
    from consult.notifications.delivery import run_scan

    result = run_scan(_parse_now(now))
    click.echo(
        f"{result.found} notices found, {result.sent} sent now, "
        f"{result.digests} daily digests sent."
    )
