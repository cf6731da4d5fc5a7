"""Reading a list of people to invite: pasted text, CSV or XLSX, with one clear error
per problem (row and column named) so that nothing is half-imported."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass

from openpyxl import load_workbook

from instruments import LANGUAGES, vocabularies
from survey.errors import InvalidInput

MAX_PEOPLE = 2000
MAX_PROBLEMS_SHOWN = 10
EMAIL = re.compile(r"^[^@\s,;<>\"\x00]+@[^@\s,;<>\"\x00]+\.[^@\s,;<>\"\x00]+$")
HEADERS = {
    "email": {"email", "e-mail", "mail", "address", "e-mailadres", "emailadres", "adres"},
    "role": {"role", "rol"},
    "lang": {"lang", "language", "taal"},
}


@dataclass(frozen=True)
class Person:
    email: str
    role: str
    lang: str


def read_upload(data: bytes, filename: str) -> list[list[str]]:
    """The rows of an uploaded .csv, .txt or .xlsx file (the first sheet)."""
    if filename.lower().endswith(".xlsx"):
        return _xlsx_rows(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            "The file is not UTF-8 text. Save it as 'CSV UTF-8' (or as .xlsx) and try again.",
            "file",
        ) from exc
    return read_text(text)


def read_text(text: str) -> list[list[str]]:
    """Rows of pasted or uploaded text; each line separated by tabs, semicolons or commas
    (the first of these it contains), so lines pasted from different sources may mix."""
    rows: list[list[str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        delimiter = next((d for d in "\t;," if d in line), ",")
        rows.extend(
            [cell.strip() for cell in row] for row in csv.reader([line], delimiter=delimiter)
        )
    return rows


def _xlsx_rows(data: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InvalidInput(
            "This is not a readable .xlsx file. Save it from your spreadsheet as .xlsx or CSV.",
            "file",
        ) from exc
    sheet = workbook.worksheets[0]
    rows = [
        ["" if cell is None else str(cell).strip() for cell in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    workbook.close()
    return [row for row in rows if any(row)]


def people_from_rows(
    rows: list[list[str]], default_lang: str, *, detect_header: bool = True
) -> list[Person]:
    """Check every row; raise one InvalidInput that lists the problems found.

    A first row naming the columns (email, role, optionally lang) may come in any
    order; without it (or without ``detect_header``) the columns are email, role, lang.
    Repeated addresses count once.
    """
    if not rows:
        raise InvalidInput("The list is empty: give one e-mail address and role per line.", "list")
    if detect_header:
        columns, body, first_line = _columns(rows)
    else:
        columns, body, first_line = {"email": 0, "role": 1, "lang": 2}, rows, 1
    if len(body) > MAX_PEOPLE:
        raise InvalidInput(f"At most {MAX_PEOPLE} people per list.", "list")
    roles = vocabularies().roles
    problems: list[str] = []
    people: dict[str, Person] = {}
    for number, row in enumerate(body, start=first_line):

        def cell(name: str, row: list[str] = row) -> str:
            index = columns.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        email, role, lang = cell("email"), cell("role").lower(), cell("lang").lower()
        lang = lang or default_lang
        if not EMAIL.match(email):
            problems.append(f"line {number}: '{email}' is not an e-mail address")
        if role not in roles:
            problems.append(
                f"line {number}: unknown role '{role}' (use one of: {', '.join(roles.ids())})"
            )
        if lang not in LANGUAGES:
            problems.append(f"line {number}: unknown language '{lang}' (use en or nl)")
        people.setdefault(email.lower(), Person(email, role, lang))
    if problems:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        suffix = f"; and {more} more" if more else ""
        raise InvalidInput("Nothing was imported: " + "; ".join(shown) + suffix + ".", "list")
    return list(people.values())


def _columns(rows: list[list[str]]) -> tuple[dict[str, int], list[list[str]], int]:
    """The index of each column, the data rows and the line number of the first one."""
    header = [cell.strip().lower() for cell in rows[0]]
    named = {
        name: header.index(found)
        for name, aliases in HEADERS.items()
        for found in header
        if found in aliases
    }
    if named:
        missing = [name for name in ("email", "role") if name not in named]
        if missing:
            raise InvalidInput(
                f"The first line names columns but not {' and '.join(missing)}: "
                "name them email and role (and optionally lang).",
                "list",
            )
        return named, rows[1:], 2
    if len(rows[0]) < 2:
        raise InvalidInput(
            "Each line needs an e-mail address and a role, separated by a comma "
            "(or columns named email and role).",
            "list",
        )
    return {"email": 0, "role": 1, "lang": 2}, rows, 1
