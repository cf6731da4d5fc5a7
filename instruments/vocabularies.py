"""Shared vocabularies: sectors, size bands, respondent roles and countries."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pycountry
import yaml
from babel import Locale

from instruments.loader import DATA_DIR
from instruments.schema import Text


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


def _entries(raw: list[dict[str, str]]) -> Vocabulary:
    return Vocabulary(
        tuple(VocabularyEntry(str(e["id"]), Text(en=e["en"], nl=e["nl"])) for e in raw)
    )


def _countries() -> Vocabulary:
    en, nl = Locale("en").territories, Locale("nl").territories
    entries = [
        VocabularyEntry(
            c.alpha_2,
            Text(en=en.get(c.alpha_2, c.name), nl=nl.get(c.alpha_2, c.name)),
        )
        for c in pycountry.countries
    ]
    return Vocabulary(tuple(sorted(entries, key=lambda e: e.label.en)))


@cache
def vocabularies() -> Vocabularies:
    with (DATA_DIR / "vocabularies.yaml").open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    return Vocabularies(
        sectors=_entries(raw["sectors"]),
        size_bands=_entries(raw["size_bands"]),
        roles=_entries(raw["roles"]),
        countries=_countries(),
    )
