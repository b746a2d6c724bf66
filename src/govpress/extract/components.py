"""Registered spaCy pieces of the extraction pipeline (named in ``extract/config.cfg``).

* ``govpress.read_patterns.v1`` (``@registry.misc``) reads one
  ``extract/rules/<label>.jsonl`` file: one JSON object a line with an ``id``, a
  ``label`` and a ``pattern`` (a phrase string or a spaCy ``Matcher`` token
  pattern), plus any metadata the extractors read (``event_type``, ``country``...).
* ``govpress_sentences`` (``@Language.factory``) fixes sentence starts before the
  parser runs: a line break always ends a sentence, and a sentence that opens
  with a quotation begins *at* the opening quote mark.
* ``govpress_flags`` marks single tokens with word classes (``token._.gp``, a
  list of labels such as ``PORTFOLIO`` or ``HONORIFIC``) that later patterns test
  with ``{"_": {"gp": {"INTERSECTS": [...]}}}``.
* ``govpress_rules`` matches a pattern file and stores the matches in
  ``doc.spans[spans_key]``: each span's ``label_`` is the pattern's label and its
  ``id_`` the pattern's ``id`` (the ``extractor`` recorded on every row);
  :meth:`RulesComponent.meta` gives a pattern's metadata.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.attrs import SENT_START
from spacy.util import registry

__all__ = ["RULES_DIR", "read_patterns", "RulesComponent", "FlagsComponent", "set_sentence_starts"]

RULES_DIR = Path(__file__).resolve().parent / "rules"
"""Where the pattern files live (``<label>.jsonl``)."""

if not Token.has_extension("gp"):
    Token.set_extension("gp", default=None)

_QUOTES_OPEN = {"\u201c", '"', "\u2018", "'"}


@registry.misc("govpress.read_patterns.v1")
def read_patterns(path: str) -> list[dict[str, Any]]:
    """Read a JSONL pattern file (relative paths are taken from :data:`RULES_DIR`).

    Args:
        path: file name such as ``"titles.jsonl"`` or an absolute path.
    Returns:
        One dict per non-blank line, in file order. Lines starting with ``//`` are
        comments.
    Raises:
        ValueError: a line is not JSON, or lacks ``id``/``label``/``pattern``, or
            an ``id`` repeats (names the file and line).
    """
    p = Path(path)
    if not p.is_absolute():
        p = RULES_DIR / p
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("//"):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{p.name}:{n}: not JSON ({exc.msg})") from None
        missing = [k for k in ("id", "label", "pattern") if k not in obj]
        if missing:
            raise ValueError(f"{p.name}:{n}: missing {', '.join(missing)}")
        if obj["id"] in seen:
            raise ValueError(f"{p.name}:{n}: duplicate id {obj['id']!r}")
        seen.add(obj["id"])
        out.append(obj)
    return out


class RulesComponent:
    """Match one pattern file; matches go to ``doc.spans[spans_key]`` (overlaps kept).

    String patterns are phrases matched on ``phrase_attr`` (``ORTH`` by default:
    titles are written with capitals); list patterns are ``Matcher`` token
    patterns, checked when ``validate`` is true.
    """

    def __init__(self, nlp: Language, name: str, patterns: list[dict[str, Any]], spans_key: str,
                 phrase_attr: str = "ORTH", validate: bool = True) -> None:
        self.name = name
        self.spans_key = spans_key
        self.matcher = Matcher(nlp.vocab, validate=validate)
        self.phrases = PhraseMatcher(nlp.vocab, attr=phrase_attr)
        self._meta: dict[str, dict[str, Any]] = {}
        self._label: dict[str, str] = {}
        for obj in patterns:
            pid = obj["id"]
            self._meta[pid] = {k: v for k, v in obj.items() if k not in ("pattern",)}
            self._label[pid] = obj["label"]
            pattern = obj["pattern"]
            if isinstance(pattern, str):
                self.phrases.add(pid, [nlp.make_doc(pattern)])
            else:
                self.matcher.add(pid, [pattern], greedy=obj.get("greedy"))

    def __call__(self, doc: Doc) -> Doc:
        found: set[tuple[int, int, str]] = set()
        for match_id, start, end in list(self.matcher(doc)) + list(self.phrases(doc)):
            found.add((start, end, doc.vocab.strings[match_id]))
        spans = [Span(doc, s, e, label=self._label[pid], span_id=pid)
                 for s, e, pid in sorted(found, key=lambda t: (t[0], -t[1], t[2]))]
        doc.spans[self.spans_key] = spans
        return doc

    def meta(self, pattern_id: str) -> dict[str, Any]:
        """The metadata of a pattern (every key of its JSONL line but ``pattern``)."""
        return self._meta.get(pattern_id, {})

    @property
    def ids(self) -> list[str]:
        """Every pattern id, in file order."""
        return list(self._meta)


class FlagsComponent(RulesComponent):
    """Like :class:`RulesComponent`, but writes the labels of single-token matches
    into ``token._.gp`` (a list) instead of a span group."""

    def __call__(self, doc: Doc) -> Doc:
        labels: dict[int, set[str]] = {}
        for match_id, start, end in list(self.matcher(doc)) + list(self.phrases(doc)):
            label = self._label[doc.vocab.strings[match_id]]
            for i in range(start, end):
                labels.setdefault(i, set()).add(label)
        for tok in doc:
            tok._.gp = sorted(labels.get(tok.i, ()))
        return doc


@Language.factory(
    "govpress_rules",
    default_config={"patterns": [], "spans_key": "rules", "phrase_attr": "ORTH", "validate": True},
)
def make_rules(nlp: Language, name: str, patterns: list[dict[str, Any]], spans_key: str,
               phrase_attr: str, validate: bool) -> RulesComponent:
    """Factory of :class:`RulesComponent` (patterns from ``govpress.read_patterns.v1``)."""
    return RulesComponent(nlp, name, patterns, spans_key, phrase_attr, validate)


@Language.factory(
    "govpress_flags",
    default_config={"patterns": [], "phrase_attr": "LOWER", "validate": True},
)
def make_flags(nlp: Language, name: str, patterns: list[dict[str, Any]], phrase_attr: str,
               validate: bool) -> FlagsComponent:
    """Factory of :class:`FlagsComponent` (word classes for later token patterns)."""
    return FlagsComponent(nlp, name, patterns, "_flags", phrase_attr, validate)


def set_sentence_starts(doc: Doc) -> Doc:
    """Preset sentence starts that the parser then respects.

    * the token after a line break starts a sentence (paragraphs and the lines of
      a hard-wrapped text that end a sentence);
    * an opening quotation mark right after a sentence end (``. ! ?``) starts a
      sentence, and the token after it does not;
    * a closing quote mark right after sentence-final punctuation stays with the
      sentence it closes.
    """
    n = len(doc)
    if n == 0:
        return doc
    # Work on an array and write it back once: the ``Token.is_sent_start`` setter
    # checks the whole document for a parse on every call (quadratic on long bodies).
    starts = doc.to_array([SENT_START]).astype("int64")
    for i in range(1, n):
        tok = doc[i]
        prev = doc[i - 1]
        if "\n" in prev.text or "\n" in prev.whitespace_:
            if not tok.is_space:
                starts[i] = 1
            continue
        if tok.is_space:
            continue
        if not _may_start(doc, i):
            starts[i] = -1
            continue
        if tok.text in _QUOTES_OPEN and tok.is_quote and prev.text in {".", "!", "?", ".\u201d"}:
            if i + 1 < n and not doc[i + 1].is_space and prev.whitespace_:
                starts[i] = 1
                starts[i + 1] = -1
    doc.from_array([SENT_START], starts.astype("uint64"))
    return doc


_FINAL = {".", "!", "?", ":", ";", "\u2026"}
_CLOSERS = {"\u201d", '"', "\u2019", "'", ")", "]"}


def _may_start(doc: Doc, i: int) -> bool:
    """A sentence starts only after sentence-final punctuation (possibly followed by a
    closing quote or bracket) or a line break."""
    j = i - 1
    while j >= 0 and doc[j].is_space:
        if "\n" in doc[j].text:
            return True
        j -= 1
    if j < 0:
        return True
    if "\n" in doc[j].whitespace_:
        return True
    prev = doc[j]
    if prev.text in _FINAL or prev.text.endswith(".") and len(prev.text) > 1:
        return True
    if prev.text in _CLOSERS and j > 0 and (doc[j - 1].text in _FINAL or doc[j - 1].text in _CLOSERS):
        return True
    if prev.text in _QUOTES_OPEN or doc[i].text in _QUOTES_OPEN:
        return prev.text in _FINAL
    return False


@Language.component("govpress_sentences")
def govpress_sentences(doc: Doc) -> Doc:
    """Sentence-start fixes before the parser (see :func:`set_sentence_starts`)."""
    return set_sentence_starts(doc)


def iter_spans(doc: Doc, keys: Iterable[str]) -> Iterable[Span]:
    """Every span of the given span groups (missing groups are skipped)."""
    for key in keys:
        if key in doc.spans:
            yield from doc.spans[key]
