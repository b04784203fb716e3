"""the language a vote was read in, and the standing of each clause translation

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 02:30:00.000000

``vote.language`` and ``vote_event.language``: the language the participant read the
statement in when voting (null for votes from before, and for imported ones).
``clause.translations``: for each language of a clause other than the authoritative
one, how the translation stands: "official", "reviewed" (by the moderators) or
"proposed" (by a participant). Added columns only, so SQLite keeps the vote triggers.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('vote', sa.Column('language', sa.String(length=8), nullable=True))
    op.add_column('vote_event', sa.Column('language', sa.String(length=8), nullable=True))
    op.add_column('clause', sa.Column('translations', sa.JSON(), nullable=True))
    clause = sa.table('clause', sa.column('translations', sa.JSON()))
    op.execute(clause.update().values(translations={}))
    with op.batch_alter_table('clause', schema=None) as batch_op:
        batch_op.alter_column('translations', existing_type=sa.JSON(), nullable=False)


def downgrade():
    op.drop_column('clause', 'translations')
    op.drop_column('vote_event', 'language')
    op.drop_column('vote', 'language')
