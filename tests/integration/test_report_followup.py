"""The report of a second round compares with the first and follows up its actions."""

from __future__ import annotations

import io
import json
import math

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from analytics.report import service
from analytics.report.action_export import signed
from survey.models import DimensionResult, Organisation, Round
from survey.services import actions, results
from tests import factories
from tests.integration.test_report_service import Respondent, closed_round, pdf_text, plain

FIRST = [*[Respondent("management", 35)] * 3, *[Respondent("staff", 25)] * 3]
SECOND = [*[Respondent("management", 75)] * 3, *[Respondent("staff", 65)] * 3]


@pytest.fixture
def two_rounds(database, library):
    """Two closed rounds of one organisation on the maturity test, with one action agreed
    after the first; returns (first round id, second round id, action id)."""
    org = factories.organisation(database, "Gemeente Tweemaal").organisation
    first = closed_round(
        database, library, FIRST, organisation=org, label="Round one", instruments=["sm-maturity"]
    )
    with database.session() as s:
        round_ = s.get(Round, first)
        action = actions.create_action(
            s,
            round_,
            actions.Draft(
                instrument="sm-maturity",
                dimensions=["awareness", "dialogue"],
                title="Train every team on the guideline",
                owner_role="hr",
                status="done",
            ),
            library,
        )
        action_id = action.id
    with database.session() as s:
        org_row = s.get(Organisation, org.id)
    second = closed_round(
        database,
        library,
        SECOND,
        organisation=org_row,
        label="Round two",
        instruments=["sm-maturity"],
    )
    return first, second, action_id


def _report(database, library, round_id, fmt, lang="en"):
    with database.session() as s:
        return service.build_report(s, s.get(Round, round_id), library, format=fmt, lang=lang)


def test_the_second_report_compares_and_follows_up_the_actions(database, library, two_rounds):
    first, second, _ = two_rounds
    with database.session() as s:
        shown = results.round_scores(s, s.get(Round, second), library, "en")
    (entry,) = shown["previous"]
    assert entry["comparable"] and entry["round"]["label"] == "Round one"
    html = plain(_report(database, library, second, "html").content.decode())
    assert "Since the previous round" in html
    assert "Maturity" in html or "maturity" in html
    titles = {d["id"]: d["title"] for d in shown["instruments"][0]["dimensions"]}
    for row in entry["dimensions"]:
        if row["change"] is not None:
            assert f"{titles[row['dimension']]}</td>" in html
            assert signed(row["change"]) in html
    assert "Train every team on the guideline" in html
    assert "Actions agreed in earlier rounds" in html
    awareness = next(r for r in entry["dimensions"] if r["dimension"] == "awareness")
    assert f"{titles['awareness']}: {signed(awareness['change'])}" in html
    text = pdf_text(_report(database, library, second, "pdf").content)
    assert "Since the previous round" in text and "Train every team on the guideline" in text
    # The first round's report has nothing to compare with, and lists the agreed action.
    first_html = plain(_report(database, library, first, "html").content.decode())
    assert "Since the previous round" not in first_html
    assert "Agreed actions" in first_html and "Train every team on the guideline" in first_html


def test_dutch_report_and_workbook_follow_up(database, library, two_rounds):
    _, second, action_id = two_rounds
    html = plain(_report(database, library, second, "html", "nl").content.decode())
    assert "Sinds de vorige ronde" in html and "Acties uit eerdere rondes" in html
    book = load_workbook(io.BytesIO(_report(database, library, second, "xlsx", "nl").content))
    sheet = book["Afgesproken acties"]
    header = [c.value for c in sheet[1]]
    assert header[0] == "Ronde" and header[-1] == "Actie-id"
    (row,) = list(sheet.iter_rows(min_row=2, values_only=True))
    assert row[0] == "Round one" and row[1] == "Train every team on the guideline"
    assert row[5] == "afgerond" and row[-1] == action_id
    assert "+" in row[7]  # the topics improved


def test_a_changed_action_renders_the_report_again(database, library, two_rounds):
    first, second, action_id = two_rounds
    with database.session() as s:
        before = service.round_fingerprint(s, s.get(Round, second), library)
        round_ = s.get(Round, first)
        actions.update_action(
            s, round_, actions.get_action(s, round_, action_id), {"status": "dropped"}, library
        )
    with database.session() as s:
        assert service.round_fingerprint(s, s.get(Round, second), library) != before


def test_versions_differ_so_no_comparison(database, library, two_rounds):
    """The `previous` block says why when a round used another version (here simulated by
    re-pinning the first round); the report says so in words."""
    first, second, _ = two_rounds
    with database.session() as s:
        for pinned in s.get(Round, first).instruments:
            pinned.instrument_version = "0.9"
    html = plain(_report(database, library, second, "html").content.decode())
    assert "Not compared: the previous round used version 0.9" in html
    with database.session() as s:
        (entry,) = results.round_scores(s, s.get(Round, second), library, "en")["previous"]
    assert (entry["comparable"], entry["reason"]) == (False, "other_version")


def test_the_previous_block_publishes_the_verdict_not_the_error(database, library, two_rounds):
    first, second, _ = two_rounds
    with database.session() as s:
        shown = results.round_scores(s, s.get(Round, second), library, "en")
        errors = {
            round_id: {
                r.dimension_id: r.turnover_error
                for r in s.query(DimensionResult).filter_by(round_id=round_id)
            }
            for round_id in (first, second)
        }
    (entry,) = shown["previous"]
    verdicts = []
    for row in entry["dimensions"]:
        before, after = errors[first][row["dimension"]], errors[second][row["dimension"]]
        assert before is not None and after is not None and before > 0
        expected = abs(row["change"]) > 1.96 * math.sqrt(before**2 + after**2)
        assert row["beyond_turnover"] is expected
        verdicts.append(expected)
    assert any(verdicts)  # 40 points up with 6 respondents a round: real
    behind = {row["dimension"]: row["actions"] for row in entry["dimensions"]}
    (action_id,) = {a["id"] for rows in behind.values() for a in rows}
    assert (
        behind["awareness"]
        == behind["dialogue"]
        == [{"id": action_id, "title": "Train every team on the guideline", "status": "done"}]
    )
    assert all(not rows for key, rows in behind.items() if key not in ("awareness", "dialogue"))
    assert "turnover_error" not in json.dumps(shown)
    for error in errors[second].values():
        assert f"{error}" not in json.dumps(shown)
    html = plain(_report(database, library, second, "html").content.decode())
    assert "Real change?" in html and "yes" in html


def test_the_same_answers_twice_are_no_real_change(database, library):
    org = factories.organisation(database, "Gemeente Stilstand").organisation
    ids = [
        closed_round(
            database, library, FIRST, organisation=org, label=label, instruments=["sm-maturity"]
        )
        for label in ("One", "Two")
    ]
    with database.session() as s:
        (entry,) = results.round_scores(s, s.get(Round, ids[1]), library, "en")["previous"]
    assert {row["change"] for row in entry["dimensions"]} == {0.0}
    assert {row["beyond_turnover"] for row in entry["dimensions"]} == {False}


@pytest.mark.parametrize(
    ("lang", "cover", "what_now", "change", "annex"),
    [
        ("en", "Improvement report", "What now", "Since “Round one”:", "ANNEX"),
        ("nl", "Verbeterrapport", "Wat nu", "Sinds “Round one”:", "BIJLAGE"),
    ],
)
def test_the_board_summary_is_two_pages(
    database, library, two_rounds, lang, cover, what_now, change, annex
):
    """Page 1: where we stand and against whom; page 2: what now (the change since the
    previous round, where to start, the agreed actions, next steps); the annex from
    page 3, even with more agreed actions than the summary lists."""
    _, second, _ = two_rounds
    with database.session() as s:
        round_ = s.get(Round, second)
        for n in range(7):
            actions.create_action(
                s,
                round_,
                actions.Draft(
                    instrument="sm-maturity",
                    dimensions=["guideline"],
                    title=f"Agreed step {n + 1}: publish the guideline on the intranet",
                    owner_role="communications",
                    owner_name="Team lead",
                ),
                library,
            )
    pages = PdfReader(io.BytesIO(_report(database, library, second, "pdf", lang).content)).pages
    text = [" ".join(page.extract_text().split()) for page in pages]
    assert cover in text[0]
    assert text[1].startswith(what_now)
    assert change in text[1] and "Agreed step 5" in text[1] and "Agreed step 6" not in text[1]
    assert text[2].startswith(annex)
    assert all(not page.startswith(annex) for page in text[:2])
