"""The one translation catalogue: every user-facing text, and the list of languages.

Each language is one gettext catalogue, ``survey/locales/<lang>/LC_MESSAGES/messages.po``;
the languages are the catalogues found there (English first), so adding a language is
adding its catalogue (and the instrument texts, see ``docs/translations.md``). A
deployment may keep extra catalogues outside the package in the directory named by the
``SMBENCH_LOCALES`` environment variable, read once when this module is imported.

English is the source language: message ids are the English texts, with named
``%(name)s`` placeholders. Pages, reports, charts, exports, mails, the command line and
error messages all read the catalogues through :class:`Translator`. After changing a
text, run ``make i18n`` to bring every catalogue up to date, then translate the new
empty entries.
"""

from __future__ import annotations

import os
import re
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import TypeVar

from babel import Locale, UnknownLocaleError
from babel.core import negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

DOMAIN = "messages"
DEFAULT_LANGUAGE = "en"
LOCALES_DIR = Path(__file__).parent / "locales"
EXTRA_LOCALES_ENV = "SMBENCH_LOCALES"
K = TypeVar("K", bound=Hashable)
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


def _catalogue_paths(directories: Iterable[Path]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for directory in directories:
        for path in sorted(directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
            lang = path.parent.parent.name
            if not LANGUAGE_CODE.match(lang):
                raise RuntimeError(f"{path}: name the folder by a language code such as 'fr'")
            try:
                Locale.parse(lang)
            except (ValueError, UnknownLocaleError):
                raise RuntimeError(f"{path}: Babel knows no language '{lang}'") from None
            found.setdefault(lang, path)
    return found


def _directories() -> list[Path]:
    extra = os.environ.get(EXTRA_LOCALES_ENV, "").strip()
    if not extra:
        return [LOCALES_DIR]
    path = Path(extra)
    if not path.is_dir():
        raise RuntimeError(f"{EXTRA_LOCALES_ENV}={extra!r} is not a directory")
    return [LOCALES_DIR, path]


CATALOGUES: dict[str, Path] = _catalogue_paths(_directories())
LANGUAGES: tuple[str, ...] = (
    DEFAULT_LANGUAGE,
    *sorted(lang for lang in CATALOGUES if lang != DEFAULT_LANGUAGE),
)


def language_name(lang: str) -> str:
    """The language's own name for itself ("Nederlands"), from Babel's locale data."""
    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


def require_language(lang: str) -> str:
    """``lang`` if it is one of :data:`LANGUAGES`; a clear error otherwise."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r} (use {', '.join(LANGUAGES)})")
    return lang


def supported(value: str | None) -> str | None:
    """``value`` as a supported language code, or None."""
    value = (value or "").strip().lower()
    return value if value in LANGUAGES else None


def negotiate(accept_language: str | None) -> str | None:
    """The supported language an ``Accept-Language`` header prefers most, if any.

    The header's tags are ranked by their q-values (ties keep the header's order, q=0
    means "not this one"); Babel's :func:`negotiate_locale` matches them to the
    catalogues, so ``nl-BE`` finds Dutch.
    """
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(float(value), 1.0)
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:  # NaN is not > 0 either
            ranked.append((-quality, position, tag))
    preferred = [tag for _, _, tag in sorted(ranked)]
    return supported(negotiate_locale(preferred, LANGUAGES, sep="-"))


def system_language() -> str:
    """The language of the command line: the first of ``LANGUAGE`` (a colon-separated
    list), ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set decides, matched to the
    catalogues by Babel (``nl_NL.UTF-8`` is Dutch); English otherwise, and for ``C``."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        tags = [tag.split(".")[0] for tag in os.environ.get(name, "").split(":") if tag]
        if tags:
            return supported(negotiate_locale(tags, LANGUAGES, sep="_")) or DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


@cache
def _compiled(lang: str) -> tuple[Translations, frozenset[str]]:
    with CATALOGUES[require_language(lang)].open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    # English is the source language: its catalogue may leave every translation empty.
    translated = frozenset(
        message.id
        for message in catalog
        if isinstance(message.id, str)
        and message.id
        and (message.string or lang == DEFAULT_LANGUAGE)
    )
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN), translated


def translations(lang: str) -> Translations:
    """The compiled catalogue of ``lang`` (read from its .po file once per process)."""
    return _compiled(lang)[0]


def load_all() -> None:
    """Compile every catalogue now, so that a broken one stops the app at start-up."""
    for lang in LANGUAGES:
        translations(lang)


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Translator:
    """The texts in one language: ``t("Level %(level)s of 5", level=3)``."""

    lang: str

    def __post_init__(self) -> None:
        require_language(self.lang)

    def gettext(self, message: str, /, **values: object) -> str:
        """``message`` in this language, its ``%(name)s`` placeholders filled from ``values``."""
        text = translations(self.lang).gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        """The singular or plural form for ``n``; ``%(n)s`` and ``values`` are filled in."""
        return translations(self.lang).ngettext(singular, plural, n) % {"n": n, **values}

    __call__ = gettext

    def of(self, texts: Mapping[K, str], key: K, /) -> str:
        """The text that ``texts`` (marked with :func:`N_`) holds for ``key``, translated."""
        return self.gettext(texts[key])

    def knows(self, message: str) -> bool:
        """Whether the catalogue holds ``message`` (translated, unless English)."""
        return message in _compiled(self.lang)[1]


@cache
def translator(lang: str) -> Translator:
    return Translator(lang)


def cli_translator() -> Translator:
    """The translator of the command line's messages (see :func:`system_language`)."""
    return translator(system_language())
