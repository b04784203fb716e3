"""snapshot view model and routing priorities stored for pages that do not grow with the consultation

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 23:00:00.000000

A snapshot's per-participant arrays move out of its JSON into a compressed binary column,
and its routing priorities into a column the voting flow reads alone. Snapshots stored
before keep everything in their JSON (both new columns null) and still read.
"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('analysis_snapshot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('arrays', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('routing', sa.JSON(), nullable=True))


def downgrade():
    # Put the arrays and priorities back into each split snapshot's JSON first.
    from consult.reports.snapshot_arrays import join

    snapshot = sa.table(
        'analysis_snapshot',
        sa.column('id', sa.Integer()),
        sa.column('result', sa.JSON()),
        sa.column('arrays', sa.LargeBinary()),
        sa.column('routing', sa.JSON()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(snapshot.c.id).where(snapshot.c.arrays.is_not(None))
    ).scalars().all()
    for row_id in rows:
        stored, blob, routing = connection.execute(
            sa.select(snapshot.c.result, snapshot.c.arrays, snapshot.c.routing)
            .where(snapshot.c.id == row_id)
        ).one()
        connection.execute(
            snapshot.update().where(snapshot.c.id == row_id)
            .values(result=join(stored, bytes(blob), routing))
        )
    with op.batch_alter_table('analysis_snapshot', schema=None) as batch_op:
        batch_op.drop_column('routing')
        batch_op.drop_column('arrays')
