"""report delivery: embargo, unpublish, public data choice, stored PDF

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 16:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import consult.db_types  # noqa: F401  (custom column types in migrations)


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('published_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('embargo_until', consult.db_types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('unpublished_at', consult.db_types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('data_public', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('pdf_state', sa.Enum('pending', 'ready', 'failed', name='pdf_state', native_enum=False, create_constraint=True), server_default='pending', nullable=False))
        batch_op.add_column(sa.Column('pdf_requested_at', consult.db_types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('pdf', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('pdf_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('pdf_rendered_at', consult.db_types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('published_report', schema=None) as batch_op:
        batch_op.drop_column('pdf_rendered_at')
        batch_op.drop_column('pdf_error')
        batch_op.drop_column('pdf')
        batch_op.drop_column('pdf_requested_at')
        batch_op.drop_constraint(batch_op.f('ck_published_report_pdf_state'), type_='check')
        batch_op.drop_column('pdf_state')
        batch_op.drop_column('data_public')
        batch_op.drop_column('unpublished_at')
        batch_op.drop_column('embargo_until')
