"""Plain long files: one row per answer (CSV, XLSX or Parquet).

Columns (names in any case): ``organisation`` (optional: else ``--organisation`` or
the file name), ``respondent`` (or ``response``), ``role``, ``item`` (item id or
question code), and the answer as ``answer`` (code, option value or label) and/or
``score`` with an optional ``kind`` (``dont_know``, ``not_applicable``); optional
``instrument`` and ``version`` columns must name the instrument version read. A
score must be one of the item's option scores.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from instruments import InstrumentLibrary
from instruments.schema import OptionKind
from interop.codebook import AnswerCode, marker
from interop.ingest.choose import choose_codebook
from interop.ingest.model import CANONICAL_SCHEMA, Counts, ReadOptions, ReadResult
from interop.ingest.problems import Problems
from interop.ingest.resolve import ORGANISATION_NAMES, AnswerIndex, ColumnIndex, RoleIndex, is_empty
from interop.ingest.table import Table, parse_number
from interop.ingest.wide import no_answer
from interop.vocab import normal

NAMES = {
    "organisation": ORGANISATION_NAMES,
    "respondent": ("respondent", "respondent_id", "response", "response_id"),
    "role": ("role", "rol"),
    "instrument": ("instrument", "instrument_id"),
    "version": ("version", "instrument_version"),
    "item": ("item", "item_id"),
    "answer": ("answer", "option", "option_value", "code", "answer_code", "value"),
    "score": ("score",),
    "kind": ("kind",),
}
REQUIRED = ("respondent", "role", "item")


def _positions(table: Table, problems: Problems) -> dict[str, int]:
    names = [normal(h) for h in table.header]
    found = {}
    for key, candidates in NAMES.items():
        for candidate in candidates:
            if normal(candidate) in names:
                found[key] = names.index(normal(candidate))
                break
    for key in REQUIRED:
        if key not in found:
            problems.add("missing column", table.header_place, key)
    if "answer" not in found and "score" not in found:
        problems.add("missing column: give 'answer' or 'score'", table.header_place, "answer")
    return found


def _by_kind(index: AnswerIndex, kind: str) -> AnswerCode | None:
    return next((a for a in index.question.answers if a.kind.value == kind), None)


def read_long(
    path: Path, table: Table, library: InstrumentLibrary, options: ReadOptions
) -> ReadResult:
    problems = Problems(path)
    at = _positions(table, problems)
    problems.raise_any()

    def cell(r: int, key: str) -> str:
        return table.cell(r, at[key]).strip() if key in at else ""

    rows = range(len(table.rows))
    file_marker = None
    if "instrument" in at and rows:
        version = cell(0, "version")
        file_marker = marker(cell(0, "instrument"), version) if version else cell(0, "instrument")
    book, instrument = choose_codebook(
        path, library, options, file_marker, table.places[0] if rows else None, "instrument"
    )
    columns = ColumnIndex(book)
    roles = RoleIndex(book)
    indexes: dict[str, AnswerIndex] = {}
    counts = Counts()
    found: list[tuple[object, ...]] = []
    first_role: dict[str, tuple[str, str]] = {}
    seen: dict[tuple[str, str], str] = {}
    for r in rows:
        place = table.places[r]
        if ("instrument" in at and cell(r, "instrument") != book.instrument_id) or (
            "version" in at and cell(r, "version") != book.version
        ):
            written = (
                marker(cell(r, "instrument"), cell(r, "version"))
                if "version" in at
                else cell(r, "instrument")
            )
            problems.add(
                f"answers to '{written}', another instrument or version than {book.marker}",
                place,
                "instrument",
            )
            continue
        organisation = (
            cell(r, "organisation") if "organisation" in at else options.organisation or path.stem
        )
        respondent = cell(r, "respondent")
        if not organisation or not respondent:
            problems.add(
                "empty value",
                place,
                "organisation" if not organisation else table.header[at["respondent"]],
            )
            continue
        role_raw = cell(r, "role")
        if is_empty(role_raw):
            problems.add("a respondent without a role", place, table.header[at["role"]])
            continue
        role = roles.find(role_raw)
        if role is None:
            problems.add(roles.problem(role_raw), place, table.header[at["role"]])
            continue
        who = f"{organisation}\x1f{respondent}"
        earlier = first_role.setdefault(who, (role, place))
        if earlier[0] != role:
            problems.add(
                f"respondent '{respondent}' has role '{earlier[0]}' at {earlier[1]}",
                place,
                table.header[at["role"]],
            )
            continue
        column = columns.find(cell(r, "item"))
        if column is None or column.question is None:
            problems.add(
                f"no item '{cell(r, 'item')}' in {book.marker}", place, table.header[at["item"]]
            )
            continue
        question = column.question
        index = indexes.setdefault(question.item_id, AnswerIndex(question, scores=True))
        answer, where, raw = None, "answer", cell(r, "answer")
        if raw:
            answer = index.find(raw)
        elif cell(r, "score"):
            where, raw = "score", cell(r, "score")
            answer = index.find(raw) if parse_number(raw) is not None else None
        elif cell(r, "kind") in (OptionKind.DONT_KNOW.value, OptionKind.NOT_APPLICABLE.value):
            where, raw = "kind", cell(r, "kind")
            answer = _by_kind(index, raw)
            if answer is None:
                problems.add(f"item '{question.item_id}' does not offer '{raw}'", place, "kind")
                continue
        else:
            problems.add("no answer (give an answer, a score or a kind)", place, "answer")
            continue
        if answer is None:
            problems.add(no_answer(raw, index), place, table.header[at[where]])
            continue
        kind = cell(r, "kind")
        if kind and kind != answer.kind.value:
            problems.add(
                f"kind '{kind}' does not fit the answer '{raw}' ({answer.kind.value})",
                place,
                "kind",
            )
            continue
        first = seen.setdefault((who, question.item_id), place)
        if first != place:
            problems.add(
                f"item '{question.item_id}' answered twice by '{respondent}' (first at {first})",
                place,
                table.header[at["item"]],
            )
            continue
        if not question.asked_of(role):
            counts.not_asked += 1
            continue
        found.append(
            (
                organisation,
                f"{path.name}#{organisation}/{respondent}",
                role,
                book.instrument_id,
                book.version,
                question.item_id,
                answer.value,
                answer.score,
                answer.kind.value,
            )
        )
    problems.raise_any()
    counts.responses = len(first_role)
    source = (
        "column" if "organisation" in at else ("option" if options.organisation else "file name")
    )
    return ReadResult(
        path,
        pl.DataFrame(found, schema=CANONICAL_SCHEMA, orient="row"),
        instrument,
        "long",
        table.encoding,
        table.delimiter,
        counts.responses,
        0,
        counts.not_asked,
        source,
    )
