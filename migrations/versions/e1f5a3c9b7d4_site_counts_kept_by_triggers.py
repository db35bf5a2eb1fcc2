"""site counts kept by triggers

The home page counts an organisation's sites by status and by what needs attention. Counting 100,000
rows on every view grows with the organisation; site_counts holds the sums instead, one row per
organisation and status, and triggers on sites move them in the same statement as every insert,
delete and relevant update, so they can never drift from the rows they count.

Revision ID: e1f5a3c9b7d4
Revises: c4e8f2a61d37
Create Date: 2026-12-01 13:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e1f5a3c9b7d4'
down_revision = 'c4e8f2a61d37'
branch_labels = None
depends_on = None

COUNTED = ("organisation_id", "status", "blocking", "warnings_count", "stale_signs_count", "next_due_on")


def _share(row: str, sign: str) -> dict:
    """What one site row adds to (sign '+') or takes from (sign '-') its organisation and status's counts."""
    return {"sites": f"{sign}1", "blocking": f"{sign}(CASE WHEN {row}.blocking THEN 1 ELSE 0 END)",
            "warnings": f"{sign}(CASE WHEN {row}.warnings_count > 0 THEN 1 ELSE 0 END)",
            "signs_to_reprint": f"{sign}{row}.stale_signs_count",
            "due": f"{sign}(CASE WHEN {row}.next_due_on IS NOT NULL THEN 1 ELSE 0 END)"}


def _add(row: str, sign: str) -> str:
    """An upsert of one row's share: the counts row is made the first time an organisation has the status."""
    share = _share(row, sign)
    return (f"INSERT INTO site_counts (organisation_id, status, {', '.join(share)}) "
            f"VALUES ({row}.organisation_id, {row}.status, {', '.join(share.values())}) "
            f"ON CONFLICT (organisation_id, status) DO UPDATE SET "
            + ", ".join(f"{name} = site_counts.{name} + excluded.{name}" for name in share))


def upgrade():
    op.create_table(
        'site_counts',
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('sites', sa.Integer(), nullable=False),
        sa.Column('blocking', sa.Integer(), nullable=False),
        sa.Column('warnings', sa.Integer(), nullable=False),
        sa.Column('signs_to_reprint', sa.Integer(), nullable=False),
        sa.Column('due', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_site_counts_organisation_id_organisations')),
        sa.PrimaryKeyConstraint('organisation_id', 'status', name=op.f('pk_site_counts')),
    )
    share = _share("sites", "+")
    op.execute(f"INSERT INTO site_counts (organisation_id, status, {', '.join(share)}) "
               f"SELECT organisation_id, status, {', '.join(f'sum({value})' for value in share.values())} "
               f"FROM sites GROUP BY organisation_id, status")
    changed = " OR ".join(f"old.{name} IS NOT new.{name}" for name in COUNTED)
    if op.get_bind().dialect.name == "postgresql":
        distinct = " OR ".join(f"OLD.{name} IS DISTINCT FROM NEW.{name}" for name in COUNTED)
        # two statuses are always moved in the same order, so two changes at once never deadlock
        op.execute(f"""
            CREATE FUNCTION site_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'INSERT' THEN
                {_add("NEW", "+")};
              ELSIF TG_OP = 'DELETE' THEN
                {_add("OLD", "-")};
              ELSIF (OLD.organisation_id, OLD.status) <= (NEW.organisation_id, NEW.status) THEN
                {_add("OLD", "-")};
                {_add("NEW", "+")};
              ELSE
                {_add("NEW", "+")};
                {_add("OLD", "-")};
              END IF;
              RETURN NULL;
            END $$""")
        op.execute("CREATE TRIGGER site_counts_insert_delete AFTER INSERT OR DELETE ON sites "
                   "FOR EACH ROW EXECUTE FUNCTION site_counts_follow()")
        op.execute(f"CREATE TRIGGER site_counts_update AFTER UPDATE ON sites FOR EACH ROW WHEN ({distinct}) "
                   "EXECUTE FUNCTION site_counts_follow()")
    else:
        op.execute(f"CREATE TRIGGER site_counts_insert AFTER INSERT ON sites BEGIN {_add('new', '+')}; END")
        op.execute(f"CREATE TRIGGER site_counts_delete AFTER DELETE ON sites BEGIN {_add('old', '-')}; END")
        op.execute(f"CREATE TRIGGER site_counts_update AFTER UPDATE ON sites WHEN {changed} BEGIN "
                   f"{_add('old', '-')}; {_add('new', '+')}; END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER site_counts_update ON sites")
        op.execute("DROP TRIGGER site_counts_insert_delete ON sites")
        op.execute("DROP FUNCTION site_counts_follow()")
    else:
        for trigger in ("site_counts_insert", "site_counts_delete", "site_counts_update"):
            op.execute(f"DROP TRIGGER {trigger}")
    op.drop_table('site_counts')
