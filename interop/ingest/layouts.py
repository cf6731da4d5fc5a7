"""How each survey tool lays out its response export, and how to recognise it.

One row per response in every layout here (the long layout is read separately).
A layout names the tool's own columns (left aside), the column that identifies a
response, the rule that tells a complete response from an incomplete one, and the
header rows below the first one (Qualtrics writes three header rows: codes, question
texts, import ids; KoboToolbox may write a row of HXL tags).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from interop.ingest.table import Table
from interop.vocab import normal

FORMATS = ("limesurvey", "qualtrics", "kobo", "msforms", "wide", "long")


def _limesurvey_complete(value: str) -> bool:
    """LimeSurvey leaves ``submitdate`` empty (or writes N/A) for an incomplete response."""
    return value.strip() not in ("", "N/A")


def _qualtrics_complete(value: str) -> bool:
    return value.strip().casefold() in ("1", "true")


@dataclass(frozen=True)
class Layout:
    name: str
    metadata: frozenset[str]
    respondent: tuple[str, ...]
    completion: tuple[str, Callable[[str], bool]] | None = None
    metadata_patterns: tuple[re.Pattern[str], ...] = ()
    extra_header_rows: int = 0
    labels_row: int | None = None
    values_are_scores: bool = False
    aliases: dict[str, str] = field(default_factory=dict)

    def is_metadata(self, header: str) -> bool:
        name = normal(header)
        return name in self.metadata or any(p.match(header) for p in self.metadata_patterns)


def _names(*names: str) -> frozenset[str]:
    return frozenset(normal(n) for n in names)


LIMESURVEY = Layout(
    "limesurvey",
    _names(
        "id",
        "submitdate",
        "lastpage",
        "startlanguage",
        "seed",
        "token",
        "startdate",
        "datestamp",
        "ipaddr",
        "refurl",
        "interviewtime",
        "Response ID",
        "Date submitted",
        "Last page",
        "Start language",
        "Seed",
        "Date started",
        "Date last action",
        "IP address",
        "Referrer URL",
        "Total time",
    ),
    ("id", "Response ID"),
    ("submitdate", _limesurvey_complete),
    (re.compile(r"^groupTime\d+$"),),
    aliases={normal("Date submitted"): "submitdate"},
)
QUALTRICS = Layout(
    "qualtrics",
    _names(
        "StartDate",
        "EndDate",
        "Status",
        "IPAddress",
        "Progress",
        "Duration (in seconds)",
        "Finished",
        "RecordedDate",
        "ResponseId",
        "RecipientLastName",
        "RecipientFirstName",
        "RecipientEmail",
        "ExternalReference",
        "ExternalDataReference",
        "LocationLatitude",
        "LocationLongitude",
        "DistributionChannel",
        "UserLanguage",
    ),
    ("ResponseId",),
    ("Finished", _qualtrics_complete),
    (re.compile(r"^Q_[A-Za-z]"),),
    extra_header_rows=2,
    labels_row=0,
)
KOBO = Layout(
    "kobo",
    _names(
        "start",
        "end",
        "today",
        "deviceid",
        "username",
        "phonenumber",
        "audit",
        "_id",
        "_uuid",
        "_submission_time",
        "_validation_status",
        "_notes",
        "_status",
        "_submitted_by",
        "__version__",
        "_version_",
        "_tags",
        "_index",
        "_attachments",
        "_geolocation",
        "_xform_id_string",
        "meta/instanceID",
        "meta/rootUuid",
        "formhub/uuid",
        "meta/deprecatedID",
    ),
    ("_uuid", "_id", "_index"),
)
MSFORMS = Layout(
    "msforms",
    _names(
        "ID",
        "Start time",
        "Completion time",
        "Email",
        "Name",
        "Last modified time",
        "Total points",
        "Quiz feedback",
    ),
    ("ID",),
    metadata_patterns=(re.compile(r"^(Points|Feedback) - "),),
)
WIDE = Layout(
    "wide",
    _names(),
    ("respondent", "respondent_id", "response", "response_id", "id"),
    values_are_scores=True,
)
LAYOUTS = {layout.name: layout for layout in (LIMESURVEY, QUALTRICS, KOBO, MSFORMS, WIDE)}


def detect(table: Table) -> str:
    """The tool that wrote ``table``, from its headers (``wide`` when none fits)."""
    names = {normal(h) for h in table.header}
    import_ids = [c for row in table.rows[1:2] for c in row if c.strip().startswith('{"ImportId"')]
    if import_ids:
        return "qualtrics"
    if {"submitdate", "lastpage"} <= names or normal("Date submitted") in names:
        return "limesurvey"
    if len(names & _names("_uuid", "_submission_time", "_index", "_id", "_status")) >= 2:
        return "kobo"
    if _names("Start time", "Completion time") <= names:
        return "msforms"
    if names & _names("item", "item_id"):
        return "long"
    return "wide"


def skip_tag_row(table: Table, layout: Layout) -> int:
    """Header rows to skip below the first: the layout's own, or Kobo's HXL tag row."""
    if layout.name == "kobo" and table.rows:
        first = [c.strip() for c in table.rows[0]]
        if all(not c or c.startswith("#") for c in first) and any(first):
            return 1
    return layout.extra_header_rows
