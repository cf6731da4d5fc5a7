"""Vocabulary values as people write them: ids or labels, in English or Dutch.

``Gemeenten``, ``municipalities`` and ``Municipalities`` all name the sector
``municipalities``; countries also by their ISO code. An unknown value gets the
nearest valid one as a suggestion.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from instruments.vocabularies import EntryTexts


def normal(text: str) -> str:
    """Case, spacing and typographic quotes do not matter when matching texts."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ")
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Resolver:
    name: str
    entries: tuple[EntryTexts, ...]
    """Each entry's id and its English and Dutch labels."""
    _known: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        known: dict[str, str] = {}
        for entry in self.entries:
            for text in entry:
                known.setdefault(normal(text), entry[0])
        object.__setattr__(self, "_known", known)

    def resolve(self, raw: str) -> str | None:
        return self._known.get(normal(raw))

    def nearest(self, raw: str) -> str:
        """The valid value closest to ``raw`` (as written in the vocabulary)."""
        written = {normal(t): t for entry in self.entries for t in entry}
        match = difflib.get_close_matches(normal(raw), list(written), n=1, cutoff=0.0)
        return written[match[0]] if match else self.entries[0][0]

    def problem(self, raw: str) -> str:
        return f"unknown {self.name} '{raw}' (nearest valid value: '{self.nearest(raw)}')"


@cache
def resolvers() -> dict[str, Resolver]:
    """The resolvers of the vocabularies (imported here: ``survey analyse`` loads them on a
    thread while it reads the answers; from their texts, without the schema's models)."""
    from instruments.vocabularies import vocabulary_texts

    texts = vocabulary_texts()
    return {
        "sector": Resolver("sector", texts["sectors"]),
        "size_band": Resolver("size band", texts["size_bands"]),
        "country": Resolver("country", texts["countries"]),
        "role": Resolver("role", texts["roles"]),
    }
