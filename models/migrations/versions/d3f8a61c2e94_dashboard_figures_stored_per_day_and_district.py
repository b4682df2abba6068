"""dashboard figures stored per day and district

The dashboard's money figures (contracts and outstanding principal by class, overdue at
each of the last 12 month ends, contracts near the 5-year limit) take the money rules
over every contract: seconds on a province. They are stored per register version and
day, per district, and trusted only while the register version is unchanged.

Revision ID: d3f8a61c2e94
Revises: b5e2c8d14f07
Create Date: 2026-11-30 12:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import models.base

revision: str = 'd3f8a61c2e94'
down_revision: str | None = 'b5e2c8d14f07'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('dashboard_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('register_version', sa.BigInteger(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('format', sa.Integer(), nullable=False),
    sa.Column('full', sa.Boolean(), nullable=False),
    sa.Column('figures', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('computed_at', models.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dashboard_figures')),
    sa.UniqueConstraint('register_version', 'day', name=op.f('uq_dashboard_figures_register_version_day'))
    )


def downgrade() -> None:
    op.drop_table('dashboard_figures')
