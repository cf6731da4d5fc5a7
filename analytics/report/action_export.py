"""The agreed actions as a table: for the report's spreadsheet and the action plan's CSV
download. Headings and labels in the report's language, figures rounded as printed,
the machine id last."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from analytics.report.content import score_text
from analytics.report.followup import AgreedRow, FollowUp
from survey.i18n import Translator


def signed(change: float | None) -> str:
    """A change as printed: whole points with their sign ("+12", "−3", "0")."""
    if change is None:
        return ""
    text = score_text(abs(change))
    if text == "0":
        return "0"
    return ("+" if change > 0 else "−") + text


def _headings(t: Translator) -> tuple[str, ...]:
    return (
        t("Round"),
        t("Action"),
        t("Topics"),
        t("Owner"),
        t("Due date"),
        t("Status"),
        t("Note"),
        t("Change"),
        t("Action id"),
    )


def change_text(row: AgreedRow) -> str:
    """The change of an action's topics in one line ("Culture +12; Rules 0")."""
    if not row.changes:
        return row.note_on_change
    return "; ".join(
        f"{c.topic} {signed(c.change)}" if c.change is not None else f"{c.topic} –"
        for c in row.changes
    )


def table(report: FollowUp, t: Translator) -> tuple[tuple[str, ...], list[list[Any]]]:
    """The agreed actions, this round's first, then the carried ones: headings in the
    report's language, the machine id last."""
    rows = [
        [
            row.round_label,
            row.title,
            ", ".join(row.topics),
            row.owner,
            row.due,
            row.status,
            row.note,
            change_text(row),
            row.action_id,
        ]
        for row in [*report.agreed, *report.carried]
    ]
    return _headings(t), rows


def actions_csv(report: FollowUp, t: Translator) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    headings, rows = table(report, t)
    writer.writerow(headings)
    for row in rows:
        writer.writerow(
            ["" if v is None else v.isoformat() if isinstance(v, date) else v for v in row]
        )
    return out.getvalue().encode("utf-8")


def write_sheet(book: Any, report: FollowUp | None, t: Translator, bold: Any, wrap: Any) -> None:
    """The agreed actions (this round's, then the carried ones) as a worksheet."""
    sheet = book.add_worksheet(t("Agreed actions")[:31])
    date_format = book.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
    headings, rows = table(report or FollowUp([], [], []), t)
    widths = (16, 48, 30, 24, 12, 14, 40, 30, 38)
    for col, (heading, width) in enumerate(zip(headings, widths, strict=True)):
        sheet.write(0, col, heading, bold)
        sheet.set_column(col, col, width, wrap)
    for n, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(n, col, value, date_format)
            else:
                sheet.write(n, col, value or None, wrap)
    sheet.freeze_panes(1, 0)
