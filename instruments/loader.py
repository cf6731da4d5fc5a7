"""Read instrument files, check them and turn them into `Instrument` models.

Every problem is reported as an `InstrumentProblem` naming the file, the place
in it (a path such as ``items[3].options[1].score`` and, where known, the line)
and what is wrong. Loading collects all problems of a file before giving up.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from instruments.files import DATA_DIR
from instruments.schema import (
    DONT_KNOW,
    LADDER_SCORES,
    NOT_APPLICABLE,
    FileOption,
    Instrument,
    InstrumentFile,
    InstrumentFileV2,
    Item,
    ItemFile,
    ItemFileV2,
    Option,
    OptionKind,
    Text,
)

DONT_KNOW_LABEL = Text(en="Don't know", nl="Weet ik niet")
NOT_APPLICABLE_LABEL = Text(en="Not applicable", nl="Niet van toepassing")


@dataclass(frozen=True)
class InstrumentProblem:
    file: str
    location: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        place = f" at {self.location}" if self.location else ""
        return f"{where}{place}: {self.message}"


class InstrumentError(Exception):
    """One or more instrument files are invalid."""

    def __init__(self, problems: Sequence[InstrumentProblem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@cache
def known_source_files() -> frozenset[str]:
    with (DATA_DIR / "sources.yaml").open(encoding="utf-8") as fh:
        return frozenset(entry["file"] for entry in yaml.safe_load(fh))


@cache
def known_roles() -> frozenset[str]:
    """The respondent roles of the shared vocabulary (items route by them)."""
    with (DATA_DIR / "vocabularies.yaml").open(encoding="utf-8") as fh:
        return frozenset(entry["id"] for entry in yaml.safe_load(fh)["roles"])


class _UniqueKeyLoader(yaml.CSafeLoader):
    """A safe loader that refuses a key written twice in one mapping (YAML lets the last win);
    libyaml's parser (the locked PyYAML wheels have it): the pure-Python one takes seconds."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"duplicate key '{key}'",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_file(path: Path) -> Instrument:
    """Parse and check one file; raise `InstrumentError` listing every problem."""
    name = str(path)
    try:
        raw_text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InstrumentError(
            [InstrumentProblem(name, "", f"cannot read the file: {exc}")]
        ) from exc
    try:
        data = yaml.load(raw_text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader)
    except RecursionError as exc:
        raise InstrumentError(
            [InstrumentProblem(name, "", "not valid YAML: the file is nested too deeply")]
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise InstrumentError(
            [InstrumentProblem(name, "", f"not valid YAML: {problem}", line)]
        ) from exc
    if not isinstance(data, dict):
        raise InstrumentError(
            [InstrumentProblem(name, "", "the file must hold a mapping (an instrument)")]
        )
    model = InstrumentFileV2 if data.get("schema") == 2 else InstrumentFile
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        found = [(err["loc"], err["msg"]) for err in exc.errors()]
        raise InstrumentError(_problems(name, raw_text, data, found)) from exc
    semantic = _semantic_problems(parsed)
    if semantic:
        raise InstrumentError(_problems(name, raw_text, data, semantic))
    return _build(parsed)


def _problems(
    name: str, raw_text: str, data: Any, found: Sequence[tuple[Sequence[Any], str]]
) -> list[InstrumentProblem]:
    """The problems with their lines: the file's YAML nodes are composed (a second parse,
    about as long as the first) only for a file that has problems."""
    node = yaml.compose(raw_text, Loader=yaml.CSafeLoader)
    return [
        InstrumentProblem(name, _location(loc, data), message, _line(node, loc))
        for loc, message in found
    ]


def load_files(paths: Iterable[Path]) -> list[Instrument]:
    """Load several files; also refuse two files claiming the same id and version."""
    problems: list[InstrumentProblem] = []
    loaded: list[tuple[Path, Instrument]] = []
    for path in paths:
        try:
            loaded.append((path, load_file(path)))
        except InstrumentError as exc:
            problems.extend(exc.problems)
    claimed: dict[tuple[str, str], Path] = {}
    for path, instrument in loaded:
        first = claimed.setdefault(instrument.key, path)
        if first != path:
            problems.append(
                InstrumentProblem(
                    str(path),
                    "id/version",
                    f"instrument '{instrument.id}' version '{instrument.version}' "
                    f"is already defined in {first}",
                )
            )
    if problems:
        raise InstrumentError(problems)
    return [instrument for _, instrument in loaded]


Finding = tuple[tuple[Any, ...], str]


def _semantic_problems(doc: InstrumentFile | InstrumentFileV2) -> list[Finding]:
    """Problems a schema cannot see: ids, references between parts, known sources."""
    found: list[Finding] = []

    def add(path: tuple[Any, ...], message: str) -> None:
        found.append((path, message))

    for field, ids in (
        ("dimensions", [d.id for d in doc.dimensions]),
        ("items", [i.id for i in doc.items]),
        ("cases", [c.id for c in doc.cases]),
    ):
        for index, value in enumerate(ids):
            if ids.index(value) != index:
                add((field, index, "id"), f"duplicate id '{value}'")
    dimension_ids = {d.id for d in doc.dimensions}
    used = Counter(i.dimension for i in doc.items)
    for index, dimension in enumerate(doc.dimensions):
        if not used[dimension.id]:
            add(("dimensions", index), f"dimension '{dimension.id}' has no items")
    if isinstance(doc, InstrumentFileV2):
        found.extend(_v2_problems(doc))
    else:
        for name, options in doc.scales.items():
            found.extend(_option_problems(("scales", name), options))
    items: Sequence[ItemFile | ItemFileV2] = doc.items
    for index, item in enumerate(items):
        if item.dimension not in dimension_ids:
            add(("items", index, "dimension"), f"unknown dimension '{item.dimension}'")
        if isinstance(doc, InstrumentFile) and isinstance(item, ItemFile):
            if item.scale is not None and item.scale not in doc.scales:
                add(("items", index, "scale"), f"unknown scale '{item.scale}'")
            if item.options is not None:
                found.extend(_option_problems(("items", index, "options"), item.options))
        for s_index, source in enumerate(item.sources):
            if source.file not in known_source_files():
                add(
                    ("items", index, "sources", s_index, "file"),
                    f"unknown source file '{source.file}'",
                )
    for index, case in enumerate(doc.cases):
        for d_index, dimension_id in enumerate(case.dimensions):
            if dimension_id not in dimension_ids:
                add(("cases", index, "dimensions", d_index), f"unknown dimension '{dimension_id}'")
        for s_index, source in enumerate(case.sources):
            if source.file not in known_source_files():
                add(
                    ("cases", index, "sources", s_index, "file"),
                    f"unknown source file '{source.file}'",
                )
    for index, document in enumerate(doc.sources):
        if document.file not in known_source_files():
            add(("sources", index, "file"), f"unknown source file '{document.file}'")
    return found


def _v2_problems(doc: InstrumentFileV2) -> list[Finding]:
    """Schema 2: roles from the vocabulary, gating items inside their dimension, unique rungs."""
    found: list[Finding] = []
    dimension_of = {item.id: item.dimension for item in doc.items}
    for index, item in enumerate(doc.items):
        for r_index, role in enumerate(item.roles):
            if role not in known_roles():
                found.append((("items", index, "roles", r_index), f"unknown role '{role}'"))
        if len(set(item.roles)) != len(item.roles):
            found.append((("items", index, "roles"), "a role is listed twice"))
        values = [o.value for o in item.options]
        for o_index, value in enumerate(values):
            if values.index(value) != o_index:
                found.append(
                    (
                        ("items", index, "options", o_index, "value"),
                        f"duplicate option value '{value}'",
                    )
                )
    for index, dimension in enumerate(doc.dimensions):
        for b_index, item_id in enumerate(dimension.basics):
            if dimension_of.get(item_id) != dimension.id:
                found.append(
                    (
                        ("dimensions", index, "basics", b_index),
                        f"'{item_id}' is not an item of dimension '{dimension.id}'",
                    )
                )
    return found


def _option_problems(path: tuple[Any, ...], options: Sequence[FileOption]) -> list[Finding]:
    found: list[Finding] = []
    values = [o.value for o in options]
    for index, value in enumerate(values):
        if values.index(value) != index:
            found.append(((*path, index, "value"), f"duplicate option value '{value}'"))
    if len(options) < 2:
        found.append((path, "an answer scale needs at least two scored options"))
    return found


def _build(doc: InstrumentFile | InstrumentFileV2) -> Instrument:
    if isinstance(doc, InstrumentFileV2):
        return _build_v2(doc)
    return Instrument(
        id=doc.id,
        version=doc.version,
        title=doc.title,
        description=doc.description,
        sources=doc.sources,
        dimensions=doc.dimensions,
        items=tuple(
            Item(
                id=item.id,
                dimension=item.dimension,
                weight=item.weight,
                tag=item.tag,
                uses=item.uses,
                text=item.text,
                options=_complete_options(
                    item.options if item.options is not None else doc.scales[item.scale or ""],
                    offer_not_applicable=item.not_applicable,
                ),
                recommendation=item.recommendation,
                dialogue_question=item.dialogue_question,
                sources=item.sources,
            )
            for item in doc.items
        ),
        cases=doc.cases,
    )


def _build_v2(doc: InstrumentFileV2) -> Instrument:
    """Rung k (1-5) of every item scores ``LADDER_SCORES[k - 1]``; the level of rung k is k."""
    return Instrument(
        id=doc.id,
        version=doc.version,
        scheme=2,
        title=doc.title,
        description=doc.description,
        sources=doc.sources,
        dimensions=doc.dimensions,
        items=tuple(
            Item(
                id=item.id,
                dimension=item.dimension,
                weight=item.weight,
                tag=None,
                uses=item.uses,
                roles=item.roles,
                text=item.text,
                options=_with_reserved(
                    [
                        Option(
                            value=o.value,
                            label=o.label,
                            score=LADDER_SCORES[rung - 1],
                            rung=rung,
                            emphasis=o.emphasis,
                        )
                        for rung, o in enumerate(item.options, start=1)
                    ],
                    offer_not_applicable=item.not_applicable_reason is not None,
                ),
                recommendation=item.recommendations.basic,
                advanced_recommendation=item.recommendations.advanced,
                not_applicable_reason=item.not_applicable_reason,
                dialogue_question=item.dialogue_question,
                sources=item.sources,
            )
            for item in doc.items
        ),
        cases=doc.cases,
    )


def _with_reserved(options: list[Option], *, offer_not_applicable: bool) -> tuple[Option, ...]:
    options.append(Option(value=DONT_KNOW, label=DONT_KNOW_LABEL, kind=OptionKind.DONT_KNOW))
    if offer_not_applicable:
        options.append(
            Option(value=NOT_APPLICABLE, label=NOT_APPLICABLE_LABEL, kind=OptionKind.NOT_APPLICABLE)
        )
    return tuple(options)


def _complete_options(
    options: Sequence[FileOption], *, offer_not_applicable: bool
) -> tuple[Option, ...]:
    return _with_reserved(
        [Option(value=o.value, label=o.label, score=o.score) for o in options],
        offer_not_applicable=offer_not_applicable,
    )


def _location(loc: Sequence[Any], data: Any) -> str:
    """Render a pydantic location as ``items[3] (strategy.x).options[0].score``."""
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(key, int):
            label = f"[{key}]"
            if isinstance(node, list) and 0 <= key < len(node):
                node = node[key]
                if isinstance(node, dict) and isinstance(node.get("id"), str):
                    label += f" ({node['id']})"
            else:
                node = None
            parts.append(label)
        else:
            parts.append(("." if parts else "") + str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return "".join(parts)


def _line(node: yaml.Node | None, loc: Sequence[Any]) -> int | None:
    """The 1-based line of the deepest YAML node that the location reaches."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            match = node.value[key]
        else:
            match = None
        if match is None:
            break
        node = match
        line = node.start_mark.line + 1
    return line
