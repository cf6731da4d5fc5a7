"""Instrument exports: LimeSurvey, XLSForm (converted by pyxform), Qualtrics, codebook."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from pyxform.xls2xform import convert

from instruments import default_library, load_library
from interop.codebook import codebook
from interop.export import export
from interop.ingest.mapping import read_mapping
from interop.ingest.problems import IngestError

DATA = Path(__file__).parents[1] / "data"
MINI = load_library([DATA / "mini-v2.yaml"]).get("mini")
INSTRUMENTS = [*default_library().instruments, MINI]
IDS = [f"{i.id}-{i.version}" for i in INSTRUMENTS]


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=IDS)
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_xlsform_converts_with_pyxform(instrument, lang, tmp_path):
    path = tmp_path / "form.xlsx"
    path.write_bytes(export(instrument, "xlsform", lang, path))
    result = convert(xlsform=str(path))
    xform = result.xform
    assert f"{instrument.id}@{instrument.version}" in xform
    assert 'lang="English (en)"' in xform and 'lang="Nederlands (nl)"' in xform
    routed = any(item.roles for item in instrument.items)
    assert ("selected(" in xform) is routed


def _limesurvey_rows(instrument, lang="en"):  # type: ignore[no-untyped-def]
    data = export(instrument, "limesurvey", lang, Path("x.txt"))
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter="\t"))


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=IDS)
def test_limesurvey_structure(instrument):
    rows = _limesurvey_rows(instrument, "nl")
    book = codebook(instrument)
    by_language = {
        lang: [r for r in rows if r["language"] == lang and r["class"] in "GQA"]
        for lang in ("en", "nl")
    }
    assert next(r["language"] for r in rows if r["class"] in ("G", "Q", "A")) == "nl"  # base first
    assert [(r["class"], r["name"]) for r in by_language["en"] if r["class"] != "G"] == [
        (r["class"], r["name"]) for r in by_language["nl"] if r["class"] != "G"
    ]
    questions = [r for r in by_language["en"] if r["class"] == "Q"]
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,19}", q["name"]) for q in questions)
    assert {q["name"] for q in questions} == {
        "ROLE",
        "INSTRUMENT",
        *(q.code for q in book.questions),
    }
    marker = next(q for q in questions if q["name"] == "INSTRUMENT")
    assert marker["type/scale"] == "*" and marker["text"] == book.marker and marker["hidden"] == "1"
    answers: dict[str, list[str]] = {}
    current = ""
    for row in by_language["en"]:
        if row["class"] == "Q":
            current = row["name"]
        elif row["class"] == "A":
            answers.setdefault(current, []).append(row["name"])
    for question, item in zip(book.questions, instrument.items, strict=True):
        offers_na = item.option("not_applicable") is not None
        assert ("99" in answers[question.code]) is offers_na
        assert "98" in answers[question.code]
        assert all(re.fullmatch(r"[A-Za-z0-9]{1,5}", code) for code in answers[question.code])
    for q in questions:
        if q["name"].startswith("Q"):
            item = instrument.item(next(x.item_id for x in book.questions if x.code == q["name"]))
            if item.roles and len(item.roles) < 7:
                assert q["relevance"].count("ROLE.NAOK ==") == len(item.roles)
            else:
                assert q["relevance"] == "1"


def test_limesurvey_routes_each_role_to_its_items():
    rows = [r for r in _limesurvey_rows(MINI) if r["class"] == "Q" and r["language"] == "en"]
    relevance = {r["name"]: r["relevance"] for r in rows}
    assert relevance["Q02"] == "ROLE.NAOK == '1' or ROLE.NAOK == '3' or ROLE.NAOK == '4'"
    assert relevance["Q03"] == "1"


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=IDS)
def test_qualtrics_advanced_format(instrument):
    text = export(instrument, "qualtrics", "nl", Path("q.txt")).decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "[[AdvancedFormat]]"
    assert f"[[ED:INSTRUMENT:{instrument.id}@{instrument.version}]]" in lines
    ids = [line[5:-2] for line in lines if line.startswith("[[ID:")]
    assert ids == ["ROLE", *(q.code for q in codebook(instrument).questions)]
    assert text.count("[[Question:MC:SingleAnswer:Vertical]]") == len(ids)
    assert text.count("[[Choice:99]]") == sum(
        1 for i in instrument.items if i.option("not_applicable")
    )
    first = instrument.items[0]
    assert first.text.nl.split()[0] in text  # the chosen language


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_codebook_reads_back_as_the_mapping(suffix, tmp_path):
    path = tmp_path / f"codebook{suffix}"
    path.write_bytes(export(MINI, "codebook", "en", path))
    library = load_library([DATA / "mini-v2.yaml"])
    assert read_mapping(path, library) == codebook(MINI)


def _edited(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "mapping.csv"
    text = export(MINI, "codebook", "en", path).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    change(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _first_item_row(rows):  # type: ignore[no-untyped-def]
    return next(r for r in rows if r["item"])


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        (
            lambda rows: _first_item_row(rows).update(weight="5"),
            "weight",
            "weight 5 is not the weight of 'rules.guideline' in mini@2.0 (2)",
        ),
        (
            lambda rows: _first_item_row(rows).update(score="40"),
            "score",
            "score 40 is not the score of option 'none'",
        ),
        (
            lambda rows: _first_item_row(rows).update(answer="maybe"),
            "answer",
            "'maybe' is not an option",
        ),
        (lambda rows: rows[0].update(answer="Wethouder"), "answer", "unknown role 'Wethouder'"),
        (
            lambda rows: _first_item_row(rows).update(item="rules.gone"),
            "item",
            "no item 'rules.gone'",
        ),
    ],
)
def test_a_mapping_is_checked_against_the_instrument_version(tmp_path, change, column, message):
    path = _edited(tmp_path, change)
    with pytest.raises(IngestError) as caught:
        read_mapping(path, load_library([DATA / "mini-v2.yaml"]))
    text = str(caught.value)
    assert f"{path}, line " in text and f"column '{column}'" in text and message in text


def test_an_edited_mapping_resolves_another_tools_codes(tmp_path):
    def edit(rows):  # type: ignore[no-untyped-def]
        for row in rows:
            if row["item"] == "rules.guideline":
                row["code"] = "G1[SQ001]"
                row["answer_code"] = {"98": "DK"}.get(row["answer_code"], f"A{row['answer_code']}")

    book = read_mapping(_edited(tmp_path, edit), load_library([DATA / "mini-v2.yaml"]))
    question = next(q for q in book.questions if q.item_id == "rules.guideline")
    assert question.code == "G1[SQ001]"
    assert [a.code for a in question.answers] == ["A1", "A2", "A3", "A4", "A5", "DK"]
