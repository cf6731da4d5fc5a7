"""The attacker's engine: exact interval propagation over order statistics.

Unknowns are the scores of (organisation, round, dimension). Each published figure of
a group says something about the group's *order statistics* S_0 <= ... <= S_{n-1}
(0-based): a banded nearest-rank quantile confines one S_i to a band; an exact
interpolated quantile is (1 - f) S_j + f S_{j+1} = v; a known own rank pins one S_i to
a known value. :class:`Attack` keeps an interval per unknown and per order statistic
and propagates, until nothing changes:

* order statistics from members: S_i lies between the i-th smallest lower bound and
  the i-th smallest upper bound of the members' intervals;
* monotonicity: S_i <= S_{i+1};
* the published relations (solved for each side of an interpolation);
* back to members by counting: if S_i <= h and exactly i + 1 members can be <= h,
  all of them are <= h (and the mirror image for lower bounds).

Every step only derives what is true of every population consistent with what was
published, so the intervals are sound: a hidden score outside its interval cannot
have produced the publications. A value is *recovered* when its interval is 1 point
wide or less (within 0.5 points). Order statistics recovered although no single
organisation is pinned (a neighbour's score, unnamed) are counted too.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

Var = Hashable
EPS = 1e-9
RECOVERED_WIDTH = 1.0
BAND = 5.0


@dataclass
class Group:
    """One published group: its members and what is known of its order statistics."""

    members: tuple[Var, ...]
    bounds: list[list[float]] = field(default_factory=list)
    relations: list[tuple[int, float, float]] = field(default_factory=list)
    """(j, f, v): (1 - f) S_j + f S_{j+1} = v."""

    def __post_init__(self) -> None:
        if not self.bounds:
            self.bounds = [[0.0, 100.0] for _ in self.members]

    def confine(self, i: int, low: float, high: float) -> None:
        self.bounds[i][0] = max(self.bounds[i][0], low)
        self.bounds[i][1] = min(self.bounds[i][1], high)


class Attack:
    """A reader's knowledge: known values, groups, and the intervals they imply."""

    def __init__(self, known: dict[Var, float]) -> None:
        self.known = dict(known)
        self.values: dict[Var, list[float]] = {v: [x, x] for v, x in known.items()}
        self.groups: dict[tuple[Var, ...], Group] = {}

    def group(self, members: Iterable[Var]) -> Group:
        key = tuple(sorted(members, key=repr))
        if key not in self.groups:
            self.groups[key] = Group(key)
            for var in key:
                self.values.setdefault(var, [0.0, 100.0])
        return self.groups[key]

    # --- what was published -----------------------------------------------------------

    def band_quantile(self, members: Iterable[Var], rank: int, low: float, high: float) -> None:
        """The ``rank``-th smallest (1-based) member lies in [low, high]."""
        self.group(members).confine(rank - 1, low, high)

    def exact_quantile(self, members: Iterable[Var], q: float, value: float) -> None:
        """A quantile with linear interpolation (numpy's default) equals ``value``."""
        group = self.group(members)
        h = (len(group.members) - 1) * q
        j = int(h)
        f = h - j
        if f < EPS:
            group.confine(j, value - EPS, value + EPS)
        else:
            group.relations.append((j, f, value))

    def own_rank(self, members: Iterable[Var], position: int, value: float) -> None:
        """The reader's own value sits at sorted ``position`` (0-based)."""
        self.group(members).confine(position, value - EPS, value + EPS)

    # --- propagation ------------------------------------------------------------------

    def _order_bounds(self, group: Group) -> bool:
        lows = sorted(self.values[v][0] for v in group.members)
        highs = sorted(self.values[v][1] for v in group.members)
        changed = False
        for i, bound in enumerate(group.bounds):
            low, high = max(bound[0], lows[i]), min(bound[1], highs[i])
            if low > bound[0] + EPS or high < bound[1] - EPS:
                changed = True
            bound[0], bound[1] = low, high
        for i in range(1, len(group.bounds)):
            group.bounds[i][0] = max(group.bounds[i][0], group.bounds[i - 1][0])
        for i in range(len(group.bounds) - 2, -1, -1):
            group.bounds[i][1] = min(group.bounds[i][1], group.bounds[i + 1][1])
        for j, f, v in group.relations:
            low_j, high_j = group.bounds[j]
            low_k, high_k = group.bounds[j + 1]
            group.confine(j, (v - f * high_k) / (1 - f), (v - f * low_k) / (1 - f))
            group.confine(j + 1, (v - (1 - f) * high_j) / f, (v - (1 - f) * low_j) / f)
            group.confine(j, group.bounds[j][0], v)
            group.confine(j + 1, v, group.bounds[j + 1][1])
        return changed

    def _members_from_order(self, group: Group) -> bool:
        changed = False
        n = len(group.members)
        for i, (low, high) in enumerate(group.bounds):
            below = [v for v in group.members if self.values[v][0] <= high + EPS]
            if len(below) == i + 1:
                for v in below:
                    if self.values[v][1] > high + EPS:
                        self.values[v][1] = high
                        changed = True
            above = [v for v in group.members if self.values[v][1] >= low - EPS]
            if len(above) == n - i:
                for v in above:
                    if self.values[v][0] < low - EPS:
                        self.values[v][0] = low
                        changed = True
        return changed

    def propagate(self, rounds: int = 30) -> None:
        for _ in range(rounds):
            changed = False
            for group in self.groups.values():
                changed |= self._order_bounds(group)
                changed |= self._members_from_order(group)
            if not changed:
                return

    # --- what the reader learned ----------------------------------------------------------

    def hidden(self) -> list[Var]:
        return [v for v in self.values if v not in self.known]

    def recovered(self) -> list[Var]:
        """Hidden values confined to 1 point or less."""
        return [v for v in self.hidden() if self.width(v) <= RECOVERED_WIDTH + EPS]

    def width(self, var: Var) -> float:
        low, high = self.values[var]
        return high - low

    def band_determined(self) -> list[Var]:
        """Hidden values whose 5-point band follows (interval inside one band)."""
        found = []
        for var in self.hidden():
            low, high = self.values[var]
            if int(low // BAND) == int(max(low, high - EPS) // BAND) or high - low < EPS:
                found.append(var)
        return found

    def recovered_unnamed(self) -> set[tuple[tuple[Var, ...], int]]:
        """Order statistics confined to 1 point that no known value can explain: the
        value of some hidden member, even if not which one."""
        found = set()
        for key, group in self.groups.items():
            knowns = [self.known[v] for v in group.members if v in self.known]
            for i, (low, high) in enumerate(group.bounds):
                if high - low > RECOVERED_WIDTH + EPS:
                    continue
                if any(low - EPS <= x <= high + EPS for x in knowns):
                    continue
                found.add((key, i))
        return found
