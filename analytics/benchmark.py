"""Peer benchmarks: pure Polars functions from stored closed-round results to statistics.

Input: a ``results`` frame (see :data:`RESULTS_SCHEMA`), one row per organisation ×
closed round × instrument × dimension, as stored when a round closes (never raw
answers), with the organisation's ``shares`` flag (it agreed to share its named
scores with the integrity office). Every function returns a new frame with named,
typed columns.

Peers
-----
An organisation's *representative* is its latest closed round on an instrument
version (ties broken by round id). Peer groups (:data:`PEER_GROUPS`) are all
organisations, or those sharing the sector, size band, country, sector and size
band, or sector and country. Scores are compared only on the same instrument version,
and synthetic (demo) organisations only with each other: ``synthetic`` is part of
every group key and of every output. The organisation itself is one of its peers.

What is published (D1, ``docs/methodology.md`` "Disclosure control")
--------------------------------------------------------------------
The rules are :mod:`survey.disclosure`; this module applies them to frames.

* P1: every representative's score is replaced by its 5-point band before any
  statistic; quantiles are nearest-rank on the bands and published as band ranges
  (``median_low`` … ``median_high``). Nothing published about peers depends on a
  score beyond its band.
* P2: per group and dimension, ``peer_count`` n (defined scores), ``known`` k =
  max(1, sharers), or 1 when every member shares (the office then has nothing left to
  learn), ``unknown`` u = n - k.
* P3: ``form`` from u: ``count`` (u < 4: only the count), ``median`` (4 <= u < 10:
  the median band and each member's ``position`` against it), ``quartiles``
  (u >= 10: q1, median, q3 and top-decile bands and the ``percentile`` of bands).
  ``suppression`` is the reason code of what the form leaves out.
* P4: the organisation's own exact ``score`` shows to itself when 3 or more
  respondents stand behind it (``score_suppressed`` otherwise); its band still counts
  among its peers'.

No nested-group guard is applied: the attack suite (``tests/attacks``) shows that with
banding no combination of groups, years, exports and pages confines a hidden score to
better than its band, and reports how often a band itself follows.

Long because representatives, bands, group statistics, forms, positions and trends are
one chain of pure functions over the same schemas; each step is a function of its own,
and the rules they apply live in :mod:`survey.disclosure`.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from survey.disclosure import peers, roles
from survey.disclosure.peers import STATISTICS
from survey.disclosure.rules import BAND_WIDTH, FEW_UNKNOWN, Form

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
    "shares": pl.Boolean(),
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
BAND_COLUMNS = tuple(f"{name}_{end}" for name in STATISTICS for end in ("low", "high"))

GROUP_SCHEMA: dict[str, pl.DataType] = {
    "peer_count": pl.Int64(),
    "known": pl.Int64(),
    "unknown": pl.Int64(),
    "form": pl.String(),
    "suppressed": pl.Boolean(),
    "suppression": pl.String(),
}
BANDS_SCHEMA: dict[str, pl.DataType] = {name: pl.Float64() for name in BAND_COLUMNS}

PEER_STATISTICS_SCHEMA: dict[str, pl.DataType] = {
    "peer_group": pl.String(),
    "synthetic": pl.Boolean(),
    "sector": pl.String(),
    "size_band": pl.String(),
    "country": pl.String(),
    "instrument_id": pl.String(),
    "instrument_version": pl.String(),
    "dimension_id": pl.String(),
    **GROUP_SCHEMA,
    **BANDS_SCHEMA,
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
    **GROUP_SCHEMA,
    "position": pl.String(),
    "percentile": pl.Int64(),
}
BENCHMARK_SCHEMA: dict[str, pl.DataType] = {**PERCENTILE_SCHEMA, **BANDS_SCHEMA}
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
    **GROUP_SCHEMA,
    "median_low": pl.Float64(),
    "median_high": pl.Float64(),
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
    frame = pl.DataFrame(columns)
    if frame.get_column("shares").null_count():
        raise ValueError("results: column 'shares' has empty values")
    return frame


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


# --- group figures (P1-P3) -----------------------------------------------------


def _banded(reps: pl.DataFrame) -> pl.DataFrame:
    """P1: the band of every representative's score, before any statistic."""
    return reps.with_columns(peers.band_expr(pl.col("score")).alias("band"))


def _group_figures(banded: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Per group: keys, :data:`GROUP_SCHEMA` and :data:`BANDS_SCHEMA` (null where the
    form does not publish a statistic), and ``median_band`` for the positions."""
    figures = banded.group_by(keys).agg(
        pl.col("band").count().cast(pl.Int64).alias("peer_count"),
        (pl.col("band").is_not_null() & pl.col("shares")).sum().cast(pl.Int64).alias("sharers"),
        *(peers.band_quantile_expr(pl.col("band"), name).alias(f"_{name}") for name in STATISTICS),
    )
    unknown = peers.unknown_expr(pl.col("peer_count"), pl.col("sharers"))
    figures = figures.with_columns(
        peers.known_expr(pl.col("peer_count"), pl.col("sharers")).alias("known"),
        unknown.cast(pl.Int64).alias("unknown"),
        peers.form_expr(unknown).alias("form"),
        peers.reason_expr(unknown).alias("suppression"),
    ).with_columns((pl.col("form") == Form.COUNT.value).alias("suppressed"))
    published = {
        "median": pl.col("form") != Form.COUNT.value,
        **{name: pl.col("form") == Form.QUARTILES.value for name in STATISTICS if name != "median"},
    }
    return figures.with_columns(
        pl.when(published["median"]).then(pl.col("_median")).alias("median_band"),
        *(
            pl.when(published[name])
            .then(pl.col(f"_{name}") * BAND_WIDTH + offset)
            .cast(pl.Float64)
            .alias(f"{name}_{end}")
            for name in STATISTICS
            for end, offset in (("low", 0), ("high", BAND_WIDTH))
        ),
    ).drop("sharers", *(f"_{name}" for name in STATISTICS))


def _peer_statistics(reps: pl.DataFrame, group: str, within: tuple[str, ...] = ()) -> pl.DataFrame:
    frame = _group_figures(_banded(reps), _keys(group, within)).with_columns(
        pl.lit(group).alias("peer_group")
    )
    return _shaped(frame, {**PEER_STATISTICS_SCHEMA, **{c: frame.schema[c] for c in within}})


def peer_statistics(representatives: pl.DataFrame, group_by: str) -> pl.DataFrame:
    """Published figures per group of peer group ``group_by`` × instrument × version ×
    dimension. Columns: :data:`PEER_STATISTICS_SCHEMA` (peer_group, synthetic, sector,
    size_band, country (null where not part of the peer group), the scope, peer_count,
    known, unknown, form, suppressed (only the count shows), suppression (reason code),
    and the low and high end of the median, q1, q3 and top-decile bands, null where
    the form does not publish them).
    """
    _columns(group_by)
    reps = validate_results(representatives)
    return _peer_statistics(reps, group_by).sort(_keys(group_by), nulls_last=True)


def _members(reps: pl.DataFrame, group: str, keep: tuple[str, ...] = ()) -> pl.DataFrame:
    """Every representative with its group's figures, own position and percentile."""
    keys = _keys(group)
    banded = _banded(reps)
    figures = _group_figures(banded, keys)
    lowest = pl.col("band").rank("min").over(keys).cast(pl.Int64)
    ranked = (
        banded.with_columns(lowest.alias("lower"))
        .with_columns(
            (pl.col("band").rank("max").over(keys).cast(pl.Int64) - pl.col("lower") + 1).alias(
                "same"
            ),
            pl.col("lower") - 1,
        )
        .join(figures, on=keys, nulls_equal=True)
    )
    frame = roles.suppress_small_counts(
        ranked, count="respondents", columns=("score",), flag="score_suppressed"
    )
    own = pl.col("score").is_not_null()
    frame = frame.with_columns(
        pl.when(own)
        .then(peers.position_expr(pl.col("band"), pl.col("median_band")))
        .alias("position"),
        pl.when(own & (pl.col("form") == Form.QUARTILES.value))
        .then(peers.band_percentile_expr(pl.col("lower"), pl.col("same"), pl.col("peer_count")))
        .alias("percentile"),
        pl.lit(group).alias("peer_group"),
    )
    return _shaped(frame, {**BENCHMARK_SCHEMA, **{c: frame.schema[c] for c in keep}})


def percentile_ranks(representatives: pl.DataFrame, group_by: str) -> pl.DataFrame:
    """Each organisation against its group of peer group ``group_by``.

    Columns: :data:`PERCENTILE_SCHEMA`: the organisation's own exact score (null when
    ``score_suppressed``), its group's counts and form, ``position`` (below / in /
    above the median band; null in the count form or without an own score) and
    ``percentile`` (whole percent of bands; only in the quartiles form).
    """
    _columns(group_by)
    reps = validate_results(representatives)
    return _shaped(_members(reps, group_by), PERCENTILE_SCHEMA).sort("organisation_id", *SCOPE)


def benchmark_all(representatives: pl.DataFrame) -> pl.DataFrame:
    """Every organisation × instrument × version × dimension × peer group, by joins and
    group-bys per peer group (no loop over organisations). Columns:
    :data:`BENCHMARK_SCHEMA`: those of :func:`percentile_ranks` and the group's bands.
    Rows follow the representatives' order (organisation, instrument, version,
    dimension), then :data:`PEER_GROUPS` order."""
    reps = validate_results(representatives).with_row_index("_row")
    frames = [
        _members(reps, group, keep=("_row",)).with_columns(pl.lit(n, pl.UInt32).alias("_group"))
        for n, group in enumerate(PEER_GROUPS)
    ]
    return pl.concat(frames).sort("_row", "_group").drop("_row", "_group")


def benchmark_group(representatives: pl.DataFrame, group_by: str) -> pl.DataFrame:
    """The rows of :func:`benchmark_all` of peer group ``group_by`` alone, in the
    representatives' order (organisation, instrument, version, dimension): a sixth of
    its memory, for writing one peer group at a time. Columns: :data:`BENCHMARK_SCHEMA`."""
    _columns(group_by)
    reps = validate_results(representatives).with_row_index("_row")
    return _members(reps, group_by, keep=("_row",)).sort("_row").drop("_row")


def benchmark(
    results: pl.DataFrame, organisation_id: str, round_id: str, peer_group: str
) -> pl.DataFrame:
    """One closed round of one organisation against its peer group.

    The round stands in as the organisation's representative (an earlier round is
    compared as it would have been had it been the latest); the peers are the other
    organisations' representatives on the same instrument versions, real or synthetic
    like the organisation. Columns: :data:`BENCHMARK_SCHEMA`, one row per instrument
    and dimension of the round.
    """
    columns = _columns(peer_group)
    frame = validate_results(results)
    viewed = frame.filter(
        (pl.col("organisation_id") == organisation_id) & (pl.col("round_id") == round_id)
    )
    if viewed.is_empty():
        return empty(BENCHMARK_SCHEMA)
    synthetic = viewed.get_column("synthetic")[0]
    versions = viewed.select("instrument_id", "instrument_version").unique()
    others = frame.filter(
        (pl.col("organisation_id") != organisation_id) & (pl.col("synthetic") == synthetic)
    ).join(versions, on=["instrument_id", "instrument_version"], how="semi")
    reps = pl.concat([representatives(others), viewed])
    own = viewed.row(0, named=True)
    same_group = [pl.col(c) == own[c] for c in columns]
    members = reps.filter(*same_group) if same_group else reps
    return (
        _members(members, peer_group)
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
    """The sector's median band per year, from :func:`representatives_by_year`.

    Each year's sector group is a peer group of its own under the same rules (bands,
    known and unknown organisations of that year); the trend publishes its median band
    when the form allows a median (u >= 4) and otherwise its count, with the reason.
    Columns: :data:`SECTOR_TREND_SCHEMA`.
    """
    if "year" not in representatives_by_year.columns:
        raise ValueError("representatives_by_year: missing column 'year'")
    reps = validate_results(representatives_by_year).with_columns(
        representatives_by_year.get_column("year").cast(pl.Int32).alias("year")
    )
    trend = _peer_statistics(reps, "sector", ("year",)).with_columns(
        pl.when(pl.col("suppressed")).then(pl.lit(FEW_UNKNOWN)).alias("suppression")
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
    "shares": pl.Boolean(),
}
OWN_POINT, PEER_CELL, PEER_MEDIAN = "own", "peer", "median"
BALANCE_PEERS_SCHEMA: dict[str, pl.DataType] = {
    "peer_group": pl.String(),
    "synthetic": pl.Boolean(),
    **GROUP_SCHEMA,
    "kind": pl.String(),
    "own": pl.Boolean(),
    "control": pl.Float64(),
    "enablement": pl.Float64(),
    "control_low": pl.Float64(),
    "control_high": pl.Float64(),
    "enablement_low": pl.Float64(),
    "enablement_high": pl.Float64(),
    "peers": pl.Int64(),
}
BALANCE_SCOPE = {"instrument_id": "balance", "instrument_version": "", "dimension_id": "balance"}


def _cell(kind: str, control_band: int, enablement_band: int, peers_in_cell: int | None) -> dict:
    low_c, low_e = peers.band_low(control_band), peers.band_low(enablement_band)
    return {
        "kind": kind,
        "own": False,
        "control": low_c + BAND_WIDTH / 2,
        "enablement": low_e + BAND_WIDTH / 2,
        "control_low": float(low_c),
        "control_high": float(peers.band_high(control_band)),
        "enablement_low": float(low_e),
        "enablement_high": float(peers.band_high(enablement_band)),
        "peers": peers_in_cell,
    }


def balance_peers(
    balance: pl.DataFrame, organisation_id: str, round_id: str, peer_group: str
) -> pl.DataFrame:
    """The organisation's balance point and what may be published of its peers'.

    ``balance``: one row per closed round (:data:`BALANCE_SCHEMA`; control and
    enablement as stored on the round, respondents = submitted responses). Each peer
    is represented by its latest closed round; points resting on too few respondents
    are left out (:func:`survey.roles.suppress_small_counts`), and so are rounds
    without both scores. The group (the organisation's point included) is decided like
    any peer group (P2, P3), both coordinates banded (P1):

    * ``kind = "own"``: the organisation's own exact point (always, when it has one);
    * form ``median`` or ``quartiles``: ``kind = "median"``, the cell of the median
      control band and the median enablement band;
    * form ``quartiles``: ``kind = "peer"``, every cell (5 × 5 points) holding other
      organisations' points, with their number (``peers``), unnamed.

    Cells are drawn at their centres (``control``, ``enablement``). Columns:
    :data:`BALANCE_PEERS_SCHEMA`, own point first. Empty when the round is unknown.
    """
    columns = _columns(peer_group)
    missing = [c for c in BALANCE_SCHEMA if c not in balance.columns]
    if missing:
        raise ValueError(f"balance: missing column '{missing[0]}'")
    frame = balance.select(pl.col(c).cast(t) for c, t in BALANCE_SCHEMA.items())
    frame = roles.suppress_small_counts(
        frame, count="respondents", columns=("control", "enablement"), flag="few"
    ).filter(pl.col("control").is_not_null() & pl.col("enablement").is_not_null())
    viewed = balance.filter(
        (pl.col("organisation_id") == organisation_id) & (pl.col("round_id") == round_id)
    )
    if viewed.is_empty():
        return empty(BALANCE_PEERS_SCHEMA)
    own = viewed.row(0, named=True)
    own_point = frame.filter(pl.col("round_id") == round_id)
    others = frame.filter(
        (pl.col("organisation_id") != organisation_id) & (pl.col("synthetic") == own["synthetic"])
    )
    latest = others.group_by("organisation_id").agg(
        pl.col("round_id").sort_by("closed_at", "round_id").last()
    )
    others = others.join(latest, on=["organisation_id", "round_id"], how="semi")
    for column in columns:
        others = others.filter(pl.col(column) == own[column])
    points = pl.concat(
        [
            own_point.with_columns(pl.lit(True).alias("own")),
            others.with_columns(pl.lit(False).alias("own")),
        ]
    ).with_columns(
        peers.band_expr(pl.col("control")).alias("control_band"),
        peers.band_expr(pl.col("enablement")).alias("enablement_band"),
    )
    count = points.height
    unknown = peers.unknown_count(count, int(points.get_column("shares").sum()))
    shape = peers.form(unknown)
    rows: list[dict] = []
    if own_point.height:
        point = own_point.row(0, named=True)
        rows.append(
            {
                "kind": OWN_POINT,
                "own": True,
                "control": point["control"],
                "enablement": point["enablement"],
            }
        )
    if shape is not Form.COUNT:
        rows.append(
            _cell(
                PEER_MEDIAN,
                peers.band_quantile(points.get_column("control_band").to_list(), "median"),
                peers.band_quantile(points.get_column("enablement_band").to_list(), "median"),
                None,
            )
        )
    if shape is Form.QUARTILES:
        cells = (
            points.filter(~pl.col("own"))
            .group_by("control_band", "enablement_band")
            .agg(pl.len().alias("peers"))
            .sort("control_band", "enablement_band")
        )
        rows.extend(_cell(PEER_CELL, c, e, int(n)) for c, e, n in cells.iter_rows())
    reason = peers.reason(unknown)
    group = {
        "peer_group": peer_group,
        "synthetic": own["synthetic"],
        "peer_count": count,
        "known": peers.known_count(count, int(points.get_column("shares").sum())),
        "unknown": unknown,
        "form": shape.value,
        "suppressed": shape is Form.COUNT,
        "suppression": reason,
    }
    return (
        pl.DataFrame([{**group, **row} for row in rows], schema=BALANCE_PEERS_SCHEMA, orient="row")
        if rows
        else empty(BALANCE_PEERS_SCHEMA)
    )
