"""import runs: register imports from the console, checked then confirmed, with their progress

Revision ID: a7c3e9d2b410
Revises: a7c3e91d5b20
Create Date: 2026-11-25 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text  # autogenerate renders JSONB(astext_type=Text())
from sqlalchemy.dialects import postgresql

import models.base

revision: str = 'a7c3e9d2b410'
down_revision: str | None = 'a7c3e91d5b20'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:  # type: ignore[type-arg]
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('import_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('folder', sa.String(length=64), nullable=False),
    sa.Column('files', _json(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('files_done', sa.Integer(), nullable=False),
    sa.Column('files_total', sa.Integer(), nullable=False),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('current_file', sa.String(length=300), nullable=True),
    sa.Column('check_report', _json(), nullable=True),
    sa.Column('import_report', _json(), nullable=True),
    sa.Column('problem', sa.Text(), nullable=True),
    sa.Column('started_by', sa.String(length=64), nullable=False),
    sa.Column('started_by_name', sa.String(length=200), nullable=False),
    sa.Column('confirmed_by', sa.String(length=64), nullable=True),
    sa.Column('confirmed_by_name', sa.String(length=200), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('confirmed_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('finished_at', models.base.UTCDateTime(), nullable=True),
    sa.CheckConstraint("status in ('checking','checked','importing','imported','failed')",
                       name=op.f('ck_import_runs_status_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_runs')),
    sa.UniqueConstraint('folder', name=op.f('uq_import_runs_folder'))
    )
    with op.batch_alter_table('import_runs', schema=None) as batch_op:
        batch_op.create_index('ix_import_runs_created', ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('import_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_import_runs_created')
    op.drop_table('import_runs')
