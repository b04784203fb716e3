"""single sign-on: institutions' OpenID Connect providers and linked identities

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 22:45:00.000000

The site admin registers an institution's provider (issuer, client id, the sealed client
secret, the email domains it vouches for, whether it vouches for the organisation); a
person's identity there (provider, subject) is linked to one account.
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
    op.create_table(
        'identity_provider',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=160), nullable=False),
        sa.Column('issuer', sa.String(length=500), nullable=False),
        sa.Column('client_id', sa.String(length=255), nullable=False),
        sa.Column('client_secret_sealed', sa.Text(), nullable=False),
        sa.Column('domains', sa.JSON(), nullable=False),
        sa.Column('vouches_for_organisation', sa.Boolean(), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_provider')),
        sa.UniqueConstraint('name', name=op.f('uq_identity_provider_name')),
    )
    op.create_table(
        'linked_identity',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('provider_id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('linked_at', UTCDateTime(), nullable=False),
        sa.Column('last_sign_in_at', UTCDateTime(), nullable=False),
        sa.Column('vouched_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['provider_id'], ['identity_provider.id'], name=op.f('fk_linked_identity_provider_id_identity_provider'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_linked_identity_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_linked_identity')),
        sa.UniqueConstraint('provider_id', 'subject', name=op.f('uq_linked_identity_provider_id_subject')),
    )
    with op.batch_alter_table('linked_identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_linked_identity_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('linked_identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_linked_identity_user_id'))
    op.drop_table('linked_identity')
    op.drop_table('identity_provider')
