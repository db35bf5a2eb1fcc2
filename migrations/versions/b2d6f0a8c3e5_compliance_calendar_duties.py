"""the compliance calendar: each site's dated duties, and the evidence of those marked done

Every summary is marked for a refresh, so the next `flask housekeeping` derives the duties of the sites
that exist already (it refreshes summaries and duties together); later changes keep them as they happen.

Revision ID: b2d6f0a8c3e5
Revises: a4e8c2f6d1b9
Create Date: 2026-12-03 08:01:27.828247

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2d6f0a8c3e5'
down_revision = 'a4e8c2f6d1b9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('duties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('subject', sa.String(length=40), nullable=True),
    sa.Column('origin', sa.String(length=10), nullable=False),
    sa.Column('trigger_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('due_order', sa.BigInteger(), nullable=False),
    sa.Column('provisional_years', sa.JSON(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('done_reference', sa.String(length=200), nullable=True),
    sa.Column('evidence_name', sa.String(length=200), nullable=True),
    sa.Column('evidence_sha256', sa.String(length=64), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_reminder_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['done_by_id'], ['users.id'], name=op.f('fk_duties_done_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_duties_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_duties_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duties')),
    sa.UniqueConstraint('site_id', 'key', name='uq_duties_site_key')
    )
    with op.batch_alter_table('duties', schema=None) as batch_op:
        batch_op.create_index('ix_duties_by_date', ['organisation_id', 'due_order'], unique=False)
        batch_op.create_index('ix_duties_site', ['site_id', 'due_order'], unique=False)
        batch_op.create_index('ix_duties_next_reminder', ['next_reminder_at'], unique=False)
        batch_op.create_index('ix_duties_cycles', ['site_id', 'kind', 'subject', 'done_on'], unique=False)

    op.create_table('duty_evidence',
    sa.Column('duty_id', sa.Integer(), nullable=False),
    sa.Column('media_type', sa.String(length=40), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['duty_id'], ['duties.id'], name=op.f('fk_duty_evidence_duty_id_duties')),
    sa.PrimaryKeyConstraint('duty_id', name=op.f('pk_duty_evidence'))
    )
    op.create_table('calendar_feeds',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_calendar_feeds_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_calendar_feeds'))
    )
    op.create_table('duty_reminder_subscriptions',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_duty_reminder_subscriptions_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_duty_reminder_subscriptions_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_duty_reminder_subscriptions'))
    )
    with op.batch_alter_table('duty_reminder_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duty_reminder_subscriptions_organisation_id'), ['organisation_id'], unique=False)
    op.create_table('violation_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_violation_notices_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_violation_notices_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_violation_notices_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_violation_notices'))
    )
    with op.batch_alter_table('violation_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_violation_notices_site_id'), ['site_id'], unique=False)
    op.execute("UPDATE sites SET findings_at = NULL")


def downgrade():
    op.drop_table('violation_notices')
    op.drop_table('duty_reminder_subscriptions')
    op.drop_table('calendar_feeds')
    op.drop_table('duty_evidence')
    with op.batch_alter_table('duties', schema=None) as batch_op:
        batch_op.drop_index('ix_duties_cycles')
        batch_op.drop_index('ix_duties_next_reminder')
        batch_op.drop_index('ix_duties_site')
        batch_op.drop_index('ix_duties_by_date')

    op.drop_table('duties')
