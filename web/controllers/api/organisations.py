"""Organisations: registration (which hands out the coordinator token) and the profile."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED
from sqlalchemy.orm import Session

from survey.models import Organisation
from survey.services import organisations
from survey.settings import Settings
from web.auth import dashboard_url, require_coordinator
from web.controllers.api.openapi import DATABASE, GUARDED, LIMITED, errors
from web.controllers.api.schemas import (
    BEARER,
    OrganisationIn,
    OrganisationOut,
    Registered,
    organisation_out,
)
from web.security import REGISTRATION_LIMIT, TOKEN_LIMIT


class OrganisationController(Controller):
    path = "/api/organisations"
    tags = ["organisations"]

    @post(
        summary="Register an organisation",
        description="Returns the coordinator token once; it is stored only as a hash. "
        "It is the key to the organisation until its dashboard link claims the first "
        "coordinator account; from then on use a coordinator's personal API token.",
        status_code=HTTP_201_CREATED,
        opt=REGISTRATION_LIMIT,
        responses=errors(422, LIMITED, DATABASE),
        sync_to_thread=True,
    )
    def register(
        self,
        db: NamedDependency[Session],
        settings: NamedDependency[Settings],
        request: Request,
        data: JSONBody[OrganisationIn],
    ) -> Registered:
        registration = organisations.register_organisation(
            db,
            name=data.name,
            sector=data.sector,
            size_band=data.size_band,
            country=data.country,
            share_with_integrity_office=data.share_with_integrity_office,
        )
        token = registration.coordinator_token
        return Registered(
            id=registration.organisation.id,
            coordinator_token=token,
            dashboard_url=dashboard_url(request, settings, token),
        )

    @get(
        "/{org_id:str}",
        summary="The organisation's profile (coordinator)",
        guards=[require_coordinator],
        opt=TOKEN_LIMIT,
        security=BEARER,
        responses=errors(*GUARDED),
        sync_to_thread=True,
    )
    def get_organisation(
        self,
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        org_id: FromPath[str],
    ) -> OrganisationOut:
        return organisation_out(organisations.get_organisation(db, org_id, of=coordinator))
