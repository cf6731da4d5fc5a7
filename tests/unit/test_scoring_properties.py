"""Properties of the scoring engine on generated data (hypothesis).

Besides the properties the methodology promises (bounds, order independence,
"don't know" is never a zero, monotonicity), the engine is checked against a
plain-Python reading of the rules, written as directly as possible.
"""

from __future__ import annotations

import random
from collections import defaultdict
from statistics import mean

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from survey import scoring
from survey.disclosure.roles import visible_role_groups

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROLES = ("hr", "it", "staff", "legal")
INSTRUMENTS = ("sm-maturity", "ctg-access")
OUTPUT_FRAMES = (
    "respondent_dimensions",
    "role_dimensions",
    "dimensions",
    "instruments",
    "items",
    "balance",
    "coherence",
    "priorities",
)


@st.composite
def datasets(draw, *, integer_scores: bool = True):
    """(items, answers) with 1-2 instruments sharing item ids, 1-3 organisations."""
    weight = st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0])
    score = (
        st.integers(0, 100).map(float)
        if integer_scores
        else st.floats(0, 100, allow_nan=False, allow_infinity=False)
    )
    items = []
    for instrument in draw(st.lists(st.sampled_from(INSTRUMENTS), min_size=1, unique=True)):
        for dimension in range(draw(st.integers(1, 3))):
            for item in range(draw(st.integers(1, 4))):
                items.append(
                    {
                        "item_id": f"d{dimension}.i{item}",
                        "instrument_id": instrument,
                        "dimension_id": f"d{dimension}",
                        "weight": draw(weight),
                        "tag": draw(st.sampled_from([None, "control", "enablement"])),
                    }
                )
    answers = []
    for organisation in range(draw(st.integers(1, 3))):
        for number in range(draw(st.integers(1, 7))):
            role = draw(st.sampled_from(ROLES))
            for item in items:
                kind = draw(st.sampled_from(["none", "scored", "scored", "dont_know", "na"]))
                if kind == "none":
                    continue
                answers.append(
                    {
                        "organisation_id": f"org{organisation}",
                        "respondent_id": f"org{organisation}-r{number}",
                        "role": role,
                        "instrument_id": item["instrument_id"],
                        "item_id": item["item_id"],
                        "score": draw(score) if kind == "scored" else None,
                        "kind": {"na": "not_applicable"}.get(kind, kind),
                    }
                )
    return (
        pl.DataFrame(items, schema=scoring.ITEM_SCHEMA),
        pl.DataFrame(answers, schema=scoring.ANSWER_SCHEMA),
    )


def score_columns(scores: scoring.Scores):
    yield scores.respondent_dimensions.get_column("score")
    yield scores.role_dimensions.get_column("score")
    yield scores.dimensions.get_column("score")
    yield scores.instruments.get_column("score")
    yield scores.items.get_column("score")
    yield scores.items.get_column("role_spread")
    yield scores.balance.get_column("control")
    yield scores.balance.get_column("enablement")


def assert_same_scores(left: scoring.Scores, right: scoring.Scores) -> None:
    for name in OUTPUT_FRAMES:
        assert_frame_equal(getattr(left, name), getattr(right, name), abs_tol=1e-9)


# --- bounds --------------------------------------------------------------------------


@SETTINGS
@given(datasets(integer_scores=False))
def test_scores_stay_within_0_and_100(data):
    items, answers = data
    scores = scoring.score(answers, items)
    for column in score_columns(scores):
        assert column.drop_nulls().is_between(0, 100).all(), column.name
    for frame in (scores.dimensions, scores.instruments):
        assert frame.get_column("level").drop_nulls().is_between(1, 5).all()
    rates = pl.concat([scores.dimensions["dont_know_rate"], scores.items["dont_know_rate"]])
    assert rates.drop_nulls().is_between(0, 1).all()


def test_a_weighted_mean_of_hundreds_stays_at_100():
    # sum(100 * w) / sum(w) is not exactly 100 in floating point for every weight
    items = pl.DataFrame(
        {
            "item_id": [f"i{n}" for n in range(7)],
            "instrument_id": ["sm-maturity"] * 7,
            "dimension_id": ["x"] * 7,
            "weight": [0.1, 0.7, 1.3, 0.3, 2.9, 0.55, 1.1],
            "tag": [None] * 7,
        },
        schema=scoring.ITEM_SCHEMA,
    )
    answers = pl.DataFrame(
        {
            "organisation_id": ["o"] * 7,
            "respondent_id": ["r"] * 7,
            "role": ["hr"] * 7,
            "instrument_id": ["sm-maturity"] * 7,
            "item_id": [f"i{n}" for n in range(7)],
            "score": [100.0] * 7,
            "kind": ["scored"] * 7,
        }
    )
    dimension = scoring.score(answers, items).dimensions.row(0, named=True)
    assert (dimension["score"], dimension["level"]) == (100.0, 5)


# --- order independence ------------------------------------------------------------------


@SETTINGS
@given(datasets(), st.randoms(use_true_random=False))
def test_reordering_the_rows_changes_nothing(data, rng: random.Random):
    items, answers = data
    order = list(range(answers.height))
    rng.shuffle(order)
    item_order = list(range(items.height))
    rng.shuffle(item_order)
    shuffled = scoring.score(answers[order], items[item_order])
    assert_same_scores(scoring.score(answers, items), shuffled)


@SETTINGS
@given(datasets(integer_scores=False), st.randoms(use_true_random=False))
def test_reordering_rows_with_any_scores_changes_nothing_but_rounding(data, rng):
    items, answers = data
    order = list(range(answers.height))
    rng.shuffle(order)
    before, after = scoring.score(answers, items), scoring.score(answers[order], items)
    for left, right in zip(score_columns(before), score_columns(after), strict=True):
        assert left.is_null().equals(right.is_null())
        difference = (left - right).abs().max()
        assert (
            difference is None or difference <= 2e-9
        )  # one unit in the 9th decimal, plus float error


@SETTINGS
@given(datasets())
def test_scoring_organisations_together_equals_scoring_each_alone(data):
    items, answers = data
    together = scoring.score(answers, items)
    for organisation in answers.get_column("organisation_id").unique():
        alone = scoring.score(answers.filter(organisation_id=organisation), items)
        for name in OUTPUT_FRAMES:
            frame = getattr(together, name)
            if "organisation_id" in frame.columns:
                part = frame.filter(organisation_id=organisation)
                assert_frame_equal(part, getattr(alone, name), abs_tol=1e-9)


# --- "don't know" is never a zero -----------------------------------------------------------


@SETTINGS
@given(datasets(), st.data())
def test_a_dont_know_for_an_unanswered_item_never_changes_a_score(data, draw):
    items, answers = data
    if answers.height == 0:
        return
    respondent = draw.draw(st.sampled_from(sorted(set(answers["respondent_id"]))))
    own = answers.filter(respondent_id=respondent)
    organisation = own["organisation_id"][0]
    # items of instruments the organisation already answered (a first answer to a new
    # instrument brings that instrument into scope: see the methodology)
    answered = set(answers.filter(organisation_id=organisation)["instrument_id"])
    taken = set(own.select("instrument_id", "item_id").iter_rows())
    open_items = [
        key
        for key in items.select("instrument_id", "item_id").iter_rows()
        if key[0] in answered and key not in taken
    ]
    if not open_items:
        return
    instrument, item = draw.draw(st.sampled_from(open_items))
    extra = own.head(1).with_columns(
        pl.lit(instrument).alias("instrument_id"),
        pl.lit(item).alias("item_id"),
        pl.lit(None, pl.Float64).alias("score"),
        pl.lit("dont_know").alias("kind"),
    )
    before = scoring.score(answers, items)
    after = scoring.score(pl.concat([answers, extra]), items)
    for left, right in zip(score_columns(before), score_columns(after), strict=True):
        assert left.equals(right), left.name
    assert_frame_equal(before.balance, after.balance)
    assert_frame_equal(before.coherence, after.coherence)


# --- monotonicity ---------------------------------------------------------------------------------


@SETTINGS
@given(datasets(integer_scores=False), st.data())
def test_raising_one_answer_never_lowers_its_dimension_score(data, draw):
    items, answers = data
    scored = answers.with_row_index().filter(kind="scored")
    if scored.height == 0:
        return
    row = scored.row(draw.draw(st.integers(0, scored.height - 1)), named=True)
    higher = draw.draw(st.floats(row["score"], 100, allow_nan=False))
    raised = answers.with_columns(
        pl.when(pl.int_range(pl.len()) == row["index"])
        .then(higher)
        .otherwise(pl.col("score"))
        .alias("score")
    )
    dimension = items.filter(instrument_id=row["instrument_id"], item_id=row["item_id"])[
        "dimension_id"
    ][0]
    where = {
        "organisation_id": row["organisation_id"],
        "instrument_id": row["instrument_id"],
        "dimension_id": dimension,
    }
    before, after = scoring.score(answers, items), scoring.score(raised, items)
    for name, extra in (
        ("respondent_dimensions", {"respondent_id": row["respondent_id"]}),
        ("role_dimensions", {"role": row["role"]}),
        ("dimensions", {}),
    ):
        old = getattr(before, name).filter(**where, **extra)["score"][0]
        new = getattr(after, name).filter(**where, **extra)["score"][0]
        assert (old is None) == (new is None), name
        if old is not None:
            assert new >= old, name
    item = {"organisation_id": row["organisation_id"], "item_id": row["item_id"]}
    old_item = before.items.filter(**item, instrument_id=row["instrument_id"])["score"][0]
    new_item = after.items.filter(**item, instrument_id=row["instrument_id"])["score"][0]
    assert new_item >= old_item


# --- the rules, read directly -----------------------------------------------------------------------


def reference(items: pl.DataFrame, answers: pl.DataFrame):
    """The methodology's rules as plain Python loops: slow, obvious, independent."""
    item_info = {(r["instrument_id"], r["item_id"]): r for r in items.iter_rows(named=True)}
    dimension_items = defaultdict(list)
    for key, info in item_info.items():
        dimension_items[(key[0], info["dimension_id"])].append(key)
    in_scope = [
        a for a in answers.iter_rows(named=True) if (a["instrument_id"], a["item_id"]) in item_info
    ]
    answer = {(a["respondent_id"], a["instrument_id"], a["item_id"]): a for a in in_scope}
    who = {a["respondent_id"]: (a["organisation_id"], a["role"]) for a in in_scope}
    instruments_of = defaultdict(set)
    for a in in_scope:
        instruments_of[a["organisation_id"]].add(a["instrument_id"])

    def respondent_score(respondent, keys):
        scored = [
            answer[(respondent, *k)]
            for k in keys
            if (respondent, *k) in answer and answer[(respondent, *k)]["kind"] == "scored"
        ]
        if not keys or 2 * len(scored) < len(keys):
            return None
        weights = [item_info[(a["instrument_id"], a["item_id"])]["weight"] for a in scored]
        return sum(a["score"] * w for a, w in zip(scored, weights, strict=True)) / sum(weights)

    def balanced(per_respondent):
        """{(organisation, role): [scores]} -> role means and organisation means."""
        roles = {k: mean(v) for k, v in per_respondent.items() if v}
        organisations = defaultdict(list)
        for (organisation, _), value in roles.items():
            organisations[organisation].append(value)
        return roles, {k: mean(v) for k, v in organisations.items()}

    dimensions, dont_know = {}, {}
    for (instrument, dimension), keys in dimension_items.items():
        per_role = defaultdict(list)
        pooled = defaultdict(lambda: [0, 0])
        for respondent, (organisation, role) in who.items():
            if instrument not in instruments_of[organisation]:
                continue
            per_role[(organisation, role)]
            value = respondent_score(respondent, keys)
            if value is not None:
                per_role[(organisation, role)].append(value)
            for key in keys:
                if (respondent, *key) in answer:
                    pooled[organisation][0] += answer[(respondent, *key)]["kind"] == "dont_know"
                    pooled[organisation][1] += 1
        _, organisations = balanced(per_role)
        for organisation in {o for o, _ in per_role}:
            dimensions[(organisation, instrument, dimension)] = organisations.get(organisation)
            dk, n = pooled[organisation]
            dont_know[(organisation, instrument, dimension)] = dk / n if n else None

    item_scores, spreads = {}, {}
    for (instrument, item), _ in item_info.items():
        per_role = defaultdict(list)
        for respondent, (organisation, role) in who.items():
            a = answer.get((respondent, instrument, item))
            if a and a["kind"] == "scored":
                per_role[(organisation, role)].append(a["score"])
        roles, organisations = balanced(per_role)
        for organisation in [o for o, used in instruments_of.items() if instrument in used]:
            item_scores[(organisation, instrument, item)] = organisations.get(organisation)
            counts = {r: len(v) for (o, r), v in per_role.items() if o == organisation}
            shown = [roles[(organisation, r)] for r in visible_role_groups(counts)]
            spread = max(shown) - min(shown) if len(shown) >= 2 else None
            spreads[(organisation, instrument, item)] = spread

    balance = {}
    for tag in scoring.TAGS:
        per_role = defaultdict(list)
        for respondent, (organisation, role) in who.items():
            keys = [
                k
                for k, info in item_info.items()
                if info["tag"] == tag and k[0] in instruments_of[organisation]
            ]
            value = respondent_score(respondent, keys) if keys else None
            if value is not None:
                per_role[(organisation, role)].append(value)
        balance[tag] = balanced(per_role)[1]
    return dimensions, dont_know, item_scores, spreads, balance


def close(left, right) -> bool:
    if left is None or right is None:
        return left is None and right is None
    return abs(left - right) <= 1e-7


@SETTINGS
@given(datasets(integer_scores=False))
def test_the_engine_follows_the_rules(data):
    items, answers = data
    dimensions, dont_know, item_scores, spreads, balance = reference(items, answers)
    scores = scoring.score(answers, items)

    keys = ["organisation_id", "instrument_id", "dimension_id"]
    engine = {
        tuple(r[:3]): r[3:]
        for r in scores.dimensions.select(*keys, "score", "dont_know_rate").rows()
    }
    assert engine.keys() == dimensions.keys()
    for key, (value, rate) in engine.items():
        assert close(value, dimensions[key]), key
        assert close(rate, dont_know[key]), key

    keys = ["organisation_id", "instrument_id", "item_id"]
    engine = {
        tuple(r[:3]): r[3:] for r in scores.items.select(*keys, "score", "role_spread").rows()
    }
    assert engine.keys() == item_scores.keys()
    for key, (value, spread) in engine.items():
        assert close(value, item_scores[key]), key
        assert close(spread, spreads[key]), key

    for row in scores.balance.iter_rows(named=True):
        for tag in scoring.TAGS:
            assert close(row[tag], balance[tag].get(row["organisation_id"])), tag


@pytest.mark.parametrize("seed", range(3))
def test_the_engine_follows_the_rules_on_a_larger_batch(seed):
    rng = random.Random(seed)
    items = pl.DataFrame(
        [
            {
                "item_id": f"d{d}.i{i}",
                "instrument_id": instrument,
                "dimension_id": f"d{d}",
                "weight": rng.choice([1.0, 1.5, 2.0]),
                "tag": rng.choice([None, "control", "enablement"]),
            }
            for instrument in INSTRUMENTS
            for d in range(4)
            for i in range(5)
        ],
        schema=scoring.ITEM_SCHEMA,
    )
    answers = []
    for organisation in range(40):
        for number in range(rng.randint(1, 12)):
            role = rng.choice(ROLES)
            for item in items.iter_rows(named=True):
                kind = rng.choice(["scored", "scored", "scored", "dont_know", "not_applicable"])
                answers.append(
                    {
                        "organisation_id": f"org{organisation:02}",
                        "respondent_id": f"org{organisation:02}-r{number}",
                        "role": role,
                        "instrument_id": item["instrument_id"],
                        "item_id": item["item_id"],
                        "score": float(rng.choice([0, 25, 50, 75, 100]))
                        if kind == "scored"
                        else None,
                        "kind": kind,
                    }
                )
    answers = pl.DataFrame(answers, schema=scoring.ANSWER_SCHEMA)
    dimensions, _, item_scores, spreads, _ = reference(items, answers)
    scores = scoring.score(answers, items)
    for row in scores.dimensions.iter_rows(named=True):
        key = (row["organisation_id"], row["instrument_id"], row["dimension_id"])
        assert close(row["score"], dimensions[key]), key
    for row in scores.items.iter_rows(named=True):
        key = (row["organisation_id"], row["instrument_id"], row["item_id"])
        assert close(row["score"], item_scores[key]), key
        assert close(row["role_spread"], spreads[key]), key
