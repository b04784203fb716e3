"""per-statement vote counts kept in the vote's transaction

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 23:00:00.000000

``statement_vote_count`` holds each statement's current agree / disagree / pass counts,
kept by triggers on ``vote`` so every writer keeps it right (the vote endpoint, COPY in
``flask import-polis``, the demo seed, cascading deletes, a test inserting rows).
PostgreSQL: statement-level AFTER triggers with transition tables (one aggregate for a
COPY of millions of rows; the counter row's lock in INSERT ... ON CONFLICT DO UPDATE
makes concurrent votes queue, never lose an increment), and TRUNCATE empties the counts.
SQLite: row-level triggers. The counts of votes already stored are filled in here.

On SQLite, a later migration that rebuilds ``vote`` (batch_alter_table copying the
table) drops these triggers with the old table: create them again after it with
``sqlite_triggers()`` from here.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

_COUNTS = (
    "count(*) FILTER (WHERE value = 1), count(*) FILTER (WHERE value = -1), "
    "count(*) FILTER (WHERE value = 0)"
)
_ADD = (
    "ON CONFLICT (statement_id) DO UPDATE SET agree = c.agree + excluded.agree, "
    "disagree = c.disagree + excluded.disagree, passed = c.passed + excluded.passed"
)

# Rows are aggregated per statement and written in statement order, so two transactions
# that touch several counters lock them in the same order.
PG_FUNCTIONS = {
    'inserted': f"""
        INSERT INTO statement_vote_count AS c (statement_id, agree, disagree, passed)
        SELECT statement_id, {_COUNTS} FROM new_votes
        GROUP BY statement_id ORDER BY statement_id
        {_ADD};""",
    'updated': f"""
        INSERT INTO statement_vote_count AS c (statement_id, agree, disagree, passed)
        SELECT statement_id,
               sum(CASE WHEN value = 1 THEN d ELSE 0 END),
               sum(CASE WHEN value = -1 THEN d ELSE 0 END),
               sum(CASE WHEN value = 0 THEN d ELSE 0 END)
        FROM (SELECT statement_id, value, 1 AS d FROM new_votes
              UNION ALL SELECT statement_id, value, -1 FROM old_votes) AS changes
        GROUP BY statement_id
        HAVING sum(CASE WHEN value = 1 THEN d ELSE 0 END) <> 0
            OR sum(CASE WHEN value = -1 THEN d ELSE 0 END) <> 0
            OR sum(CASE WHEN value = 0 THEN d ELSE 0 END) <> 0
        ORDER BY statement_id
        {_ADD};""",
    # Only UPDATE: when a statement is deleted its counter row goes with it, and an
    # insert here would point at the deleted statement.
    'deleted': """
        UPDATE statement_vote_count AS c
        SET agree = c.agree - d.agree, disagree = c.disagree - d.disagree,
            passed = c.passed - d.passed
        FROM (SELECT statement_id, count(*) FILTER (WHERE value = 1) AS agree,
                     count(*) FILTER (WHERE value = -1) AS disagree,
                     count(*) FILTER (WHERE value = 0) AS passed
              FROM old_votes GROUP BY statement_id) AS d
        WHERE c.statement_id = d.statement_id;""",
    'truncated': "DELETE FROM statement_vote_count;",
}
PG_TRIGGERS = {
    'inserted': "AFTER INSERT ON vote REFERENCING NEW TABLE AS new_votes",
    'updated': "AFTER UPDATE ON vote REFERENCING OLD TABLE AS old_votes NEW TABLE AS new_votes",
    'deleted': "AFTER DELETE ON vote REFERENCING OLD TABLE AS old_votes",
    'truncated': "AFTER TRUNCATE ON vote",
}

_SQLITE_ADD_NEW = """
    INSERT INTO statement_vote_count (statement_id, agree, disagree, passed)
    VALUES (NEW.statement_id, NEW.value = 1, NEW.value = -1, NEW.value = 0)
    ON CONFLICT (statement_id) DO UPDATE SET agree = agree + excluded.agree,
        disagree = disagree + excluded.disagree, passed = passed + excluded.passed;"""
_SQLITE_TAKE_OLD = """
    UPDATE statement_vote_count SET agree = agree - (OLD.value = 1),
        disagree = disagree - (OLD.value = -1), passed = passed - (OLD.value = 0)
    WHERE statement_id = OLD.statement_id;"""
SQLITE_TRIGGERS = {
    'inserted': f"AFTER INSERT ON vote BEGIN {_SQLITE_ADD_NEW} END",
    'updated': (
        "AFTER UPDATE OF statement_id, value ON vote "
        "WHEN OLD.statement_id IS NOT NEW.statement_id OR OLD.value IS NOT NEW.value "
        f"BEGIN {_SQLITE_TAKE_OLD} {_SQLITE_ADD_NEW} END"
    ),
    'deleted': f"AFTER DELETE ON vote BEGIN {_SQLITE_TAKE_OLD} END",
}


def sqlite_triggers():
    for name, body in SQLITE_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER vote_counts_{name} {body}")


def upgrade():
    op.create_table(
        'statement_vote_count',
        sa.Column('statement_id', sa.Integer(), nullable=False),
        sa.Column('agree', sa.Integer(), nullable=False),
        sa.Column('disagree', sa.Integer(), nullable=False),
        sa.Column('passed', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], name=op.f('fk_statement_vote_count_statement_id_statement'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('statement_id', name=op.f('pk_statement_vote_count')),
    )
    op.execute(
        "INSERT INTO statement_vote_count (statement_id, agree, disagree, passed) "
        "SELECT statement_id, sum(CASE WHEN value = 1 THEN 1 ELSE 0 END), "
        "sum(CASE WHEN value = -1 THEN 1 ELSE 0 END), sum(CASE WHEN value = 0 THEN 1 ELSE 0 END) "
        "FROM vote GROUP BY statement_id"
    )
    if op.get_bind().dialect.name == 'postgresql':
        for name, body in PG_FUNCTIONS.items():
            op.execute(
                f"CREATE FUNCTION vote_counts_{name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN {body} RETURN NULL; END $$"
            )
            op.execute(
                f"CREATE TRIGGER vote_counts_{name} {PG_TRIGGERS[name]} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION vote_counts_{name}()"
            )
    else:
        sqlite_triggers()


def downgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for name in PG_FUNCTIONS if postgresql else SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS vote_counts_{name}" + (" ON vote" if postgresql else ""))
        if postgresql:
            op.execute(f"DROP FUNCTION IF EXISTS vote_counts_{name}()")
    op.drop_table('statement_vote_count')
