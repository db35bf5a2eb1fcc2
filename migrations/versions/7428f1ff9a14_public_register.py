"""the public register: one row per published site, what its lists filter, sort and search, and each row's
jurisdictions; the text search's own index on each backend (pg_trgm, or an FTS5 trigram table kept by triggers).
Housekeeping fills the rows of sites published before this revision.

Revision ID: 7428f1ff9a14
Revises: d8a4c2e6f1b7
Create Date: 2026-12-02 06:59:54.095475

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7428f1ff9a14'
down_revision = 'd8a4c2e6f1b7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('register_entries',
    sa.Column('site_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('status_rank', sa.Integer(), nullable=False),
    sa.Column('status_since', sa.DateTime(timezone=True), nullable=False),
    sa.Column('since_order', sa.BigInteger(), nullable=False),
    sa.Column('first_published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('version_sha256', sa.String(length=64), nullable=False),
    sa.Column('version_published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=True),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('operator', sa.String(length=300), nullable=False),
    sa.Column('text_language', sa.String(length=10), nullable=False),
    sa.Column('texts', sa.JSON(), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('city_key', sa.String(length=100), nullable=False),
    sa.Column('search', sa.Text(), nullable=False),
    sa.Column('purpose', sa.String(length=40), nullable=True),
    sa.Column('function', sa.String(length=40), nullable=True),
    sa.Column('jurisdictions', sa.JSON(), nullable=False),
    sa.Column('venue_class', sa.String(length=40), nullable=True),
    sa.Column('live_mode', sa.String(length=20), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('retention_period_days', sa.Integer(), nullable=True),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_register_entries_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_register_entries_site_id_sites')),
    sa.PrimaryKeyConstraint('site_id', name=op.f('pk_register_entries'))
    )
    with op.batch_alter_table('register_entries', schema=None) as batch_op:
        batch_op.create_index('ix_register_by_city', ['status_rank', 'city_key', 'name_key', 'site_id'], unique=False)
        batch_op.create_index('ix_register_by_name', ['status_rank', 'name_key', 'site_id'], unique=False)
        batch_op.create_index('ix_register_by_since', ['status_rank', 'since_order', 'site_id'], unique=False)
        batch_op.create_index('ix_register_city', ['city_key', 'status_rank', 'name_key', 'site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_register_entries_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_register_function', ['function', 'status_rank', 'name_key', 'site_id'], unique=False)
        batch_op.create_index('ix_register_latitude', ['latitude', 'longitude'], unique=False)
        batch_op.create_index('ix_register_purpose', ['purpose', 'status_rank', 'name_key', 'site_id'], unique=False)
        batch_op.create_index('ix_register_refreshed', ['refreshed_at'], unique=False)

    op.create_table('register_jurisdictions',
    sa.Column('jurisdiction', sa.String(length=20), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['register_entries.site_id'], name=op.f('fk_register_jurisdictions_site_id_register_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('jurisdiction', 'site_id', name=op.f('pk_register_jurisdictions'))
    )
    with op.batch_alter_table('register_jurisdictions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_jurisdictions_site_id'), ['site_id'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_register_search_trgm ON register_entries USING gin (search gin_trgm_ops)")
    else:
        op.execute("CREATE VIRTUAL TABLE register_search USING fts5(search, content='register_entries', "
                   "content_rowid='site_id', tokenize='trigram')")
        op.execute("CREATE TRIGGER register_search_insert AFTER INSERT ON register_entries BEGIN "
                   "INSERT INTO register_search (rowid, search) VALUES (new.site_id, new.search); END")
        op.execute("CREATE TRIGGER register_search_delete AFTER DELETE ON register_entries BEGIN "
                   "INSERT INTO register_search (register_search, rowid, search) "
                   "VALUES ('delete', old.site_id, old.search); END")
        op.execute("CREATE TRIGGER register_search_update AFTER UPDATE OF search ON register_entries BEGIN "
                   "INSERT INTO register_search (register_search, rowid, search) "
                   "VALUES ('delete', old.site_id, old.search); "
                   "INSERT INTO register_search (rowid, search) VALUES (new.site_id, new.search); END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_register_search_trgm")
    else:
        for trigger in ("register_search_insert", "register_search_delete", "register_search_update"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE register_search")
    with op.batch_alter_table('register_jurisdictions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_jurisdictions_site_id'))

    op.drop_table('register_jurisdictions')
    with op.batch_alter_table('register_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_register_refreshed')
        batch_op.drop_index('ix_register_purpose')
        batch_op.drop_index('ix_register_latitude')
        batch_op.drop_index('ix_register_function')
        batch_op.drop_index(batch_op.f('ix_register_entries_organisation_id'))
        batch_op.drop_index('ix_register_city')
        batch_op.drop_index('ix_register_by_since')
        batch_op.drop_index('ix_register_by_name')
        batch_op.drop_index('ix_register_by_city')

    op.drop_table('register_entries')
