"""single sign-on: institutions' OpenID Connect providers and linked identities

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 22:45:00.000000
"""
from alembic import op
import sqlalchemy as sa

from consult.db_types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
