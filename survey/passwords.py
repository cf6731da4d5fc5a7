"""Password hashing with argon2id, bounded so that sign-ins cannot exhaust memory.

Parameters: argon2id, 19 MiB of memory, 2 passes, 1 lane: the OWASP Password Storage
Cheat Sheet's first recommended configuration (ASVS 5.0 refers to it). At most
``concurrency`` hashes run at once in a worker (a semaphore), so hashing holds at most
``concurrency`` x 19 MiB per worker whatever the number of simultaneous sign-ins; a
sign-in that finds no free slot within ``wait_seconds`` is told to try again.
Hashes made with other parameters (the earlier 64 MiB default) still verify and are
re-hashed at the next successful sign-in. docs/deployment.md has the reasoning.

A new password must also be hard to guess (ASVS 5.0 6.2.4 and 6.2.11): zxcvbn's
estimate, which knows the 30,000 most common passwords of its breach list, English
words and names, keyboard patterns, repeats, sequences and dates, must reach
``MIN_STRENGTH`` with the context-specific words (``CONTEXT_WORDS`` and the account's
own e-mail address) counted as known. Only the first ``STRENGTH_CHARS`` characters
are judged: zxcvbn's time grows with the length, and a longer phrase is strong anyway.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from survey.errors import DomainError, InvalidInput
from survey.i18n import N_

TIME_COST = 2
MEMORY_COST_KIB = 19 * 1024
PARALLELISM = 1
MIN_LENGTH = 12
MAX_LENGTH = 1024  # long pass phrases are welcome (ASVS asks for 64 at least)
MIN_STRENGTH = 3
"""zxcvbn's score 3: about 10^8 guesses or more."""
STRENGTH_CHARS = 64
CONTEXT_WORDS = (
    "smbench",
    "social",
    "media",
    "socialmedia",
    "sociale",
    "benchmark",
    "maturity",
    "volwassenheid",
    "selfassessment",
    "zelfevaluatie",
    "integrity",
    "integriteit",
    "coordinator",
    "coördinator",
    "password",
    "wachtwoord",
    "welcome",
    "welkom",
    "gemeente",
    "municipality",
    "overheid",
    "government",
)
"""The words of this service and its users' work (ASVS 5.0 6.1.2), in English and
Dutch, counted as known to whoever guesses a password."""

TOO_EASY = N_(
    "This password is too easy to guess: it is a common password, a pattern, or made of "
    "words of this service or of the account. A phrase of four or more unrelated words works."
)


class PasswordTooEasy(InvalidInput):
    """A new password that :func:`too_easy` refuses (pages show :data:`TOO_EASY`)."""


_hasher = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB, parallelism=PARALLELISM)


class HashingBusy(DomainError):
    """Every hashing slot stayed taken while the caller waited."""


@dataclass
class _Slots:
    semaphore: threading.BoundedSemaphore
    concurrency: int
    wait_seconds: float


_slots: _Slots | None = None
_slots_lock = threading.Lock()


def configure(concurrency: int, wait_seconds: float) -> None:
    """Set the number of hashing slots of this process (the composition root calls it)."""
    global _slots
    with _slots_lock:
        _slots = _Slots(threading.BoundedSemaphore(concurrency), concurrency, wait_seconds)


def _current_slots() -> _Slots:
    """The slots, configured from the environment's settings on first use unless the
    composition root ran `configure` (a service called without the app or the CLI)."""
    global _slots
    if _slots is None:
        from survey.settings import Settings

        settings = Settings()
        with _slots_lock:
            if _slots is None:
                _slots = _Slots(
                    threading.BoundedSemaphore(settings.password_hash_concurrency),
                    settings.password_hash_concurrency,
                    settings.password_hash_wait_seconds,
                )
    return _slots


class _slot:
    """Context manager: hold one hashing slot, or raise HashingBusy."""

    def __enter__(self) -> None:
        self.slots = _current_slots()
        if not self.slots.semaphore.acquire(timeout=self.slots.wait_seconds):
            raise HashingBusy("Too many sign-ins are being checked at once; try again shortly.")

    def __exit__(self, *_: object) -> None:
        self.slots.semaphore.release()


def too_easy(password: str, context: Iterable[str] = ()) -> bool:
    """True when ``password`` is guessed too soon by someone who knows the common
    passwords, ``CONTEXT_WORDS`` and the words of ``context`` (an e-mail address, a
    name: split into words)."""
    texts = [text.lower() for text in context if text]
    words = {*texts, *(w for text in texts for w in re.split(r"[\W_]+", text) if len(w) > 2)}
    inputs = [*CONTEXT_WORDS, *sorted(words)]
    return zxcvbn(password[:STRENGTH_CHARS], user_inputs=inputs)["score"] < MIN_STRENGTH


def check_new_password(
    password: str | None, field: str = "password", context: Iterable[str] = ()
) -> str:
    """``password`` if it may be set, else :class:`InvalidInput` saying why."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"The password must have at least {MIN_LENGTH} characters.", field)
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"The password may have at most {MAX_LENGTH} characters.", field)
    if "\x00" in password:
        raise InvalidInput("The password may not contain a NUL character.", field)
    if too_easy(password, context):
        raise PasswordTooEasy(TOO_EASY, field)
    return password


def hash_password(password: str) -> str:
    with _slot():
        return _hasher.hash(password)


# Verifying against this keeps the time of a sign-in for an unknown account the same.
_DUMMY_HASH = _hasher.hash("not a real password")


def verify_password(password_hash: str | None, password: str | None) -> bool:
    """True when ``password`` matches; an unknown account (None) costs the same time."""
    password = password or ""
    if len(password) > MAX_LENGTH:  # never a valid password: refused without hashing
        return False
    with _slot():
        try:
            matched = _hasher.verify(password_hash or _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return False
    return bool(matched and password_hash)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
