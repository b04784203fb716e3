"""Migration 0010: accounts that existed before it count as confirmed."""

from __future__ import annotations

import sqlalchemy as sa


def test_accounts_from_before_0010_are_confirmed_and_new_ones_are_not(app, db, make_user):
    from flask_migrate import downgrade, upgrade

    from consult.auth.models import User

    make_user("before@example.org", confirmed=False)
    db.session.remove()
    downgrade(revision="0009")
    upgrade(revision="0010")
    with db.engine.connect() as conn:
        created, confirmed = conn.execute(
            sa.text('select created_at, email_confirmed_at from "user" where email = :e'),
            {"e": "before@example.org"},
        ).one()
    assert confirmed is not None and str(confirmed)[:19] == str(created)[:19]
    upgrade()
    after = make_user("after@example.org", confirmed=False)
    assert db.session.get(User, after.id).email_confirmed_at is None
