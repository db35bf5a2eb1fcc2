"""who acted, as a column of audit entries: the log filtered by actor

The column copies the acting user's id from each entry's hashed actor (signage.audit.chain.actor_ref),
as organisation_id and subject_id copy theirs, and verification compares it with the hashed bytes. The
entries already written get it from those bytes; the append-only trigger is set aside for that one
UPDATE, inside this migration's transaction, and in place again before it commits.

Revision ID: c4e8a2f6b9d1
Revises: f7c3e1a9d5b8
Create Date: 2026-12-01 20:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c4e8a2f6b9d1'
down_revision = 'f7c3e1a9d5b8'
branch_labels = None
depends_on = None

#: A user's actor is {"id": N, "label": ..., "type": "user"[, "via": ...]}: N is an integer and, keys being
#: sorted, the first key; the system's and a job's label have no id.
POSTGRESQL_BACKFILL = """
UPDATE audit_entries SET actor_id = (content #>> '{actor,id}')::bigint
FROM (SELECT id AS entry_id, convert_from(canonical, 'UTF8')::jsonb AS content FROM audit_entries) parsed
WHERE entry_id = audit_entries.id AND jsonb_typeof(content #> '{actor,id}') = 'number'
"""
# CAST: SQLite 3.45 and later read a BLOB given to json_* as its binary JSONB, which these bytes are not
SQLITE_BACKFILL = """
UPDATE audit_entries SET actor_id = json_extract(CAST(canonical AS TEXT), '$.actor.id')
WHERE json_type(CAST(canonical AS TEXT), '$.actor.id') = 'integer'
"""
SQLITE_NO_UPDATE = ("CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
                    "BEGIN SELECT RAISE(ABORT, 'signage: audit_entries rows are append-only; UPDATE refused'); END")


def upgrade():
    # plain ALTER TABLE ADD COLUMN on both databases: SQLite keeps the table and its triggers
    op.add_column('audit_entries', sa.Column('actor_id', sa.BigInteger(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only")
        op.execute(POSTGRESQL_BACKFILL)
        op.execute("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only")
    else:
        op.execute("DROP TRIGGER audit_entries_no_update")
        op.execute(SQLITE_BACKFILL)
        op.execute(SQLITE_NO_UPDATE)
    op.create_index('ix_audit_entries_actor_page', 'audit_entries', ['organisation_id', 'actor_id', 'id'])


def downgrade():
    op.drop_index('ix_audit_entries_actor_page', table_name='audit_entries')
    # SQLite 3.35 and later drop a column in place; the triggers stay
    op.drop_column('audit_entries', 'actor_id')
