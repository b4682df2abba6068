"""clock lock: a fencing generation, and a row that outlives its holder

Each time a clock takes the lock, `generation` goes up by one: the holder's fencing token,
which every job checks in its own transaction (scheduler/lock.py). The row is no longer
deleted when a clock stops (that would start the count again); `holder` is empty instead.

Revision ID: c4a7e2d91f30
Revises: c41d7e2a9b15
Create Date: 2026-12-01 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c4a7e2d91f30'
down_revision: str | None = 'c41d7e2a9b15'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('clock_locks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('generation', sa.Integer(), nullable=False, server_default='0'))
        batch_op.alter_column('holder', existing_type=sa.String(length=120), nullable=True)
    with op.batch_alter_table('clock_locks', schema=None) as batch_op:
        batch_op.alter_column('generation', server_default=None)


def downgrade() -> None:
    op.execute("DELETE FROM clock_locks WHERE holder IS NULL")  # a free lock was no row before
    with op.batch_alter_table('clock_locks', schema=None) as batch_op:
        batch_op.alter_column('holder', existing_type=sa.String(length=120), nullable=False)
        batch_op.drop_column('generation')
