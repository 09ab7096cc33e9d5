"""Angoff studies rate in two rounds: each rating belongs to round 1 or 2, and
a study records when staff opened round 2. Ratings made before this revision
are round 1.

Revision ID: 0020
Revises: 0019

"""
from alembic import op
import sqlalchemy as sa

import clock


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('angoff_studies', sa.Column('round_two_opened_at', clock.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('angoff_ratings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('round', sa.Integer(), nullable=False, server_default='1'))
        batch_op.drop_constraint('uq_angoff_ratings_study_panelist_item', type_='unique')
        batch_op.create_unique_constraint('uq_angoff_ratings_study_panelist_item_round',
                                          ['study_id', 'panelist_id', 'form_item_id', 'round'])
        batch_op.create_check_constraint(op.f('ck_angoff_ratings_known_round'), 'round IN (1, 2)')


def downgrade():
    # One rating per panelist and item again: round 2's go.
    op.execute("DELETE FROM angoff_ratings WHERE round = 2")
    with op.batch_alter_table('angoff_ratings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_angoff_ratings_known_round'), type_='check')
        batch_op.drop_constraint('uq_angoff_ratings_study_panelist_item_round', type_='unique')
        batch_op.create_unique_constraint('uq_angoff_ratings_study_panelist_item',
                                          ['study_id', 'panelist_id', 'form_item_id'])
        batch_op.drop_column('round')
    with op.batch_alter_table('angoff_studies', schema=None) as batch_op:
        batch_op.drop_column('round_two_opened_at')
