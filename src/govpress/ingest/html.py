"""HTML (GOV.UK govspeak) and Markdown bodies → plain text ready for normalisation.

Block elements (paragraphs, headings, list items, table rows, block quotes) become
their own paragraphs; ``script``, ``style``, ``template`` and GOV.UK attachment
markup are dropped; entities are decoded by the parser (BeautifulSoup with
Python's ``html.parser``). Markdown is rendered to HTML with ``markdown-it-py``
first, so both paths share one conversion.

Character references also occur outside markup: in a plain-text body copied from
HTML ("£1.5&nbsp;billion") and, escaped twice, in HTML from some publishing systems
("£1.5&amp;nbsp;billion" parses to the text "£1.5&nbsp;billion").
:func:`decode_entities` decodes them (only complete references, ending in ``;``), so
the words around them are read as written — "£1.5 billion", not "£1.5".

Limits: HTML nested deeper than ``settings.MAX_HTML_DEPTH`` elements (counted on the
raw markup before parsing; void elements such as ``<br>`` do not count) or longer
than ``settings.MAX_BODY_CHARS`` raises :class:`InputTooComplex`; the tree is walked
without recursion, so depth never reaches Python's recursion limit.
"""
from __future__ import annotations

import html as _html
import re
from typing import Iterable

from bs4 import BeautifulSoup, NavigableString, Tag

from .. import settings
from .normalise import normalise_body

__all__ = ["html_to_text", "markdown_to_text", "decode_entities", "has_entities", "html_depth", "InputTooComplex"]

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def has_entities(text: str) -> bool:
    """True when ``text`` holds an HTML character reference (``&nbsp;``, ``&#163;``, ``&pound;``)."""
    return _ENTITY.search(text) is not None


def decode_entities(text: str) -> str:
    """``text`` with its HTML character references decoded ("£1.5&nbsp;billion" → "£1.5\u00a0billion").

    Only complete references (``&name;``, ``&#NNN;``, ``&#xHH;``) are decoded, once;
    an unknown name ("&foo;") and a bare ampersand ("R&D", "AT&T") stay as they are.
    Normalise the result (:func:`~govpress.ingest.normalise.normalise_body`) to turn
    the no-break space into a plain one.
    """
    return _ENTITY.sub(lambda m: _html.unescape(m.group(0)), text)



class InputTooComplex(ValueError):
    """A body is over a declared limit (HTML nesting depth, length); the message says which."""


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
         "source", "track", "wbr", "keygen", "command", "basefont", "frame", "isindex"}
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)\b[^>]*?(/?)>")


def html_depth(html: str, limit: int) -> int:
    """How deeply the elements of ``html`` nest, from the raw markup (no parsing).

    Opening tags of non-void elements count one level, closing tags end one;
    self-closing tags (``<x/>``) do not count. Stops once ``limit`` is passed.
    """
    depth = deepest = 0
    for m in _TAG.finditer(html):
        name = m[2].lower()
        if name in _VOID or m[3]:
            continue
        if m[1]:
            depth = max(0, depth - 1)
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest

_BLOCKS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "tr", "dt", "dd",
    "figcaption", "pre", "address", "caption", "summary",
}
_DROP = {"script", "style", "template", "noscript", "iframe", "svg", "button", "form", "head"}
_DROP_CLASSES = {"attachment", "attachment-details", "gem-c-attachment", "govuk-visually-hidden", "visuallyhidden"}


def html_to_text(html: str, drop_classes: Iterable[str] = ()) -> str:
    """Convert an HTML fragment to normalised plain text, one block per paragraph.

    Args:
        html: an HTML string (e.g. a Content API ``details.body``).
        drop_classes: CSS classes whose elements are dropped as well as the
            built-in attachment and visually-hidden ones (e.g. GOV.UK's ``contact``
            cards, named in ``govpress/sources/govuk.yml``).
    Returns:
        Text normalised by :func:`~govpress.ingest.normalise.normalise_body`.
    Raises:
        InputTooComplex: ``html`` is longer than ``MAX_BODY_CHARS`` or nested deeper
            than ``MAX_HTML_DEPTH``.
    """
    html = html or ""
    if len(html) > settings.MAX_BODY_CHARS:
        raise InputTooComplex(f"body is {len(html):,} characters; limit {settings.MAX_BODY_CHARS:,}")
    if html_depth(html, settings.MAX_HTML_DEPTH) > settings.MAX_HTML_DEPTH:
        raise InputTooComplex(f"HTML nested deeper than {settings.MAX_HTML_DEPTH} elements")
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(_DROP):
        tag.decompose()
    dropped = _DROP_CLASSES | set(drop_classes)
    for tag in soup.find_all(class_=lambda c: c is not None and bool(set(str(c).split()) & dropped)):
        tag.decompose()
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = " ".join("".join(current).split())
        if text:
            blocks.append(text)
        current.clear()

    # Depth-first walk with an explicit stack (no recursion): an item is a node to
    # visit, or _END (after a block element's children: end its paragraph).
    _END = object()
    stack: list[object] = list(reversed(list(soup.children)))
    while stack:
        child = stack.pop()
        if child is _END:
            flush()
        elif isinstance(child, NavigableString):
            if child.__class__.__name__ in ("Comment", "Doctype", "Declaration", "ProcessingInstruction", "CData"):
                continue
            current.append(str(child))
        elif isinstance(child, Tag):
            if child.name == "br":
                current.append(" ")
                continue
            is_block = child.name in _BLOCKS or child.name in ("div", "section", "article", "ul", "ol", "table", "dl", "figure")
            if is_block:
                flush()
                stack.append(_END)
            if child.name in ("td", "th"):
                current.append(" ")
            stack.extend(reversed(list(child.children)))
    flush()
    text = "\n\n".join(blocks)
    if has_entities(text):  # escaped twice at the source: "&amp;nbsp;" reads "&nbsp;" once parsed
        text = decode_entities(text)
    return normalise_body(text)


def markdown_to_text(markdown: str) -> str:
    """Render Markdown (CommonMark) to HTML with markdown-it-py, then to plain text.

    Raw HTML in the Markdown is parsed like any other HTML, so scripts are dropped.

    Raises:
        InputTooComplex: as :func:`html_to_text` (the Markdown is checked before rendering too).
    """
    markdown = markdown or ""
    if len(markdown) > settings.MAX_BODY_CHARS:
        raise InputTooComplex(f"body is {len(markdown):,} characters; limit {settings.MAX_BODY_CHARS:,}")
    from markdown_it import MarkdownIt

    return html_to_text(MarkdownIt("commonmark").render(markdown or ""))
