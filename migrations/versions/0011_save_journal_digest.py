"""The save journal keeps the value of a saved save only, and the size and SHA-256 of every save's value; stored
answers lose the NUL and lone surrogates no page can show.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 10:00:00.000000

"""
import hashlib
import json
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# As database.UNSTORABLE and exam.saving.digest were when this was written: a
# migration keeps its own copy, so that it does tomorrow what it does today.
UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"
BATCH = 1000

responses = sa.table('responses', sa.column('id', sa.Integer), sa.column('answer', sa.JSON))
save_records = sa.table('save_records', sa.column('id', sa.Integer), sa.column('value', sa.JSON),
                        sa.column('accepted', sa.Boolean), sa.column('value_bytes', sa.Integer),
                        sa.column('value_sha256', sa.String))


def digest(value):
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    encoded = canonical.encode("utf-8", "surrogatepass")
    return len(encoded), hashlib.sha256(encoded).hexdigest()


def repaired(value):
    """The JSON value with NUL and lone surrogates in its texts and names replaced by U+FFFD, changed in place.
    Walked without recursion: a journaled value may nest as deep as the JSON parser went."""
    if isinstance(value, str):
        return UNSTORABLE.sub(REPLACEMENT, value)
    pending = [value]
    while pending:
        container = pending.pop()
        if isinstance(container, list):
            entries = enumerate(list(container))
        elif isinstance(container, dict):
            entries = list(container.items())
            container.clear()
        else:
            continue
        for place, item in entries:
            if isinstance(item, str):
                item = UNSTORABLE.sub(REPLACEMENT, item)
            else:
                pending.append(item)
            container[UNSTORABLE.sub(REPLACEMENT, place) if isinstance(place, str) else place] = item
    return value


def _rows(connection, table, column, where=None):
    """(id, value) of every row, a batch at a time, so a large journal is never held at once."""
    last = 0
    while True:
        query = sa.select(table.c.id, column).where(table.c.id > last).order_by(table.c.id).limit(BATCH)
        rows = connection.execute(query if where is None else query.where(where)).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id


def replace_unstorable(connection):
    """Replace NUL and lone surrogates in stored answers and journaled values with U+FFFD. SQLAlchemy
    writes JSON with every such character escaped (\\u0000, \\ud800), so only a value whose text holds a
    \\u escape can hold one."""
    for table, column in ((responses, responses.c.answer), (save_records, save_records.c.value)):
        escaped = sa.cast(column, sa.Text).contains("\\u", autoescape=True)
        for rows in _rows(connection, table, column, escaped):
            for row in rows:
                before = json.dumps(row[1])
                value = repaired(row[1])
                if json.dumps(value) != before:
                    connection.execute(table.update().where(table.c.id == row.id).values({column.name: value}))


def digest_journal(connection):
    """Give every journaled save the size and SHA-256 of its value, then forget the value of each not saved."""
    update = save_records.update().where(save_records.c.id == sa.bindparam('row_id')).values(
        value_bytes=sa.bindparam('size'), value_sha256=sa.bindparam('sha256'))
    for rows in _rows(connection, save_records, save_records.c.value):
        digests = [dict(zip(('size', 'sha256'), digest(row.value)), row_id=row.id) for row in rows]
        connection.execute(update, digests)
    connection.execute(save_records.update().where(sa.not_(save_records.c.accepted)).values(value=sa.null()))


def upgrade():
    with op.batch_alter_table('save_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('value_bytes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('value_sha256', sa.String(length=64), nullable=True))

    connection = op.get_bind()
    replace_unstorable(connection)
    digest_journal(connection)

    with op.batch_alter_table('save_records', schema=None) as batch_op:
        batch_op.alter_column('value_bytes', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('value_sha256', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_check_constraint(op.f('ck_save_records_value_only_when_saved'), 'accepted OR value IS NULL')


def downgrade():
    with op.batch_alter_table('save_records', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_save_records_value_only_when_saved'), type_='check')
        batch_op.drop_column('value_sha256')
        batch_op.drop_column('value_bytes')
