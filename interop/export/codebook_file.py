"""The codebook as CSV or XLSX: one row per answer option, plus the role question.

It documents the codes of every export and doubles as the mapping for any other
tool: edit ``code``, ``answer_code``, ``text_*`` or ``label_*`` to match a survey
built by hand, and give the file to ``survey analyse --mapping``. ``instrument`` and
``version`` are on every row; ``score`` is the option's score (empty for "don't
know" and "not applicable"); ``roles`` lists the roles asked the item (empty: all).
"""

from __future__ import annotations

import csv
import io

import xlsxwriter

from instruments import Instrument
from interop.codebook import ROLE_CODE, ROLE_QUESTION, codebook

COLUMNS = (
    "instrument",
    "version",
    "code",
    "item",
    "dimension",
    "weight",
    "roles",
    "text_en",
    "text_nl",
    "answer_code",
    "answer",
    "kind",
    "score",
    "label_en",
    "label_nl",
)


def rows(instrument: Instrument) -> list[dict[str, str]]:
    book = codebook(instrument)
    common = {"instrument": book.instrument_id, "version": book.version}
    found = [
        {
            **common,
            "code": ROLE_CODE,
            "text_en": ROLE_QUESTION.en,
            "text_nl": ROLE_QUESTION.nl,
            "answer_code": role.code,
            "answer": role.role,
            "kind": "role",
            "label_en": role.label.en,
            "label_nl": role.label.nl,
        }
        for role in book.roles
    ]
    for q in book.questions:
        found.extend(
            {
                **common,
                "code": q.code,
                "item": q.item_id,
                "dimension": q.dimension_id,
                "weight": f"{q.weight:g}",
                "roles": " ".join(q.roles),
                "text_en": q.text.en,
                "text_nl": q.text.nl,
                "answer_code": a.code,
                "answer": a.value,
                "kind": a.kind.value,
                "score": "" if a.score is None else f"{a.score:g}",
                "label_en": a.label.en,
                "label_nl": a.label.nl,
            }
            for a in q.answers
        )
    return found


def csv_bytes(instrument: Instrument, lang: str) -> bytes:
    """UTF-8 with a byte order mark, so that spreadsheet programs read the accents."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, restval="", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows(instrument))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx(instrument: Instrument, lang: str) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("codebook")
    sheet.write_row(0, 0, COLUMNS)
    for number, row in enumerate(rows(instrument), start=1):
        sheet.write_row(number, 0, [row.get(c, "") for c in COLUMNS])
    sheet.freeze_panes(1, 0)
    book.close()
    return out.getvalue()
