"""site organisers: accounts the admin lets start consultations

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 06:20:00.000000

``user.is_organiser``: the site admin (or ``flask grant-organiser``) lets an account start
consultations of its own, without first being made organiser of one. Off for everyone.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('is_organiser', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('is_organiser')
