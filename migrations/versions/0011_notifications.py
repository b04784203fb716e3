"""notifications: preferences, what was sent, unsubscribe

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 22:45:00.000000

Each person's choice per kind of notice (no row: the default), every notice claimed
before it is sent (unique per person, kind and subject, so none goes twice), and who
follows which consultation (Follow / Unfollow; people who took part follow without it).
"""
from alembic import op
import sqlalchemy as sa

from consult.db_types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

KINDS = ('answer', 'clause_changed', 'moderation', 'schedule', 'report')
DELIVERIES = ('off', 'immediate', 'digest')


def _kind():
    return sa.Enum(*KINDS, name='notification_kind', native_enum=False, create_constraint=True, length=14)


def _delivery():
    return sa.Enum(*DELIVERIES, name='notification_delivery', native_enum=False, create_constraint=True, length=9)


def upgrade():
    op.create_table(
        'notification_preference',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', _kind(), nullable=False),
        sa.Column('delivery', _delivery(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_preference_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_notification_preference')),
    )
    op.create_table(
        'notification_sent',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', _kind(), nullable=False),
        sa.Column('subject', sa.String(length=120), nullable=False),
        sa.Column('delivery', _delivery(), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('sent_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_sent_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_sent')),
        sa.UniqueConstraint('user_id', 'kind', 'subject', name=op.f('uq_notification_sent_user_id_kind_subject')),
    )
    with op.batch_alter_table('notification_sent', schema=None) as batch_op:
        batch_op.create_index('ix_notification_sent_delivery_sent_at', ['delivery', 'sent_at'], unique=False)
    op.create_table(
        'consultation_follow',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('consultation_id', sa.Integer(), nullable=False),
        sa.Column('following', sa.Boolean(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_consultation_follow_user_id_user'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_consultation_follow_consultation_id_consultation'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'consultation_id', name=op.f('pk_consultation_follow')),
    )
    with op.batch_alter_table('consultation_follow', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_follow_consultation_id'), ['consultation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('consultation_follow', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_follow_consultation_id'))
    op.drop_table('consultation_follow')
    with op.batch_alter_table('notification_sent', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_sent_delivery_sent_at')
    op.drop_table('notification_sent')
    op.drop_table('notification_preference')
