"""The integrity office's data export: statistics per group and shared named scores.

The rows are :func:`analytics.service.export_scores`; this module only writes them
as CSV, XLSX or Parquet. Text cells are written as text: in the workbook never as a
formula, and in the CSV a cell that a spreadsheet would read as a formula (leading
``=``, ``+``, ``-``, ``@``, tab or carriage return) is prefixed with an apostrophe.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Annotated, Literal

import polars as pl
import xlsxwriter
from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import Parameter
from sqlalchemy.orm import Session

from analytics import export_filters, service
from analytics.service import BenchmarkCache
from survey.services import audit
from web import downloads
from web.auth import require_office
from web.controllers.api.openapi import DATABASE, LIMITED, documented_as, errors
from web.controllers.api.schemas import BEARER, Text
from web.dependencies import OfficeCaller
from web.security import TOKEN_LIMIT

ExportFormat = Literal["csv", "xlsx", "parquet"]
FORMATS: tuple[str, ...] = ("csv", "xlsx", "parquet")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
FORMULA_PATTERN = r"^[=+\-@\t\r]"
SHEET = "scores"


def filename(export_format: str, today: datetime | None = None) -> str:
    day = (today or datetime.now(UTC)).date().isoformat()
    return f"smbench-scores-{day}.{export_format}"


def _text_safe(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(FORMULA_PATTERN))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c, dtype in frame.schema.items()
        if dtype == pl.String
    )


def _xlsx(frame: pl.DataFrame) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "remove_timezone": True})
    sheet = book.add_worksheet(SHEET)
    bold = book.add_format({"bold": True})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for col, name in enumerate(frame.columns):
        sheet.write_string(0, col, name, bold)
    for r, row in enumerate(frame.iter_rows(), start=1):
        for col, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_boolean(r, col, value)
            elif isinstance(value, int | float):
                sheet.write_number(r, col, value)
            elif isinstance(value, datetime):
                sheet.write_datetime(r, col, value, stamp)
            else:
                sheet.write_string(r, col, str(value))
    sheet.autofilter(0, 0, max(frame.height, 1), max(frame.width - 1, 0))
    sheet.freeze_panes(1, 0)
    book.close()
    return out.getvalue()


def encode(frame: pl.DataFrame, export_format: str) -> bytes:
    """The export as a file of ``export_format`` (csv, xlsx or parquet)."""
    if export_format == "csv":
        return _text_safe(frame).write_csv().encode("utf-8")
    if export_format == "xlsx":
        return _xlsx(frame)
    if export_format == "parquet":
        out = io.BytesIO()
        frame.write_parquet(out)
        return out.getvalue()
    raise ValueError(f"unknown export format '{export_format}'")


def detail(frame: pl.DataFrame, export_format: str) -> str:
    """What the audit log says about a scores export: its format and size, not its rows."""
    return f"scores export as {export_format}, {frame.height} rows"


def download(frame: pl.DataFrame, export_format: str) -> Response[bytes]:
    """The export as an attachment with its media type and file name."""
    return Response(
        encode(frame, export_format),
        media_type=MEDIA_TYPES[export_format],
        headers={"Content-Disposition": f'attachment; filename="{filename(export_format)}"'},
    )


class ExportController(Controller):
    path = "/api/exports"
    tags = ["exports"]
    guards = [require_office]
    opt = TOKEN_LIMIT
    security = BEARER

    @get(
        "/scores",
        summary="Scores export (integrity office): CSV, XLSX or Parquet",
        description="One row per peer group × instrument version × dimension with its "
        "statistics (a suppressed group carries its count only), and one row per "
        "dimension for each organisation that chose to share its named results (scores "
        "resting on too few respondents left out). The filters narrow it as the office "
        "dashboard does (analytics/export_filters.py); demo (synthetic) rows only with "
        "`demo=true`, and then only they. The file is CSV, XLSX or Parquet (`format`), "
        "as an attachment.",
        media_type=MEDIA_TYPES["csv"],
        operation_class=documented_as(list(MEDIA_TYPES.values())),
        responses=errors(401, 422, LIMITED, DATABASE),
        sync_to_thread=True,
    )
    def scores(
        self,
        db: NamedDependency[Session],
        benchmarks: NamedDependency[BenchmarkCache],
        office: OfficeCaller,
        request: Request,
        format: Annotated[ExportFormat, Parameter(description="File format")] = "csv",
        instrument: Annotated[Text | None, Parameter(description="Instrument id")] = None,
        version: Annotated[Text | None, Parameter(description="Instrument version")] = None,
        sector: Annotated[Text | None, Parameter(description="Sector id")] = None,
        size_band: Annotated[Text | None, Parameter(description="Size band id")] = None,
        country: Annotated[Text | None, Parameter(description="Country code")] = None,
        year: Annotated[int | None, Parameter(description="Year of closing", ge=2000)] = None,
        demo: Annotated[bool, Parameter(description="Demo data instead of real")] = False,
    ) -> Response[bytes]:
        filters = export_filters.checked(
            export_filters.ExportFilters(
                instrument, version, sector, size_band, country, year, demo
            )
        )
        frame = export_filters.apply(service.export_scores(db, cache=benchmarks), filters)
        downloads.record(
            db, request, office, audit.EXPORT, target="scores", detail=detail(frame, format)
        )
        return download(frame, format)
