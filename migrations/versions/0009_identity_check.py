"""Identity check-in: sessions that require it, and the checks proctors record.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import clock


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    # Existing sessions admit as they always did: no identity check required.
    with op.batch_alter_table('exam_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requires_identity_check', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    op.create_table('identity_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.Column('document_type', sa.String(length=16), nullable=False),
    sa.Column('name_on_document', sa.String(length=200), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.Column('checked_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("document_type IN ('passport', 'national_id', 'driving_licence', 'other')", name=op.f('ck_identity_checks_known_document_type')),
    sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'], name=op.f('fk_identity_checks_checked_by_id_users')),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], name=op.f('fk_identity_checks_enrollment_id_enrollments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['exam_sessions.id'], name=op.f('fk_identity_checks_session_id_exam_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supersedes_id'], ['identity_checks.id'], name=op.f('fk_identity_checks_supersedes_id_identity_checks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_checks'))
    )
    with op.batch_alter_table('identity_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_checks_enrollment_id'), ['enrollment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_identity_checks_session_id'), ['session_id'], unique=False)


def downgrade():
    with op.batch_alter_table('identity_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_checks_session_id'))
        batch_op.drop_index(batch_op.f('ix_identity_checks_enrollment_id'))

    op.drop_table('identity_checks')
    with op.batch_alter_table('exam_sessions', schema=None) as batch_op:
        batch_op.drop_column('requires_identity_check')
