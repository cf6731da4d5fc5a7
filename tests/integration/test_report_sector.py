"""The integrity office's sector report on real databases and the real maturity test."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import update

from analytics import benchmark, data
from analytics.report import service
from survey.disclosure.peers import band_label
from survey.errors import InvalidInput
from survey.models import DimensionResult, Organisation, Round
from tests.integration.test_report_service import Respondent, closed_round, pdf_text

INSTRUMENT = "sm-maturity"


def sector_round(database, library, name, sector, level, *, organisation=None):
    return closed_round(
        database,
        library,
        [Respondent("management", level), Respondent("staff", level - 20), Respondent("hr", level)]
        * 3,
        name=name,
        sector=sector,
        organisation=organisation,
        instruments=[INSTRUMENT],
    )


def move_to_year(database, round_id: str, year: int) -> None:
    when = datetime(year, 6, 1, tzinfo=UTC)
    with database.session() as s:
        s.execute(update(Round).where(Round.id == round_id).values(closed_at=when))
        s.execute(
            update(DimensionResult)
            .where(DimensionResult.round_id == round_id)
            .values(closed_at=when)
        )


@pytest.fixture
def population(database, library):
    """6 municipalities (5 of them also with a round a year earlier), 5 police units
    (each the median band only) and 2 water authorities (too few to show)."""
    for n in range(6):
        name = f"Gemeente {n + 1}"
        round_id = sector_round(database, library, name, "municipalities", 30 + 8 * n)
        if n < 5:
            with database.session() as s:
                org = s.get(Round, round_id).organisation
            earlier = sector_round(
                database, library, name, "municipalities", 20 + 6 * n, organisation=org
            )
            move_to_year(database, earlier, 2025)
    for n in range(5):
        sector_round(database, library, f"Politie {n + 1}", "police", 50 + 5 * n)
    for n in range(2):
        sector_round(database, library, f"Waterschap {n + 1}", "water-authorities", 90)


def test_sector_report_shows_what_the_benchmark_shows(database, library, population):
    inst = library.get(INSTRUMENT)
    with database.session() as s:
        results = data.load_results(
            s, instrument_id=inst.id, instrument_version=inst.version, synthetic=False
        )
        content, media_type, filename = service.build_sector_report(
            s, library, instrument_id=INSTRUMENT, format="pdf", lang="en"
        )
    assert media_type == "application/pdf"
    assert filename == f"sector-report-sm-maturity-{inst.version.replace('.', '-')}-en.pdf"
    reps = benchmark.representatives(results)
    by_sector = benchmark.peer_statistics(reps, "sector")
    text = pdf_text(content)
    assert "Sector benchmark report" in text and "13 organisations with a closed round" in text
    distribution = text[text.index("Distribution per group") : text.index("Year on year")]
    for sector_name, sector in (("Municipalities", "municipalities"), ("Police", "police")):
        rows = by_sector.filter(by_sector["sector"] == sector)
        assert not rows["suppressed"].any() and set(rows["form"]) == {"median"}
        by_dimension = {r["dimension_id"]: r for r in rows.iter_rows(named=True)}
        cells = " ".join(
            band_label(r["median_low"], r["median_high"])
            for r in (by_dimension[d.id] for d in inst.dimensions)
        )
        count = rows["peer_count"].max()
        assert f"{sector_name} {count} {cells}" in distribution
    # every column stands apart from its neighbours: headings and cells never run together
    layout = next(
        page.extract_text(extraction_mode="layout")
        for page in PdfReader(io.BytesIO(content)).pages
        if "By sector" in page.extract_text()
    )
    lines = layout.splitlines()
    for start in ("Group", "Municipalities", "Police"):
        line = next(line for line in lines if line.startswith(start))
        assert len(re.split(r"\s{2,}", line.strip())) == 2 + len(inst.dimensions), line
    # two water authorities: their count shows, nothing else
    water = by_sector.filter(by_sector["sector"] == "water-authorities")
    assert water["suppressed"].all()
    assert "Water authorities 2 – – – – – –" in distribution
    # the year-on-year trend of the municipalities
    trend = text[text.index("Year on year") : text.index("Most common weak statements")]
    yearly = benchmark.sector_trend(benchmark.representatives_by_year(results))
    municipal = yearly.filter(
        (yearly["sector"] == "municipalities") & (yearly["dimension_id"] == "strategy")
    )
    medians = {
        r["year"]: band_label(r["median_low"], r["median_high"])
        for r in municipal.iter_rows(named=True)
    }
    assert set(medians) == {2025, datetime.now(UTC).year}
    assert all(v is not None for v in medians.values())
    first = " → ".join(medians[y] for y in sorted(medians))
    assert f"Municipalities {first}" in trend
    assert "Police – → " in trend  # no results the year before
    weak = text[text.index("Most common weak statements") : text.index("Anonymity rules applied")]
    # only groups that publish their quartiles: all 13 organisations, no single sector
    assert "All sectors" in weak and "Municipalities" not in weak
    assert "Water authorities" not in weak
    assert "Anonymity rules applied" in text


def test_weak_statements_are_counted_from_stored_item_results(database, library, population):
    inst = library.get(INSTRUMENT)
    from analytics.report import sector, sector_input

    with database.session() as s:
        model = sector.sector_report(sector_input.sector_input(s, inst, lang="en"))
    overall = next(g for g in model.weak_items if g.label == "All sectors")
    assert 1 <= len(overall.items) <= sector.WEAK_ITEMS_OVERALL
    assert all(i.peer_count == 13 and 0 < i.weak <= 13 for i in overall.items)
    assert [i.weak for i in overall.items] == sorted((i.weak for i in overall.items), reverse=True)
    labels = [g.label for g in model.weak_items]
    assert labels == ["All sectors"]  # no sector has 10 organisations a reader does not know
    assert all(len(g.items) <= sector.WEAK_ITEMS_PER_SECTOR for g in model.weak_items[1:])


def test_dutch_sector_report_html(database, library, population):
    with database.session() as s:
        content, media_type, filename = service.build_sector_report(
            s, library, instrument_id=INSTRUMENT, format="html", lang="nl"
        )
    page = content.decode()
    assert media_type == "text/html; charset=utf-8" and filename.endswith("-nl.html")
    assert "Sectorbenchmarkrapport" in page and "Gemeenten" in page and "Van jaar tot jaar" in page
    assert "Distribution per group" not in page and "Year on year" not in page
    assert "<svg" in page  # the heat map of sector medians
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        'xmlns:xlink="http://www.w3.org/1999/xlink"', ""
    )


def test_sector_report_is_cached_until_the_population_changes(
    database, library, population, monkeypatch
):
    renders = []
    original = service.render.sector_html
    monkeypatch.setattr(
        service.render, "sector_html", lambda *a, **k: renders.append(1) or original(*a, **k)
    )

    def build():
        with database.session() as s:
            return service.build_sector_report(
                s, library, instrument_id=INSTRUMENT, format="html", lang="en"
            )

    first = build()
    assert build() == first and len(renders) == 1
    sector_round(database, library, "Waterschap 3", "water-authorities", 10)
    assert build() != first and len(renders) == 2
    with database.session() as s:
        s.query(Organisation).filter_by(name="Politie 1").one().country = "BE"
    build()
    assert len(renders) == 3


def test_only_demo_data_is_labelled_and_unknown_instruments_refused(database, library):
    from survey.demo import create_demo

    with database.session() as s:
        create_demo(s, library, organisations=6, seed=2)
    with database.session() as s:
        content, *_ = service.build_sector_report(
            s, library, instrument_id="ctg-accounts", format="pdf", lang="en"
        )
        with pytest.raises(InvalidInput):
            service.build_sector_report(s, library, instrument_id="nope", format="pdf", lang="en")
        with pytest.raises(InvalidInput):
            service.build_sector_report(
                s, library, instrument_id=INSTRUMENT, format="csv", lang="en"
            )
    text = pdf_text(content)
    assert "this report shows the synthetic demo organisations" in text
    assert len(PdfReader(io.BytesIO(content)).pages) >= 3
