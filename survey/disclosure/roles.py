"""What of an organisation's own results may be shown (organisation-level disclosure).

Every page, API answer, report and export of a round's results goes through
:func:`anonymise_scores`; nothing else re-implements these thresholds. The rules, in
plain language, are in ``docs/methodology.md`` ("Role views and the organisation
score" for schema 2, "Role groups" for schema 1).

Schema 1 (kept unchanged for schema-1 rounds):

* A role-group figure needs at least ``MIN_ROLE_GROUP`` respondents, and the shown
  role groups must never let a hidden group be derived from the overall score
  (complementary suppression, see :func:`visible_role_groups`).
* Any organisation-level figure needs at least ``MIN_ROLE_GROUP`` respondents
  behind it (an overall score of two respondents is a role group of two).

Schema 2 (decision D2): scoring itself builds every organisation figure from views of
at least ``MIN_ROLE_GROUP`` respondents (role groups of 3 or more, the pooled "other
roles", and answers of a pool of 1-2 left out), so every view may show and no
complementary suppression is needed; organisation figures still need
``MIN_ROLE_GROUP`` respondents behind them.

This module imports nothing from :mod:`survey.scoring` (scoring uses its rules), so
the two never import each other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar

import polars as pl

from survey.disclosure.rules import (
    COMPLEMENTARY,
    FEW_IN_VIEW,
    FEW_RESPONDENTS,
    HIDDEN_PART,
    NOT_ASKED,
    NOT_IN_ROUND,
    ROLE_NOT_ASKED,
)

if TYPE_CHECKING:
    from survey.scoring.results import Scores

MIN_ROLE_GROUP = 3
"""Respondents behind any role-group figure, view or organisation figure."""

FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)

ROLE_KEYS = ("organisation_id", "instrument_id", "dimension_id")


def organisation_suppressed(respondents: int | None) -> bool:
    """True when an organisation-level figure rests on too few respondents to show."""
    if respondents is not None and respondents < 0:
        raise ValueError("respondents must not be negative")
    return respondents is None or respondents < MIN_ROLE_GROUP


def figure_reason(
    respondents: int | None, *, asked: bool = True, in_round: bool = True
) -> str | None:
    """Why an organisation figure is hidden (a reason code of
    :mod:`survey.disclosure.rules`), or None when it shows: its questionnaire was not
    in the round, none of the roles that answered is asked its questions (schema-2
    routing), or fewer than ``MIN_ROLE_GROUP`` respondents stand behind it."""
    if not in_round:
        return NOT_IN_ROUND
    if not asked:
        return NOT_ASKED
    return FEW_RESPONDENTS if organisation_suppressed(respondents) else None


def composite_reason(parts: Sequence[str | None]) -> str | None:
    """Why a figure made of ``parts`` (the reasons of its parts, None for a shown part)
    is hidden: the parts' own reason when they share it and it is not the number of
    respondents (a questionnaire that was not taken, questions nobody was asked), else
    ``hidden_part``; None when every part shows."""
    hidden = {reason for reason in parts if reason is not None}
    if not hidden:
        return None
    if len(hidden) == 1 and hidden <= {NOT_IN_ROUND, NOT_ASKED}:
        return next(iter(hidden))
    return HIDDEN_PART


def role_cell_reason(
    scheme: int, respondents: int | None, *, suppressed: bool, asked: bool = True
) -> str | None:
    """Why a role group's figure is hidden, or None when it shows.

    ``respondents`` are the role's respondents with a value in the figure (None when
    the scoring made no figure for the role). Schema 1: fewer than ``MIN_ROLE_GROUP``
    is ``few_in_view``; a larger group hidden by :func:`visible_role_groups` step 3 is
    ``complementary``. Schema 2 hides no view of 3 or more, so a missing view is
    ``role_not_asked`` (routing) or ``few_in_view`` (fewer than 3 of the role have a value
    there, or the role is pooled)."""
    if not suppressed:
        return None
    if not asked:
        return ROLE_NOT_ASKED
    if scheme == 1 and respondents is not None and respondents >= MIN_ROLE_GROUP:
        return COMPLEMENTARY
    return FEW_IN_VIEW


def visible_role_groups(
    respondents_by_role: Mapping[str, int], *, minimum: int = MIN_ROLE_GROUP
) -> frozenset[str]:
    """The role groups whose figures may be shown next to the overall score.

    ``respondents_by_role`` counts, per role group, the respondents whose answers
    make up that group's figure; groups with 0 respondents have no figure and take
    no part in the overall score, so they are ignored.

    1. A group with fewer than ``minimum`` respondents is hidden.
    2. The overall score is the mean of all group figures, so the hidden groups
       together can be derived from it and the shown ones. That combined figure
       must itself be safe: the hidden groups must be at least two groups with at
       least ``minimum`` respondents in total.
    3. If they are not, the smallest shown group (fewest respondents, then the
       first role name) is hidden as well. Since every shown group has at least
       ``minimum`` respondents, one extra group always makes the hidden part
       safe; when no shown group is left, all are hidden.
    """
    if minimum < 1:
        raise ValueError("minimum must be at least 1")
    if any(count < 0 for count in respondents_by_role.values()):
        raise ValueError("respondent counts must not be negative")
    present = {role: count for role, count in respondents_by_role.items() if count > 0}
    shown = {role for role, count in present.items() if count >= minimum}
    hidden = present.keys() - shown
    if not hidden:
        return frozenset(shown)
    if len(hidden) >= 2 and sum(present[role] for role in hidden) >= minimum:
        return frozenset(shown)
    if not shown:
        return frozenset()
    smallest = min(shown, key=lambda role: (present[role], role))
    return frozenset(shown - {smallest})


def mark_visible_role_groups(
    frame: FrameT,
    by: Sequence[str],
    *,
    role: str = "role",
    respondents: str = "respondents",
    minimum: int = MIN_ROLE_GROUP,
    name: str = "visible",
) -> FrameT:
    """Add a boolean column ``name``: :func:`visible_role_groups`, vectorised.

    ``frame`` has one row per role group and figure; the columns ``by`` name the
    figure (for example organisation, instrument and dimension). Ties between
    equally small shown groups go to the first ``role`` in sort order (for an
    unsigned integer ``role`` column, the smallest code). Row order is kept.
    """
    if minimum < 1:
        raise ValueError("minimum must be at least 1")
    if not by:
        raise ValueError("by must name at least one column")
    keys = list(by)
    count = pl.col(respondents).fill_null(0)
    shown = count >= minimum
    small = (count > 0) & ~shown
    if frame.collect_schema()[role].is_unsigned_integer():
        order = pl.col(role).cast(pl.UInt64)
    else:
        order = pl.col(role).rank("dense").cast(pl.UInt64)
    # One number per shown group that sorts by (respondents, role). Computed before
    # the windows: inside .over() the rank would restart in every figure.
    size_then_role = "__size_then_role"
    sized = frame.with_columns(
        pl.when(shown).then(count.cast(pl.UInt64) * 2**32 + order).alias(size_then_role)
    )
    hidden_groups = small.sum().over(keys)
    hidden_total = pl.when(small).then(count).otherwise(0).sum().over(keys)
    safe = (hidden_groups == 0) | ((hidden_groups >= 2) & (hidden_total >= minimum))
    smallest = pl.col(size_then_role) == pl.col(size_then_role).min().over(keys)
    spared = safe | ~smallest.fill_null(False)
    return sized.with_columns((shown & spared).alias(name)).drop(size_then_role)


def suppress_role_groups(
    role_scores: FrameT,
    *,
    by: Sequence[str] = ROLE_KEYS,
    role: str = "role",
    respondents: str = "respondents",
    columns: Sequence[str] = ("score",),
) -> FrameT:
    """Add ``suppressed`` and null ``columns`` of the role groups that may not show.

    Decided per figure (``by``, by default organisation, instrument and dimension)
    from the respondent counts, with :func:`visible_role_groups`' rule.
    """
    marked = mark_visible_role_groups(
        role_scores, by, role=role, respondents=respondents, name="suppressed"
    )
    return marked.with_columns(~pl.col("suppressed")).with_columns(
        pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(name)).alias(name)
        for name in columns
    )


def suppress_small_counts(
    frame: FrameT,
    *,
    count: str,
    columns: Sequence[str],
    flag: str = "suppressed",
) -> FrameT:
    """Add ``flag`` and null ``columns`` where ``count`` respondents are too few to show."""
    return frame.with_columns(
        (pl.col(count).fill_null(0) < MIN_ROLE_GROUP).alias(flag)
    ).with_columns(
        pl.when(pl.col(flag)).then(None).otherwise(pl.col(name)).alias(name) for name in columns
    )


def anonymise_dimensions(dimensions: FrameT) -> FrameT:
    """Organisation dimension scores as may be shown: score and level nulled (with
    ``suppressed``) below ``MIN_ROLE_GROUP`` respondents, the don't-know rate (with
    ``dont_know_suppressed``) below as many answering respondents."""
    shown = suppress_small_counts(dimensions, count="respondents", columns=("score", "level"))
    return suppress_small_counts(
        shown,
        count="answering_respondents",
        columns=("dont_know_rate",),
        flag="dont_know_suppressed",
    )


def anonymise_scores(scores: Scores) -> Scores:
    """Everything in ``scores`` that may be shown, with the rest nulled or removed.

    * respondent-level scores are removed (never shown);
    * role groups: schema 1 :func:`suppress_role_groups`; schema 2 every view shows
      (each has at least ``MIN_ROLE_GROUP`` respondents by construction);
    * organisation figures (dimension, item, use, balance scores, don't-know rates)
      with fewer than ``MIN_ROLE_GROUP`` respondents behind them are nulled;
    * an instrument score is nulled when any dimension score it averages is
      (otherwise the hidden dimension follows from the instrument score);
    * the quadrant is nulled when either balance score is; coherence and the
      priorities are recomputed from the anonymised figures, so they never rest
      on a hidden one.
    """
    dimensions = anonymise_dimensions(scores.dimensions)
    instruments = suppress_small_counts(
        scores.instruments, count="min_respondents", columns=("score", "level")
    )
    items = suppress_small_counts(scores.items, count="respondents", columns=("score", "priority"))
    items = suppress_small_counts(
        items, count="answered", columns=("dont_know_rate",), flag="dont_know_suppressed"
    )
    frames = {
        "respondent_dimensions": scores.respondent_dimensions.clear(),
        "dimensions": dimensions,
        "instruments": instruments,
        "items": items,
        "balance": _shown_balance(scores.balance),
    }
    if scores.scheme == 2:
        frames["role_dimensions"] = _views_shown(scores.role_dimensions)
        frames["views"] = _views_shown(scores.views)
        frames["uses"] = suppress_small_counts(
            scores.uses, count="respondents", columns=("score", "level")
        )
        frames["orientations"] = _shown_balance(scores.orientations)
    else:
        frames["role_dimensions"] = suppress_role_groups(scores.role_dimensions)
    return scores.with_figures(**frames)


def _shown_balance(balance: pl.DataFrame) -> pl.DataFrame:
    """Control and enablement each need ``MIN_ROLE_GROUP`` respondents; the quadrant both."""
    shown = suppress_small_counts(
        balance, count="control_respondents", columns=("control",), flag="control_suppressed"
    )
    shown = suppress_small_counts(
        shown,
        count="enablement_respondents",
        columns=("enablement",),
        flag="enablement_suppressed",
    )
    return shown.with_columns(
        pl.when(pl.col("control_suppressed") | pl.col("enablement_suppressed"))
        .then(None)
        .otherwise(pl.col("quadrant"))
        .alias("quadrant")
    )


def _views_shown(views: pl.DataFrame) -> pl.DataFrame:
    """Schema 2: a view has ``MIN_ROLE_GROUP`` respondents or it does not exist; the
    check stays here so that a view that breaks the rule can never show."""
    return suppress_small_counts(views, count="respondents", columns=("score",))
