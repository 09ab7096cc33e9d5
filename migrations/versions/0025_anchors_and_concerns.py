"""Rating: anchor responses raters calibrate against, and the concerns raters
flag for a coordinator (at most one open per rater and response).

Revision ID: 0025
Revises: 0024

"""
from alembic import op
import sqlalchemy as sa

import clock


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('anchor_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('annotation', sa.String(length=500), nullable=False),
    sa.Column('chosen_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('chosen_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['rating_cases.id'], name=op.f('fk_anchor_responses_case_id_rating_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['chosen_by_id'], ['users.id'], name=op.f('fk_anchor_responses_chosen_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_anchor_responses')),
    sa.UniqueConstraint('case_id', name=op.f('uq_anchor_responses_case_id'))
    )
    op.create_table('rating_concerns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('raised_by_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('raised_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('handled_at', clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('handled_note', sa.Text(), nullable=True),
    sa.CheckConstraint("reason IN ('child_at_risk', 'cheating', 'other')", name=op.f('ck_rating_concerns_known_reason')),
    sa.CheckConstraint('(handled_at IS NULL) = (handled_by_id IS NULL) AND (handled_at IS NULL) = (handled_note IS NULL)', name=op.f('ck_rating_concerns_handled_with_note')),
    sa.ForeignKeyConstraint(['case_id'], ['rating_cases.id'], name=op.f('fk_rating_concerns_case_id_rating_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_rating_concerns_handled_by_id_users')),
    sa.ForeignKeyConstraint(['raised_by_id'], ['users.id'], name=op.f('fk_rating_concerns_raised_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_concerns'))
    )
    with op.batch_alter_table('rating_concerns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_concerns_case_id'), ['case_id'], unique=False)
        batch_op.create_index('uq_rating_concerns_open', ['case_id', 'raised_by_id'], unique=True,
                              sqlite_where=sa.text('handled_at IS NULL'),
                              postgresql_where=sa.text('handled_at IS NULL'))


def downgrade():
    op.drop_table('rating_concerns')
    op.drop_table('anchor_responses')
