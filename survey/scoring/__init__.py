"""The scoring engine: pure Polars functions from answers to scores.

Frames in, frames out, one analysis per function, every output column named and
typed. Schema-1 rounds follow the schema-1 rules (:func:`score`); schema-2 rounds the
schema-2 rules (:func:`score_v2`); :func:`score_scheme` picks by the instruments'
``scheme``. The rules and every decision for cases they leave open are written out in
``docs/methodology.md``; ``tests/unit/test_scoring*.py`` pin them down.

Modules: ``contract`` (columns, constants), ``validation``, ``coding`` (integer
codes), ``levels``, ``aggregation`` (schema-1 respondent, role and organisation
plans), ``balance``, ``items``, ``priorities``, ``engine`` (the schema-1 engine),
``pipeline`` (the public schema-1 functions), ``results`` (:class:`Scores`),
``derive`` (coherence and priorities from other figures) and the ``v2`` package
(schema-2 rules).
"""

from survey.scoring.contract import (
    ANSWER_SCHEMA,
    BALANCE_SCHEMA,
    COHERENCE_SCHEMA,
    COHERENT_LEVEL,
    DEFAULT_MATURITY_INSTRUMENT,
    DIMENSION_SCHEMA,
    DONT_KNOW_SCHEMA,
    FINDINGS,
    HIGH_BALANCE,
    HIGH_DONT_KNOW_RATE,
    INSTRUMENT_SCHEMA,
    ITEM_RESULT_SCHEMA,
    ITEM_SCHEMA,
    KINDS,
    LEVEL_LOWER_BOUNDS,
    ORGANISATION_DIMENSION_SCHEMA,
    PRIORITY_SCHEMA,
    QUADRANTS,
    RESPONDENT_DIMENSION_SCHEMA,
    ROLE_DIMENSION_SCHEMA,
    ROLE_DISAGREEMENT,
    SCORE_DECIMALS,
    TAGS,
    Frame,
)
from survey.scoring.levels import level_of, maturity_level, quadrant, rung_level
from survey.scoring.pipeline import (
    balance,
    coherence,
    dimension_scores,
    dont_know_rates,
    instrument_scores,
    item_results,
    organisation_dimension_scores,
    priorities,
    respondent_dimension_scores,
    role_dimension_scores,
    score,
)
from survey.scoring.results import Scores
from survey.scoring.v2.contract import (
    ANSWER_SCHEMA_V2,
    BALANCE_SCHEMA_V2,
    DIMENSION_SCHEMA_V2,
    ITEM_RESULT_SCHEMA_V2,
    ITEM_SCHEMA_V2,
    ORIENTATION_SCHEMA,
    ROLE_DISAGREEMENT_V2,
    USE_SCHEMA,
    VIEW_SCHEMA,
)
from survey.scoring.v2.engine import score_v2
from survey.scoring.validation import validate_answers, validate_items


def score_scheme(
    scheme: int,
    answers: Frame,
    items: Frame,
    *,
    maturity_instrument_id: str = DEFAULT_MATURITY_INSTRUMENT,
) -> Scores:
    """Score with the rules of ``scheme`` (an instrument's schema version: 1 or 2)."""
    if scheme == 1:
        return score(answers, items, maturity_instrument_id=maturity_instrument_id)
    if scheme == 2:
        return score_v2(answers, items, maturity_instrument_id=maturity_instrument_id)
    raise ValueError(f"unknown scoring scheme {scheme!r}")


__all__ = [
    "ANSWER_SCHEMA",
    "ANSWER_SCHEMA_V2",
    "BALANCE_SCHEMA",
    "BALANCE_SCHEMA_V2",
    "COHERENCE_SCHEMA",
    "COHERENT_LEVEL",
    "DEFAULT_MATURITY_INSTRUMENT",
    "DIMENSION_SCHEMA",
    "DIMENSION_SCHEMA_V2",
    "DONT_KNOW_SCHEMA",
    "FINDINGS",
    "HIGH_BALANCE",
    "HIGH_DONT_KNOW_RATE",
    "INSTRUMENT_SCHEMA",
    "ITEM_RESULT_SCHEMA",
    "ITEM_RESULT_SCHEMA_V2",
    "ITEM_SCHEMA",
    "ITEM_SCHEMA_V2",
    "KINDS",
    "LEVEL_LOWER_BOUNDS",
    "ORGANISATION_DIMENSION_SCHEMA",
    "ORIENTATION_SCHEMA",
    "PRIORITY_SCHEMA",
    "QUADRANTS",
    "RESPONDENT_DIMENSION_SCHEMA",
    "ROLE_DIMENSION_SCHEMA",
    "ROLE_DISAGREEMENT",
    "ROLE_DISAGREEMENT_V2",
    "SCORE_DECIMALS",
    "TAGS",
    "USE_SCHEMA",
    "VIEW_SCHEMA",
    "Frame",
    "Scores",
    "balance",
    "coherence",
    "dimension_scores",
    "dont_know_rates",
    "instrument_scores",
    "item_results",
    "level_of",
    "maturity_level",
    "organisation_dimension_scores",
    "priorities",
    "quadrant",
    "respondent_dimension_scores",
    "role_dimension_scores",
    "rung_level",
    "score",
    "score_scheme",
    "score_v2",
    "validate_answers",
    "validate_items",
]
