"""verification requests

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 20:15:00.000000

A participant can ask the site's verifiers to check their sector and organisation, with
a short note (a web page or a contact that vouches for them); the verification queue
shows requests first.
"""
from alembic import op
import sqlalchemy as sa

from consult.db_types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stakeholder_profile', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verification_requested_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('verification_request_note', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('stakeholder_profile', schema=None) as batch_op:
        batch_op.drop_column('verification_request_note')
        batch_op.drop_column('verification_requested_at')
