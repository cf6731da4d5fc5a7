"""Reading a list of people to invite: pasted text, CSV or XLSX, with one clear error
per problem (line and value named) so that nothing is half-imported.

Problems are raised as `ListRefused`, whose `problems` carry a code, the line and the
value; its message is the English text (the API's ``detail``), and pages show each
problem in the reader's language.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass

from openpyxl import load_workbook

from instruments import vocabularies
from survey.errors import InvalidInput
from survey.i18n import LANGUAGES, N_, Translator

MAX_PEOPLE = 2000
MAX_PROBLEMS_SHOWN = 10
EMAIL = re.compile(r"^[^@\s,;<>\"\x00]+@[^@\s,;<>\"\x00]+\.[^@\s,;<>\"\x00]+$")
HEADERS = {
    "email": {"email", "e-mail", "mail", "address", "e-mailadres", "emailadres", "adres"},
    "role": {"role", "rol"},
    "lang": {"lang", "language", "taal"},
}


PROBLEMS = {
    "not_utf8": N_(
        "The file is not UTF-8 text. Save it as 'CSV UTF-8' (or as .xlsx) and try again."
    ),
    "not_xlsx": N_(
        "This is not a readable .xlsx file. Save it from your spreadsheet as .xlsx or CSV."
    ),
    "too_large": N_("The file is too large: at most %(value)s kB."),
    "empty": N_("The list is empty: give one e-mail address and role per line."),
    "too_many": N_("At most %(value)s people per list."),
    "columns": N_(
        "The first line names columns but not: %(value)s. Name them email and role "
        "(and optionally lang)."
    ),
    "two_columns": N_(
        "Each line needs an e-mail address and a role, separated by a comma "
        "(or columns named email and role)."
    ),
    "email": N_("line %(line)s: '%(value)s' is not an e-mail address"),
    "role": N_("line %(line)s: unknown role '%(value)s' (use one of: %(roles)s)"),
    "lang": N_("line %(line)s: unknown language '%(value)s' (use %(languages)s)"),
    "more": N_("and %(value)s more"),
}


@dataclass(frozen=True)
class Problem:
    """What is wrong (a key of ``PROBLEMS``), on which line, with which value."""

    code: str
    line: int | None = None
    value: str = ""

    def text(self, lang: str) -> str:
        """The problem in ``lang``, line and value filled in."""
        return Translator(lang).gettext(
            PROBLEMS[self.code],
            line=self.line,
            value=self.value,
            roles=role_ids(),
            languages=", ".join(LANGUAGES),
        )


class ListRefused(InvalidInput):
    """The list was refused as a whole; nothing of it was saved."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        texts = [p.text("en") for p in problems]
        line_problems = any(p.line is not None for p in problems)
        message = ("Nothing was imported: " if line_problems else "") + "; ".join(texts)
        super().__init__(message + ("." if line_problems else ""), "list")


def role_ids() -> str:
    return ", ".join(vocabularies().roles.ids())


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
        raise ListRefused([Problem("not_utf8")]) from exc
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
        raise ListRefused([Problem("not_xlsx")]) from exc
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
    """Check every row; raise one `ListRefused` that lists the problems found.

    A first row naming the columns (email, role, optionally lang) may come in any
    order; without it (or without ``detect_header``) the columns are email, role, lang.
    Repeated addresses count once.
    """
    if not rows:
        raise ListRefused([Problem("empty")])
    if detect_header:
        columns, body, first_line = _columns(rows)
    else:
        columns, body, first_line = {"email": 0, "role": 1, "lang": 2}, rows, 1
    if len(body) > MAX_PEOPLE:
        raise ListRefused([Problem("too_many", value=str(MAX_PEOPLE))])
    roles = vocabularies().roles
    problems: list[Problem] = []
    people: dict[str, Person] = {}
    for number, row in enumerate(body, start=first_line):

        def cell(name: str, row: list[str] = row) -> str:
            index = columns.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        email, role, lang = cell("email"), cell("role").lower(), cell("lang").lower()
        lang = lang or default_lang
        if not EMAIL.match(email):
            problems.append(Problem("email", number, email))
        if role not in roles:
            problems.append(Problem("role", number, role))
        if lang not in LANGUAGES:
            problems.append(Problem("lang", number, lang))
        people.setdefault(email.lower(), Person(email, role, lang))
    if problems:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        if len(problems) > len(shown):
            shown.append(Problem("more", value=str(len(problems) - len(shown))))
        raise ListRefused(shown)
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
            raise ListRefused([Problem("columns", value=", ".join(missing))])
        return named, rows[1:], 2
    if len(rows[0]) < 2:
        raise ListRefused([Problem("two_columns")])
    return {"email": 0, "role": 1, "lang": 2}, rows, 1
