"""authoritative language of a draft; asking voters to look again

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 22:40:00.000000

A consultation names the language whose text is authoritative (null: its first language).
A clause of the working version can carry the organiser's request that earlier voters look
again although only a translation changed.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('authoritative_language', sa.String(length=8), nullable=True))
    with op.batch_alter_table('clause', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('ask_voters_again', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table('clause', schema=None) as batch_op:
        batch_op.drop_column('ask_voters_again')
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_column('authoritative_language')
