"""How a respondent's questions are laid out on pages.

Pages are numbered from 1, in the order of the round's instruments and dimensions; each
dimension is a section (its items asked of the role), and a section of more than
``MAX_ITEMS_PER_PAGE`` items is split into near-equal pieces. Schema-2 instruments,
whose routing leaves most roles one to four items per dimension, share pages: sections
follow one another, across instrument boundaries too, up to ``MAX_ITEMS_PER_PAGE``
items a page, so that a short tail of one instrument does not make a page of its own
(every page costs a phone screen of heading, progress bar and buttons). Schema-1
instruments keep one dimension per page.
"""

from __future__ import annotations

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
    sections = []
    for dimension in instrument.dimensions:
        items = tuple(
            i for i in instrument.items_of(dimension.id) if role is None or i.asked_of(role)
        )
        if items:
            sections += [
                Section(instrument, dimension, piece) for piece in chunks(items, MAX_ITEMS_PER_PAGE)
            ]
    return sections


def round_pages(instruments: list[Instrument], role: str | None = None) -> list[Page]:
    """The pages of a respondent in ``role`` (routing: only the items asked of it)."""
    groups: list[list[Section]] = []
    for instrument in instruments:
        for section in _sections(instrument, role):
            current = groups[-1] if groups else []
            held = sum(len(s.items) for s in current)
            joins = (
                current
                and instrument.scheme == 2
                and current[-1].instrument.scheme == 2
                and held + len(section.items) <= MAX_ITEMS_PER_PAGE
            )
            if joins:
                current.append(section)
            else:
                groups.append([section])
    return [Page(number, tuple(group)) for number, group in enumerate(groups, start=1)]
