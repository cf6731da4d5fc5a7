"""The improvement report's closing notes: the method, what anonymity hid, the limits."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from analytics.report.figures import rate_text, score_text
from analytics.report.model import InstrumentSnapshot, Notes, ReportInput
from instruments import vocabularies
from survey import scoring
from survey.disclosure.roles import MIN_ROLE_GROUP
from survey.i18n import Translator


def notes(data: ReportInput, t: Translator, snapshots: Sequence[InstrumentSnapshot]) -> Notes:
    results = data.results
    method = [
        t(
            "Every answer option scores 0 to 100; “don't know” and “not applicable” are not scored, and never count as zero."
        ),
        t(
            "A respondent's dimension score is the weighted mean of the answered statements; a role group's score is the mean of its respondents, and the organisation's score the mean of its role groups, so that every role counts once."
        ),
        t(
            "An instrument's score is the mean of its dimensions. Levels 1 to 5 start at 0, 20, 40, 60 and 80."
        ),
        t(
            "Control (rules, monitoring, sanctions, account security) and enablement (added value, training, encouragement, dialogue) are each high from 50; together they place the organisation in one of four quadrants."
        ),
        t(
            "Priorities order statements by (100 − score) × weight. A “don't know” rate of %(dont_know)s or more and role groups %(spread)s points or more apart are findings of their own.",
            dont_know=rate_text(scoring.HIGH_DONT_KNOW_RATE),
            spread=score_text(scoring.ROLE_DISAGREEMENT),
        ),
        t(
            "Peers are compared on their latest closed round on the same instrument version. The percentile rank is the share of peers scoring lower, ties counting half."
        ),
    ]
    if data.base_url:
        method.append(
            t(
                "The scoring rules are published at %(url)s.",
                url=data.base_url.rstrip("/") + "/methodology",
            )
        )
    hidden_roles = sum(
        1 for role in results.get("roles", []) for dim in role["dimensions"] if dim["suppressed"]
    )
    hidden_dims = sum(
        1
        for inst in results["instruments"]
        for dim in inst["dimensions"]
        if dim["score"] is None and dim["respondents"] > 0
    )
    hidden_items = (
        data.items.filter(pl.col("suppressed") & (pl.col("respondents") > 0)).height
        if "suppressed" in data.items.columns
        else 0
    )
    hidden_peers = sum(1 for inst in snapshots for d in inst.dimensions if d.peers.suppressed)
    anonymity_notes = [
        t(
            "A role group is shown only with at least %(minimum)s respondents, and never when a smaller hidden group could be worked out from the shown ones and the overall score.",
            minimum=MIN_ROLE_GROUP,
        ),
        t(
            "A score or “don't know” rate is shown only with at least %(minimum)s respondents behind it.",
            minimum=MIN_ROLE_GROUP,
        ),
        t(
            "Peer figures are 5-point bands. A group shows its median band with at least 4 organisations whose scores a reader does not already know, its quartiles with 10; otherwise only its count."
        ),
    ]
    if hidden_roles:
        anonymity_notes.append(
            t(
                "In this report %(count)s role-group figures are not shown for these reasons.",
                count=hidden_roles,
            )
        )
    if hidden_dims + hidden_items:
        anonymity_notes.append(
            t(
                "%(count)s dimension or statement scores are not shown because too few respondents stand behind them.",
                count=hidden_dims + hidden_items,
            )
        )
    if hidden_peers:
        anonymity_notes.append(
            t(
                "The peer comparison is not shown for %(count)s dimensions (too few organisations whose scores a reader does not already know).",
                count=hidden_peers,
            )
        )
    if not (hidden_roles or hidden_dims or hidden_items or hidden_peers):
        anonymity_notes.append(t("No figure in this report had to be hidden."))
    anonymity_notes.append(
        t(
            "The numbers of respondents are shown for roles of 3 or more, the smaller roles together; their answers are not."
        )
    )
    roles = vocabularies().roles
    if results.get("scheme") == 2:
        viewed = {r["role"] for r in results.get("roles", [])}
        without = [roles.label(role, t.lang) for role in roles.ids() if role not in viewed]
        take_part = (
            t(
                "No view of their own (fewer than 3 respondents, or none) for: %(roles)s. Their answers count only in the statement figures, together as other roles, and not in the dimension scores.",
                roles=", ".join(without),
            )
            if without
            else t(
                "Every role has a view of its own; each counts with its number of respondents, up to 10."
            )
        )
    else:
        answered = {r["role"] for r in results.get("roles", [])}
        missing = [roles.label(role, t.lang) for role in roles.ids() if role not in answered]
        take_part = (
            t(
                "No respondents from: %(roles)s. Their view is missing from the scores.",
                roles=", ".join(missing),
            )
            if missing
            else t(
                "Every role took part, but the roles weigh equally however many respondents each has."
            )
        )
    limits = [
        t(
            "This is a self-assessment: the scores show how respondents see the policy and its practice, not what an audit would find."
        ),
        t(
            "%(count)s respondents took part. With few respondents one answer moves a score noticeably; read small differences as no difference.",
            count=int(results["round"].get("submitted") or 0),
        ),
        take_part,
        t(
            "Peers are organisations that chose to take the test, not a random sample of the sector."
        ),
        t("The scores show where to look, not why: that is what the dialogue is for."),
    ]
    return Notes(method=method, anonymity=anonymity_notes, limits=limits)
