"""The coordinator's pages: dashboard, opening a round, following it, closing it, results."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from instruments import vocabularies
from survey.disclosure import rules
from survey.disclosure.counts import progress_lines
from survey.errors import InvalidInput, NotFound
from survey.models import Organisation, Round
from survey.services import organisations, results, round_changes, rounds, schedule
from survey.tokens import invite_code_for
from web.auth import coordinator_account, coordinator_for, login_coordinator
from web.controllers.pages.common import (
    NO_STORE,
    PageController,
    absolute_url,
    db_session,
    form_value,
    form_values,
    gettext,
    lang_of,
    redirect,
    render,
    state_of,
)
from web.i18n import N_
from web.security import TOKEN_LIMIT

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]

SIGN_IN_AGAIN = N_("Sign in as a coordinator, or open your dashboard link, to see this page.")
INVALID_DASHBOARD_LINK = N_("This dashboard link is not valid.")
OTHER_ROLES = N_("Other roles")
ROUND_ERRORS = {
    "label": N_("Give the round a name of at most 200 characters."),
    "instruments": N_("Choose at least one questionnaire."),
}


def _coordinator(request: Request[Any, Any, Any], session: Session) -> Organisation:
    organisation = coordinator_for(request, session)
    if organisation is None:
        raise NotAuthorizedException(detail=SIGN_IN_AGAIN)
    return organisation


def _round(request: Request[Any, Any, Any], session: Session, round_id: str) -> Round:
    return rounds.get_round(session, round_id, of=_coordinator(request, session))


def _instrument_titles(request: Request[Any, Any, Any], round_: Round) -> list[dict[str, str]]:
    lang = lang_of(request)
    return [
        {"title": inst.title.get(lang), "version": inst.version}
        for inst in rounds.round_instruments(round_, state_of(request).library)
    ]


def _invite_url(request: Request[Any, Any, Any], round_: Round) -> str:
    code = invite_code_for(round_.id, state_of(request).settings.resolved_secret_key())
    return absolute_url(request, request.app.route_reverse("invitation", code=code))


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
    def dashboard_link(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Redirect:
        """The secret dashboard link: signs the coordinator in, then drops the token from view."""
        with db_session(request) as session:
            organisation = organisations.organisation_for_token(session, token)
            if organisation is None:
                raise NotFound(INVALID_DASHBOARD_LINK)
            login_coordinator(request, organisation, token)
            target = request.app.route_reverse("dashboard", organisation_id=organisation.id)
        return redirect(request, target)

    @get("/organisations/{organisation_id:str}", name="dashboard", sync_to_thread=True)
    def dashboard(
        self, request: Request[Any, Any, Any], organisation_id: FromPath[str]
    ) -> Template:
        lang = lang_of(request)
        vocab = vocabularies()
        with db_session(request) as session:
            organisation = organisations.get_organisation(
                session, organisation_id, of=_coordinator(request, session)
            )
            every = rounds.list_rounds(session, organisation)
            archived_ids = round_changes.archived_ids(session, [r.id for r in every])
            listed = [
                {"round": round_, "progress": rounds.progress(session, round_)}
                for round_ in every
                if round_.id not in archived_ids
            ]
            has_account = coordinator_account(request, session) is not None
            archived = [r for r in every if r.id in archived_ids]
        return render(
            request,
            "coordinator/dashboard.html",
            headers=NO_STORE,
            organisation=organisation,
            sector_label=vocab.sectors.label(organisation.sector, lang),
            size_label=vocab.size_bands.label(organisation.size_band, lang),
            country_label=vocab.countries.label(organisation.country, lang),
            rounds=listed,
            has_account=has_account,
            archived=archived,
        )

    @get("/organisations/{organisation_id:str}/rounds/new", name="round_new", sync_to_thread=True)
    def new_round(
        self, request: Request[Any, Any, Any], organisation_id: FromPath[str]
    ) -> Template:
        with db_session(request) as session:
            organisation = organisations.get_organisation(
                session, organisation_id, of=_coordinator(request, session)
            )
        default = [rounds.MATURITY_INSTRUMENT]
        label = gettext(request, N_("Assessment %(year)s"), year=datetime.now(UTC).year)
        return self._round_form(request, organisation, label, default, {})

    @post("/organisations/{organisation_id:str}/rounds", name="round_create", sync_to_thread=True)
    def create_round(
        self, request: Request[Any, Any, Any], organisation_id: FromPath[str], data: FormData
    ) -> Template | Redirect:
        label = form_value(data, "label")
        chosen = form_values(data, "instruments")
        settings = state_of(request).settings
        with db_session(request) as session:
            organisation = organisations.get_organisation(
                session, organisation_id, of=_coordinator(request, session)
            )
            errors = {}
            if not " ".join(label.split()) or len(" ".join(label.split())) > 200:
                errors["label"] = ROUND_ERRORS["label"]
            if not chosen:
                errors["instruments"] = ROUND_ERRORS["instruments"]
            if not errors:
                try:
                    opened = rounds.open_round(
                        session,
                        organisation,
                        label=label,
                        instrument_ids=chosen,
                        library=state_of(request).library,
                        secret_key=settings.resolved_secret_key(),
                    )
                except InvalidInput as exc:
                    field = exc.field if exc.field in ROUND_ERRORS else "instruments"
                    errors[field] = ROUND_ERRORS[field]
                else:
                    return redirect(
                        request, request.app.route_reverse("round", round_id=opened.round.id)
                    )
        return self._round_form(request, organisation, label, chosen, errors)

    @get("/rounds/{round_id:str}", name="round", sync_to_thread=True)
    def round_page(self, request: Request[Any, Any, Any], round_id: FromPath[str]) -> Template:
        lang = lang_of(request)
        with db_session(request) as session:
            round_ = _round(request, session, round_id)
            progress = rounds.progress(session, round_)
            organisation = round_.organisation
            plan = schedule.schedule_of(session, round_)
        labels = {entry.id: entry.label.get(lang) for entry in vocabularies().roles.entries}
        by_role = [
            {
                "label": labels.get(line.role) or gettext(request, OTHER_ROLES),
                "started": line.started,
                "submitted": line.submitted,
                "reason": rules.explain(line.reason, lang) if line.reason else None,
            }
            for line in progress_lines(progress.by_role)
        ]
        return render(
            request,
            "coordinator/round.html",
            headers=NO_STORE,
            organisation=organisation,
            round=round_,
            instruments=_instrument_titles(request, round_),
            invite_url=_invite_url(request, round_) if round_.is_open else None,
            progress=progress,
            by_role=by_role,
            schedule=plan,
        )

    @get("/rounds/{round_id:str}/close", name="round_close_confirm", sync_to_thread=True)
    def confirm_close(
        self, request: Request[Any, Any, Any], round_id: FromPath[str]
    ) -> Template | Redirect:
        with db_session(request) as session:
            round_ = _round(request, session, round_id)
            progress = rounds.progress(session, round_)
        if not round_.is_open:
            return redirect(request, request.app.route_reverse("round_results", round_id=round_.id))
        return render(
            request,
            "coordinator/close.html",
            headers=NO_STORE,
            round=round_,
            progress=progress,
        )

    @post("/rounds/{round_id:str}/close", name="round_close", sync_to_thread=True)
    def close(self, request: Request[Any, Any, Any], round_id: FromPath[str]) -> Redirect:
        with db_session(request) as session:
            round_ = _round(request, session, round_id)
            rounds.close_round(session, round_, state_of(request).library)
        return redirect(request, request.app.route_reverse("round_results", round_id=round_id))

    @get("/rounds/{round_id:str}/results", name="round_results", sync_to_thread=True)
    def results(self, request: Request[Any, Any, Any], round_id: FromPath[str]) -> Template:
        lang = lang_of(request)
        with db_session(request) as session:
            round_ = _round(request, session, round_id)
            organisation = round_.organisation
            scores = (
                None
                if round_.is_open
                else results.round_scores(session, round_, state_of(request).library, lang)
            )
        return render(
            request,
            "coordinator/results.html",
            headers=NO_STORE,
            organisation=organisation,
            round=round_,
            scores=scores,
            roles_shown=[r for r in scores["roles"] if not r["suppressed"]] if scores else [],
            roles_hidden=[r for r in scores["roles"] if r["suppressed"]] if scores else [],
            role_tables=role_matrix(scores) if scores else [],
            priorities=results.where_to_start(scores["priorities"]) if scores else [],
        )

    def _round_form(
        self,
        request: Request[Any, Any, Any],
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
            for inst in state_of(request).library.latest_versions()
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
