"""The report model, built from hand-made anonymised results (no database).

`results()` writes a dictionary in the shape `round_scores` returns, for the real
instruments, with the scores a test chooses; `peer_rows()` the benchmark rows.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest

from analytics import benchmark
from analytics.report import content
from analytics.report.content import (
    INSTRUMENT_SCOPE,
    improvement_report,
    rate_text,
    score_text,
)
from analytics.report.dialogue import AGENDA, ROLES_BY_DIMENSION, SESSION_MINUTES, invite_roles
from analytics.report.model import OrganisationProfile, ReportInput
from instruments import default_library, vocabularies
from survey.disclosure.counts import role_counts
from survey.scoring import ITEM_RESULT_SCHEMA, level_of

LIB = default_library()
ALL = [i.id for i in LIB.latest_versions()]
PROFILE = OrganisationProfile("Gemeente Test", "municipalities", "250-999", "NL")


def results(
    scores: dict[tuple[str, str], float | None] | None = None,
    *,
    instruments: list[str] | None = None,
    default: float = 60.0,
    roles: dict[str, dict[tuple[str, str], float | None]] | None = None,
    scheme: int = 1,
    counts: dict[str, int] | None = None,
    priorities: list[dict[str, Any]] | None = None,
    quadrant: str | None = "balanced",
    coherent: bool | None = True,
    dont_know: dict[tuple[str, str], float] | None = None,
    lang: str = "en",
) -> dict[str, Any]:
    scores, roles, counts, dont_know = scores or {}, roles or {}, counts or {}, dont_know or {}
    chosen = [LIB.get(i) for i in (instruments or ALL)]
    shaped = []
    for inst in chosen:
        dims = []
        for dim in inst.dimensions:
            score = scores.get((inst.id, dim.id), default)
            level = level_of(score)
            dims.append(
                {
                    "id": dim.id,
                    "title": dim.title.get(lang),
                    "score": score,
                    "level": level,
                    "level_description": dim.levels[level - 1].get(lang) if level else None,
                    "dont_know_rate": dont_know.get((inst.id, dim.id), 0.05),
                    "respondents": 9 if score is not None else 2,
                    "suppressed": score is None,
                }
            )
        defined = [d["score"] for d in dims if d["score"] is not None]
        inst_score = sum(defined) / len(defined) if len(defined) == len(dims) else None
        shaped.append(
            {
                "id": inst.id,
                "version": inst.version,
                "title": inst.title.get(lang),
                "score": inst_score,
                "level": level_of(inst_score),
                "dimensions": dims,
            }
        )
    role_rows = [
        {
            "role": role,
            "label": vocabularies().roles.label(role, lang),
            "respondents": counts.get(role, 3) if counts.get(role, 3) >= 3 else None,
            "suppressed": all(v is None for v in by_dim.values()),
            "dimensions": [
                {
                    "instrument": key[0],
                    "dimension": key[1],
                    "title": key[1],
                    "score": value,
                    "suppressed": value is None,
                }
                for key, value in by_dim.items()
            ],
        }
        for role, by_dim in sorted(roles.items())
    ]
    return {
        "round": {
            "id": "r1",
            "label": "2026",
            "status": "closed",
            "closed_at": "2026-03-01T10:00:00+00:00",
            "submitted": sum(counts.values()) or 9,
        },
        "instruments": shaped,
        "balance": {"control": 70.0, "enablement": 65.0, "quadrant": quadrant},
        "coherent": coherent,
        "scheme": scheme,
        "roles": role_rows,
        "who_answered": [
            {
                "role": line.role,
                "label": None if line.role == "other" else vocabularies().roles.label(line.role),
                "respondents": line.count,
            }
            for line in role_counts(counts or {role: 3 for role in roles})
        ],
        "priorities": priorities or [],
    }


def priority(
    rank: int, inst_id: str, item_id: str, finding: str = "low_score", lang: str = "en", **values
) -> dict:
    inst = LIB.get(inst_id)
    item = inst.item(item_id)
    score = values.get("score", 30.0)
    return {
        "rank": rank,
        "finding": finding,
        "instrument": inst_id,
        "dimension": item.dimension,
        "dimension_title": inst.dimension(item.dimension).title.get(lang),
        "item": item.id,
        "text": item.text.get(lang),
        "score": score,
        "priority": (100 - score) * item.weight if score is not None else None,
        "weight": item.weight,
        "dont_know_rate": values.get("dont_know_rate", 0.1),
        "role_spread": values.get("role_spread"),
        "recommendation": item.recommendation.get(lang),
        "dialogue_question": item.dialogue_question.get(lang),
        "sources": [{"file": s.file, "section": s.section} for s in item.sources],
    }


def peer_rows(
    keys: list[tuple[str, str]],
    *,
    suppressed: bool = False,
    suppression: str | None = None,
    count: int = 8,
) -> pl.DataFrame:
    rows = [
        {
            "peer_group": "sector",
            "organisation_id": "o1",
            "round_id": "r1",
            "synthetic": False,
            "sector": "municipalities",
            "size_band": "250-999",
            "country": "NL",
            "instrument_id": inst,
            "instrument_version": "1.0",
            "dimension_id": dim,
            "score": 60.0,
            "respondents": 9,
            "score_suppressed": False,
            "peer_count": count,
            "known": 1,
            "unknown": count - 1,
            "form": "count" if suppressed else "quartiles",
            "suppressed": suppressed,
            "suppression": suppression if suppressed else None,
            "position": None if suppressed else "above",
            "percentile": None if suppressed else 62,
            **{
                f"{name}_{end}": None if suppressed else low + (5.0 if end == "high" else 0.0)
                for name, low in (
                    ("median", 55.0),
                    ("q1", 40.0),
                    ("q3", 70.0),
                    ("top_decile", 85.0),
                )
                for end in ("low", "high")
            },
        }
        for inst, dim in keys
    ]
    return pl.DataFrame(rows, schema=benchmark.BENCHMARK_SCHEMA)


def make_input(
    res: dict[str, Any], *, peers: pl.DataFrame | None = None, inst_peers=None, lang="en"
):
    keys = [(i["id"], d["id"]) for i in res["instruments"] for d in i["dimensions"]]
    return ReportInput(
        organisation=PROFILE,
        results=res,
        items=pl.DataFrame(schema={**ITEM_RESULT_SCHEMA, "suppressed": pl.Boolean()}),
        benchmark=peers if peers is not None else peer_rows(keys),
        instrument_benchmark=inst_peers
        if inst_peers is not None
        else peer_rows([(i["id"], INSTRUMENT_SCOPE) for i in res["instruments"]]),
        peer_group="sector",
        instruments=[LIB.get(i["id"]) for i in res["instruments"]],
        lang=lang,
        generated_on=date(2026, 3, 2),
        base_url="https://smb.example.org",
    )


# --- formatting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (0.0, "0"), (62.5, "63"), (62.49, "62"), (99.5, "100"), (100, "100")],
)
def test_score_text_rounds_halves_up(value, text):
    assert score_text(value) == text


def test_rate_text():
    assert rate_text(None) == "" and rate_text(0.305) == "31%" and rate_text(0.3) == "30%"


# --- overview --------------------------------------------------------------------------------


def test_overview_strongest_weakest_and_verdicts():
    scores = {
        ("sm-maturity", "strategy"): 12.0,
        ("ctg-access", "risk"): 18.0,
        ("ctg-conduct", "personal"): 25.0,
        ("ctg-accounts", "security"): 95.0,
        ("sm-maturity", "dialogue"): 91.0,
        ("ctg-acceptable-use", "support"): 88.0,
        ("sm-maturity", "guideline"): None,
    }
    report = improvement_report(make_input(results(scores, quadrant="restrictive", coherent=False)))
    ov = report.overview
    assert [(d.instrument_id, d.dimension_id) for d in ov.weakest] == [
        ("sm-maturity", "strategy"),
        ("ctg-access", "risk"),
        ("ctg-conduct", "personal"),
    ]
    assert [d.score for d in ov.strongest] == [95.0, 91.0, 88.0]
    assert ov.quadrant_label == "Restrictive"
    assert "keep away from social media out of caution" in ov.quadrant_meaning
    assert ov.coherence_label == "Not yet coherent"
    sm = next(i for i in ov.instruments if i.id == "sm-maturity")
    assert sm.score is None and sm.level is None  # a hidden dimension hides the instrument score
    assert ov.peer_sentence == "Compared with the sector Municipalities: 8 organisations."
    assert all(i.peers.percentile == 62 for i in ov.instruments)


def test_overview_when_the_balance_and_peers_are_hidden():
    res = results(quadrant=None, coherent=None)
    inst_keys = [(i["id"], INSTRUMENT_SCOPE) for i in res["instruments"]]
    report = improvement_report(
        make_input(
            res,
            inst_peers=peer_rows(inst_keys, suppressed=True, suppression="few_unknown", count=4),
        )
    )
    ov = report.overview
    assert ov.quadrant_label == "Not shown" and ov.control is None and ov.enablement is None
    assert ov.coherence_label == "Cannot be judged"
    assert ov.peer_sentence == ""
    assert all(i.peers.suppressed and i.peers.percentile is None for i in ov.instruments)
    assert ov.instruments[0].peers.note == (
        "Only the number of organisations is shown: fewer than 4 organisations whose scores a "
        "reader does not already know."
    )


def test_dutch_overview():
    report = improvement_report(make_input(results(quadrant="anything_goes"), lang="nl"))
    assert report.overview.quadrant_label == "Alles mag"
    assert report.overview.peer_sentence == "Vergeleken met de sector Gemeenten: 8 organisaties."
    assert report.profile_text == "Gemeenten · 250 tot 999 medewerkers · Nederland"


# --- snapshot --------------------------------------------------------------------------------


def test_snapshot_peers_roles_and_dont_know():
    key = ("sm-maturity", "awareness")
    res = results(
        {key: 35.0},
        instruments=["sm-maturity"],
        roles={"management": {key: 80.0}, "staff": {key: 30.0}, "legal": {key: None}},
        dont_know={key: 0.42},
    )
    keys = [(i["id"], d["id"]) for i in res["instruments"] for d in i["dimensions"]]
    peers = pl.concat(
        [
            peer_rows([k for k in keys if k != key]),
            peer_rows([key], suppressed=True, suppression="few_unknown"),
        ]
    )
    report = improvement_report(make_input(res, peers=peers))
    dims = {d.dimension_id: d for d in report.snapshots[0].dimensions}
    aware = dims["awareness"]
    assert (
        aware.level == 2
        and aware.level_description == LIB.get("sm-maturity").dimension("awareness").levels[1].en
    )
    assert aware.dont_know_sentence == "“Don't know”: 42% of the answers, an awareness gap."
    assert [(r.role, r.score) for r in aware.role_scores] == [("management", 80.0), ("staff", 30.0)]
    assert aware.disagreement == 50.0
    assert (
        aware.roles_sentence
        == "Role groups disagree: 50 points between the highest and the lowest."
    )
    assert aware.peers.suppressed and "fewer than 4 organisations" in aware.peers.note
    strategy = dims["strategy"]
    assert not strategy.peers.suppressed and strategy.peers.median == "55-60"
    assert strategy.peers.line == (
        "Peers (8), in 5-point bands: median 55-60, first quartile 40-45, third quartile "
        "70-75, top 10% from 85-90. This organisation is above the median band."
    )
    assert strategy.role_scores == [] and strategy.roles_note.startswith(
        "Role groups are not shown"
    )


def test_findings_are_the_top_two_items_and_a_gap_or_disagreement():
    inst = LIB.get("sm-maturity")
    items = [i.id for i in inst.items_of("guideline")]
    prios = [
        priority(1, "sm-maturity", items[0], score=10.0),
        priority(2, "sm-maturity", items[0], "awareness_gap", score=10.0, dont_know_rate=0.5),
        priority(3, "sm-maturity", items[1], score=20.0),
        priority(4, "sm-maturity", items[2], score=30.0),
        priority(5, "sm-maturity", items[3], "role_disagreement", score=40.0, role_spread=35.0),
    ]
    report = improvement_report(make_input(results(instruments=["sm-maturity"], priorities=prios)))
    guideline = next(d for d in report.snapshots[0].dimensions if d.dimension_id == "guideline")
    assert [f.item_id for f in guideline.findings] == [items[0], items[1], items[3]]
    first = guideline.findings[0]
    assert first.kinds == ("low_score", "awareness_gap")
    assert first.text.startswith("Scores 10; 50% answered “don't know”: “")
    assert guideline.findings[2].text.startswith("Role groups differ by 35 points: ")


# --- full story ----------------------------------------------------------------------------------


def test_priorities_keep_rank_order_keep_the_strongest_gap_and_cite_sources():
    inst = LIB.get("ctg-accounts")
    item_ids = [i.id for i in inst.items]
    prios = [priority(1, "ctg-accounts", item_ids[0], score=5.0)]
    prios.append(
        priority(2, "ctg-accounts", item_ids[0], "awareness_gap", score=5.0, dont_know_rate=0.6)
    )
    prios += [
        priority(n + 3, "ctg-accounts", item, score=10.0 + n) for n, item in enumerate(item_ids[1:])
    ]
    report = improvement_report(make_input(results(instruments=["ctg-accounts"], priorities=prios)))
    story = report.story
    assert len(story.priorities) == content.PRIORITY_LIMIT
    # the awareness gap (the only one, so the strongest) keeps its place at rank 2
    assert [p.item_id for p in story.priorities] == [
        item_ids[0],
        *item_ids[: content.PRIORITY_LIMIT - 1],
    ]
    assert [p.finding for p in story.priorities[:3]] == ["low_score", "awareness_gap", "low_score"]
    assert story.priorities[1].finding_text == "60% answered “don't know”"
    assert [p.number for p in story.priorities] == list(range(1, content.PRIORITY_LIMIT + 1))
    first = story.priorities[0]
    assert first.recommendation == inst.items[0].recommendation.en
    assert first.sources[0].file == inst.items[0].sources[0].file
    assert first.sources[0].section == inst.items[0].sources[0].section
    assert first.sources[0].title.startswith("Mapping the boundaries of social media use")
    assert [g.item_id for g in story.awareness_gaps] == [item_ids[0]]
    assert [a.text for a in report.actions] == [p.text for p in story.priorities]
    assert all((a.owner, a.deadline, a.status) == ("", "", "") for a in report.actions)


def test_disagreements_by_dimension_and_item():
    key = ("ctg-conduct", "personal")
    item = LIB.get("ctg-conduct").items_of("personal")[0].id
    res = results(
        instruments=["ctg-conduct"],
        roles={"hr": {key: 40.0}, "staff": {key: 75.0}, "management": {key: 70.0}},
        priorities=[priority(1, "ctg-conduct", item, "role_disagreement", role_spread=27.5)],
    )
    story = improvement_report(make_input(res)).story
    assert [(d.dimension_title, d.text, d.spread) for d in story.disagreements] == [
        ("Professional and personal capacity", None, 35.0),
        ("Professional and personal capacity", LIB.get("ctg-conduct").item(item).text.en, 27.5),
    ]
    assert [r.role for r in story.disagreements[0].roles] == ["staff", "management", "hr"]


# --- dialogue kit ---------------------------------------------------------------------------------


def test_agenda_fills_ninety_minutes_in_order():
    assert sum(minutes for _, minutes in AGENDA) == SESSION_MINUTES == 90
    kit = improvement_report(make_input(results())).dialogue
    assert kit.minutes == 90
    assert kit.agenda[0].start == 0 and kit.agenda[-1].end == 90
    assert all(a.end == b.start for a, b in zip(kit.agenda, kit.agenda[1:], strict=False))


def test_cases_cover_the_weakest_dimensions_one_by_one():
    weak = {
        ("sm-maturity", "responsibility"): 10.0,
        ("ctg-accounts", "security"): 15.0,
        ("ctg-conduct", "personal"): 18.0,
    }
    kit = improvement_report(make_input(results(weak, default=70.0))).dialogue
    # per weak dimension, weakest first, the first case (by id) fitting it
    assert [c.id for c in kit.cases] == [
        "angry-citizen-names-colleague",
        "former-colleague-still-logged-in",
        "housing-plan-on-linkedin",
    ]
    responsibility = LIB.get("sm-maturity").dimension("responsibility")
    assert responsibility.title.en in kit.cases[0].dimension_titles
    assert kit.cases[1].instrument_title == "Management of social media accounts (CTG)"
    assert all(c.text and c.sources for c in kit.cases)


def test_cases_are_not_repeated_and_speak_dutch():
    key = ("ctg-acceptable-use", "oversight")
    res = results(
        {("ctg-access", "risk"): 5.0},
        instruments=["ctg-access", "ctg-acceptable-use"],
        roles={"hr": {key: 20.0}, "it": {key: 90.0}},
        default=80.0,
    )
    kit = improvement_report(make_input(res, lang="nl")).dialogue
    ids = [c.id for c in kit.cases]
    assert ids == ["open-for-all-by-monday", "tenders-and-recipes"]
    assert kit.cases[0].title == LIB.get("ctg-access").cases[1].title.nl


def test_cases_fall_back_to_the_weakest_fitting_any_dimension():
    kit = improvement_report(make_input(results(instruments=["ctg-access"], default=50.0))).dialogue
    assert len(kit.cases) == 2  # the instrument has two cases; both fit its dimensions


def test_invitees_follow_weak_dimensions_and_disagreements():
    weak = {("ctg-accounts", "security"): 10.0, ("sm-maturity", "enforcement"): 12.0}
    key = ("sm-maturity", "dialogue")
    res = results(weak, default=70.0, roles={"communications": {key: 90.0}, "staff": {key: 40.0}})
    kit = improvement_report(make_input(res)).dialogue
    invited = {i.role: i.reasons for i in kit.invitees}
    assert invited["management"][0].startswith("decides on the follow-up")
    assert invited["it"] == ["weak: Access and security"]
    assert any(r.startswith("weak: Enforcement") for r in invited["hr"])
    assert any(
        r.startswith("sees Dialogue and culture differently") for r in invited["communications"]
    )
    assert any(r.startswith("sees Dialogue and culture differently") for r in invited["staff"])
    assert kit.agenda[4].title == "Where we see it differently"


def test_the_fifth_block_falls_back_to_awareness_then_strengths():
    item = LIB.get("sm-maturity").items[0]
    gap = priority(1, "sm-maturity", item.id, "awareness_gap", dont_know_rate=0.5)
    kit = improvement_report(make_input(results(priorities=[gap]))).dialogue
    assert kit.agenda[4].title == "What people do not know"
    assert "Strategy and added value" in kit.agenda[4].detail
    kit = improvement_report(make_input(results())).dialogue
    assert kit.agenda[4].title == "What already works"


def test_every_shipped_dimension_has_people_to_invite():
    roles = set(vocabularies().roles.ids())
    for inst in LIB.latest_versions():
        for dim in inst.dimensions:
            assert (inst.id, dim.id) in ROLES_BY_DIMENSION, (inst.id, dim.id)
    for found in ROLES_BY_DIMENSION.values():
        assert found and set(found) <= roles
    assert (
        invite_roles("new-instrument", "security")
        == ROLES_BY_DIMENSION[("ctg-accounts", "security")]
    )
    assert invite_roles("new-instrument", "unheard-of") == ("integrity", "communications")


# --- notes ---------------------------------------------------------------------------------------


def test_notes_count_what_was_hidden_without_showing_it():
    key = ("sm-maturity", "strategy")
    res = results(
        {key: None},
        instruments=["sm-maturity"],
        roles={"management": {key: 70.0}, "legal": {key: None}},
        counts={"management": 5, "legal": 1},
    )
    inst_keys = [("sm-maturity", d.id) for d in LIB.get("sm-maturity").dimensions]
    notes = improvement_report(
        make_input(res, peers=peer_rows(inst_keys, suppressed=True, suppression="few_unknown"))
    ).notes
    text = " ".join(notes.anonymity)
    assert "1 role-group figures are not shown" in text
    assert "1 dimension or statement scores are not shown" in text
    assert f"not shown for {len(inst_keys)} dimensions" in text
    limits = " ".join(notes.limits)
    assert "6 respondents took part" in limits
    assert "No respondents from: HR, Communications, IT, Integrity, Staff member." in limits
    assert (
        notes.method[-1]
        == "The scoring rules are published at https://smb.example.org/methodology."
    )


def test_who_answered_follows_p5_and_the_limits_never_call_a_small_role_absent():
    """Schema 2 lists views of 3 or more only: a role of 1 or 2 is neither counted by
    name nor said to be missing; it is among the roles without a view of their own."""
    key = ("sm-maturity", "strategy")
    res = results(
        {key: 60.0},
        instruments=["sm-maturity"],
        roles={"management": {key: 70.0}, "staff": {key: 50.0}},
        counts={"management": 3, "staff": 3, "legal": 1},
        scheme=2,
    )
    report = improvement_report(make_input(res))
    lines = [(r.role, r.respondents) for r in report.overview.roles]
    assert lines == [("management", 3), ("staff", 3), ("other", None)]
    limits = " ".join(report.notes.limits)
    assert "No respondents from" not in limits
    assert (
        "own (fewer than 3 respondents, or none) for: HR, Communications, IT, Legal, Integrity."
        in limits
    )
    assert "Their answers count only in the statement figures" in limits


def test_notes_when_nothing_was_hidden():
    notes = improvement_report(make_input(results())).notes
    assert "No figure in this report had to be hidden." in notes.anonymity


def test_score_rows_keep_hidden_figures_empty():
    key = ("ctg-access", "risk")
    rows = improvement_report(make_input(results({key: None}, instruments=["ctg-access"]))).scores
    risk = next(r for r in rows if r.dimension == "risk")
    assert risk.score is None and risk.level is None and risk.respondents == 2
    assert [r.dimension for r in rows] == [d.id for d in LIB.get("ctg-access").dimensions]
