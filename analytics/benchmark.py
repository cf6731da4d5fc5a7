"""Peer benchmarks: pure Polars functions from stored closed-round results to statistics.

Input: a ``results`` frame (see :data:`RESULTS_SCHEMA`), one row per organisation ×
closed round × instrument × dimension, as stored when a round closes (never raw
answers). Every function returns a new frame with named, typed columns.

Peers
-----
An organisation's *representative* is its latest closed round on an instrument
version (ties broken by round id). Peer groups (:data:`PEER_GROUPS`) are all
organisations, or those sharing the sector, size band, country, sector and size
band, or sector and country. Scores are compared only on the same instrument version,
and synthetic (demo) organisations only with each other: ``synthetic`` is part of
every group key and of every output. The organisation itself is one of its peers.

A peer group's ``peer_count`` on a dimension is the number of organisations whose
representative has a defined score on that dimension (the values the statistics rest
on). ``median``, ``q1``, ``q3`` and ``top_decile`` are the 0.5, 0.25, 0.75 and 0.9
quantiles with linear interpolation between closest ranks (numpy's default).
``percentile`` = 100 × (peers scoring lower + ½ × peers scoring the same) / peer_count,
the organisation itself included among the peers scoring the same.

What is shown, and why nothing hidden can be derived
----------------------------------------------------
* ``peer_count`` always shows, also for a suppressed group (the issue allows it: a
  count of organisations is not a result of any of them).
* A group is suppressed (``suppressed`` true, every statistic and every member's
  percentile null) when :func:`survey.anonymity.peer_group_suppressed` says its count
  is too small (``suppression = "peer_count"``).
* Only order statistics are published (quantiles and percentile ranks), never a sum or
  a mean, so the classic differencing attack (a total minus the shown parts gives the
  hidden part) has nothing to subtract. What remains is two *nested* groups whose
  difference is a handful of organisations: a group of 6 and a nested group of 5 both
  shown let anyone solve for the sixth organisation's score from the two sets of
  quantiles, and a group of 5 shown around a hidden nested group of 4 lets the fifth
  organisation, which knows its own score, solve for the hidden group's figures. So the
  difference between two nested peer groups (all ⊃ sector ⊃ sector × size band, …) is
  judged by the same anonymity function, and where it is too small but not zero
  (``suppression = "difference"``):

  - the nested group is suppressed when it is itself large enough to show (it is
    then nearly the same as the enclosing group, so little is lost, and the
    enclosing group alone reveals nothing about the few organisations outside it);
  - the enclosing group is suppressed when the nested group is already suppressed
    for its count (that enclosing group has fewer than twice the minimum).

  Decisions rest on counts only, so they do not depend on the order of evaluation and
  every page, export and API answer that uses these functions reaches the same ones.
* An organisation's own ``score`` (and its ``percentile``) is nulled with
  ``score_suppressed`` when too few respondents stand behind it
  (:func:`survey.disclosure.roles.suppress_small_counts`), as on its results page; it still
  counts as a peer value inside statistics of 5 or more organisations.
* :func:`sector_trend` guards each year's population the same way; a year's sector group
  whose members all closed their latest round in that year holds current values, so it
  is also judged against the current sector and all groups (see the function).
* :func:`balance_peers` shows the peers' balance points unnamed (no ids, sorted by
  value), only for a group that the same rules leave unsuppressed: a scatter shows
  every value, so two nested groups differing by one organisation would show its point.

Limits: quantiles of a group of 5 pin down most of its (unnamed) values; that is
inherent in publishing quartiles from 5 organisations, as the issue asks. The guard
covers nested peer groups of one population and the year view against the current
one; it does not cover a small year group inside a shown current group, nor
differences over time (a group before and after one organisation closes a new round).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

from survey import anonymity
from survey.disclosure import roles

RESULTS_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "round_id": pl.String(),
    "instrument_id": pl.String(),
    "instrument_version": pl.String(),
    "dimension_id": pl.String(),
    "score": pl.Float64(),
    "respondents": pl.Int64(),
    "closed_at": pl.Datetime("us", "UTC"),
    "sector": pl.String(),
    "size_band": pl.String(),
    "country": pl.String(),
    "synthetic": pl.Boolean(),
}

ATTRIBUTES = ("sector", "size_band", "country")
PEER_GROUPS: Mapping[str, tuple[str, ...]] = {
    "all": (),
    "sector": ("sector",),
    "size_band": ("size_band",),
    "country": ("country",),
    "sector,size_band": ("sector", "size_band"),
    "sector,country": ("sector", "country"),
}
SCOPE = ("instrument_id", "instrument_version", "dimension_id")
QUANTILES = {"median": 0.5, "q1": 0.25, "q3": 0.75, "top_decile": 0.9}
STATISTICS = tuple(QUANTILES)
SUPPRESSED_FOR_COUNT = "peer_count"
SUPPRESSED_FOR_DIFFERENCE = "difference"

PEER_STATISTICS_SCHEMA: dict[str, pl.DataType] = {
    "peer_group": pl.String(),
    "synthetic": pl.Boolean(),
    "sector": pl.String(),
    "size_band": pl.String(),
    "country": pl.String(),
    "instrument_id": pl.String(),
    "instrument_version": pl.String(),
    "dimension_id": pl.String(),
    "peer_count": pl.Int64(),
    "suppressed": pl.Boolean(),
    "suppression": pl.String(),
    **{name: pl.Float64() for name in STATISTICS},
}
PERCENTILE_SCHEMA: dict[str, pl.DataType] = {
    "peer_group": pl.String(),
    "organisation_id": pl.String(),
    "round_id": pl.String(),
    "synthetic": pl.Boolean(),
    "sector": pl.String(),
    "size_band": pl.String(),
    "country": pl.String(),
    "instrument_id": pl.String(),
    "instrument_version": pl.String(),
    "dimension_id": pl.String(),
    "score": pl.Float64(),
    "respondents": pl.Int64(),
    "score_suppressed": pl.Boolean(),
    "peer_count": pl.Int64(),
    "suppressed": pl.Boolean(),
    "suppression": pl.String(),
    "percentile": pl.Float64(),
}
BENCHMARK_SCHEMA: dict[str, pl.DataType] = {
    **PERCENTILE_SCHEMA,
    **{name: pl.Float64() for name in STATISTICS},
}
TREND_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "round_id": pl.String(),
    "round_number": pl.Int64(),
    "closed_at": pl.Datetime("us", "UTC"),
    "instrument_id": pl.String(),
    "instrument_version": pl.String(),
    "dimension_id": pl.String(),
    "score": pl.Float64(),
    "respondents": pl.Int64(),
    "score_suppressed": pl.Boolean(),
    "previous_score": pl.Float64(),
    "change": pl.Float64(),
}
SECTOR_TREND_SCHEMA: dict[str, pl.DataType] = {
    "synthetic": pl.Boolean(),
    "sector": pl.String(),
    "year": pl.Int32(),
    "instrument_id": pl.String(),
    "instrument_version": pl.String(),
    "dimension_id": pl.String(),
    "peer_count": pl.Int64(),
    "suppressed": pl.Boolean(),
    "suppression": pl.String(),
    "median": pl.Float64(),
}


# --- input ----------------------------------------------------------------


def validate_results(results: pl.DataFrame) -> pl.DataFrame:
    """``results`` with exactly the columns of :data:`RESULTS_SCHEMA`, cast to its types.

    A naive ``closed_at`` is taken to be UTC. Raises ``ValueError`` naming a missing
    column or one that cannot be cast.
    """
    columns = []
    for name, dtype in RESULTS_SCHEMA.items():
        if name not in results.columns:
            raise ValueError(f"results: missing column '{name}'")
        column = results.get_column(name)
        if name == "closed_at" and isinstance(column.dtype, pl.Datetime):
            if column.dtype.time_zone is None:
                column = column.dt.replace_time_zone("UTC")
            column = column.dt.convert_time_zone("UTC")
        try:
            columns.append(column.cast(dtype, strict=True))
        except (pl.exceptions.PolarsError, TypeError) as error:
            raise ValueError(f"results: column '{name}' is not {dtype}") from error
    return pl.DataFrame(columns)


def empty(schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(schema=dict(schema))


def _shaped(frame: pl.DataFrame, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """``frame`` with ``schema``'s columns in order; absent ones as typed nulls."""
    return frame.select(
        pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype).alias(name)
        for name, dtype in schema.items()
    )


def _columns(peer_group: str) -> tuple[str, ...]:
    try:
        return PEER_GROUPS[peer_group]
    except KeyError:
        known = ", ".join(PEER_GROUPS)
        raise ValueError(f"unknown peer group '{peer_group}' (known: {known})") from None


def _keys(peer_group: str, within: tuple[str, ...] = ()) -> list[str]:
    """A peer group's key columns; ``within`` partitions the population further (year)."""
    return ["synthetic", *within, *_columns(peer_group), *SCOPE]


# --- representatives ---------------------------------------------------------


def representatives(results: pl.DataFrame) -> pl.DataFrame:
    """Each organisation's latest closed round per instrument and version (all its
    dimension rows). Columns: those of :data:`RESULTS_SCHEMA`."""
    frame = validate_results(results)
    owner = ["organisation_id", "instrument_id", "instrument_version"]
    latest = (
        frame.select(*owner, "closed_at", "round_id")
        .unique()
        .group_by(owner)
        .agg(pl.col("round_id").sort_by("closed_at", "round_id").last())
    )
    return frame.join(latest, on=[*owner, "round_id"], how="semi").sort("organisation_id", *SCOPE)


def representatives_by_year(results: pl.DataFrame) -> pl.DataFrame:
    """Each organisation's latest closed round per instrument, version and calendar
    year (UTC) of closing. Columns: those of :data:`RESULTS_SCHEMA` and ``year``."""
    frame = validate_results(results).with_columns(pl.col("closed_at").dt.year().alias("year"))
    owner = ["organisation_id", "instrument_id", "instrument_version", "year"]
    latest = (
        frame.select(*owner, "closed_at", "round_id")
        .unique()
        .group_by(owner)
        .agg(pl.col("round_id").sort_by("closed_at", "round_id").last())
    )
    return frame.join(latest, on=[*owner, "round_id"], how="semi").sort(
        "organisation_id", "year", *SCOPE
    )


# --- suppression ---------------------------------------------------------------


def _too_small(counts: pl.Series) -> pl.Series:
    """:func:`survey.anonymity.peer_group_suppressed` for every count in ``counts``.

    The rule is asked once per distinct count and the answers mapped back, so the one
    anonymity function decides while the frame stays vectorised.
    """
    distinct = counts.drop_nulls().unique().to_list()
    answers = {int(n): anonymity.peer_group_suppressed(int(n)) for n in distinct}
    return counts.replace_strict(answers, return_dtype=pl.Boolean).cast(pl.Boolean)


def _differs_a_little(difference: pl.Series) -> pl.Series:
    """A difference of 1 or more organisations that would itself be suppressed."""
    return (difference > 0) & _too_small(difference.clip(lower_bound=0))


def _peer_counts(
    reps: pl.DataFrame, within: tuple[str, ...] = (), groups: Iterable[str] = PEER_GROUPS
) -> dict[str, pl.DataFrame]:
    """Per peer group: its key columns and ``peer_count`` (defined scores)."""
    return {
        group: reps.group_by(_keys(group, within)).agg(
            pl.col("score").count().cast(pl.Int64).alias("peer_count")
        )
        for group in groups
    }


def _nested_in(group: str) -> list[str]:
    """Peer groups nested in ``group`` (their key columns strictly include its own)."""
    own = set(_columns(group))
    return [g for g, cols in PEER_GROUPS.items() if own < set(cols)]


def _enclosing(group: str) -> list[str]:
    own = set(_columns(group))
    return [g for g, cols in PEER_GROUPS.items() if set(cols) < own]


def _suppression(
    counts: Mapping[str, pl.DataFrame], group: str, within: tuple[str, ...] = ()
) -> pl.DataFrame:
    """Per group of ``group``: keys, peer_count, suppressed, suppression (see module)."""
    keys = _keys(group, within)
    own = counts[group]
    own = own.with_columns(_too_small(own.get_column("peer_count")).alias("small"))
    flagged: list[pl.DataFrame] = []
    for inner in _nested_in(group):
        pairs = counts[inner].join(own, on=keys, suffix="_outer", nulls_equal=True)
        inner_small = _too_small(pairs.get_column("peer_count"))
        difference = pairs.get_column("peer_count_outer") - pairs.get_column("peer_count")
        hit = inner_small & _differs_a_little(difference)
        flagged.append(pairs.filter(hit).select(keys))
    for outer in _enclosing(group):
        pairs = own.join(counts[outer], on=_keys(outer, within), suffix="_outer", nulls_equal=True)
        difference = pairs.get_column("peer_count_outer") - pairs.get_column("peer_count")
        hit = ~pairs.get_column("small") & _differs_a_little(difference)
        flagged.append(pairs.filter(hit).select(keys))
    differencing = pl.concat(flagged).unique() if flagged else own.select(keys).clear()
    return (
        own.join(
            differencing.with_columns(pl.lit(True).alias("difference")),
            on=keys,
            how="left",
            nulls_equal=True,
        )
        .with_columns(
            pl.when(pl.col("small"))
            .then(pl.lit(SUPPRESSED_FOR_COUNT))
            .when(pl.col("difference").fill_null(False))
            .then(pl.lit(SUPPRESSED_FOR_DIFFERENCE))
            .otherwise(pl.lit(None, pl.String))
            .alias("suppression")
        )
        .with_columns(pl.col("suppression").is_not_null().alias("suppressed"))
        .select(*keys, "peer_count", "suppressed", "suppression")
    )


def _statistics(reps: pl.DataFrame, group: str) -> pl.DataFrame:
    keys = _keys(group)
    return reps.group_by(keys).agg(
        pl.col("score").quantile(q, interpolation="linear").alias(name)
        for name, q in QUANTILES.items()
    )


def _hide(columns: Iterable[str], when: pl.Expr) -> list[pl.Expr]:
    return [pl.when(when).then(None).otherwise(pl.col(c)).alias(c) for c in columns]


# --- statistics and percentiles -------------------------------------------------


def _peer_statistics(reps: pl.DataFrame, group: str, suppression: pl.DataFrame) -> pl.DataFrame:
    keys = _keys(group)
    frame = suppression.join(_statistics(reps, group), on=keys, nulls_equal=True).with_columns(
        *_hide(STATISTICS, pl.col("suppressed")), pl.lit(group).alias("peer_group")
    )
    return _shaped(frame, PEER_STATISTICS_SCHEMA)


def peer_statistics(representatives: pl.DataFrame, group_by: str) -> pl.DataFrame:
    """Statistics per group of peer group ``group_by`` × instrument × version × dimension.

    Columns: peer_group, synthetic, sector, size_band, country (null where not part of
    the peer group), instrument_id, instrument_version, dimension_id, peer_count,
    suppressed, suppression (null | "peer_count" | "difference"), median, q1, q3,
    top_decile (all null when suppressed).
    """
    _columns(group_by)
    reps = validate_results(representatives)
    suppression = _suppression(_peer_counts(reps), group_by)
    return _peer_statistics(reps, group_by, suppression).sort(_keys(group_by), nulls_last=True)


def _percentile_ranks(
    reps: pl.DataFrame, group: str, suppression: pl.DataFrame, keep: tuple[str, ...] = ()
) -> pl.DataFrame:
    keys = _keys(group)
    # count(lower) + ½ count(equal) = (lowest rank − 1) + ½ (highest − lowest + 1)
    # = average rank − ½, the organisation itself among the equal ones.
    ranked = reps.with_columns(pl.col("score").rank("average").over(keys).alias("rank"))
    frame = roles.suppress_small_counts(
        ranked.join(suppression, on=keys, nulls_equal=True),
        count="respondents",
        columns=("score",),
        flag="score_suppressed",
    ).with_columns(
        pl.when(~pl.col("suppressed") & pl.col("score").is_not_null())
        .then(100.0 * (pl.col("rank") - 0.5) / pl.col("peer_count"))
        .otherwise(None)
        .alias("percentile"),
        pl.lit(group).alias("peer_group"),
    )
    return _shaped(frame, {**PERCENTILE_SCHEMA, **{c: frame.schema[c] for c in keep}})


def percentile_ranks(representatives: pl.DataFrame, group_by: str) -> pl.DataFrame:
    """Each organisation's percentile rank within its group of peer group ``group_by``.

    Columns: peer_group, organisation_id, round_id, synthetic, sector, size_band,
    country (the organisation's own), instrument_id, instrument_version, dimension_id,
    score (null when score_suppressed), respondents, score_suppressed, peer_count,
    suppressed, suppression, percentile (null when the group is suppressed or the
    organisation's score is undefined or suppressed).
    """
    _columns(group_by)
    reps = validate_results(representatives)
    suppression = _suppression(_peer_counts(reps), group_by)
    return _percentile_ranks(reps, group_by, suppression).sort("organisation_id", *SCOPE)


def _benchmark_group(
    reps: pl.DataFrame,
    group: str,
    counts: Mapping[str, pl.DataFrame],
    keep: tuple[str, ...] = (),
) -> pl.DataFrame:
    keys = _keys(group)
    suppression = _suppression(counts, group)
    statistics = _peer_statistics(reps, group, suppression).select(*keys, *STATISTICS)
    frame = _percentile_ranks(reps, group, suppression, keep).join(
        statistics, on=keys, nulls_equal=True
    )
    return _shaped(frame, {**BENCHMARK_SCHEMA, **{c: frame.schema[c] for c in keep}})


def benchmark_all(representatives: pl.DataFrame) -> pl.DataFrame:
    """Every organisation × instrument × version × dimension × peer group, by joins and
    group-bys per peer group (no loop over organisations). Columns:
    :data:`BENCHMARK_SCHEMA`: those of :func:`percentile_ranks` and the group's median,
    q1, q3 and top_decile. Rows follow the representatives' order (organisation,
    instrument, version, dimension), then :data:`PEER_GROUPS` order."""
    reps = validate_results(representatives).with_row_index("_row")
    counts = _peer_counts(reps)
    frames = [
        _benchmark_group(reps, group, counts, keep=("_row",)).with_columns(
            pl.lit(n, pl.UInt32).alias("_group")
        )
        for n, group in enumerate(PEER_GROUPS)
    ]
    return pl.concat(frames).sort("_row", "_group").drop("_row", "_group")


def benchmark(
    results: pl.DataFrame, organisation_id: str, round_id: str, peer_group: str
) -> pl.DataFrame:
    """One closed round of one organisation against its peer group.

    The round stands in as the organisation's representative (an earlier round is
    compared as it would have been had it been the latest); the peers are the other
    organisations' representatives on the same instrument versions, real or synthetic
    like the organisation. Suppression is decided over the whole population, so the
    differencing guard sees the enclosing and nested groups. Columns:
    :data:`BENCHMARK_SCHEMA`, one row per instrument and dimension of the round.
    """
    _columns(peer_group)
    frame = validate_results(results)
    viewed = frame.filter(
        (pl.col("organisation_id") == organisation_id) & (pl.col("round_id") == round_id)
    )
    if viewed.is_empty():
        return empty(BENCHMARK_SCHEMA)
    synthetic = viewed.get_column("synthetic")[0]
    versions = viewed.select("instrument_id", "instrument_version").unique()
    peers = frame.filter(
        (pl.col("organisation_id") != organisation_id) & (pl.col("synthetic") == synthetic)
    ).join(versions, on=["instrument_id", "instrument_version"], how="semi")
    reps = pl.concat([representatives(peers), viewed])
    related = [peer_group, *_nested_in(peer_group), *_enclosing(peer_group)]
    counts = _peer_counts(reps, groups=related)
    own = viewed.row(0, named=True)
    same_group = [pl.col(c) == own[c] for c in PEER_GROUPS[peer_group]]
    group_members = reps.filter(*same_group) if same_group else reps
    return (
        _benchmark_group(group_members, peer_group, counts)
        .filter(pl.col("organisation_id") == organisation_id)
        .sort(*SCOPE)
    )


# --- trends ----------------------------------------------------------------------


def organisation_trend(results: pl.DataFrame, organisation_id: str) -> pl.DataFrame:
    """An organisation's closed rounds side by side, oldest first.

    ``round_number`` counts the organisation's closed rounds (1 = oldest);
    ``previous_score`` and ``change`` compare with the previous round on the same
    instrument version only (scores are never compared across versions). Scores with
    too few respondents are nulled (``score_suppressed``). Columns: :data:`TREND_SCHEMA`.
    """
    frame = validate_results(results).filter(pl.col("organisation_id") == organisation_id)
    rounds = (
        frame.select("round_id", "closed_at")
        .unique()
        .sort("closed_at", "round_id")
        .with_row_index("round_number", offset=1)
    )
    shown = roles.suppress_small_counts(
        frame, count="respondents", columns=("score",), flag="score_suppressed"
    )
    trend = (
        shown.join(rounds.select("round_id", "round_number"), on="round_id")
        .sort("closed_at", "round_id")
        .with_columns(pl.col("score").shift(1).over(SCOPE).alias("previous_score"))
        .with_columns((pl.col("score") - pl.col("previous_score")).alias("change"))
    )
    return _shaped(trend, TREND_SCHEMA).sort("round_number", *SCOPE)


def sector_trend(representatives_by_year: pl.DataFrame) -> pl.DataFrame:
    """The sector median per year, from :func:`representatives_by_year`.

    Each year's population is guarded like the current one (counts and nested groups
    within that year). A year's sector group whose members all have their latest round
    in that year holds the same values as part of the current population, so it is
    also suppressed when it differs by a few organisations from the current sector
    group or from all current organisations, and when it equals a current sector
    group that is suppressed. Columns: :data:`SECTOR_TREND_SCHEMA`.
    """
    if "year" not in representatives_by_year.columns:
        raise ValueError("representatives_by_year: missing column 'year'")
    reps = validate_results(representatives_by_year).with_columns(
        representatives_by_year.get_column("year").cast(pl.Int32).alias("year")
    )
    year = ("year",)
    keys = _keys("sector", year)
    owner = ["organisation_id", "instrument_id", "instrument_version"]
    is_latest = pl.col("year") == pl.col("year").max().over(owner)
    current = _peer_counts(reps.filter(is_latest))
    current_sector = _suppression(current, "sector").select(
        *_keys("sector"),
        pl.col("peer_count").alias("sector_count"),
        pl.col("suppressed").alias("sector_suppressed"),
    )
    current_all = current["all"].rename({"peer_count": "all_count"})
    yearly = (
        _suppression(_peer_counts(reps, year), "sector", year)
        .join(
            reps.with_columns(is_latest.alias("is_latest"))
            .group_by(keys)
            .agg(
                # nested in the current population: every defined score is its latest
                (pl.col("score").is_not_null() & ~pl.col("is_latest")).sum().alias("older"),
                pl.col("score").quantile(0.5, interpolation="linear").alias("median"),
            ),
            on=keys,
            nulls_equal=True,
        )
        .join(current_sector, on=_keys("sector"), how="left", nulls_equal=True)
        .join(current_all, on=_keys("all"), how="left", nulls_equal=True)
    )
    count = yearly.get_column("peer_count")
    nested = yearly.get_column("older") == 0
    to_sector = yearly.get_column("sector_count").fill_null(0) - count
    to_all = yearly.get_column("all_count").fill_null(0) - count
    as_current = (to_sector == 0) & yearly.get_column("sector_suppressed").fill_null(False)
    across = nested & (_differs_a_little(to_sector) | _differs_a_little(to_all) | as_current)
    trend = (
        yearly.with_columns(
            pl.when(pl.col("suppressed"))
            .then(pl.col("suppression"))
            .when(across)
            .then(pl.lit(SUPPRESSED_FOR_DIFFERENCE))
            .otherwise(None)
            .alias("suppression")
        )
        .with_columns(pl.col("suppression").is_not_null().alias("suppressed"))
        .with_columns(*_hide(["median"], pl.col("suppressed")))
    )
    return _shaped(trend, SECTOR_TREND_SCHEMA).sort("synthetic", "sector", "year", *SCOPE)


# --- balance -------------------------------------------------------------------------

BALANCE_SCHEMA: dict[str, pl.DataType] = {
    "organisation_id": pl.String(),
    "round_id": pl.String(),
    "closed_at": pl.Datetime("us", "UTC"),
    "control": pl.Float64(),
    "enablement": pl.Float64(),
    "respondents": pl.Int64(),
    "sector": pl.String(),
    "size_band": pl.String(),
    "country": pl.String(),
    "synthetic": pl.Boolean(),
}
BALANCE_PEERS_SCHEMA: dict[str, pl.DataType] = {
    "peer_group": pl.String(),
    "synthetic": pl.Boolean(),
    "peer_count": pl.Int64(),
    "suppressed": pl.Boolean(),
    "suppression": pl.String(),
    "own": pl.Boolean(),
    "control": pl.Float64(),
    "enablement": pl.Float64(),
}
BALANCE_SCOPE = {"instrument_id": "balance", "instrument_version": "", "dimension_id": "balance"}


def balance_peers(
    balance: pl.DataFrame, organisation_id: str, round_id: str, peer_group: str
) -> pl.DataFrame:
    """The organisation's balance point among its peers' (unnamed) points.

    ``balance``: one row per closed round (:data:`BALANCE_SCHEMA`; control and
    enablement as stored on the round, respondents = submitted responses). Each peer
    is represented by its latest closed round; points resting on too few respondents
    are left out (:func:`survey.disclosure.roles.suppress_small_counts`), and so are rounds
    without both scores. The group is suppressed like any peer group (count, and
    difference with nested or enclosing groups); then only the organisation's own
    point is returned. Columns: :data:`BALANCE_PEERS_SCHEMA`, own point first, peers
    sorted by value. Empty when the round is unknown.
    """
    columns = _columns(peer_group)
    missing = [c for c in BALANCE_SCHEMA if c not in balance.columns]
    if missing:
        raise ValueError(f"balance: missing column '{missing[0]}'")
    frame = balance.select(pl.col(c).cast(t) for c, t in BALANCE_SCHEMA.items())
    frame = roles.suppress_small_counts(
        frame, count="respondents", columns=("control", "enablement"), flag="few"
    ).with_columns(
        pl.when(pl.col("control").is_not_null() & pl.col("enablement").is_not_null())
        .then(pl.col("control"))
        .otherwise(None)
        .alias("score"),
        *(pl.lit(value).alias(name) for name, value in BALANCE_SCOPE.items()),
    )
    viewed = frame.filter(
        (pl.col("organisation_id") == organisation_id) & (pl.col("round_id") == round_id)
    )
    if viewed.is_empty():
        return empty(BALANCE_PEERS_SCHEMA)
    own = viewed.row(0, named=True)
    others = frame.filter(
        (pl.col("organisation_id") != organisation_id) & (pl.col("synthetic") == own["synthetic"])
    )
    latest = others.group_by("organisation_id").agg(
        pl.col("round_id").sort_by("closed_at", "round_id").last()
    )
    points = pl.concat(
        [
            viewed.with_columns(pl.lit(True).alias("own")),
            others.join(latest, on=["organisation_id", "round_id"], how="semi").with_columns(
                pl.lit(False).alias("own")
            ),
        ]
    )
    counts = _peer_counts(points.select(*RESULTS_SCHEMA))
    group = _suppression(counts, peer_group)
    same_group = pl.lit(True)
    for column in columns:
        same_group &= pl.col(column) == own[column]
    state = group.filter(same_group).row(0, named=True)
    shown = points.filter(same_group & pl.col("score").is_not_null())
    if state["suppressed"]:
        shown = shown.filter(pl.col("own"))
    return _shaped(
        shown.with_columns(
            pl.lit(peer_group).alias("peer_group"),
            pl.lit(state["peer_count"], pl.Int64).alias("peer_count"),
            pl.lit(state["suppressed"]).alias("suppressed"),
            pl.lit(state["suppression"], pl.String).alias("suppression"),
        ).sort("own", "control", "enablement", descending=[True, False, False]),
        BALANCE_PEERS_SCHEMA,
    )
