"""scoring version 2: views, uses, orientation with margins, fragility, left-out counts

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _round_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["round_id"],
        ["rounds.id"],
        name=op.f(f"fk_{table}_round_id_rounds"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scheme", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("control_margin", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("enablement_margin", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("near_line", sa.Boolean(), nullable=True))
        batch_op.add_column(
            sa.Column("control_left_out", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("enablement_left_out", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("dimension_results", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ungated_level", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("left_out", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("fragile", sa.Boolean(), nullable=True))
    with op.batch_alter_table("item_results", schema=None) as batch_op:
        batch_op.add_column(sa.Column("level", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("advice", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("left_out", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "use_results",
        sa.Column("round_id", sa.String(length=36), nullable=False),
        sa.Column("instrument_id", sa.String(length=60), nullable=False),
        sa.Column("use", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("respondents", sa.Integer(), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.Column("left_out", sa.Integer(), nullable=False),
        sa.Column("fragile", sa.Boolean(), nullable=True),
        _round_fk("use_results"),
        sa.PrimaryKeyConstraint("round_id", "instrument_id", "use", name=op.f("pk_use_results")),
    )
    op.create_table(
        "orientation_results",
        sa.Column("round_id", sa.String(length=36), nullable=False),
        sa.Column("instrument_id", sa.String(length=60), nullable=False),
        sa.Column("control", sa.Float(), nullable=True),
        sa.Column("enablement", sa.Float(), nullable=True),
        sa.Column("quadrant", sa.String(length=20), nullable=True),
        sa.Column("control_respondents", sa.Integer(), nullable=False),
        sa.Column("enablement_respondents", sa.Integer(), nullable=False),
        sa.Column("control_margin", sa.Float(), nullable=True),
        sa.Column("enablement_margin", sa.Float(), nullable=True),
        sa.Column("near_line", sa.Boolean(), nullable=True),
        sa.Column("control_left_out", sa.Integer(), nullable=False),
        sa.Column("enablement_left_out", sa.Integer(), nullable=False),
        _round_fk("orientation_results"),
        sa.PrimaryKeyConstraint("round_id", "instrument_id", name=op.f("pk_orientation_results")),
    )
    op.create_table(
        "view_results",
        sa.Column("round_id", sa.String(length=36), nullable=False),
        sa.Column("instrument_id", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("figure_id", sa.String(length=80), nullable=False),
        sa.Column("view", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("respondents", sa.Integer(), nullable=False),
        _round_fk("view_results"),
        sa.PrimaryKeyConstraint(
            "round_id", "instrument_id", "kind", "figure_id", "view", name=op.f("pk_view_results")
        ),
    )


def downgrade() -> None:
    op.drop_table("view_results")
    op.drop_table("orientation_results")
    op.drop_table("use_results")
    with op.batch_alter_table("item_results", schema=None) as batch_op:
        batch_op.drop_column("left_out")
        batch_op.drop_column("advice")
        batch_op.drop_column("level")
    with op.batch_alter_table("dimension_results", schema=None) as batch_op:
        batch_op.drop_column("fragile")
        batch_op.drop_column("left_out")
        batch_op.drop_column("ungated_level")
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_column("enablement_left_out")
        batch_op.drop_column("control_left_out")
        batch_op.drop_column("near_line")
        batch_op.drop_column("enablement_margin")
        batch_op.drop_column("control_margin")
        batch_op.drop_column("scheme")
