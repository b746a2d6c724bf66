"""Body normalisation, defined once: its result is what ``releases.body`` stores
and what every ``char_start``/``char_end`` in the package points into.

Rules, in order:

1. Unicode NFC; CRLF and CR become LF.
2. Non-breaking and other fixed-width spaces (U+00A0, U+2007, U+202F), tabs and
   other Unicode space separators become a plain space; zero-width characters,
   soft hyphens, BOMs and C0/C1 control characters (except LF) are removed, and so
   are the bidirectional control characters (U+200E/U+200F marks, U+061C, the
   U+202A–U+202E embeddings and overrides, the U+2066–U+2069 isolates): they carry
   no text, and an override can make a title or evidence display differently
   from what it says ("Trojan Source"). Titles and names (:func:`normalise_inline`)
   get the same treatment, so every stored text is free of them.
3. Whitespace inside a line is collapsed to one space and lines are stripped.
4. Paragraphs (separated by one or more blank lines) are kept, separated by
   exactly one blank line (``"\\n\\n"``).
5. Inside a paragraph, a line break after a line that does not end a sentence
   (``. ! ? : ;`` or a closing quote/bracket after one) is a soft wrap of
   hard-wrapped text and becomes a space, unless the next line starts a list item
   (``-``, ``*``, ``•``, ``1.``); other line breaks are kept.

The function is idempotent: ``normalise_body(normalise_body(t)) == normalise_body(t)``.
"""
from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise_body", "normalise_inline"]

_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\f\v]")
_BIDI = "\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069"
_REMOVE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI + "]")
_RUNS = re.compile(r" {2,}")
_SENTENCE_END = re.compile(r"[.!?:;][\"'\u201d\u2019)\]]*$|[\"\u201d]$")
_LIST_ITEM = re.compile(r"^(?:[-*\u2022\u25aa\u25cf]|\d{1,3}[.)])\s")


def normalise_inline(text: str) -> str:
    """Normalise a one-line value (title, name): NFC, all whitespace collapsed to one space.

    Args:
        text: any string.
    Returns:
        The string with rules 1–3 applied and no line breaks.
    """
    text = unicodedata.normalize("NFC", text)
    text = _REMOVE.sub("", _SPACES.sub(" ", text.replace("\r", " ").replace("\n", " ")))
    return _RUNS.sub(" ", text).strip()


def normalise_body(text: str) -> str:
    """Return the normalised body text (see the module docstring for the rules).

    Args:
        text: the body as received (``str``; decode bytes as UTF-8 first).
    Returns:
        Paragraphs separated by ``"\\n\\n"``, no leading or trailing whitespace;
        ``""`` for a body with no visible characters.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _REMOVE.sub("", _SPACES.sub(" ", text))
    paragraphs: list[str] = []
    lines: list[str] = []
    for raw in text.split("\n") + [""]:
        line = _RUNS.sub(" ", raw).strip()
        if line:
            lines.append(line)
            continue
        if lines:
            paragraphs.append(_join_lines(lines))
            lines = []
    return "\n\n".join(paragraphs)


def _join_lines(lines: list[str]) -> str:
    out = lines[0]
    for prev, line in zip(lines, lines[1:]):
        soft = not _SENTENCE_END.search(prev) and not _LIST_ITEM.match(line)
        out += (" " if soft else "\n") + line
    return out
