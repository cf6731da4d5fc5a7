"""The benchmark read model of the web: cached frames that always match the database.

Benchmarking thousands of organisations on every request is too slow (loading the
stored results of one instrument version alone takes most of a second at 5,000
organisations), so each process keeps, per database and instrument version, the
frames that requests read: the stored results, the representatives,
:func:`analytics.benchmark.benchmark_all`, and the statistics asked for so far. A
request then only slices or filters a frame.

Never stale
-----------
Every cache entry is keyed on a fingerprint of the closed rounds (how many, and the
latest closing time), read from the database with one cheap query at the start of
every request (:meth:`BenchmarkCache.snapshot`). Stored results are written once, when
a round closes, and never change afterwards; a round closing, demo data being created
or removed, or an organisation being deleted with its rounds all change the
fingerprint (a deletion changes the count, a closing the latest time). So every worker, each with its own cache,
answers from what the database holds now; an entry of an older fingerprint is simply
never looked up again and ages out of the least-recently-used cache.

What is computed where
----------------------
Everything that decides a figure is :mod:`analytics.benchmark` (bands, forms,
positions) and :mod:`survey.disclosure` (the publication rules). This module only
chooses the frames and the rows:

* :func:`round_benchmark`: a round against its peer group. For an organisation's
  latest round (its representative) the rows come from ``benchmark_all``; an earlier
  round is compared by :func:`analytics.benchmark.benchmark` itself, on the cached
  representatives of the other organisations and the round's own results (what it
  would read from the whole results frame, without re-reading it).
* :func:`office_statistics`: an integrity office's groups, as
  :func:`analytics.data.office_statistics` computes them, from the cached frames. A
  year's groups are peer groups of that year's representatives under the same rules,
  so the trend and a year's sector view publish the same median bands.
* :func:`export_scores`: the published figures per peer group, and the named figures
  of organisations that chose to share them (only figures with enough respondents);
  those organisations count as known in every group's form.

Long because the three read paths share the one cache (its fingerprint, frames and
memoised statistics); what decides a figure lives in :mod:`analytics.benchmark`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analytics import benchmark, data
from analytics.benchmark import ATTRIBUTES, BAND_COLUMNS, PEER_GROUPS, SCOPE
from instruments import InstrumentLibrary
from survey.disclosure import roles, rules
from survey.errors import Conflict, InvalidInput
from survey.i18n import LANGUAGES
from survey.models import DimensionResult, Organisation, Round

T = TypeVar("T")

OFFICE_BY = ("all", "sector", "size_band", "country", "year")
CACHE_ENTRIES = 32
EARLIER_ROUNDS_KEPT = 256
GROUP_KEYS = ("synthetic", *ATTRIBUTES, "year")


# --- the cache -------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """Which database, in which state: the part of every cache key read per request."""

    database: str
    fingerprint: tuple[Any, ...]


class _Memo:
    """A small thread-safe memo: ``get(key, make)`` computes each key once."""

    def __init__(self, capacity: int | None = None) -> None:
        self._values: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._capacity = capacity

    def get(self, key: Any, make: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]  # type: ignore[no-any-return]
        value = make()
        with self._lock:
            self._values[key] = value
            if self._capacity is not None:
                while len(self._values) > self._capacity:
                    self._values.popitem(last=False)
        return value


@dataclass
class VersionFrames:
    """The frames of one instrument version in one database state."""

    results: pl.DataFrame
    representatives: pl.DataFrame
    benchmark: pl.DataFrame
    rows: dict[tuple[str, str], tuple[int, int]]
    members: dict[tuple[Any, ...], frozenset[str]]
    _memo: _Memo = field(default_factory=_Memo)
    _earlier: _Memo = field(default_factory=lambda: _Memo(EARLIER_ROUNDS_KEPT))

    @classmethod
    def build(cls, results: pl.DataFrame) -> VersionFrames:
        reps = benchmark.representatives(results)
        # one organisation's rows against one peer group are made consecutive, so that a
        # request slices them (no filtering); within them, benchmark_all's order
        groups = {group: n for n, group in enumerate(PEER_GROUPS)}
        every = (
            benchmark.benchmark_all(reps)
            .with_row_index("_row")
            .sort(
                "organisation_id",
                pl.col("peer_group").replace_strict(groups, return_dtype=pl.UInt8),
                "_row",
            )
            .drop("_row")
        )
        spans = (
            every.select("organisation_id", "peer_group")
            .with_row_index("row")
            .group_by("organisation_id", "peer_group")
            .agg(pl.col("row").min().alias("start"), pl.len().alias("length"))
        )
        rows = {
            (org, group): (int(start), int(length))
            for org, group, start, length in spans.iter_rows()
            if org is not None
        }
        return cls(
            results=results,
            representatives=reps,
            benchmark=every,
            rows=rows,
            members=_members(reps),
        )

    def own_rows(self, organisation_id: str, round_id: str, peer_group: str) -> pl.DataFrame:
        """The round's rows against ``peer_group`` (:data:`benchmark.BENCHMARK_SCHEMA`)."""
        start, length = self.rows.get((organisation_id, peer_group), (0, 0))
        latest = self.benchmark.slice(start, length)
        if latest.height and latest.get_column("round_id")[0] == round_id:
            return latest
        return self._earlier.get(
            (organisation_id, round_id, peer_group),
            lambda: self._earlier_round(organisation_id, round_id, peer_group),
        )

    def _earlier_round(self, organisation_id: str, round_id: str, peer_group: str) -> pl.DataFrame:
        own = self.results.filter(pl.col("round_id") == round_id)
        if own.is_empty():
            return benchmark.empty(benchmark.BENCHMARK_SCHEMA)
        others = self.representatives.filter(pl.col("organisation_id") != organisation_id)
        return benchmark.benchmark(pl.concat([others, own]), organisation_id, round_id, peer_group)

    def population(self, year: int | None) -> pl.DataFrame:
        """The representatives: current ones, or the latest round closed in ``year``."""
        if year is None:
            return self.representatives
        return self._memo.get(
            ("population", year),
            lambda: benchmark.representatives(
                self.results.filter(pl.col("closed_at").dt.year() == year)
            ),
        )

    def trend(self) -> pl.DataFrame:
        """:func:`analytics.benchmark.sector_trend` of this version."""
        return self._memo.get(
            "trend",
            lambda: benchmark.sector_trend(benchmark.representatives_by_year(self.results)),
        )

    def years(self) -> list[int]:
        return self._memo.get(
            "years",
            lambda: sorted(
                int(y) for y in self.results.get_column("closed_at").dt.year().unique().to_list()
            ),
        )

    def statistics(self, peer_group: str, year: int | None = None) -> pl.DataFrame:
        """Peer statistics of ``peer_group`` (current, or of ``year``), with ``year``
        and ``organisations`` (the group's organisations with a representative)."""
        return self._memo.get(
            ("statistics", peer_group, year), lambda: self._statistics(peer_group, year)
        )

    def _statistics(self, peer_group: str, year: int | None) -> pl.DataFrame:
        reps = self.population(year)
        statistics = benchmark.peer_statistics(reps, peer_group)
        keys = ["synthetic", *PEER_GROUPS[peer_group], "instrument_id", "instrument_version"]
        organisations = reps.group_by(keys).agg(
            pl.col("organisation_id").n_unique().cast(pl.Int64).alias("organisations")
        )
        return statistics.join(organisations, on=keys, how="left", nulls_equal=True).with_columns(
            pl.lit(year, pl.Int32).alias("year"),
            pl.col("organisations").fill_null(0),
        )


def _members(reps: pl.DataFrame) -> dict[tuple[Any, ...], frozenset[str]]:
    """Per peer group and group (synthetic and the group's own attribute values): the
    organisations with a representative."""
    profiles = reps.select("organisation_id", "synthetic", *ATTRIBUTES).unique()
    found: dict[tuple[Any, ...], frozenset[str]] = {}
    for group, columns in PEER_GROUPS.items():
        keys = ["synthetic", *columns]
        for row in profiles.group_by(keys).agg(pl.col("organisation_id")).iter_rows():
            found[(group, *row[:-1])] = frozenset(row[-1])
    return found


class BenchmarkCache:
    """Per process: frames per database state and instrument version (LRU)."""

    def __init__(self, capacity: int = CACHE_ENTRIES) -> None:
        self._entries: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._building: dict[tuple[Any, ...], threading.Lock] = {}
        self._lock = threading.Lock()
        self._capacity = capacity

    def snapshot(self, session: Session) -> Snapshot:
        """The database and its fingerprint (one aggregate over the closed rounds)."""
        count, latest = session.execute(
            select(func.count(), func.max(Round.closed_at)).where(Round.status == "closed")
        ).one()
        return Snapshot(
            database=session.connection().engine.url.render_as_string(hide_password=True),
            fingerprint=(int(count or 0), latest),
        )

    def frames(
        self, session: Session, snapshot: Snapshot, instrument_id: str, version: str
    ) -> VersionFrames:
        """The frames of one instrument version, built on first use in this state."""
        return self._get(
            (snapshot, "version", instrument_id, version),
            lambda: VersionFrames.build(
                data.load_results(session, instrument_id=instrument_id, instrument_version=version)
            ),
        )

    def balance(self, session: Session, snapshot: Snapshot) -> pl.DataFrame:
        """:func:`analytics.data.load_balance` (every closed round's balance)."""
        return self._get((snapshot, "balance"), lambda: data.load_balance(session))

    def versions(self, session: Session, snapshot: Snapshot) -> list[tuple[str, str]]:
        """Instrument versions with stored results, sorted."""

        def load() -> list[tuple[str, str]]:
            rows = session.execute(
                select(DimensionResult.instrument_id, DimensionResult.instrument_version).distinct()
            ).all()
            return sorted((str(i), str(v)) for i, v in rows)

        return self._get((snapshot, "versions"), load)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _get(self, key: tuple[Any, ...], make: Callable[[], T]) -> T:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]  # type: ignore[no-any-return]
            building = self._building.setdefault(key, threading.Lock())
        with building:  # one thread builds, the others wait for it
            with self._lock:
                if key in self._entries:
                    return self._entries[key]  # type: ignore[no-any-return]
            try:
                value = make()
            finally:
                with self._lock:
                    self._building.pop(key, None)
            with self._lock:
                self._entries[key] = value
                while len(self._entries) > self._capacity:
                    self._entries.popitem(last=False)
            return value


# --- a round against its peers ------------------------------------------------------------


@dataclass(frozen=True)
class RoundBenchmark:
    """A closed round against one peer group, over the instruments of the round.

    ``peer_count``: organisations in the peer group with a representative on any of
    the round's instrument versions (a count always shows). ``suppressed`` when no
    dimension shows more than its count; ``suppression`` then gives the reason code
    (:mod:`survey.disclosure.rules`). ``dimensions``: the rows of
    :data:`analytics.benchmark.BENCHMARK_SCHEMA`, in the round's instrument order.
    """

    peer_group: str
    peer_count: int
    suppressed: bool
    suppression: str | None
    synthetic: bool
    dimensions: pl.DataFrame


def check_peer_group(peer_group: str) -> str:
    if peer_group not in PEER_GROUPS:
        known = ", ".join(PEER_GROUPS)
        raise InvalidInput(f"Unknown peer group '{peer_group}' (use {known}).", "peers")
    return peer_group


def round_benchmark(
    session: Session,
    round_: Round,
    peer_group: str,
    *,
    library: InstrumentLibrary | None = None,
    cache: BenchmarkCache,
) -> RoundBenchmark:
    """The round's benchmark (see :class:`RoundBenchmark`). Conflict while open;
    InvalidInput for an unknown peer group."""
    check_peer_group(peer_group)
    if round_.is_open:
        raise Conflict("The benchmark is available once the round is closed.")
    snapshot = cache.snapshot(session)
    organisation = session.get(Organisation, round_.organisation_id)
    assert organisation is not None
    synthetic = bool(organisation.synthetic)
    group = (peer_group, synthetic, *(getattr(organisation, c) for c in PEER_GROUPS[peer_group]))
    parts: list[pl.DataFrame] = []
    peers: set[str] = set()
    for pinned in sorted(round_.instruments, key=lambda p: p.position):
        frames = cache.frames(session, snapshot, pinned.instrument_id, pinned.instrument_version)
        rows = frames.own_rows(organisation.id, round_.id, peer_group)
        parts.append(_in_instrument_order(rows, library))
        peers |= frames.members.get(group, frozenset())
    rows = pl.concat(parts) if parts else benchmark.empty(benchmark.BENCHMARK_SCHEMA)
    peer_count = len(peers)
    suppressed, suppression = _overall(rows)
    return RoundBenchmark(
        peer_group=peer_group,
        peer_count=int(peer_count),
        suppressed=suppressed,
        suppression=suppression,
        synthetic=synthetic,
        dimensions=rows,
    )


def _in_instrument_order(rows: pl.DataFrame, library: InstrumentLibrary | None) -> pl.DataFrame:
    if library is None or rows.is_empty():
        return rows
    instrument = library.get(rows.get_column("instrument_id")[0], rows["instrument_version"][0])
    if instrument is None:
        return rows
    order = {d.id: n for n, d in enumerate(instrument.dimensions)}
    position = [order.get(d, len(order)) for d in rows.get_column("dimension_id").to_list()]
    return rows[sorted(range(rows.height), key=position.__getitem__)]


def _overall(rows: pl.DataFrame) -> tuple[bool, str | None]:
    """Suppressed when no dimension shows more than its count; the first reason given.
    A round without stored scores has nothing to show and no reason to give."""
    if rows.is_empty():
        return True, None
    if not rows.get_column("suppressed").all():
        return False, None
    return True, rows.get_column("suppression").drop_nulls().first()  # type: ignore[return-value]


def balance_points(
    session: Session, round_: Round, peer_group: str, *, cache: BenchmarkCache
) -> pl.DataFrame:
    """:func:`analytics.benchmark.balance_peers` for the round (its point among its
    unnamed peers' points), from the cached balance of every closed round."""
    check_peer_group(peer_group)
    balance = cache.balance(session, cache.snapshot(session))
    return benchmark.balance_peers(balance, round_.organisation_id, round_.id, peer_group)


# --- the integrity office ------------------------------------------------------------------


def instrument_versions(session: Session, *, cache: BenchmarkCache) -> list[tuple[str, str]]:
    """Instrument versions that have stored results."""
    return cache.versions(session, cache.snapshot(session))


def result_years(
    session: Session, instrument_id: str, version: str, *, cache: BenchmarkCache
) -> list[int]:
    """The calendar years (UTC) in which rounds on this version closed."""
    return cache.frames(session, cache.snapshot(session), instrument_id, version).years()


def office_statistics(
    session: Session,
    *,
    instrument_id: str,
    instrument_version: str,
    by: str,
    sector: str | None = None,
    size_band: str | None = None,
    country: str | None = None,
    year: int | None = None,
    synthetic: bool | None = None,
    cache: BenchmarkCache,
) -> pl.DataFrame:
    """An integrity office's groups for one instrument version.

    ``by`` all, sector, size_band or country: the groups of
    :func:`analytics.data.office_statistics` (the filters pick groups of the matching
    peer group; ``year`` uses each organisation's latest round closed in that year).
    ``by="year"``: every year's sector groups (filter by sector only). ``synthetic``
    None keeps real and demo groups (each row says which). Columns: those of
    :func:`analytics.benchmark.peer_statistics`, ``organisations`` (the group's
    organisations) and ``year`` (null for the current population). Raises
    InvalidInput for an unknown grouping or a combination that is not a peer group.
    """
    if by not in OFFICE_BY:
        raise InvalidInput(f"Unknown grouping '{by}' (use {', '.join(OFFICE_BY)}).", "by")
    frames = cache.frames(session, cache.snapshot(session), instrument_id, instrument_version)
    if by == "year":
        if size_band is not None or country is not None:
            raise InvalidInput("The view per year is per sector: filter by sector only.", "by")
        years = [year] if year is not None else frames.years()
        parts = [frames.statistics("sector", y) for y in years]
        statistics = pl.concat(parts) if parts else frames.statistics("sector").clear()
    else:
        try:
            group = data.office_peer_group(
                by,
                sector=sector is not None,
                size_band=size_band is not None,
                country=country is not None,
            )
        except ValueError as error:
            raise InvalidInput(str(error), "by") from None
        statistics = frames.statistics(group, year)
    for column, value in (("sector", sector), ("size_band", size_band), ("country", country)):
        if value is not None:
            statistics = statistics.filter(pl.col(column) == value)
    if synthetic is not None:
        statistics = statistics.filter(pl.col("synthetic") == synthetic)
    return statistics.sort("synthetic", "year", *ATTRIBUTES, *SCOPE, nulls_last=True)


def office_groups(statistics: pl.DataFrame) -> list[dict[str, Any]]:
    """:func:`office_statistics` rows as groups with their dimensions (the API shape).

    A group is ``suppressed`` when none of its dimensions may show statistics."""
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in statistics.iter_rows(named=True):
        key = tuple(row[k] for k in GROUP_KEYS)
        group = groups.setdefault(
            key,
            {
                "peer_group": row["peer_group"],
                **{k: row[k] for k in GROUP_KEYS},
                "peer_count": int(row["organisations"]),
                "dimensions": [],
            },
        )
        group["dimensions"].append(
            {
                "instrument": row["instrument_id"],
                "instrument_version": row["instrument_version"],
                "dimension": row["dimension_id"],
                "peer_count": int(row["peer_count"]),
                "known": int(row["known"]),
                "unknown": int(row["unknown"]),
                "form": row["form"],
                "suppressed": bool(row["suppressed"]),
                "suppression": row["suppression"],
                "explanation": rules.explanations(row["suppression"]),
                **{name: row[name] for name in BAND_COLUMNS},
            }
        )
    found = []
    for group in groups.values():
        dimensions = group["dimensions"]
        hidden = all(d["suppressed"] for d in dimensions)
        reasons = [d["suppression"] for d in dimensions if d["suppression"]]
        found.append(
            {
                **group,
                "suppressed": hidden,
                "suppression": (reasons[0] if reasons else None) if hidden else None,
                "explanation": rules.explanations(reasons[0]) if hidden and reasons else None,
            }
        )
    return found


# --- the export -----------------------------------------------------------------------------

EXPORT_SCHEMA: dict[str, pl.DataType] = {
    "record": pl.String(),
    "synthetic": pl.Boolean(),
    "instrument_id": pl.String(),
    "instrument_version": pl.String(),
    "dimension_id": pl.String(),
    "peer_group": pl.String(),
    "sector": pl.String(),
    "size_band": pl.String(),
    "country": pl.String(),
    "peer_count": pl.Int64(),
    "known": pl.Int64(),
    "unknown": pl.Int64(),
    "form": pl.String(),
    "suppressed": pl.Boolean(),
    "suppression": pl.String(),
    "explanation_en": pl.String(),
    "explanation_nl": pl.String(),
    **{name: pl.Float64() for name in BAND_COLUMNS},
    "organisation_id": pl.String(),
    "organisation_name": pl.String(),
    "round_id": pl.String(),
    "closed_at": pl.Datetime("us", "UTC"),
    "respondents": pl.Int64(),
    "score": pl.Float64(),
    "score_suppressed": pl.Boolean(),
}
GROUP_RECORD = "group"
ORGANISATION_RECORD = "organisation"


def _explained(frame: pl.DataFrame) -> pl.DataFrame:
    """The reason code's text in every language beside it."""
    return frame.with_columns(
        pl.col("suppression")
        .replace_strict(
            {code: rules.explain(code, lang) for code in rules.REASONS},
            default=None,
            return_dtype=pl.String,
        )
        .alias(f"explanation_{lang}")
        for lang in LANGUAGES
    )


def _shaped(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype).alias(name)
        for name, dtype in EXPORT_SCHEMA.items()
    )


def export_scores(
    session: Session,
    *,
    versions: Sequence[tuple[str, str]] | None = None,
    cache: BenchmarkCache,
) -> pl.DataFrame:
    """What an integrity office may download (columns :data:`EXPORT_SCHEMA`).

    * ``record = "group"``: every peer group's published figures per instrument
      version and dimension (current representatives), real and demo groups apart, in
      the form its unknown count allows (bands; a count-only group carries its count
      and the reason code).
    * ``record = "organisation"``: the named dimension scores of each organisation
      that chose to share them with the integrity office (its latest closed round per
      instrument version); a score resting on fewer respondents than the anonymity
      rule allows is left out (``score_suppressed``). No other organisation appears.
    """
    snapshot = cache.snapshot(session)
    chosen = list(versions) if versions is not None else cache.versions(session, snapshot)
    sharing = dict(
        session.execute(
            select(Organisation.id, Organisation.name).where(
                Organisation.share_with_integrity_office.is_(True)
            )
        ).all()
    )
    parts = []
    for instrument_id, version in chosen:
        frames = cache.frames(session, snapshot, instrument_id, version)
        for group in PEER_GROUPS:
            parts.append(
                _shaped(
                    _explained(frames.statistics(group)).with_columns(
                        pl.lit(GROUP_RECORD).alias("record")
                    )
                )
            )
        named = frames.representatives.filter(pl.col("organisation_id").is_in(list(sharing)))
        named = roles.suppress_small_counts(
            named, count="respondents", columns=("score",), flag="score_suppressed"
        ).with_columns(
            pl.lit(ORGANISATION_RECORD).alias("record"),
            pl.col("organisation_id")
            .replace_strict(sharing, default=None, return_dtype=pl.String)
            .alias("organisation_name"),
        )
        parts.append(_shaped(named))
    if not parts:
        return pl.DataFrame(schema=EXPORT_SCHEMA)
    return pl.concat(parts)
