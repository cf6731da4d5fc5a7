"""Canonical answers as the platform's own import file (``survey import``).

A tool's export becomes the long CSV that :func:`survey.transfer.import_responses`
takes: the organisation must be an existing organisation's id, every response lands
in the round ``round_label`` (an existing round id or the label of a new round).
"""

from __future__ import annotations

import csv
import io

from interop.ingest.model import ReadResult
from survey.transfer import COLUMNS


def platform_csv(result: ReadResult, round_label: str) -> io.StringIO:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in result.answers.iter_rows(named=True):
        writer.writerow(
            (
                row["organisation_id"],
                round_label,
                row["respondent_id"],
                row["role"],
                row["instrument_id"],
                row["item_id"],
                row["answer"],
            )
        )
    out.seek(0)
    out.name = str(result.path)  # type: ignore[misc]
    return out
