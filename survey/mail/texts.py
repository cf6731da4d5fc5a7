"""The texts of every mail, in English and Dutch (informal "je"), plain text and HTML."""

from __future__ import annotations

from datetime import datetime

from survey.mail.message import MailContent, paragraphs_to_html

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


def closed_mail(
    *, lang: str, organisation: str, round_label: str, submitted: int, link: str
) -> MailContent:
    return _content(
        "closed",
        lang,
        organisation=organisation,
        round=round_label,
        submitted=submitted,
        link=link,
    )
