"""Public pages: home, methodology, about, and registering an organisation."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template
from sqlalchemy.orm import Session

from instruments import InstrumentLibrary, sources, vocabularies
from survey.errors import InvalidInput
from survey.services import organisations
from web.controllers.pages.common import (
    NO_STORE,
    PageController,
    absolute_url,
    form_value,
    gettext,
    lang_of,
    render,
)
from web.i18n import N_
from web.security import REGISTRATION_LIMIT

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]

PROFILE_FIELDS = ("name", "sector", "size_band", "country")
PROFILE_ERRORS = {
    "name": N_("Enter the name of the organisation (at most 200 characters)."),
    "sector": N_("Choose the sector of the organisation."),
    "size_band": N_("Choose the number of staff."),
    "country": N_("Choose the country of the organisation."),
}


def profile_errors(form: dict[str, str]) -> dict[str, str]:
    """Every field of the registration form that cannot be right, with its message id."""
    vocab = vocabularies()
    name = " ".join(form["name"].split())
    checks = {
        "name": bool(name) and len(name) <= 200,
        "sector": form["sector"] in vocab.sectors,
        "size_band": form["size_band"] in vocab.size_bands,
        "country": form["country"] in vocab.countries,
    }
    return {field: PROFILE_ERRORS[field] for field, ok in checks.items() if not ok}


class PublicPages(PageController):
    @get("/", name="home", sync_to_thread=False)
    def home(self, request: Request[Any, Any, Any]) -> Template:
        return render(request, "public/home.html")

    @get("/methodology", name="methodology", sync_to_thread=False)
    def methodology(self, request: Request[Any, Any, Any]) -> Template:
        return render(request, "public/methodology.html")

    @get("/about", name="about", sync_to_thread=False)
    def about(
        self, request: Request[Any, Any, Any], library: NamedDependency[InstrumentLibrary]
    ) -> Template:
        lang = lang_of(request)
        instruments = [
            {
                "title": inst.title.get(lang),
                "description": inst.description.get(lang),
                "version": inst.version,
                "dimension_count": len(inst.dimensions),
                "item_count": len(inst.items),
            }
            for inst in library.latest_versions()
        ]
        return render(request, "public/about.html", sources=sources(), instruments=instruments)

    @get("/register", name="register", sync_to_thread=False)
    def register_form(self, request: Request[Any, Any, Any]) -> Template:
        return self._form(request, dict.fromkeys(PROFILE_FIELDS, ""), {})

    @post("/register", name="register_submit", sync_to_thread=True, opt=REGISTRATION_LIMIT)
    def register(
        self, request: Request[Any, Any, Any], db: NamedDependency[Session], data: FormData
    ) -> Template:
        form: dict[str, Any] = {field: form_value(data, field).strip() for field in PROFILE_FIELDS}
        form["country"] = form["country"].upper()
        form["share_with_integrity_office"] = bool(form_value(data, "share_with_integrity_office"))
        errors = profile_errors(form)
        if errors:
            return self._form(request, form, errors)
        try:
            with db.begin_nested():
                registration = organisations.register_organisation(db, **form)
        except InvalidInput as exc:
            field = exc.field if exc.field in PROFILE_ERRORS else "name"
            return self._form(request, form, {field: PROFILE_ERRORS[field]})
        organisation = registration.organisation
        lang = lang_of(request)
        vocab = vocabularies()
        path = request.app.route_reverse("dashboard_link", token=registration.coordinator_token)
        return render(
            request,
            "public/registered.html",
            headers=NO_STORE,
            organisation=organisation,
            dashboard_url=absolute_url(request, path),
            dashboard_path=path,
            sector_label=vocab.sectors.label(organisation.sector, lang),
            size_label=vocab.size_bands.label(organisation.size_band, lang),
            country_label=vocab.countries.label(organisation.country, lang),
        )

    def _form(
        self, request: Request[Any, Any, Any], form: dict[str, Any], errors: dict[str, str]
    ) -> Template:
        lang = lang_of(request)
        return render(
            request,
            "public/register.html",
            status_code=422 if errors else 200,
            form={"share_with_integrity_office": False, **form},
            errors={field: gettext(request, message) for field, message in errors.items()},
            vocab=vocabularies().as_dict(lang),
        )
