"""The dialogue session: a presentation of a closed round's findings for a facilitated
meeting, one finding per screen, with a field to record what was agreed (an action)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy.orm import Session

from instruments import Instrument, InstrumentLibrary, sources
from survey.errors import Conflict
from survey.models import Organisation
from survey.services import actions, results, rounds
from web.controllers.pages.action_forms import action_view, role_options, topic_titles
from web.controllers.pages.common import NO_STORE, PageController, render
from web.controllers.pages.coordinator_callers import round_work_page


def role_views(scores: Mapping[str, Any], instrument: str, dimension: str) -> list[dict[str, Any]]:
    """The shown role groups' scores of one dimension, side by side (a hidden figure
    stays None; a role group the rules hide is left out)."""
    views = []
    for role in scores["roles"]:
        if role["suppressed"]:
            continue
        match = next(
            (
                d
                for d in role["dimensions"]
                if d["instrument"] == instrument and d["dimension"] == dimension
            ),
            None,
        )
        views.append(
            {
                "label": role["label"],
                "score": None if match is None or match["suppressed"] else match["score"],
            }
        )
    return views


def fitting_case(
    instruments: Sequence[Instrument], instrument: str, dimension: str, lang: str
) -> dict[str, Any] | None:
    """The instrument's first dilemma case about ``dimension``, if any, with its sources
    cited by document title and section."""
    inst = next((i for i in instruments if i.id == instrument), None)
    case = next((c for c in inst.cases if dimension in c.dimensions), None) if inst else None
    if case is None:
        return None
    titles = {doc.file: doc.title for doc in sources()}
    return {
        "title": case.title.get(lang),
        "text": case.text.get(lang),
        "sources": [f"{titles.get(s.file, s.file)} – {s.section}" for s in case.sources],
    }


class DialoguePages(PageController):
    @get(
        "/rounds/{round_id:str}/dialogue",
        name="round_dialogue",
        guards=[round_work_page],
        sync_to_thread=True,
    )
    def session(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        library: NamedDependency[InstrumentLibrary],
        page_lang: NamedDependency[str],
        round_id: FromPath[str],
    ) -> Template:
        round_ = rounds.get_round(db, round_id, of=coordinator)
        if round_.is_open:
            raise Conflict("The dialogue session starts once the round is closed.")
        scores = results.round_scores(db, round_, library, page_lang)
        planned = actions.list_actions(db, round_)
        instruments = rounds.round_instruments(round_, library)
        titles = topic_titles(instruments, page_lang)
        dimensions = {
            (inst["id"], d["id"]): d for inst in scores["instruments"] for d in inst["dimensions"]
        }
        findings = []
        for number, priority in enumerate(results.where_to_start(scores["priorities"]), 1):
            key = (priority["instrument"], priority["dimension"])
            findings.append(
                {
                    "number": number,
                    "priority": priority,
                    "dimension": dimensions.get(key, {}),
                    "roles": role_views(scores, *key),
                    "case": fitting_case(instruments, *key, page_lang),
                    "agreed": [
                        action_view(a, titles, page_lang)
                        for a in planned
                        if a.origin_item == priority["item"]
                        and a.instrument_id == priority["instrument"]
                    ],
                }
            )
        return render(
            request,
            "coordinator/dialogue.html",
            headers=NO_STORE,
            organisation=coordinator,
            round=round_,
            findings=findings,
            roles=role_options(page_lang),
            agreed=request.query_params.get("agreed"),
        )
