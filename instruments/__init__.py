"""The instrument library: versioned questionnaires as data, their schema and loader.

Nothing outside this package knows the file format.
"""

from instruments.library import InstrumentLibrary, default_library, installed, load_library
from instruments.loader import InstrumentError, InstrumentProblem, instrument_paths, load_file
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
from instruments.vocabularies import Vocabularies, Vocabulary, VocabularyEntry, vocabularies

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
