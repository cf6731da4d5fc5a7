"""Round trips: export an instrument, answer it "in the tool", read the tool's export
back, and get the same answers and the same scores as through the app's API.

The same nine respondents (:data:`tool_exports.RESPONDENTS`) answer the routed
schema-2 test instrument through the API, and through each tool's export; every
tool's file is read by ``survey analyse``'s reader and scored by its pipeline.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from instruments import load_library
from interop.analyse import analyse_exports
from interop.export import export
from interop.ingest.model import ReadOptions
from interop.ingest.read import read_answers
from interop.transfer import platform_csv
from survey.models import Round
from survey.services.results import round_scores
from survey.services.rounds import close_round
from survey.transfer import import_responses
from tests.integration import tool_exports as tools
from tests.integration.conftest import Org

DATA = Path(__file__).parents[1] / "data"
ORGANISATION = "gemeente-a"


@pytest.fixture
def lib():
    return load_library([DATA / "mini-v2.yaml"])


def _api_scores(api) -> tuple[dict, Org]:  # type: ignore[no-untyped-def]
    org = api.register("Gemeente A")
    round_ = api.open_round(org, instruments=("mini",))
    for role, answers in tools.RESPONDENTS:
        api.respond(round_, answers, role)
    api.close(round_)
    response = api.client.get(f"/api/rounds/{round_.id}/scores", headers=org.auth)
    assert response.status_code == 200, response.text
    return response.json(), org


def _figures(scores: dict) -> dict[str, tuple[float | None, int | None]]:
    (instrument,) = scores["instruments"]
    figures = {d["id"]: (d["score"], d["level"]) for d in instrument["dimensions"]}
    figures["*"] = (instrument["score"], instrument["level"])
    return figures


def _tool_files(tmp_path: Path, lib) -> dict[str, tuple[Path, ReadOptions]]:  # type: ignore[no-untyped-def]
    instrument = lib.get("mini")
    structure = export(instrument, "limesurvey", "en", tmp_path / "mini.txt")
    ls = tools.limesurvey_codes(structure, instrument)
    xlsform = tmp_path / "mini-xlsform.xlsx"
    xlsform.write_bytes(export(instrument, "xlsform", "en", xlsform))
    kobo, paths = tools.xlsform_codes(xlsform, instrument)
    qualtrics = tools.qualtrics_codes(
        export(instrument, "qualtrics", "en", tmp_path / "q.txt"), instrument
    )
    by_option = ReadOptions(organisation=ORGANISATION)
    named = ReadOptions(instrument="mini", organisation=ORGANISATION)
    return {
        "limesurvey codes": (
            tools.limesurvey_csv(tmp_path / "results-survey123456.csv", instrument, ls),
            by_option,
        ),
        "limesurvey full answers (nl, ;)": (
            tools.limesurvey_csv(
                tmp_path / "ls-nl.csv", instrument, ls, full_answers=True, lang="nl", separator=";"
            ),
            by_option,
        ),
        "qualtrics numeric values": (
            tools.qualtrics_csv(tmp_path / "q.csv", instrument, qualtrics),
            by_option,
        ),
        "qualtrics choice text": (
            tools.qualtrics_csv(tmp_path / "q-text.csv", instrument, qualtrics, choice_text=True),
            by_option,
        ),
        "kobo xlsx (xml values)": (
            tools.kobo_xlsx(tmp_path / "kobo.xlsx", instrument, kobo, paths),
            by_option,
        ),
        "kobo csv (nl labels)": (
            tools.kobo_csv(tmp_path / "kobo.csv", instrument, kobo, paths, labels="nl"),
            by_option,
        ),
        "microsoft forms xlsx": (tools.msforms_xlsx(tmp_path / "forms.xlsx", instrument), named),
        "wide csv (cp1252, ;, decimal comma)": (
            tools.wide_csv(tmp_path / "wide.csv", instrument),
            named,
        ),
    }


def _organisations(tmp_path: Path) -> Path:
    path = tmp_path / "organisaties.csv"
    path.write_text(
        "organisatie;naam;sector;size_band;land\n"
        f"{ORGANISATION};Gemeente A;Gemeenten;250 tot 999 medewerkers;Nederland\n",
        encoding="utf-8",
    )
    return path


def _canonical(frame: pl.DataFrame) -> list[tuple]:
    return sorted(frame.drop("respondent_id").iter_rows())


EXPECTED_ANSWERS = sorted(
    (ORGANISATION, role, "mini", "2.0", item, value)
    for role, answers in tools.RESPONDENTS
    for item, value in answers.items()
)


def test_every_tool_export_gives_the_answers_and_scores_of_the_api(api, lib, tmp_path):
    api_json, _ = _api_scores(api)
    expected = _figures(api_json)
    assert expected["rules"][0] is not None and expected["culture"][0] is not None
    organisations = _organisations(tmp_path)
    for name, (path, options) in _tool_files(tmp_path, lib).items():
        read = read_answers(path, lib, options)
        got = sorted(
            row[:6]
            for row in read.answers.drop("respondent_id")
            .select(
                "organisation_id",
                "role",
                "instrument_id",
                "instrument_version",
                "item_id",
                "answer",
            )
            .iter_rows()
        )
        assert got == EXPECTED_ANSWERS, name
        assert read.responses == len(tools.RESPONDENTS), name
        out = tmp_path / "out" / name.split()[0]
        summary = analyse_exports([path], organisations, out, options, library=lib)
        assert summary.answers == len(EXPECTED_ANSWERS), name
        scores = pl.read_parquet(out / "scores.parquet")
        figures = {
            r["dimension_id"]: (r["score"], r["level"]) for r in scores.iter_rows(named=True)
        }
        instrument = pl.read_parquet(out / "instruments.parquet").row(0, named=True)
        figures["*"] = (instrument["score"], instrument["level"])
        assert figures == expected, name


def test_incomplete_responses_are_left_out_and_counted(lib, tmp_path):
    files = _tool_files(tmp_path, lib)
    for name in ("limesurvey codes", "qualtrics numeric values"):
        path, options = files[name]
        read = read_answers(path, lib, options)
        assert read.incomplete == 1, name
        assert read.format == name.split()[0]


def test_a_tool_export_imported_into_the_platform_scores_as_the_api(api, lib, database, tmp_path):
    """Into a round the organisation opened for the tool (by its id): the round has the
    instrument's scheme, so the imported answers are scored under the same rules."""
    api_json, org = _api_scores(api)
    opened = api.open_round(org, label="LimeSurvey 2026", instruments=("mini",))
    path, _ = _tool_files(tmp_path, lib)["limesurvey codes"]
    read = read_answers(path, lib, ReadOptions(organisation=org.id))
    with database.session() as session:
        summary = import_responses(session, platform_csv(read, opened.id), lib)
        assert set(summary.rounds) == {opened.id}
        close_round(session, session.get(Round, opened.id), lib)
    with database.session() as session:
        imported = round_scores(session, session.get(Round, opened.id), lib)
    assert imported["scheme"] == 2
    assert _figures(imported) == _figures(api_json)
    assert imported["round"]["submitted"] == len(tools.RESPONDENTS)
