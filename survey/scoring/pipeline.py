"""The public schema-1 functions: each analysis alone, and :func:`score` for all of them."""

from __future__ import annotations

import polars as pl

from survey.disclosure.roles import MIN_ROLE_GROUP
from survey.scoring.aggregation import (
    coherence_plan,
    instruments_plan,
    organisation_dimensions_plan,
    role_plan,
)
from survey.scoring.contract import (
    COHERENCE_SCHEMA,
    DEFAULT_MATURITY_INSTRUMENT,
    DIMENSION_KEY,
    INSTRUMENT_SCHEMA,
    ORG,
    ORGANISATION_DIMENSION_SCHEMA,
    PRIORITY_SCHEMA,
    ROLE_DIMENSION_SCHEMA,
    Frame,
    checked,
    finish,
)
from survey.scoring.engine import Engine
from survey.scoring.priorities import priorities_plan
from survey.scoring.results import Scores


def dimension_scores(answers: Frame, items: Frame) -> pl.DataFrame:
    """Schema 1, the organisation dimension scores alone (the ``dimensions`` of
    :func:`score`, columns of DIMENSION_SCHEMA), without the other analyses."""
    return Engine(answers, items, MIN_ROLE_GROUP).dimensions()


def respondent_dimension_scores(answers: Frame, items: Frame) -> pl.DataFrame:
    """Rule 2, one row per respondent and dimension of the instruments in scope.

    Columns: organisation_id, respondent_id, role, instrument_id, dimension_id,
    score, scored_items, item_count. Never shown as such.
    """
    return Engine(answers, items, MIN_ROLE_GROUP).respondent_dimensions()


def role_dimension_scores(respondent_scores: Frame) -> pl.DataFrame:
    """Rule 3. Columns: organisation_id, role, instrument_id, dimension_id, score,
    respondents (respondents with a defined score)."""
    frame = checked(respondent_scores, [ORG, "role", *DIMENSION_KEY, "score"], "respondent_scores")
    plan = role_plan(frame, DIMENSION_KEY)
    return finish(plan, ROLE_DIMENSION_SCHEMA, [ORG, *DIMENSION_KEY, "role"]).collect()


def organisation_dimension_scores(role_scores: Frame) -> pl.DataFrame:
    """Rules 4 and 6. Columns: organisation_id, instrument_id, dimension_id, score,
    level, respondents, role_groups (role groups with a defined score)."""
    frame = checked(role_scores, [ORG, *DIMENSION_KEY, "score", "respondents"], "role_scores")
    plan = organisation_dimensions_plan(frame)
    return finish(plan, ORGANISATION_DIMENSION_SCHEMA, [ORG, *DIMENSION_KEY]).collect()


def dont_know_rates(answers: Frame, items: Frame) -> pl.DataFrame:
    """Rule 7, pooled over all respondents' answers. Columns: organisation_id,
    instrument_id, dimension_id, dont_know_rate, answered (answers),
    answering_respondents."""
    return Engine(answers, items, MIN_ROLE_GROUP).dont_know_rates()


def instrument_scores(dimension_scores: Frame) -> pl.DataFrame:
    """Rules 5 and 6. Columns: organisation_id, instrument_id, score, level,
    dimensions, scored_dimensions, min_respondents (fewest respondents behind a
    defined dimension score)."""
    needed = [ORG, "instrument_id", "score", "respondents"]
    plan = instruments_plan(checked(dimension_scores, needed, "dimension_scores"))
    return finish(plan, INSTRUMENT_SCHEMA, [ORG, "instrument_id"]).collect()


def item_results(
    answers: Frame, items: Frame, min_role_group: int = MIN_ROLE_GROUP
) -> pl.DataFrame:
    """Per organisation and item: role-balanced score, counts, don't-know rate,
    role spread (among role groups the disclosure rule lets show) and priority.

    Columns: organisation_id, instrument_id, dimension_id, item_id, score,
    respondents (with a scored answer), answered, dont_know_rate, role_spread,
    priority, weight.
    """
    return Engine(answers, items, min_role_group).item_results()


def balance(answers: Frame, items: Frame) -> pl.DataFrame:
    """Rule 8. Columns: organisation_id, control, enablement, quadrant,
    control_respondents, enablement_respondents."""
    return Engine(answers, items, MIN_ROLE_GROUP).balance()


def coherence(
    dimension_scores: Frame, maturity_instrument_id: str = DEFAULT_MATURITY_INSTRUMENT
) -> pl.DataFrame:
    """Rule 9. Columns: organisation_id, coherent (null when it cannot be judged)."""
    frame = checked(dimension_scores, [ORG, "instrument_id", "score"], "dimension_scores")
    plan = coherence_plan(frame, maturity_instrument_id)
    return finish(plan, COHERENCE_SCHEMA, [ORG]).collect()


def priorities(item_results: Frame) -> pl.DataFrame:
    """Rule 10: findings in priority order, ranked per organisation.

    Columns: organisation_id, rank, finding (low_score | awareness_gap |
    role_disagreement), instrument_id, dimension_id, item_id, priority, score,
    weight, dont_know_rate, role_spread.
    """
    needed = [c for c in PRIORITY_SCHEMA if c not in ("rank", "finding")]
    plan = priorities_plan(checked(item_results, needed, "item_results"))
    return finish(plan, PRIORITY_SCHEMA).collect()


def score(
    answers: Frame, items: Frame, *, maturity_instrument_id: str = DEFAULT_MATURITY_INSTRUMENT
) -> Scores:
    """Schema 1, the whole pipeline: validate and code once, then every analysis."""
    engine = Engine(answers, items, MIN_ROLE_GROUP)
    dimensions = engine.dimensions()
    return Scores(
        respondent_dimensions=engine.respondent_dimensions(),
        role_dimensions=engine.role_dimensions(),
        dimensions=dimensions,
        instruments=engine.instruments(),
        items=engine.item_results(),
        balance=engine.balance(),
        coherence=coherence(dimensions, maturity_instrument_id),
        priorities=engine.priorities(),
        maturity_instrument_id=maturity_instrument_id,
    )
