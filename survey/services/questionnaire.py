"""How a respondent's questions are laid out on pages.

Pages are numbered from 1, in the order of the round's instruments and dimensions; each
dimension is a section (its items asked of the role). Schema-2 instruments, whose
routing leaves most roles one to four items per dimension, share pages: sections follow
one another, across instrument boundaries too, on as few pages of at most
``MAX_ITEMS_PER_PAGE`` items as the role's items allow (every page costs a phone screen
of heading, progress bar and buttons), cutting as few sections in two as that allows.
Schema-1 instruments keep one dimension per page, a long one split into near-equal
pieces.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from instruments import Dimension, Instrument, Item

MAX_ITEMS_PER_PAGE = 8


@dataclass(frozen=True)
class Section:
    instrument: Instrument
    dimension: Dimension
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Page:
    number: int
    sections: tuple[Section, ...]

    @property
    def questions(self) -> tuple[tuple[Instrument, Item], ...]:
        """The page's items in order, each with its instrument."""
        return tuple((s.instrument, item) for s in self.sections for item in s.items)

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for s in self.sections for item in s.items)

    @property
    def instruments(self) -> tuple[Instrument, ...]:
        """The instruments the page's sections come from, once each, in order."""
        return tuple({s.instrument.id: s.instrument for s in self.sections}.values())


def answer_key(instrument: Instrument, item: Item) -> str:
    """The key of an answer in the form and in `save_answers`: unambiguous across instruments."""
    return f"{instrument.id}/{item.id}"


def chunks(items: tuple[Item, ...], size: int) -> list[tuple[Item, ...]]:
    """``items`` in as few pieces of at most ``size`` as possible, of near-equal length."""
    pieces = -(-len(items) // size)
    cut = [round(n * len(items) / pieces) for n in range(pieces + 1)]
    return [items[cut[n] : cut[n + 1]] for n in range(pieces)]


def _sections(instrument: Instrument, role: str | None) -> list[Section]:
    """The instrument's dimensions as sections of the items asked of ``role``."""
    sections = []
    for dimension in instrument.dimensions:
        items = tuple(
            i for i in instrument.items_of(dimension.id) if role is None or i.asked_of(role)
        )
        if items:
            sections.append(Section(instrument, dimension, items))
    return sections


def _pack(sections: list[Section]) -> list[tuple[Section, ...]]:
    """Sections on as few pages of at most ``MAX_ITEMS_PER_PAGE`` items as possible;
    among those layouts, the one that cuts fewest sections in two, then the one with the
    most even pages. (A shortest-path search over the cut after each item.)"""
    flat = [(index, item) for index, s in enumerate(sections) for item in s.items]
    ends = set(itertools.accumulate(len(s.items) for s in sections))
    # best[i]: (pages, sections cut, sum of squared page sizes) of the first i items.
    best: list[tuple[int, int, int] | None] = [(0, 0, 0)] + [None] * len(flat)
    previous = [0] * (len(flat) + 1)
    for end in range(1, len(flat) + 1):
        for start in range(max(0, end - MAX_ITEMS_PER_PAGE), end):
            before = best[start]
            if before is None:
                continue
            cost = (before[0] + 1, before[1] + (end not in ends), before[2] + (end - start) ** 2)
            current = best[end]
            if current is None or cost < current:
                best[end], previous[end] = cost, start
    cuts = [len(flat)]
    while cuts[-1]:
        cuts.append(previous[cuts[-1]])
    pages = []
    for start, end in itertools.pairwise(reversed(cuts)):
        held = flat[start:end]
        pages.append(
            tuple(
                Section(
                    sections[index].instrument,
                    sections[index].dimension,
                    tuple(item for i, item in held if i == index),
                )
                for index in dict.fromkeys(i for i, _ in held)
            )
        )
    return pages


def round_pages(instruments: list[Instrument], role: str | None = None) -> list[Page]:
    """The pages of a respondent in ``role`` (routing: only the items asked of it)."""
    groups: list[tuple[Section, ...]] = []
    if all(instrument.scheme == 2 for instrument in instruments):
        groups = _pack([s for instrument in instruments for s in _sections(instrument, role)])
    else:
        for instrument in instruments:
            for section in _sections(instrument, role):
                groups += [
                    (Section(instrument, section.dimension, piece),)
                    for piece in chunks(section.items, MAX_ITEMS_PER_PAGE)
                ]
    return [Page(number, group) for number, group in enumerate(groups, start=1)]
