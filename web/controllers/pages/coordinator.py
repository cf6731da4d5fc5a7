"""The coordinator's pages: dashboard, opening a round, following it, closing it, results."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from instruments import InstrumentLibrary, vocabularies
from survey.disclosure import rules
from survey.disclosure.counts import progress_lines
from survey.errors import InvalidInput, NotFound
from survey.models import Organisation, Round
from survey.services import organisations, results, round_changes, rounds, schedule
from survey.settings import Settings
from survey.tokens import invite_code_for
from web.auth import coordinator_account, invite_url, login_coordinator
from web.controllers.pages.common import (
    NO_STORE,
    PageController,
    form_value,
    form_values,
    gettext,
    lang_of,
    redirect,
    render,
)
from web.controllers.pages.coordinator_callers import coordinator_page
from web.i18n import N_
from web.security import TOKEN_LIMIT

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]

INVALID_DASHBOARD_LINK = N_("This dashboard link is not valid.")
OTHER_ROLES = N_("Other roles")
ROUND_ERRORS = {
    "label": N_("Give the round a name of at most 200 characters."),
    "instruments": N_("Choose at least one questionnaire."),
}


def _instrument_titles(
    library: InstrumentLibrary, round_: Round, lang: str
) -> list[dict[str, str]]:
    return [
        {"title": inst.title.get(lang), "version": inst.version}
        for inst in rounds.round_instruments(round_, library)
    ]


def _invite_url(request: Request[Any, Any, Any], settings: Settings, round_: Round) -> str:
    return invite_url(request, settings, invite_code_for(round_.id, settings.resolved_secret_key()))


def role_matrix(scores: dict[str, Any]) -> list[dict[str, Any]]:
    """Per instrument: the shown role groups as columns and its dimensions as rows.

    Only role groups the anonymity rule lets through appear; a cell is the role's
    figure (its score, or its reason when hidden), None where the role has none.
    """
    shown = [role for role in scores["roles"] if not role["suppressed"]]
    tables = []
    for instrument in scores["instruments"]:
        rows = []
        for dimension in instrument["dimensions"]:
            cells = []
            for role in shown:
                match = next(
                    (
                        d
                        for d in role["dimensions"]
                        if d["instrument"] == instrument["id"] and d["dimension"] == dimension["id"]
                    ),
                    None,
                )
                cells.append(match)
            rows.append({"title": dimension["title"], "cells": cells})
        tables.append({"title": instrument["title"], "rows": rows})
    return tables


class CoordinatorPages(PageController):
    @get("/c/{token:str}", name="dashboard_link", sync_to_thread=True, opt=TOKEN_LIMIT)
    def dashboard_link(
        self, request: Request[Any, Any, Any], db: NamedDependency[Session], token: FromPath[str]
    ) -> Redirect:
        """The secret dashboard link: signs the coordinator in, then drops the token from view."""
        organisation = organisations.organisation_for_token(db, token)
        if organisation is None:
            raise NotFound(INVALID_DASHBOARD_LINK)
        login_coordinator(request, organisation, token)
        return redirect(
            request, request.app.route_reverse("dashboard", organisation_id=organisation.id)
        )

    @get(
        "/organisations/{organisation_id:str}",
        name="dashboard",
        guards=[coordinator_page],
        sync_to_thread=True,
    )
    def dashboard(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        page_lang: NamedDependency[str],
        organisation_id: FromPath[str],
    ) -> Template:
        vocab = vocabularies()
        organisation = organisations.get_organisation(db, organisation_id, of=coordinator)
        every = rounds.list_rounds(db, organisation)
        archived_ids = round_changes.archived_ids(db, [r.id for r in every])
        return render(
            request,
            "coordinator/dashboard.html",
            headers=NO_STORE,
            organisation=organisation,
            sector_label=vocab.sectors.label(organisation.sector, page_lang),
            size_label=vocab.size_bands.label(organisation.size_band, page_lang),
            country_label=vocab.countries.label(organisation.country, page_lang),
            rounds=[
                {"round": round_, "progress": rounds.progress(db, round_)}
                for round_ in every
                if round_.id not in archived_ids
            ],
            has_account=coordinator_account(request, db) is not None,
            archived=[r for r in every if r.id in archived_ids],
        )

    @get(
        "/organisations/{organisation_id:str}/rounds/new",
        name="round_new",
        guards=[coordinator_page],
        sync_to_thread=True,
    )
    def new_round(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        library: NamedDependency[InstrumentLibrary],
        organisation_id: FromPath[str],
    ) -> Template:
        organisation = organisations.get_organisation(db, organisation_id, of=coordinator)
        default = [rounds.MATURITY_INSTRUMENT]
        label = gettext(request, N_("Assessment %(year)s"), year=datetime.now(UTC).year)
        return _round_form(request, library, organisation, label, default, {})

    @post(
        "/organisations/{organisation_id:str}/rounds",
        name="round_create",
        guards=[coordinator_page],
        sync_to_thread=True,
    )
    def create_round(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        library: NamedDependency[InstrumentLibrary],
        settings: NamedDependency[Settings],
        organisation_id: FromPath[str],
        data: FormData,
    ) -> Template | Redirect:
        label = form_value(data, "label")
        chosen = form_values(data, "instruments")
        organisation = organisations.get_organisation(db, organisation_id, of=coordinator)
        errors = round_errors(label, chosen)
        if not errors:
            try:
                with db.begin_nested():
                    opened = rounds.open_round(
                        db,
                        organisation,
                        label=label,
                        instrument_ids=chosen,
                        library=library,
                        secret_key=settings.resolved_secret_key(),
                    )
            except InvalidInput as exc:
                field = exc.field if exc.field in ROUND_ERRORS else "instruments"
                errors[field] = ROUND_ERRORS[field]
            else:
                return redirect(
                    request, request.app.route_reverse("round", round_id=opened.round.id)
                )
        return _round_form(request, library, organisation, label, chosen, errors)

    @get("/rounds/{round_id:str}", name="round", guards=[coordinator_page], sync_to_thread=True)
    def round_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        library: NamedDependency[InstrumentLibrary],
        settings: NamedDependency[Settings],
        page_lang: NamedDependency[str],
        round_id: FromPath[str],
    ) -> Template:
        round_ = rounds.get_round(db, round_id, of=coordinator)
        progress = rounds.progress(db, round_)
        labels = {entry.id: entry.label.get(page_lang) for entry in vocabularies().roles.entries}
        by_role = [
            {
                "label": labels.get(line.role) or gettext(request, OTHER_ROLES),
                "started": line.started,
                "submitted": line.submitted,
                "reason": rules.explain(line.reason, page_lang) if line.reason else None,
            }
            for line in progress_lines(progress.by_role)
        ]
        return render(
            request,
            "coordinator/round.html",
            headers=NO_STORE,
            organisation=round_.organisation,
            round=round_,
            instruments=_instrument_titles(library, round_, page_lang),
            invite_url=_invite_url(request, settings, round_) if round_.is_open else None,
            progress=progress,
            by_role=by_role,
            schedule=schedule.schedule_of(db, round_),
        )

    @get(
        "/rounds/{round_id:str}/close",
        name="round_close_confirm",
        guards=[coordinator_page],
        sync_to_thread=True,
    )
    def confirm_close(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        round_id: FromPath[str],
    ) -> Template | Redirect:
        round_ = rounds.get_round(db, round_id, of=coordinator)
        if not round_.is_open:
            return redirect(request, request.app.route_reverse("round_results", round_id=round_.id))
        return render(
            request,
            "coordinator/close.html",
            headers=NO_STORE,
            round=round_,
            progress=rounds.progress(db, round_),
        )

    @post(
        "/rounds/{round_id:str}/close",
        name="round_close",
        guards=[coordinator_page],
        sync_to_thread=True,
    )
    def close(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        library: NamedDependency[InstrumentLibrary],
        round_id: FromPath[str],
    ) -> Redirect:
        rounds.close_round(db, rounds.get_round(db, round_id, of=coordinator), library)
        return redirect(request, request.app.route_reverse("round_results", round_id=round_id))

    @get(
        "/rounds/{round_id:str}/results",
        name="round_results",
        guards=[coordinator_page],
        sync_to_thread=True,
    )
    def results(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        library: NamedDependency[InstrumentLibrary],
        page_lang: NamedDependency[str],
        round_id: FromPath[str],
    ) -> Template:
        round_ = rounds.get_round(db, round_id, of=coordinator)
        scores = None if round_.is_open else results.round_scores(db, round_, library, page_lang)
        return render(
            request,
            "coordinator/results.html",
            headers=NO_STORE,
            organisation=round_.organisation,
            round=round_,
            scores=scores,
            roles_shown=[r for r in scores["roles"] if not r["suppressed"]] if scores else [],
            roles_hidden=[r for r in scores["roles"] if r["suppressed"]] if scores else [],
            role_tables=role_matrix(scores) if scores else [],
            priorities=results.where_to_start(scores["priorities"]) if scores else [],
        )


def round_errors(label: str, chosen: list[str]) -> dict[str, str]:
    """The new round form's errors that need no database: its name and its choice."""
    errors = {}
    name = " ".join(label.split())
    if not name or len(name) > 200:
        errors["label"] = ROUND_ERRORS["label"]
    if not chosen:
        errors["instruments"] = ROUND_ERRORS["instruments"]
    return errors


def _round_form(
    request: Request[Any, Any, Any],
    library: InstrumentLibrary,
    organisation: Organisation,
    label: str,
    chosen: list[str],
    errors: dict[str, str],
) -> Template:
    lang = lang_of(request)
    choices = [
        {
            "id": inst.id,
            "title": inst.title.get(lang),
            "description": inst.description.get(lang),
            "version": inst.version,
            "dimension_count": len(inst.dimensions),
            "item_count": len(inst.items),
            "checked": inst.id in chosen,
        }
        for inst in library.latest_versions()
    ]
    return render(
        request,
        "coordinator/round_new.html",
        status_code=422 if errors else 200,
        headers=NO_STORE,
        organisation=organisation,
        label=label,
        choices=choices,
        errors={field: gettext(request, message) for field, message in errors.items()},
    )
