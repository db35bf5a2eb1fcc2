"""rights requests and sign reports from the notice page, their steps, the outbox, and the organisation's own
answer period

Revision ID: d8a4c2e6f1b7
Revises: b5d1f7a3c9e2
Create Date: 2026-12-02 03:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd8a4c2e6f1b7'
down_revision = 'b5d1f7a3c9e2'
branch_labels = None
depends_on = None

OPEN = "state <> 'closed'"
CONTACT_HELD = "reply_contact IS NOT NULL AND closed_at IS NOT NULL"
UNSENT = "sent_at IS NULL"
REMINDER_DUE = "next_reminder_at IS NOT NULL"


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_answer_days', sa.Integer(), nullable=True))

    op.create_table('public_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_sha256', sa.String(length=64), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('sign_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('passed_at', sa.String(length=16), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('reply_channel', sa.String(length=10), nullable=True),
    sa.Column('reply_contact', sa.String(length=254), nullable=True),
    sa.Column('contact_erased_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('due_provisional', sa.Boolean(), nullable=False),
    sa.Column('due_basis', sa.String(length=40), nullable=True),
    sa.Column('extended_due_on', sa.Date(), nullable=True),
    sa.Column('extension_reason', sa.Text(), nullable=True),
    sa.Column('effective_due_on', sa.Date(), nullable=True),
    sa.Column('next_reminder_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('steps_count', sa.Integer(), nullable=False),
    sa.Column('form_once', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                            name=op.f('fk_public_requests_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['sign_id'], ['signs.id'], name=op.f('fk_public_requests_sign_id_signs')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_public_requests_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_requests')),
    sa.UniqueConstraint('code_sha256', name=op.f('uq_public_requests_code_sha256')),
    sa.UniqueConstraint('form_once', name=op.f('uq_public_requests_form_once'))
    )
    with op.batch_alter_table('public_requests', schema=None) as batch_op:
        batch_op.create_index('ix_public_requests_organisation_page', ['organisation_id', 'id'], unique=False)
        batch_op.create_index('ix_public_requests_open', ['organisation_id', 'effective_due_on', 'id'], unique=False,
                              postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))
        batch_op.create_index('ix_public_requests_site', ['site_id', 'id'], unique=False)
        batch_op.create_index('ix_public_requests_contact_held', ['closed_at'], unique=False,
                              postgresql_where=sa.text(CONTACT_HELD), sqlite_where=sa.text(CONTACT_HELD))
        batch_op.create_index('ix_public_requests_reminder', ['next_reminder_at'], unique=False,
                              postgresql_where=sa.text(REMINDER_DUE), sqlite_where=sa.text(REMINDER_DUE))

    op.create_table('request_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['public_requests.id'],
                            name=op.f('fk_request_steps_request_id_public_requests')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_request_steps_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_steps'))
    )
    with op.batch_alter_table('request_steps', schema=None) as batch_op:
        batch_op.create_index('ix_request_steps_request', ['request_id', 'seq'], unique=True)

    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lease_token', sa.String(length=32), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                            name=op.f('fk_outbox_messages_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_outbox_messages_dedupe_key'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_unsent', ['lease_until', 'id'], unique=False,
                              postgresql_where=sa.text(UNSENT), sqlite_where=sa.text(UNSENT))


def downgrade():
    op.drop_table('outbox_messages')
    op.drop_table('request_steps')
    with op.batch_alter_table('public_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_public_requests_reminder')
        batch_op.drop_index('ix_public_requests_contact_held')
        batch_op.drop_index('ix_public_requests_site')
        batch_op.drop_index('ix_public_requests_open')
        batch_op.drop_index('ix_public_requests_organisation_page')
    op.drop_table('public_requests')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('request_answer_days')
