"""a published report's PDFs, one per language

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 04:00:00.000000

``report_pdf``: one stored PDF per (report, language), so a reader in Arabic downloads
the report in Arabic while the publisher's PDF stays as it was. Each report's existing
PDF (state, bytes, error, times) moves into the row for its ``language`` (English when
none was recorded), and the old columns on ``published_report`` are dropped; the
downgrade puts the report's own language's PDF back and forgets the others. SQLite
rebuilds the table to drop the columns; env.py turns foreign keys off meanwhile, so the
rebuild cascades nowhere.
"""
from alembic import op
import sqlalchemy as sa

from consult.db_types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

DEFAULT_LANGUAGE = "'en'"  # consult.reports.models.DEFAULT_PDF_LANGUAGE
MOVED = (('pdf_state', 'state'), ('pdf_requested_at', 'requested_at'), ('pdf', 'pdf'),
         ('pdf_error', 'error'), ('pdf_rendered_at', 'rendered_at'))


def _state_type():
    return sa.Enum('pending', 'ready', 'failed', name='pdf_state', native_enum=False,
                   create_constraint=True, length=7)


def upgrade():
    op.create_table(
        'report_pdf',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('state', _state_type(), server_default='pending', nullable=False),
        sa.Column('requested_at', UTCDateTime(), nullable=True),
        sa.Column('pdf', sa.LargeBinary(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('rendered_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['report_id'], ['published_report.id'], name=op.f('fk_report_pdf_report_id_published_report'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_pdf')),
        sa.UniqueConstraint('report_id', 'language', name=op.f('uq_report_pdf_report_id_language')),
    )
    old = ', '.join(column for column, _new in MOVED)
    new = ', '.join(column for _old, column in MOVED)
    op.execute(
        f"INSERT INTO report_pdf (report_id, language, {new}) "
        f"SELECT id, COALESCE(language, {DEFAULT_LANGUAGE}), {old} FROM published_report"
    )
    with op.batch_alter_table('published_report', schema=None) as batch_op:
        batch_op.drop_column('pdf_rendered_at')
        batch_op.drop_column('pdf_error')
        batch_op.drop_column('pdf')
        batch_op.drop_column('pdf_requested_at')
        batch_op.drop_constraint(batch_op.f('ck_published_report_pdf_state'), type_='check')
        batch_op.drop_column('pdf_state')


def downgrade():
    with op.batch_alter_table('published_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pdf_state', sa.Enum('pending', 'ready', 'failed', name='pdf_state', native_enum=False, create_constraint=True), server_default='pending', nullable=False))
        batch_op.add_column(sa.Column('pdf_requested_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('pdf', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('pdf_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('pdf_rendered_at', UTCDateTime(timezone=True), nullable=True))
    own = (
        "FROM report_pdf WHERE report_pdf.report_id = published_report.id"
        f" AND report_pdf.language = COALESCE(published_report.language, {DEFAULT_LANGUAGE})"
    )
    assignments = ', '.join(f"{old} = (SELECT {new} {own})" for old, new in MOVED if old != 'pdf_state')
    op.execute(
        f"UPDATE published_report SET {assignments}, "
        f"pdf_state = COALESCE((SELECT state {own}), 'pending')"
    )
    op.drop_table('report_pdf')
