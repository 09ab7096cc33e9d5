"""Imports go through review: each imported version keeps what its file said
of its author, status and identifier as provenance, while the importer is
its author and a draft its status.

Revision ID: 0018
Revises: 0017

"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('item_versions', sa.Column('provenance', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('item_versions', schema=None) as batch_op:
        batch_op.drop_column('provenance')
