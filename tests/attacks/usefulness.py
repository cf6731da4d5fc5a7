"""How much of the peer comparison shows: the usefulness figure of D1.

A cell is one (organisation × peer group × dimension) of the current representatives;
it *shows a comparison* when its group publishes more than its count (any form). The
same populations are measured under the previous rules (:mod:`tests.attacks.legacy`)
and under D1 (:func:`analytics.benchmark.benchmark_all`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import polars as pl

from analytics import benchmark
from analytics.benchmark import PEER_GROUPS
from tests.attacks import legacy
from tests.attacks.population import Population


@dataclass(frozen=True)
class Usefulness:
    cells: int
    shown_before: int
    shown_after: int
    forms_after: dict[str, int]

    @property
    def before(self) -> float:
        return self.shown_before / self.cells if self.cells else 0.0

    @property
    def after(self) -> float:
        return self.shown_after / self.cells if self.cells else 0.0


def measure(populations: list[Population]) -> Usefulness:
    cells = before = after = 0
    forms: Counter[str] = Counter()
    for pop in populations:
        reps = benchmark.representatives(pop.results).filter(pl.col("score").is_not_null())
        rows = benchmark.benchmark_all(reps)
        cells += rows.height
        after += rows.filter(~pl.col("suppressed")).height
        forms.update(rows.get_column("form").to_list())
        before += sum(
            legacy.percentiles(reps, group).filter(~pl.col("suppressed")).height
            for group in PEER_GROUPS
        )
    return Usefulness(cells, before, after, dict(forms))
