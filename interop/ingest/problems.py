"""Problems found while reading a file: each names the file, the row and the column."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MAX_PROBLEMS = 25


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    row: str | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row:
            where.append(self.row)
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


class IngestError(Exception):
    """One or more problems; nothing may be written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @classmethod
    def one(
        cls, path: Path | str, message: str, row: str | None = None, column: str | None = None
    ) -> IngestError:
        return cls([Problem(str(path), message, row, column)])


class Problems:
    """Collects problems of one file, up to :data:`MAX_PROBLEMS`."""

    def __init__(self, path: Path | str) -> None:
        self.file = str(path)
        self.found: list[Problem] = []
        self.more = 0

    def add(self, message: str, row: str | None = None, column: str | None = None) -> None:
        if len(self.found) < MAX_PROBLEMS:
            self.found.append(Problem(self.file, message, row, column))
        else:
            self.more += 1

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.found)

    def raise_any(self) -> None:
        if self.found:
            found = list(self.found)
            if self.more:
                found.append(Problem(self.file, f"and {self.more} more problem(s) like these"))
            raise IngestError(found)
