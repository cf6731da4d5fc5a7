"""Test data for schema-2 scoring: answer rows built from instruments, and the four
archetype organisations of the BIOS paper chosen by the options' emphasis.

The builder works on any schema-2 instrument (the mini fixture or a shipped file):
an archetype chooses, per item, the option whose emphasis fits it best, and falls back
on a typical rung where the options say nothing about orientation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from instruments import Instrument, Item, Option, load_file
from survey.frames import answers_frame_v2, items_frame_v2

MINI_V2 = Path(__file__).parent / "data" / "mini-v2.yaml"
NEUTRAL = 2  # the middle of the 0-4 emphasis scale: an option that says nothing


def mini() -> Instrument:
    return load_file(MINI_V2)


def items_of(*instruments: Instrument) -> pl.DataFrame:
    return items_frame_v2(instruments)


def answer_row(
    organisation: str,
    respondent: str,
    role: str,
    instrument: Instrument,
    item: Item,
    option: Option,
) -> dict[str, object]:
    emphasis = option.emphasis
    return {
        "organisation_id": organisation,
        "respondent_id": respondent,
        "role": role,
        "instrument_id": instrument.id,
        "item_id": item.id,
        "score": option.score,
        "kind": option.kind.value,
        "control": emphasis.control if emphasis else None,
        "enablement": emphasis.enablement if emphasis else None,
    }


Chooser = Callable[[Item], Option]


def by_rung(rung: int) -> Chooser:
    """Answer rung ``rung`` (1-5) everywhere."""
    return lambda item: item.scored_options[rung - 1]


def by_value(value: str) -> Chooser:
    """Answer the option ``value`` (for example ``dont_know``) everywhere."""

    def choose(item: Item) -> Option:
        option = item.option(value)
        assert option is not None, (item.id, value)
        return option

    return choose


def answers(
    instrument: Instrument,
    organisation: str,
    respondents: Iterable[tuple[str, str, Chooser]],
) -> list[dict[str, object]]:
    """Rows for every item asked of each respondent's role (routing)."""
    return [
        answer_row(organisation, respondent, role, instrument, item, choose(item))
        for respondent, role, choose in respondents
        for item in instrument.items_for(role)
    ]


def frame(rows: Iterable[Mapping[str, object]]) -> pl.DataFrame:
    return answers_frame_v2(rows)


def group(
    role: str, count: int, choose: Chooser, prefix: str = ""
) -> list[tuple[str, str, Chooser]]:
    return [(f"{prefix}{role}-{n}", role, choose) for n in range(count)]


# --- archetypes --------------------------------------------------------------------------


def _axis(option: Option, axis: str) -> int:
    emphasis = option.emphasis
    value = getattr(emphasis, axis) if emphasis else None
    return NEUTRAL if value is None else value


@dataclass(frozen=True)
class Archetype:
    """An organisation described in the seed, as a preference over options.

    ``control`` and ``enablement`` say which end of each axis it takes ("high" or
    "low"): it picks the option nearest to that corner (squared distance in emphasis
    steps, an axis an option says nothing about counting as neutral); ``first`` says
    which axis breaks a tie; ``rung`` is the typical rung it answers where the options
    say nothing about orientation.
    """

    name: str
    quadrant: str
    control: str
    enablement: str
    first: str
    rung: int
    source: str

    def _pull(self, option: Option, axis: str) -> int:
        value = _axis(option, axis)
        return -value if getattr(self, axis) == "high" else value

    def _distance(self, option: Option, axis: str) -> int:
        corner = 4 if getattr(self, axis) == "high" else 0
        return (_axis(option, axis) - corner) ** 2

    def choose(self, item: Item) -> Option:
        second = "enablement" if self.first == "control" else "control"

        def key(option: Option) -> tuple[int, ...]:
            assert option.rung is not None
            return (
                sum(self._distance(option, axis) for axis in ("control", "enablement")),
                self._pull(option, self.first),
                self._pull(option, second),
                abs(option.rung - self.rung),
            )

        return min(item.scored_options, key=key)


ARCHETYPES = (
    Archetype(
        "prohibiting",
        "restrictive",
        control="high",
        enablement="low",
        first="control",
        rung=2,
        source="'a discouraging conservatism' and 'controlling conservatism' "
        "(000_f1f3bb7e15731050.txt, Frame 3 and 'Regulation versus common sense')",
    ),
    Archetype(
        "anything goes",
        "anything_goes",
        control="low",
        enablement="high",
        first="control",
        rung=2,
        source="'an unbridled postmodern anything goes' (Frame 3)",
    ),
    Archetype(
        "unguided",
        "unguided",
        control="low",
        enablement="low",
        first="control",
        rung=1,
        source="no guideline and no appeal to common sense (Regulation versus common sense)",
    ),
    Archetype(
        "balanced",
        "balanced",
        control="high",
        enablement="high",
        first="enablement",
        rung=5,
        source="'the prudent middle ground that makes sensible use of the new "
        "possibilities' (Frame 3, the ten recommendations)",
    ),
)


def archetype_answers(
    instrument: Instrument,
    archetype: Archetype,
    organisation: str,
    roles: Mapping[str, int] | None = None,
) -> list[dict[str, object]]:
    """An organisation whose respondents all answer as ``archetype``."""
    roles = roles or {"management": 4, "staff": 6}
    respondents = [
        person for role, count in roles.items() for person in group(role, count, archetype.choose)
    ]
    return answers(instrument, organisation, respondents)
