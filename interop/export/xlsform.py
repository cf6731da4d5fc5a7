"""An XLSForm workbook (``survey``, ``choices``, ``settings``) for KoboToolbox and ODK.

Both languages are label columns (``label::English (en)``, ``label::Nederlands (nl)``);
``default_language`` is the chosen one. Each dimension is a group, each item a
``select_one`` of its own choice list (the codebook's answer codes as choice names);
for a routed instrument the ``relevant`` column shows an item only to the roles it is
asked of. A ``calculate`` field ``INSTRUMENT`` stores the instrument id and version in
every submission. The workbook converts with ``pyxform`` (tested).
"""

from __future__ import annotations

import io
import re

import xlsxwriter

from instruments import Instrument
from interop.codebook import MARKER_CODE, ROLE_CODE, ROLE_QUESTION, Codebook, codebook
from interop.export.limesurvey import ABOUT_YOU

LANGUAGE_NAMES = {"en": "English (en)", "nl": "Nederlands (nl)"}
ROLE_LIST = "roles"


def label_columns(kind: str = "label") -> list[str]:
    return [f"{kind}::{LANGUAGE_NAMES[lang]}" for lang in ("en", "nl")]


def xml_name(text: str) -> str:
    """``text`` as an XML name: letters, digits, ``_``, ``-``, ``.``; never a leading digit."""
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", text)
    return name if re.match(r"[A-Za-z_]", name) else f"_{name}"


def relevant(book: Codebook, roles: tuple[str, ...]) -> str:
    codes = book.role_codes(roles)
    if not roles or len(codes) == len(book.roles):
        return ""
    return " or ".join(f"selected(${{{ROLE_CODE}}}, '{code}')" for code in codes)


def _survey(instrument: Instrument, book: Codebook) -> list[list[str]]:
    rows = [
        ["calculate", MARKER_CODE, "", "", "", "", f"'{book.marker}'"],
        ["begin_group", "about_you", ABOUT_YOU.en, ABOUT_YOU.nl, "", "", ""],
        [f"select_one {ROLE_LIST}", ROLE_CODE, ROLE_QUESTION.en, ROLE_QUESTION.nl, "yes", "", ""],
        ["end_group", "", "", "", "", "", ""],
    ]
    for dimension in instrument.dimensions:
        rows.append(
            [
                "begin_group",
                xml_name(dimension.id),
                dimension.title.en,
                dimension.title.nl,
                "",
                "",
                "",
            ]
        )
        for q in (q for q in book.questions if q.dimension_id == dimension.id):
            rows.append(
                [
                    f"select_one {q.code}",
                    q.code,
                    q.text.en,
                    q.text.nl,
                    "yes",
                    relevant(book, q.roles),
                    "",
                ]
            )
        rows.append(["end_group", "", "", "", "", "", ""])
    return rows


def _choices(book: Codebook) -> list[list[str]]:
    rows = [[ROLE_LIST, r.code, r.label.en, r.label.nl] for r in book.roles]
    for q in book.questions:
        rows.extend([q.code, a.code, a.label.en, a.label.nl] for a in q.answers)
    return rows


def _sheet(book: xlsxwriter.Workbook, name: str, header: list[str], rows: list[list[str]]) -> None:
    sheet = book.add_worksheet(name)
    sheet.write_row(0, 0, header)
    for number, row in enumerate(rows, start=1):
        sheet.write_row(number, 0, row)


def workbook(instrument: Instrument, lang: str) -> bytes:
    book = codebook(instrument)
    out = io.BytesIO()
    workbook_ = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    _sheet(
        workbook_,
        "survey",
        ["type", "name", *label_columns(), "required", "relevant", "calculation"],
        _survey(instrument, book),
    )
    _sheet(workbook_, "choices", ["list_name", "name", *label_columns()], _choices(book))
    _sheet(
        workbook_,
        "settings",
        ["form_title", "form_id", "version", "default_language"],
        [
            [
                f"{instrument.title.get(lang)} ({book.marker})",
                xml_name(f"{instrument.id}_{instrument.version}"),
                instrument.version,
                LANGUAGE_NAMES[lang],
            ]
        ],
    )
    workbook_.close()
    return out.getvalue()
