"""Public verification of an endorsement: the code printed beside its number
(backfilled for endorsements already issued) and the candidate's consent to
the public directory.

Revision ID: 0015
Revises: 0014

"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

# As competencies/verification.py draws them: Crockford's base 32, 12 characters (60 bits).
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verification_code', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('listed_in_directory', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    applications = sa.table('applications', sa.column('id', sa.Integer), sa.column('verification_code', sa.String),
                            sa.column('endorsement_number', sa.String))
    connection = op.get_bind()
    issued = connection.execute(sa.select(applications.c.id).where(applications.c.endorsement_number.is_not(None))
                                .where(applications.c.verification_code.is_(None))).scalars().all()
    for application_id in issued:
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        connection.execute(applications.update().where(applications.c.id == application_id)
                           .values(verification_code=code))
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_applications_issued_with_verification_code'),
                                         'endorsement_number IS NULL OR verification_code IS NOT NULL')


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_applications_issued_with_verification_code'), type_='check')
        batch_op.drop_column('listed_in_directory')
        batch_op.drop_column('verification_code')
