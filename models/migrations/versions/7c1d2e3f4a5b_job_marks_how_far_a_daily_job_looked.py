"""job marks: how far a daily job has looked

Revision ID: 7c1d2e3f4a5b
Revises: 7d2f7da632ad
Create Date: 2026-11-30 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = '7c1d2e3f4a5b'
down_revision: str | None = '7d2f7da632ad'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('job_marks',
    sa.Column('job', sa.String(length=60), nullable=False),
    sa.Column('through', sa.Date(), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('job', name=op.f('pk_job_marks'))
    )


def downgrade() -> None:
    op.drop_table('job_marks')
