"""The one adapter between the interop analyses and the scoring, disclosure,
benchmark and report code.

``survey analyse`` reaches the engine only through this module: scoring
(:func:`score`), what may be shown (:func:`shown`), scores per use
(:func:`use_scores`), peer benchmarks (:func:`benchmarks`) and the improvement and
sector reports (:func:`improvement_files`, :func:`sector_files`). It calls the
current functions (``survey.frames``, ``survey.scoring``, ``survey.disclosure.roles``,
``analytics.benchmark``, ``analytics.report``); when the engine changes, only this
module is re-pointed.

Answers are scored under the rules of their instruments' ``scheme`` (schema 1 or 2),
with the frames and the scheme dispatch a closed round uses
(:func:`survey.services.rounds.close_round`): :func:`survey.scoring.score_scheme`.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import polars as pl

from analytics import benchmark
from survey import scoring
from survey.disclosure import roles
from survey.disclosure.roles import MIN_ROLE_GROUP
from survey.frames import items_frame as _items_frame
from survey.frames import items_frame_v2
from survey.scoring.engine import Engine

if TYPE_CHECKING:
    from instruments import Instrument

Scores = scoring.Scores
MATURITY_INSTRUMENT = "sm-maturity"
ROUND_LABEL = "import"
PEER_GROUP = "sector"
ORGANISATION_COLUMNS = ("organisation_id", "sector", "size_band", "country")
SHARES = False
"""Whether an organisation analysed from a tool's export shares its named scores with
the integrity office: no. Sharing is an organisation's own consent, given in the
platform; an organisations file carries none (see docs/interoperability.md)."""


def items_frame(instruments: Sequence[Instrument]) -> pl.DataFrame:
    return _items_frame(instruments)


def scheme_of(instruments: Sequence[Instrument]) -> int:
    """The one scheme (schema version) of ``instruments``; a round never mixes two."""
    schemes = {inst.scheme for inst in instruments}
    if len(schemes) != 1:
        raise ValueError(f"instruments of schemes {sorted(schemes)} are never scored together")
    return schemes.pop()


def score(answers: pl.DataFrame, instruments: Sequence[Instrument]) -> Scores:
    """Every analysis of the answers (canonical columns), as for a closed round: under
    the rules of the instruments' scheme."""
    scheme = scheme_of(instruments)
    if scheme == 2:
        frame = _with_emphasis(answers, instruments).select(
            pl.col(c).cast(t) for c, t in scoring.ANSWER_SCHEMA_V2.items()
        )
        items = items_frame_v2(instruments)
    else:
        frame, items = answers.select(*scoring.ANSWER_SCHEMA), items_frame(instruments)
    return scoring.score_scheme(scheme, frame, items, maturity_instrument_id=MATURITY_INSTRUMENT)


def _with_emphasis(answers: pl.DataFrame, instruments: Sequence[Instrument]) -> pl.DataFrame:
    """Schema 2: each answer with its option's emphasis (control, enablement)."""
    emphasis = pl.DataFrame(
        [
            (
                inst.id,
                item.id,
                option.value,
                option.emphasis.control if option.emphasis else None,
                option.emphasis.enablement if option.emphasis else None,
            )
            for inst in instruments
            for item in inst.items
            for option in item.options
        ],
        schema={
            "instrument_id": pl.String,
            "item_id": pl.String,
            "answer": pl.String,
            "control": pl.Int8,
            "enablement": pl.Int8,
        },
        orient="row",
    )
    return answers.join(emphasis, on=["instrument_id", "item_id", "answer"], how="left")


def dimension_scores(inputs: Callable[[], tuple[pl.DataFrame, pl.DataFrame]]) -> pl.DataFrame:
    """The organisation dimension scores (the ``dimensions`` of :func:`survey.scoring.score`)
    of the (answers, items) frames that ``inputs`` makes: the original batch's items
    file, which has neither roles nor emphasis, so schema-1 rules.

    ``inputs`` is called here so that the engine holds the only reference to the
    answers: it lets go of them once they are coded, before its passes need memory.
    """
    scorer = Engine(*inputs(), MIN_ROLE_GROUP)
    return scorer.dimensions()


def shown_dimensions(dimensions: pl.DataFrame) -> pl.DataFrame:
    """What may be shown of organisation dimension scores (the disclosure rules)."""
    return roles.anonymise_dimensions(dimensions)


def shown(scores: Scores) -> Scores:
    """What may be shown of ``scores`` (the disclosure rules for organisation figures)."""
    return roles.anonymise_scores(scores)


def use_scores(
    scores: Scores, answers: pl.DataFrame, instruments: Sequence[Instrument]
) -> pl.DataFrame:
    """Scores per functional use, as may be shown.

    Schema 2: the engine's own use figures (:data:`survey.scoring.USE_SCHEMA` and
    ``suppressed``). Schema 1 has none: each use of an instrument is scored like a
    dimension of the items that look at it (an item with two uses counts in both);
    columns organisation_id, instrument_id, use, score, level, respondents,
    suppressed. The engine keys items by instrument, so each (instrument, use) is
    scored as an instrument of its own. Empty when no item has uses.
    """
    if scores.scheme == 2:
        return shown(scores).uses
    uses = pl.DataFrame(
        [
            (inst.id, item.id, use.value, float(item.weight))
            for inst in instruments
            for item in inst.items
            for use in item.uses
        ],
        schema={
            "instrument_id": pl.String,
            "item_id": pl.String,
            "use": pl.String,
            "weight": pl.Float64,
        },
        orient="row",
    )
    schema = {
        "organisation_id": pl.String(),
        "instrument_id": pl.String(),
        "use": pl.String(),
        "score": pl.Float64(),
        "level": pl.Int8(),
        "respondents": pl.Int64(),
        "suppressed": pl.Boolean(),
    }
    scope = pl.concat_str("instrument_id", "use", separator="\x1f")
    used = answers.join(
        uses.select("instrument_id", "item_id", "use"), on=["instrument_id", "item_id"]
    )
    if used.is_empty():
        return pl.DataFrame(schema=schema)
    items = uses.select(
        "item_id",
        scope.alias("instrument_id"),
        pl.col("use").alias("dimension_id"),
        "weight",
        pl.lit(None, pl.String).alias("tag"),
    )
    frame = used.with_columns(scope.alias("instrument_id")).select(*scoring.ANSWER_SCHEMA)
    by_use = shown(scoring.score(frame, items)).dimensions
    return by_use.with_columns(
        pl.col("instrument_id").str.split("\x1f").list.first(), pl.col("dimension_id").alias("use")
    ).select(pl.col(c).cast(t) for c, t in schema.items())


def results_rows(
    scores: Scores,
    organisations: pl.DataFrame,
    versions: dict[str, str],
    closed_at: datetime,
    *,
    instruments_level: bool = False,
) -> pl.DataFrame:
    """Raw organisation scores as benchmark ``results`` rows, one round per organisation;
    with ``instruments_level`` the instrument scores stand in as one dimension."""
    if instruments_level:
        from analytics.report.content import INSTRUMENT_SCOPE

        frame = scores.instruments.rename({"min_respondents": "respondents"}).with_columns(
            pl.lit(INSTRUMENT_SCOPE).alias("dimension_id")
        )
    else:
        frame = scores.dimensions
    return (
        frame.join(organisations.select(*ORGANISATION_COLUMNS), on="organisation_id", how="left")
        .with_columns(
            pl.lit(ROUND_LABEL).alias("round_id"),
            pl.col("instrument_id")
            .replace_strict(versions, default=None)
            .alias("instrument_version"),
            pl.lit(closed_at).cast(benchmark.RESULTS_SCHEMA["closed_at"]).alias("closed_at"),
            pl.lit(False).alias("synthetic"),
            pl.lit(SHARES).alias("shares"),
        )
        .select(pl.col(c).cast(t) for c, t in benchmark.RESULTS_SCHEMA.items())
    )


def benchmarks(results: pl.DataFrame) -> pl.DataFrame:
    """Every organisation against every peer group, under the peer disclosure rules."""
    return benchmark.benchmark_all(benchmark.representatives(results))


PEER_GROUPS = tuple(benchmark.PEER_GROUPS)


def representatives(results: pl.DataFrame) -> pl.DataFrame:
    """Each organisation's representative rows among ``results`` (its latest round)."""
    return benchmark.representatives(results)


def benchmark_group(representatives: pl.DataFrame, peer_group: str) -> pl.DataFrame:
    """The rows of :func:`benchmarks` of one of :data:`PEER_GROUPS`, from the
    representatives: every organisation against its group of that peer group."""
    return benchmark.benchmark_group(representatives, peer_group)


def _round_results(
    shown_scores: Scores,
    organisation_id: str,
    instruments: Sequence[Instrument],
    respondents: Counter[str],
    lang: str,
) -> tuple[dict[str, object], Scores]:
    """The shape of a closed round's ``GET /api/rounds/{id}/scores``, for one organisation
    (the frames of figures the scheme does not have, such as schema 1's uses, are empty
    and kept as they are)."""
    from survey.services import results as round_results

    frames = {f.name: getattr(shown_scores, f.name) for f in dataclasses.fields(shown_scores)}
    organisation_frames: dict[str, Any] = {
        name: frame.filter(pl.col("organisation_id") == organisation_id)
        for name, frame in frames.items()
        if isinstance(frame, pl.DataFrame) and "organisation_id" in frame.columns
    }
    mine = dataclasses.replace(shown_scores, **organisation_frames)
    dims = {
        (r["instrument_id"], r["dimension_id"]): r for r in mine.dimensions.iter_rows(named=True)
    }
    inst_rows = {r["instrument_id"]: r for r in mine.instruments.iter_rows(named=True)}
    balance = mine.balance.row(0, named=True) if mine.balance.height else {}
    coherence = mine.coherence.row(0, named=True) if mine.coherence.height else {}
    return {
        "round": {
            "id": ROUND_LABEL,
            "label": ROUND_LABEL,
            "status": "closed",
            "closed_at": None,
            "submitted": sum(respondents.values()),
        },
        "scheme": mine.scheme,
        "instruments": [
            round_results._instrument(
                i, inst_rows.get(i.id, {}), dims, lang, {r for r, n in respondents.items() if n}
            )
            for i in instruments
        ],
        "balance": {k: balance.get(k) for k in ("control", "enablement", "quadrant")},
        "coherent": coherence.get("coherent"),
        "roles": round_results._roles(mine, respondents, list(instruments), lang),
        "priorities": round_results._priorities(mine, list(instruments), lang),
    }, mine


def improvement_files(
    scores: Scores,
    organisation: dict[str, str],
    instruments: Sequence[Instrument],
    respondents: Counter[str],
    dimension_results: pl.DataFrame,
    instrument_results: pl.DataFrame,
    lang: str,
    today: date | None = None,
) -> tuple[bytes, bytes]:
    """One organisation's improvement report as (HTML, PDF)."""
    from analytics.report import charts, render
    from analytics.report.content import improvement_report
    from analytics.report.model import OrganisationProfile, ReportInput

    organisation_id = organisation["organisation_id"]
    visible = shown(scores)
    results, mine = _round_results(visible, organisation_id, instruments, respondents, lang)
    data = ReportInput(
        organisation=OrganisationProfile(
            name=organisation.get("name") or organisation_id,
            sector=organisation["sector"],
            size_band=organisation["size_band"],
            country=organisation["country"],
        ),
        results=results,
        items=mine.items,
        benchmark=benchmark.benchmark(dimension_results, organisation_id, ROUND_LABEL, PEER_GROUP),
        instrument_benchmark=benchmark.benchmark(
            instrument_results, organisation_id, ROUND_LABEL, PEER_GROUP
        ),
        peer_group=PEER_GROUP,
        instruments=list(instruments),
        lang=lang,
        generated_on=today or datetime.now(UTC).date(),
    )
    model = improvement_report(data)
    svgs = charts.improvement_charts(data, model)
    return render.improvement_html(model, charts=svgs).encode("utf-8"), render.improvement_pdf(
        model, charts=svgs
    )


def sector_files(
    instrument: Instrument,
    dimension_results: pl.DataFrame,
    item_results: pl.DataFrame,
    lang: str,
    today: date | None = None,
) -> tuple[bytes, bytes]:
    """The sector report of one instrument version as (HTML, PDF)."""
    from analytics.report import charts, render
    from analytics.report.sector import SectorInput, sector_report

    model = sector_report(
        SectorInput(
            instrument=instrument,
            lang=lang,
            synthetic=False,
            results=dimension_results.filter(pl.col("instrument_id") == instrument.id),
            item_results=item_results.filter(pl.col("instrument_id") == instrument.id),
            generated_on=today or datetime.now(UTC).date(),
        )
    )
    svgs = charts.sector_charts(model)
    return render.sector_html(model, charts=svgs).encode("utf-8"), render.sector_pdf(
        model, charts=svgs
    )


def item_rows(
    scores: Scores, organisations: pl.DataFrame, versions: dict[str, str], closed_at: datetime
) -> pl.DataFrame:
    """Item results as benchmark rows, each item standing in as a dimension (sector report)."""
    items = scores.items.select(
        "organisation_id",
        "instrument_id",
        pl.col("item_id").alias("dimension_id"),
        "score",
        "respondents",
    )
    return results_rows(
        dataclasses.replace(scores, dimensions=items), organisations, versions, closed_at
    )
