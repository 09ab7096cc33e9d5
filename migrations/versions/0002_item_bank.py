"""Item bank: competency domains, items and versions with review, enemies, blueprints and forms.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

"""
import sqlalchemy as sa
from alembic import op

import clock

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('blueprints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blueprints')),
    sa.UniqueConstraint('name', name=op.f('uq_blueprints_name'))
    )
    op.create_table('domains',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_domains')),
    sa.UniqueConstraint('code', name=op.f('uq_domains_code')),
    sa.UniqueConstraint('name', name=op.f('uq_domains_name'))
    )
    op.create_table('items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('identifier', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('created_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_items')),
    sa.UniqueConstraint('identifier', name=op.f('uq_items_identifier'))
    )
    op.create_table('blueprint_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('blueprint_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('instructions', sa.Text(), nullable=False),
    sa.Column('time_limit_minutes', sa.Integer(), nullable=False),
    sa.Column('navigation', sa.String(length=16), nullable=False),
    sa.Column('answer_count', sa.Integer(), nullable=True),
    sa.CheckConstraint("navigation IN ('free', 'linear')", name=op.f('ck_blueprint_sections_known_navigation')),
    sa.CheckConstraint('time_limit_minutes > 0', name=op.f('ck_blueprint_sections_positive_time')),
    sa.ForeignKeyConstraint(['blueprint_id'], ['blueprints.id'], name=op.f('fk_blueprint_sections_blueprint_id_blueprints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blueprint_sections'))
    )
    with op.batch_alter_table('blueprint_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_blueprint_sections_blueprint_id'), ['blueprint_id'], unique=False)

    op.create_table('enemy_pairs',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('enemy_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('item_id < enemy_id', name=op.f('ck_enemy_pairs_ordered_pair')),
    sa.ForeignKeyConstraint(['enemy_id'], ['items.id'], name=op.f('fk_enemy_pairs_enemy_id_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_enemy_pairs_item_id_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', 'enemy_id', name=op.f('pk_enemy_pairs'))
    )
    op.create_table('forms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('blueprint_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('shuffle_options', sa.Boolean(), nullable=False),
    sa.Column('pass_percent', sa.Double(), nullable=False),
    sa.Column('created_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(status = 'published') = (published_at IS NOT NULL)", name=op.f('ck_forms_published_when_dated')),
    sa.CheckConstraint("status IN ('draft', 'published')", name=op.f('ck_forms_known_status')),
    sa.CheckConstraint('pass_percent > 0 AND pass_percent <= 100', name=op.f('ck_forms_pass_percent_range')),
    sa.ForeignKeyConstraint(['blueprint_id'], ['blueprints.id'], name=op.f('fk_forms_blueprint_id_blueprints')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_forms_published_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forms')),
    sa.UniqueConstraint('code', name=op.f('uq_forms_code'))
    )
    with op.batch_alter_table('forms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forms_blueprint_id'), ['blueprint_id'], unique=False)

    op.create_table('item_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('primary_domain_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=255), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('difficulty', sa.Double(), nullable=True),
    sa.Column('created_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'in_review', 'approved', 'retired')", name=op.f('ck_item_versions_known_status')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_item_versions_number_positive')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_item_versions_author_id_users')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_item_versions_item_id_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['primary_domain_id'], ['domains.id'], name=op.f('fk_item_versions_primary_domain_id_domains')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_versions')),
    sa.UniqueConstraint('item_id', 'number', name='item_number')
    )
    with op.batch_alter_table('item_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_versions_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_versions_primary_domain_id'), ['primary_domain_id'], unique=False)

    op.create_table('blueprint_rows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('domain_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('item_count', sa.Integer(), nullable=False),
    sa.CheckConstraint('item_count > 0', name=op.f('ck_blueprint_rows_positive_count')),
    sa.ForeignKeyConstraint(['domain_id'], ['domains.id'], name=op.f('fk_blueprint_rows_domain_id_domains')),
    sa.ForeignKeyConstraint(['section_id'], ['blueprint_sections.id'], name=op.f('fk_blueprint_rows_section_id_blueprint_sections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blueprint_rows')),
    sa.UniqueConstraint('section_id', 'domain_id', 'kind', name='section_domain_kind')
    )
    with op.batch_alter_table('blueprint_rows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_blueprint_rows_section_id'), ['section_id'], unique=False)

    op.create_table('form_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('blueprint_section_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('instructions', sa.Text(), nullable=False),
    sa.Column('time_limit_minutes', sa.Integer(), nullable=False),
    sa.Column('navigation', sa.String(length=16), nullable=False),
    sa.Column('answer_count', sa.Integer(), nullable=True),
    sa.CheckConstraint("navigation IN ('free', 'linear')", name=op.f('ck_form_sections_known_navigation')),
    sa.CheckConstraint('time_limit_minutes > 0', name=op.f('ck_form_sections_positive_time')),
    sa.ForeignKeyConstraint(['blueprint_section_id'], ['blueprint_sections.id'], name=op.f('fk_form_sections_blueprint_section_id_blueprint_sections')),
    sa.ForeignKeyConstraint(['form_id'], ['forms.id'], name=op.f('fk_form_sections_form_id_forms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_sections'))
    )
    with op.batch_alter_table('form_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_sections_form_id'), ['form_id'], unique=False)

    op.create_table('item_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_version_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_item_status_changes_by_id_users')),
    sa.ForeignKeyConstraint(['item_version_id'], ['item_versions.id'], name=op.f('fk_item_status_changes_item_version_id_item_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_status_changes'))
    )
    with op.batch_alter_table('item_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_status_changes_item_version_id'), ['item_version_id'], unique=False)

    op.create_table('item_tags',
    sa.Column('item_version_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['item_version_id'], ['item_versions.id'], name=op.f('fk_item_tags_item_version_id_item_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_version_id', 'tag', name=op.f('pk_item_tags'))
    )
    with op.batch_alter_table('item_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_tags_tag'), ['tag'], unique=False)

    op.create_table('item_version_secondary_domains',
    sa.Column('item_version_id', sa.Integer(), nullable=False),
    sa.Column('domain_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['domain_id'], ['domains.id'], name=op.f('fk_item_version_secondary_domains_domain_id_domains')),
    sa.ForeignKeyConstraint(['item_version_id'], ['item_versions.id'], name=op.f('fk_item_version_secondary_domains_item_version_id_item_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_version_id', 'domain_id', name=op.f('pk_item_version_secondary_domains'))
    )
    op.create_table('form_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('item_version_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_version_id'], ['item_versions.id'], name=op.f('fk_form_items_item_version_id_item_versions')),
    sa.ForeignKeyConstraint(['section_id'], ['form_sections.id'], name=op.f('fk_form_items_section_id_form_sections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_items')),
    sa.UniqueConstraint('section_id', 'position', name='section_position')
    )
    with op.batch_alter_table('form_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_items_item_version_id'), ['item_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_form_items_section_id'), ['section_id'], unique=False)



def downgrade():
    with op.batch_alter_table('form_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_items_section_id'))
        batch_op.drop_index(batch_op.f('ix_form_items_item_version_id'))

    op.drop_table('form_items')
    op.drop_table('item_version_secondary_domains')
    with op.batch_alter_table('item_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_tags_tag'))

    op.drop_table('item_tags')
    with op.batch_alter_table('item_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_status_changes_item_version_id'))

    op.drop_table('item_status_changes')
    with op.batch_alter_table('form_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_sections_form_id'))

    op.drop_table('form_sections')
    with op.batch_alter_table('blueprint_rows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_blueprint_rows_section_id'))

    op.drop_table('blueprint_rows')
    with op.batch_alter_table('item_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_versions_primary_domain_id'))
        batch_op.drop_index(batch_op.f('ix_item_versions_item_id'))

    op.drop_table('item_versions')
    with op.batch_alter_table('forms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forms_blueprint_id'))

    op.drop_table('forms')
    op.drop_table('enemy_pairs')
    with op.batch_alter_table('blueprint_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_blueprint_sections_blueprint_id'))

    op.drop_table('blueprint_sections')
    op.drop_table('items')
    op.drop_table('domains')
    op.drop_table('blueprints')
