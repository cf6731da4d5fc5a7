"""``survey instruments export`` and ``survey analyse`` on tool exports, end to end
through the command line, with the shipped instruments (the latest, schema 2, routed
by role; and a schema-1 version); and every error the issue names: file, row and
column in the message, exit code 2, nothing written."""

from __future__ import annotations

import random
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner
from pyxform.xls2xform import convert

from cli import main
from instruments import default_library
from interop.analyse import OUTPUTS
from interop.codebook import Codebook, codebook

SM = default_library().get("sm-maturity")
BOOK = codebook(SM)
SM_1 = default_library().get("sm-maturity", "1.0")
ROLES = ["management", "staff"]  # 3 of each among the 6 complete respondents: two role views
HEADER = [
    "id",
    "submitdate",
    "lastpage",
    "startlanguage",
    "seed",
    "startdate",
    "datestamp",
    "ROLE",
    "INSTRUMENT",
]


def limesurvey_rows(
    seed: int,
    respondents: int = 7,
    level: float = 0.5,
    *,
    book: Codebook = BOOK,
    routed: bool = True,
) -> list[list[str]]:
    """A LimeSurvey export (answer codes) of random answers around ``level``. Routed,
    each respondent answers the items asked of their role (the others stay empty, as
    the relevance equations leave them); not ``routed``, every item, as a survey built
    without routing would. The answers to asked items are the same either way."""
    rng = random.Random(seed)
    rows = [HEADER + [q.code for q in book.questions]]
    for n in range(1, respondents + 1):
        role = ROLES[n % len(ROLES)]
        cells = []
        for q in book.questions:
            scored = [a for a in q.answers if a.score is not None]
            if rng.random() < 0.1:
                code = "98"
            else:
                index = min(
                    len(scored) - 1, max(0, round(level * (len(scored) - 1) + rng.uniform(-1, 1)))
                )
                code = scored[index].code
            cells.append(code if q.asked_of(role) or not routed else "")
        complete = n != respondents  # the last one stopped half-way
        rows.append(
            [
                str(n),
                "2026-03-02 10:00:00" if complete else "",
                "9",
                "nl",
                "1",
                "2026-03-02 09:00:00",
                "2026-03-02 10:00:00",
                next(r.code for r in book.roles if r.role == role),
                book.marker,
                *cells,
            ]
        )
    return rows


def write_limesurvey(path: Path, rows: list[list[str]], separator: str = ",") -> Path:
    text = "\r\n".join(separator.join(f'"{c}"' for c in row) for row in rows) + "\r\n\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


def organisations_xlsx(path: Path, ids: list[str]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["organisatie", "naam", "sector", "size_band", "land"])
    for n, org in enumerate(ids):
        sheet.append(
            [
                org,
                org.replace("-", " ").title(),
                "Gemeenten" if n % 3 else "Provincies en regio's",
                "50 tot 249 medewerkers",
                "Nederland",
            ]
        )
    book.save(path)
    return path


def analyse(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["analyse", *args])


@pytest.mark.parametrize("fmt", ["xlsform", "limesurvey", "qualtrics", "codebook"])
def test_export_command_writes_each_format(fmt, tmp_path):
    out = tmp_path / ("sm.xlsx" if fmt in ("xlsform", "codebook") else "sm.txt")
    result = CliRunner().invoke(
        main,
        ["instruments", "export", "sm-maturity", "--format", fmt, "--lang", "nl", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {out} (sm-maturity {SM.version}, {fmt}" in result.output
    if fmt == "xlsform":
        assert BOOK.marker in convert(xlsform=str(out)).xform


def test_export_of_an_unknown_instrument_exits_2(tmp_path):
    result = CliRunner().invoke(
        main,
        ["instruments", "export", "nope", "--format", "xlsform", "-o", str(tmp_path / "x.xlsx")],
    )
    assert result.exit_code == 2 and "no instrument 'nope'" in result.stderr


def test_analyse_limesurvey_exports_of_several_organisations(tmp_path):
    ids = [f"gemeente-{n}" for n in range(1, 7)]
    files = [
        write_limesurvey(
            tmp_path / f"{org}.csv", limesurvey_rows(n, level=n / 7), ";" if n % 2 else ","
        )
        for n, org in enumerate(ids)
    ]
    organisations = organisations_xlsx(tmp_path / "organisaties.xlsx", ids)
    args = [a for f in files for a in ("--answers", str(f))]
    result = analyse(*args, "--organisations", str(organisations), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert (
        "read "
        + str(files[0])
        + f" as limesurvey (UTF-8 with BOM, comma-separated): sm-maturity {SM.version}, "
        "6 complete response(s), 1 incomplete left out, "
        "0 answer(s) to items not asked of the role left out" in result.stdout
    )
    assert "6 organisations, 36 respondents" in result.stdout
    for name in OUTPUTS:
        assert (tmp_path / "out" / f"{name}.parquet").is_file(), name
    scores = pl.read_parquet(tmp_path / "out" / "scores.parquet")
    assert scores.height == 6 * len(SM.dimensions) and scores["score"].is_not_null().all()
    bench = pl.read_parquet(tmp_path / "out" / "benchmark.parquet")
    everyone = bench.filter(peer_group="all")
    assert set(everyone["peer_count"]) == {6}
    # organisations from tool exports do not share with the integrity office: k = 1
    assert set(everyone["known"]) == {1} and set(everyone["unknown"]) == {5}
    assert set(bench["sector"]) == {"municipalities", "provinces"}
    instruments = pl.read_parquet(tmp_path / "out" / "instruments.parquet")
    assert instruments.height == 6 and instruments["level"].is_not_null().all()
    uses = pl.read_parquet(tmp_path / "out" / "uses.parquet")
    assert set(uses["use"]) <= {"organizational", "professional", "personal"} and uses.height > 0
    assert {"views", "left_out", "fragile", "suppressed"} <= set(uses.columns)
    low, high = (
        scores.filter(organisation_id=o)["score"].mean() for o in ("gemeente-1", "gemeente-6")
    )
    assert low < high


def test_analyse_writes_reports(tmp_path):
    ids = ["gemeente-1", "gemeente-2"]
    files = [
        write_limesurvey(tmp_path / f"{org}.csv", limesurvey_rows(n)) for n, org in enumerate(ids)
    ]
    organisations = organisations_xlsx(tmp_path / "orgs.xlsx", ids)
    args = [a for f in files for a in ("--answers", str(f))]
    result = analyse(
        *args,
        "--organisations",
        str(organisations),
        "--out",
        str(tmp_path / "out"),
        "--report",
        str(tmp_path / "reports"),
        "--lang",
        "nl",
    )
    assert result.exit_code == 0, result.output
    html = (tmp_path / "reports" / "improvement-report-gemeente-1-nl.html").read_text(
        encoding="utf-8"
    )
    assert "Gemeente 1" in html and 'lang="nl"' in html
    assert (
        (tmp_path / "reports" / "improvement-report-gemeente-2-nl.pdf")
        .read_bytes()
        .startswith(b"%PDF")
    )
    assert (
        (tmp_path / "reports" / f"sector-report-sm-maturity-{SM.version}-nl.pdf")
        .read_bytes()
        .startswith(b"%PDF")
    )


def test_answers_to_items_not_asked_of_the_role_are_left_out_and_counted(tmp_path):
    """A survey built without routing lets every role answer every item: the reader
    leaves out the answers to items not asked of the role, counts them, and the scores
    are those of the routed survey."""
    ids = ["gemeente-1", "gemeente-2"]
    organisations = organisations_xlsx(tmp_path / "orgs.xlsx", ids)
    outputs = {}
    for routed in (True, False):
        folder = tmp_path / ("routed" if routed else "unrouted")
        folder.mkdir()
        files = [
            write_limesurvey(folder / f"{org}.csv", limesurvey_rows(n, routed=routed))
            for n, org in enumerate(ids)
        ]
        args = [a for f in files for a in ("--answers", str(f))]
        result = analyse(*args, "--organisations", str(organisations), "--out", str(folder / "out"))
        assert result.exit_code == 0, result.output
        outputs[routed] = (result.stdout, folder / "out")
    complete = [ROLES[n % len(ROLES)] for n in range(1, 7)]  # respondent 7 is incomplete
    not_asked = sum(1 for role in complete for q in BOOK.questions if not q.asked_of(role))
    assert not_asked > 0
    routed_output, routed_out = outputs[True]
    unrouted_output, unrouted_out = outputs[False]
    assert "0 answer(s) to items not asked of the role left out" in routed_output
    assert f", {not_asked} answer(s) to items not asked of the role left out" in unrouted_output
    for name in ("scores", "items", "uses", "benchmark"):
        assert pl.read_parquet(unrouted_out / f"{name}.parquet").equals(
            pl.read_parquet(routed_out / f"{name}.parquet")
        ), name


def test_files_of_two_schemas_are_analysed_separately(tmp_path):
    ctg_1 = default_library().get("ctg-access", "1.0")
    assert SM.scheme == 2 and ctg_1.scheme == 1
    files = [
        write_limesurvey(tmp_path / "gemeente-1.csv", limesurvey_rows(1)),
        write_limesurvey(tmp_path / "gemeente-2.csv", limesurvey_rows(2, book=codebook(ctg_1))),
    ]
    organisations = organisations_xlsx(tmp_path / "orgs.xlsx", ["gemeente-1", "gemeente-2"])
    args = [a for f in files for a in ("--answers", str(f))]
    result = analyse(*args, "--organisations", str(organisations), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    assert (
        f"error: {files[0]}: answers '{BOOK.marker}' (schema 2), but the files answer "
        "instruments of schemas 1 and 2: each schema has its own scoring rules, analyse them "
        "separately" in result.stderr
    )
    assert f"error: {files[1]}: answers 'ctg-access@1.0' (schema 1)" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_schema_1_version_is_scored_and_reported_under_its_own_rules(tmp_path):
    book = codebook(SM_1)
    assert SM_1.scheme == 1 and not book.routed
    ids = ["gemeente-1", "gemeente-2", "gemeente-3"]
    files = [
        write_limesurvey(tmp_path / f"{org}.csv", limesurvey_rows(n, book=book))
        for n, org in enumerate(ids)
    ]
    organisations = organisations_xlsx(tmp_path / "orgs.xlsx", ids)
    args = [a for f in files for a in ("--answers", str(f))]
    out, reports = tmp_path / "out", tmp_path / "reports"
    result = analyse(
        *args, "--organisations", str(organisations), "--out", str(out), "--report", str(reports)
    )
    assert result.exit_code == 0, result.output
    assert f"{SM_1.id} {SM_1.version}, 6 complete response(s)" in result.stdout
    scores = pl.read_parquet(out / "scores.parquet")
    assert scores.height == len(ids) * len(SM_1.dimensions)
    assert scores["score"].is_not_null().all()
    # schema-1 figures: no fragility, rungs, advice or views
    assert "fragile" not in scores.columns
    assert "advice" not in pl.read_parquet(out / "items.parquet").columns
    assert "views" not in pl.read_parquet(out / "uses.parquet").columns
    bench = pl.read_parquet(out / "benchmark.parquet")
    assert set(bench["instrument_version"]) == {SM_1.version}
    assert "Gemeente 1" in (reports / "improvement-report-gemeente-1-en.html").read_text(
        encoding="utf-8"
    )
    assert (reports / "sector-report-sm-maturity-1.0-en.pdf").read_bytes().startswith(b"%PDF")


def _case(tmp_path: Path, change) -> list[str]:  # type: ignore[no-untyped-def]
    rows = limesurvey_rows(1)
    path = tmp_path / "gemeente-1.csv"
    content = change(rows, path)
    if content is None:
        write_limesurvey(path, rows)
    organisations = organisations_xlsx(tmp_path / "orgs.xlsx", ["gemeente-1"])
    return [
        "--answers",
        str(path),
        "--organisations",
        str(organisations),
        "--out",
        str(tmp_path / "out"),
    ]


def _set(row: int, column: str, value: str):  # type: ignore[no-untyped-def]
    def change(rows, path):  # type: ignore[no-untyped-def]
        rows[row][rows[0].index(column)] = value

    return change


def _bad_bytes(rows, path):  # type: ignore[no-untyped-def]
    text = "\r\n".join(",".join(f'"{c}"' for c in row) for row in rows)
    data = text.encode("utf-8").replace(b'"Q01"', b'"Q01 \xc3\xa9\xff"')
    path.write_bytes(data)
    return data


def _add_column(rows, path):  # type: ignore[no-untyped-def]
    rows[0].append("Q99")
    for row in rows[1:]:
        row.append("1")


ERRORS = [
    (
        _set(3, "INSTRUMENT", "ctg-access@1.0"),
        "line 4, column 'INSTRUMENT': answers to 'ctg-access@1.0', another instrument or version than "
        + BOOK.marker,
    ),
    (
        _set(1, "INSTRUMENT", "sm-maturity@0.9"),
        "line 2, column 'INSTRUMENT': the file answers 'sm-maturity@0.9', which is not installed",
    ),
    (_add_column, f"line 1, column 'Q99': no question of {BOOK.marker} matches this column"),
    (_set(2, "Q05", "7"), "line 3, column 'Q05': '7' is no answer of Q05 (item "),
    (_set(1, "ROLE", ""), "line 2, column 'ROLE': a respondent without a role"),
    (
        _set(1, "ROLE", "Wethouder"),
        "line 2, column 'ROLE': unknown role 'Wethouder' (nearest valid value:",
    ),
    (_bad_bytes, "not valid UTF-8 at byte offset "),
]


@pytest.mark.parametrize(("change", "message"), ERRORS)
def test_bad_exports_name_file_row_and_column_and_write_nothing(tmp_path, change, message):
    result = analyse(*_case(tmp_path, change))
    assert result.exit_code == 2, result.output
    assert f"error: {tmp_path / 'gemeente-1.csv'}" in result.stderr
    assert message in result.stderr
    assert "nothing was written" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_file_of_another_instrument_than_asked(tmp_path):
    result = analyse(*_case(tmp_path, lambda rows, path: None), "--instrument", "ctg-access")
    assert result.exit_code == 2
    ctg = default_library().get("ctg-access")
    assert (
        f"line 2, column 'INSTRUMENT': answers to '{BOOK.marker}', another instrument or version "
        f"than ctg-access@{ctg.version}" in result.stderr
    )


def test_an_unknown_sector_names_the_row_and_the_nearest_value(tmp_path):
    args = _case(tmp_path, lambda rows, path: None)
    orgs = tmp_path / "orgs.csv"
    orgs.write_text(
        "organisation_id;sector;size_band;country\ngemeente-1;Gemeentes;50-249;NL\n",
        encoding="utf-8",
    )
    args[args.index("--organisations") + 1] = str(orgs)
    result = analyse(*args)
    assert result.exit_code == 2
    assert (
        f"{orgs}, line 2, column 'sector': unknown sector 'Gemeentes' (nearest valid value: 'Gemeenten')"
        in result.stderr
    )


def test_an_organisation_missing_from_the_organisations_file(tmp_path):
    args = _case(tmp_path, lambda rows, path: None)
    result = analyse(*args[:-2], "--out", str(tmp_path / "out"), "--organisation", "gemeente-9")
    assert result.exit_code == 2
    assert "organisation 'gemeente-9' (from --organisation) is not in" in result.stderr


def test_a_wide_file_with_a_score_no_option_has(tmp_path):
    path = tmp_path / "gemeente-1.csv"
    item = SM.items[0]
    path.write_text(f"respondent,role,{item.id}\nr1,staff,40\n", encoding="utf-8")
    organisations = organisations_xlsx(tmp_path / "orgs.xlsx", ["gemeente-1"])
    result = analyse(
        "--answers",
        str(path),
        "--organisations",
        str(organisations),
        "--out",
        str(tmp_path / "out"),
        "--instrument",
        "sm-maturity",
    )
    assert result.exit_code == 2
    scores = ", ".join(f"{o.score:g}" for o in item.scored_options)
    assert (
        f"line 2, column '{item.id}': 40 is no option's score of item '{item.id}' (its scores: {scores})"
        in result.stderr
    )


# --- the original batch (--items) ------------------------------------------------------


def _legacy_files(tmp_path: Path, weight: str = "1.0", score: str = "50,0") -> list[str]:
    item = SM.items[0]
    weight = {"own": f"{item.weight:g}", "other": "1.5" if item.weight != 1.5 else "1"}.get(
        weight, weight
    )
    score = {"valid": f"{item.scored_options[1].score:g}"}.get(score, score)
    items = tmp_path / "items.csv"
    items.write_text(
        f"item_id;instrument_id;dimension_id;weight\n{item.id};sm-maturity;{item.dimension};{weight}\n",
        encoding="utf-8",
    )
    answers = tmp_path / "answers.csv"
    lines = ["organisation_id;respondent_id;role;item_id;score"] + [
        f"org1;r{n};staff;{item.id};{score}" for n in range(3)
    ]
    answers.write_text("\n".join(lines) + "\n", encoding="cp1252")
    orgs = tmp_path / "orgs.csv"
    orgs.write_text(
        "organisation_id;sector;size_band;country\norg1;Gemeenten;250 tot 999 medewerkers;Nederland\n",
        encoding="cp1252",
    )
    return [
        "--answers",
        str(answers),
        "--items",
        str(items),
        "--organisations",
        str(orgs),
        "--out",
        str(tmp_path / "out"),
    ]


def test_the_original_batch_reads_dutch_excel_files(tmp_path):
    score = next(
        f"{o.score:g}"
        for o in SM.items[0].scored_options
        if o.score and o.score % 1 == 0 and o.score != 100
    )
    result = analyse(*_legacy_files(tmp_path, "own", score.replace(".", ",")))
    assert result.exit_code == 0, result.output
    bench = pl.read_parquet(tmp_path / "out" / "benchmark.parquet")
    assert set(bench["sector"]) == {"municipalities"} and set(bench["country"]) == {"NL"}


@pytest.mark.parametrize(
    ("weight", "score", "column", "message"),
    [
        ("5", "valid", "weight", "must be 0.5, 1, 1.5 or 2"),
        ("other", "valid", "weight", "is not the weight of"),
        ("own", "40", "score", "40 is no option's score of item"),
    ],
)
def test_the_original_batch_checks_weights_and_scores(tmp_path, weight, score, column, message):
    result = analyse(*_legacy_files(tmp_path, weight, score))
    assert result.exit_code == 2
    assert f"column '{column}'" in result.stderr and message in result.stderr


def test_the_original_batch_says_when_answers_are_a_tool_export(tmp_path):
    args = _legacy_files(tmp_path, "own")
    write_limesurvey(Path(args[1]), limesurvey_rows(1))
    result = analyse(*args)
    assert result.exit_code == 2
    assert "the file looks like a limesurvey export" in result.stderr


def test_survey_import_takes_a_tool_export(db_url, database, monkeypatch, tmp_path):
    from sqlalchemy import select

    from survey.models import DimensionResult, Round
    from survey.services.organisations import register_organisation

    with database.session() as session:
        org = register_organisation(
            session, name="Gemeente A", sector="municipalities", size_band="50-249", country="NL"
        )
        org_id = org.organisation.id
    path = write_limesurvey(tmp_path / "export.csv", limesurvey_rows(3))
    monkeypatch.setenv("DATABASE_URL", db_url)
    result = CliRunner().invoke(
        main,
        [
            "import",
            str(path),
            "--format",
            "auto",
            "--organisation",
            org_id,
            "--round",
            "LimeSurvey 2026",
            "--close",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "in 6 response(s) into 1 round(s)" in result.output
    with database.session() as session:
        round_ = session.scalars(select(Round).where(Round.organisation_id == org_id)).one()
        assert round_.label == "LimeSurvey 2026" and round_.status == "closed"
        assert session.scalars(
            select(DimensionResult.score).where(DimensionResult.round_id == round_.id)
        ).all()
    bad = CliRunner().invoke(
        main, ["import", str(path), "--format", "auto", "--organisation", "nobody"]
    )
    assert bad.exit_code == 2 and "unknown organisation 'nobody'" in bad.stderr
