"""No credential in any log line: tokens in paths and headers are masked as records are made.

The dashboard link ``/c/{token}``, the resume link ``/r/{token}``, personal invitation
links ``/p/{token}``, invitation codes in ``/i/{code}`` and ``/api/invites/{code}``, the
coordinator invitation and password reset links ``/coordinators/join/{token}`` and
``/password-reset/{token}``, and ``Bearer`` values become ``[masked]`` in
every record this process creates (uvicorn's access log, Litestar's and the app's own
loggers, any handler), in its message, its arguments and its traceback. Masking at the
record factory, rather than in one handler's formatter, also covers handlers that
someone configures later.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

MASK = "[masked]"
SECRET_IN_TEXT = re.compile(
    r"(?P<lead>/(?:c|r|i|p)/|/api/invites/|/coordinators/join/|/password-reset/|\bBearer\s+)"
    r"[^/?#\s\"'<>]+",
    re.IGNORECASE,
)


def mask(text: str) -> str:
    """``text`` with every token, code or Bearer value replaced by ``[masked]``."""
    return SECRET_IN_TEXT.sub(lambda m: m.group("lead") + MASK, text)


def _masked(value: Any) -> Any:
    """Numbers stay numbers (for ``%d``); anything else is masked as text."""
    if value is None or isinstance(value, int | float):
        return value
    return mask(str(value))


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    """Mask the message, its arguments, the traceback and the stack of ``record``."""
    record.msg = _masked(record.msg)
    if isinstance(record.args, Mapping):
        record.args = {key: _masked(value) for key, value in record.args.items()}
    elif isinstance(record.args, tuple):
        record.args = tuple(_masked(value) for value in record.args)
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask(record.exc_text)
    if record.stack_info:
        record.stack_info = mask(record.stack_info)
    return record


def mask_tokens_in_logs() -> None:
    """Make every record of this process masked (idempotent)."""
    current = logging.getLogRecordFactory()
    if getattr(current, "masks_tokens", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return mask_record(current(*args, **kwargs))

    factory.masks_tokens = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
