"""What is known of the instrument files without the schema's models (pydantic, 0.2 s to
import): where they are, a file's id without loading it, the weights an item may have."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).parent / "data"
NON_INSTRUMENT_FILES = frozenset({"sources.yaml", "vocabularies.yaml", "standard-options.yaml"})
HALF_STEPS = (0.5, 1.0, 1.5, 2.0)
"""The weights an item may have."""


def instrument_paths(directory: Path = DATA_DIR) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if p.name not in NON_INSTRUMENT_FILES)


def file_id(path: Path) -> str | None:
    """The top-level ``id`` of an instrument file, read from the parser's first events
    (it comes near the top) without loading or checking the file; None when it has none
    or cannot be read. Loading the file, :func:`instruments.loader.load_file`, checks it."""
    depth, key_next, key = 0, True, None
    try:
        for event in yaml.parse(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                key_next = key_next or depth == 1
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.ScalarEvent | yaml.AliasEvent) and depth == 1:
                if not key_next and key == "id" and isinstance(event, yaml.ScalarEvent):
                    return event.value
                key = event.value if key_next and isinstance(event, yaml.ScalarEvent) else None
                key_next = not key_next
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    return None


@cache
def files_of(instrument_ids: frozenset[str]) -> tuple[Path, ...]:
    """The shipped instrument files whose id is one of these, found without loading any."""
    return tuple(p for p in instrument_paths(DATA_DIR) if file_id(p) in instrument_ids)
