"""The report file formats and their media types (light: imported by the CLI)."""

from __future__ import annotations

MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
ROUND_FORMATS = ("html", "pdf", "xlsx", "csv")
SECTOR_FORMATS = ("html", "pdf")
