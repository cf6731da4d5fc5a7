"""P5: how the number of respondents per role is published.

A role's count shows when it is 3 or more; the smaller roles are shown together as
"other roles" with their total when that total is 3 or more, else as "fewer than 3".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from survey.disclosure.rules import FEW_IN_ROLE, MIN_RESPONDENTS

OTHER_ROLES = "other"


@dataclass(frozen=True)
class RoleCount:
    """One published line: a role (or ``other``), its count or None, and why not.
    Which roles make up ``other`` is not published."""

    role: str
    count: int | None
    reason: str | None = None


def role_counts(counts: Mapping[str, int]) -> list[RoleCount]:
    """The published counts per role, largest first, then ``other`` (if any)."""
    if any(n < 0 for n in counts.values()):
        raise ValueError("counts must not be negative")
    present = {role: n for role, n in counts.items() if n > 0}
    shown = sorted(
        ((r, n) for r, n in present.items() if n >= MIN_RESPONDENTS), key=lambda x: (-x[1], x[0])
    )
    small = sorted(r for r, n in present.items() if n < MIN_RESPONDENTS)
    lines = [RoleCount(role, n) for role, n in shown]
    if small:
        total = sum(present[r] for r in small)
        if total >= MIN_RESPONDENTS:
            lines.append(RoleCount(OTHER_ROLES, total))
        else:
            lines.append(RoleCount(OTHER_ROLES, None, FEW_IN_ROLE))
    return lines
