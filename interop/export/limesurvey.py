"""LimeSurvey's tab-separated survey structure (``.txt``), as its importer reads it.

One row per survey setting (class ``S``/``SL``), group (``G``), question (``Q``) and
answer (``A``); relationships follow from the order of the rows, and the whole base
language comes first, then the same rows in the other language. Columns are named
in the header row; columns beyond the standard ones set question attributes
(``hidden``) or the answer's assessment value. The file is UTF-8 with a byte order
mark, as LimeSurvey writes it.

Each item is a list question (type ``L``) with the codebook's answer codes; a
mandatory role question ``ROLE`` comes first and, for a routed (schema 2) instrument,
every item's relevance equation lets only the roles it is asked of see it. A hidden
equation question ``INSTRUMENT`` stores the instrument id and version with every
response.
"""

from __future__ import annotations

import csv
import io

from instruments import Instrument
from instruments.schema import Text
from interop.codebook import MARKER_CODE, ROLE_CODE, ROLE_QUESTION, Codebook, codebook

COLUMNS = (
    "class",
    "type/scale",
    "name",
    "relevance",
    "text",
    "help",
    "language",
    "validation",
    "mandatory",
    "other",
    "default",
    "same_default",
    "hidden",
    "assessment_value",
)
ABOUT_YOU = Text(en="About you", nl="Over u")
OTHER = {"en": "nl", "nl": "en"}


def relevance(book: Codebook, roles: tuple[str, ...]) -> str:
    """The relevance equation showing a question to ``roles`` (always, when every role)."""
    codes = book.role_codes(roles)
    if not roles or len(codes) == len(book.roles):
        return "1"
    return " or ".join(f"{ROLE_CODE}.NAOK == '{code}'" for code in codes)


def _rows(instrument: Instrument, book: Codebook, lang: str) -> list[dict[str, str]]:
    rows = [
        {"class": "G", "type/scale": "G0", "name": ABOUT_YOU.get(lang), "language": lang},
        {
            "class": "Q",
            "type/scale": "L",
            "name": ROLE_CODE,
            "relevance": "1",
            "text": ROLE_QUESTION.get(lang),
            "language": lang,
            "mandatory": "Y",
        },
        *(
            {
                "class": "A",
                "type/scale": "0",
                "name": r.code,
                "text": r.label.get(lang),
                "language": lang,
            }
            for r in book.roles
        ),
        {
            "class": "Q",
            "type/scale": "*",
            "name": MARKER_CODE,
            "relevance": "1",
            "text": book.marker,
            "language": lang,
            "hidden": "1",
        },
    ]
    for n, dimension in enumerate(instrument.dimensions, start=1):
        rows.append(
            {
                "class": "G",
                "type/scale": f"G{n}",
                "name": dimension.title.get(lang),
                "text": dimension.description.get(lang),
                "language": lang,
            }
        )
        for question in (q for q in book.questions if q.dimension_id == dimension.id):
            rows.append(
                {
                    "class": "Q",
                    "type/scale": "L",
                    "name": question.code,
                    "relevance": relevance(book, question.roles),
                    "text": question.text.get(lang),
                    "language": lang,
                    "mandatory": "Y",
                }
            )
            rows.extend(
                {
                    "class": "A",
                    "type/scale": "0",
                    "name": answer.code,
                    "text": answer.label.get(lang),
                    "language": lang,
                    "assessment_value": "" if answer.score is None else f"{answer.score:g}",
                }
                for answer in question.answers
            )
    return rows


def survey_structure(instrument: Instrument, lang: str) -> bytes:
    """The survey in both languages; ``lang`` is the base language (listed first)."""
    book = codebook(instrument)
    languages = (lang, OTHER[lang])
    settings = [
        {"class": "S", "name": "language", "text": lang},
        {"class": "S", "name": "additional_languages", "text": OTHER[lang]},
        {"class": "S", "name": "format", "text": "G"},
        {"class": "S", "name": "anonymized", "text": "Y"},
    ]
    for language in languages:
        settings += [
            {
                "class": "SL",
                "name": "surveyls_title",
                "text": f"{instrument.title.get(language)} ({book.marker})",
                "language": language,
            },
            {
                "class": "SL",
                "name": "surveyls_description",
                "text": instrument.description.get(language),
                "language": language,
            },
        ]
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=COLUMNS, delimiter="\t", lineterminator="\n", restval=""
    )
    writer.writeheader()
    writer.writerows(settings)
    for language in languages:
        writer.writerows(_rows(instrument, book, language))
    return ("\ufeff" + out.getvalue()).encode("utf-8")
