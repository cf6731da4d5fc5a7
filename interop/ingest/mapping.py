"""A mapping file: the codebook export, possibly edited to fit a survey built by hand.

Read back into a :class:`~interop.codebook.Codebook` and checked against the
instrument version it names: every item and option must exist there, and a ``score``
or ``weight`` written in the file must be the version's own (a weight of 5, or a
score that is no option's score, is an error). Empty texts and labels fall back to
the instrument's.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from instruments import Instrument, InstrumentLibrary
from instruments.schema import Item, Option, Text
from interop.codebook import ROLE_CODE, AnswerCode, Codebook, Question, RoleCode, codebook
from interop.ingest.problems import IngestError, Problems
from interop.ingest.table import Table, parse_number, read_table
from interop.vocab import normal, resolvers

REQUIRED = ("instrument", "version", "code", "item", "answer_code", "answer")


def _text(row: dict[str, str], prefix: str, fallback: Text) -> Text:
    en, nl = row.get(f"{prefix}_en", "").strip(), row.get(f"{prefix}_nl", "").strip()
    return Text(en=en or fallback.en, nl=nl or fallback.nl)


def _rows(table: Table, problems: Problems) -> list[tuple[str, dict[str, str]]]:
    names = [normal(h) for h in table.header]
    for column in REQUIRED:
        if column not in names:
            problems.add("missing column", table.header_place, column)
    problems.raise_any()
    return [
        (
            place,
            {name: (values[i] if i < len(values) else "").strip() for i, name in enumerate(names)},
        )
        for place, values in zip(table.places, table.rows, strict=True)
    ]


def _instrument(
    path: Path, rows: list[tuple[str, dict[str, str]]], library: InstrumentLibrary
) -> Instrument:
    pairs = {(r["instrument"], r["version"]) for _, r in rows}
    if len(pairs) != 1:
        listed = ", ".join(f"{i}@{v}" for i, v in sorted(pairs)) or "none"
        raise IngestError.one(
            path, f"a mapping names exactly one instrument version (found: {listed})"
        )
    instrument_id, version = pairs.pop()
    instrument = library.get(instrument_id, version)
    if instrument is None:
        raise IngestError.one(
            path,
            f"instrument '{instrument_id}' version '{version}' is not installed",
            rows[0][0],
            "version",
        )
    return instrument


def _number_problems(
    row: dict[str, str], item: Item, option: Option, marker: str
) -> list[tuple[str, str]]:
    """A score or weight written in the mapping must be the instrument version's own."""
    found = []
    score = row.get("score", "")
    if score and (option.score is None or parse_number(score) != option.score):
        expected = "no score" if option.score is None else f"score {option.score:g}"
        found.append(
            (
                f"score {score} is not the score of option '{option.value}' of '{item.id}' "
                f"in {marker} ({expected})",
                "score",
            )
        )
    weight = row.get("weight", "")
    if weight and parse_number(weight) != item.weight:
        found.append(
            (
                f"weight {weight} is not the weight of '{item.id}' in {marker} ({item.weight:g})",
                "weight",
            )
        )
    return found


def read_mapping(path: Path, library: InstrumentLibrary) -> Codebook:
    problems = Problems(path)
    rows = _rows(read_table(path), problems)
    if not rows:
        raise IngestError.one(path, "the mapping has no rows")
    instrument = _instrument(path, rows, library)
    default = codebook(instrument)
    roles: list[RoleCode] = []
    answers: dict[str, list[AnswerCode]] = defaultdict(list)
    codes: dict[str, str] = {}
    texts: dict[str, Text] = {}
    role_names = resolvers()["role"]
    for place, row in rows:
        if row["code"] == ROLE_CODE or row.get("kind") == "role":
            role = role_names.resolve(row["answer"])
            if role is None:
                problems.add(role_names.problem(row["answer"]), place, "answer")
                continue
            label = next(r.label for r in default.roles if r.role == role)
            roles.append(RoleCode(row["answer_code"], role, _text(row, "label", label)))
            continue
        item = instrument.item(row["item"])
        if item is None:
            problems.add(f"no item '{row['item']}' in {default.marker}", place, "item")
            continue
        option = item.option(row["answer"])
        if option is None:
            problems.add(
                f"'{row['answer']}' is not an option of item '{item.id}' in {default.marker}",
                place,
                "answer",
            )
            continue
        if not row["answer_code"] or not row["code"]:
            problems.add("empty code", place, "answer_code" if row["code"] else "code")
            continue
        for message, column in _number_problems(row, item, option, default.marker):
            problems.add(message, place, column)
        first = codes.setdefault(item.id, row["code"])
        if first != row["code"]:
            problems.add(
                f"item '{item.id}' has two codes: '{first}' and '{row['code']}'", place, "code"
            )
        texts.setdefault(item.id, _text(row, "text", item.text))
        answers[item.id].append(
            AnswerCode(
                row["answer_code"],
                option.value,
                option.kind,
                option.score,
                _text(row, "label", option.label),
            )
        )
    owners: dict[str, str] = {}
    for item_id, code in codes.items():
        other = owners.setdefault(normal(code), item_id)
        if other != item_id:
            problems.add(
                f"code '{code}' is used for two items: '{other}' and '{item_id}'", None, "code"
            )
    problems.raise_any()
    questions = tuple(
        Question(
            codes[q.item_id],
            q.item_id,
            q.dimension_id,
            texts[q.item_id],
            q.roles,
            q.weight,
            tuple(answers[q.item_id]),
        )
        for q in default.questions
        if q.item_id in codes
    )
    return Codebook(
        default.instrument_id,
        default.version,
        default.title,
        questions,
        tuple(roles) or default.roles,
        default.routed,
    )
