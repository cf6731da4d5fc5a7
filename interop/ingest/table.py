"""Any table file as text cells: the header, the rows and where each row is.

CSV, TSV and TXT files: the encoding is UTF-8 (with or without a byte order mark),
UTF-16 with a byte order mark (Excel's "Unicode text") or Windows-1252; anything else
is an error naming the byte offset. The delimiter is the one of ``,`` ``;`` tab ``|``
that occurs most often, outside quotes, in the first line. XLSX: the first worksheet;
numbers that are whole become ``"3"``, not ``"3.0"``. Parquet: every column as text.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from interop.ingest.problems import IngestError

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


@dataclass(frozen=True)
class Table:
    path: Path
    header: list[str]
    rows: list[list[str]]
    places: list[str]
    """Where each row is: ``line 7`` (text files, physical line) or ``row 7``."""
    header_place: str
    encoding: str | None = None
    delimiter: str | None = None

    def cell(self, row: int, column: int) -> str:
        values = self.rows[row]
        return values[column] if column < len(values) else ""


def parse_number(text: str) -> float | None:
    """``text`` as a number, with a decimal point or a decimal comma; None when it is none."""
    value = text.strip()
    if _DECIMAL_COMMA.match(value):
        value = value.replace(",", ".")
    return float(value) if _NUMBER.match(value) else None


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the name of its encoding; IngestError at a bad byte."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(path, data, "utf-8-sig", offset=0), "UTF-8 with BOM"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(path, data, "utf-16", offset=0), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as error:
        if _has_utf8_sequences(data[: error.start]):
            raise IngestError.one(
                path, f"not valid UTF-8 at byte offset {error.start} (0x{data[error.start]:02x})"
            ) from None
    return _strict(path, data, "cp1252", offset=0), "Windows-1252"


def _strict(path: Path, data: bytes, encoding: str, offset: int) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        name = {"utf-8-sig": "UTF-8", "cp1252": "UTF-8 or Windows-1252"}.get(encoding, encoding)
        start = error.start + (3 if encoding == "utf-8-sig" else 0) + offset
        raise IngestError.one(
            path, f"cannot be read as {name}: bad byte at byte offset {start} (0x{data[start]:02x})"
        ) from None


def _has_utf8_sequences(data: bytes) -> bool:
    """True when ``data`` holds multi-byte UTF-8 characters (so it is meant as UTF-8)."""
    return re.search(rb"[\xc2-\xf4][\x80-\xbf]", data) is not None


def sniff_delimiter(first_line: str) -> str:
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _text_table(path: Path, data: bytes) -> Table:
    text, encoding = decode(path, data)
    if "\x00" in text:
        offset = text.index("\x00")
        raise IngestError.one(path, f"holds a NUL character (character {offset}): not a text file")
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    places: list[str] = []
    try:
        start = 1
        for values in reader:
            if any(v.strip() for v in values):
                rows.append(values)
                places.append(f"line {start}")
            start = reader.line_num + 1
    except csv.Error as error:
        raise IngestError.one(path, f"not valid CSV: {error}", f"line {reader.line_num}") from None
    if not rows:
        raise IngestError.one(path, "the file is empty")
    return Table(
        path, [h.strip() for h in rows[0]], rows[1:], places[1:], places[0], encoding, delimiter
    )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _xlsx_table(path: Path) -> Table:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise IngestError.one(path, f"cannot read the workbook ({error})") from None
    try:
        sheet = book.worksheets[0]
        rows: list[list[str]] = []
        places: list[str] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if any(c.strip() for c in cells):
                rows.append(cells)
                places.append(f"row {number}")
    finally:
        book.close()
    if not rows:
        raise IngestError.one(path, "the workbook's first sheet is empty")
    return Table(path, [h.strip() for h in rows[0]], rows[1:], places[1:], places[0])


def _parquet_table(path: Path) -> Table:
    import polars as pl

    try:
        frame = pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError) as error:
        raise IngestError.one(path, f"cannot read the file ({error})") from None
    text = frame.select(pl.all().cast(pl.String).fill_null(""))
    return Table(
        path,
        list(frame.columns),
        [list(row) for row in text.iter_rows()],
        [f"row {n}" for n in range(1, frame.height + 1)],
        "header",
    )


def read_table(path: Path) -> Table:
    if not path.is_file():
        raise IngestError.one(path, "no such file")
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return _xlsx_table(path)
    if suffix in PARQUET_SUFFIXES:
        return _parquet_table(path)
    if suffix in TEXT_SUFFIXES:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise IngestError.one(path, f"cannot read the file ({error.strerror})") from None
        return _text_table(path, data)
    raise IngestError.one(path, "unknown file type: use .csv, .tsv, .txt, .xlsx or .parquet")
