"""The four organisations of the BIOS paper land in their quadrants (D3, issue 11 point 2).

Each archetype is written from the seed's own words (see ``tests/scoring_v2.py``) and
answers by the options' emphasis, so the same fixtures run on any schema-2 instrument:
the mini fixture here, and every shipped schema-2 maturity test.
"""

from __future__ import annotations

import pytest

from instruments import default_library
from survey import scoring
from tests.scoring_v2 import ARCHETYPES, archetype_answers, frame, items_of, mini

SHIPPED_V2 = [i for i in default_library() if i.scheme == 2 and i.id == "sm-maturity"]


@pytest.mark.parametrize("archetype", ARCHETYPES, ids=lambda a: a.name)
@pytest.mark.parametrize("instrument", [mini(), *SHIPPED_V2], ids=lambda i: f"{i.id}-{i.version}")
def test_each_archetype_lands_in_its_quadrant(instrument, archetype):
    rows = archetype_answers(instrument, archetype, archetype.name)
    scores = scoring.score_v2(
        frame(rows), items_of(instrument), maturity_instrument_id=instrument.id
    )
    balance = scores.balance.row(0, named=True)
    assert balance["near_line"] is False, balance
    assert balance["quadrant"] == archetype.quadrant, (archetype.source, balance)


def test_the_archetypes_cover_the_four_quadrants():
    assert {a.quadrant for a in ARCHETYPES} == set(scoring.QUADRANTS)
