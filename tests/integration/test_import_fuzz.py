"""Property-based: whatever a CSV file holds, `survey import` answers with
`ImportRejected` naming the line of every bad row, or imports the file whole; never
another exception, and a rejected file writes nothing.

Inputs: a valid long-format file (see `survey.transfer`) with cells replaced by
arbitrary text (NUL characters, quotes, separators, line breaks, very long values),
rows dropped, duplicated or cut, header columns renamed, dropped or added, and the
raw text cut and spliced. Runs on SQLite and PostgreSQL (which refuses NUL characters
and over-long values that SQLite stores).
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from instruments import InstrumentLibrary
from survey.db import Database
from survey.models import Answer, Response, Round
from survey.services.organisations import register_organisation
from survey.transfer import COLUMNS, ImportRejected, import_responses

FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
CELL_NOISE = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "\x00", "a\x00b", '"', '""', ",", "\n", "\r\n", "x" * 250,
                     "é" * 70, "dont_know", "staff", "sm-maturity", "Round ☃", "\ufeff"]),
)  # fmt: skip
TEXT_NOISE = st.sampled_from([",", '"', "\n", "\r", "\x00", ";", "\t", "\ufeff", "x" * 300])


@pytest.fixture
def organisation_id(database: Database) -> str:
    with database.session() as session:
        return register_organisation(
            session, name="Gemeente Import", sector="municipalities", size_band="1-49",
            country="NL",
        ).organisation.id  # fmt: skip


def valid_rows(organisation_id: str, library: InstrumentLibrary) -> list[list[str]]:
    instrument = library.get("sm-maturity")
    assert instrument is not None
    rows = [list(COLUMNS)]
    for respondent, role in (("r1", "staff"), ("r2", "management"), ("r3", "hr")):
        for item in [i for i in instrument.items if i.asked_of(role)][:4]:
            rows.append(
                [organisation_id, "Imported 2026", respondent, role, instrument.id, item.id,
                 item.options[len(respondent) % len(item.options)].value]
            )  # fmt: skip
    return rows


def to_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def _counts(session) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (Round, Response, Answer)
    )


def attempt(database: Database, library: InstrumentLibrary, text: str) -> Any:
    """Import ``text`` in a transaction that is always rolled back; returns the summary or
    the ImportRejected. Any other exception fails the test."""
    with database.sessions() as session, session.begin():
        before = _counts(session)
        try:
            return import_responses(session, io.StringIO(text, newline=""), library)
        except ImportRejected as rejected:
            assert rejected.errors
            for error in rejected.errors:
                assert error.line >= 1
                assert str(error).startswith(f"line {error.line}: ")
                assert error.message.strip()
            assert _counts(session) == before, "a rejected file wrote something"
            return rejected
        finally:
            session.rollback()


def test_the_valid_file_imports(database, library, organisation_id):
    summary = attempt(database, library, to_csv(valid_rows(organisation_id, library)))
    assert summary.responses == 3 and summary.answers == 12


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["cell", "drop-row", "duplicate-row", "cut-row", "extra-cell"]),
            st.integers(min_value=0, max_value=10**6),
            st.integers(min_value=0, max_value=10**6),
            CELL_NOISE,
        ),
        min_size=1,
        max_size=4,
    )
)
def test_broken_rows_are_rejected_with_their_line(database, library, organisation_id, edits):
    rows = valid_rows(organisation_id, library)
    for action, r, c, noise in edits:
        if len(rows) < 2:
            break
        row = 1 + r % (len(rows) - 1)
        if action == "cell":
            rows[row][c % len(COLUMNS)] = noise
        elif action == "drop-row":
            del rows[row]
        elif action == "duplicate-row":
            rows.insert(row, list(rows[row]))
        elif action == "cut-row":
            rows[row] = rows[row][: c % len(COLUMNS)]
        else:
            rows[row].append(noise)
    attempt(database, library, to_csv(rows))


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["rename", "drop", "add", "reorder"]),
            st.integers(min_value=0, max_value=100),
            st.text(max_size=12),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_broken_headers_are_rejected_on_line_one(database, library, organisation_id, edits):
    rows = valid_rows(organisation_id, library)
    header = rows[0]
    for action, n, name in edits:
        if not header:
            break
        at = n % len(header)
        if action == "rename":
            header[at] = name
        elif action == "drop":
            del header[at]
        elif action == "add":
            header.insert(at, name)
        else:
            header.append(header.pop(at))
    result = attempt(database, library, to_csv(rows))
    if isinstance(result, ImportRejected) and set(COLUMNS) - set(header):
        assert [e.line for e in result.errors] == [1]


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["insert", "cut", "delete"]),
            st.floats(min_value=0, max_value=1),
            TEXT_NOISE,
        ),
        min_size=1,
        max_size=5,
    )
)
def test_broken_text_is_rejected_with_a_line(database, library, organisation_id, edits):
    text = to_csv(valid_rows(organisation_id, library))
    for action, where, noise in edits:
        at = int(where * len(text))
        if action == "insert":
            text = text[:at] + noise + text[at:]
        elif action == "cut":
            text = text[:at]
        else:
            text = text[:at] + text[at + 5 :]
    attempt(database, library, text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n\n",
        "\ufeff" + ",".join(COLUMNS) + "\n",
        ",".join(COLUMNS).upper() + "\n",
        "not a csv file at all",
        "\x00" * 10,
    ],
    ids=["empty", "blank-lines", "bom-header-only", "upper-case-header", "prose", "nul"],
)
def test_files_without_rows_are_rejected_or_empty(database, library, text):
    attempt(database, library, text)


def test_a_cell_larger_than_the_csv_field_limit_is_rejected_with_its_line(
    database, library, organisation_id
):
    rows = valid_rows(organisation_id, library)
    rows[2][5] = "x" * (csv.field_size_limit() + 10)
    result = attempt(database, library, to_csv(rows))
    assert isinstance(result, ImportRejected)
    assert result.errors[0].line >= 2


@pytest.mark.parametrize("column", range(len(COLUMNS)), ids=list(COLUMNS))
@pytest.mark.parametrize(
    "value", ["a\x00b", "x" * 300, " ", "é" * 201], ids=["nul", "long", "blank", "long-unicode"]
)
def test_every_column_refuses_values_a_database_cannot_hold(
    database, library, organisation_id, column, value
):
    rows = valid_rows(organisation_id, library)
    for row in rows[1:]:  # the whole file, so that nothing else is wrong with it
        row[column] = value
    attempt(database, library, to_csv(rows))
