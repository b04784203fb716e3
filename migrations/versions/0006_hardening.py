"""hardening: identity caps, pending edits, revocable sessions, verifiers, login throttle

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 19:45:00.000000

- consultation.pseudonymous_per_hour: how many new pseudonymous identities one network
  address may start per hour in this consultation (a conference hall shares one address,
  so organisers can raise it).
- comment.pending_*: an edit of an approved comment in a pre-moderated consultation waits
  here for approval while the approved text stays public.
- user.session_generation: bumped on logout everywhere, password change and deactivation;
  a session carrying an older generation is no longer valid.
- user.is_verifier: site-level verifiers decide stakeholder verification.
- login_throttle: failed logins per account key (a hash of the normalised email), shared
  by every worker and host, for exponential back-off.
- analysis_snapshot.population: "all" participants, or "accounts" only (pseudonymous
  participants left out), so results can be shown with and without them.
"""
from alembic import op
import sqlalchemy as sa

from consult.db_types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('pseudonymous_per_hour', sa.Integer(), server_default='10', nullable=False)
        )
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_body', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('pending_proposed_text', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('pending_at', UTCDateTime(), nullable=True))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False)
        )
        batch_op.add_column(
            sa.Column('is_verifier', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table('analysis_snapshot', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('population', sa.String(length=16), server_default='all', nullable=False)
        )
    op.create_table(
        'login_throttle',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), server_default='0', nullable=False),
        sa.Column('locked_until', UTCDateTime(), nullable=True),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttle')),
    )


def downgrade():
    op.drop_table('login_throttle')
    with op.batch_alter_table('analysis_snapshot', schema=None) as batch_op:
        batch_op.drop_column('population')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('is_verifier')
        batch_op.drop_column('session_generation')
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_column('pending_at')
        batch_op.drop_column('pending_proposed_text')
        batch_op.drop_column('pending_body')
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_column('pseudonymous_per_hour')
