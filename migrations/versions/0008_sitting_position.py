"""The question a candidate is on, kept by the server: where another window
opens the attempt, and the only question a linear section accepts answers to.

Revision ID: 0008
Revises: 0007

"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempts') as batch_op:
        batch_op.add_column(sa.Column('question_position', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('attempts') as batch_op:
        batch_op.drop_column('question_position')
