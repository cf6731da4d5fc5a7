"""Data for the dialogue kit: the 90-minute agenda and whom to invite for what.

The roles are those of ``instruments/data/vocabularies.yaml``. A dimension is looked
up as ``(instrument, dimension)`` first and by its dimension id alone after that, so a
new instrument that reuses a dimension name still finds its people; anything unknown
falls back to :data:`DEFAULT_ROLES`.
"""

from __future__ import annotations

from collections.abc import Mapping

# (block, minutes), in order; the blocks add up to 90 minutes.
AGENDA: tuple[tuple[str, int], ...] = (
    ("opening", 10),
    ("results", 15),
    ("weakest", 25),
    ("cases", 20),
    ("differences", 10),
    ("next_steps", 10),
)
SESSION_MINUTES = 90

# Who owns or lives with each dimension: communications for the guideline and the
# official accounts, HR for enforcement and training, IT for access and security,
# legal for records and legal risk, integrity for conduct and dialogue.
ROLES_BY_DIMENSION: Mapping[tuple[str, str], tuple[str, ...]] = {
    ("sm-maturity", "strategy"): ("management", "communications"),
    ("sm-maturity", "guideline"): ("communications", "integrity", "legal"),
    ("sm-maturity", "responsibility"): ("communications", "it"),
    ("sm-maturity", "awareness"): ("hr", "integrity", "staff"),
    ("sm-maturity", "enforcement"): ("hr", "legal", "integrity"),
    ("sm-maturity", "dialogue"): ("integrity", "staff"),
    ("ctg-access", "scope"): ("it", "communications"),
    ("ctg-access", "process"): ("it", "hr"),
    ("ctg-access", "uses"): ("communications", "staff"),
    ("ctg-access", "risk"): ("it", "legal"),
    ("ctg-acceptable-use", "expectations"): ("hr", "staff"),
    ("ctg-acceptable-use", "uses"): ("communications", "staff"),
    ("ctg-acceptable-use", "support"): ("hr", "communications"),
    ("ctg-acceptable-use", "oversight"): ("hr", "it", "legal"),
    ("ctg-conduct", "official"): ("communications", "integrity"),
    ("ctg-conduct", "personal"): ("integrity", "hr", "staff"),
    ("ctg-conduct", "engagement"): ("communications", "legal"),
    ("ctg-accounts", "inventory"): ("communications", "it"),
    ("ctg-accounts", "lifecycle"): ("communications", "it", "hr"),
    ("ctg-accounts", "security"): ("it",),
    ("ctg-accounts", "records"): ("legal", "it"),
}
DEFAULT_ROLES: tuple[str, ...] = ("integrity", "communications")


def invite_roles(instrument_id: str, dimension_id: str) -> tuple[str, ...]:
    """The roles to invite when ``dimension_id`` of ``instrument_id`` is weak."""
    found = ROLES_BY_DIMENSION.get((instrument_id, dimension_id))
    if found is not None:
        return found
    for (_, dimension), roles in ROLES_BY_DIMENSION.items():
        if dimension == dimension_id:
            return roles
    return DEFAULT_ROLES
