"""Building report files, rendered once and then served from the database cache.

:func:`build_report` (a round's improvement report) and :func:`build_sector_report`
(the integrity office's sector report) return ``(content, media_type, filename)``.
A rendered file is stored in the ``report_cache`` table (:mod:`analytics.report.cache`)
and served from it until anything it depends on changes. A web request reads what a
report needs in its transaction (:func:`prepare_report`) and renders after it has
ended (:func:`finish_report`), so that no SQLite write lock is held while rendering.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, partial
from typing import NamedTuple

from sqlalchemy.orm import Session

from analytics.benchmark import PEER_GROUPS
from analytics.render import collector_paused
from analytics.report import charts, render, sector, sector_input
from analytics.report.cache import (
    REPORT_VERSION,
    Digest,
    cached,
    instrument_hash,
    round_fingerprint,
    store,
)
from analytics.report.content import improvement_report
from analytics.report.formats import MEDIA_TYPES, ROUND_FORMATS, SECTOR_FORMATS
from analytics.report.inputs import DEFAULT_PEER_GROUP, improvement_input
from analytics.report.model import ReportInput
from instruments import InstrumentLibrary
from survey.db import Database
from survey.errors import Conflict, InvalidInput
from survey.i18n import LANGUAGES
from survey.models import Organisation, Round
from survey.settings import Settings


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
    charts.warm_up()
    for name in ("base.html", "improvement.html", "sector.html"):
        render.environment().get_template(f"report/{name}")
    render.html_to_pdf(render.sample_html())


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
    with collector_paused():
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


def _round_entries(
    session: Session,
    round_: Round,
    library: InstrumentLibrary,
    formats: Sequence[str],
    lang: str,
    base_url: str | None,
    peer_group: str,
) -> list[tuple[str, str, str, Report | None]]:
    """(cache key, fingerprint, file name, the cached report or None) of the round's
    report in each of ``formats``; the fingerprint is computed once."""
    for format in formats:
        _check(format, lang, ROUND_FORMATS)
    if peer_group not in PEER_GROUPS:
        raise InvalidInput(f"Unknown peer group '{peer_group}'.", "peers")
    organisation = session.get(Organisation, round_.organisation_id)
    assert organisation is not None
    if round_.is_open:
        raise Conflict("The report is available once the round is closed.")
    fingerprint = round_fingerprint(
        session, round_, library, peer_group=peer_group, base_url=base_url
    )
    entries = []
    for format in formats:
        filename = round_filename(organisation, round_, format, lang)
        key = f"round:{round_.id}:{peer_group}:{format}:{lang}"
        entry = cached(session, key, fingerprint)
        hit = Report(entry.content, entry.media_type, filename) if entry is not None else None
        entries.append((key, fingerprint, filename, hit))
    return entries


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
    [(key, fingerprint, filename, hit)] = _round_entries(
        session, round_, library, (format,), lang, base_url, peer_group
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
    [prepared] = prepare_reports(
        session,
        round_,
        library,
        formats=(format,),
        lang=lang,
        settings=settings,
        peer_group=peer_group,
    )
    return prepared


def prepare_reports(
    session: Session,
    round_: Round,
    library: InstrumentLibrary,
    *,
    formats: Sequence[str],
    lang: str,
    settings: Settings | None = None,
    peer_group: str = DEFAULT_PEER_GROUP,
) -> list[Report | PendingReport]:
    """:func:`prepare_report` for several formats of one language, in their order:
    the fingerprint is computed and the input read once for all of them."""
    base_url = settings.base_url if settings is not None else None
    entries = _round_entries(session, round_, library, formats, lang, base_url, peer_group)
    if all(hit is not None for *_, hit in entries):
        return [hit for *_, hit in entries if hit is not None]
    data = improvement_input(
        session, round_, library, lang=lang, peer_group=peer_group, base_url=base_url
    )
    return [
        hit
        if hit is not None
        else PendingReport(
            key,
            fingerprint,
            MEDIA_TYPES[format],
            filename,
            partial(render_improvement, data, format),
        )
        for format, (key, fingerprint, filename, hit) in zip(formats, entries, strict=True)
    ]


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
    synthetic = sector_input.population_is_synthetic(session, instrument)
    key = f"sector:{instrument.id}:{instrument.version}:{format}:{lang}"
    digest = Digest()
    digest.feed(REPORT_VERSION, instrument.id, instrument.version, instrument_hash(instrument))
    digest.feed(synthetic)
    digest.rows(sector_input.fingerprint_rows(session, instrument, synthetic=synthetic))
    fingerprint = digest.hexdigest()
    filename = f"sector-report-{slug(instrument.id)}-{slug(instrument.version)}-{lang}.{format}"
    entry = cached(session, key, fingerprint)
    if entry is not None:
        return Report(entry.content, entry.media_type, filename)
    data = sector_input.sector_input(session, instrument, lang=lang, synthetic=synthetic)
    render_it = partial(render_sector, data, format)
    return PendingReport(key, fingerprint, MEDIA_TYPES[format], filename, render_it)


def render_sector(data: sector_input.SectorInput, format: str) -> bytes:
    """The sector report of what :func:`analytics.report.sector_input.sector_input` read."""
    with collector_paused():
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
