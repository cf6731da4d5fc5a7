"""The publication rules as data: thresholds, forms, reason codes and their texts.

Everything that decides how a peer figure is published reads its numbers from here,
and every hidden figure carries one of the :data:`REASONS` codes, explained in
every language of the catalogue by :func:`explain`. :data:`PUBLICATION_RULES` is the table of
``docs/methodology.md`` ("Disclosure control"); a test keeps the two the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from survey.i18n import LANGUAGES, N_, translator

BAND_WIDTH = 5
"""P1: every peer score is replaced by its band [5b, 5b + 5) before any statistic."""
TOP_BAND = 100 // BAND_WIDTH - 1
"""The top band is [95, 100]: a score of 100 is in band 19."""
MIN_PEER_GROUP = 5
"""The floor: no peer figure about fewer than 5 organisations (u >= 4 with k >= 1)."""
MIN_UNKNOWN_MEDIAN = 4
"""P3: the median band and the own position need 4 organisations the reader does not know."""
MIN_UNKNOWN_QUARTILES = 10
"""P3: quartiles, top decile and the percentile position need 10 unknown organisations."""
MIN_RESPONDENTS = 3
"""P4/P5: an own score, a role count, needs 3 respondents."""


class Form(StrEnum):
    """How much of a peer group is published (P3), decided by its unknown count u."""

    COUNT = "count"
    MEDIAN = "median"
    QUARTILES = "quartiles"


class Position(StrEnum):
    """An organisation's own band against the median band of its peers."""

    BELOW = "below"
    IN = "in"
    ABOVE = "above"


FEW_UNKNOWN = "few_unknown"
QUARTILES_FEW_UNKNOWN = "quartiles_few_unknown"
FEW_RESPONDENTS = "few_respondents"
NO_SCORE = "no_score"
FEW_IN_ROLE = "few_in_role"
NOT_ASKED = "not_asked"
ROLE_NOT_ASKED = "role_not_asked"
NOT_IN_ROUND = "not_in_round"
FEW_IN_VIEW = "few_in_view"
COMPLEMENTARY = "complementary"
HIDDEN_PART = "hidden_part"
NO_PEERS = "no_peers"


REASONS: dict[str, str] = {
    FEW_UNKNOWN: N_(
        "Only the number of organisations is shown: fewer than 4 organisations whose scores a reader does not already know."
    ),
    QUARTILES_FEW_UNKNOWN: N_(
        "The spread of the peers (quartiles, top tenth, peers' points) needs 10 organisations whose scores a reader does not already know; there are fewer, so only the median band and the own position show."
    ),
    FEW_RESPONDENTS: N_("This score rests on fewer than 3 respondents."),
    NO_SCORE: N_("Your organisation has no score on this dimension."),
    NOT_ASKED: N_(
        "None of the role groups that answered is asked these questions (questions are routed by role)."
    ),
    ROLE_NOT_ASKED: N_(
        "This role group is not asked these questions (questions are routed by role)."
    ),
    NOT_IN_ROUND: N_("The questionnaire this figure comes from was not part of this round."),
    FEW_IN_VIEW: N_(
        "Fewer than 3 respondents of this role group answered here: a role group's figure needs 3."
    ),
    COMPLEMENTARY: N_(
        "Hidden with a smaller role group: shown, it would let that group's figure be worked out from the overall score."
    ),
    HIDDEN_PART: N_(
        "Hidden because a figure it is made of is hidden: shown, it would reveal that figure."
    ),
    NO_PEERS: N_("No organisation in this group has a score on this dimension."),
    FEW_IN_ROLE: N_(
        "Roles with fewer than 3 respondents are counted together; fewer than 3 in all."
    ),
}
"""Why a figure is not shown (or shown coarser): its text per reason code, in English
(the catalogue translates it)."""


def explain(code: str, lang: str) -> str:
    """The text of reason ``code`` in ``lang`` (one of :data:`survey.i18n.LANGUAGES`)."""
    try:
        text = REASONS[code]
    except KeyError:
        raise ValueError(f"unknown reason code {code!r}") from None
    return translator(lang).gettext(text)


def explanations(code: str | None) -> dict[str, str] | None:
    """The text of ``code`` in every language (for API answers and exports), or None."""
    if code is None:
        return None
    return {lang: explain(code, lang) for lang in LANGUAGES}


@dataclass(frozen=True)
class Publication:
    """One row of the publication rules table (mirrored in the methodology)."""

    statistic: str
    minimum: str
    form: str
    reason: str
    test: str


PUBLICATION_RULES: tuple[Publication, ...] = (
    Publication(
        "peer count",
        "none",
        "exact number of organisations with a score",
        "a count of organisations is not a result of any of them",
        "test_a_count_only_group_publishes_its_count",
    ),
    Publication(
        "median",
        "u >= 4",
        "5-point band, nearest rank",
        "a band of a nearest-rank order statistic depends on no score beyond its band",
        "test_forms_follow_the_unknown_count",
    ),
    Publication(
        "quartiles",
        "u >= 10",
        "5-point bands, nearest rank",
        "three more order statistics pin the bands of a small group",
        "test_forms_follow_the_unknown_count",
    ),
    Publication(
        "top decile",
        "u >= 10",
        "5-point band, nearest rank",
        "as quartiles; the exact interpolated value let a member solve for a neighbour",
        "test_group_of_seven_top_decile_attack_finds_the_old_leak",
    ),
    Publication(
        "own position",
        "u >= 4 (below / in / above the median band); u >= 10 (percentile of bands)",
        "position of the own band; whole percent of bands",
        "ranks among bands carry no score beyond a band",
        "test_own_position_against_the_median_band",
    ),
    Publication(
        "own score",
        "3 respondents",
        "exact, to the organisation itself only",
        "the organisation knows its own answers",
        "test_own_score_needs_three_respondents",
    ),
    Publication(
        "role views",
        "3 respondents (D2, scoring rules)",
        "exact",
        "see the role view rules",
        "tests/unit/test_anonymity.py",
    ),
    Publication(
        "counts per role",
        "3 respondents; smaller roles together",
        "exact count, or 'other roles' total, or 'fewer than 3'",
        "a count of 1 or 2 points at a person",
        "test_role_counts",
    ),
    Publication(
        "trend by year",
        "u >= 4 in that year's group",
        "median band per year",
        "each year is a peer group of its own under the same rules",
        "test_sector_trend_follows_the_forms",
    ),
    Publication(
        "peers' balance points",
        "u >= 4 (median bands); u >= 10 (banded points)",
        "5-point cells, unnamed",
        "a scatter of cells is the band distribution, published like quartiles",
        "test_balance_peers_forms",
    ),
    Publication(
        "named sharer scores (office export)",
        "the organisation chose to share; 3 respondents",
        "exact",
        "sharers count as known (k) in every group decision",
        "test_export_names_only_sharers_and_counts_them_known",
    ),
)
