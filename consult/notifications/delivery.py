"""Sending what :mod:`consult.notifications.detect` found: claim first, then send.

Every notice is inserted into ``notification_sent`` before anything is sent (``INSERT ...
ON CONFLICT DO NOTHING RETURNING`` on SQLite and PostgreSQL); only the scan whose insert
went in sends it, so two scans running at once (two web workers, cron and a worker) never
send one notice twice. A notice whose kind the person turned off is recorded as such and
never sent later; a digest notice waits (``sent_at`` null) until the day's digest claims it
with a conditional UPDATE (:mod:`consult.notifications.digest`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import force_locale
from sqlalchemy.dialects import postgresql, sqlite

from consult.auth.models import User
from consult.database import write_transaction
from consult.db_types import utcnow
from consult.extensions import db
from consult.notifications import detect
from consult.notifications.messages import Entry, entry_for
from consult.notifications.models import Delivery, NotificationKind, NotificationSent
from consult.notifications.preferences import preferences_for, unsubscribe_token

log = logging.getLogger(__name__)

# How far back a scan looks for things that happened: longer than the longest gap
# between two runs of `flask send-notifications` (cron), short enough that turning a
# kind back on does not bring old news.
DEFAULT_LOOKBACK_HOURS = 72
CHUNK = 500
LOCAL_SITE = "http://localhost:5000"


@dataclass
class ScanResult:
    found: int = 0
    claimed: int = 0
    sent: int = 0
    digests: int = 0


def lookback() -> timedelta:
    hours = current_app.config.get("NOTIFICATIONS_LOOKBACK_HOURS") or os.environ.get(
        "NOTIFICATIONS_LOOKBACK_HOURS", DEFAULT_LOOKBACK_HOURS
    )
    return timedelta(hours=float(hours))


def site_url(fallback: str | None = None) -> str:
    """Where links in mails point: ``SITE_URL``, else the address of the request that
    caused the scan, else (a command without ``SITE_URL``) what ``make run`` serves."""
    from consult.mail.settings import site_url as configured

    found = configured(current_app) or fallback
    if not found:
        log.warning("SITE_URL is not set: links in notifications point at %s", LOCAL_SITE)
    return (found or LOCAL_SITE).rstrip("/")


def run_scan(now: datetime | None = None, base_url: str | None = None) -> ScanResult:
    """Find what happened in the look-back window up to ``now``, send each notice due at
    once, and each daily digest due; safe to run any number of times, concurrently."""
    from consult.notifications.digest import send_digests  # it builds on this module

    now = now or utcnow()
    notices = detect.collect(now - lookback(), now)
    result = ScanResult(found=len(notices))
    db.session.rollback()  # end the reads before taking the write lock
    with _links(base_url):
        claimed = claim(notices, now)
        result.claimed = len(claimed)
        users = users_by_id({n.user_id for n in claimed})
        for notice in claimed:
            user = users.get(notice.user_id)
            if user and send_notice(user, notice.kind, notice.payload, now):
                result.sent += 1
        result.digests = send_digests(now)
    return result


@contextmanager
def _links(base_url: str | None) -> Iterator[None]:
    """``url_for(..., _external=True)`` outside a request builds links to the site."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context("/", base_url=site_url(base_url)):
        yield


def users_by_id(ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}


def can_receive(user: User) -> bool:
    """Mail goes only to active accounts whose owner proved the address is theirs."""
    return bool(user.is_active_account and user.email_confirmed_at is not None)


def _insert():
    module = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return module.insert(NotificationSent)


def claim(notices: list[detect.Notice], now: datetime) -> list[detect.Notice]:
    """Record every notice (insert-first); the ones this call inserted and that are due
    at once are returned for sending. Rows go in a fixed order so concurrent scans wait
    on each other instead of deadlocking."""
    notices = _not_yet_recorded(notices)
    users = users_by_id({n.user_id for n in notices})
    choices = preferences_for(users)
    rows = []
    for notice in notices:
        user = users.get(notice.user_id)
        if user is None:
            continue
        delivery = choices[user.id][notice.kind] if can_receive(user) else Delivery.OFF
        rows.append(
            {
                "user_id": user.id,
                "kind": notice.kind,
                "subject": notice.subject,
                "delivery": delivery,
                "payload": notice.payload,
                "created_at": now,
                "sent_at": None if delivery is Delivery.DIGEST else now,
            }
        )
    rows.sort(key=lambda r: (r["user_id"], r["kind"].value, r["subject"]))
    by_key = {(n.user_id, n.kind, n.subject): n for n in notices}
    due = []
    for start in range(0, len(rows), CHUNK):
        statement = (
            _insert()
            .values(rows[start : start + CHUNK])
            .on_conflict_do_nothing(index_elements=["user_id", "kind", "subject"])
            .returning(
                NotificationSent.user_id,
                NotificationSent.kind,
                NotificationSent.subject,
                NotificationSent.delivery,
            )
        )
        with write_transaction():
            inserted = db.session.execute(statement).all()
        due += [
            by_key[(row.user_id, row.kind, row.subject)]
            for row in inserted
            if row.delivery is Delivery.IMMEDIATE
        ]
    return due


def _not_yet_recorded(notices: list[detect.Notice]) -> list[detect.Notice]:
    """Leave out notices an earlier scan recorded (each scan looks at the whole window):
    a read, so the inserts below only race over what is really new."""
    subjects = sorted({n.subject for n in notices})
    recorded = set()
    for start in range(0, len(subjects), CHUNK):
        rows = db.session.execute(
            sa.select(
                NotificationSent.user_id, NotificationSent.kind, NotificationSent.subject
            ).where(NotificationSent.subject.in_(subjects[start : start + CHUNK]))
        )
        recorded.update((row.user_id, row.kind, row.subject) for row in rows)
    return [n for n in notices if (n.user_id, n.kind, n.subject) not in recorded]


def language_of(user: User) -> str:
    languages = current_app.config.get("LANGUAGES") or ["en"]
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    return user.locale if user.locale in languages else default


def send_notice(user: User, kind: NotificationKind, payload: dict, now: datetime) -> bool:
    """Write one notice in the person's language and send it; False if its subject is gone."""
    language = language_of(user)
    with in_language(language):
        entry = entry_for(kind, payload, user.id, language, now)
        if entry is None:
            return False
        send_mail(user, language, [entry], template="notifications/notice")
    return True


@contextmanager
def in_language(language: str) -> Iterator[None]:
    """Write the Python-side strings in ``language`` (send_email renders the templates
    in it too, setting aside the catalogue consult.i18n caches in ``g``)."""
    with force_locale(language):
        yield


def send_mail(user: User, language: str, entries: list[Entry], *, template: str) -> None:
    from consult.mail import absolute_url, send_email

    kinds = sorted({e.kind for e in entries}, key=lambda k: k.value)
    token = unsubscribe_token(user.id, kinds)
    unsubscribe_url = absolute_url("notifications.unsubscribe", token=token)
    headers = {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    try:
        send_email(
            user.email,
            template,
            language=language,
            headers=headers,
            user=user,
            entries=entries,
            kinds=kinds,
            unsubscribe_url=unsubscribe_url,
            preferences_url=absolute_url("notifications.preferences"),
        )
    except Exception:  # noqa: BLE001 - one bad mail must not stop the others
        log.exception("notification to user %s could not be sent", user.id)
