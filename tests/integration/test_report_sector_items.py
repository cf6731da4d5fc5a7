"""The sector report shows the item statistics of its instrument version, each figure
with the organisations behind it (issue 11, item 10), in English and Dutch."""

from __future__ import annotations

import pytest
from markupsafe import escape

from analytics.item_report import item_statistics, load_answers
from analytics.report import service
from tests.integration.test_report_sector import INSTRUMENT, population  # noqa: F401


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_sector_report_shows_item_statistics(database, library, population, lang):  # noqa: F811
    instrument = library.get(INSTRUMENT)
    with database.session() as s:
        shown = item_statistics(load_answers(s, instrument, synthetic=False), instrument, lang)
        content, _, _ = service.build_sector_report(
            s, library, instrument_id=INSTRUMENT, format="html", lang=lang
        )
    page = content.decode()
    start = page.index('id="items"')
    section = page[start : page.index("</section>", start)]
    title = {"en": "How well the questions measure", "nl": "Hoe goed de vragen meten"}[lang]
    assert title in section
    assert shown.dimensions
    for row in shown.dimensions:
        assert str(escape(row.title)) in section
        assert row.icc1.organisations == 13
        if row.icc1.value is not None:
            assert f'{row.icc1.value:.2f} <span class="muted">(13)</span>' in section
    assert any(row.icc1.value is not None for row in shown.dimensions)
    assert len(shown.items) == sum(str(escape(item.text)) in section for item in shown.items)
