"""Self-service accounts: a confirmed email on each user, and the single-use
links mailed to register, reset a password and change an email.

Every user that exists already counts as confirmed (an admin created them),
from when they were created.

Revision ID: 0016
Revises: 0015

"""
from alembic import op
import sqlalchemy as sa

import clock


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    # A nullable column is added in place on SQLite too: no rebuild of users.
    op.add_column('users', sa.Column('email_verified_at', clock.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE users SET email_verified_at = created_at")
    op.create_table('account_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('new_email', sa.String(length=254), nullable=True),
    sa.Column('created_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', clock.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("purpose IN ('verify_email', 'reset_password', 'change_email')",
                       name=op.f('ck_account_links_known_purpose')),
    sa.CheckConstraint("(purpose = 'change_email') = (new_email IS NOT NULL)",
                       name=op.f('ck_account_links_new_email_for_change_only')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_links_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_account_links_token_hash'))
    )
    with op.batch_alter_table('account_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_links_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('account_links')
    op.drop_column('users', 'email_verified_at')
