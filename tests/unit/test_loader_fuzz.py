"""Property-based: whatever an instrument file holds, the loader answers with a clear
`InstrumentError` (file, place, line, message) or a valid instrument, never another
exception.

Inputs: arbitrary text and bytes; valid instruments (the test instrument and a shipped
one) with their text cut, spliced or sprinkled with YAML syntax; and their parsed
structure mutated (values replaced by values of any type, keys dropped or added,
list entries duplicated or removed), dumped back to YAML.
"""

from __future__ import annotations

import copy
import math
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instruments import Instrument, InstrumentError, load_file
from instruments.loader import DATA_DIR

FILES = [Path(__file__).parent.parent / "data" / "mini.yaml", DATA_DIR / "ctg-accounts.yaml"]
TEXTS = [path.read_text(encoding="utf-8") for path in FILES]
DOCUMENTS = [yaml.safe_load(text) for text in TEXTS]
FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

YAML_NOISE = st.sampled_from(
    [":", "- ", "{", "}", "[", "]", "&a ", "*a", "!!python/object:os.system ", "\t", "'", '"',
     "\n", "  ", "? ", "|", ">", "%YAML 1.1\n", "---\n", "...\n", "\x00", "\ufeff", "#", "!!binary "]
)  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["", " ", "dont_know", "not_applicable", "a", "000_f1f3bb7e15731050.txt"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def _load(content: str | bytes) -> Instrument | InstrumentError:
    """Load ``content`` from a file; any exception but InstrumentError fails the test."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "fuzzed.yaml"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", errors="surrogatepass")
        try:
            return load_file(path)
        except InstrumentError as error:
            _assert_clear(error, path)
            return error


def _assert_clear(error: InstrumentError, path: Path) -> None:
    assert error.problems, "an InstrumentError names at least one problem"
    for problem in error.problems:
        assert problem.file == str(path)
        assert problem.message.strip()
        assert problem.line is None or problem.line >= 1
        assert str(problem).startswith(str(path))
    assert str(error)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a parsed document (mapping keys and list indexes)."""
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_paths(value, (*prefix, index)))
    return found


def _parent(document: Any, path: tuple) -> Any:
    for key in path[:-1]:
        document = document[key]
    return document


@st.composite
def mutated_documents(draw: st.DrawFn) -> tuple[dict, int]:
    """A valid instrument with 1–4 structural mutations; returns it and how many."""
    document = copy.deepcopy(draw(st.sampled_from(DOCUMENTS)))
    count = draw(st.integers(min_value=1, max_value=4))
    for _ in range(count):
        places = [p for p in _paths(document) if p]
        if not places:
            break
        path = draw(st.sampled_from(places))
        parent, key = _parent(document, path), path[-1]
        action = draw(st.sampled_from(["replace", "drop", "duplicate", "add", "swap-type"]))
        if action == "replace":
            parent[key] = draw(VALUES)
        elif action == "drop":
            del parent[key]
        elif action == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=12))] = draw(VALUES)
        elif action == "swap-type":
            value = parent[key]
            parent[key] = [value] if not isinstance(value, list) else {"x": value}
    return document, count


@FUZZ
@given(st.text(max_size=400))
def test_any_text_gets_a_clear_answer(content):
    _load(content)


@FUZZ
@given(st.binary(max_size=400))
def test_any_bytes_get_a_clear_answer(content):
    result = _load(content)
    if isinstance(result, InstrumentError) and "cannot read" in str(result):
        assert result.problems[0].line is None


@FUZZ
@given(
    st.sampled_from(TEXTS),
    st.lists(
        st.tuples(
            st.sampled_from(["cut", "insert", "delete-line", "swap-lines"]),
            st.floats(min_value=0, max_value=1),
            YAML_NOISE,
        ),
        min_size=1,
        max_size=5,
    ),
)
def test_valid_files_with_broken_text_get_a_clear_answer(text, edits):
    for action, where, noise in edits:
        at = int(where * len(text))
        lines = text.split("\n")
        line = min(int(where * len(lines)), len(lines) - 1)
        if action == "cut":
            text = text[:at]
        elif action == "insert":
            text = text[:at] + noise + text[at:]
        elif action == "delete-line":
            del lines[line]
            text = "\n".join(lines)
        else:
            other = (line + 7) % len(lines)
            lines[line], lines[other] = lines[other], lines[line]
            text = "\n".join(lines)
    result = _load(text)
    if isinstance(result, InstrumentError):
        for problem in result.problems:
            if problem.message.startswith("not valid YAML"):
                # a syntax error names its line; a character YAML refuses, its position
                assert problem.line is not None or "position" in problem.message, str(problem)


@settings(FUZZ, max_examples=30)
@given(mutated_documents())
def test_valid_instruments_with_broken_structure_get_a_clear_answer(mutated):
    document, _ = mutated
    try:
        text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, ValueError):
        return  # not representable as YAML at all: nothing a file could hold
    result = _load(text)
    if isinstance(result, InstrumentError) and isinstance(document, dict):
        # a mapping parsed: every problem is placed in the file by its line
        for problem in result.problems:
            assert problem.line is not None, str(problem)


def test_nesting_as_deep_as_yaml_parses_gets_a_clear_answer():
    for depth in (50, 200, 400):
        _load("items: " + "[" * depth + "]" * depth)
        _load("items:\n" + "".join("  " * n + "- \n" for n in range(depth)))


def test_nesting_deeper_than_yaml_parses_gets_a_clear_answer():
    _load("items: " + "[" * 5000 + "]" * 5000)


def test_numbers_that_are_not_numbers_get_a_clear_answer():
    document = copy.deepcopy(DOCUMENTS[0])
    for bad in (math.nan, math.inf, -math.inf, 10**400, "1e999", "ten"):
        document["scales"]["four"][0]["score"] = bad
        result = _load(yaml.safe_dump(document))
        assert isinstance(result, InstrumentError), bad
