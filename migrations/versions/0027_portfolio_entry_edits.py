"""Portfolio entries remember when their owner last edited them (so an edit
after a coordinator's decision can be shown as such), and a reflective
supervision/consultation session keeps the notes a logged CSV row carries.

Revision ID: 0027
Revises: 0026

"""
from alembic import op
import sqlalchemy as sa

import clock


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

ENTRY_TABLES = ('education_entries', 'training_entries', 'work_entries', 'supervision_entries')


def upgrade():
    for table in ENTRY_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('edited_at', clock.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('supervision_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notes', sa.Text(), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('supervision_entries', schema=None) as batch_op:
        batch_op.drop_column('notes')
    for table in reversed(ENTRY_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('edited_at')
