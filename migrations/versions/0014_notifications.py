"""Notifications: which renewal and overdue-rating reminders were sent, so each goes once.

Revision ID: 0014
Revises: 0013

"""
from alembic import op
import sqlalchemy as sa

import clock


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('renewal_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('renewal_due', sa.Date(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('sent_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('days > 0', name=op.f('ck_renewal_reminders_days_positive')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_renewal_reminders_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_renewal_reminders')),
    sa.UniqueConstraint('application_id', 'renewal_due', 'days', name='uq_renewal_reminders_once')
    )
    with op.batch_alter_table('renewal_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_renewal_reminders_application_id'), ['application_id'], unique=False)

    op.create_table('overdue_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('sent_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('days >= 0', name=op.f('ck_overdue_reminders_days_not_negative')),
    sa.ForeignKeyConstraint(['rating_id'], ['ratings.id'], name=op.f('fk_overdue_reminders_rating_id_ratings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_overdue_reminders')),
    sa.UniqueConstraint('rating_id', 'days', name='uq_overdue_reminders_once')
    )
    with op.batch_alter_table('overdue_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_overdue_reminders_rating_id'), ['rating_id'], unique=False)


def downgrade():
    op.drop_table('overdue_reminders')
    op.drop_table('renewal_reminders')
