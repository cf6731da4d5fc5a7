"""Exports with one row per response: LimeSurvey, Qualtrics, KoboToolbox/ODK,
Microsoft Forms and plain wide files (item ids or codes as columns)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from instruments import InstrumentLibrary
from interop.codebook import Codebook
from interop.ingest.choose import choose_codebook
from interop.ingest.layouts import Layout, skip_tag_row
from interop.ingest.model import CANONICAL_SCHEMA, Counts, ReadOptions, ReadResult
from interop.ingest.problems import IngestError, Problems
from interop.ingest.resolve import AnswerIndex, Column, ColumnIndex, RoleIndex, is_empty, special
from interop.ingest.table import Table
from interop.vocab import normal


def _marker_column(table: Table) -> int | None:
    for number, header in enumerate(table.header):
        found = special(header)
        if found is not None and found.kind == "marker":
            return number
    return None


def _first_value(table: Table, rows: range, column: int | None) -> tuple[str | None, str | None]:
    if column is None:
        return None, None
    for r in rows:
        value = table.cell(r, column).strip()
        if value:
            return value, table.places[r]
    return None, None


def _columns(
    table: Table,
    layout: Layout,
    book: Codebook,
    options: ReadOptions,
    labels: list[str],
    problems: Problems,
) -> tuple[int | None, int | None, list[tuple[int, Column]]]:
    """The respondent id column, the completion column and the resolved columns."""
    index = ColumnIndex(book)
    ignore = {normal(n) for n in options.ignore}
    names = [normal(h) for h in table.header]
    respondent = next(
        (names.index(normal(n)) for n in layout.respondent if normal(n) in names), None
    )
    completion = None
    if layout.completion is not None:
        wanted = {normal(layout.completion[0])} | {
            k for k, v in layout.aliases.items() if v == layout.completion[0]
        }
        completion = next((i for i, n in enumerate(names) if n in wanted), None)
        if completion is None:
            problems.add(
                f"missing column (a {layout.name} export has it)",
                table.header_place,
                layout.completion[0],
            )
    headers = set(table.header)
    resolved: list[tuple[int, Column]] = []
    seen: dict[str, str] = {}
    source = "the mapping" if options.mapping else book.marker
    for number, header in enumerate(table.header):
        if number in (respondent, completion) or names[number] in ignore:
            continue
        if layout.is_metadata(header) or (
            layout.name == "limesurvey" and header.endswith("Time") and header[:-4] in headers
        ):
            continue
        if not header.strip():
            problems.add("a column without a header", table.header_place, f"#{number + 1}")
            continue
        label = (labels[number],) if number < len(labels) and labels[number].strip() else ()
        column = index.find(header, label)
        if column is None:
            problems.add(
                f"no question of {source} matches this column "
                "(correct the header or the mapping, or leave it out with --ignore-column)",
                table.header_place,
                header,
            )
            continue
        key = column.question.item_id if column.question else column.kind
        if key in seen:
            problems.add(
                f"a second column for {key} (the first is '{seen[key]}')",
                table.header_place,
                header,
            )
            continue
        seen[key] = header
        resolved.append((number, column))
    if "role" not in seen:
        problems.add("no role column (ROLE): every respondent needs a role", table.header_place)
    return respondent, completion, resolved


def read_wide(
    path: Path, table: Table, layout: Layout, library: InstrumentLibrary, options: ReadOptions
) -> ReadResult:
    problems = Problems(path)
    skip = skip_tag_row(table, layout)
    labels = table.rows[layout.labels_row] if layout.labels_row is not None and table.rows else []
    rows = range(skip, len(table.rows))
    marker_column = _marker_column(table)
    file_marker, marker_place = _first_value(table, rows, marker_column)
    book, instrument = choose_codebook(
        path,
        library,
        options,
        file_marker,
        marker_place,
        table.header[marker_column] if marker_column is not None else None,
    )
    if file_marker and file_marker != book.marker:
        raise IngestError.one(
            path,
            f"answers to '{file_marker}', another instrument or version than {book.marker}",
            marker_place,
            table.header[marker_column] if marker_column is not None else None,
        )
    respondent, completion, columns = _columns(table, layout, book, options, labels, problems)
    problems.raise_any()
    roles = RoleIndex(book)
    answers = {
        c.question.item_id: AnswerIndex(c.question, scores=layout.values_are_scores)
        for _, c in columns
        if c.question
    }
    by_kind = {c.kind: n for n, c in columns if c.question is None}
    organisation_source = (
        "column"
        if "organisation" in by_kind
        else ("option" if options.organisation else "file name")
    )
    counts = Counts()
    found: list[tuple[object, ...]] = []
    respondents: dict[str, str] = {}
    for r in rows:
        place = table.places[r]
        if completion is not None and not layout.completion[1](table.cell(r, completion)):  # type: ignore[index]
            counts.incomplete += 1
            continue
        counts.responses += 1
        key = table.cell(r, respondent).strip() if respondent is not None else ""
        key = key or place
        first = respondents.setdefault(key, place)
        if first != place:
            problems.add(
                f"response '{key}' appears twice (first at {first})",
                place,
                table.header[respondent] if respondent is not None else None,
            )
            continue
        role_raw = table.cell(r, by_kind["role"]).strip() if "role" in by_kind else ""
        role_column = table.header[by_kind["role"]] if "role" in by_kind else None
        if is_empty(role_raw):
            problems.add("a respondent without a role", place, role_column)
            continue
        role = roles.find(role_raw)
        if role is None:
            problems.add(roles.problem(role_raw), place, role_column)
            continue
        if "marker" in by_kind:
            marker = table.cell(r, by_kind["marker"]).strip()
            if marker and marker != book.marker:
                problems.add(
                    f"answers to '{marker}', another instrument or version than {book.marker}",
                    place,
                    table.header[by_kind["marker"]],
                )
                continue
        if "organisation" in by_kind:
            organisation = table.cell(r, by_kind["organisation"]).strip()
            if not organisation:
                problems.add("empty organisation", place, table.header[by_kind["organisation"]])
                continue
        else:
            organisation = options.organisation or path.stem
        for number, column in columns:
            if column.question is None:
                continue
            raw = table.cell(r, number)
            index = answers[column.question.item_id]
            answer = index.find(raw)
            if answer is None:
                if is_empty(raw):
                    continue
                problems.add(no_answer(raw, index), place, table.header[number])
                continue
            if not column.question.asked_of(role):
                counts.not_asked += 1
                continue
            found.append(
                (
                    organisation,
                    f"{path.name}#{key}",
                    role,
                    book.instrument_id,
                    book.version,
                    column.question.item_id,
                    answer.value,
                    answer.score,
                    answer.kind.value,
                )
            )
    problems.raise_any()
    return ReadResult(
        path,
        pl.DataFrame(found, schema=CANONICAL_SCHEMA, orient="row"),
        instrument,
        layout.name,
        table.encoding,
        table.delimiter,
        counts.responses,
        counts.incomplete,
        counts.not_asked,
        organisation_source,
    )


def no_answer(raw: str, index: AnswerIndex) -> str:
    question = index.question
    if index.is_score_like(raw):
        scores = ", ".join(f"{a.score:g}" for a in question.answers if a.score is not None)
        return f"{raw} is no option's score of item '{question.item_id}' (its scores: {scores})"
    return (
        f"'{raw}' is no answer of {question.code} (item '{question.item_id}'), so it has no score: "
        + index.allowed()
    )
