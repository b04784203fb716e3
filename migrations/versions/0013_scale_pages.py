"""snapshot view model and routing priorities stored for pages that do not grow with the consultation

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 23:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

from consult.db_types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
