"""statement numbers, imported consultations

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 16:40:00.000000

Every statement gets its public number (the Polis comment-id its consultation's exports
write). Existing statements keep the number the exports already gave them: the Polis id
of an imported statement, else the statement's database id, so files downloaded before
this migration still match what the site shows.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def _backfill_numbers():
    connection = op.get_bind()
    statement = sa.table(
        'statement',
        sa.column('id', sa.Integer),
        sa.column('consultation_id', sa.Integer),
        sa.column('external_id', sa.Integer),
        sa.column('number', sa.Integer),
    )
    rows = connection.execute(
        sa.select(statement.c.id, statement.c.consultation_id, statement.c.external_id)
        .order_by(statement.c.consultation_id, statement.c.id)
    ).all()
    taken = {}
    for sid, cid, external in rows:
        used = taken.setdefault(cid, set())
        number = external if external is not None else sid
        if number in used:  # only if an imported id and a database id collide
            number = max(used) + 1
        used.add(number)
        connection.execute(
            statement.update().where(statement.c.id == sid).values(number=number)
        )


def upgrade():
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('imported_from', sa.String(length=200), nullable=True))
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number', sa.Integer(), nullable=True))
    _backfill_numbers()
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.alter_column('number', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f('uq_statement_consultation_id_number'), ['consultation_id', 'number']
        )


def downgrade():
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_statement_consultation_id_number'), type_='unique')
        batch_op.drop_column('number')
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_column('imported_from')
