"""The set of instruments the platform offers, keyed by id and version."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from instruments.files import DATA_DIR, files_of, instrument_paths
from instruments.loader import load_files
from instruments.schema import Instrument


@dataclass(frozen=True)
class InstrumentLibrary:
    instruments: tuple[Instrument, ...]
    _by_key: dict[tuple[str, str], Instrument] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {i.key: i for i in self.instruments})

    def __iter__(self) -> Iterator[Instrument]:
        return iter(self.latest_versions())

    def get(self, instrument_id: str, version: str | None = None) -> Instrument | None:
        """The given version, or the latest one when no version is named."""
        if version is not None:
            return self._by_key.get((instrument_id, version))
        versions = [i for i in self.instruments if i.id == instrument_id]
        return max(versions, key=lambda i: _version_key(i.version)) if versions else None

    def latest_versions(self) -> list[Instrument]:
        ids = dict.fromkeys(i.id for i in self.instruments)
        return [inst for i in ids if (inst := self.get(i)) is not None]

    def ids(self) -> list[str]:
        return [i.id for i in self.latest_versions()]


def _version_key(version: str) -> tuple[tuple[int, str], ...]:
    return tuple(
        (int(p), "") if p.isdigit() else (-1, p) for p in version.replace("-", ".").split(".")
    )


def load_library(paths: Iterable[Path] | None = None) -> InstrumentLibrary:
    """Load and check instruments; raises `InstrumentError` when any file is invalid."""
    files = list(paths) if paths is not None else instrument_paths(DATA_DIR)
    return InstrumentLibrary(tuple(load_files(files)))


@cache
def default_library() -> InstrumentLibrary:
    """The shipped instruments, loaded once per process."""
    return load_library()


@cache
def installed(instrument_ids: frozenset[str]) -> InstrumentLibrary:
    """The shipped instruments with these ids (every version of each), the other files
    left unparsed: what checking a file that names these instruments needs of them."""
    return load_library(files_of(instrument_ids))
