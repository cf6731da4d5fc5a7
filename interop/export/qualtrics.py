"""Qualtrics' Advanced Format TXT survey import.

``[[AdvancedFormat]]`` first; an embedded data field ``INSTRUMENT`` holds the
instrument id and version; one block per dimension; each item a single-answer
multiple choice question whose ``[[ID:...]]`` is the codebook's question code and
whose ``[[AdvancedChoices]]`` carry the codebook's answer codes as recode values
(``[[Choice:98]]``). The format has one language per file (``lang``) and cannot
express display logic: a routed instrument's role routing is set up after import in
Survey Flow (see docs/interoperability.md); answers to items not asked of a
respondent's role are left out by the reader in any case.
"""

from __future__ import annotations

from instruments import Instrument
from interop.codebook import MARKER_CODE, ROLE_CODE, ROLE_QUESTION, codebook
from interop.export.limesurvey import ABOUT_YOU


def _flat(text: str) -> str:
    """Qualtrics reads one question text up to the next tag: keep it on one line."""
    return " ".join(text.split())


def _question(code: str, text: str, choices: list[tuple[str, str]]) -> list[str]:
    lines = [
        "[[Question:MC:SingleAnswer:Vertical]]",
        f"[[ID:{code}]]",
        _flat(text),
        "[[AdvancedChoices]]",
    ]
    for choice, label in choices:
        lines += [f"[[Choice:{choice}]]", _flat(label)]
    return [*lines, ""]


def advanced_txt(instrument: Instrument, lang: str) -> bytes:
    book = codebook(instrument)
    lines = ["[[AdvancedFormat]]", "", f"[[ED:{MARKER_CODE}:{book.marker}]]", ""]
    lines += [f"[[Block:{_flat(ABOUT_YOU.get(lang))}]]", ""]
    lines += _question(
        ROLE_CODE, ROLE_QUESTION.get(lang), [(r.code, r.label.get(lang)) for r in book.roles]
    )
    for dimension in instrument.dimensions:
        lines += [f"[[Block:{_flat(dimension.title.get(lang))}]]", ""]
        for q in (q for q in book.questions if q.dimension_id == dimension.id):
            lines += _question(
                q.code, q.text.get(lang), [(a.code, a.label.get(lang)) for a in q.answers]
            )
    return "\n".join(lines).encode("utf-8")
