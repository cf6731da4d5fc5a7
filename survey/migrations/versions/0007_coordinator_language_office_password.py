"""coordinators' language: the notices they are sent (a round closed at its deadline)
are in the language they used when they claimed their account or accepted an
invitation; unknown (NULL) for accounts made before, who get both languages.
Integrity-office users' last password change: their sessions begun before it end.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("coordinators", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lang", sa.String(length=5), nullable=True))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("credentials_changed_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("credentials_changed_at")
    with op.batch_alter_table("coordinators", schema=None) as batch_op:
        batch_op.drop_column("lang")
