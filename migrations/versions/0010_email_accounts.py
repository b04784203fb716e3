"""email: confirmed addresses, password reset, change of email

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 22:45:00.000000

Accounts made before this migration count as confirmed (``email_confirmed_at`` set to
when they were created): there was no way to confirm an address before, their roles
were given by organisers who chose them, and making them unconfirmed would block the
roles and verification requests they already have. Reset and change-of-email links are
signed tokens bound to the account's state (consult.auth.tokens), so no table holds them.
"""
from alembic import op
import sqlalchemy as sa

from consult.db_types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed_at', UTCDateTime(), nullable=True))
    user = sa.table('user', sa.column('email_confirmed_at', UTCDateTime()),
                    sa.column('created_at', UTCDateTime()))
    op.execute(user.update().values(email_confirmed_at=user.c.created_at))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('email_confirmed_at')
