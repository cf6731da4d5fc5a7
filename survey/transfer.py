"""Import and export of responses as long-format CSV.

One row per answer: ``organisation, round, response, role, instrument, item, answer``.
On export, `organisation`, `round` and `response` are the platform's ids. On import,
`organisation` must be an existing organisation's id; `round` is an existing round
id of that organisation or the label of a new round (created with the instruments
that the file uses, at their latest versions, scored under their scheme); an answer must
be to an item asked of the respondent's role; `response` is any key that groups
the rows of one respondent. A file with a bad row imports nothing: every bad row is
reported with its line number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from instruments import Instrument, InstrumentLibrary, vocabularies
from survey.models import Answer, Organisation, Response, Round, RoundInstrument, utcnow
from survey.services.rounds import round_instruments
from survey.tokens import hash_token, new_token

COLUMNS = ("organisation", "round", "response", "role", "instrument", "item", "answer")
MAX_ROUND_LABEL = 200  # as for rounds opened in the app (`Round.label`)


@dataclass(frozen=True)
class RowError:
    line: int
    message: str
    encoding: bool = False  # the message already names the place (byte offset and line)

    def __str__(self) -> str:
        if self.encoding:
            return f"{self.message} (line {self.line})"
        return f"line {self.line}: {self.message}"


class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class ImportSummary:
    rounds: list[str] = field(default_factory=list)
    responses: int = 0
    answers: int = 0


def export_responses(
    session: Session,
    out: TextIO,
    *,
    organisation_id: str | None = None,
    round_id: str | None = None,
) -> int:
    """Write the submitted responses' answers as CSV; returns the number of rows."""
    query = (
        select(
            Round.organisation_id,
            Round.id,
            Response.id,
            Response.role,
            Answer.instrument_id,
            Answer.item_id,
            Answer.option_value,
        )
        .join(Response, Response.round_id == Round.id)
        .join(Answer, Answer.response_id == Response.id)
        .where(Response.status == "submitted")
        .order_by(
            Round.organisation_id, Round.id, Response.id, Answer.instrument_id, Answer.item_id
        )
    )
    if organisation_id:
        query = query.where(Round.organisation_id == organisation_id)
    if round_id:
        query = query.where(Round.id == round_id)
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    count = 0
    for row in session.execute(query):
        writer.writerow(row)
        count += 1
    return count


def decode_csv(data: bytes) -> TextIO:
    """The file's text (UTF-8, with or without a byte order mark); an encoding error names
    the byte offset and line of the first byte that is not UTF-8."""
    bom = len(data) - len(data.removeprefix(b"\xef\xbb\xbf"))
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = bom + exc.start
        line = data.count(b"\n", 0, offset) + 1
        raise ImportRejected(
            [RowError(line, f"not valid UTF-8 at byte {offset}", encoding=True)]
        ) from None
    return io.StringIO(text, newline="")


def import_responses(session: Session, source: TextIO, library: InstrumentLibrary) -> ImportSummary:
    """Validate every row first; write only when the whole file is valid."""
    reader = csv.DictReader(source)
    try:
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ImportRejected([RowError(1, f"missing column(s): {', '.join(missing)}")])
        rows = list(_numbered(reader))
    except csv.Error as exc:
        raise ImportRejected([RowError(max(1, reader.line_num), f"not valid CSV: {exc}")]) from exc
    errors: list[RowError] = []
    organisations: dict[str, Organisation | None] = {}
    roles = vocabularies().roles
    rounds: dict[tuple[str, str], Round | None] = {}
    respondent_roles: dict[tuple[str, str, str], tuple[str, int]] = {}
    new_round_schemes: dict[tuple[str, str], tuple[int, int]] = {}
    seen: dict[tuple[str, str, str, str, str], int] = {}
    for line, row in rows:
        values = {c: (row.get(c) or "").strip() for c in COLUMNS}
        empty = [c for c in COLUMNS if not values[c]]
        if empty:
            errors.append(RowError(line, f"empty value in column(s): {', '.join(empty)}"))
            continue
        unstorable = [c for c in COLUMNS if "\x00" in values[c]]
        if unstorable:
            errors.append(RowError(line, f"NUL character in column(s): {', '.join(unstorable)}"))
            continue
        org_id = values["organisation"]
        if org_id not in organisations:
            organisations[org_id] = session.get(Organisation, org_id)
        if organisations[org_id] is None:
            errors.append(RowError(line, f"unknown organisation '{org_id}'"))
            continue
        round_key = (org_id, values["round"])
        if round_key not in rounds:
            existing = session.get(Round, values["round"])
            rounds[round_key] = (
                existing if existing and existing.organisation_id == org_id else None
            )
        existing_round = rounds[round_key]
        if existing_round is None and len(values["round"]) > MAX_ROUND_LABEL:
            errors.append(
                RowError(line, f"a new round's label may be at most {MAX_ROUND_LABEL} characters")
            )
            continue
        if existing_round is not None and not existing_round.is_open:
            errors.append(RowError(line, f"round '{values['round']}' is closed"))
            continue
        if values["role"] not in roles:
            errors.append(RowError(line, f"unknown role '{values['role']}'"))
            continue
        instrument = _instrument_for(existing_round, values["instrument"], library)
        if instrument is None:
            errors.append(
                RowError(line, f"unknown instrument '{values['instrument']}' for this round")
            )
            continue
        item = instrument.item(values["item"])
        if item is None:
            errors.append(RowError(line, f"unknown item '{values['item']}' in '{instrument.id}'"))
            continue
        if item.option(values["answer"]) is None:
            errors.append(
                RowError(line, f"'{values['answer']}' is not an option of item '{item.id}'")
            )
            continue
        if not item.asked_of(values["role"]):
            errors.append(
                RowError(line, f"item '{item.id}' is not asked of the role '{values['role']}'")
            )
            continue
        if existing_round is None:
            first_scheme = new_round_schemes.setdefault(round_key, (instrument.scheme, line))
            if first_scheme[0] != instrument.scheme:
                errors.append(
                    RowError(
                        line,
                        f"instrument '{instrument.id}' follows scoring scheme {instrument.scheme}, "
                        f"line {first_scheme[1]} scheme {first_scheme[0]}: a round uses "
                        "instruments of one scheme only",
                    )
                )
                continue
        respondent = (org_id, values["round"], values["response"])
        first_role = respondent_roles.setdefault(respondent, (values["role"], line))
        if first_role[0] != values["role"]:
            errors.append(
                RowError(
                    line,
                    f"response '{values['response']}' has role '{first_role[0]}' on line {first_role[1]}",
                )
            )
            continue
        answer_key = (*respondent, instrument.id, item.id)
        if answer_key in seen:
            errors.append(RowError(line, f"duplicate answer (first on line {seen[answer_key]})"))
            continue
        seen[answer_key] = line
    if errors:
        raise ImportRejected(errors)
    return _write(session, rows, rounds, library)


def _instrument_for(round_: Round | None, instrument_id: str, library: InstrumentLibrary):  # type: ignore[no-untyped-def]
    if round_ is None:
        return library.get(instrument_id)
    pinned = {i.id: i for i in round_instruments(round_, library)}
    return pinned.get(instrument_id)


def _write(
    session: Session,
    rows: list[tuple[int, dict[str, str]]],
    rounds: dict[tuple[str, str], Round | None],
    library: InstrumentLibrary,
) -> ImportSummary:
    summary = ImportSummary()
    for (org_id, key), existing in rounds.items():
        if existing is None:
            used = dict.fromkeys(
                r["instrument"].strip()
                for _, r in rows
                if r["organisation"].strip() == org_id and r["round"].strip() == key
            )
            pinned = [_latest(library, i) for i in used]
            new = Round(
                organisation_id=org_id,
                label=key,
                invite_code_hash=hash_token(new_token()),
                scheme=pinned[0].scheme,
            )
            new.instruments = [
                RoundInstrument(instrument_id=i.id, instrument_version=i.version, position=n)
                for n, i in enumerate(pinned)
            ]
            session.add(new)
            session.flush()
            rounds[(org_id, key)] = new
        summary.rounds.append(rounds[(org_id, key)].id)  # type: ignore[union-attr]
    responses: dict[tuple[str, str, str], Response] = {}
    answers = []
    for _, row in rows:
        v = {c: row[c].strip() for c in COLUMNS}
        respondent = (v["organisation"], v["round"], v["response"])
        if respondent not in responses:
            round_ = rounds[(v["organisation"], v["round"])]
            assert round_ is not None
            response = Response(
                round_id=round_.id,
                role=v["role"],
                status="submitted",
                submitted_at=utcnow(),
                token_hash=hash_token(new_token()),
            )
            session.add(response)
            responses[respondent] = response
    session.flush()
    for _, row in rows:
        v = {c: row[c].strip() for c in COLUMNS}
        response = responses[(v["organisation"], v["round"], v["response"])]
        answers.append(
            Answer(
                response_id=response.id,
                instrument_id=v["instrument"],
                item_id=v["item"],
                option_value=v["answer"],
            )
        )
    session.add_all(answers)
    session.flush()
    summary.responses = len(responses)
    summary.answers = len(answers)
    return summary


def _latest(library: InstrumentLibrary, instrument_id: str) -> Instrument:
    instrument = library.get(instrument_id)
    if instrument is None:  # validated before writing; a library change in between is a bug
        raise LookupError(f"instrument '{instrument_id}' is not installed")
    return instrument


def _numbered(reader: csv.DictReader) -> Iterable[tuple[int, dict[str, str]]]:
    for row in reader:
        yield reader.line_num, row
