"""Keeping the catalogues up to date: ``make i18n`` (``python -m survey.catalogue``).

Extracts every translatable text from the code and templates of all packages and
brings each catalogue in line: new texts are added untranslated, texts that are gone
are dropped, translations stay. Python code marks texts with ``_``, ``gettext``,
``ngettext``, ``N_`` or a :class:`survey.i18n.Translator` called as ``t(...)``; page
templates with ``_``, report templates with ``t``. The files are only read, never
imported, so this module knows no package above ``survey``.
"""

from __future__ import annotations

from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from survey.i18n import CATALOGUES, DOMAIN, LANGUAGES, LOCALES_DIR, language_name

PROJECT_DIR = Path(__file__).resolve().parent.parent
PACKAGES = ("survey", "analytics", "web", "interop", "cli")
KEYWORDS = {**DEFAULT_KEYWORDS, "t": None}
TEMPLATE_OPTIONS = {
    "extensions": "jinja2.ext.i18n",
    "trimmed": "true",
    "newstyle_gettext": "true",
    "trim_blocks": "true",
    "lstrip_blocks": "true",
    "silent": "false",
}
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": TEMPLATE_OPTIONS}


def extract_messages() -> Catalog:
    """Every translatable text of the packages' code and templates."""
    catalog = Catalog(project="smbench", domain=DOMAIN, charset="utf-8")
    for package in PACKAGES:
        for filename, lineno, message, comments, context in extract_from_dir(
            PROJECT_DIR / package, METHODS, OPTIONS, keywords=KEYWORDS
        ):
            catalog.add(
                message,
                None,
                [(f"{package}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def _new_catalogue(lang: str) -> Catalog:
    return Catalog(
        locale=lang,
        domain=DOMAIN,
        project="smbench",
        version="0.1",
        copyright_holder="the smbench authors",
        msgid_bugs_address="",
        last_translator="the smbench authors",
        language_team=language_name(lang),
        charset="utf-8",
        fuzzy=False,
    )


def update_catalogue(path: Path, lang: str, template: Catalog) -> None:
    """Bring the catalogue at ``path`` in line with ``template`` (created if missing)."""
    if path.exists():
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=lang, domain=DOMAIN)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = _new_catalogue(lang)
    catalog.update(template, no_fuzzy_matching=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False, ignore_obsolete=True)


def update_catalogues() -> None:
    template = extract_messages()
    for lang in LANGUAGES:
        update_catalogue(CATALOGUES[lang], lang, template)


def start_catalogue(lang: str) -> Path:
    """Start the catalogue of a new language in ``survey/locales`` with every text empty."""
    try:
        Locale.parse(lang)
    except (ValueError, UnknownLocaleError):
        raise SystemExit(f"'{lang}' is not a language code Babel knows (such as 'fr')") from None
    path = LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if path.exists():
        raise SystemExit(f"{path} exists already; run without arguments to update it")
    update_catalogue(path, lang, extract_messages())
    return path


if __name__ == "__main__":
    import sys

    if len(sys.argv) > 1:
        print(f"wrote {start_catalogue(sys.argv[1])}; translate its texts")
    else:
        update_catalogues()
