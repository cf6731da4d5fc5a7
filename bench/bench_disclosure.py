"""Disclosure control (D1): usefulness before and after, and what the attacks recover.

On the attack suite's generated populations (``tests/attacks``: sectors of 5 to 60
organisations, 3 to 40 respondents, 0 to 100 % sharing, several size bands,
countries and years):

* usefulness: the share of (organisation × peer group × dimension) cells that show a
  comparison (any form), under the previous rules and under D1, and D1's forms;
* the share of role cells (role x dimension with a score) shown as a figure of their
  own, under the schema-1 rule and under D2 (``tests/attacks/test_role_views.py``);
* the attacks (office and organisation readers) under both rules: hidden scores
  recovered within 0.5 points (named), order statistics recovered (unnamed), and
  hidden scores whose 5-point band the attack determines (band-level leakage).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

from tests.attacks import population, readers, test_role_views, usefulness
from tests.attacks.readers import NEW, OLD

SEEDS = range(1, 21)
ORGANISATION_READERS = 4


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.bench_disclosure", description=__doc__)
    parser.add_argument("--populations", type=int, default=len(SEEDS))
    args, _unknown = parser.parse_known_args(argv)
    started = time.perf_counter()
    pops = [population.generate(seed) for seed in range(1, args.populations + 1)]
    organisations = sum(p.organisations.height for p in pops)
    print(f"populations: {len(pops)} (seeds 1-{len(pops)}), {organisations} organisations")
    found = usefulness.measure(pops)
    print(f"  cells (organisation × peer group × dimension): {found.cells:,}")
    print(f"  usefulness before (exact quantiles, n >= 5, difference rule): {found.before:.1%}")
    print(f"  usefulness after (D1: bands, forms by unknown count):         {found.after:.1%}")
    forms = ", ".join(f"{k} {v / found.cells:.1%}" for k, v in sorted(found.forms_after.items()))
    print(f"  forms after: {forms}")
    for share in sorted({p.share for p in pops}):
        part = usefulness.measure([p for p in pops if p.share == share])
        print(
            f"    sharing {share:.0%}: {part.cells:,} cells, before {part.before:.1%}, "
            f"after {part.after:.1%}"
        )
    cells = before = after = 0
    for rows in test_role_views.generated_population():
        c, b, a = test_role_views.usefulness(rows)
        cells, before, after = cells + c, before + b, after + a
    print(
        f"  role cells (role × dimension with a score, 40 organisations): {cells}; shown: "
        f"schema-1 rule {before} ({before / cells:.1%}), D2 views {after} ({after / cells:.1%})"
    )
    for rules in (OLD, NEW):
        totals = {"hidden": 0, "recovered": 0, "unnamed": 0, "band": 0, "readers": 0}
        for pop in pops:
            ids = pop.organisations.get_column("organisation_id").to_list()
            chosen = ids[:: max(1, len(ids) // ORGANISATION_READERS)][:ORGANISATION_READERS]
            outcomes = [readers.office(pop, rules)]
            outcomes += [readers.organisation(pop, org, rules) for org in chosen]
            for outcome in outcomes:
                totals["readers"] += 1
                totals["hidden"] += outcome.hidden
                totals["recovered"] += outcome.recovered
                totals["unnamed"] += outcome.recovered_unnamed
                totals["band"] += outcome.band_determined
        label = "previous rules" if rules == OLD else "D1"
        print(
            f"  attacks, {label}: {totals['readers']} readers, {totals['hidden']:,} hidden "
            f"scores; recovered within 0.5: {totals['recovered']} named, "
            f"{totals['unnamed']} unnamed order statistics; band determined: "
            f"{totals['band']} ({totals['band'] / max(totals['hidden'], 1):.2%})"
        )
    print(f"  ({time.perf_counter() - started:.0f} s)")
    return 0
