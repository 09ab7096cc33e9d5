"""References answer through links Attest mails them: the hashes of each
mailed link's token in reference_links, the request's course (reminded,
opened, answered by whom, declined, withdrawn), and the rater's endorsement
level with its verification.

Links made before this revision were shown to candidates and are dropped with
the old token column: the reminder command mails a fresh link to every open
request. Levels given before it count only once a coordinator verifies them.

Revision ID: 0017
Revises: 0016

"""
from alembic import op
import sqlalchemy as sa

import clock


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

ONE_OUTCOME = ("(CASE WHEN submitted_at IS NULL THEN 0 ELSE 1 END) + (CASE WHEN declined_at IS NULL THEN 0 ELSE 1 END) "
               "+ (CASE WHEN withdrawn_at IS NULL THEN 0 ELSE 1 END) <= 1")


def upgrade():
    op.create_table('reference_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('sent_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['reference_id'], ['reference_requests.id'], name=op.f('fk_reference_links_reference_id_reference_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_reference_links_token_hash'))
    )
    with op.batch_alter_table('reference_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reference_links_reference_id'), ['reference_id'], unique=False)

    with op.batch_alter_table('reference_requests', schema=None) as batch_op:
        batch_op.drop_constraint('uq_reference_requests_token_hash', type_='unique')
        batch_op.drop_column('token_hash')
        batch_op.add_column(sa.Column('reminders_sent', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('reminded_at', clock.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('opened_at', clock.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('answered_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('declined_at', clock.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('decline_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('withdrawn_at', clock.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('rater_endorsement_number', sa.String(length=24), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('level_verified_at', clock.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('level_verified_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('level_verification_note', sa.Text(), nullable=False, server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_reference_requests_answered_by_id_users'), 'users',
                                    ['answered_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_reference_requests_level_verified_by_id_users'), 'users',
                                    ['level_verified_by_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_reference_requests_one_outcome'), ONE_OUTCOME)
        batch_op.create_check_constraint(op.f('ck_reference_requests_verified_level_given'),
                                        'level_verified_at IS NULL OR rater_level IS NOT NULL')


def downgrade():
    with op.batch_alter_table('reference_requests', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_reference_requests_verified_level_given'), type_='check')
        batch_op.drop_constraint(op.f('ck_reference_requests_one_outcome'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_reference_requests_level_verified_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_reference_requests_answered_by_id_users'), type_='foreignkey')
        for column in ('level_verification_note', 'level_verified_by_id', 'level_verified_at',
                       'rater_endorsement_number', 'withdrawn_at', 'decline_reason', 'declined_at', 'answered_by_id',
                       'opened_at', 'reminded_at', 'reminders_sent'):
            batch_op.drop_column(column)
        batch_op.add_column(sa.Column('token_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_reference_requests_token_hash', ['token_hash'])

    with op.batch_alter_table('reference_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reference_links_reference_id'))
    op.drop_table('reference_links')
