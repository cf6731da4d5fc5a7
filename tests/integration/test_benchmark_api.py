"""The benchmark API: a round against its peers (coordinator) and the integrity office's
statistics per group, on SQLite and PostgreSQL.

Golden populations are stored results inserted directly (as a round's close would store
them), with medians, quartiles and percentile ranks computed by hand. The engine's own
functions are the reference everywhere else: the API must answer what
:mod:`analytics.benchmark` computes on the whole stored population, also after the data
changes (the cache never serves a stale state), and what ``survey analyse`` computes
from the same answers in files.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from click.testing import CliRunner
from sqlalchemy import insert

from analytics import benchmark as b
from analytics import data
from analytics.cli import analyse
from survey.models import DimensionResult, Organisation, Round, RoundInstrument
from survey.services import rounds, users
from survey.tokens import hash_token, new_token
from tests import factories
from tests.integration.conftest import ANSWERS_FULL, bearer
from web.controllers.api.benchmarks import OfficeBy, PeerGroup

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
PROFILE = {"sector": "municipalities", "size_band": "250-999", "country": "NL"}
STATISTICS = b.BAND_COLUMNS


@dataclass
class Stored:
    organisation_id: str
    token: str
    round_id: str

    @property
    def auth(self) -> dict[str, str]:
        return bearer(self.token)


def store(
    database,
    scores: dict[str, float | None],
    *,
    respondents: int = 6,
    closed_at: datetime = NOW,
    organisation: Stored | None = None,
    name: str | None = None,
    synthetic: bool = False,
    share: bool = False,
    **profile: str,
) -> Stored:
    """A closed round on the test instrument with the given dimension scores, stored as
    closing a round stores it; a new organisation unless ``organisation`` is given."""
    token = organisation.token if organisation else new_token()
    org_id = organisation.organisation_id if organisation else str(uuid.uuid4())
    round_id = str(uuid.uuid4())
    with database.session() as s:
        if organisation is None:
            s.execute(
                insert(Organisation),
                [
                    {
                        "id": org_id,
                        "name": name or f"Organisation {org_id[:8]}",
                        **{**PROFILE, **profile},
                        "synthetic": synthetic,
                        "share_with_integrity_office": share,
                        "coordinator_token_hash": hash_token(token),
                    }
                ],
            )
        s.execute(
            insert(Round),
            [
                {
                    "id": round_id,
                    "organisation_id": org_id,
                    "label": f"Round {closed_at.date()}",
                    "status": "closed",
                    "opened_at": closed_at - timedelta(days=30),
                    "closed_at": closed_at,
                    "invite_code_hash": hash_token(new_token()),
                    "control_score": scores.get("rules"),
                    "enablement_score": scores.get("culture"),
                    "control_respondents": respondents,
                    "enablement_respondents": respondents,
                    "submitted_count": respondents,
                }
            ],
        )
        s.execute(
            insert(RoundInstrument),
            [{"round_id": round_id, "instrument_id": "mini", "instrument_version": "1.0"}],
        )
        s.execute(
            insert(DimensionResult),
            [
                {
                    "round_id": round_id,
                    "instrument_id": "mini",
                    "dimension_id": dimension,
                    "organisation_id": org_id,
                    "instrument_version": "1.0",
                    "score": score,
                    "respondents": respondents,
                    "closed_at": closed_at,
                }
                for dimension, score in scores.items()
            ],
        )
    return Stored(org_id, token, round_id)


def benchmark_of(client, stored: Stored, peers: str = "all", status: int = 200):
    response = client.get(
        f"/api/rounds/{stored.round_id}/benchmark", params={"peers": peers}, headers=stored.auth
    )
    assert response.status_code == status, response.text
    return response.json()


def dims(body) -> dict[str, dict]:
    return {d["dimension"]: d for d in body["dimensions"]}


@pytest.fixture
def office_token(database) -> str:
    with database.session() as s:
        return users.create_api_token(s, "bios")


@pytest.fixture
def five(database) -> list[Stored]:
    """Five organisations of one sector, size band and country (every peer group is the
    same five). Rules: 10, 20, 30, 40, 50. Culture: 60, 60, 70, 80, 90 (a tie)."""
    rules = [10.0, 20.0, 30.0, 40.0, 50.0]
    culture = [60.0, 60.0, 70.0, 80.0, 90.0]
    return [
        store(database, {"rules": r, "culture": c}) for r, c in zip(rules, culture, strict=True)
    ]


# --- a round against its peers ----------------------------------------------------------------


def test_golden_five_organisations(client, five):
    """Hand-computed: bands of 5 points, the median the ⌈n/2⌉-th smallest band; five
    organisations, one of them the reader: 4 unknown, so the median band and the own
    position show, the quartiles do not."""
    body = benchmark_of(client, five[2])
    assert body["peer_group"] == "all"
    assert body["peer_count"] == 5
    assert body["suppressed"] is False
    assert body["suppression"] is None
    assert body["synthetic"] is False
    assert [d["dimension"] for d in body["dimensions"]] == ["rules", "culture"]  # instrument order
    rules, culture = dims(body)["rules"], dims(body)["culture"]
    assert rules["instrument"] == "mini" and rules["instrument_version"] == "1.0"
    # rules 10 20 30 40 50: bands 2 4 6 8 10, the 3rd: 30-35
    assert (rules["score"], rules["median_low"], rules["median_high"]) == (30.0, 30.0, 35.0)
    assert (rules["q1_low"], rules["top_decile_low"], rules["percentile"]) == (None, None, None)
    assert (rules["form"], rules["known"], rules["unknown"]) == ("median", 1, 4)
    assert rules["suppression"] == "quartiles_few_unknown"
    assert rules["explanation"]["en"].startswith("The spread of the peers")
    assert rules["explanation"]["nl"].startswith("De spreiding")
    assert rules["position"] == "in"
    assert rules["peer_count"] == 5 and rules["suppressed"] is False
    # culture 60 60 70 80 90: bands 12 12 14 16 18, the 3rd: 70-75
    assert (culture["median_low"], culture["median_high"], culture["position"]) == (
        70.0,
        75.0,
        "in",
    )
    lowest = dims(benchmark_of(client, five[0]))
    assert lowest["rules"]["position"] == "below"
    assert lowest["culture"]["position"] == "below"
    for peers in ("sector", "size_band", "country", "sector,size_band", "sector,country"):
        same = benchmark_of(client, five[2], peers)
        assert same["peer_group"] == peers
        assert same["dimensions"] == body["dimensions"], peers


def test_golden_four_organisations_show_their_count_only(client, five, database):
    """Four police forces: 3 unknown to any one of them, so the count only, with the rule
    that hid the rest. The five municipalities still show (no difference rule: the
    figures are bands), and so do all nine."""
    police = [store(database, {"rules": r, "culture": r}, sector="police") for r in (5, 15, 25, 35)]
    body = benchmark_of(client, police[0], "sector")
    assert body["peer_count"] == 4
    assert body["suppressed"] is True
    assert body["suppression"] == "few_unknown"
    assert "fewer than 4 organisations" in body["explanation"]["en"]
    for dimension in body["dimensions"]:
        assert dimension["peer_count"] == 4
        assert dimension["suppressed"] is True
        assert dimension["suppression"] == "few_unknown"
        assert all(dimension[s] is None for s in STATISTICS)
        assert dimension["percentile"] is None and dimension["position"] is None
        assert dimension["score"] is not None  # the organisation's own score still shows
    municipality = benchmark_of(client, five[2], "sector")
    assert municipality["peer_count"] == 5 and municipality["suppressed"] is False
    everyone = benchmark_of(client, police[0], "all")
    assert everyone["peer_count"] == 9 and everyone["suppressed"] is False
    # 5 10 15 20 25 30 35 40 50: bands 1 2 3 4 5 6 7 8 10, the 5th: 25-30
    assert dims(everyone)["rules"]["median_low"] == 25.0


def test_an_organisation_with_too_few_respondents_keeps_its_score_hidden(client, five, database):
    few = store(database, {"rules": 15.0, "culture": 15.0}, respondents=2)
    body = benchmark_of(client, few)
    assert body["peer_count"] == 6
    rules = dims(body)["rules"]
    assert rules["score"] is None and rules["score_suppressed"] is True
    assert rules["score_suppression"] == "few_respondents"
    assert rules["position"] is None and rules["percentile"] is None
    # its band still counts among the peers': 2 3 4 6 8 10, the 3rd: 20-25 (30-35 without)
    assert rules["median_low"] == 20.0


def test_demo_organisations_are_compared_only_with_each_other(client, five, database):
    demo = [store(database, {"rules": r, "culture": r}, synthetic=True) for r in (1, 2, 3, 4, 5, 6)]
    body = benchmark_of(client, demo[0])
    assert body["synthetic"] is True
    assert body["peer_count"] == 6
    assert dims(body)["rules"]["median_low"] == 0.0  # bands 0 0 0 0 1 1
    assert benchmark_of(client, five[0])["peer_count"] == 5


def test_the_api_answers_what_the_engine_computes(client, database):
    """A mixed population (sectors, sizes, countries, demo organisations, earlier rounds,
    a missing score): every round of every organisation, every peer group, against
    :func:`analytics.benchmark.benchmark` on the whole stored population."""
    rng = random.Random(11)
    everyone = []
    for n in range(24):
        profile = {
            "sector": rng.choice(["municipalities", "police"]),
            "size_band": rng.choice(["250-999", "1000-4999"]),
            "country": rng.choice(["NL", "BE"]),
        }
        first = store(
            database,
            {"rules": round(rng.uniform(0, 100), 2), "culture": round(rng.uniform(0, 100), 2)},
            closed_at=NOW - timedelta(days=400),
            synthetic=n % 6 == 5,
            **profile,
        )
        everyone.append(first)
        if n % 3 == 0:
            culture = None if n == 9 else round(rng.uniform(0, 100), 2)
            everyone.append(
                store(
                    database,
                    {"rules": round(rng.uniform(0, 100), 2), "culture": culture},
                    organisation=first,
                    respondents=rng.choice([2, 5, 9]),
                )
            )
    with database.session() as s:
        results = data.load_results(s)
    checked = 0
    for stored in everyone:
        for peers in b.PEER_GROUPS:
            body = benchmark_of(client, stored, peers)
            expected = b.benchmark(results, stored.organisation_id, stored.round_id, peers)
            assert len(body["dimensions"]) == expected.height == 2
            for row in expected.iter_rows(named=True):
                got = dims(body)[row["dimension_id"]]
                exact = ("peer_count", "form", "suppressed", "suppression", "score_suppressed")
                for column in (*exact, *STATISTICS, "position", "percentile"):
                    assert got[column] == row[column], (peers, column)
                assert got["score"] == pytest.approx(row["score"], abs=1e-9), peers
                checked += 1
    assert checked == len(everyone) * len(b.PEER_GROUPS) * 2


def test_new_results_are_seen_at_once(client, database):
    """The cache is keyed on the database's state: a round closing elsewhere (another
    worker) changes the answer of the next request."""
    first = [store(database, {"rules": r, "culture": r}) for r in (10, 20, 30, 40)]
    assert benchmark_of(client, first[0])["suppressed"] is True
    fifth = store(database, {"rules": 50.0, "culture": 50.0})
    body = benchmark_of(client, first[0])
    assert body["peer_count"] == 5 and body["suppressed"] is False
    assert dims(body)["rules"]["median_low"] == 30.0  # bands 2 4 6 8 10
    store(
        database,
        {"rules": 0.0, "culture": 0.0},
        organisation=fifth,
        closed_at=NOW + timedelta(days=1),
    )
    assert dims(benchmark_of(client, first[0]))["rules"]["median_low"] == 20.0  # 0 2 4 6 8


def test_the_api_agrees_with_the_batch_command(client, api, database, tmp_path, lib):
    """The same answers through the app (rounds answered and closed over the API) and
    through `survey analyse` on files give the same benchmark."""
    options = {
        option.value: option.score
        for item in lib.get("mini").items
        for option in item.options
        if option.score is not None
    }
    rng = random.Random(3)
    answer_rows, organisations = [], []
    for n in range(7):
        sector = "police" if n == 6 else "municipalities"
        org = api.register(f"Org {n}", sector=sector)
        organisations.append({"organisation_id": org.id, **PROFILE, "sector": sector})
        round_ = api.open_round(org)
        for r, role in enumerate(("management", "hr", "staff", "it")):
            answers = {item: rng.choice([*options, "dont_know"]) for item in ANSWERS_FULL}
            api.respond(round_, answers, role=role)
            answer_rows += [
                {
                    "organisation_id": org.id,
                    "respondent_id": f"r{r}",
                    "role": role,
                    "item_id": item,
                    "score": options.get(value),
                    "kind": "scored" if value in options else value,
                }
                for item, value in answers.items()
            ]
        api.close(round_)
        organisations[-1]["round"] = round_
    items = [
        {
            "item_id": item.id,
            "instrument_id": "mini",
            "dimension_id": item.dimension,
            "weight": item.weight,
        }
        for item in lib.get("mini").items
    ]
    folder = tmp_path / "in"
    folder.mkdir()
    pl.DataFrame(answer_rows).write_csv(folder / "answers.csv")
    pl.DataFrame(items).write_csv(folder / "items.csv")
    pl.DataFrame([{k: v for k, v in o.items() if k != "round"} for o in organisations]).write_csv(
        folder / "organisations.csv"
    )
    out = tmp_path / "out"
    run = CliRunner().invoke(
        analyse,
        [
            "--answers",
            str(folder / "answers.csv"),
            "--items",
            str(folder / "items.csv"),
            "--organisations",
            str(folder / "organisations.csv"),
            "--out",
            str(out),
        ],
    )
    assert run.exit_code == 0, run.output
    from_files = pl.read_parquet(out / "benchmark.parquet")
    for organisation in organisations:
        round_ = organisation["round"]
        for peers in ("all", "sector", "size_band"):
            body = benchmark_of(client, Stored(round_.org.id, round_.org.token, round_.id), peers)
            files = from_files.filter(organisation_id=round_.org.id, peer_group=peers)
            assert files.height == len(body["dimensions"]) == 2
            for row in files.iter_rows(named=True):
                got = dims(body)[row["dimension_id"]]
                for column in ("peer_count", "form", "suppressed", "suppression"):
                    assert got[column] == row[column], (peers, column)
                for column in (*STATISTICS, "position", "percentile"):
                    assert got[column] == row[column], (peers, column)
                assert got["score"] == pytest.approx(row["score"], abs=1e-9), peers
    police = organisations[6]["round"]
    assert benchmark_of(client, Stored(police.org.id, police.org.token, police.id), "sector")[
        "suppressed"
    ]


# --- credentials and errors ------------------------------------------------------------------


def test_round_benchmark_credentials_and_errors(client, api, five, office_token, database, lib):
    other = five[1]
    assert benchmark_of(client, five[0], "region", status=400)["field"] == "peers"
    response = client.get(f"/api/rounds/{five[0].round_id}/benchmark", headers=other.auth)
    assert response.status_code == 404  # another organisation's round: as if it did not exist
    assert client.get(f"/api/rounds/{five[0].round_id}/benchmark").status_code == 401
    response = client.get(f"/api/rounds/{five[0].round_id}/benchmark", headers=bearer(office_token))
    assert response.status_code == 401
    org = api.register()
    opened = api.open_round(org)
    respondent = api.respond(opened, ANSWERS_FULL)
    response = client.get(f"/api/rounds/{opened.id}/benchmark", headers=respondent.auth)
    assert response.status_code == 401
    response = client.get(f"/api/rounds/{opened.id}/benchmark", headers=org.auth)
    assert response.status_code == 409
    assert client.get("/api/rounds/nope/benchmark", headers=org.auth).status_code == 404


def test_the_declared_parameters_match_the_engine():
    assert set(PeerGroup.__args__) == set(b.PEER_GROUPS)
    assert set(OfficeBy.__args__) == {*data.OFFICE_GROUPINGS, "year"}


# --- the integrity office ------------------------------------------------------------------


def office(client, token: str, status: int = 200, **params):
    response = client.get("/api/benchmarks", params=params, headers=bearer(token))
    assert response.status_code == status, response.text
    return response.json()


def test_office_golden_groups_by_sector(client, five, database, office_token):
    """Five municipalities (the golden five), five schools and four police forces: the
    police show their count only (3 unknown); the others their median band."""
    for r in (50, 60, 70, 80, 90):
        store(database, {"rules": r, "culture": r}, sector="education")
    for r in (5, 15, 25, 35):
        store(database, {"rules": r, "culture": r}, sector="police")
    body = office(client, office_token, instrument="mini", by="sector")
    assert body["instrument"] == "mini" and body["version"] == "1.0" and body["by"] == "sector"
    groups = {g["sector"]: g for g in body["groups"]}
    assert set(groups) == {"municipalities", "education", "police"}
    shown, hidden = groups["municipalities"], groups["police"]
    assert shown["peer_count"] == 5 and shown["suppressed"] is False
    assert shown["synthetic"] is False and shown["year"] is None
    rules = {d["dimension"]: d for d in shown["dimensions"]}["rules"]
    assert (rules["median_low"], rules["median_high"], rules["q1_low"]) == (30.0, 35.0, None)
    assert (rules["form"], rules["suppression"]) == ("median", "quartiles_few_unknown")
    assert hidden["peer_count"] == 4 and hidden["suppressed"] is True
    assert hidden["suppression"] == "few_unknown"
    assert hidden["explanation"]["nl"].startswith("Alleen het aantal")
    for dimension in hidden["dimensions"]:
        assert dimension["peer_count"] == 4
        assert all(dimension[s] is None for s in STATISTICS)
    assert groups["education"]["suppressed"] is False
    everyone = office(client, office_token, instrument="mini", by="all")["groups"]
    assert len(everyone) == 1 and everyone[0]["peer_count"] == 14
    assert everyone[0]["suppressed"] is False
    all_rules = {d["dimension"]: d for d in everyone[0]["dimensions"]}["rules"]
    assert all_rules["form"] == "quartiles" and all_rules["top_decile_low"] is not None
    only = office(client, office_token, instrument="mini", by="sector", sector="police")
    assert [g["sector"] for g in only["groups"]] == ["police"]


@pytest.mark.parametrize(
    "query",
    [
        {"by": "all"},
        {"by": "sector"},
        {"by": "size_band"},
        {"by": "country"},
        {"by": "size_band", "sector": "municipalities"},
        {"by": "country", "sector": "police"},
        {"by": "sector", "year": 2025},
        {"by": "size_band", "year": 2026},
    ],
)
def test_office_groups_are_those_of_the_engine(client, database, office_token, query):
    rng = random.Random(5)
    for n in range(40):
        first = store(
            database,
            {"rules": round(rng.uniform(0, 100), 1), "culture": round(rng.uniform(0, 100), 1)},
            closed_at=NOW - timedelta(days=365),
            sector=rng.choice(["municipalities", "police"]),
            size_band=rng.choice(["250-999", "1000-4999"]),
            country=rng.choice(["NL", "BE"]),
        )
        if n % 2:
            store(database, {"rules": 50.0, "culture": 50.0}, organisation=first)
    body = office(client, office_token, instrument="mini", synthetic="false", **query)
    with database.session() as s:
        expected = data.office_statistics(
            s,
            instrument_id="mini",
            instrument_version="1.0",
            by=query["by"],
            sector=query.get("sector"),
            year=query.get("year"),
        )
    keys = ("sector", "size_band", "country")
    got = [
        (
            *[g[k] for k in keys],
            d["dimension"],
            d["peer_count"],
            d["suppressed"],
            *[d[s] for s in STATISTICS],
        )
        for g in body["groups"]
        for d in g["dimensions"]
    ]
    want = [
        (
            *[r[k] for k in keys],
            r["dimension_id"],
            r["peer_count"],
            r["suppressed"],
            *[r[s] for s in STATISTICS],
        )
        for r in expected.iter_rows(named=True)
    ]
    assert sorted(got, key=str) == sorted(want, key=str)
    assert any(not g["suppressed"] for g in body["groups"])


def test_office_by_year_follows_the_sector_trend(client, database, office_token):
    """By year: every year's sector groups, in the form of that year's group, with the
    trend's median bands; the same groups as a year filter gives."""
    rng = random.Random(8)
    for n in range(30):
        sector = ["municipalities", "police", "education"][n % 3]
        first = store(
            database,
            {"rules": round(rng.uniform(0, 100), 1), "culture": round(rng.uniform(0, 100), 1)},
            closed_at=NOW - timedelta(days=365),
            sector=sector,
        )
        if n % 4 == 0:
            store(database, {"rules": 60.0, "culture": 40.0}, organisation=first)
    body = office(client, office_token, instrument="mini", by="year")
    with database.session() as s:
        trend = b.sector_trend(b.representatives_by_year(data.load_results(s)))
    assert {g["year"] for g in body["groups"]} == {2025, 2026}
    rows = 0
    for group in body["groups"]:
        for dimension in group["dimensions"]:
            want = trend.filter(
                sector=group["sector"], year=group["year"], dimension_id=dimension["dimension"]
            ).row(0, named=True)
            assert dimension["peer_count"] == want["peer_count"]
            assert dimension["suppressed"] == want["suppressed"]
            assert dimension["median_low"] == want["median_low"]
            if dimension["suppressed"]:
                assert all(dimension[s] is None for s in STATISTICS)
            rows += 1
    assert rows == trend.height
    assert any(g["suppressed"] for g in body["groups"])
    assert any(not g["suppressed"] for g in body["groups"])
    for year in (2025, 2026):
        filtered = office(client, office_token, instrument="mini", by="sector", year=year)
        per_year = [g for g in body["groups"] if g["year"] == year]
        assert filtered["groups"] == per_year


def test_office_credentials_and_errors(client, five, office_token, api):
    assert client.get("/api/benchmarks", params={"instrument": "mini"}).status_code == 401
    response = client.get("/api/benchmarks", params={"instrument": "mini"}, headers=five[0].auth)
    assert response.status_code == 401
    org = api.register()
    respondent = api.respond(api.open_round(org), ANSWERS_FULL)
    response = client.get("/api/benchmarks", params={"instrument": "mini"}, headers=respondent.auth)
    assert response.status_code == 401
    assert office(client, office_token, 400)["status_code"] == 400  # no instrument
    assert office(client, office_token, 404, instrument="nope")["status_code"] == 404
    assert office(client, office_token, 404, instrument="mini", version="9.9")
    assert office(client, office_token, 400, instrument="mini", by="region")["field"] == "by"
    invalid = office(
        client, office_token, 422, instrument="mini", by="sector", size_band="1-49", country="NL"
    )
    assert invalid["field"] == "by"
    office(client, office_token, 422, instrument="mini", by="year", country="NL")
    assert office(client, office_token, instrument="mini", year=1999)["groups"] == []


def test_office_sees_demo_groups_apart_and_labelled(client, five, database, office_token):
    for r in (1, 2, 3, 4, 5):
        store(database, {"rules": r, "culture": r}, synthetic=True)
    groups = office(client, office_token, instrument="mini", by="all")["groups"]
    assert sorted((g["synthetic"], g["peer_count"]) for g in groups) == [(False, 5), (True, 5)]
    demo = office(client, office_token, instrument="mini", by="all", synthetic="true")["groups"]
    assert [g["synthetic"] for g in demo] == [True]
    assert {d["dimension"]: d for d in demo[0]["dimensions"]}["rules"]["median_low"] == 0.0


def test_a_round_closed_through_the_app_is_benchmarked(client, api, database, lib):
    """End to end: rounds answered and closed through the API appear in the benchmark."""
    closed = []
    for n in range(5):
        org = api.register(f"Gemeente {n}")
        opened = api.open_round(org)
        for role in ("management", "hr", "staff"):
            api.respond(opened, ANSWERS_FULL, role=role)
        api.close(opened)
        closed.append(Stored(org.id, org.token, opened.id))
    body = benchmark_of(client, closed[0], "sector")
    assert body["peer_count"] == 5 and body["suppressed"] is False
    assert dims(body)["rules"]["median_low"] == 95.0  # 100 is in the top band
    assert dims(body)["rules"]["position"] == "in"


def test_factories_round_is_benchmarked(database, lib, client):
    """A round stored by the services (factories) is found like any other."""
    reg = factories.organisation(database)
    code = factories.open_round(database, reg.organisation, lib).invite_code
    factories.respond(database, code, lib, ANSWERS_FULL)
    with database.session() as s:
        round_ = rounds.close_round(s, rounds.round_for_invite(s, code), lib)
        round_id = round_.id
    body = benchmark_of(client, Stored(reg.organisation.id, reg.coordinator_token, round_id))
    assert body["peer_count"] == 1 and body["suppressed"] is True
    assert dims(body)["rules"]["score"] is None  # one respondent: hidden
