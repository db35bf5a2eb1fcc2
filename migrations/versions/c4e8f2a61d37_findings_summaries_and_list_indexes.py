"""findings summaries kept with each site, indexes for every list, text search, and jobs

Sites keep what the rules say about them (refreshed with every change; existing rows have none until
`flask housekeeping` computes them, and pages compute a missing one as they show it). Lists page by id
within an organisation, so each filter gets an index that starts with the organisation, except text
search (pg_trgm on PostgreSQL, an FTS5 trigram table on SQLite, kept in step by triggers) and the
jurisdiction filter (a GIN index on PostgreSQL), which are matched with the organisation's index.

Revision ID: c4e8f2a61d37
Revises: a7c31e9d5b02
Create Date: 2026-12-01 10:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c4e8f2a61d37'
down_revision = 'a7c31e9d5b02'
branch_labels = None
depends_on = None

SEARCHED = "coalesce(site_name, '') || ' ' || coalesce(address, '')"


def upgrade():
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('blocking', sa.Boolean(), server_default=sa.text('false'), nullable=False))
        batch_op.add_column(sa.Column('errors_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('warnings_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('stale_signs_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('next_due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('findings_summary', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('findings_at', sa.DateTime(timezone=True), nullable=True))
    op.drop_index('ix_sites_organisation_id', table_name='sites')
    op.create_index('ix_sites_organisation_page', 'sites', ['organisation_id', 'id'])
    op.create_index('ix_sites_organisation_status', 'sites', ['organisation_id', 'status', 'id'])
    op.create_index('ix_sites_blocking', 'sites', ['organisation_id', 'id'], postgresql_where=sa.text('blocking'),
                    sqlite_where=sa.text('blocking'))
    op.create_index('ix_sites_reprint', 'sites', ['organisation_id', 'id'],
                    postgresql_where=sa.text('stale_signs_count > 0'), sqlite_where=sa.text('stale_signs_count > 0'))
    op.create_index('ix_sites_next_due', 'sites', ['organisation_id', 'next_due_on'])

    # audit_entries keeps its append-only triggers: plain index operations, never a table rebuild
    op.drop_index('ix_audit_entries_organisation_id', table_name='audit_entries')
    op.drop_index('ix_audit_entries_subject', table_name='audit_entries')
    op.create_index('ix_audit_entries_subject_page', 'audit_entries', ['subject_type', 'subject_id', 'id'])
    op.create_index('ix_audit_entries_organisation_page', 'audit_entries', ['organisation_id', 'id'])

    op.drop_index('ix_signs_site_id', table_name='signs')
    op.create_index('ix_signs_site_page', 'signs', ['site_id', 'id'])
    op.create_index('ix_signs_to_reprint', 'signs', ['site_id', 'id'],
                    postgresql_where=sa.text('stale_since IS NOT NULL'), sqlite_where=sa.text('stale_since IS NOT NULL'))

    op.create_table(
        'jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('cursor', sa.Integer(), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_jobs_organisation_id_organisations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs')),
    )
    op.create_index('ix_jobs_state', 'jobs', ['state', 'id'])

    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(f"CREATE INDEX ix_sites_search_trgm ON sites USING gin (({SEARCHED}) gin_trgm_ops)")
        op.execute("CREATE INDEX ix_sites_jurisdictions_gin ON sites USING gin ((jurisdictions::jsonb) jsonb_path_ops)")
    else:
        op.execute("CREATE VIRTUAL TABLE sites_search USING fts5(site_name, address, content='sites', "
                   "content_rowid='id', tokenize='trigram')")
        op.execute("INSERT INTO sites_search (rowid, site_name, address) SELECT id, site_name, address FROM sites")
        op.execute("CREATE TRIGGER sites_search_insert AFTER INSERT ON sites BEGIN "
                   "INSERT INTO sites_search (rowid, site_name, address) VALUES (new.id, new.site_name, new.address); END")
        op.execute("CREATE TRIGGER sites_search_delete AFTER DELETE ON sites BEGIN "
                   "INSERT INTO sites_search (sites_search, rowid, site_name, address) "
                   "VALUES ('delete', old.id, old.site_name, old.address); END")
        op.execute("CREATE TRIGGER sites_search_update AFTER UPDATE OF site_name, address ON sites BEGIN "
                   "INSERT INTO sites_search (sites_search, rowid, site_name, address) "
                   "VALUES ('delete', old.id, old.site_name, old.address); "
                   "INSERT INTO sites_search (rowid, site_name, address) VALUES (new.id, new.site_name, new.address); END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_sites_jurisdictions_gin")
        op.execute("DROP INDEX ix_sites_search_trgm")
    else:
        for trigger in ("sites_search_insert", "sites_search_delete", "sites_search_update"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE sites_search")
    op.drop_index('ix_jobs_state', table_name='jobs')
    op.drop_table('jobs')
    op.drop_index('ix_signs_to_reprint', table_name='signs')
    op.drop_index('ix_signs_site_page', table_name='signs')
    op.create_index('ix_signs_site_id', 'signs', ['site_id'])
    op.drop_index('ix_audit_entries_organisation_page', table_name='audit_entries')
    op.drop_index('ix_audit_entries_subject_page', table_name='audit_entries')
    op.create_index('ix_audit_entries_subject', 'audit_entries', ['subject_type', 'subject_id'])
    op.create_index('ix_audit_entries_organisation_id', 'audit_entries', ['organisation_id'])
    for index in ('ix_sites_next_due', 'ix_sites_reprint', 'ix_sites_blocking', 'ix_sites_organisation_status',
                  'ix_sites_organisation_page'):
        op.drop_index(index, table_name='sites')
    op.create_index('ix_sites_organisation_id', 'sites', ['organisation_id'])
    with op.batch_alter_table('sites', schema=None) as batch_op:
        for column in ('findings_at', 'findings_summary', 'next_due_on', 'stale_signs_count', 'warnings_count',
                       'errors_count', 'blocking'):
            batch_op.drop_column(column)
