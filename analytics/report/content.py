"""The improvement report's content: pure functions from anonymised results to a model.

Input (:class:`~analytics.report.model.ReportInput`): the round's anonymised results as
:func:`survey.services.results.round_scores` returns them, the anonymised item
results of :func:`survey.services.results.shown_scores`, the benchmark rows of
:func:`analytics.benchmark.benchmark` for the organisation's peer group (per
dimension, and per instrument with the instrument score standing in for a
dimension), and the round's instruments. Nothing here reads the database or
decides what may be shown: every figure that arrives as ``None`` (or flagged
suppressed) stays hidden, and the model only counts what was hidden.

The output (:class:`~analytics.report.model.ImprovementReport`) follows the three levels of detail of the
New Zealand guide quoted in seed 002 (overview, snapshot, full story), followed by a
dialogue kit, an action plan and notes on method, anonymity and limits. All wording
comes from the one catalogue, through :class:`survey.i18n.Translator`.

The notes (:mod:`analytics.report.notes`) and the printed figures
(:mod:`analytics.report.figures`) are modules of their own; the sections here stay in
one module, longer than most, because they share its helpers (the dimensions in
report order, the role groups' spread, the source references) and the value-chosen
texts, and each section reads the ones before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import polars as pl

from analytics.report.dialogue import AGENDA, invite_roles
from analytics.report.figures import rate_text, score_text
from analytics.report.followup import follow_up
from analytics.report.model import (
    ActionRow,
    AgendaBlock,
    AwarenessGap,
    DialogueKit,
    DialogueQuestion,
    DilemmaCase,
    DimensionItems,
    DimensionRef,
    DimensionSnapshot,
    Disagreement,
    Finding,
    FullStory,
    ImprovementReport,
    InstrumentItems,
    InstrumentSnapshot,
    InstrumentSummary,
    Invitee,
    ItemRow,
    OrganisationProfile,
    Overview,
    PeerFigures,
    Priority,
    ReportInput,
    RoleCount,
    RoleScore,
    ScoreRow,
    SourceRef,
)
from analytics.report.notes import notes
from instruments import sources, vocabularies
from survey import scoring
from survey.disclosure import peers, rules
from survey.i18n import N_, Translator
from survey.services.results import where_to_start

STRONGEST_WEAKEST = 3
PRIORITY_LIMIT = 10
AWARENESS_LIMIT = 15
FINDINGS_TOP_ITEMS = 2
DIALOGUE_QUESTIONS = 5
CASES_MIN, CASES_MAX = 2, 3
INSTRUMENT_SCOPE = "__instrument__"


# --- texts chosen by a value (marked for extraction, translated where shown) ---------

QUADRANT_LABELS = {
    "balanced": N_("Balanced"),
    "restrictive": N_("Restrictive"),
    "anything_goes": N_("Anything goes"),
    "unguided": N_("Unguided"),
}
QUADRANT_MEANINGS = {
    "balanced": N_(
        "Clear rules and real room to use social media go together: the balance between control and enablement that a mature policy aims for."
    ),
    "restrictive": N_(
        "Rules and oversight are in place but encouragement lags behind, so staff may keep away from social media out of caution rather than use them well."
    ),
    "anything_goes": N_(
        "Staff are encouraged to use social media but rules and oversight lag behind, so the organisation leans on individual judgement when something goes wrong."
    ),
    "unguided": N_(
        "There are few rules and little encouragement: how staff use social media is left to chance."
    ),
}
PEER_GROUP_LABELS = {
    "all": N_("all organisations"),
    "sector": N_("the sector %(sector)s"),
    "size_band": N_("organisations of %(size_band)s"),
    "country": N_("organisations in %(country)s"),
    "sector,size_band": N_("the sector %(sector)s, %(size_band)s"),
    "sector,country": N_("the sector %(sector)s in %(country)s"),
}
POSITIONS = {
    "below": N_("This organisation is below the median band."),
    "in": N_("This organisation is in the median band."),
    "above": N_("This organisation is above the median band."),
}
COHERENCE_LABELS = {
    "yes": N_("Coherent"),
    "no": N_("Not yet coherent"),
    "unknown": N_("Cannot be judged"),
}
COHERENCE_MEANINGS = {
    "yes": N_(
        "Every dimension of the maturity test is at level 3 or higher: the policy hangs together."
    ),
    "no": N_(
        "At least one dimension of the maturity test is below level 3, so the policy does not yet hang together."
    ),
    "unknown": N_(
        "Coherence needs a shown score on every dimension of the maturity test; this round does not have one for each."
    ),
}
AGENDA_TITLES = {
    "opening": N_("Opening and ground rules"),
    "results": N_("The results in brief"),
    "weakest": N_("The weakest points"),
    "cases": N_("Dilemma cases"),
    "differences": N_("Where we see it differently"),
    "awareness": N_("What people do not know"),
    "strengths": N_("What already works"),
    "next_steps": N_("Agreements and next steps"),
}

# --- formatting -------------------------------------------------------------------


def _balance_verdict(balance: Mapping[str, Any], t: Translator) -> tuple[str, str]:
    """The balance's label and meaning: its quadrant; near a line, the margins; hidden,
    the rule that hid it (the scores' ``quadrant_reason``), never a wrong reason."""
    quadrant = balance.get("quadrant")
    if quadrant is not None:
        return t.of(QUADRANT_LABELS, quadrant), t.of(QUADRANT_MEANINGS, quadrant)
    if balance.get("near_line"):
        figures = {
            name: score_text(balance.get(name))
            for name in ("control", "control_margin", "enablement", "enablement_margin")
        }
        return t("Near the line"), t(
            "Control or enablement lies within its margin of the line at 50, so the organisation is placed in no quadrant: control %(control)s ± %(control_margin)s, enablement %(enablement)s ± %(enablement_margin)s.",
            **figures,
        )
    reason = (balance.get("quadrant_reason") or {}).get("reason_text")
    return t("Not shown"), reason or t(
        "The balance is not shown: too few respondents answered the statements that measure control or enablement."
    )


# --- helpers --------------------------------------------------------------------------


def _source_refs(refs: Iterable[Any]) -> list[SourceRef]:
    titles = {doc.file: doc.title for doc in sources()}
    found = []
    for ref in refs:
        file, section = (
            (str(ref["file"]), str(ref["section"]))
            if isinstance(ref, Mapping)
            else (ref.file, ref.section)
        )
        found.append(SourceRef(file=file, section=section, title=titles.get(file) or file))
    return found


def source_line(ref: SourceRef) -> str:
    """A source as a reader cites it: the document's title, a dash, the section."""
    return f"{ref.title} – {ref.section}"


def _peer_label(peer_group: str, profile: OrganisationProfile, t: Translator) -> str:
    vocab = vocabularies()
    label = t(
        PEER_GROUP_LABELS[peer_group],
        sector=vocab.sectors.label(profile.sector, t.lang),
        size_band=vocab.size_bands.label(profile.size_band, t.lang),
        country=vocab.countries.label(profile.country, t.lang),
    )
    return label + (t(" (demo organisations)") if profile.synthetic else "")


def _band_text(row: Mapping[str, Any], name: str) -> str | None:
    return peers.band_label(row.get(f"{name}_low"), row.get(f"{name}_high"))


def _peer_figures(
    row: Mapping[str, Any] | None, group_label: str, t: Translator, *, short: bool = False
) -> PeerFigures:
    """The peer figures of one benchmark row (bands as published); ``note`` gives the
    rule behind what is not shown. ``short`` is kept for the snapshot's wording."""
    if row is None:
        return PeerFigures(0, True, None, note=t("No peer comparison for this dimension."))
    count = int(row.get("peer_count") or 0)
    reason = row.get("suppression")
    note = rules.explain(reason, t.lang) if reason else ""
    if row.get("suppressed"):
        return PeerFigures(count, True, reason, note=note)
    position = row.get("position")
    figures = {name: _band_text(row, name) for name in peers.STATISTICS}
    if figures["q1"] is not None:
        line = t(
            "Peers (%(count)s), in 5-point bands: median %(median)s, first quartile %(q1)s, third quartile %(q3)s, top 10%% from %(top)s.",
            count=count,
            median=figures["median"],
            q1=figures["q1"],
            q3=figures["q3"],
            top=figures["top_decile"],
        )
    else:
        line = t(
            "Peers (%(count)s): median in the band %(median)s.",
            count=count,
            median=figures["median"],
        )
    if position:
        line += " " + t.of(POSITIONS, position)
    return PeerFigures(
        peer_count=count,
        suppressed=False,
        suppression=reason,
        percentile=row.get("percentile"),
        position=position,
        line=line,
        note=note,
        **figures,
    )


def _rows_by(frame: pl.DataFrame, *keys: str) -> dict[tuple[Any, ...], dict[str, Any]]:
    return {tuple(row[k] for k in keys): row for row in frame.iter_rows(named=True)}


def _role_scores(results: Mapping[str, Any]) -> dict[tuple[str, str], list[RoleScore]]:
    """Shown role-group scores per (instrument, dimension), highest first."""
    found: dict[tuple[str, str], list[RoleScore]] = {}
    for role in results.get("roles", []):
        for dim in role["dimensions"]:
            if dim["suppressed"] or dim["score"] is None:
                continue
            found.setdefault((dim["instrument"], dim["dimension"]), []).append(
                RoleScore(role=role["role"], label=role["label"], score=dim["score"])
            )
    return {key: sorted(scores, key=lambda r: (-r.score, r.role)) for key, scores in found.items()}


def _spread(scores: Sequence[RoleScore]) -> float | None:
    if len(scores) < 2:
        return None
    return max(r.score for r in scores) - min(r.score for r in scores)


# --- the sections ------------------------------------------------------------------------


def _dimension_refs(results: Mapping[str, Any]) -> list[DimensionRef]:
    return [
        DimensionRef(
            instrument_id=inst["id"],
            instrument_title=inst["title"],
            dimension_id=dim["id"],
            title=dim["title"],
            score=dim["score"],
            level=dim["level"],
        )
        for inst in results["instruments"]
        for dim in inst["dimensions"]
    ]


def _strongest_weakest(
    refs: Sequence[DimensionRef],
) -> tuple[list[DimensionRef], list[DimensionRef]]:
    scored = [r for r in refs if r.score is not None]
    order = sorted(scored, key=lambda r: (r.score, r.instrument_id, r.dimension_id))
    weakest = order[:STRONGEST_WEAKEST]
    strongest = [r for r in reversed(order) if r not in weakest][:STRONGEST_WEAKEST]
    return strongest, weakest


def _overview(data: ReportInput, t: Translator, group_label: str) -> Overview:
    results = data.results
    inst_peers = _rows_by(data.instrument_benchmark, "instrument_id")
    instruments = [
        InstrumentSummary(
            id=inst["id"],
            title=inst["title"],
            version=inst["version"],
            score=inst["score"],
            level=inst["level"],
            peers=_peer_figures(inst_peers.get((inst["id"],)), group_label, t),
        )
        for inst in results["instruments"]
    ]
    balance = results.get("balance", {})
    quadrant = balance.get("quadrant")
    coherent = results.get("coherent")
    coherence_key = "unknown" if coherent is None else ("yes" if coherent else "no")
    strongest, weakest = _strongest_weakest(_dimension_refs(results))
    shown_counts = [i.peers.peer_count for i in instruments if not i.peers.suppressed]
    roles = [
        RoleCount(
            role=line["role"],
            label=line["label"] or t("Other roles"),
            respondents=line["respondents"],
            shown=line["respondents"] is not None,
        )
        for line in results.get("who_answered", [])
    ]
    label, meaning = _balance_verdict(balance, t)
    placed = quadrant is not None or bool(balance.get("near_line"))
    return Overview(
        instruments=instruments,
        quadrant=quadrant,
        quadrant_label=label,
        quadrant_meaning=meaning,
        control=balance.get("control") if placed else None,
        enablement=balance.get("enablement") if placed else None,
        coherent=coherent,
        coherence_label=t.of(COHERENCE_LABELS, coherence_key),
        coherence_meaning=t.of(COHERENCE_MEANINGS, coherence_key),
        strongest=strongest,
        weakest=weakest,
        peer_group=group_label,
        peer_sentence=t(
            "Compared with %(group)s: %(count)s organisations.",
            group=group_label,
            count=max(shown_counts),
        )
        if shown_counts
        else "",
        roles=roles,
        respondents=int(results["round"].get("submitted") or 0),
    )


def _quoted(text: str, lang: str) -> str:
    return f"“{text}”" if lang == "en" else f"‘{text}’"


def _finding_part(row: Mapping[str, Any], t: Translator) -> str:
    """One finding of an item, as a phrase ("role groups differ by 65 points")."""
    kind = row["finding"]
    if kind == "awareness_gap":
        return t("%(rate)s answered “don't know”", rate=rate_text(row["dont_know_rate"]))
    if kind == "role_disagreement":
        return t("role groups differ by %(spread)s points", spread=score_text(row["role_spread"]))
    return t("scores %(score)s", score=score_text(row["score"]))


def _finding_text(rows: Sequence[Mapping[str, Any]], t: Translator) -> str:
    """One sentence for an item's findings (low score, awareness gap, disagreement)."""
    joined = "; ".join(_finding_part(row, t) for row in rows)
    return t(
        "%(findings)s: %(text)s",
        findings=joined[:1].upper() + joined[1:],
        text=_quoted(rows[0]["text"], t.lang),
    )


def _findings(results: Mapping[str, Any], t: Translator) -> dict[tuple[str, str], list[Finding]]:
    """Per dimension, the findings that matter most: the two items ranked highest, and
    a third when an awareness gap or a disagreement is not among them yet. An item's
    findings are told in one sentence."""
    by_item: dict[tuple[str, str], dict[str, list[Mapping[str, Any]]]] = {}
    for row in results.get("priorities", []):
        items = by_item.setdefault((row["instrument"], row["dimension"]), {})
        items.setdefault(row["item"], []).append(row)
    found: dict[tuple[str, str], list[Finding]] = {}
    for key, items in by_item.items():
        ranked = list(items.items())
        chosen = ranked[:FINDINGS_TOP_ITEMS]
        kinds = {row["finding"] for _, rows in chosen for row in rows}
        extra = next(
            (
                (item, rows)
                for item, rows in ranked[FINDINGS_TOP_ITEMS:]
                if {row["finding"] for row in rows} - kinds - {"low_score"}
            ),
            None,
        )
        if extra is not None:
            chosen.append(extra)
        found[key] = [
            Finding(
                kinds=tuple(row["finding"] for row in rows),
                instrument_id=key[0],
                dimension_id=key[1],
                item_id=item,
                text=_finding_text(rows, t),
            )
            for item, rows in chosen
        ]
    return found


def _dont_know_sentence(rate: float | None, t: Translator) -> str:
    if rate is None:
        return t("“Don't know” rate not shown (too few respondents).")
    key = (
        "“Don't know”: %(rate)s of the answers, an awareness gap."
        if rate >= scoring.HIGH_DONT_KNOW_RATE
        else "“Don't know”: %(rate)s of the answers."
    )
    return t(key, rate=rate_text(rate))


def _roles_sentences(shown: Sequence[RoleScore], t: Translator) -> tuple[str, str, float | None]:
    """The role-group sentence, a note when none may be shown, and the spread."""
    spread = _spread(shown)
    if not shown:
        return "", t("Role groups are not shown separately: too few respondents per role."), None
    if spread is None:
        sentence = ""
    elif spread >= scoring.ROLE_DISAGREEMENT:
        sentence = t(
            "Role groups disagree: %(spread)s points between the highest and the lowest.",
            spread=score_text(spread),
        )
    else:
        sentence = t(
            "Role groups broadly agree (at most %(spread)s points apart).",
            spread=score_text(spread),
        )
    return sentence, "", spread


def _snapshots(
    data: ReportInput,
    t: Translator,
    group_label: str,
    role_scores: Mapping[tuple[str, str], list[RoleScore]],
) -> list[InstrumentSnapshot]:
    peers = _rows_by(data.benchmark, "instrument_id", "dimension_id")
    findings = _findings(data.results, t)
    by_id = {inst.id: inst for inst in data.instruments}
    snapshots = []
    for inst in data.results["instruments"]:
        model = by_id.get(inst["id"])
        dimensions = []
        for dim in inst["dimensions"]:
            key = (inst["id"], dim["id"])
            described = model.dimension(dim["id"]) if model else None
            shown_roles = role_scores.get(key, [])
            sentence, note, spread = _roles_sentences(shown_roles, t)
            dimensions.append(
                DimensionSnapshot(
                    instrument_id=inst["id"],
                    instrument_title=inst["title"],
                    dimension_id=dim["id"],
                    title=dim["title"],
                    description=described.description.get(t.lang) if described else "",
                    score=dim["score"],
                    level=dim["level"],
                    level_description=dim["level_description"],
                    dont_know_rate=dim["dont_know_rate"],
                    dont_know_sentence=_dont_know_sentence(dim["dont_know_rate"], t),
                    respondents=dim["respondents"],
                    peers=_peer_figures(peers.get(key), group_label, t, short=True),
                    role_scores=shown_roles,
                    roles_sentence=sentence,
                    roles_note=note,
                    disagreement=spread
                    if spread is not None and spread >= scoring.ROLE_DISAGREEMENT
                    else None,
                    findings=findings.get(key, []),
                )
            )
        snapshots.append(
            InstrumentSnapshot(
                id=inst["id"],
                title=inst["title"],
                score=inst["score"],
                level=inst["level"],
                dimensions=dimensions,
            )
        )
    return snapshots


def _item_rows(data: ReportInput) -> list[InstrumentItems]:
    rows = _rows_by(data.items, "instrument_id", "item_id")
    by_id = {inst.id: inst for inst in data.instruments}
    found = []
    for inst in data.results["instruments"]:
        model = by_id.get(inst["id"])
        if model is None:
            continue
        dimensions = []
        for dim in inst["dimensions"]:
            items = []
            for item in model.items_of(dim["id"]):
                row = rows.get((inst["id"], item.id), {})
                items.append(
                    ItemRow(
                        item_id=item.id,
                        text=item.text.get(data.lang),
                        score=row.get("score"),
                        dont_know_rate=row.get("dont_know_rate"),
                        role_spread=row.get("role_spread")
                        if row.get("score") is not None
                        else None,
                        respondents=int(row.get("respondents") or 0),
                    )
                )
            dimensions.append(
                DimensionItems(dimension_id=dim["id"], title=dim["title"], items=items)
            )
        found.append(InstrumentItems(id=inst["id"], title=inst["title"], dimensions=dimensions))
    return found


def _priorities(data: ReportInput, t: Translator) -> list[Priority]:
    """The findings to start with, chosen as the results page chooses them
    (:func:`survey.services.results.where_to_start`)."""
    titles = {inst["id"]: inst["title"] for inst in data.results["instruments"]}
    chosen = where_to_start(data.results.get("priorities", []), PRIORITY_LIMIT)
    return [
        Priority(
            number=number,
            rank=row["rank"],
            finding=row["finding"],
            finding_text=_finding_part(row, t),
            instrument_id=row["instrument"],
            instrument_title=titles.get(row["instrument"], row["instrument"]),
            dimension_id=row["dimension"],
            dimension_title=row["dimension_title"],
            item_id=row["item"],
            text=row["text"],
            score=row["score"],
            priority=row["priority"],
            recommendation=row["recommendation"] or "",
            dialogue_question=row["dialogue_question"],
            sources=_source_refs(row["sources"]),
        )
        for number, row in enumerate(chosen, start=1)
    ]


def _awareness_gaps(data: ReportInput) -> list[AwarenessGap]:
    titles = {inst["id"]: inst["title"] for inst in data.results["instruments"]}
    gaps = [
        AwarenessGap(
            instrument_title=titles.get(row["instrument"], row["instrument"]),
            dimension_title=row["dimension_title"],
            item_id=row["item"],
            text=row["text"],
            rate=row["dont_know_rate"],
        )
        for row in data.results.get("priorities", [])
        if row["finding"] == "awareness_gap" and row["dont_know_rate"] is not None
    ]
    return sorted(gaps, key=lambda g: (-g.rate, g.instrument_title, g.item_id))


def _disagreements(
    data: ReportInput, role_scores: Mapping[tuple[str, str], list[RoleScore]]
) -> list[Disagreement]:
    titles = {inst["id"]: inst["title"] for inst in data.results["instruments"]}
    dim_titles = {
        (inst["id"], dim["id"]): dim["title"]
        for inst in data.results["instruments"]
        for dim in inst["dimensions"]
    }
    found = []
    for key, scores in role_scores.items():
        spread = _spread(scores)
        if spread is not None and spread >= scoring.ROLE_DISAGREEMENT:
            found.append(
                Disagreement(
                    instrument_title=titles.get(key[0], key[0]),
                    dimension_title=dim_titles.get(key, key[1]),
                    text=None,
                    spread=spread,
                    roles=scores,
                )
            )
    for row in data.results.get("priorities", []):
        if row["finding"] == "role_disagreement" and row["role_spread"] is not None:
            found.append(
                Disagreement(
                    instrument_title=titles.get(row["instrument"], row["instrument"]),
                    dimension_title=row["dimension_title"],
                    text=row["text"],
                    spread=row["role_spread"],
                    roles=[],
                )
            )
    return sorted(found, key=lambda d: (d.text is not None, -d.spread, d.dimension_title))


# --- the dialogue kit ------------------------------------------------------------------


def _cases(
    data: ReportInput, weak: Sequence[DimensionRef], disputed: Iterable[tuple[str, str]]
) -> list[DilemmaCase]:
    """Two or three cases: for each weakest (then disputed) dimension in turn, the case
    that fits it best (the lowest shown score among the dimensions it fits), so the
    cases cover different weak points; topped up with the cases fitting the lowest
    scores anywhere when fewer than two fit."""
    refs = _dimension_refs(data.results)
    scores = {(r.instrument_id, r.dimension_id): r.score for r in refs if r.score is not None}
    titles = {(r.instrument_id, r.dimension_id): r.title for r in refs}
    candidates = []
    for inst in data.instruments:
        for case in inst.cases:
            keys = [(inst.id, d) for d in case.dimensions]
            lowest = min((scores[k] for k in keys if k in scores), default=101.0)
            candidates.append((lowest, inst.id, case.id, inst, case, keys))
    candidates.sort(key=lambda c: c[:3])
    focus = [(r.instrument_id, r.dimension_id) for r in weak]
    focus += [key for key in disputed if key not in focus]
    chosen: list[tuple[Any, ...]] = []
    for key in focus:
        fitting = next((c for c in candidates if key in c[5] and c not in chosen), None)
        if fitting is not None:
            chosen.append(fitting)
        if len(chosen) == CASES_MAX:
            break
    for candidate in candidates:
        if len(chosen) >= CASES_MIN:
            break
        if candidate not in chosen:
            chosen.append(candidate)
    return [
        DilemmaCase(
            id=case.id,
            instrument_title=inst.title.get(data.lang),
            title=case.title.get(data.lang),
            text=case.text.get(data.lang),
            dimension_titles=[titles.get(k, k[1]) for k in keys],
            sources=_source_refs(case.sources),
        )
        for *_, inst, case, keys in chosen
    ]


def _dialogue(
    data: ReportInput,
    t: Translator,
    overview: Overview,
    priorities: Sequence[Priority],
    story: FullStory,
    role_scores: Mapping[tuple[str, str], list[RoleScore]],
) -> DialogueKit:
    weak = overview.weakest
    disputed = {
        key
        for key, scores in role_scores.items()
        if (_spread(scores) or 0) >= scoring.ROLE_DISAGREEMENT
    }
    dim_titles = {(r.instrument_id, r.dimension_id): r.title for r in _dimension_refs(data.results)}
    cases = _cases(data, weak, sorted(disputed))
    questions = [
        DialogueQuestion(
            question=p.dialogue_question, item_text=p.text, dimension_title=p.dimension_title
        )
        for p in priorities[:DIALOGUE_QUESTIONS]
    ]
    names = ", ".join(r.title for r in weak) or t("no score")
    details = {
        "opening": t(
            "Why we meet; the results are a self-assessment; speak for yourself; no blame for mistakes that are discussed."
        ),
        "results": t(
            "Balance: %(quadrant)s. Weakest: %(dimensions)s.",
            quadrant=overview.quadrant_label,
            dimensions=names,
        ),
        "weakest": t("Work through the questions for the dialogue below, one per priority."),
        "cases": t("Cases: %(cases)s.", cases="; ".join(c.title for c in cases))
        if cases
        else t("The instruments of this round offer no dilemma cases."),
        "next_steps": t(
            "Choose an owner and a deadline for each priority in the action plan, and agree when to measure again."
        ),
    }
    titles = {key: t.of(AGENDA_TITLES, key) for key in details}
    if disputed:
        titles["differences"] = t("Where we see it differently")
        details["differences"] = t(
            "Role groups disagree on: %(dimensions)s. Let each group explain its view.",
            dimensions=", ".join(sorted(dim_titles.get(k, k[1]) for k in disputed)),
        )
    elif story.awareness_gaps:
        titles["differences"] = t("What people do not know")
        details["differences"] = t(
            "Many answered “don't know” on statements about: %(dimensions)s. How do we make the policy known?",
            dimensions=", ".join(
                list(dict.fromkeys(g.dimension_title for g in story.awareness_gaps))[:3]
            ),
        )
    else:
        titles["differences"] = t("What already works")
        details["differences"] = t(
            "Strongest: %(dimensions)s. What can the weaker areas learn from them?",
            dimensions=", ".join(r.title for r in overview.strongest) or t("no score"),
        )
    agenda = []
    start = 0
    for key, minutes in AGENDA:
        agenda.append(AgendaBlock(start, start + minutes, titles[key], details[key]))
        start += minutes
    return DialogueKit(
        agenda=agenda,
        questions=questions,
        cases=cases,
        invitees=_invitees(weak, disputed, role_scores, dim_titles, t),
    )


def _invitees(
    weak: Sequence[DimensionRef],
    disputed: set[tuple[str, str]],
    role_scores: Mapping[tuple[str, str], list[RoleScore]],
    dim_titles: Mapping[tuple[str, str], str],
    t: Translator,
) -> list[Invitee]:
    reasons: dict[str, list[str]] = {
        "management": [t("decides on the follow-up and shows that leadership comes from the top")]
    }
    for ref in weak:
        for role in invite_roles(ref.instrument_id, ref.dimension_id):
            reasons.setdefault(role, []).append(t("weak: %(dimension)s", dimension=ref.title))
    for key in sorted(disputed):
        scores = role_scores[key]
        for role in {scores[0].role, scores[-1].role}:
            reasons.setdefault(role, []).append(
                t("sees %(dimension)s differently", dimension=dim_titles.get(key, key[1]))
            )
    labels = vocabularies().roles
    order = {role: n for n, role in enumerate(labels.ids())}
    return [
        Invitee(role=role, label=labels.label(role, t.lang), reasons=list(dict.fromkeys(why)))
        for role, why in sorted(reasons.items(), key=lambda kv: order.get(kv[0], len(order)))
    ]


def _actions(priorities: Sequence[Priority]) -> list[ActionRow]:
    return [
        ActionRow(
            number=p.number,
            instrument_title=p.instrument_title,
            dimension_title=p.dimension_title,
            text=p.text,
            recommendation=p.recommendation,
            source="; ".join(source_line(s) for s in p.sources),
            instrument_id=p.instrument_id,
            dimension_id=p.dimension_id,
            item_id=p.item_id,
        )
        for p in priorities
    ]


def _score_rows(data: ReportInput) -> list[ScoreRow]:
    return [
        ScoreRow(
            instrument=inst["id"],
            instrument_title=inst["title"],
            dimension=dim["id"],
            dimension_title=dim["title"],
            score=dim["score"],
            level=dim["level"],
            level_description=dim["level_description"],
            dont_know_rate=dim["dont_know_rate"],
            respondents=dim["respondents"],
        )
        for inst in data.results["instruments"]
        for dim in inst["dimensions"]
    ]


def _profile_text(profile: OrganisationProfile, lang: str) -> str:
    vocab = vocabularies()
    return " · ".join(
        (
            vocab.sectors.label(profile.sector, lang),
            vocab.size_bands.label(profile.size_band, lang),
            vocab.countries.label(profile.country, lang),
        )
    )


def improvement_report(data: ReportInput) -> ImprovementReport:
    """The whole report model; see the module docstring."""
    t = Translator(data.lang)
    group_label = _peer_label(data.peer_group, data.organisation, t)
    role_scores = _role_scores(data.results)
    overview = _overview(data, t, group_label)
    snapshots = _snapshots(data, t, group_label, role_scores)
    priorities = _priorities(data, t)
    gaps = _awareness_gaps(data)
    story = FullStory(
        instruments=_item_rows(data),
        priorities=priorities,
        awareness_gaps=gaps[:AWARENESS_LIMIT],
        more_awareness_gaps=max(len(gaps) - AWARENESS_LIMIT, 0),
        disagreements=_disagreements(data, role_scores),
    )
    closed_at = data.results["round"].get("closed_at")
    return ImprovementReport(
        lang=data.lang,
        organisation=data.organisation,
        profile_text=_profile_text(data.organisation, data.lang),
        round_label=data.results["round"]["label"],
        closed_on=date.fromisoformat(closed_at[:10]) if closed_at else None,
        generated_on=data.generated_on,
        synthetic=data.organisation.synthetic,
        base_url=data.base_url,
        overview=overview,
        snapshots=snapshots,
        story=story,
        dialogue=_dialogue(data, t, overview, priorities, story, role_scores),
        actions=_actions(priorities),
        notes=notes(data, t, snapshots),
        scores=_score_rows(data),
        followup=follow_up(
            data.results.get("previous", []), data.instruments, data.agreed, data.carried, t
        ),
    )
