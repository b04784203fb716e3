"""`flask db upgrade` on an empty database gives exactly the models' schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from consult.extensions import db as _db


def _schema_differences(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        return compare_metadata(context, _db.metadata)


def test_upgrade_gives_the_models_schema(app, db):
    # The test database was made by running every migration (see conftest).
    assert _schema_differences(db.engine) == []


def test_downgrade_and_upgrade_round_trip(app, db, tmp_path):
    from flask_migrate import downgrade, upgrade

    db.session.remove()
    downgrade(revision="base")
    with db.engine.connect() as conn:
        remaining = set(db.inspect(conn).get_table_names()) - {"alembic_version"}
    assert remaining == set()
    upgrade()
    assert _schema_differences(db.engine) == []


def test_sqlite_runs_in_wal_mode_with_busy_timeout(app, db):
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_migrations_keep_existing_rows(app, db, make_consultation, make_user):
    """Batch migrations rebuild SQLite tables; no row may be lost on the way down or up."""
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from consult.drafts.models import Clause, DraftVersion

    make_user("keep@example.org")
    make_consultation()

    def counts():
        with db.engine.connect() as conn:
            return tuple(
                conn.scalar(sa.select(sa.func.count()).select_from(model))
                for model in (Clause, DraftVersion)
            )

    before = counts()
    assert before == (2, 1)
    db.session.remove()
    downgrade(revision="0001")
    upgrade()
    assert counts() == before
