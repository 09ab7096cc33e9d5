"""A break between the parts of a form: its length on the form, and when an
attempt's break before a part ends.

Revision ID: 0026
Revises: 0025

"""
from alembic import op
import sqlalchemy as sa

import clock


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('forms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('break_minutes', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_check_constraint(op.f('ck_forms_break_minutes_range'),
                                         'break_minutes >= 0 AND break_minutes <= 60')
    with op.batch_alter_table('attempt_sections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('break_ends_at', clock.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('attempt_sections', schema=None) as batch_op:
        batch_op.drop_column('break_ends_at')
    with op.batch_alter_table('forms', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_forms_break_minutes_range'), type_='check')
        batch_op.drop_column('break_minutes')
