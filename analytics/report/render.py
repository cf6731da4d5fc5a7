"""Rendering report models: HTML, PDF (WeasyPrint), XLSX (xlsxwriter) and CSV.

HTML and PDF come from the same Jinja2 templates (``templates/report/``, one base
layout, autoescape on), with the stylesheet and every chart inlined: charts are SVG
made by the same Altair builders as the pages (:mod:`analytics.charts`, rendered by
:func:`analytics.render.to_svg`). The PDF engine gets a URL fetcher that refuses
every URL, so a report can never load anything from the network or the disk.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import xlsxwriter
from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.css.counters import CounterStyle
from weasyprint.urls import URLFetcher

from analytics.report.action_export import signed, write_sheet
from analytics.report.content import rate_text, score_text
from analytics.report.model import ImprovementReport
from analytics.report.sector import SectorReport, score_threshold
from survey import scoring
from survey.disclosure.roles import MIN_ROLE_GROUP
from survey.i18n import N_, Translator

# WeasyPrint logs each step of every render at INFO: seven lines a PDF in the server log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

TEMPLATES = Path(__file__).parent / "templates"
USER_AGENT_CSS = Path(__file__).parent / "user_agent.css"
STATUSES = {"open": N_("open"), "in_progress": N_("in progress"), "done": N_("done")}
ID_COLUMNS = ("instrument_id", "dimension_id")  # machine ids: the last columns of an export


class RefusingFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that fetches nothing: network, files and data URLs alike.

    ``refused`` lists every URL the engine asked for (a report should ask for none).
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=(), fail_on_errors=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> Any:
        self.refused.append(url)
        raise PermissionError(f"report rendering fetches nothing (refused {url[:80]!r})")


@cache
def user_agent_stylesheet() -> CSS:
    """The trimmed user-agent stylesheet (``user_agent.css``), parsed once per process."""
    return CSS(string=USER_AGENT_CSS.read_text(encoding="utf-8"), counter_style=CounterStyle())


class ReportHTML(HTML):
    """A WeasyPrint document with the report's own user-agent stylesheet.

    WeasyPrint matches all 250 rules of its HTML5 user-agent stylesheet against every
    element, the charts' SVG elements included; ours keeps the few rules the report
    templates need, and the PDF looks the same. WeasyPrint asks for its user-agent
    stylesheets through the private ``_ua_stylesheets``; ``tests/unit/
    test_report_render.py`` fails if that hook changes.
    """

    def _ua_stylesheets(self, forms: bool | None = False) -> list[CSS]:
        return [user_agent_stylesheet()]


# --- templates ---------------------------------------------------------------------------


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["score"] = score_text
    env.filters["rate"] = rate_text
    env.filters["signed"] = signed
    env.filters["clock"] = lambda minutes: f"{minutes // 60}:{minutes % 60:02d}"
    return env


@cache
def stylesheet() -> str:
    return (TEMPLATES / "report" / "report.css").read_text(encoding="utf-8")


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (only our own message texts get here)."""
    escaped = "".join(ch if ch.isalnum() or ch in " .,:-" else f"\\{ord(ch):x} " for ch in text)
    return f'"{escaped}"'


def page_css(t: Translator) -> str:
    """The print stylesheet's page rules: A4, running header, page x of y."""
    page = _css_string(t("Page") + " ")
    of = _css_string(" " + t("of") + " ")
    return f"""
@page {{
  size: A4;
  margin: 20mm 16mm 18mm 16mm;
  @top-left {{ content: string(running); font-size: 8pt; color: #5b6475; }}
  @top-right {{ content: string(section); font-size: 8pt; color: #5b6475; }}
  @bottom-right {{ content: {page} counter(page) {of} counter(pages); font-size: 8pt; color: #5b6475; }}
}}
@page :first {{ @top-left {{ content: none; }} @top-right {{ content: none; }} }}
"""


def _long_date(lang: str) -> Callable[[date], str]:
    return lambda value: format_date(value, format="long", locale=lang)


def render_template(
    name: str,
    *,
    lang: str,
    medium: str,
    charts: Mapping[Any, Markup] | None = None,
    **context: Any,
) -> str:
    """Render ``report/<name>`` for ``medium`` "screen" or "print" in ``lang``."""
    t = Translator(lang)
    env = environment()
    template = env.get_template(f"report/{name}")
    css = stylesheet() + (page_css(t) if medium == "print" else "")
    return template.render(
        t=t,
        lang=lang,
        medium=medium,
        css=Markup(css),  # noqa: S704 - our own stylesheet, no user text
        charts=charts or {},
        longdate=_long_date(lang),
        **context,
    )


def sample_html() -> str:
    """A one-line document in the report's stylesheet, its regular and bold text: its
    PDF loads the fonts and the user-agent stylesheet."""
    page = render_template("base.html", lang="en", medium="print")
    return page.replace("</main>", "<p>Aa <strong>Aa</strong></p></main>")


def html_to_pdf(html: str, fetcher: RefusingFetcher | None = None) -> bytes:
    """The PDF of a self-contained HTML document; nothing is fetched."""
    fetcher = fetcher or RefusingFetcher()
    document = ReportHTML(string=html, base_url=None, url_fetcher=fetcher)
    pdf = document.write_pdf()
    assert pdf is not None
    return pdf


# --- the improvement report ----------------------------------------------------------------


def _improvement_context(report: ImprovementReport) -> dict[str, Any]:
    return {
        "report": report,
        "awareness_threshold": rate_text(scoring.HIGH_DONT_KNOW_RATE),
        "disagreement_threshold": score_text(scoring.ROLE_DISAGREEMENT),
        "minimum_role": MIN_ROLE_GROUP,
    }


def improvement_html(
    report: ImprovementReport, *, medium: str = "screen", charts: Mapping[Any, Markup] | None = None
) -> str:
    return render_template(
        "improvement.html",
        lang=report.lang,
        medium=medium,
        charts=charts,
        **_improvement_context(report),
    )


def improvement_pdf(
    report: ImprovementReport,
    *,
    charts: Mapping[Any, Markup] | None = None,
    fetcher: RefusingFetcher | None = None,
) -> bytes:
    return html_to_pdf(improvement_html(report, medium="print", charts=charts), fetcher)


def _score_headings(t: Translator) -> tuple[str, ...]:
    """The score export's headings in the report's language; the machine ids last."""
    return (
        t("Instrument"),
        t("Dimension"),
        t("Score (0–100)"),
        t("Level (1–5)"),
        t("Don't know (%)"),
        t("Respondents"),
        *ID_COLUMNS,
    )


def _whole(value: float | None) -> int | None:
    """A 0–100 figure rounded as the report and the pages print it."""
    return None if value is None else int(score_text(value))


def _percent(rate: float | None) -> int | None:
    """A rate (0–1) as the whole percentage the report and the pages print."""
    return None if rate is None else int(score_text(100 * rate))


def scores_csv(report: ImprovementReport) -> bytes:
    """One row per dimension, headed and labelled in the report's language, figures
    rounded as printed; hidden figures are empty cells; the machine ids come last."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_score_headings(Translator(report.lang)))
    for row in report.scores:
        writer.writerow(
            (
                row.instrument_title,
                row.dimension_title,
                _blank(_whole(row.score)),
                _blank(row.level),
                _blank(_percent(row.dont_know_rate)),
                row.respondents,
                row.instrument,
                row.dimension,
            )
        )
    return out.getvalue().encode("utf-8")


def _blank(value: int | None) -> str:
    return "" if value is None else str(value)


def action_plan_xlsx(report: ImprovementReport) -> bytes:
    """The action plan (owner, deadline with date validation, status dropdown) and the
    scores, as a workbook."""
    t = Translator(report.lang)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "remove_timezone": True})
    bold = book.add_format({"bold": True, "bg_color": "#DCE6F0", "border": 1, "text_wrap": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    date_format = book.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
    number = book.add_format({"num_format": "0", "valign": "top"})

    plan = book.add_worksheet(t("Action plan")[:31])
    headers = (
        t("#"),
        t("Instrument"),
        t("Dimension"),
        t("Priority"),
        t("Recommendation"),
        t("Source"),
        t("Owner"),
        t("Deadline"),
        t("Status"),
        *ID_COLUMNS,
        "item_id",
    )
    widths = (4, 24, 24, 48, 60, 40, 18, 14, 14, 16, 16, 16)
    for col, (header, width) in enumerate(zip(headers, widths, strict=True)):
        plan.write(0, col, header, bold)
        plan.set_column(col, col, width, date_format if col == 7 else wrap)
    for n, action in enumerate(report.actions, start=1):
        plan.write_number(n, 0, action.number)
        plan.write_string(n, 1, action.instrument_title, wrap)
        plan.write_string(n, 2, action.dimension_title, wrap)
        plan.write_string(n, 3, action.text, wrap)
        plan.write(n, 4, action.recommendation or None, wrap)
        plan.write_string(n, 5, action.source, wrap)
        plan.write_blank(n, 6, None, wrap)
        plan.write_blank(n, 7, None, date_format)
        plan.write_blank(n, 8, None, wrap)
        plan.write_string(n, 9, action.instrument_id)
        plan.write_string(n, 10, action.dimension_id)
        plan.write_string(n, 11, action.item_id)
    last = max(len(report.actions), 1) + 50
    plan.data_validation(
        1,
        7,
        last,
        7,
        {
            "validate": "date",
            "criteria": "between",
            "minimum": date(2000, 1, 1),
            "maximum": date(2100, 12, 31),
            "error_title": t("Deadline"),
            "error_message": t("Enter a date, for example 2026-12-31."),
        },
    )
    plan.data_validation(
        1,
        8,
        last,
        8,
        {
            "validate": "list",
            "source": [t(label) for label in STATUSES.values()],
            "error_title": t("Status"),
            "error_message": t("Choose a status from the list."),
        },
    )
    plan.freeze_panes(1, 0)
    plan.autofilter(0, 0, max(len(report.actions), 1), len(headers) - 1)
    write_sheet(book, report.followup, t, bold, wrap)

    scores = book.add_worksheet(t("Scores")[:31])
    score_headers = _score_headings(t)
    score_headers = (*score_headers[:4], t("Level description"), *score_headers[4:])
    for col, header in enumerate(score_headers):
        scores.write(0, col, header, bold)
    scores.set_column(0, 1, 30, wrap)
    scores.set_column(2, 3, 12)
    scores.set_column(4, 4, 70, wrap)
    scores.set_column(5, 6, 14)
    scores.set_column(7, 8, 20)
    for n, row in enumerate(report.scores, start=1):
        scores.write_string(n, 0, row.instrument_title, wrap)
        scores.write_string(n, 1, row.dimension_title, wrap)
        _cell(scores, n, 2, _whole(row.score), number)
        _cell(scores, n, 3, row.level, number)
        if row.level_description:
            scores.write_string(n, 4, row.level_description, wrap)
        _cell(scores, n, 5, _percent(row.dont_know_rate), number)
        scores.write_number(n, 6, row.respondents)
        scores.write_string(n, 7, row.instrument)
        scores.write_string(n, 8, row.dimension)
    scores.freeze_panes(1, 0)
    book.close()
    return out.getvalue()


def _cell(sheet: Any, row: int, col: int, value: float | int | None, fmt: Any) -> None:
    if value is None:
        sheet.write_blank(row, col, None)
    else:
        sheet.write_number(row, col, value, fmt)


# --- the sector report ---------------------------------------------------------------------


def sector_html(
    report: SectorReport, *, medium: str = "screen", charts: Mapping[Any, Markup] | None = None
) -> str:
    return render_template(
        "sector.html",
        lang=report.lang,
        medium=medium,
        charts=charts,
        report=report,
        weak_threshold=score_threshold(),
    )


def sector_pdf(
    report: SectorReport,
    *,
    charts: Mapping[Any, Markup] | None = None,
    fetcher: RefusingFetcher | None = None,
) -> bytes:
    return html_to_pdf(sector_html(report, medium="print", charts=charts), fetcher)
