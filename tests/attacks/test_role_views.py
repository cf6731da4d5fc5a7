"""Role-complement attack on the organisation-level figures of schema 2 (D2).

What an organisation publishes about itself: every dimension, item and use figure with
its views (score and size of each role view and of "other roles"), the left-out counts,
and the number of respondents per role. The attacker is stronger than any real reader:
it also knows which respondent sits in which view and which items each respondent
answered (so every respondent's dimension and use value is a known linear combination of
their item answers); as an insider it also knows its own answers. The
targets are the answers of the respondents of smaller roles (left out or pooled). An
answer counts as *recovered* when no other rung (0-4) for it fits every published view
together with some answers of the other targets, found by an exhaustive search in exact
fractions; since answers sit on rungs 25 points apart, anything not recovered is
uncertain by 25 points or more, far beyond the 0.5 points of the attack suite.
Orientation figures are left aside: they rest on the options' emphasis.

The test expects 0. It also measures usefulness: the share of role cells (role x
dimension with a score) that show as a figure of their own, under the schema-1 rule
(complementary suppression) and under D2.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from fractions import Fraction

import polars as pl
import pytest

from survey import scoring
from survey.disclosure.roles import MIN_ROLE_GROUP, visible_role_groups
from survey.scoring.v2.contract import OTHER
from tests.scoring_v2 import answer_row, frame, items_of, mini

INST = mini()
ITEMS = items_of(INST)
ROLES = ("management", "staff", "hr", "communications", "it", "legal", "integrity")
ORGANISATIONS = 40
SEED = 20261204


def generated_organisation(rng: random.Random, size: int) -> list[dict]:
    """``size`` respondents over several roles, some of them small, answering every item
    asked of their role with a rung (mostly) or "don't know"."""
    weights = [rng.random() ** 2 for _ in ROLES]
    rows = []
    for number in range(size):
        role = rng.choices(ROLES, weights)[0]
        for item in INST.items_for(role):
            option = (
                item.option("dont_know") if rng.random() < 0.1 else rng.choice(item.scored_options)
            )
            rows.append(answer_row("o", f"r{number:02d}", role, INST, item, option))
    return rows


def figures() -> dict[tuple[str, str], list[str]]:
    """The dimension, item and use figures and their items."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for item in INST.items:
        found[("dimension", item.dimension)].append(item.id)
        found[("item", item.id)].append(item.id)
        for use in item.uses:
            found[("use", use.value)].append(item.id)
    return found


def constraints(rows: list[dict]) -> tuple[list[dict], dict[tuple[str, str], int]]:
    """Every published view as a linear equation over the answers (respondent, item),
    following D2: a respondent stands behind a figure when at least half of its items
    asked of their role have a scored answer; a role with 3 or more members (respondents
    who answered any item) is a view in each figure where 3 or more of them stand; the
    members of smaller roles are pooled into "other", which stands only in item figures
    where 3 or more of them scored the item."""
    role_of = {r["respondent_id"]: r["role"] for r in rows}
    members = Counter(
        role_of[respondent]
        for respondent in {
            r["respondent_id"]
            for r in rows
            if r["kind"] in ("scored", "dont_know") and INST.item(r["item_id"]).asked_of(r["role"])
        }
    )
    answers = {
        (r["respondent_id"], r["item_id"]): int(r["score"] // 25)
        for r in rows
        if r["kind"] == "scored"
    }
    equations = []
    for (kind, _), item_ids in figures().items():
        behind: dict[str, dict[tuple[str, str], Fraction]] = {}
        for respondent, role in role_of.items():
            asked = [i for i in item_ids if INST.item(i).asked_of(role)]
            scored = [i for i in asked if (respondent, i) in answers]
            if not scored or 2 * len(scored) < len(asked):
                continue
            weight = sum(Fraction(INST.item(i).weight) for i in scored)
            behind[respondent] = {
                (respondent, i): Fraction(INST.item(i).weight) / weight for i in scored
            }
        views: dict[str, list[str]] = defaultdict(list)
        for respondent in behind:
            role = role_of[respondent]
            views[role if members[role] >= MIN_ROLE_GROUP else OTHER].append(respondent)
        for view, found in list(views.items()):
            if len(found) < MIN_ROLE_GROUP or (view == OTHER and kind != "item"):
                views.pop(view)
        for found in views.values():
            equation = {k: c for r in found for k, c in behind[r].items()}
            total = sum(c * answers[k] for k, c in equation.items())
            equations.append({"coefficients": equation, "total": total})
    return equations, answers


Equation = tuple[dict[tuple[str, str], int], int]
BUDGET = 20_000


def _integral(equations: list[dict], known: dict) -> list[Equation]:
    """The equations over the unknown answers only, scaled to integer coefficients."""
    found = []
    for equation in equations:
        unknown = {k: c for k, c in equation["coefficients"].items() if k not in known}
        if not unknown:
            continue
        total = equation["total"] - sum(
            (c * known[k] for k, c in equation["coefficients"].items() if k in known), Fraction(0)
        )
        scale = math.lcm(*(c.denominator for c in unknown.values()), total.denominator)
        found.append(({k: int(c * scale) for k, c in unknown.items()}, int(total * scale)))
    return found


class _Search:
    """Is there a rung (0-4) for every unknown answer that meets every equation?
    Depth-first, forcing the last unknown of an equation and pruning on the bounds that
    positive coefficients give; gives up (None) after ``BUDGET`` nodes."""

    def __init__(self, equations: list[Equation]) -> None:
        self.equations = equations
        self.nodes = 0

    def solve(self, values: dict) -> bool | None:
        self.nodes += 1
        if self.nodes > BUDGET:
            return None
        branch: tuple[int, tuple[str, str]] | None = None
        for coefficients, total in self.equations:
            partial, room, open_ = 0, 0, []
            for key, c in coefficients.items():
                if key in values:
                    partial += c * values[key]
                else:
                    room += 4 * c
                    open_.append(key)
            if partial > total or partial + room < total:
                return False
            if len(open_) == 1:
                value, rest = divmod(total - partial, coefficients[open_[0]])
                if rest or not 0 <= value <= 4:
                    return False
                return self.solve({**values, open_[0]: value})
            if open_ and (branch is None or len(open_) < branch[0]):
                branch = (len(open_), max(open_, key=coefficients.__getitem__))
        if branch is None:
            return True
        undecided = False
        for value in range(5):
            found = self.solve({**values, branch[1]: value})
            if found:
                return True
            undecided |= found is None
        return None if undecided else False


def _unanimous(target: tuple[str, str], equations: list[dict], known: dict) -> bool:
    """Is the target in a view whose every member the attacker does not know gave the
    same extreme answer (their part of the mean is 0 or 100)? Then the mean itself
    tells each of them; no threshold rule protects that case, whatever the view's size."""
    for e in equations:
        if target not in e["coefficients"]:
            continue
        unknown = {k: c for k, c in e["coefficients"].items() if k not in known}
        rest = e["total"] - sum(c * known[k] for k, c in e["coefficients"].items() if k in known)
        if rest in (0, 4 * sum(unknown.values())):
            return True
    return False


def recovered(rows: list[dict], insiders: bool = False) -> list[tuple[str, ...]]:
    """(verdict, role, respondent, item, attacker) of every small-role answer that the
    published views confine to its true rung: "unanimous" when a view of it is unanimous
    at an extreme, "recovered" otherwise, or "undecided" when the search could not settle
    it within its budget. The attacker is an outsider, or with ``insiders`` in turn each
    respondent who shares a view with the target and knows their own answers."""
    equations, answers = constraints(rows)
    role_of = {r["respondent_id"]: r["role"] for r in rows}
    sizes = Counter(role_of.values())
    small = sorted(v for v in answers if sizes[role_of[v[0]]] < MIN_ROLE_GROUP)
    found = []
    for target in small:
        attackers: list[str | None] = [None]
        if insiders:
            attackers = sorted(
                {k[0] for e in equations if target in e["coefficients"] for k in e["coefficients"]}
                - {target[0]}
            )
        for attacker in attackers:
            known = {v: answers[v] for v in answers if v[0] == attacker}
            system = _integral(equations, known)
            verdicts = [
                _Search(system).solve({target: rung})
                for rung in range(5)
                if rung != answers[target]
            ]
            if any(verdicts):
                continue
            if None in verdicts:
                verdict = "undecided"
            else:
                verdict = "unanimous" if _unanimous(target, equations, known) else "recovered"
            found.append((verdict, role_of[target[0]], *target, attacker or "outsider"))
    return found


def usefulness(rows: list[dict]) -> tuple[int, int, int]:
    """Role cells (role x dimension with a score), those shown under schema 1 and under D2."""
    raw = scoring.score_v2(frame(rows), ITEMS, maturity_instrument_id="mini")
    per_role = (
        raw.respondent_dimensions.drop_nulls("score")
        .group_by("dimension_id", "role")
        .agg(pl.len().alias("n"))
    )
    cells = before = after = 0
    for (_,), part in per_role.group_by("dimension_id"):
        counts = dict(part.select("role", "n").iter_rows())
        cells += len(counts)
        before += len(visible_role_groups(counts))
        after += sum(n >= MIN_ROLE_GROUP for n in counts.values())
    return cells, before, after


def generated_population() -> list[list[dict]]:
    """The 40 organisations of 3 to 40 respondents (seeded), as answer rows each."""
    rng = random.Random(SEED)
    sizes = [3 + (37 * n) // (ORGANISATIONS - 1) for n in range(ORGANISATIONS)]
    return [generated_organisation(rng, size) for size in sizes]


@pytest.fixture(scope="module")
def population() -> list[list[dict]]:
    return generated_population()


def test_the_equations_are_the_published_views(population):
    """The attacker's equations are exactly what the engine publishes (same views)."""
    for rows in population[:10]:
        equations, _ = constraints(rows)
        scores = scoring.score_v2(frame(rows), ITEMS, maturity_instrument_id="mini")
        published = pl.concat(
            [
                scores.role_dimensions.select("respondents"),
                scores.views.filter(pl.col("kind").is_in(["item", "use"])).select("respondents"),
            ]
        )
        assert sorted(published["respondents"].to_list()) == sorted(
            len({k[0] for k in e["coefficients"]}) for e in equations
        )


@pytest.mark.parametrize("insiders", [False, True], ids=["outsider", "insiders"])
def test_no_small_role_answer_is_recovered(population, insiders):
    found = [
        (n, hit)
        for n, rows in enumerate(population[:6])
        for hit in recovered(rows, insiders=insiders)
        if hit[0] != "unanimous"
    ]
    assert found == []


def test_views_show_more_role_cells_than_complementary_suppression(population, capsys):
    cells = before = after = 0
    for rows in population:
        c, b, a = usefulness(rows)
        cells, before, after = cells + c, before + b, after + a
    with capsys.disabled():
        print(
            f"\nrole cells: {cells}; shown as their own figure: schema-1 rule {before} "
            f"({before / cells:.0%}), D2 views {after} ({after / cells:.0%})"
        )
    assert after >= before
