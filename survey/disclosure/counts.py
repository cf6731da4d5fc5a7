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


@dataclass(frozen=True)
class ProgressLine:
    """One line of a round's progress per role (P5, decided on submitted responses):
    ``started`` and ``submitted``, None for "fewer than 3"."""

    role: str
    started: int | None
    submitted: int | None
    reason: str | None = None


def progress_lines(by_role: Mapping[str, Mapping[str, int]]) -> list[ProgressLine]:
    """A role with 3 or more submitted responses shows its started and submitted counts;
    the other roles with any response are shown together as ``other``, their submitted
    total when it is 3 or more, else "fewer than 3" (and their started total with it)."""
    submitted = {role: counts.get("submitted", 0) for role, counts in by_role.items()}
    lines = []
    for line in role_counts(submitted):
        if line.role != OTHER_ROLES:
            lines.append(ProgressLine(line.role, by_role[line.role]["started"], line.count))
    pooled = [
        role
        for role, counts in by_role.items()
        if max(counts.get("started", 0), counts.get("submitted", 0)) > 0
        and counts.get("submitted", 0) < MIN_RESPONDENTS
    ]
    if pooled:
        started = sum(by_role[role].get("started", 0) for role in pooled)
        total = sum(submitted[role] for role in pooled)
        if total >= MIN_RESPONDENTS:
            lines.append(ProgressLine(OTHER_ROLES, started, total))
        else:
            lines.append(ProgressLine(OTHER_ROLES, None, None, FEW_IN_ROLE))
    return lines
