"""An index on the audit entries' object (type and id), which the audit log
page filters by as it does by action and person.

Revision ID: 0022
Revises: 0021

"""
from alembic import op


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_audit_entries_object', 'audit_entries', ['object_type', 'object_id'], unique=False)


def downgrade():
    op.drop_index('ix_audit_entries_object', table_name='audit_entries')
