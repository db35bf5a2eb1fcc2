"""consent records, their append-only events and receipts, and the channels that collect them

Consent events and receipts are refused UPDATE and DELETE by the database, as audit entries and notice
versions are (signage_refuse_change on PostgreSQL, RAISE(ABORT) triggers on SQLite).

Revision ID: b5d1f7a3c9e2
Revises: e9b3d7f1a2c4
Create Date: 2026-12-01 23:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b5d1f7a3c9e2'
down_revision = 'e9b3d7f1a2c4'
branch_labels = None
depends_on = None

APPEND_ONLY = ("consent_events", "consent_receipts")
#: The deletions still owed, which the operator's queue and the home page count.
OWED = "deletion_due_at IS NOT NULL AND deletion_confirmed_at IS NULL"
#: The consents in force that end on a date, which housekeeping expires.
EXPIRING = "state = 'given' AND expires_at IS NOT NULL"


def upgrade():
    op.create_table('consent_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_uuid', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('notice_version_id', sa.Integer(), nullable=False),
    sa.Column('notice_number', sa.Integer(), nullable=False),
    sa.Column('subject_ref', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('purpose_states', sa.JSON(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state_changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deletion_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deletion_confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('events_count', sa.Integer(), nullable=False),
    sa.Column('capture_once', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['notice_version_id'], ['notice_versions.id'],
                            name=op.f('fk_consent_records_notice_version_id_notice_versions')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                            name=op.f('fk_consent_records_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_consent_records_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_records')),
    sa.UniqueConstraint('record_uuid', name=op.f('uq_consent_records_record_uuid')),
    sa.UniqueConstraint('capture_once', name=op.f('uq_consent_records_capture_once'))
    )
    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.create_index('ix_consent_records_organisation_page', ['organisation_id', 'id'], unique=False)
        batch_op.create_index('ix_consent_records_site_state', ['site_id', 'state', 'id'], unique=False)
        batch_op.create_index('ix_consent_records_subject', ['site_id', 'subject_ref', 'id'], unique=False)
        batch_op.create_index('ix_consent_records_deletion_due', ['organisation_id', 'id'], unique=False,
                              postgresql_where=sa.text(OWED), sqlite_where=sa.text(OWED))
        batch_op.create_index('ix_consent_records_expiring', ['expires_at'], unique=False,
                              postgresql_where=sa.text(EXPIRING), sqlite_where=sa.text(EXPIRING))

    op.create_table('consent_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('event_type', sa.String(length=30), nullable=False),
    sa.Column('event_state', sa.String(length=20), nullable=False),
    sa.Column('event_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['consent_records.id'],
                            name=op.f('fk_consent_events_record_id_consent_records')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_events')),
    sa.UniqueConstraint('record_id', 'seq', name='record_seq')
    )

    op.create_table('consent_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_sha256', sa.String(length=64), nullable=False),
    sa.Column('receipt_uuid', sa.String(length=36), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['consent_events.id'],
                            name=op.f('fk_consent_receipts_event_id_consent_events')),
    sa.ForeignKeyConstraint(['record_id'], ['consent_records.id'],
                            name=op.f('fk_consent_receipts_record_id_consent_records')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_receipts')),
    sa.UniqueConstraint('code_sha256', name=op.f('uq_consent_receipts_code_sha256')),
    sa.UniqueConstraint('receipt_uuid', name=op.f('uq_consent_receipts_receipt_uuid'))
    )
    with op.batch_alter_table('consent_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_receipts_record_id'), ['record_id'], unique=False)

    op.create_table('consent_channels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                            name=op.f('fk_consent_channels_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_consent_channels_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_channels')),
    sa.UniqueConstraint('token_sha256', name=op.f('uq_consent_channels_token_sha256'))
    )
    with op.batch_alter_table('consent_channels', schema=None) as batch_op:
        batch_op.create_index('ix_consent_channels_site', ['site_id', 'kind', 'id'], unique=False)

    op.create_table('consent_renewals',
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('from_number', sa.Integer(), nullable=False),
    sa.Column('since', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_consent_renewals_site_id_sites')),
    sa.PrimaryKeyConstraint('site_id', name=op.f('pk_consent_renewals'))
    )

    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:  # signage_refuse_change() is a7c31e9d5b02's
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
    # the tables' triggers go with them
    op.drop_table('consent_renewals')
    op.drop_table('consent_channels')
    op.drop_table('consent_receipts')
    op.drop_table('consent_events')
    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.drop_index('ix_consent_records_deletion_due')
        batch_op.drop_index('ix_consent_records_expiring')
        batch_op.drop_index('ix_consent_records_subject')
        batch_op.drop_index('ix_consent_records_site_state')
        batch_op.drop_index('ix_consent_records_organisation_page')
    op.drop_table('consent_records')
