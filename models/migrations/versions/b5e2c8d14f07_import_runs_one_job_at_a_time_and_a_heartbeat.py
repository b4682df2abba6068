"""import runs: one job at a time (checked by the database) and a heartbeat the clock watches

Revision ID: b5e2c8d14f07
Revises: b5d1c0a7e9f2
Create Date: 2026-11-30 11:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = 'b5e2c8d14f07'
down_revision: str | None = 'b5d1c0a7e9f2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A run still checking or importing when this runs was left by a process that stopped: failed
    # (the page words a failure without a problem of its own).
    op.execute("update import_runs set status = 'failed', problem = null where status in ('checking', 'importing')")
    with op.batch_alter_table('import_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('running', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', models.base.UTCDateTime(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_import_runs_running'), ['running'])
        batch_op.create_check_constraint(
            batch_op.f('ck_import_runs_running_while_a_job_runs'),
            "(running is null and status not in ('checking','importing')) "
            "or (running and status in ('checking','importing'))")


def downgrade() -> None:
    with op.batch_alter_table('import_runs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_import_runs_running_while_a_job_runs'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_import_runs_running'), type_='unique')
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('running')
