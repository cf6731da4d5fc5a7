"""Chart builders: pure functions from benchmark frames to Altair charts.

Each builder returns an ``alt.Chart`` or ``alt.LayerChart`` whose data is inlined
(``alt.Data(values=...)``: no URL, nothing fetched), and has a companion ``*_table``
function returning the same content as a :class:`Table` for screen readers. Builders
take ``lang`` (one of :data:`survey.i18n.LANGUAGES`) for their own texts, which come
from the one catalogue, and ``labels``, a mapping from ids (dimension, role, sector) to
display names in that language; unknown ids show as they are.

What a chart shows is what the benchmark may show: statistics of suppressed peer
groups, role groups hidden by the anonymity rule and suppressed trend points are
left out of the chart data altogether (not drawn empty), so the specification sent
to a browser carries nothing that may not be shown. The peer distribution is drawn
from the published statistics, which are 5-point bands (``median_low`` to
``median_high`` ...), never from the individual peers' scores and never as a bare
mean; a band is drawn as a range and written as one ("60–65").

Long because each of the six charts has its table beside it and they share the label,
number and band formatting; a chart and its table must change together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import polars as pl
from babel.numbers import format_decimal

from survey.i18n import N_, Translator
from survey.scoring import HIGH_BALANCE, ROLE_DISAGREEMENT

WIDTH = 480
ROW_HEIGHT = 28
OWN_COLOUR = "#d95f02"
PEER_COLOUR = "#8c8c8c"
BAND_COLOUR = "#bcd4e6"
MEDIAN_COLOUR = "#1f4e79"
DISAGREE_COLOUR = "#222222"
DECIMALS = 2

QUADRANT_NAMES = {
    "unguided": N_("Unguided"),
    "restrictive": N_("Restrictive"),
    "anything_goes": N_("Anything goes"),
    "balanced": N_("Balanced"),
}
POSITIONS = {
    "below": N_("below the median band"),
    "in": N_("in the median band"),
    "above": N_("above the median band"),
}
QUADRANT_CORNERS = {  # (control, enablement) of each quadrant label
    "unguided": (25, 25),
    "restrictive": (75, 25),
    "anything_goes": (25, 75),
    "balanced": (75, 75),
}


@dataclass(frozen=True)
class Table:
    """A chart's text alternative: a caption, column headers and rows of text."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def describe(table: Table) -> str:
    """What a chart shows, as one text (a chart's ``description``, its text alternative):
    the caption, then per row its name and each figure under its heading (empty cells
    and dashes left out). Builders describe only what they draw."""
    rows = [
        f"{row[0]}: "
        + ", ".join(
            f"{header} {cell}"
            for header, cell in zip(table.headers[1:], row[1:], strict=True)
            if cell not in ("", "–")
        )
        for row in table.rows
    ]
    return ". ".join([table.caption, *rows]) + "."


def _name(labels: Mapping[str, str] | None, key: str) -> str:
    return (labels or {}).get(key, key)


def _number(value: float | None, lang: str) -> str:
    return "–" if value is None else format_decimal(value, format="0.0", locale=lang)


def _value(value: Any) -> Any:
    return round(value, DECIMALS) if isinstance(value, float) else value


def _band(low: float | None, high: float | None, lang: str) -> str:
    """A published band as text ("60–65"), or a dash when not published."""
    if low is None or high is None:
        return "–"
    return f"{format_decimal(low, format='0', locale=lang)}–{format_decimal(high, format='0', locale=lang)}"


def _rows(frame: pl.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    return [
        {c: _value(row[c]) for c in columns} for row in frame.select(columns).iter_rows(named=True)
    ]


def _require(frame: pl.DataFrame, columns: Sequence[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name}: missing column '{missing[0]}'")


def _shown(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows of groups that may be shown (``suppressed`` false)."""
    return frame.filter(~pl.col("suppressed").fill_null(True))


# --- the organisation's profile ----------------------------------------------------------

PROFILE_COLUMNS = (
    "dimension_id",
    "score",
    "median_low",
    "median_high",
    "q1_low",
    "q1_high",
    "q3_low",
    "q3_high",
    "position",
    "suppressed",
    "peer_count",
)


def _with_dimension(frame: pl.DataFrame, labels: Mapping[str, str] | None) -> pl.DataFrame:
    names = [_name(labels, d) for d in frame.get_column("dimension_id").to_list()]
    return frame.with_columns(pl.Series("dimension", names, dtype=pl.String))


def profile_chart(
    benchmark: pl.DataFrame, *, lang: str = "en", labels: Mapping[str, str] | None = None
) -> alt.LayerChart:
    """The organisation's dimension scores (points) against its peers' median band and
    the range from the first quartile's band to the third's, for one instrument and
    peer group (rows of :func:`analytics.benchmark.benchmark`). Only the bands a
    group's form publishes are drawn."""
    _require(benchmark, PROFILE_COLUMNS, "benchmark")
    t = Translator(lang)
    frame = _with_dimension(benchmark, labels)
    order = frame.get_column("dimension").to_list()
    y = alt.Y("dimension:N", title=t("Dimension"), sort=order)
    peers = _shown(frame).filter(pl.col("median_low").is_not_null())
    quartiles = peers.filter(pl.col("q1_low").is_not_null())
    band = (
        alt.Chart(alt.Data(values=_rows(quartiles, ["dimension", "q1_low", "q3_high"])))
        .mark_bar(color=BAND_COLOUR, height=ROW_HEIGHT * 0.6)
        .encode(
            x=alt.X("q1_low:Q", title=t("Score (0–100)"), scale=alt.Scale(domain=[0, 100])),
            x2="q3_high:Q",
            y=y,
            tooltip=[
                alt.Tooltip("dimension:N", title=t("Dimension")),
                alt.Tooltip("q1_low:Q", title=t("First quartile")),
                alt.Tooltip("q3_high:Q", title=t("Third quartile")),
            ],
        )
    )
    median = (
        alt.Chart(alt.Data(values=_rows(peers, ["dimension", "median_low", "median_high"])))
        .mark_bar(color=MEDIAN_COLOUR, opacity=0.7, height=ROW_HEIGHT * 0.8)
        .encode(
            x=alt.X("median_low:Q"),
            x2="median_high:Q",
            y=y,
            tooltip=[
                alt.Tooltip("dimension:N", title=t("Dimension")),
                alt.Tooltip("median_low:Q", title=t("Peer median")),
                alt.Tooltip("median_high:Q", title=t("Peer median")),
            ],
        )
    )
    own_rows = frame.filter(pl.col("score").is_not_null())
    own = (
        alt.Chart(alt.Data(values=_rows(own_rows, ["dimension", "score"])))
        .mark_point(shape="diamond", filled=True, size=140, color=OWN_COLOUR)
        .encode(
            x=alt.X("score:Q"),
            y=y,
            tooltip=[
                alt.Tooltip("dimension:N", title=t("Dimension")),
                alt.Tooltip("score:Q", title=t("Your score"), format=".1f"),
            ],
        )
    )
    return alt.LayerChart(
        layer=[band, median, own],
        title=t("Your scores against the peer median and middle half"),
        description=describe(profile_table(benchmark, lang=lang, labels=labels)),
        width=WIDTH,
        height=ROW_HEIGHT * max(len(order), 1),
    )


def profile_table(
    benchmark: pl.DataFrame, *, lang: str = "en", labels: Mapping[str, str] | None = None
) -> Table:
    _require(benchmark, PROFILE_COLUMNS, "benchmark")
    t = Translator(lang)
    rows = []
    for row in _with_dimension(benchmark, labels).iter_rows(named=True):
        hidden = bool(row["suppressed"])
        statistics = (
            [t("not shown")] * 3
            if hidden
            else [_band(row[f"{c}_low"], row[f"{c}_high"], lang) for c in ("median", "q1", "q3")]
        )
        rows.append(
            (
                row["dimension"],
                _number(row["score"], lang),
                *statistics,
                t.of(POSITIONS, row["position"]) if row["position"] else "–",
                str(row["peer_count"]),
            )
        )
    return Table(
        caption=t("Your scores against the peer median and middle half"),
        headers=(
            t("Dimension"),
            t("Your score"),
            t("Peer median"),
            t("First quartile"),
            t("Third quartile"),
            t("Your position"),
            t("Peers"),
        ),
        rows=tuple(rows),
    )


# --- the peer distribution ---------------------------------------------------------------

DISTRIBUTION_COLUMNS = (*PROFILE_COLUMNS, "top_decile_low", "top_decile_high", "percentile")


def _quartile_rows(benchmark: pl.DataFrame) -> pl.DataFrame:
    """Rows whose group publishes its quartiles (the ``quartiles`` form)."""
    return _shown(benchmark).filter(pl.col("q1_low").is_not_null())


def distribution_chart(
    benchmark: pl.DataFrame, *, lang: str = "en", labels: Mapping[str, str] | None = None
) -> alt.LayerChart:
    """Per dimension, the peers' distribution as a box from the first quartile's band
    to the third's with the median band, a whisker up to the top-decile band, and the
    organisation's score marked. Only dimensions whose group publishes quartiles are
    drawn; the axis label carries the peer count."""
    _require(benchmark, DISTRIBUTION_COLUMNS, "benchmark")
    t = Translator(lang)
    frame = _with_dimension(_quartile_rows(benchmark), labels).with_columns(
        pl.format("{} (n = {})", pl.col("dimension"), pl.col("peer_count")).alias("dimension")
    )
    order = frame.get_column("dimension").to_list()
    columns = ["dimension", "score", "peer_count", "q1_low", "q3_high", "median_low"]
    columns += ["median_high", "top_decile_low", "top_decile_high"]
    values = alt.Data(values=_rows(frame, columns))
    y = alt.Y("dimension:N", title=t("Dimension"), sort=order)
    base = alt.Chart(values)
    statistics_tooltip = [
        alt.Tooltip("dimension:N", title=t("Dimension")),
        alt.Tooltip("q1_low:Q", title=t("First quartile")),
        alt.Tooltip("median_low:Q", title=t("Peer median")),
        alt.Tooltip("q3_high:Q", title=t("Third quartile")),
        alt.Tooltip("top_decile_low:Q", title=t("Top 10% from")),
    ]
    whisker = base.mark_rule(color=MEDIAN_COLOUR, strokeDash=[4, 3]).encode(
        x=alt.X("q3_high:Q", title=t("Score (0–100)"), scale=alt.Scale(domain=[0, 100])),
        x2="top_decile_high:Q",
        y=y,
    )
    box = base.mark_bar(color=BAND_COLOUR, stroke=MEDIAN_COLOUR, height=ROW_HEIGHT * 0.6).encode(
        x="q1_low:Q", x2="q3_high:Q", y=y, tooltip=statistics_tooltip
    )
    median = base.mark_bar(color=MEDIAN_COLOUR, opacity=0.7, height=ROW_HEIGHT * 0.6).encode(
        x="median_low:Q", x2="median_high:Q", y=y, tooltip=statistics_tooltip
    )
    top = base.mark_bar(color=MEDIAN_COLOUR, opacity=0.4, height=ROW_HEIGHT * 0.4).encode(
        x="top_decile_low:Q", x2="top_decile_high:Q", y=y, tooltip=statistics_tooltip
    )
    own = (
        base.transform_filter("isValid(datum.score)")
        .mark_point(shape="diamond", filled=True, size=140, color=OWN_COLOUR)
        .encode(
            x="score:Q",
            y=y,
            tooltip=[
                alt.Tooltip("dimension:N", title=t("Dimension")),
                alt.Tooltip("score:Q", title=t("Your score"), format=".1f"),
            ],
        )
    )
    return alt.LayerChart(
        layer=[whisker, box, median, top, own],
        title=t("Peer distribution per dimension"),
        description=describe(distribution_table(benchmark, lang=lang, labels=labels)),
        width=WIDTH,
        height=ROW_HEIGHT * max(len(order), 1),
    )


def distribution_table(
    benchmark: pl.DataFrame, *, lang: str = "en", labels: Mapping[str, str] | None = None
) -> Table:
    _require(benchmark, DISTRIBUTION_COLUMNS, "benchmark")
    t = Translator(lang)
    rows = tuple(
        (
            row["dimension"],
            str(row["peer_count"]),
            *(
                _band(row[f"{c}_low"], row[f"{c}_high"], lang)
                for c in ("q1", "median", "q3", "top_decile")
            ),
            _number(row["score"], lang),
            "–" if row["percentile"] is None else str(row["percentile"]),
        )
        for row in _with_dimension(_quartile_rows(benchmark), labels).iter_rows(named=True)
    )
    return Table(
        caption=t("Peer distribution per dimension"),
        headers=(
            t("Dimension"),
            t("Peers"),
            t("First quartile"),
            t("Peer median"),
            t("Third quartile"),
            t("Top 10% from"),
            t("Your score"),
            t("Percentile"),
        ),
        rows=rows,
    )


# --- role groups --------------------------------------------------------------------------

ROLE_COLUMNS = ("role", "dimension_id", "score", "suppressed")


def _visible_roles(role_scores: pl.DataFrame, labels: Mapping[str, str] | None) -> pl.DataFrame:
    """Role groups the anonymity rule lets show, with the spread among them."""
    shown = _shown(role_scores).filter(pl.col("score").is_not_null())
    shown = _with_dimension(shown, labels).with_columns(
        pl.Series("role_name", [_name(labels, r) for r in shown.get_column("role")], pl.String)
    )
    return shown.with_columns(
        (pl.col("score").max() - pl.col("score").min()).over("dimension_id").alias("spread"),
        pl.col("score").min().over("dimension_id").alias("low"),
        pl.col("score").max().over("dimension_id").alias("high"),
        pl.len().over("dimension_id").alias("groups"),
    )


def role_chart(
    role_scores: pl.DataFrame, *, lang: str = "en", labels: Mapping[str, str] | None = None
) -> alt.LayerChart:
    """Role groups' scores per dimension, with the spread between them drawn as a line
    (highlighted from 20 points). Input: role scores already passed through
    :func:`survey.disclosure.roles.suppress_role_groups`; suppressed groups are not drawn."""
    _require(role_scores, ROLE_COLUMNS, "role_scores")
    t = Translator(lang)
    note = t("A dark line: the role groups differ by 20 points or more.")
    shown = _visible_roles(role_scores, labels)
    order = list(dict.fromkeys(shown.get_column("dimension").to_list()))
    y = alt.Y("dimension:N", title=t("Dimension"), sort=order)
    spreads = shown.filter(pl.col("groups") >= 2).unique("dimension_id", maintain_order=True)
    spreads = spreads.with_columns((pl.col("spread") >= ROLE_DISAGREEMENT).alias("disagree"))
    spread = (
        alt.Chart(
            alt.Data(values=_rows(spreads, ["dimension", "low", "high", "spread", "disagree"]))
        )
        .mark_rule(strokeWidth=3)
        .encode(
            x=alt.X("low:Q", title=t("Score (0–100)"), scale=alt.Scale(domain=[0, 100])),
            x2="high:Q",
            y=y,
            color=alt.condition("datum.disagree", alt.value(DISAGREE_COLOUR), alt.value("#c7c7c7")),
            tooltip=[
                alt.Tooltip("dimension:N", title=t("Dimension")),
                alt.Tooltip("spread:Q", title=t("Spread"), format=".1f"),
            ],
        )
    )
    points = (
        alt.Chart(alt.Data(values=_rows(shown, ["dimension", "role_name", "score"])))
        .mark_point(filled=True, size=90)
        .encode(
            x="score:Q",
            y=y,
            shape=alt.Shape("role_name:N", title=t("Role group")),
            fill=alt.Fill("role_name:N", title=t("Role group"), scale=alt.Scale(scheme="dark2")),
            tooltip=[
                alt.Tooltip("dimension:N", title=t("Dimension")),
                alt.Tooltip("role_name:N", title=t("Role group")),
                alt.Tooltip("score:Q", title=t("Score (0–100)"), format=".1f"),
            ],
        )
    )
    return alt.LayerChart(
        layer=[spread, points],
        title=alt.TitleParams(t("Scores per role group"), subtitle=note),
        description=f"{describe(role_table(role_scores, lang=lang, labels=labels))} {note}",
        width=WIDTH,
        height=ROW_HEIGHT * max(len(order), 1),
    )


def role_table(
    role_scores: pl.DataFrame, *, lang: str = "en", labels: Mapping[str, str] | None = None
) -> Table:
    _require(role_scores, ROLE_COLUMNS, "role_scores")
    t = Translator(lang)
    shown = _visible_roles(role_scores, labels)
    roles = sorted(set(shown.get_column("role_name").to_list()))
    rows = []
    for (dimension,), group in shown.group_by("dimension", maintain_order=True):
        by_role = dict(zip(group.get_column("role_name"), group.get_column("score"), strict=True))
        spread = group.get_column("spread")[0] if group.height >= 2 else None
        rows.append(
            (
                str(dimension),
                *(_number(by_role.get(role), lang) for role in roles),
                _number(spread, lang),
            )
        )
    return Table(
        caption=t("Scores per role group"),
        headers=(t("Dimension"), *roles, t("Spread")),
        rows=tuple(rows),
    )


# --- balance --------------------------------------------------------------------------------

BALANCE_COLUMNS = ("kind", "own", "control", "enablement", "control_low", "enablement_low", "peers")


def _quadrant(control: float, enablement: float) -> str:
    high_control, high_enablement = control >= HIGH_BALANCE, enablement >= HIGH_BALANCE
    if high_control and high_enablement:
        return "balanced"
    if high_control:
        return "restrictive"
    if high_enablement:
        return "anything_goes"
    return "unguided"


def balance_chart(points: pl.DataFrame, *, lang: str = "en") -> alt.LayerChart:
    """Control (x) against enablement (y), quadrant lines at 50, the organisation's
    point among what may be published of its peers (rows of
    :func:`analytics.benchmark.balance_peers`): the median cell and the occupied
    5 × 5 cells, drawn at their centres, never a peer's own point."""
    _require(points, BALANCE_COLUMNS, "points")
    t = Translator(lang)
    x = alt.X("control:Q", title=t("Control"), scale=alt.Scale(domain=[0, 100]))
    y = alt.Y("enablement:Q", title=t("Enablement"), scale=alt.Scale(domain=[0, 100]))
    lines = alt.Chart(alt.Data(values=[{"at": HIGH_BALANCE}]))
    vertical = lines.mark_rule(color="#555555").encode(
        x=alt.X("at:Q", scale=alt.Scale(domain=[0, 100]))
    )
    horizontal = lines.mark_rule(color="#555555").encode(
        y=alt.Y("at:Q", scale=alt.Scale(domain=[0, 100]))
    )
    corners = [
        {"control": c, "enablement": e, "label": t.of(QUADRANT_NAMES, name)}
        for name, (c, e) in QUADRANT_CORNERS.items()
    ]
    names = (
        alt.Chart(alt.Data(values=corners))
        .mark_text(color="#555555", fontSize=13, opacity=0.8)
        .encode(x=x, y=y, text="label:N")
    )
    peers = (
        alt.Chart(
            alt.Data(
                values=_rows(
                    points.filter(pl.col("kind") == "peer"), ["control", "enablement", "peers"]
                )
            )
        )
        .mark_circle(color=PEER_COLOUR, opacity=0.6)
        .encode(x=x, y=y, size=alt.Size("peers:Q", title=t("Organisations")))
    )
    median = (
        alt.Chart(
            alt.Data(
                values=_rows(points.filter(pl.col("kind") == "median"), ["control", "enablement"])
            )
        )
        .mark_point(shape="cross", filled=True, size=160, color=MEDIAN_COLOUR)
        .encode(x=x, y=y)
    )
    own = (
        alt.Chart(alt.Data(values=_rows(points.filter(pl.col("own")), ["control", "enablement"])))
        .mark_point(shape="diamond", filled=True, size=220, color=OWN_COLOUR)
        .encode(
            x=x,
            y=y,
            tooltip=[
                alt.Tooltip("control:Q", title=t("Control"), format=".1f"),
                alt.Tooltip("enablement:Q", title=t("Enablement"), format=".1f"),
            ],
        )
    )
    return alt.LayerChart(
        layer=[vertical, horizontal, names, peers, median, own],
        title=t("Balance between control and enablement"),
        description=describe(balance_table(points, lang=lang)),
        width=WIDTH,
        height=WIDTH,
    )


def balance_table(points: pl.DataFrame, *, lang: str = "en") -> Table:
    """The organisation's point and quadrant, the peers' median cell, and how many peers
    are in each quadrant (when the cells are published)."""
    _require(points, BALANCE_COLUMNS, "points")
    t = Translator(lang)
    counts = dict.fromkeys(QUADRANT_CORNERS, 0)
    rows = []
    for row in points.iter_rows(named=True):
        quadrant = _quadrant(row["control"], row["enablement"])
        if row["kind"] == "own":
            rows.append(
                (
                    t("Your organisation"),
                    _number(row["control"], lang),
                    _number(row["enablement"], lang),
                    t.of(QUADRANT_NAMES, quadrant),
                )
            )
        elif row["kind"] == "median":
            rows.append(
                (
                    t("Peer median (bands)"),
                    _band(row["control_low"], row["control_low"] + 5, lang),
                    _band(row["enablement_low"], row["enablement_low"] + 5, lang),
                    t.of(QUADRANT_NAMES, quadrant),
                )
            )
        else:
            counts[quadrant] += row["peers"]
    rows.extend(
        (f"{t('Peers')}: {n}", "", "", t.of(QUADRANT_NAMES, q)) for q, n in counts.items() if n
    )
    return Table(
        caption=t("Balance between control and enablement"),
        headers=(t("Organisations"), t("Control"), t("Enablement"), t("Quadrant")),
        rows=tuple(rows),
    )


# --- integrity office ------------------------------------------------------------------------

HEATMAP_COLUMNS = (
    "sector",
    "dimension_id",
    "median_low",
    "median_high",
    "peer_count",
    "suppressed",
)


def sector_heatmap(
    statistics: pl.DataFrame, *, lang: str = "en", labels: Mapping[str, str] | None = None
) -> alt.LayerChart:
    """Sector × dimension heat map of median bands (rows of
    :func:`analytics.benchmark.peer_statistics` for the sector peer group, one
    instrument version), coloured by the band's centre. Count-only groups are absent."""
    _require(statistics, HEATMAP_COLUMNS, "statistics")
    t = Translator(lang)
    shown = _with_dimension(_shown(statistics), labels)
    shown = shown.with_columns(
        pl.Series("sector_name", [_name(labels, s) for s in shown.get_column("sector")], pl.String),
        ((pl.col("median_low") + pl.col("median_high")) / 2).alias("median"),
        pl.format(
            "{}–{}", pl.col("median_low").cast(pl.Int64), pl.col("median_high").cast(pl.Int64)
        ).alias("band"),
    )
    base = alt.Chart(
        alt.Data(values=_rows(shown, ["sector_name", "dimension", "median", "band", "peer_count"]))
    ).encode(
        x=alt.X("dimension:N", title=t("Dimension"), sort=None),
        y=alt.Y("sector_name:N", title=t("Sector"), sort=None),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "median:Q", title=t("Peer median"), scale=alt.Scale(domain=[0, 100], scheme="blues")
        ),
        tooltip=[
            alt.Tooltip("sector_name:N", title=t("Sector")),
            alt.Tooltip("dimension:N", title=t("Dimension")),
            alt.Tooltip("band:N", title=t("Peer median")),
            alt.Tooltip("peer_count:Q", title=t("Organisations")),
        ],
    )
    numbers = base.mark_text(fontSize=11).encode(
        text=alt.Text("band:N"),
        color=alt.condition("datum.median > 60", alt.value("white"), alt.value("black")),
    )
    return alt.LayerChart(
        layer=[cells, numbers],
        title=t("Sector medians per dimension"),
        description=describe(sector_heatmap_table(_shown(statistics), lang=lang, labels=labels)),
        width=WIDTH,
    )


def sector_heatmap_table(
    statistics: pl.DataFrame, *, lang: str = "en", labels: Mapping[str, str] | None = None
) -> Table:
    """Sectors as rows, dimensions as columns; a suppressed cell reads "not shown"."""
    _require(statistics, HEATMAP_COLUMNS, "statistics")
    frame = _with_dimension(statistics, labels)
    dimensions = list(dict.fromkeys(frame.get_column("dimension").to_list()))
    return _sector_table(
        frame, "dimension", dimensions, N_("Sector medians per dimension"), lang, labels
    )


TREND_COLUMNS = ("sector", "year", "median_low", "median_high", "suppressed")


def sector_trend_chart(
    trend: pl.DataFrame, *, lang: str = "en", labels: Mapping[str, str] | None = None
) -> alt.LayerChart:
    """Sector median bands per year for one instrument version and dimension (rows of
    :func:`analytics.benchmark.sector_trend`): a line through the bands' centres with
    each band drawn as a range; count-only years are absent."""
    _require(trend, TREND_COLUMNS, "trend")
    t = Translator(lang)
    shown = _shown(trend)
    shown = shown.with_columns(
        pl.Series("sector_name", [_name(labels, s) for s in shown.get_column("sector")], pl.String),
        ((pl.col("median_low") + pl.col("median_high")) / 2).alias("median"),
        pl.format(
            "{}–{}", pl.col("median_low").cast(pl.Int64), pl.col("median_high").cast(pl.Int64)
        ).alias("band"),
    )
    base = alt.Chart(
        alt.Data(
            values=_rows(
                shown, ["sector_name", "year", "median", "median_low", "median_high", "band"]
            )
        )
    )
    tooltip = [
        alt.Tooltip("sector_name:N", title=t("Sector")),
        alt.Tooltip("year:O", title=t("Year")),
        alt.Tooltip("band:N", title=t("Sector median")),
    ]
    x = alt.X("year:O", title=t("Year"))
    colour = alt.Color("sector_name:N", title=t("Sector"))
    line = base.mark_line(point=True).encode(
        x=x,
        y=alt.Y("median:Q", title=t("Sector median"), scale=alt.Scale(domain=[0, 100])),
        color=colour,
        tooltip=tooltip,
    )
    bands = base.mark_rule(strokeWidth=6, opacity=0.4).encode(
        x=x, y="median_low:Q", y2="median_high:Q", color=colour, tooltip=tooltip
    )
    return alt.LayerChart(
        layer=[bands, line],
        title=t("Sector medians per year"),
        description=describe(sector_trend_table(_shown(trend), lang=lang, labels=labels)),
        width=WIDTH,
    )


def sector_trend_table(
    trend: pl.DataFrame, *, lang: str = "en", labels: Mapping[str, str] | None = None
) -> Table:
    """Sectors as rows, years as columns; a suppressed year reads "not shown"."""
    _require(trend, TREND_COLUMNS, "trend")
    years = sorted(set(trend.get_column("year").to_list()))
    return _sector_table(trend, "year", years, N_("Sector medians per year"), lang, labels)


def _sector_table(
    frame: pl.DataFrame,
    column: str,
    keys: Sequence[Any],
    caption: str,
    lang: str,
    labels: Mapping[str, str] | None,
) -> Table:
    """Sectors as rows and the values of ``column`` (``keys``, in order) as columns,
    each cell the sector's median band; a suppressed cell reads "not shown"."""
    t = Translator(lang)
    rows = []
    for (sector,), group in frame.group_by("sector", maintain_order=True):
        cells = {
            row[column]: t("not shown")
            if row["suppressed"]
            else _band(row["median_low"], row["median_high"], lang)
            for row in group.iter_rows(named=True)
        }
        rows.append((_name(labels, str(sector)), *(cells.get(key, "–") for key in keys)))
    return Table(
        caption=t(caption), headers=(t("Sector"), *(str(key) for key in keys)), rows=tuple(rows)
    )
