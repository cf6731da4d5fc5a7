"""Write an instrument version in another survey tool's import format.

:func:`export` is the single entry point; each format lives in its own module and
returns the file's bytes. Every file carries the instrument id and version (the
codebook's marker), so that a reader can tell which version its answers belong to.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from instruments import Instrument
from interop.export import codebook_file, limesurvey, qualtrics, xlsform
from survey.i18n import LANGUAGES

FORMATS = ("limesurvey", "xlsform", "qualtrics", "codebook")

_WRITERS: dict[str, Callable[[Instrument, str], bytes]] = {
    "limesurvey": limesurvey.survey_structure,
    "xlsform": xlsform.workbook,
    "qualtrics": qualtrics.advanced_txt,
}


def default_name(instrument: Instrument, format: str) -> str:
    suffix = {"limesurvey": ".txt", "xlsform": ".xlsx", "qualtrics": ".txt", "codebook": ".csv"}
    tag = {"limesurvey": "limesurvey", "xlsform": "xlsform", "qualtrics": "qualtrics"}
    middle = f"-{tag[format]}" if format in tag else "-codebook"
    return f"{instrument.id}-{instrument.version}{middle}{suffix[format]}"


def export(instrument: Instrument, format: str, lang: str, path: Path) -> bytes:
    """The bytes of ``instrument`` in ``format``; ``path`` picks CSV or XLSX for a codebook."""
    if format not in FORMATS:
        raise ValueError(f"unknown format '{format}' (use {', '.join(FORMATS)})")
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language '{lang}' (use {', '.join(LANGUAGES)})")
    if format == "codebook":
        if path.suffix.lower() == ".xlsx":
            return codebook_file.xlsx(instrument, lang)
        return codebook_file.csv_bytes(instrument, lang)
    return _WRITERS[format](instrument, lang)
