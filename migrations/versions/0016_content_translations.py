"""translations of participants' statements and comments

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 03:00:00.000000

``content_translation``: a participant's (or the team's) translation of one statement or
one comment into another of the consultation's languages, moderated like a contribution.
At most one approved translation per item and language (partial unique indexes, which
both SQLite and PostgreSQL support).
"""
from alembic import op
import sqlalchemy as sa

from consult.db_types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

APPROVED = sa.text("moderation_state = 'approved'")


def upgrade():
    op.create_table(
        'content_translation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('consultation_id', sa.Integer(), nullable=False),
        sa.Column('statement_id', sa.Integer(), nullable=True),
        sa.Column('comment_id', sa.Integer(), nullable=True),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('moderation_state', sa.Enum('pending', 'approved', 'rejected', 'meta', name='moderation_state', native_enum=False, create_constraint=True), nullable=False),
        sa.Column('moderation_reason', sa.Text(), nullable=True),
        sa.Column('moderated_by_id', sa.Integer(), nullable=True),
        sa.Column('moderated_at', UTCDateTime(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint('(statement_id IS NULL) <> (comment_id IS NULL)', name=op.f('ck_content_translation_one_target')),
        sa.ForeignKeyConstraint(['author_id'], ['participant.id'], name=op.f('fk_content_translation_author_id_participant'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_content_translation_comment_id_comment'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_content_translation_consultation_id_consultation'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['moderated_by_id'], ['user.id'], name=op.f('fk_content_translation_moderated_by_id_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], name=op.f('fk_content_translation_statement_id_statement'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_content_translation')),
    )
    with op.batch_alter_table('content_translation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_content_translation_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index('uq_content_translation_statement_language', ['statement_id', 'language'], unique=True, sqlite_where=APPROVED, postgresql_where=APPROVED)
        batch_op.create_index('uq_content_translation_comment_language', ['comment_id', 'language'], unique=True, sqlite_where=APPROVED, postgresql_where=APPROVED)


def downgrade():
    with op.batch_alter_table('content_translation', schema=None) as batch_op:
        batch_op.drop_index('uq_content_translation_comment_language')
        batch_op.drop_index('uq_content_translation_statement_language')
        batch_op.drop_index(batch_op.f('ix_content_translation_consultation_id'))
    op.drop_table('content_translation')
