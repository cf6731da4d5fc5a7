"""Server-rendered pages (Jinja templates, working without JavaScript), one controller per area."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from web.controllers.pages.accounts import AccountPages
from web.controllers.pages.accounts_password import AccountPasswordPages
from web.controllers.pages.accounts_team import TeamPages
from web.controllers.pages.actions import ActionPages
from web.controllers.pages.benchmark import BenchmarkPages
from web.controllers.pages.coordinator import CoordinatorPages
from web.controllers.pages.dashboard import DashboardPages
from web.controllers.pages.dialogue import DialoguePages
from web.controllers.pages.invitations import InvitationPages
from web.controllers.pages.office import OfficePages
from web.controllers.pages.office_password import OfficePasswordPages
from web.controllers.pages.office_security import OfficeSecurityPages
from web.controllers.pages.password_forgotten import PasswordForgottenPages
from web.controllers.pages.public import PublicPages
from web.controllers.pages.reports import ReportPages
from web.controllers.pages.respondent import RespondentPages
from web.controllers.pages.respondent_questions import RespondentQuestionPages
from web.controllers.pages.respondent_start import RespondentStartPages
from web.controllers.pages.round_settings import RoundSettingsPages
from web.controllers.pages.tokens import TokenPages

PAGE_CONTROLLERS: list[ControllerRouterHandler] = [
    PublicPages,
    CoordinatorPages,
    AccountPages,
    TeamPages,
    AccountPasswordPages,
    PasswordForgottenPages,
    TokenPages,
    ActionPages,
    DialoguePages,
    RespondentStartPages,
    RespondentQuestionPages,
    RespondentPages,
    InvitationPages,
    RoundSettingsPages,
    OfficePages,
    OfficeSecurityPages,
    OfficePasswordPages,
    BenchmarkPages,
    DashboardPages,
    ReportPages,
]
