"""The instrument library: versioned questionnaires as data, their schema and loader.

Nothing outside this package knows the file format. The names below are imported when
first used, not with the package: the schema's models (pydantic) take 0.2 s to import,
and what finds a file by its id (:mod:`instruments.files`) or lists the vocabularies'
texts (:func:`instruments.vocabularies.vocabulary_texts`) needs none of them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from instruments.files import instrument_paths
    from instruments.library import (
        InstrumentLibrary,
        default_library,
        installed,
        load_library,
    )
    from instruments.loader import InstrumentError, InstrumentProblem, load_file
    from instruments.schema import (
        DONT_KNOW,
        NOT_APPLICABLE,
        Case,
        Dimension,
        Instrument,
        Item,
        Option,
        OptionKind,
        Source,
        Tag,
        Text,
        Use,
    )
    from instruments.sources import SourceDocument, sources
    from instruments.vocabularies import (
        Vocabularies,
        Vocabulary,
        VocabularyEntry,
        vocabularies,
    )

_MODULES = {
    "instruments.library": ("InstrumentLibrary", "default_library", "installed", "load_library"),
    "instruments.files": ("instrument_paths",),
    "instruments.loader": ("InstrumentError", "InstrumentProblem", "load_file"),
    "instruments.schema": (
        "DONT_KNOW",
        "NOT_APPLICABLE",
        "Case",
        "Dimension",
        "Instrument",
        "Item",
        "Option",
        "OptionKind",
        "Source",
        "Tag",
        "Text",
        "Use",
    ),
    "instruments.sources": ("SourceDocument", "sources"),
    "instruments.vocabularies": ("Vocabularies", "Vocabulary", "VocabularyEntry", "vocabularies"),
}
_HOME = {name: module for module, names in _MODULES.items() for name in names}

__all__ = [
    "DONT_KNOW",
    "NOT_APPLICABLE",
    "Case",
    "Dimension",
    "Instrument",
    "InstrumentError",
    "InstrumentLibrary",
    "InstrumentProblem",
    "Item",
    "Option",
    "OptionKind",
    "Source",
    "SourceDocument",
    "Tag",
    "Text",
    "Use",
    "Vocabularies",
    "Vocabulary",
    "VocabularyEntry",
    "default_library",
    "installed",
    "instrument_paths",
    "load_file",
    "load_library",
    "sources",
    "vocabularies",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'instruments' has no attribute '{name}'")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value
    return value
