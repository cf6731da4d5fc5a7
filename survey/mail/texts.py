"""The texts of every mail, in English and Dutch (informal "je"), plain text and HTML."""

from __future__ import annotations

from datetime import datetime

from survey.mail.message import MailContent, languages_to_html, paragraphs_to_html

LANGUAGES = ("en", "nl")
"""The languages of every text, in the order a mail to someone of unknown language has them."""
EVERY_LANGUAGE = ",".join(LANGUAGES)
"""The ``Content-Language`` of a mail in every language (RFC 3282: a list)."""

TEXTS: dict[str, dict[str, str]] = {
    "invitation.subject": {
        "en": "Your invitation: social media self-assessment of {organisation}",
        "nl": "Je uitnodiging: zelfevaluatie sociale media van {organisation}",
    },
    "invitation.body": {
        "en": "Hello,\n\n{organisation} is assessing how mature its social media policy is, "
        "and asks you to take part as {role}.\n\nYour answers are anonymous: nobody sees who "
        "answered what, and results are shown only for groups of several people.\n\n"
        "Your personal link (it starts your response, and brings you back to it if you stop "
        "halfway): {link}\n\n{deadline}Please do not forward this mail: the link is yours.",
        "nl": "Hallo,\n\n{organisation} onderzoekt hoe volwassen het beleid voor sociale media "
        "is, en vraagt jou mee te doen als {role}.\n\nJe antwoorden zijn anoniem: niemand ziet "
        "wie wat heeft geantwoord, en resultaten worden alleen getoond voor groepen van "
        "meerdere mensen.\n\nJe persoonlijke link (hiermee begin je, en kom je terug als je "
        "halverwege stopt): {link}\n\n{deadline}Stuur deze mail niet door: de link is van jou.",
    },
    "reminder.subject": {
        "en": "Reminder: social media self-assessment of {organisation}",
        "nl": "Herinnering: zelfevaluatie sociale media van {organisation}",
    },
    "reminder.body": {
        "en": "Hello,\n\nYou have not yet submitted your answers to the social media "
        "self-assessment of {organisation}. Your personal link takes you to where you "
        "stopped: {link}\n\n{deadline}Thank you for taking part.",
        "nl": "Hallo,\n\nJe hebt je antwoorden op de zelfevaluatie sociale media van "
        "{organisation} nog niet verstuurd. Met je persoonlijke link ga je verder waar je "
        "was gebleven: {link}\n\n{deadline}Bedankt voor je deelname.",
    },
    "deadline": {
        "en": "The round closes on {date} (UTC).\n\n",
        "nl": "De ronde sluit op {date} (UTC).\n\n",
    },
    "closed.subject": {
        "en": "Round closed: {round}",
        "nl": "Ronde gesloten: {round}",
    },
    "closed.body": {
        "en": 'Hello,\n\nThe round "{round}" of {organisation} reached its closing date and '
        "has been closed, with {submitted} submitted response(s). The scores are on your "
        "dashboard: {link}\n\nThe invitation addresses of this round have been erased.",
        "nl": 'Hallo,\n\nDe ronde "{round}" van {organisation} heeft de sluitingsdatum bereikt '
        "en is gesloten, met {submitted} verstuurde antwoordenlijst(en). De scores staan op je "
        "dashboard: {link}\n\nDe adressen van de uitnodigingen van deze ronde zijn gewist.",
    },
    "reset.subject": {
        "en": "Reset your password: social media self-assessment",
        "nl": "Je wachtwoord opnieuw instellen: zelfevaluatie sociale media",
    },
    "reset.body": {
        "en": "Hello,\n\nSomeone asked to reset the password of the coordinator account "
        "{email}. If that was you, choose a new password with this link; it works once, "
        "until {expires} (UTC): {link}\n\nIf you did not ask for this, you can ignore this "
        "mail: your password stays as it is.",
        "nl": "Hallo,\n\nIemand heeft gevraagd het wachtwoord van het coördinatoraccount "
        "{email} opnieuw in te stellen. Was jij dat, kies dan met deze link een nieuw "
        "wachtwoord; de link werkt één keer, tot {expires} (UTC): {link}\n\nHeb je hier niet "
        "om gevraagd, dan kun je deze mail negeren: je wachtwoord blijft zoals het is.",
    },
}


def text(key: str, lang: str, **values: object) -> str:
    variants = TEXTS[key]
    return variants.get(lang, variants["en"]).format(**values)


def _deadline(closes_at: datetime | None, lang: str) -> str:
    if closes_at is None:
        return ""
    return text("deadline", lang, date=closes_at.strftime("%Y-%m-%d %H:%M"))


def _content(kind: str, lang: str, **values: object) -> MailContent:
    subject = text(f"{kind}.subject", lang, **values)
    body = text(f"{kind}.body", lang, **values)
    return MailContent(subject, body, paragraphs_to_html(body.split("\n\n"), lang))


def invitation_mail(
    *, lang: str, organisation: str, role: str, link: str, closes_at: datetime | None
) -> MailContent:
    return _content(
        "invitation",
        lang,
        organisation=organisation,
        role=role,
        link=link,
        deadline=_deadline(closes_at, lang),
    )


def reminder_mail(
    *, lang: str, organisation: str, link: str, closes_at: datetime | None
) -> MailContent:
    return _content(
        "reminder", lang, organisation=organisation, link=link, deadline=_deadline(closes_at, lang)
    )


def reset_mail(*, lang: str, email: str, link: str, expires_at: datetime) -> MailContent:
    return _content(
        "reset", lang, email=email, link=link, expires=expires_at.strftime("%Y-%m-%d %H:%M")
    )


def closed_mail(
    *, lang: str | None, organisation: str, round_label: str, submitted: int, link: str
) -> MailContent:
    """The notice that a round closed at its deadline; in every language when ``lang``
    is None (a coordinator whose language is not known)."""
    values = {"organisation": organisation, "round": round_label, "submitted": submitted}
    if lang is not None:
        return _content("closed", lang, link=link, **values)
    return _every_language("closed", link=link, **values)


def _every_language(kind: str, **values: object) -> MailContent:
    """One mail with the text in each of ``LANGUAGES``: subjects joined by " / ", bodies
    one after the other."""
    contents = {lang: _content(kind, lang, **values) for lang in LANGUAGES}
    return MailContent(
        " / ".join(dict.fromkeys(c.subject for c in contents.values())),
        "\n\n---\n\n".join(c.text for c in contents.values()),
        languages_to_html([(lang, c.text.split("\n\n")) for lang, c in contents.items()]),
    )
