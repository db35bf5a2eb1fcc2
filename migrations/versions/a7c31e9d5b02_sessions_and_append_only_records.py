"""session generations, and append-only audit entries and notice versions

The database itself refuses UPDATE and DELETE of audit entries and published notice versions,
whoever asks; on PostgreSQL TRUNCATE too. An operator who must repair data has to drop the
trigger first, which needs the table owner's rights and leaves the chain for `audit verify` to judge.

Revision ID: a7c31e9d5b02
Revises: 64b55a977fb8
Create Date: 2026-12-01 09:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a7c31e9d5b02'
down_revision = '64b55a977fb8'
branch_labels = None
depends_on = None

#: On SQLite a later batch_alter_table that recreates one of these tables drops its triggers: such a
#: migration must create them again (tests/integration/test_audit_tampering.py checks they refuse changes).
APPEND_ONLY = ("audit_entries", "notice_versions")

POSTGRESQL_FUNCTION = """
CREATE FUNCTION signage_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'signage: % rows are append-only; % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$
"""


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
        for table in APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION signage_refuse_change()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION signage_refuse_change()")
    else:
        for table in APPEND_ONLY:
            for event in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, 'signage: {table} rows are append-only; {event} refused'); END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION signage_refuse_change()")
    else:
        for table in APPEND_ONLY:
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER {table}_no_{event}")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
