"""The sector report states, under each group table, the rule behind every figure it
leaves out or shows coarser, with the groups it applied to, in English and Dutch."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from analytics.report import service
from instruments import vocabularies
from survey.disclosure.rules import FEW_UNKNOWN, QUARTILES_FEW_UNKNOWN, explain
from tests.integration.test_report_sector import INSTRUMENT, population  # noqa: F401
from tests.integration.test_report_service import pdf_text


def _table_notes(page: str, heading: str) -> str:
    """The notes between a group table's heading and the next heading."""
    start = page.index(f"<h3>{heading}</h3>")
    end = page.index("<h3>", start + 1)
    return page[start:end]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_each_group_table_states_the_rule_behind_what_it_leaves_out(
    database,
    library,
    population,  # noqa: F811
    lang,
):
    with database.session() as s:
        content, _, _ = service.build_sector_report(
            s, library, instrument_id=INSTRUMENT, format="html", lang=lang
        )
    page = content.decode()
    heading = {"en": "By sector", "nl": "Per sector"}[lang]
    notes = _table_notes(page, heading)
    sectors = vocabularies().sectors
    water = sectors.label("water-authorities", lang)
    median_only = f"{sectors.label('municipalities', lang)}, {sectors.label('police', lang)}"
    assert f"<strong>{water}</strong>: {escape(explain(FEW_UNKNOWN, lang))}" in notes
    quartiles = escape(explain(QUARTILES_FEW_UNKNOWN, lang))
    assert f"<strong>{median_only}</strong>: {quartiles}" in notes
    # a rule that did not apply in the table is not claimed
    assert notes.count("<li>") == 2


def test_the_pdf_carries_the_rules_too(database, library, population):  # noqa: F811
    with database.session() as s:
        content, _, _ = service.build_sector_report(
            s, library, instrument_id=INSTRUMENT, format="pdf", lang="en"
        )
    text = re.sub(r"\s+", " ", pdf_text(content))
    assert f"Water authorities: {explain(FEW_UNKNOWN, 'en')}" in text
