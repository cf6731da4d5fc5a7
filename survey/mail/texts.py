"""The mails: invitation, reminder, round closed and password reset, as plain text and
HTML.

Their wording is in the one catalogue (Dutch in the informal "je"); the ``%(name)s``
placeholders are filled here.
"""

from __future__ import annotations

from datetime import datetime

from survey.i18n import LANGUAGES, Translator
from survey.mail.message import MailContent, languages_to_html, paragraphs_to_html

EVERY_LANGUAGE = ",".join(LANGUAGES)
"""The ``Content-Language`` of a mail in every language (RFC 3282: a list)."""


def _deadline(t: Translator, closes_at: datetime | None) -> str:
    if closes_at is None:
        return ""
    return t("The round closes on %(date)s (UTC).", date=closes_at.strftime("%Y-%m-%d %H:%M"))


def _content(t: Translator, subject: str, paragraphs: list[str]) -> MailContent:
    body = "\n\n".join(p for p in paragraphs if p)
    return MailContent(subject, body, paragraphs_to_html(body.split("\n\n"), t.lang))


def invitation_mail(
    *, lang: str, organisation: str, role: str, link: str, closes_at: datetime | None
) -> MailContent:
    t = Translator(lang)
    return _content(
        t,
        t(
            "Your invitation: social media self-assessment of %(organisation)s",
            organisation=organisation,
        ),
        [
            t("Hello,"),
            t(
                "%(organisation)s is assessing how mature its social media policy is, and asks "
                "you to take part as %(role)s.",
                organisation=organisation,
                role=role,
            ),
            t(
                "Your answers are anonymous: nobody sees who answered what, and results are "
                "shown only for groups of several people."
            ),
            t(
                "Your personal link (it starts your response, and brings you back to it if you "
                "stop halfway): %(link)s",
                link=link,
            ),
            _deadline(t, closes_at),
            t("Please do not forward this mail: the link is yours."),
        ],
    )


def reminder_mail(
    *, lang: str, organisation: str, link: str, closes_at: datetime | None
) -> MailContent:
    t = Translator(lang)
    return _content(
        t,
        t("Reminder: social media self-assessment of %(organisation)s", organisation=organisation),
        [
            t("Hello,"),
            t(
                "You have not yet submitted your answers to the social media self-assessment "
                "of %(organisation)s. Your personal link takes you to where you stopped: "
                "%(link)s",
                organisation=organisation,
                link=link,
            ),
            _deadline(t, closes_at),
            t("Thank you for taking part."),
        ],
    )


def reset_mail(*, lang: str, email: str, link: str, expires_at: datetime) -> MailContent:
    t = Translator(lang)
    return _content(
        t,
        t("Reset your password: social media self-assessment"),
        [
            t("Hello,"),
            t(
                "Someone asked to reset the password of the coordinator account %(email)s. If "
                "that was you, choose a new password with this link; it works once, until "
                "%(expires)s (UTC): %(link)s",
                email=email,
                expires=expires_at.strftime("%Y-%m-%d %H:%M"),
                link=link,
            ),
            t(
                "If you did not ask for this, you can ignore this mail: your password stays as "
                "it is."
            ),
        ],
    )


def closed_mail(
    *, lang: str | None, organisation: str, round_label: str, submitted: int, link: str
) -> MailContent:
    """The notice that a round closed at its deadline; in every language when ``lang``
    is None (a coordinator whose language is not known)."""
    if lang is None:
        contents = [
            _closed_mail(Translator(each), organisation, round_label, submitted, link)
            for each in LANGUAGES
        ]
        return MailContent(
            " / ".join(dict.fromkeys(c.subject for c in contents)),
            "\n\n---\n\n".join(c.text for c in contents),
            languages_to_html(
                [(each, c.text.split("\n\n")) for each, c in zip(LANGUAGES, contents, strict=True)]
            ),
        )
    return _closed_mail(Translator(lang), organisation, round_label, submitted, link)


def _closed_mail(
    t: Translator, organisation: str, round_label: str, submitted: int, link: str
) -> MailContent:
    return _content(
        t,
        t("Round closed: %(round)s", round=round_label),
        [
            t("Hello,"),
            t.ngettext(
                'The round "%(round)s" of %(organisation)s reached its closing date and has been '
                "closed, with %(n)s submitted response.",
                'The round "%(round)s" of %(organisation)s reached its closing date and has been '
                "closed, with %(n)s submitted responses.",
                submitted,
                round=round_label,
                organisation=organisation,
            ),
            t("The scores are on your dashboard: %(link)s", link=link),
            t("The invitation addresses of this round have been erased."),
        ],
    )
