"""Shared vocabularies: sectors, size bands, respondent roles and countries."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import pycountry
import yaml
from babel import Locale

from instruments.files import DATA_DIR

if TYPE_CHECKING:
    from instruments.schema import Text

EntryTexts = tuple[str, str, str]
"""A vocabulary entry's id and its English and Dutch labels."""


@dataclass(frozen=True)
class VocabularyEntry:
    id: str
    label: Text


@dataclass(frozen=True)
class Vocabulary:
    entries: tuple[VocabularyEntry, ...]

    def __contains__(self, entry_id: object) -> bool:
        return any(e.id == entry_id for e in self.entries)

    def ids(self) -> list[str]:
        return [e.id for e in self.entries]

    def label(self, entry_id: str, lang: str = "en") -> str:
        entry = next((e for e in self.entries if e.id == entry_id), None)
        return entry.label.get(lang) if entry else entry_id

    def as_list(self, lang: str = "en") -> list[dict[str, str]]:
        return [{"id": e.id, "label": e.label.get(lang)} for e in self.entries]


@dataclass(frozen=True)
class Vocabularies:
    sectors: Vocabulary
    size_bands: Vocabulary
    roles: Vocabulary
    countries: Vocabulary

    def as_dict(self, lang: str = "en") -> dict[str, list[dict[str, str]]]:
        return {
            "sectors": self.sectors.as_list(lang),
            "size_bands": self.size_bands.as_list(lang),
            "roles": self.roles.as_list(lang),
            "countries": self.countries.as_list(lang),
        }


def _countries() -> tuple[EntryTexts, ...]:
    en, nl = Locale("en").territories, Locale("nl").territories
    entries = [
        (c.alpha_2, en.get(c.alpha_2, c.name), nl.get(c.alpha_2, c.name))
        for c in pycountry.countries
    ]
    return tuple(sorted(entries, key=lambda e: e[1]))


@cache
def vocabulary_texts() -> dict[str, tuple[EntryTexts, ...]]:
    """Each vocabulary's entries as plain texts, without the schema's models (what
    matching a value against them needs; :func:`vocabularies` wraps them)."""
    with (DATA_DIR / "vocabularies.yaml").open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    return {
        **{
            name: tuple((str(e["id"]), e["en"], e["nl"]) for e in raw[name])
            for name in ("sectors", "size_bands", "roles")
        },
        "countries": _countries(),
    }


@cache
def vocabularies() -> Vocabularies:
    from instruments.schema import Text

    def vocabulary(name: str) -> Vocabulary:
        return Vocabulary(
            tuple(
                VocabularyEntry(id_, Text(en=en, nl=nl)) for id_, en, nl in vocabulary_texts()[name]
            )
        )

    return Vocabularies(
        sectors=vocabulary("sectors"),
        size_bands=vocabulary("size_bands"),
        roles=vocabulary("roles"),
        countries=vocabulary("countries"),
    )
