"""Images in the item bank: each stored once by its SHA-256, and the versions whose rich text shows it.

Revision ID: 0019
Revises: 0018

"""
from alembic import op
import sqlalchemy as sa

import clock


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('item_images',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=16), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('alt', sa.Text(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', clock.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("content_type IN ('image/png', 'image/jpeg', 'image/gif', 'image/webp')",
                       name=op.f('ck_item_images_known_type')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_item_images_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_images')),
    sa.UniqueConstraint('sha256', name=op.f('uq_item_images_sha256'))
    )
    op.create_table('item_version_images',
    sa.Column('item_version_id', sa.Integer(), nullable=False),
    sa.Column('image_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['image_id'], ['item_images.id'], name=op.f('fk_item_version_images_image_id_item_images')),
    sa.ForeignKeyConstraint(['item_version_id'], ['item_versions.id'],
                            name=op.f('fk_item_version_images_item_version_id_item_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_version_id', 'image_id', name=op.f('pk_item_version_images'))
    )
    with op.batch_alter_table('item_version_images', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_version_images_image_id'), ['image_id'], unique=False)


def downgrade():
    op.drop_table('item_version_images')
    op.drop_table('item_images')
