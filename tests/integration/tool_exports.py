"""Survey tools' response exports, written in the exact shapes the tools write.

Each builder takes the instrument's own export for that tool (the LimeSurvey survey
structure, the XLSForm, the Qualtrics TXT or, for Microsoft Forms which imports no
structure, the codebook), reads the question and answer codes from it as the tool
would after importing it, and writes the answers of :data:`RESPONDENTS` the way the
tool exports them. Headers and metadata columns follow the tools' published sample
exports: LimeSurvey's CsvWriter (UTF-8 BOM, every field quoted, CRLF, a blank last
line), Qualtrics' three header rows (ropensci/qualtRics sample.csv), KoboToolbox's
``;``-separated CSV and single-sheet XLSX (kpi export tests), Microsoft Forms'
``ID, Start time, Completion time, Email, Name`` workbook.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from instruments import Instrument

RESPONDENTS: list[tuple[str, dict[str, str]]] = [
    (
        "management",
        {
            "rules.guideline": "lived",
            "rules.monitoring": "routine",
            "culture.dialogue": "regularly",
            "culture.mistakes": "discussed",
        },
    ),
    (
        "management",
        {
            "rules.guideline": "adopted",
            "rules.monitoring": "not_applicable",
            "culture.dialogue": "sometimes",
            "culture.mistakes": "learned",
        },
    ),
    (
        "management",
        {
            "rules.guideline": "draft",
            "rules.monitoring": "named",
            "culture.dialogue": "dont_know",
            "culture.mistakes": "tolerated",
        },
    ),
    (
        "staff",
        {"rules.guideline": "adopted", "culture.dialogue": "never", "culture.mistakes": "hidden"},
    ),
    (
        "staff",
        {
            "rules.guideline": "dont_know",
            "culture.dialogue": "incidents",
            "culture.mistakes": "punished",
        },
    ),
    (
        "staff",
        {"rules.guideline": "ban", "culture.dialogue": "always", "culture.mistakes": "tolerated"},
    ),
    ("it", {"rules.monitoring": "reviewed", "culture.dialogue": "regularly"}),
    ("it", {"rules.monitoring": "adhoc", "culture.dialogue": "sometimes"}),
    ("it", {"rules.monitoring": "dont_know", "culture.dialogue": "regularly"}),
]
INCOMPLETE = ("staff", {"rules.guideline": "none"})
ROLE_LABELS = {"management": "Management", "staff": "Staff member", "it": "IT"}


@dataclass(frozen=True)
class Codes:
    """What a tool knows after importing the instrument: question codes and answer codes."""

    marker: str
    role_code: str
    questions: dict[str, str]  # item id -> question code
    answers: dict[tuple[str, str], str]  # (item id, option value) -> answer code
    roles: dict[str, str]  # role id -> answer code


def _by_text(
    instrument: Instrument, lang: str
) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    items = {item.text.get(lang): item.id for item in instrument.items}
    options = {
        (item.id, o.label.get(lang)): o.value for item in instrument.items for o in item.options
    }
    return items, options


def limesurvey_codes(structure: bytes, instrument: Instrument) -> Codes:
    text = structure.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter="\t"))
    items, options = _by_text(instrument, "en")
    questions, answers, roles, marker = {}, {}, {}, ""
    current = None
    for row in (r for r in rows if r.get("language") == "en"):
        if row["class"] == "Q":
            current = items.get(row["text"], row["name"])
            if row["type/scale"] == "*":
                marker = row["text"]
            if current in items.values():
                questions[current] = row["name"]
        elif row["class"] == "A" and current in items.values():
            answers[(current, options[(current, row["text"])])] = row["name"]
        elif row["class"] == "A" and current == "ROLE":
            roles[row["text"]] = row["name"]
    return Codes(
        marker, "ROLE", questions, answers, {r: roles[ROLE_LABELS[r]] for r in ROLE_LABELS}
    )


def xlsform_codes(workbook: Path, instrument: Instrument) -> tuple[Codes, dict[str, str]]:
    """The codes, and each field's group path as Kobo writes it (``rules/Q01``)."""
    book = openpyxl.load_workbook(workbook)
    survey = list(book["survey"].iter_rows(values_only=True))
    choices = list(book["choices"].iter_rows(values_only=True))
    head = list(survey[0])
    items, options = _by_text(instrument, "en")
    questions, paths, marker, group = {}, {}, "", None
    for row in survey[1:]:
        r = dict(zip(head, row, strict=False))
        if r["type"] == "begin_group":
            group = r["name"]
        elif r["type"] == "end_group":
            group = None
        elif r["type"] == "calculate":
            marker = r["calculation"].strip("'")
            paths[r["name"]] = r["name"]
        elif str(r["type"]).startswith("select_one"):
            item = items.get(r["label::English (en)"], r["name"])
            questions[item] = r["name"]
            paths[r["name"]] = f"{group}/{r['name']}" if group else r["name"]
    chead = list(choices[0])
    answers, roles = {}, {}
    code_to_item = {code: item for item, code in questions.items()}
    for row in choices[1:]:
        c = dict(zip(chead, row, strict=False))
        if c["list_name"] == "roles":
            roles[c["label::English (en)"]] = str(c["name"])
        else:
            item = code_to_item[c["list_name"]]
            answers[(item, options[(item, c["label::English (en)"])])] = str(c["name"])
    codes = Codes(
        marker, "ROLE", questions, answers, {r: roles[ROLE_LABELS[r]] for r in ROLE_LABELS}
    )
    return codes, paths


def qualtrics_codes(txt: bytes, instrument: Instrument) -> Codes:
    lines = txt.decode("utf-8").splitlines()
    items, options = _by_text(instrument, "en")
    marker = next(
        m.group(1) for line in lines if (m := re.match(r"\[\[ED:INSTRUMENT:(.+)\]\]", line))
    )
    questions, answers, roles = {}, {}, {}
    i = 0
    while i < len(lines):
        m = re.match(r"\[\[ID:(.+)\]\]", lines[i])
        if m:
            code, text = m.group(1), lines[i + 1]
            item = items.get(text)
            j = i + 3
            while j < len(lines) and lines[j].startswith("[[Choice:"):
                choice, label = lines[j][9:-2], lines[j + 1]
                if item:
                    answers[(item, options[(item, label)])] = choice
                else:
                    roles[label] = choice
                j += 2
            if item:
                questions[item] = code
            i = j
        else:
            i += 1
    return Codes(
        marker, "ROLE", questions, answers, {r: roles[ROLE_LABELS[r]] for r in ROLE_LABELS}
    )


def _label(instrument: Instrument, item_id: str, value: str, lang: str) -> str:
    item = instrument.item(item_id)
    assert item is not None
    option = item.option(value)
    assert option is not None
    return option.label.get(lang)


def limesurvey_csv(
    path: Path,
    instrument: Instrument,
    codes: Codes,
    *,
    full_answers: bool = False,
    lang: str = "en",
    separator: str = ",",
) -> Path:
    """LimeSurvey 'Export responses': question codes as headings, answer codes (or full
    answers in ``lang``), all responses (complete and incomplete)."""
    items = [item.id for item in instrument.items]
    header = [
        "id",
        "submitdate",
        "lastpage",
        "startlanguage",
        "seed",
        "startdate",
        "datestamp",
        "ROLE",
        "INSTRUMENT",
        *(codes.questions[i] for i in items),
        "interviewtime",
        "ROLETime",
    ]
    rows = []
    everyone = [*RESPONDENTS[:4], INCOMPLETE, *RESPONDENTS[4:]]
    for n, entry in enumerate(everyone, start=1):
        role, answers = entry
        complete = entry is not INCOMPLETE
        role_cell = (
            codes.roles[role]
            if not full_answers
            else ("Medewerker" if lang == "nl" and role == "staff" else ROLE_LABELS[role])
        )
        cells = []
        for item in items:
            value = answers.get(item)
            if value is None:
                cells.append("" if n % 2 else "N/A")
            elif full_answers:
                cells.append(_label(instrument, item, value, lang))
            else:
                cells.append(codes.answers[(item, value)])
        rows.append(
            [
                str(n),
                f"2026-03-02 10:{n:02d}:00" if complete else "",
                "3" if complete else "1",
                lang,
                str(1000 + n),
                f"2026-03-02 09:{n:02d}:00",
                f"2026-03-02 10:{n:02d}:00",
                role_cell,
                codes.marker,
                *cells,
                "312.5",
                "12.2",
            ]
        )

    def quoted(values: list[str]) -> str:
        return separator.join('"' + v.replace('"', '""') + '"' for v in values)

    text = "\r\n".join(quoted(r) for r in [header, *rows]) + "\r\n\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


QUALTRICS_META = [
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
    "LocationLatitude",
    "LocationLongitude",
    "DistributionChannel",
    "UserLanguage",
]
QUALTRICS_TEXTS = [
    "Start Date",
    "End Date",
    "Response Type",
    "IP Address",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "Recorded Date",
    "Response ID",
    "Recipient Last Name",
    "Recipient First Name",
    "Recipient Email",
    "External Data Reference",
    "Location Latitude",
    "Location Longitude",
    "Distribution Channel",
    "User Language",
]
QUALTRICS_IDS = [
    "startDate",
    "endDate",
    "status",
    "ipAddress",
    "progress",
    "duration",
    "finished",
    "recordedDate",
    "_recordId",
    "recipientLastName",
    "recipientFirstName",
    "recipientEmail",
    "externalDataReference",
    "locationLatitude",
    "locationLongitude",
    "distributionChannel",
    "userLanguage",
]


def qualtrics_csv(
    path: Path, instrument: Instrument, codes: Codes, *, choice_text: bool = False
) -> Path:
    """Data & Analysis > Export data > CSV, numeric values (or choice text)."""
    items = [item.id for item in instrument.items]
    qids = {
        code: f"QID{n}"
        for n, code in enumerate(["ROLE", *(codes.questions[i] for i in items)], start=1)
    }
    header = [*QUALTRICS_META, "ROLE", *(codes.questions[i] for i in items), "INSTRUMENT"]
    texts = [
        *QUALTRICS_TEXTS,
        "What is your role in the organisation?",
        *(instrument.item(i).text.en for i in items),
        "INSTRUMENT",
    ]  # type: ignore[union-attr]
    import_ids = [json.dumps({"ImportId": i}, separators=(",", ":")) for i in QUALTRICS_IDS]
    import_ids[0] = json.dumps(
        {"ImportId": "startDate", "timeZone": "Europe/Amsterdam"}, separators=(",", ":")
    )
    import_ids += [
        json.dumps({"ImportId": qids[c]}, separators=(",", ":"))
        for c in header[len(QUALTRICS_META) : -1]
    ]
    import_ids.append(json.dumps({"ImportId": "INSTRUMENT"}, separators=(",", ":")))
    rows = [header, texts, import_ids]
    everyone = [*RESPONDENTS[:2], INCOMPLETE, *RESPONDENTS[2:]]
    for n, entry in enumerate(everyone, start=1):
        role, answers = entry
        finished = entry is not INCOMPLETE
        meta = [
            "2026-03-02 09:00:00",
            "2026-03-02 09:10:00",
            "0",
            "",
            "100" if finished else "40",
            "600",
            "1" if finished else "0",
            "2026-03-02 09:10:01",
            f"R_{n:015d}",
            "",
            "",
            "",
            "",
            "52.09",
            "5.12",
            "anonymous",
            "EN",
        ]
        if choice_text:
            meta[2], meta[6] = "IP Address", "True" if finished else "False"
        role_cell = ROLE_LABELS[role] if choice_text else codes.roles[role]
        cells = [
            ""
            if (v := answers.get(i)) is None
            else (_label(instrument, i, v, "en") if choice_text else codes.answers[(i, v)])
            for i in items
        ]
        rows.append([*meta, role_cell, *cells, codes.marker])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))
    return path


KOBO_META = [
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "__version__",
    "_tags",
    "_index",
]


def _kobo_rows(
    instrument: Instrument, codes: Codes, paths: dict[str, str], *, labels: str | None
) -> list[list[object]]:
    items = [item.id for item in instrument.items]
    if labels is None:
        header = [
            "start",
            "end",
            paths["INSTRUMENT"],
            f"about_you/{codes.role_code}",
            *(paths[codes.questions[i]] for i in items),
            *KOBO_META,
        ]
    else:
        header = [
            "start",
            "end",
            "INSTRUMENT",
            "Wat is uw rol in de organisatie?"
            if labels == "nl"
            else "What is your role in the organisation?",
            *(instrument.item(i).text.get(labels) for i in items),
            *KOBO_META,
        ]  # type: ignore[union-attr]
    rows: list[list[object]] = [header]
    for n, (role, answers) in enumerate(RESPONDENTS, start=1):
        if labels is None:
            role_cell, cells = (
                codes.roles[role],
                ["" if (v := answers.get(i)) is None else codes.answers[(i, v)] for i in items],
            )
        else:
            role_cell = (
                {"management": "Management", "staff": "Medewerker", "it": "ICT"}[role]
                if labels == "nl"
                else ROLE_LABELS[role]
            )
            cells = [
                "" if (v := answers.get(i)) is None else _label(instrument, i, v, labels)
                for i in items
            ]
        rows.append(
            [
                "2026-03-02T09:00:00.000+01:00",
                "2026-03-02T09:08:00.000+01:00",
                codes.marker,
                role_cell,
                *cells,
                100 + n,
                f"00000000-0000-4000-8000-{n:012d}",
                "2026-03-02T08:08:10",
                "",
                "",
                "submitted_via_web",
                "",
                "vAbCdEf",
                "",
                n,
            ]
        )
    return rows


def kobo_xlsx(path: Path, instrument: Instrument, codes: Codes, paths: dict[str, str]) -> Path:
    """Project > Data > Downloads: XLS, 'XML values and headers', groups included."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Mini instrument (mini@2.0)"[:31]
    for row in _kobo_rows(instrument, codes, paths, labels=None):
        sheet.append([float(v) if isinstance(v, int) else v for v in row])
    book.save(path)
    return path


def kobo_csv(
    path: Path, instrument: Instrument, codes: Codes, paths: dict[str, str], *, labels: str
) -> Path:
    """Project > Data > Downloads: CSV with labels in ``labels``, ``;``-separated, all quoted."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(
        [[str(v) for v in row] for row in _kobo_rows(instrument, codes, paths, labels=labels)]
    )
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def msforms_xlsx(path: Path, instrument: Instrument) -> Path:
    """Responses > Open in Excel: one sheet, choice texts, the form's question texts."""
    items = [item.id for item in instrument.items]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(
        [
            "ID",
            "Start time",
            "Completion time",
            "Email",
            "Name",
            "Last modified time",
            "What is your role in the organisation?",
            *(instrument.item(i).text.en for i in items),
        ]
    )  # type: ignore[union-attr]
    import datetime as dt

    for n, (role, answers) in enumerate(RESPONDENTS, start=1):
        sheet.append(
            [
                n,
                dt.datetime(2026, 3, 2, 9, n),
                dt.datetime(2026, 3, 2, 9, 10 + n),
                "anonymous",
                None,
                None,
                ROLE_LABELS[role],
                *(
                    None if (v := answers.get(i)) is None else _label(instrument, i, v, "en")
                    for i in items
                ),
            ]
        )
    book.save(path)
    return path


def wide_csv(path: Path, instrument: Instrument) -> Path:
    """A Dutch Excel 'CSV (puntkomma)': semicolons, Windows-1252, scores with a decimal comma."""
    items = [item.id for item in instrument.items]
    lines = [";".join(["respondent", "rol", *items])]
    for n, (role, answers) in enumerate(RESPONDENTS, start=1):
        cells = []
        for item in items:
            value = answers.get(item)
            option = instrument.item(item).option(value) if value else None  # type: ignore[union-attr]
            if option is None:
                cells.append("")
            elif option.score is None:
                cells.append(option.label.nl)
            else:
                cells.append(f"{option.score:.1f}".replace(".", ","))
        role_nl = {"management": "Management", "staff": "Medewerker", "it": "ICT"}[role]
        lines.append(";".join([f"r{n}", role_nl, *cells]))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path
