"""Psychometrics: scoring revisions and the score history, stored item statistics, Angoff studies.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24

"""
import sqlalchemy as sa
from alembic import op

import clock


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('angoff_studies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', clock.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_angoff_studies_created_by_id_users')),
    sa.ForeignKeyConstraint(['form_id'], ['forms.id'], name=op.f('fk_angoff_studies_form_id_forms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_angoff_studies'))
    )
    with op.batch_alter_table('angoff_studies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_angoff_studies_form_id'), ['form_id'], unique=False)

    op.create_table('form_analyses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('revision_number', sa.Integer(), nullable=False),
    sa.Column('n_candidates', sa.Integer(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('computed_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('computed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['computed_by_id'], ['users.id'], name=op.f('fk_form_analyses_computed_by_id_users')),
    sa.ForeignKeyConstraint(['form_id'], ['forms.id'], name=op.f('fk_form_analyses_form_id_forms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_analyses')),
    sa.UniqueConstraint('form_id', name=op.f('uq_form_analyses_form_id'))
    )
    op.create_table('scoring_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('pass_percent', sa.Float(), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('created_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('pass_percent > 0 AND pass_percent <= 100', name=op.f('ck_scoring_revisions_pass_percent_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_scoring_revisions_created_by_id_users')),
    sa.ForeignKeyConstraint(['form_id'], ['forms.id'], name=op.f('fk_scoring_revisions_form_id_forms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scoring_revisions')),
    sa.UniqueConstraint('form_id', 'number', name='uq_scoring_revisions_form_number')
    )
    with op.batch_alter_table('scoring_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scoring_revisions_form_id'), ['form_id'], unique=False)

    op.create_table('angoff_panelists',
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['study_id'], ['angoff_studies.id'], name=op.f('fk_angoff_panelists_study_id_angoff_studies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_angoff_panelists_user_id_users')),
    sa.PrimaryKeyConstraint('study_id', 'user_id', name=op.f('pk_angoff_panelists'))
    )
    with op.batch_alter_table('angoff_panelists', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_angoff_panelists_user_id'), ['user_id'], unique=False)

    op.create_table('angoff_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('panelist_id', sa.Integer(), nullable=False),
    sa.Column('form_item_id', sa.Integer(), nullable=False),
    sa.Column('percent', sa.Float(), nullable=False),
    sa.Column('updated_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('percent >= 0 AND percent <= 100', name=op.f('ck_angoff_ratings_percent_range')),
    sa.ForeignKeyConstraint(['form_item_id'], ['form_items.id'], name=op.f('fk_angoff_ratings_form_item_id_form_items')),
    sa.ForeignKeyConstraint(['panelist_id'], ['users.id'], name=op.f('fk_angoff_ratings_panelist_id_users')),
    sa.ForeignKeyConstraint(['study_id'], ['angoff_studies.id'], name=op.f('fk_angoff_ratings_study_id_angoff_studies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_angoff_ratings')),
    sa.UniqueConstraint('study_id', 'panelist_id', 'form_item_id', name='uq_angoff_ratings_study_panelist_item')
    )
    with op.batch_alter_table('angoff_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_angoff_ratings_study_id'), ['study_id'], unique=False)

    op.create_table('item_statistics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('form_item_id', sa.Integer(), nullable=False),
    sa.Column('item_version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('p', sa.Float(), nullable=True),
    sa.Column('r_pbis', sa.Float(), nullable=True),
    sa.Column('r_pbis_total', sa.Float(), nullable=True),
    sa.Column('r_bis', sa.Float(), nullable=True),
    sa.Column('discrimination_index', sa.Float(), nullable=True),
    sa.Column('alpha_if_deleted', sa.Float(), nullable=True),
    sa.Column('omit_rate', sa.Float(), nullable=True),
    sa.Column('irt_a', sa.Float(), nullable=True),
    sa.Column('irt_b', sa.Float(), nullable=True),
    sa.Column('irt_se_a', sa.Float(), nullable=True),
    sa.Column('irt_se_b', sa.Float(), nullable=True),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('computed_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['form_id'], ['forms.id'], name=op.f('fk_item_statistics_form_id_forms')),
    sa.ForeignKeyConstraint(['form_item_id'], ['form_items.id'], name=op.f('fk_item_statistics_form_item_id_form_items')),
    sa.ForeignKeyConstraint(['item_version_id'], ['item_versions.id'], name=op.f('fk_item_statistics_item_version_id_item_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_statistics')),
    sa.UniqueConstraint('form_id', 'item_version_id', name='uq_item_statistics_form_version')
    )
    with op.batch_alter_table('item_statistics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_statistics_form_id'), ['form_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_statistics_item_version_id'), ['item_version_id'], unique=False)

    op.create_table('attempt_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Float(), nullable=False),
    sa.Column('possible', sa.Float(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('domains', sa.JSON(), nullable=False),
    sa.Column('scored_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_attempt_scores_attempt_id_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['revision_id'], ['scoring_revisions.id'], name=op.f('fk_attempt_scores_revision_id_scoring_revisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt_scores')),
    sa.UniqueConstraint('attempt_id', 'revision_id', name='uq_attempt_scores_attempt_revision')
    )
    with op.batch_alter_table('attempt_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempt_scores_attempt_id'), ['attempt_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attempt_scores_revision_id'), ['revision_id'], unique=False)

    with op.batch_alter_table('exam_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('released_revision_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_exam_sessions_released_revision_id_scoring_revisions'), 'scoring_revisions', ['released_revision_id'], ['id'])

    for table in SCORE_HISTORY:
        for statement in _unchangeable(table):
            op.execute(statement)


# A score once written is history: rescoring adds a revision, it never edits
# one, and the database refuses an UPDATE from any code path.
SCORE_HISTORY = ("scoring_revisions", "attempt_scores")


def _unchangeable(table):
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        return [f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
        BEGIN SELECT RAISE(ABORT, '{table} are never changed; rescoring adds a revision'); END"""]
    if dialect == "postgresql":
        return [f"""CREATE FUNCTION {table}_unchangeable() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '{table} are never changed; rescoring adds a revision'; END $$ LANGUAGE plpgsql""",
                f"""CREATE TRIGGER {table}_unchangeable BEFORE UPDATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION {table}_unchangeable()"""]
    return []


def downgrade():
    with op.batch_alter_table('exam_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_exam_sessions_released_revision_id_scoring_revisions'), type_='foreignkey')
        batch_op.drop_column('released_revision_id')

    with op.batch_alter_table('attempt_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempt_scores_revision_id'))
        batch_op.drop_index(batch_op.f('ix_attempt_scores_attempt_id'))

    op.drop_table('attempt_scores')
    with op.batch_alter_table('item_statistics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_statistics_item_version_id'))
        batch_op.drop_index(batch_op.f('ix_item_statistics_form_id'))

    op.drop_table('item_statistics')
    with op.batch_alter_table('angoff_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_angoff_ratings_study_id'))

    op.drop_table('angoff_ratings')
    with op.batch_alter_table('angoff_panelists', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_angoff_panelists_user_id'))

    op.drop_table('angoff_panelists')
    with op.batch_alter_table('scoring_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scoring_revisions_form_id'))

    op.drop_table('scoring_revisions')
    op.drop_table('form_analyses')
    with op.batch_alter_table('angoff_studies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_angoff_studies_form_id'))

    op.drop_table('angoff_studies')
    if op.get_bind().dialect.name == "postgresql":
        for table in SCORE_HISTORY:
            op.execute(f"DROP FUNCTION {table}_unchangeable()")
