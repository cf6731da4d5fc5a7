"""Schema-2 scoring rules (decisions D2 and D3 in ``docs/methodology.md``).

``contract`` (columns and constants), ``exact`` (integer arithmetic, rounded once),
``figures`` (routing and a respondent's value per figure), ``views`` (role views, the
pooled "other roles", left-out answers, capped weights), ``fragility``
(leave-one-out), ``orientation`` (balance with its margin), ``findings`` (items,
tiered advice, priorities, coherence) and ``engine`` (:func:`score_v2`).
"""
