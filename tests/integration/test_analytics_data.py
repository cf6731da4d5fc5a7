"""Benchmark frames loaded from stored closed-round results, on SQLite and PostgreSQL;
and the app and the batch command agreeing on the same answers."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import polars as pl
import pytest
from sqlalchemy import select

from analytics import batch, data
from analytics import benchmark as b
from survey.models import Round
from survey.services import rounds
from tests import factories

OPTIONS = {"none": 0.0, "some": 33.3333333333, "most": 66.6666666667, "full": 100.0}
ITEMS = {
    "rules.guideline": ("rules", 2.0, "control"),
    "rules.monitoring": ("rules", 1.0, "control"),
    "culture.dialogue": ("culture", 1.0, "enablement"),
    "culture.mistakes": ("culture", 1.0, "enablement"),
}
ROLES = ("management", "hr", "staff", "it")


def _answers(rng: random.Random) -> dict[str, str]:
    values = [*OPTIONS, "dont_know"]
    return {item: rng.choice(values) for item in ITEMS}


def _close(database, library, opened) -> None:
    with database.session() as s:
        rounds.close_round(s, s.get(Round, opened.round.id), library)


@pytest.fixture
def lib():
    return factories.mini_library()


@pytest.fixture
def stored(database, lib):
    """Six municipalities (one with an earlier round), a police force and a demo
    organisation, each with closed rounds of four respondents. Returns the answers of
    every organisation's latest round, as (organisation_id, respondent, role, item,
    option)."""
    rng = random.Random(5)
    latest: list[tuple[str, str, str, str, str]] = []
    profiles = [{} for _ in range(6)] + [{"sector": "police"}, {"synthetic": True}]
    organisation_ids = []
    for n, profile in enumerate(profiles):
        reg = factories.organisation(database, name=f"Org {n}", **profile)
        organisation_ids.append(reg.organisation.id)
        if n == 0:
            earlier = factories.open_round(database, reg.organisation, lib, label="2025")
            for role in ROLES:
                factories.respond(database, earlier.invite_code, lib, _answers(rng), role=role)
            _close(database, lib, earlier)
        opened = factories.open_round(database, reg.organisation, lib)
        for r, role in enumerate(ROLES):
            answers = _answers(rng)
            factories.respond(database, opened.invite_code, lib, answers, role=role)
            latest += [
                (reg.organisation.id, f"r{r}", role, item, option)
                for item, option in answers.items()
            ]
        _close(database, lib, opened)
    return organisation_ids, latest


def test_load_results_has_the_results_schema_and_filters(database, stored):
    organisation_ids, _ = stored
    with database.session() as s:
        results = data.load_results(s)
        assert results.schema == pl.Schema(b.RESULTS_SCHEMA)
        assert results.height == (len(organisation_ids) + 1) * 2  # 2 dimensions, 1 earlier round
        assert results["closed_at"].dt.year().to_list() == [datetime.now(UTC).year] * results.height
        assert data.load_results(s, instrument_id="mini", instrument_version="1.0").height == 18
        assert data.load_results(s, instrument_version="2.0").is_empty()
        assert data.load_results(s, sector="police").height == 2
        assert data.load_results(s, synthetic=True).height == 2
        assert data.load_results(s, year=2000).is_empty()
        assert data.load_results(s, year=datetime.now(UTC).year).height == 18
    reps = b.representatives(results)
    assert reps.height == len(organisation_ids) * 2


def test_stored_results_benchmark_like_the_batch_command(database, stored, tmp_path):
    """The same answers give the same benchmark through the app's stored results and
    through `survey analyse` on files."""
    organisation_ids, latest = stored
    real = organisation_ids[:7]
    rows = [r for r in latest if r[0] in real]
    answers = pl.DataFrame(
        [
            {
                "organisation_id": org,
                "respondent_id": resp,
                "role": role,
                "item_id": item,
                "score": OPTIONS.get(option),
                "kind": "scored" if option in OPTIONS else option,
            }
            for org, resp, role, item, option in rows
        ]
    )
    items = pl.DataFrame(
        [
            {"item_id": i, "instrument_id": "mini", "dimension_id": d, "weight": w, "tag": t}
            for i, (d, w, t) in ITEMS.items()
        ]
    )
    with database.session() as s:
        results = data.load_results(s, synthetic=False)
    organisations = results.select("organisation_id", "sector", "size_band", "country").unique()
    folder = tmp_path / "in"
    folder.mkdir()
    answers.write_csv(folder / "answers.csv")
    items.write_csv(folder / "items.csv")
    organisations.write_csv(folder / "organisations.csv")
    batch.analyse(
        folder / "answers.csv", folder / "items.csv", folder / "organisations.csv", tmp_path / "out"
    )
    from_files = pl.read_parquet(tmp_path / "out" / "benchmark.parquet")
    compared = 0
    latest_round = b.representatives(results).select("organisation_id", "round_id").unique()
    for org, round_id in latest_round.iter_rows():
        for group in ("all", "sector"):
            app = b.benchmark(results, org, round_id, group)
            files = from_files.filter(organisation_id=org, peer_group=group)
            joined = app.join(files, on="dimension_id", suffix="_files")
            assert joined.height == 2
            for row in joined.iter_rows(named=True):
                exact = ("peer_count", "form", "suppressed", "suppression", "position")
                for column in (*exact, *b.BAND_COLUMNS, "percentile"):
                    assert row[column] == row[f"{column}_files"], (group, column)
                assert row["score"] == pytest.approx(row["score_files"], abs=1e-9)
                compared += 1
    assert compared == 7 * 2 * 2
    shown = from_files.filter(peer_group="all", dimension_id="rules")
    assert set(shown["peer_count"]) == {7} and not shown["suppressed"].any()


def test_office_statistics_select_groups_of_the_whole_population(database, stored):
    with database.session() as s:
        by_sector = data.office_statistics(
            s, instrument_id="mini", instrument_version="1.0", by="sector"
        )
        assert set(by_sector["sector"]) == {"municipalities", "police"}
        assert set(by_sector.filter(sector="police")["suppression"]) == {"few_unknown"}
        # six municipalities among seven organisations: the median band (bands hide the
        # seventh organisation's score whatever the two groups are compared)
        municipalities = by_sector.filter(sector="municipalities")
        assert set(municipalities["form"]) == {"median"}
        within = data.office_statistics(
            s,
            instrument_id="mini",
            instrument_version="1.0",
            by="size_band",
            sector="municipalities",
        )
        assert set(within["peer_group"]) == {"sector,size_band"}
        assert set(within["peer_count"]) == {6}
        everyone = data.office_statistics(
            s, instrument_id="mini", instrument_version="1.0", by="all"
        )
        assert set(everyone["peer_count"]) == {7} and not everyone["suppressed"].any()
        demo = data.office_statistics(
            s, instrument_id="mini", instrument_version="1.0", by="all", synthetic=True
        )
        assert set(demo["peer_count"]) == {1}
        with pytest.raises(ValueError, match="not a peer group"):
            data.office_statistics(
                s, instrument_id="mini", instrument_version="1.0", by="size_band", country="NL"
            )


def test_load_balance_reads_each_closed_round(database, stored):
    organisation_ids, _ = stored
    with database.session() as s:
        balance = data.load_balance(s)
        closed = s.scalars(select(Round).where(Round.status == "closed")).all()
    assert balance.schema == pl.Schema(b.BALANCE_SCHEMA)
    assert balance.height == len(closed) == len(organisation_ids) + 1
    by_round = {r.id: r for r in closed}
    for row in balance.iter_rows(named=True):
        assert row["control"] == by_round[row["round_id"]].control_score
        assert row["respondents"] == 4
    first = balance.filter(organisation_id=organisation_ids[1]).row(0, named=True)
    points = b.balance_peers(balance, first["organisation_id"], first["round_id"], "all")
    assert points.filter(pl.col("own")).height == 1
    assert points["peer_count"][0] == 7  # the demo organisation is not a peer
