"""The previous publication rules, kept only to show that the attacks work.

Before D1 the benchmark published exact quantiles with linear interpolation (numpy's
default) and exact percentile ranks, for peer groups of 5 or more organisations,
hiding a group that differed from a nested or enclosing group by 1 to 4
organisations (the "difference" rule). This module reproduces those figures for the
attack tests; the platform no longer uses them.
"""

from __future__ import annotations

import polars as pl

from analytics.benchmark import PEER_GROUPS, SCOPE

MIN_PEER_GROUP = 5
QUANTILES = {"median": 0.5, "q1": 0.25, "q3": 0.75, "top_decile": 0.9}


def _keys(group: str, within: tuple[str, ...] = ()) -> list[str]:
    return ["synthetic", *within, *PEER_GROUPS[group], *SCOPE]


def _counts(reps: pl.DataFrame, within: tuple[str, ...]) -> dict[str, pl.DataFrame]:
    return {
        group: reps.group_by(_keys(group, within)).agg(pl.col("score").count().alias("n"))
        for group in PEER_GROUPS
    }


def _hidden(counts: dict[str, pl.DataFrame], group: str, within: tuple[str, ...]) -> pl.DataFrame:
    """The old rule: count below 5, or a nested pair differing by 1 to 4."""
    keys = _keys(group, within)
    own = counts[group].with_columns((pl.col("n") < MIN_PEER_GROUP).alias("hide"))
    flagged = [own.filter(pl.col("hide")).select(keys)]
    columns = set(PEER_GROUPS[group])
    for other, other_columns in PEER_GROUPS.items():
        if columns < set(other_columns):  # other nested in group
            pairs = counts[other].join(own, on=keys, suffix="_outer", nulls_equal=True)
            diff = pl.col("n_outer") - pl.col("n")
            hit = (pl.col("n") < MIN_PEER_GROUP) & (diff > 0) & (diff < MIN_PEER_GROUP)
            flagged.append(pairs.filter(hit).select(keys))
        elif set(other_columns) < columns:  # other encloses group
            outer_keys = _keys(other, within)
            pairs = own.join(counts[other], on=outer_keys, suffix="_outer", nulls_equal=True)
            diff = pl.col("n_outer") - pl.col("n")
            hit = (pl.col("n") >= MIN_PEER_GROUP) & (diff > 0) & (diff < MIN_PEER_GROUP)
            flagged.append(pairs.filter(hit).select(keys))
    return pl.concat(flagged).unique().with_columns(pl.lit(True).alias("hidden"))


def peer_statistics(reps: pl.DataFrame, group: str, within: tuple[str, ...] = ()) -> pl.DataFrame:
    """Old published statistics: keys, peer_count, suppressed, exact quantiles."""
    keys = _keys(group, within)
    stats = reps.group_by(keys).agg(
        pl.col("score").count().alias("peer_count"),
        *(
            pl.col("score").quantile(q, interpolation="linear").alias(name)
            for name, q in QUANTILES.items()
        ),
    )
    hidden = _hidden(_counts(reps, within), group, within)
    return stats.join(hidden, on=keys, how="left", nulls_equal=True).with_columns(
        pl.col("hidden").fill_null(False).alias("suppressed")
    )


def percentiles(reps: pl.DataFrame, group: str) -> pl.DataFrame:
    """Old exact percentile ranks: 100 x (lower + half of equal) / n, per member."""
    keys = _keys(group)
    stats = peer_statistics(reps, group).select(*keys, "peer_count", "suppressed")
    return (
        reps.with_columns(pl.col("score").rank("average").over(keys).alias("rank"))
        .join(stats, on=keys, nulls_equal=True)
        .with_columns((100.0 * (pl.col("rank") - 0.5) / pl.col("peer_count")).alias("percentile"))
    )
