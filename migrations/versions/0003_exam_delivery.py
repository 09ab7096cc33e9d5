"""Exam delivery: sessions, enrollments with accommodations, attempts, timed sections, responses, the save journal.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24

"""
import sqlalchemy as sa
from alembic import op

import clock

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('exam_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('opens_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closes_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('access_code', sa.String(length=32), nullable=False),
    sa.Column('auto_admit', sa.Boolean(), nullable=False),
    sa.Column('grace_seconds', sa.Integer(), nullable=False),
    sa.Column('results_released_at', clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('grace_seconds >= 0', name=op.f('ck_exam_sessions_grace_not_negative')),
    sa.CheckConstraint('opens_at < closes_at', name=op.f('ck_exam_sessions_window_order')),
    sa.ForeignKeyConstraint(['form_id'], ['forms.id'], name=op.f('fk_exam_sessions_form_id_forms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_sessions'))
    )
    with op.batch_alter_table('exam_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exam_sessions_form_id'), ['form_id'], unique=False)

    op.create_table('enrollments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('time_multiplier', sa.Float(), nullable=False),
    sa.Column('extra_minutes', sa.Integer(), nullable=False),
    sa.Column('large_text', sa.Boolean(), nullable=False),
    sa.Column('high_contrast', sa.Boolean(), nullable=False),
    sa.CheckConstraint('extra_minutes >= 0', name=op.f('ck_enrollments_extra_not_negative')),
    sa.CheckConstraint('time_multiplier >= 1', name=op.f('ck_enrollments_multiplier_at_least_one')),
    sa.ForeignKeyConstraint(['candidate_id'], ['users.id'], name=op.f('fk_enrollments_candidate_id_users')),
    sa.ForeignKeyConstraint(['session_id'], ['exam_sessions.id'], name=op.f('fk_enrollments_session_id_exam_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollments')),
    sa.UniqueConstraint('session_id', 'candidate_id', name='uq_enrollments_session_candidate')
    )
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollments_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollments_session_id'), ['session_id'], unique=False)

    op.create_table('attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('checked_in_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('agreed_at', clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('started_at', clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('paused_at', clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finish_reason', sa.String(length=32), nullable=True),
    sa.Column('current_position', sa.Integer(), nullable=False),
    sa.Column('last_contact_at', clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('active_tab', sa.String(length=64), nullable=True),
    sa.Column('tab_epoch', sa.Integer(), nullable=False),
    sa.CheckConstraint("(status = 'paused') = (paused_at IS NOT NULL)", name=op.f('ck_attempts_paused_when_dated')),
    sa.CheckConstraint("(status IN ('submitted', 'terminated')) = (finished_at IS NOT NULL)", name=op.f('ck_attempts_finished_when_dated')),
    sa.CheckConstraint("status IN ('checked_in', 'awaiting_admission', 'in_progress', 'paused', 'submitted', 'terminated')", name=op.f('ck_attempts_known_status')),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], name=op.f('fk_attempts_enrollment_id_enrollments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempts')),
    sa.UniqueConstraint('enrollment_id', name=op.f('uq_attempts_enrollment_id'))
    )
    op.create_table('attempt_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('form_section_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('started_at', clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deadline_at', clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('paused_seconds', sa.Integer(), nullable=False),
    sa.Column('extension_seconds', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_attempt_sections_attempt_id_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['form_section_id'], ['form_sections.id'], name=op.f('fk_attempt_sections_form_section_id_form_sections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt_sections')),
    sa.UniqueConstraint('attempt_id', 'position', name='uq_attempt_sections_attempt_position')
    )
    with op.batch_alter_table('attempt_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempt_sections_attempt_id'), ['attempt_id'], unique=False)

    op.create_table('responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('attempt_section_id', sa.Integer(), nullable=False),
    sa.Column('form_item_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('option_order', sa.JSON(), nullable=True),
    sa.Column('answer', sa.JSON(), nullable=True),
    sa.Column('answer_seq', sa.BigInteger(), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('flag_seq', sa.BigInteger(), nullable=False),
    sa.Column('chosen', sa.Boolean(), nullable=False),
    sa.Column('choose_seq', sa.BigInteger(), nullable=False),
    sa.Column('saved_at', clock.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_responses_attempt_id_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['attempt_section_id'], ['attempt_sections.id'], name=op.f('fk_responses_attempt_section_id_attempt_sections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['form_item_id'], ['form_items.id'], name=op.f('fk_responses_form_item_id_form_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_responses')),
    sa.UniqueConstraint('attempt_id', 'form_item_id', name='uq_responses_attempt_form_item'),
    sa.UniqueConstraint('attempt_id', 'position', name='uq_responses_attempt_position')
    )
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_responses_attempt_id'), ['attempt_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_responses_attempt_section_id'), ['attempt_section_id'], unique=False)

    op.create_table('save_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('field', sa.String(length=16), nullable=False),
    sa.Column('value', sa.JSON(), nullable=True),
    sa.Column('tab', sa.String(length=64), nullable=False),
    sa.Column('received_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accepted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_save_records_attempt_id_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_save_records_response_id_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_save_records')),
    sa.UniqueConstraint('attempt_id', 'seq', name='uq_save_records_attempt_seq')
    )
    with op.batch_alter_table('save_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_save_records_attempt_id'), ['attempt_id'], unique=False)



def downgrade():
    with op.batch_alter_table('save_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_save_records_attempt_id'))

    op.drop_table('save_records')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_responses_attempt_section_id'))
        batch_op.drop_index(batch_op.f('ix_responses_attempt_id'))

    op.drop_table('responses')
    with op.batch_alter_table('attempt_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempt_sections_attempt_id'))

    op.drop_table('attempt_sections')
    op.drop_table('attempts')
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollments_session_id'))
        batch_op.drop_index(batch_op.f('ix_enrollments_candidate_id'))

    op.drop_table('enrollments')
    with op.batch_alter_table('exam_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exam_sessions_form_id'))

    op.drop_table('exam_sessions')
