"""A response keeps the candidate's marks (options crossed out, text
highlighted), saved as its answer is and never scored.

Revision ID: 0024
Revises: 0023

"""
from alembic import op
import sqlalchemy as sa


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('marks', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('marks_seq', sa.BigInteger(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_column('marks_seq')
        batch_op.drop_column('marks')
