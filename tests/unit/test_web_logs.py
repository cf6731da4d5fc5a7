"""Masking of tokens in log records (web/logs.py)."""

from __future__ import annotations

import logging

from web.logs import mask, mask_record, mask_tokens_in_logs

TOKEN = "Zq3x_secret-Token0123456789abcdefghijklmnopqrs"


def test_mask_hides_tokens_codes_and_bearer_values_only():
    assert mask(f"GET /c/{TOKEN} HTTP/1.1") == "GET /c/[masked] HTTP/1.1"
    assert mask(f"/r/{TOKEN}?lang=nl") == "/r/[masked]?lang=nl"
    assert mask(f"https://smb.example.org/i/{TOKEN}") == "https://smb.example.org/i/[masked]"
    assert mask(f"/api/invites/{TOKEN}/responses") == "/api/invites/[masked]/responses"
    assert mask(f"GET /p/{TOKEN} HTTP/1.1") == "GET /p/[masked] HTTP/1.1"
    assert mask(f"Authorization: bearer {TOKEN}") == "Authorization: bearer [masked]"
    assert mask(f"GET /coordinators/join/{TOKEN} HTTP") == "GET /coordinators/join/[masked] HTTP"
    assert mask(f"/password-reset/{TOKEN}?lang=nl") == "/password-reset/[masked]?lang=nl"
    assert mask("POST /coordinators/join HTTP/1.1") == "POST /coordinators/join HTTP/1.1"
    untouched = "GET /api/rounds/abc/report?format=pdf HTTP/1.1 200"
    assert mask(untouched) == untouched


def test_a_record_is_masked_in_message_arguments_and_traceback():
    try:
        raise ValueError(f"no organisation for /c/{TOKEN}")
    except ValueError as exc:
        record = logging.LogRecord(
            "web.errors", logging.ERROR, __file__, 1, "%s %s: %d", ("GET", f"/r/{TOKEN}", 503),
            (type(exc), exc, exc.__traceback__),
        )  # fmt: skip
    text = logging.Formatter().format(mask_record(record))
    assert TOKEN not in text
    assert "GET /r/[masked]: 503" in text
    assert "no organisation for /c/[masked]" in text


def test_every_record_of_the_process_is_masked(caplog):
    mask_tokens_in_logs()
    mask_tokens_in_logs()  # idempotent: one wrapper, not two
    logger = logging.getLogger("tests.web_logs")  # a logger no server test configures
    logger.addHandler(caplog.handler)
    logger.propagate = False
    try:
        logger.warning('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET", f"/c/{TOKEN}", "1.1", 303)
    finally:
        logger.removeHandler(caplog.handler)
        logger.propagate = True
    assert caplog.messages == ['127.0.0.1:5 - "GET /c/[masked] HTTP/1.1" 303']
