"""Per-account login throttling with exponential back-off, shared by every worker and host.

An attempt is keyed by a hash of the normalised email, the same way for known and
unknown addresses, so the throttle says nothing about which accounts exist. Each
attempt is claimed before the password is checked, in one transaction that counts it
and, past the free failures, locks the key: concurrent guesses see the lock at once
instead of all passing a check made before any of them failed.
"""

from __future__ import annotations

import hashlib
import math
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.dialects import postgresql, sqlite

from consult.auth.models import LoginThrottle
from consult.database import write_transaction
from consult.db_types import utcnow
from consult.errors import DomainError
from consult.extensions import db

FREE_FAILURES = 5  # failures allowed before any lock
MAX_LOCK_SECONDS = 15 * 60
# A count whose last attempt is this old starts again (a typo a week does not add up).
FORGET_AFTER = timedelta(days=1)

_table = LoginThrottle.__table__
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class LoginThrottled(DomainError):
    """Too many failed logins for one account key: refused until ``retry_after`` seconds."""

    status = 429

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        minutes = math.ceil(retry_after / 60)
        if retry_after < 120:
            wait = ngettext(
                "Try again in %(num)d second.", "Try again in %(num)d seconds.", retry_after
            )
        else:
            wait = ngettext(
                "Try again in %(num)d minute.", "Try again in %(num)d minutes.", minutes
            )
        super().__init__(_("Too many failed logins for this account.") + " " + wait)


def account_key(email: str) -> str:
    """The throttle key of an email: the same function for every address, known or not."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def lock_seconds(failures: int) -> int:
    """How long ``failures`` failed attempts lock the key: 2^(n-5) s past five, 15 min at most."""
    if failures <= FREE_FAILURES:
        return 0
    exponent = min(failures - FREE_FAILURES, MAX_LOCK_SECONDS.bit_length())
    return min(2**exponent, MAX_LOCK_SECONDS)


def claim_attempt(key: str) -> None:
    """Count a login attempt as failed until it succeeds (``succeeded`` clears it).

    Raises LoginThrottled, without counting, while the key is locked; the caller must not
    check the password then. Race-safe: an upsert that takes the row's lock on
    PostgreSQL, a BEGIN IMMEDIATE transaction on SQLite."""
    now = utcnow()
    column = _table.c
    insert = _INSERTS[db.engine.dialect.name](_table).values(
        key=key, failures=1, locked_until=None, updated_at=now
    )
    locked = column.locked_until.is_not(None) & (column.locked_until > now)
    stale = column.updated_at < now - FORGET_AFTER
    claim = insert.on_conflict_do_update(
        index_elements=[column.key],
        set_={
            "failures": sa.case((locked, column.failures), (stale, 1), else_=column.failures + 1),
            "updated_at": now,
        },
    ).returning(column.failures, column.locked_until)
    with write_transaction():
        failures, locked_until = db.session.execute(claim).one()
        if locked_until is not None and locked_until > now:
            raise LoginThrottled(math.ceil((locked_until - now).total_seconds()))
        seconds = lock_seconds(failures)
        if seconds:
            db.session.execute(
                sa.update(_table)
                .where(column.key == key)
                .values(locked_until=now + timedelta(seconds=seconds))
            )


def succeeded(key: str) -> None:
    """Within the caller's transaction: a successful login forgets the key's failures."""
    db.session.execute(sa.delete(_table).where(_table.c.key == key))
