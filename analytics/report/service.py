"""Building report files, rendered once and then served from the database cache.

:func:`build_report` (a round's improvement report) and :func:`build_sector_report`
(the integrity office's sector report) return ``(content, media_type, filename)``.
A rendered file is stored in the ``report_cache`` table under a key naming what it
is (round or instrument, format, language) with a fingerprint of everything it
depends on; the next request with the same fingerprint is served from the table, so
every worker shares the cache. When the fingerprint changes (the round's stored
results, a peer's new closed round, an organisation's profile, the instrument
versions, :data:`REPORT_VERSION`) the file is rendered again and replaces the old one.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, partial
from typing import Any, NamedTuple

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from analytics.benchmark import PEER_GROUPS
from analytics.report import charts, followup, render, sector
from analytics.report.content import improvement_report
from analytics.report.formats import MEDIA_TYPES, ROUND_FORMATS, SECTOR_FORMATS
from analytics.report.inputs import DEFAULT_PEER_GROUP, improvement_input, pinned_versions
from analytics.report.model import ReportInput
from instruments import Instrument, InstrumentLibrary
from survey.db import Database, upsert
from survey.errors import Conflict, InvalidInput
from survey.i18n import LANGUAGES
from survey.models import (
    DimensionResult,
    InstrumentResult,
    ItemResult,
    Organisation,
    ReportCache,
    RoleResult,
    Round,
)
from survey.services.rounds import role_counts
from survey.settings import Settings

# Bump whenever the content, wording, templates or rendering change what a report says
# or looks like: every cached report is rendered again.
REPORT_VERSION = "2"


class Report(NamedTuple):
    content: bytes
    media_type: str
    filename: str


def _check(format: str, lang: str, formats: Iterable[str]) -> None:
    allowed = tuple(formats)
    if format not in allowed:
        raise InvalidInput(f"Unknown format '{format}' (use {', '.join(allowed)}).", "format")
    if lang not in LANGUAGES:
        raise InvalidInput(f"Unknown language '{lang}' (use {', '.join(LANGUAGES)}).", "lang")


def slug(text: str, limit: int = 60) -> str:
    """ASCII, lower case, words joined by hyphens: safe in any file name or header."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-") or "report"


@cache
def warm_up() -> None:
    """Start the chart and PDF engines (about a second in a new process: Vega, fonts,
    the report templates compiled), so that the first report a worker renders does not
    pay for it. The app calls it at start-up; it runs once per process."""
    import altair as alt

    from analytics.render import to_svg

    to_svg(alt.Chart(alt.Data(values=[{"x": 1}])).mark_point().encode(x="x:Q"))
    for name in ("improvement.html", "sector.html"):
        render.environment().get_template(f"report/{name}")
    render.html_to_pdf(render.render_template("base.html", lang="en", medium="print"))


# --- fingerprints --------------------------------------------------------------------------


class _Digest:
    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def feed(self, *values: Any) -> None:
        for value in values:
            self._hash.update(repr(value).encode("utf-8"))
            self._hash.update(b"\x1f")

    def rows(self, rows: Iterable[Any]) -> None:
        for row in rows:
            self.feed(tuple(row))

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


# keyed by the object's id; the object is kept with its hash so the id stays its own
_instrument_hashes: dict[int, tuple[Instrument, str]] = {}


def instrument_hash(instrument: Instrument) -> str:
    """A hash of the instrument's whole content (texts included), computed once."""
    known = _instrument_hashes.get(id(instrument))
    if known is None or known[0] is not instrument:
        digest = hashlib.sha256(instrument.model_dump_json().encode("utf-8")).hexdigest()
        known = _instrument_hashes[id(instrument)] = (instrument, digest)
    return known[1]


def _round_rows(session: Session, round_: Round, digest: _Digest) -> None:
    """The round's own stored results, all of them, in a stable order."""
    for table, order in (
        (InstrumentResult, (InstrumentResult.instrument_id,)),
        (DimensionResult, (DimensionResult.instrument_id, DimensionResult.dimension_id)),
        (RoleResult, (RoleResult.instrument_id, RoleResult.dimension_id, RoleResult.role)),
        (ItemResult, (ItemResult.instrument_id, ItemResult.item_id)),
    ):
        columns = [c for c in table.__table__.columns if c.name != "round_id"]
        digest.rows(
            session.execute(select(*columns).where(table.round_id == round_.id).order_by(*order))
        )
    digest.feed(sorted(role_counts(round_, session).items()))


def _population_rows(
    session: Session, versions: list[tuple[str, str]], synthetic: bool, digest: _Digest
) -> None:
    """What the peer comparison rests on: per sector × size band × country, the closed
    rounds on these instrument versions (count, latest closing, sums of the stored
    instrument scores). A peer's new round, a recomputed result, a profile change or a
    removed organisation all change it."""
    if not versions:
        return
    digest.rows(
        session.execute(
            select(
                Organisation.sector,
                Organisation.size_band,
                Organisation.country,
                InstrumentResult.instrument_id,
                InstrumentResult.instrument_version,
                func.count(),
                func.count(func.distinct(Round.organisation_id)),
                func.max(Round.closed_at),
                func.sum(InstrumentResult.score),
                func.sum(InstrumentResult.min_respondents),
            )
            .join(Round, Round.id == InstrumentResult.round_id)
            .join(Organisation, Organisation.id == Round.organisation_id)
            .where(
                Round.status == "closed",
                Organisation.synthetic == synthetic,
                tuple_(InstrumentResult.instrument_id, InstrumentResult.instrument_version).in_(
                    versions
                ),
            )
            .group_by(
                Organisation.sector,
                Organisation.size_band,
                Organisation.country,
                InstrumentResult.instrument_id,
                InstrumentResult.instrument_version,
            )
            .order_by(
                Organisation.sector,
                Organisation.size_band,
                Organisation.country,
                InstrumentResult.instrument_id,
                InstrumentResult.instrument_version,
            )
        )
    )


def round_fingerprint(
    session: Session,
    round_: Round,
    library: InstrumentLibrary,
    *,
    peer_group: str = DEFAULT_PEER_GROUP,
    base_url: str | None = None,
) -> str:
    """The hash of everything the round's report depends on (see the module docstring)."""
    digest = _Digest()
    digest.feed(REPORT_VERSION, peer_group, base_url)
    organisation = session.get(Organisation, round_.organisation_id)
    assert organisation is not None
    digest.feed(
        organisation.name,
        organisation.sector,
        organisation.size_band,
        organisation.country,
        organisation.synthetic,
    )
    digest.feed(
        round_.id,
        round_.label,
        round_.status,
        round_.closed_at,
        round_.submitted_count,
        round_.control_score,
        round_.enablement_score,
        round_.control_respondents,
        round_.enablement_respondents,
        round_.quadrant,
        round_.coherent,
    )
    versions = pinned_versions(round_)
    for instrument_id, version in versions:
        instrument = library.get(instrument_id, version)
        digest.feed(instrument_id, version, instrument_hash(instrument) if instrument else None)
    _round_rows(session, round_, digest)
    digest.rows(followup.fingerprint_rows(session, round_))
    _population_rows(session, versions, bool(organisation.synthetic), digest)
    return digest.hexdigest()


# --- the cache -----------------------------------------------------------------------------


_STORE = upsert(
    ReportCache, keys=("key",), update=("fingerprint", "media_type", "content", "created_at")
)


def cached(session: Session, key: str, fingerprint: str) -> ReportCache | None:
    entry = session.get(ReportCache, key, populate_existing=True)
    if entry is not None and entry.fingerprint == fingerprint:
        return entry
    return None


def store(session: Session, key: str, fingerprint: str, media_type: str, content: bytes) -> None:
    """Insert or replace the cache entry (an upsert, so concurrent workers never clash)."""
    _STORE.execute(
        session,
        [
            {
                "key": key,
                "fingerprint": fingerprint,
                "media_type": media_type,
                "content": content,
                "created_at": datetime.now(UTC),
            }
        ],
    )
    session.flush()


# --- the round's improvement report ------------------------------------------------------


def render_round_report(
    session: Session,
    round_: Round,
    library: InstrumentLibrary,
    *,
    format: str,
    lang: str,
    peer_group: str = DEFAULT_PEER_GROUP,
    base_url: str | None = None,
) -> bytes:
    """Render the round's report in ``format`` without the cache."""
    data = improvement_input(
        session, round_, library, lang=lang, peer_group=peer_group, base_url=base_url
    )
    return render_improvement(data, format)


def render_improvement(data: ReportInput, format: str) -> bytes:
    """The improvement report of what :func:`improvement_input` read, in ``format``:
    no database needed."""
    model = improvement_report(data)
    if format == "csv":
        return render.scores_csv(model)
    if format == "xlsx":
        return render.action_plan_xlsx(model)
    svgs = charts.improvement_charts(data, model)
    if format == "pdf":
        return render.improvement_pdf(model, charts=svgs)
    return render.improvement_html(model, charts=svgs).encode("utf-8")


def round_filename(organisation: Organisation, round_: Round, format: str, lang: str) -> str:
    return f"improvement-report-{slug(organisation.name)}-{slug(round_.label, 40)}-{lang}.{format}"


def _round_entry(
    session: Session,
    round_: Round,
    library: InstrumentLibrary,
    format: str,
    lang: str,
    base_url: str | None,
    peer_group: str,
) -> tuple[str, str, str, Report | None]:
    """(cache key, fingerprint, file name, the cached report or None) of a round's report."""
    _check(format, lang, ROUND_FORMATS)
    if peer_group not in PEER_GROUPS:
        raise InvalidInput(f"Unknown peer group '{peer_group}'.", "peers")
    organisation = session.get(Organisation, round_.organisation_id)
    assert organisation is not None
    filename = round_filename(organisation, round_, format, lang)
    if round_.is_open:
        raise Conflict("The report is available once the round is closed.")
    key = f"round:{round_.id}:{peer_group}:{format}:{lang}"
    fingerprint = round_fingerprint(
        session, round_, library, peer_group=peer_group, base_url=base_url
    )
    entry = cached(session, key, fingerprint)
    hit = Report(entry.content, entry.media_type, filename) if entry is not None else None
    return key, fingerprint, filename, hit


def build_report(
    session: Session,
    round_: Round,
    library: InstrumentLibrary,
    *,
    format: str,
    lang: str,
    settings: Settings | None = None,
    peer_group: str = DEFAULT_PEER_GROUP,
) -> Report:
    """The round's improvement report as ``(content, media_type, filename)``.

    Raises :class:`survey.errors.InvalidInput` for an unknown format or language and
    :class:`survey.errors.Conflict` while the round is open. Served from the cache when
    nothing it depends on has changed; otherwise rendered and stored in the session's
    transaction (the caller commits). A web request uses :func:`prepare_report` and
    :func:`finish_report` instead, so that it renders outside the transaction.
    """
    base_url = settings.base_url if settings is not None else None
    key, fingerprint, filename, hit = _round_entry(
        session, round_, library, format, lang, base_url, peer_group
    )
    if hit is not None:
        return hit
    content = render_round_report(
        session,
        round_,
        library,
        format=format,
        lang=lang,
        peer_group=peer_group,
        base_url=base_url,
    )
    store(session, key, fingerprint, MEDIA_TYPES[format], content)
    return Report(content, MEDIA_TYPES[format], filename)


@dataclass(frozen=True)
class PendingReport:
    """A report not in the cache: everything it needs was read in the transaction;
    ``render`` makes it without the database."""

    key: str
    fingerprint: str
    media_type: str
    filename: str
    render: Callable[[], bytes]


def prepare_report(
    session: Session,
    round_: Round,
    library: InstrumentLibrary,
    *,
    format: str,
    lang: str,
    settings: Settings | None = None,
    peer_group: str = DEFAULT_PEER_GROUP,
) -> Report | PendingReport:
    """:func:`build_report` up to rendering: the cached report, or what rendering needs
    (read now, in the session's transaction); :func:`finish_report` renders it after
    the transaction has ended."""
    base_url = settings.base_url if settings is not None else None
    key, fingerprint, filename, hit = _round_entry(
        session, round_, library, format, lang, base_url, peer_group
    )
    if hit is not None:
        return hit
    data = improvement_input(
        session, round_, library, lang=lang, peer_group=peer_group, base_url=base_url
    )
    render_it = partial(render_improvement, data, format)
    return PendingReport(key, fingerprint, MEDIA_TYPES[format], filename, render_it)


def finish_report(database: Database, prepared: Report | PendingReport) -> Report:
    """The report of :func:`prepare_report` or :func:`prepare_sector_report`: rendered
    outside any transaction (on SQLite no write lock is held while a report renders,
    so respondents keep saving), then stored in a short transaction of its own."""
    if isinstance(prepared, Report):
        return prepared
    content = prepared.render()
    with database.session() as session:
        store(session, prepared.key, prepared.fingerprint, prepared.media_type, content)
    return Report(content, prepared.media_type, prepared.filename)


# --- the sector report ---------------------------------------------------------------------


def _sector_entry(
    session: Session,
    library: InstrumentLibrary,
    instrument_id: str,
    format: str,
    lang: str,
    version: str | None,
) -> Report | PendingReport:
    """The cached sector report, or the pending one with its input read now."""
    _check(format, lang, SECTOR_FORMATS)
    instrument = library.get(instrument_id, version)
    if instrument is None:
        raise InvalidInput(f"Unknown instrument '{instrument_id}'.", "instrument")
    synthetic = sector.population_is_synthetic(session, instrument)
    key = f"sector:{instrument.id}:{instrument.version}:{format}:{lang}"
    digest = _Digest()
    digest.feed(REPORT_VERSION, instrument.id, instrument.version, instrument_hash(instrument))
    digest.feed(synthetic)
    digest.rows(sector.fingerprint_rows(session, instrument, synthetic=synthetic))
    fingerprint = digest.hexdigest()
    filename = f"sector-report-{slug(instrument.id)}-{slug(instrument.version)}-{lang}.{format}"
    entry = cached(session, key, fingerprint)
    if entry is not None:
        return Report(entry.content, entry.media_type, filename)
    data = sector.sector_input(session, instrument, lang=lang, synthetic=synthetic)
    render_it = partial(render_sector, data, format)
    return PendingReport(key, fingerprint, MEDIA_TYPES[format], filename, render_it)


def render_sector(data: sector.SectorInput, format: str) -> bytes:
    """The sector report of what :func:`analytics.report.sector.sector_input` read."""
    model = sector.sector_report(data)
    svgs = charts.sector_charts(model)
    if format == "pdf":
        return render.sector_pdf(model, charts=svgs)
    return render.sector_html(model, charts=svgs).encode("utf-8")


def build_sector_report(
    session: Session,
    library: InstrumentLibrary,
    *,
    instrument_id: str,
    format: str,
    lang: str,
    version: str | None = None,
) -> Report:
    """The integrity office's sector benchmark report of one instrument version (the
    latest unless ``version`` is given), as ``(content, media_type, filename)``;
    cached like :func:`build_report`."""
    pending = _sector_entry(session, library, instrument_id, format, lang, version)
    if isinstance(pending, Report):
        return pending
    content = pending.render()
    store(session, pending.key, pending.fingerprint, pending.media_type, content)
    return Report(content, pending.media_type, pending.filename)


def prepare_sector_report(
    session: Session,
    library: InstrumentLibrary,
    *,
    instrument_id: str,
    format: str,
    lang: str,
    version: str | None = None,
) -> Report | PendingReport:
    """:func:`build_sector_report` up to rendering (see :func:`prepare_report`)."""
    return _sector_entry(session, library, instrument_id, format, lang, version)
