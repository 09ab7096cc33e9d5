"""Proctor console: session options, proctors, incidents, holds, answered counts, the audit hash chain.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

"""
import sqlalchemy as sa
from alembic import op

import clock
from audit.chain import GENESIS, link

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_seals',
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('previous_hash', sa.String(length=64), nullable=False),
    sa.Column('entry_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['audit_entries.id'], name=op.f('fk_audit_seals_entry_id_audit_entries')),
    sa.PrimaryKeyConstraint('position', name=op.f('pk_audit_seals')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_audit_seals_entry_id'))
    )
    op.create_table('session_proctors',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['exam_sessions.id'], name=op.f('fk_session_proctors_session_id_exam_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_session_proctors_user_id_users')),
    sa.PrimaryKeyConstraint('session_id', 'user_id', name=op.f('pk_session_proctors'))
    )
    with op.batch_alter_table('session_proctors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_proctors_user_id'), ['user_id'], unique=False)

    op.create_table('incidents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=True),
    sa.Column('follows_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('description', sa.String(length=4000), nullable=False),
    sa.Column('occurred_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("category IN ('identity', 'technical', 'conduct', 'environment', 'accommodation', 'other')", name=op.f('ck_incidents_known_category')),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], name=op.f('fk_incidents_enrollment_id_enrollments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['follows_id'], ['incidents.id'], name=op.f('fk_incidents_follows_id_incidents')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_incidents_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['session_id'], ['exam_sessions.id'], name=op.f('fk_incidents_session_id_exam_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incidents'))
    )
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incidents_enrollment_id'), ['enrollment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_follows_id'), ['follows_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_session_id'), ['session_id'], unique=False)

    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hold', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('finish_note', sa.String(length=500), nullable=True))
    op.execute("UPDATE attempts SET hold = 'proctor' WHERE status = 'paused'")
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_attempts_paused_with_hold'), "(status = 'paused') = (hold IS NOT NULL)")

    with op.batch_alter_table('exam_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('capacity', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('readmit_on_resume', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('closed_at', clock.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answered', sa.Boolean(), nullable=False, server_default=sa.false()))
    mark_answered_responses()
    create_append_only_triggers()
    seal_existing_entries()



def mark_answered_responses():
    responses = sa.table('responses', sa.column('id', sa.Integer), sa.column('answer', sa.JSON),
                         sa.column('answered', sa.Boolean))
    bind = op.get_bind()
    answered = [
        row.id for row in bind.execute(sa.select(responses.c.id, responses.c.answer))
        if row.answer and ("option" in row.answer or any(text.strip() for text in row.answer.get("texts", [])))
    ]
    for start in range(0, len(answered), 500):
        bind.execute(responses.update().where(responses.c.id.in_(answered[start:start + 500])).values(answered=True))


# Seals are append-only, as the entries they seal (see 0001).
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER audit_seals_no_{verb} BEFORE {verb.upper()} ON audit_seals
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"""
    for verb in ("update", "delete")
]
POSTGRESQL_TRIGGERS = [
    """CREATE TRIGGER audit_seals_append_only BEFORE UPDATE OR DELETE OR TRUNCATE
    ON audit_seals FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()""",
]


def create_append_only_triggers():
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS}.get(dialect, []):
        op.execute(statement)


def seal_existing_entries():
    """Entries written before the chain existed are sealed now, in id order."""
    entries = sa.table('audit_entries', sa.column('id', sa.Integer), sa.column('occurred_at', clock.UTCDateTime),
                       sa.column('actor_id', sa.Integer), sa.column('action', sa.String),
                       sa.column('object_type', sa.String), sa.column('object_id', sa.String),
                       sa.column('origin', sa.String), sa.column('details', sa.JSON))
    seals = sa.table('audit_seals', sa.column('position', sa.Integer), sa.column('entry_id', sa.Integer),
                     sa.column('previous_hash', sa.String), sa.column('entry_hash', sa.String))
    bind = op.get_bind()
    previous, rows = GENESIS, []
    for position, entry in enumerate(bind.execute(sa.select(entries).order_by(entries.c.id)), start=1):
        entry_hash = link(previous, entry)
        rows.append({"position": position, "entry_id": entry.id, "previous_hash": previous, "entry_hash": entry_hash})
        previous = entry_hash
    if rows:
        bind.execute(seals.insert(), rows)


def downgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_column('answered')

    with op.batch_alter_table('exam_sessions', schema=None) as batch_op:
        batch_op.drop_column('closed_at')
        batch_op.drop_column('readmit_on_resume')
        batch_op.drop_column('capacity')

    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attempts_paused_with_hold'), type_='check')
        batch_op.drop_column('finish_note')
        batch_op.drop_column('hold')

    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incidents_session_id'))
        batch_op.drop_index(batch_op.f('ix_incidents_follows_id'))
        batch_op.drop_index(batch_op.f('ix_incidents_enrollment_id'))

    op.drop_table('incidents')
    with op.batch_alter_table('session_proctors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_proctors_user_id'))

    op.drop_table('session_proctors')
    op.drop_table('audit_seals')
