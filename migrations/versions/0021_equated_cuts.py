"""The cuts equated to a form from its parallel forms, stored with the basis
they were computed on, so the form page reads them instead of equating again
at every visit.

Revision ID: 0021
Revises: 0020

"""
from alembic import op
import sqlalchemy as sa

import clock


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('equated_cuts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('basis', sa.JSON(), nullable=False),
    sa.Column('possible', sa.Integer(), nullable=False),
    sa.Column('current_percent', sa.Float(), nullable=False),
    sa.Column('cuts', sa.JSON(), nullable=False),
    sa.Column('computed_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['form_id'], ['forms.id'], name=op.f('fk_equated_cuts_form_id_forms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equated_cuts')),
    sa.UniqueConstraint('form_id', name=op.f('uq_equated_cuts_form_id'))
    )


def downgrade():
    op.drop_table('equated_cuts')
