"""The outbox: every message Attest sends, written with the action that causes it.

Revision ID: 0013
Revises: 0012

"""
from alembic import op
import sqlalchemy as sa

import clock


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to_user_id', sa.Integer(), nullable=True),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('text_body', sa.Text(), nullable=False),
    sa.Column('html_body', sa.Text(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=1000), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed')", name=op.f('ck_outbox_messages_known_status')),
    sa.ForeignKeyConstraint(['to_user_id'], ['users.id'], name=op.f('fk_outbox_messages_to_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_to_user_id'), ['to_user_id'], unique=False)


def downgrade():
    op.drop_table('outbox_messages')
