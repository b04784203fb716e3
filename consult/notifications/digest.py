"""The daily digest: notices a person chose to get once a day, gathered in one mail.

A digest notice waits in ``notification_sent`` with ``sent_at`` null. At the first scan
after the day's digest moment (``NOTIFICATIONS_DIGEST_HOUR`` o'clock UTC, default 6), a
conditional UPDATE claims everything that waited since before that moment, so of two
scans at once each notice goes to one, and nothing is in two digests.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from consult.database import write_transaction
from consult.extensions import db
from consult.notifications.delivery import (
    can_receive,
    in_language,
    language_of,
    send_mail,
    users_by_id,
)
from consult.notifications.messages import entry_for
from consult.notifications.models import Delivery, NotificationSent
from consult.notifications.preferences import preferences_for

DEFAULT_DIGEST_HOUR = 6  # UTC: early morning in Europe and Africa, afternoon in East Asia


def digest_hour() -> int:
    value = current_app.config.get("NOTIFICATIONS_DIGEST_HOUR")
    if value is None:
        value = os.environ.get("NOTIFICATIONS_DIGEST_HOUR", DEFAULT_DIGEST_HOUR)
    return int(value) % 24


def digest_slot(now: datetime) -> datetime:
    """The latest daily digest moment at or before ``now`` (``NOTIFICATIONS_DIGEST_HOUR``
    o'clock UTC): a digest gathers what waited since before it."""
    slot = now.replace(hour=digest_hour(), minute=0, second=0, microsecond=0)
    return slot if slot <= now else slot - timedelta(days=1)


def send_digests(now: datetime) -> int:
    """Send each person with notices waiting since before the day's digest moment one mail
    with all of them; returns how many digests went. What comes in after the moment waits
    for the next day's digest, so a person gets at most one digest a day."""
    slot = digest_slot(now)
    waiting = set(
        db.session.scalars(
            sa.select(NotificationSent.user_id).where(
                NotificationSent.delivery == Delivery.DIGEST,
                NotificationSent.sent_at.is_(None),
                NotificationSent.created_at < slot,
            )
        )
    )
    if not waiting:
        return 0
    users = users_by_id(waiting)
    choices = preferences_for(users)
    sent = 0
    for user_id in sorted(users):
        user = users[user_id]
        with write_transaction():
            # The conditional UPDATE claims the waiting notices: of two scans at once,
            # each notice goes to one, so none is in two digests.
            claimed = db.session.execute(
                sa.update(NotificationSent)
                .where(
                    NotificationSent.user_id == user_id,
                    NotificationSent.delivery == Delivery.DIGEST,
                    NotificationSent.sent_at.is_(None),
                    NotificationSent.created_at < slot,
                )
                .values(sent_at=now)
                .returning(NotificationSent.kind, NotificationSent.payload, NotificationSent.id)
                .execution_options(synchronize_session=False)
            ).all()
        # A kind turned off since the notice waited is left out.
        claimed = sorted(claimed, key=lambda r: r.id)
        wanted = [r for r in claimed if choices[user_id][r.kind] is not Delivery.OFF]
        if not wanted or not can_receive(user):
            continue
        language = language_of(user)
        with in_language(language):
            entries = [entry_for(r.kind, r.payload, user_id, language, now) for r in wanted]
            entries = [e for e in entries if e is not None]
            if entries:
                send_mail(user, language, entries, template="notifications/digest")
                sent += 1
    return sent
