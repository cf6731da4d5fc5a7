"""The shared vocabularies: sectors, size bands, respondent roles and countries."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import Parameter

from instruments import vocabularies
from web.controllers.api.openapi import errors
from web.controllers.api.schemas import Lang, VocabulariesOut, vocabularies_out


class VocabularyController(Controller):
    path = "/api/vocabularies"
    tags = ["vocabularies"]

    @get(
        summary="Sectors, size bands, roles and countries with their labels",
        responses=errors(),
        sync_to_thread=False,
    )
    def list_vocabularies(
        self, lang: Annotated[Lang, Parameter(description="Language of the labels")] = "en"
    ) -> VocabulariesOut:
        return vocabularies_out(vocabularies().as_dict(lang))
