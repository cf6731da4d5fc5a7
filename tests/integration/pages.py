"""Helpers for the page tests: a form-filling browser on the test client and HTML checks.

`check_page` looks at every page the tests fetch: security headers, no external
resource, the language, a skip link and a language switch, unique ids, labels for
every field, error messages tied to their fields, and no inline script or style.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from babel.messages.pofile import read_po
from litestar.testing import TestClient

from survey.i18n import CATALOGUES
from web.security import CONTENT_SECURITY_POLICY

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
EXTERNAL = re.compile(
    r"""(?:src|href|action|srcset|data|poster)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//""",
    re.IGNORECASE,
)
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    parents: tuple[str, ...] = ()


class Page(HTMLParser):
    """A parsed page: its elements in order, the visible text, and problems found on the way."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.problems: list[str] = []
        self.text_parts: list[str] = []
        self._stack: list[Element] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        element = Element(tag, values, parents=tuple(e.tag for e in self._stack))
        self.elements.append(element)
        if any(not re.fullmatch(r"[a-z][a-z0-9_:-]*", name) for name in values):
            self.problems.append(f"malformed attribute in <{tag}>: {sorted(values)}")
        if "style" in values:
            self.problems.append(f"inline style attribute on <{tag}>")
        if any(k.startswith("on") for k in values):
            self.problems.append(f"inline event handler on <{tag}>")
        if tag == "script" and "src" not in values:
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("inline <style>")
        if tag not in VOID:
            self._stack.append(element)
            if tag in ("script", "style", "title", "option"):
                self._hidden_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self._stack or self._stack[-1].tag != tag:
            open_tags = [e.tag for e in self._stack]
            self.problems.append(f"</{tag}> does not close the open element ({open_tags[-3:]})")
            for index in range(len(self._stack) - 1, -1, -1):
                if self._stack[index].tag == tag:
                    del self._stack[index:]
                    break
            return
        self._stack.pop()
        if tag in ("script", "style", "title", "option"):
            self._hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        for element in self._stack:
            element.text += data
        if not self._hidden_depth:
            self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    def by_id(self, element_id: str) -> Element | None:
        return next((e for e in self.elements if e.attrs.get("id") == element_id), None)

    def find(self, tag: str, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.elements
            if e.tag == tag and all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    if page._stack:
        page.problems.append(f"unclosed elements: {[e.tag for e in page._stack]}")
    return page


def check_page(response: Any, *, lang: str | None = None) -> Page:
    """Every rule a page must keep; returns the parsed page for further checks."""
    assert response.headers["content-type"].startswith("text/html"), response.headers
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-frame-options"] == "DENY"
    html = response.text
    assert html.startswith("<!doctype html>"), html[:40]
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    page = parse(html)
    assert not page.problems, page.problems
    root = page.find("html")
    assert root and root[0].attrs.get("lang") in ("en", "nl")
    if lang is not None:
        assert root[0].attrs["lang"] == lang
    assert len(page.find("title")) == 1 and page.find("title")[0].text.strip()
    assert len(page.find("h1")) == 1, "one h1 per page"
    assert len(page.find("main")) == 1
    skip = page.elements[[e.tag for e in page.elements].index("body") + 1]
    assert skip.tag == "a" and skip.attrs.get("href") == "#main", "the skip link comes first"
    assert page.by_id("main") is not None
    switch = [e for e in page.find("a") if e.attrs.get("hreflang") in ("en", "nl")]
    assert {e.attrs["hreflang"] for e in switch} == {"en", "nl"}, "a language switch"
    ids = [e.attrs["id"] for e in page.elements if "id" in e.attrs]
    assert len(ids) == len(set(ids)), "ids are unique"
    for element in page.elements:
        for attribute in ("aria-describedby", "aria-labelledby"):
            for target in element.attrs.get(attribute, "").split():
                assert page.by_id(target) is not None, (attribute, target)
        if element.tag == "label" and "for" in element.attrs:
            assert page.by_id(element.attrs["for"]) is not None, element.attrs
        for attribute in ("src", "href", "action"):
            value = element.attrs.get(attribute)
            if value and not value.startswith("#"):
                assert not urlsplit(value).netloc, (attribute, value)
    labelled = {e.attrs["for"] for e in page.find("label") if "for" in e.attrs}
    for element in page.elements:
        if element.tag in ("input", "select", "textarea"):
            kind = element.attrs.get("type", "text")
            if kind in ("hidden", "submit", "button"):
                continue
            assert element.attrs.get("id") in labelled, f"<{element.tag}> without a label"
        if element.tag == "input" and element.attrs.get("type") == "radio":
            assert "fieldset" in element.parents, "radio buttons sit in a fieldset"
        if element.tag == "fieldset":
            first = page.elements[page.elements.index(element) + 1]
            assert first.tag == "legend", "a fieldset starts with its legend"
        if element.tag == "img":
            assert "alt" in element.attrs
        if element.tag == "form" and element.attrs.get("method", "get").lower() == "post":
            assert CSRF.search(html), "a POST form carries the CSRF token"
    for element in page.elements:
        if element.attrs.get("aria-invalid") == "true":
            described = element.attrs.get("aria-describedby", "")
            if not described:
                holder = next(
                    e
                    for e in reversed(page.elements[: page.elements.index(element)])
                    if e.tag == "fieldset"
                )
                described = holder.attrs.get("aria-describedby", "")
            assert any(t.endswith("-error") for t in described.split()), element.attrs
    return page


def field_error(page: Page, element_id: str) -> str:
    """The error message tied to a field (through aria-describedby), or ''."""
    element = page.by_id(element_id)
    assert element is not None, element_id
    for target in element.attrs.get("aria-describedby", "").split():
        if target.endswith("-error"):
            message = page.by_id(target)
            assert message is not None
            return " ".join(message.text.split())
    return ""


def csrf_token(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def english_sentences() -> set[str]:
    """English texts of the catalog that Dutch pages must never show (longer ones only)."""
    with CATALOGUES["nl"].open("rb") as fh:
        catalog = read_po(fh, locale="nl")
    found = set()
    for message in catalog:
        if not isinstance(message.id, str) or not message.id or "%(" in message.id:
            continue
        if "<" in message.id or len(message.id.split()) < 3 or message.string == message.id:
            continue
        found.add(message.id)
    return found


def assert_dutch(page: Page) -> None:
    text = page.text
    leaked = [sentence for sentence in english_sentences() if sentence in text]
    assert not leaked, leaked


class Browser:
    """A test client that fills in forms like a person with a browser (without JavaScript)."""

    def __init__(self, client: TestClient):
        self.client = client
        self.last: Any = None

    def get(self, path: str, *, status: int = 200, lang: str | None = None, **kwargs: Any) -> Page:
        response = self.client.get(path, **kwargs)
        self.last = response
        assert response.status_code == status, (path, response.status_code, response.text[:2000])
        return check_page(response, lang=lang)

    def submit(
        self,
        path: str,
        data: dict[str, Any],
        *,
        status: int = 200,
        lang: str | None = None,
        token: str | None = None,
    ) -> Page:
        """POST ``data`` with the CSRF token of the page last seen; follows redirects."""
        form = {"_csrf_token": token or csrf_token(self.last.text), **data}
        response = self.client.post(path, data=form)
        self.last = response
        assert response.status_code == status, (path, response.status_code, response.text[:2000])
        return check_page(response, lang=lang)

    @property
    def path(self) -> str:
        return urlsplit(str(self.last.url)).path
