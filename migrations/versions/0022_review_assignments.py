"""Reviews assigned to coordinators with a due date: one assignment per
application, replaced when the review is assigned again.

Revision ID: 0022
Revises: 0021

"""
from alembic import op
import sqlalchemy as sa

import clock


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('review_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=False),
    sa.Column('assigned_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                            name=op.f('fk_review_assignments_application_id_applications')),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_review_assignments_assignee_id_users')),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'],
                            name=op.f('fk_review_assignments_assigned_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_assignments')),
    sa.UniqueConstraint('application_id', name=op.f('uq_review_assignments_application_id'))
    )
    with op.batch_alter_table('review_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_assignments_assignee_id'), ['assignee_id'], unique=False)


def downgrade():
    op.drop_table('review_assignments')
