"""The JSON API under ``/api``: one controller per resource; Bearer tokens, no cookies."""

from __future__ import annotations

from web.controllers.api.actions import ActionController
from web.controllers.api.instruments import InstrumentController
from web.controllers.api.invitations import InvitationController
from web.controllers.api.invites import InviteController
from web.controllers.api.organisations import OrganisationController
from web.controllers.api.reports import RoundReportController, SectorReportController
from web.controllers.api.responses import ResponseController
from web.controllers.api.rounds import RoundController
from web.controllers.api.vocabularies import VocabularyController

API_CONTROLLERS = [
    InstrumentController,
    VocabularyController,
    OrganisationController,
    RoundController,
    ActionController,
    InviteController,
    InvitationController,
    ResponseController,
    RoundReportController,
    SectorReportController,
]
