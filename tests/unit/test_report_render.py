"""Rendering without a database: escaping, the refusing URL fetcher, page rules, files,
the PDF engine's user-agent stylesheet and the garbage collector's pause."""

from __future__ import annotations

import csv
import dataclasses
import gc
import hashlib
import inspect
import io
import threading
from datetime import date
from importlib.resources import files

import pytest
import weasyprint.css
from openpyxl import load_workbook
from pypdf import PdfReader
from weasyprint import HTML

from analytics.render import collector_paused
from analytics.report import render
from analytics.report.content import improvement_report
from survey.i18n import Translator
from tests.unit.test_report_content import PROFILE, make_input, priority, results

HOSTILE = 'Gemeente <img src="http://example.com/x.png"> "&" <script>alert(1)</script>'


def model(lang: str = "en", **kwargs):
    item = "guideline.specific-policy"
    data = make_input(
        results(
            {("ctg-access", "risk"): None},
            priorities=[priority(1, "sm-maturity", item, score=20.0, lang=lang)],
            lang=lang,
            **kwargs,
        ),
        lang=lang,
    )
    data = dataclasses.replace(data, organisation=dataclasses.replace(PROFILE, name=HOSTILE))
    return improvement_report(data)


def test_user_text_is_escaped_in_html():
    page = render.improvement_html(model())
    assert "<img" not in page and "<script" not in page
    assert "Gemeente &lt;img src=&#34;http://example.com/x.png&#34;&gt; &#34;&amp;&#34;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "@page" not in page  # the screen version has no print rules


def test_print_version_has_a4_page_numbers_and_running_header():
    page = render.improvement_html(model(), medium="print")
    assert "size: A4" in page
    assert 'content: "Page " counter(page) " of " counter(pages)' in page
    assert "string(running)" in page and "string-set: running content()" in page
    assert "break-inside: avoid" in page


def test_page_words_are_translated_and_escaped_for_css():
    assert render.page_css(Translator("nl")).count('"Pagina "') == 1
    assert render._css_string('a"b\\c') == '"a\\22 b\\5c c"'


def test_pdf_engine_fetches_nothing():
    fetcher = render.RefusingFetcher()
    document = """<html><head>
      <link rel="stylesheet" href="http://example.com/x.css">
      <style>@import url("file:///etc/passwd"); body { background: url(https://example.com/bg.png); }</style>
      </head><body><p>Hello</p>
      <img src="http://example.com/x.png"><img src="file:///etc/hostname">
      <img src="data:image/png;base64,iVBORw0KGgo=">
      <svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="http://example.com/y.png" width="10" height="10"/></svg>
      </body></html>"""
    pdf = render.html_to_pdf(document, fetcher)
    assert "Hello" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    refused = set(fetcher.refused)
    assert "http://example.com/x.png" in refused
    assert "file:///etc/hostname" in refused
    assert any(url.startswith("data:image/png") for url in refused)
    assert "http://example.com/x.css" in refused
    assert "https://example.com/bg.png" in refused


def test_the_report_pdf_asks_for_no_url_at_all():
    fetcher = render.RefusingFetcher()
    pdf = render.improvement_pdf(model(), fetcher=fetcher)
    assert fetcher.refused == []
    reader = PdfReader(io.BytesIO(pdf))
    first = " ".join(reader.pages[0].extract_text().split())
    assert 'Gemeente <img src="http://example.com/x.png"> "&" <script>alert(1)</script>' in first
    last = " ".join(reader.pages[-1].extract_text().split())
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in last


def test_csv_leaves_hidden_figures_empty():
    rows = list(csv.DictReader(io.StringIO(render.scores_csv(model()).decode())))
    risk = next(
        r for r in rows if (r["instrument_id"], r["dimension_id"]) == ("ctg-access", "risk")
    )
    assert list(risk.values())[2:] == ["", "", "5", "2", "ctg-access", "risk"]
    scope = next(r for r in rows if r["dimension_id"] == "scope")
    assert scope["Score (0–100)"] == "60" and scope["Level (1–5)"] == "4"


def test_xlsx_has_validated_deadline_and_status_columns():
    book = load_workbook(io.BytesIO(render.action_plan_xlsx(model("nl"))))
    plan, agreed, scores = book.worksheets
    assert (plan.title, agreed.title, scores.title) == ("Actieplan", "Afgesproken acties", "Scores")
    assert [c.value for c in plan[1]][6:9] == ["Trekker", "Termijn", "Status"]
    assert plan.cell(2, 4).value.startswith("De organisatie heeft specifieke verwachtingen")
    assert plan.cell(2, 7).value is None and plan.cell(2, 8).value is None
    by_type = {v.type: v for v in plan.data_validations.dataValidation}
    assert str(by_type["date"].sqref).startswith("H2")
    assert by_type["date"].operator in (None, "between")  # between is the default
    assert (by_type["date"].formula1, by_type["date"].formula2) == ("36526", "73415")
    assert by_type["list"].formula1 == '"open,in uitvoering,afgerond"'
    assert str(by_type["list"].sqref).startswith("I2")
    risk = next(r for r in scores.iter_rows(min_row=2, values_only=True) if r[-1] == "risk")
    assert risk[2] is None and risk[3] is None


def test_longdate_follows_the_language():
    nl = render.improvement_html(dataclasses.replace(model("nl"), generated_on=date(2026, 3, 2)))
    assert "2 maart 2026" in nl


# --- the PDF engine's user-agent stylesheet ---------------------------------------------

# html5_ua.css of WeasyPrint 70, which user_agent.css was cut from
WEASYPRINT_UA_SHA256 = "04dd53f16888e5325d8bb8feb02462d99d03c8329da713b167b333a2ea4b91bc"


def test_weasyprint_still_has_the_user_agent_stylesheet_ours_was_cut_from():
    """A WeasyPrint upgrade that changes its rules fails here: compare html5_ua.css
    with user_agent.css, take over what the templates need, then update the hash."""
    text = (files(weasyprint.css) / "html5_ua.css").read_bytes()
    assert hashlib.sha256(text).hexdigest() == WEASYPRINT_UA_SHA256


def test_weasyprint_asks_the_document_for_its_user_agent_stylesheets():
    """``ReportHTML`` overrides a private hook: a WeasyPrint that stops calling it
    (renamed, or its signature changed) fails here instead of silently using its own."""
    calls = []

    class Spy(render.ReportHTML):
        def _ua_stylesheets(self, forms: bool | None = False):
            calls.append(forms)
            return super()._ua_stylesheets(forms)

    Spy(string="<p>x</p>").render()
    assert len(calls) == 1
    assert inspect.signature(HTML._ua_stylesheets).parameters.keys() == {"self", "forms"}


def _boxes(document) -> list[tuple]:
    """Every box of every page: its kind, place and size (to 0.01 px), in tree order."""
    found = []

    def walk(box):
        found.append(
            (
                type(box).__name__,
                round(box.position_x, 2),
                round(box.position_y, 2),
                round(box.width, 2),
                round(box.height, 2),
            )
        )
        for child in getattr(box, "children", ()):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return found


def test_the_trimmed_stylesheet_lays_the_report_out_as_weasyprint_own():
    page = render.improvement_html(model(), medium="print")
    ours = render.ReportHTML(string=page, url_fetcher=render.RefusingFetcher()).render()
    theirs = HTML(string=page, url_fetcher=render.RefusingFetcher()).render()
    assert len(ours.pages) == len(theirs.pages) > 1
    assert _boxes(ours) == _boxes(theirs)


# --- the garbage collector's pause ------------------------------------------------------


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_the_collector_is_off_during_a_render_and_on_again_after_an_error(collector_on):
    with pytest.raises(ValueError), collector_paused():
        assert not gc.isenabled()
        raise ValueError("the render failed")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(collector_on):
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_nested_and_concurrent_renders_share_one_pause(collector_on):
    inside, leave = threading.Barrier(3), threading.Event()
    seen: list[bool] = []

    def render_in_a_thread() -> None:
        with collector_paused():
            inside.wait()
            leave.wait()
            seen.append(gc.isenabled())

    threads = [threading.Thread(target=render_in_a_thread) for _ in range(2)]
    for thread in threads:
        thread.start()
    inside.wait()
    with collector_paused():  # a third render, nested in the others
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert not gc.isenabled()  # the threads still render
    leave.set()
    for thread in threads:
        thread.join()
    assert seen == [False, False]
    assert gc.isenabled()
