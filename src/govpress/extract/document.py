"""One release as the record builders see it: the parsed body plus per-release lookups.

:class:`ReleaseDoc` holds the spaCy ``Doc`` of the release body, the dates, money
and country mentions found in it (character offsets into ``release.body``), the
pattern metadata of the rule components, and — once :mod:`.officials` has run —
which tokens refer to which release-local official. It also offers the clause
helpers the builders share: the clause around a token, the evidence
:class:`~govpress.models.Span` of a token range.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any, Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..models import DateValue, Money, Release, Span as Evidence
from .countries import country_code, demonym_code, find_countries
from .dates import find_dates
from .money import find_money

__all__ = ["ReleaseDoc", "country_code", "demonym_code", "find_countries", "has_flag", "CLAUSE_DEPS"]

CLAUSE_DEPS = {"advcl", "ccomp", "xcomp", "relcl", "acl", "conj", "parataxis", "pcomp", "csubj"}
"""Dependency labels that open a new clause below a verb."""


def has_flag(token: Token, *labels: str) -> bool:
    """Whether ``token`` carries any of the word-class ``labels`` (see ``rules/vocab.jsonl``)."""
    flags = token._.gp or ()
    return any(label in flags for label in labels)


@dataclass
class ReleaseDoc:
    """A release parsed once, with every per-release lookup the builders need."""

    release: Release
    doc: Doc
    nlp: Language
    dates: list[tuple[int, int, DateValue]]
    money: list[tuple[int, int, Money]]
    countries: list[tuple[int, int, str]]
    title_doc: Doc | None = None
    official_at: dict[int, str] = field(default_factory=dict)
    """Token index → release-local official key (filled by :mod:`.officials`)."""
    official_country: dict[str, str | None] = field(default_factory=dict)
    official_label: dict[str, str] = field(default_factory=dict)
    """Official key → its name, or its role for an unnamed office-holder."""
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)
    """Lookup indexes built on first use (the doc and the mention lists do not change
    after :meth:`build`), so that the builders' per-token lookups stay logarithmic."""

    @classmethod
    def build(cls, release: Release, nlp: Language) -> "ReleaseDoc":
        """Parse ``release.body`` (and its title, for hints) and find dates, money, countries."""
        body = release.body
        doc = nlp(body)
        title_doc = nlp(release.title) if release.title else None
        return cls(
            release=release, doc=doc, nlp=nlp,
            dates=sorted(find_dates(body, release.published_date), key=lambda t: (t[0], t[1])),
            money=sorted(find_money(body), key=lambda t: (t[0], t[1])),
            countries=sorted(find_countries(body), key=lambda t: (t[0], t[1])),
            title_doc=title_doc,
        )

    # --- rules metadata ---------------------------------------------------------------

    def meta(self, span: Span) -> dict[str, Any]:
        """Metadata of the pattern that produced ``span`` (its JSONL line minus ``pattern``)."""
        key = ("meta", span.id_)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        found: dict[str, Any] = {}
        for name in self.nlp.pipe_names:
            pipe = self.nlp.get_pipe(name)
            getter = getattr(pipe, "meta", None)
            if getter is not None and callable(getter):
                m = getter(span.id_)
                if m:
                    found = m
                    break
        self._cache[key] = found
        return found

    def spans(self, key: str, label: str | None = None) -> list[Span]:
        """The matches of one rule component (``doc.spans[key]``), optionally of one label.

        The list is shared between calls: do not modify it."""
        ck = ("spans", key, label)
        hit = self._cache.get(ck)
        if hit is None:
            hit = [] if key not in self.doc.spans else [
                s for s in self.doc.spans[key] if label is None or s.label_ == label]
            self._cache[ck] = hit
        return hit

    def spans_overlapping(self, key: str, label: str | None, start: int, end: int) -> list[Span]:
        """Spans of :meth:`spans` that share a token with ``[start, end)``, in group order."""
        idx = self._span_index(key, label)
        starts, maxlen, ordered = idx
        hi = bisect.bisect_left(starts, end)
        lo = bisect.bisect_left(starts, start - maxlen)
        hits = [ordered[j] for j in range(lo, hi) if ordered[j][1].end > start]
        return [s for _, s in sorted(hits, key=lambda t: t[0])]

    def spans_within(self, key: str, label: str | None, start: int, end: int) -> list[Span]:
        """Spans of :meth:`spans` wholly inside ``[start, end)``, in group order."""
        starts, _, ordered = self._span_index(key, label)
        lo = bisect.bisect_left(starts, start)
        hi = bisect.bisect_left(starts, end)
        hits = [ordered[j] for j in range(lo, hi) if ordered[j][1].end <= end]
        return [s for _, s in sorted(hits, key=lambda t: t[0])]

    def _span_index(self, key: str, label: str | None) -> tuple[list[int], int, list[tuple[int, Span]]]:
        ck = ("spanidx", key, label)
        hit = self._cache.get(ck)
        if hit is None:
            spans = self.spans(key, label)
            ordered = sorted(enumerate(spans), key=lambda t: (t[1].start, t[0]))
            hit = ([s.start for _, s in ordered], max((s.end - s.start for s in spans), default=0), ordered)
            self._cache[ck] = hit
        return hit

    # --- offsets ----------------------------------------------------------------------

    def evidence(self, start: int, end: int) -> Evidence:
        """Evidence span of body characters ``[start, end)`` (whitespace trimmed, trailing
        punctuation ``,;:`` dropped)."""
        body = self.release.body
        while end > start and body[end - 1] in " \n,;:-\u2013\u2014(":
            end -= 1
        return Evidence.of(body, start, end)

    def token_evidence(self, tokens: Iterable[Token]) -> Evidence:
        """Evidence covering the given tokens (from the first to the last)."""
        toks = sorted(tokens, key=lambda t: t.i)
        return self.evidence(toks[0].idx, toks[-1].idx + len(toks[-1]))

    def _in(self, name: str, items: list, start: int, end: int) -> list:
        """Items ``(s, e, ...)`` of a list sorted by ``(s, e)`` with ``start <= s`` and ``e <= end``."""
        ck = ("starts", name)
        starts = self._cache.get(ck)
        if starts is None:
            starts = self._cache[ck] = [it[0] for it in items]
        lo = bisect.bisect_left(starts, start)
        hi = bisect.bisect_right(starts, end)
        return [it for it in items[lo:hi] if it[1] <= end]

    def dates_in(self, start: int, end: int) -> list[tuple[int, int, DateValue]]:
        """Resolved dates wholly inside body characters ``[start, end)``."""
        return [d for d in self._in("dates", self.dates, start, end) if d[2].start is not None]

    def money_in(self, start: int, end: int) -> list[tuple[int, int, Money]]:
        """Money mentions wholly inside body characters ``[start, end)``."""
        return self._in("money", self.money, start, end)

    def countries_in(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """Country mentions (names, "UK–X" parts, demonyms) inside ``[start, end)``."""
        return self._in("countries", self.countries, start, end)

    def country_of_token(self, token: Token) -> str | None:
        """The country code of the country mention that covers ``token``, if any."""
        ck = ("country_of",)
        index = self._cache.get(ck)
        if index is None:
            index = self._cache[ck] = ([c[0] for c in self.countries],
                                       max((c[1] - c[0] for c in self.countries), default=0))
        starts, maxlen = index
        pos = token.idx
        hi = bisect.bisect_right(starts, pos)
        lo = bisect.bisect_left(starts, pos - maxlen)
        for s, e, code in self.countries[lo:hi]:
            if s <= pos < e:
                return code
        return None

    # --- officials --------------------------------------------------------------------

    def officials_in(self, tokens: Iterable[Token]) -> list[str]:
        """Release-local official keys referred to by ``tokens``, in order, without repeats."""
        out: list[str] = []
        for t in tokens:
            key = self.official_at.get(t.i)
            if key and key not in out:
                out.append(key)
        return out


def subtree_span(token: Token, *, stop: Iterable[Token] = ()) -> tuple[int, int]:
    """Token range ``[start, end)`` of ``token``'s subtree, leaving out the subtrees of
    the ``stop`` tokens when they sit at its edges."""
    stops = {t.i for t in stop}
    idx = sorted(t.i for t in _subtree_without(token, stops))
    return idx[0], idx[-1] + 1


def _subtree_without(token: Token, stops: set[int]) -> list[Token]:
    out = [token]
    for child in token.children:
        if child.i in stops:
            continue
        out.extend(_subtree_without(child, stops))
    return out


def clause_tokens(token: Token, *, keep_conj: bool = False) -> list[Token]:
    """The tokens of the clause ``token`` heads, without nested clauses it coordinates
    (``conj`` verbs, unless ``keep_conj``), relative clauses of other verbs, or
    parentheticals; contiguous from the first kept token to the last."""
    def walk(t: Token, top: bool) -> list[Token]:
        out = [t]
        for c in t.children:
            if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") and not keep_conj:
                continue
            if c.dep_ in ("cc",) and t.pos_ in ("VERB", "AUX") and not keep_conj:
                continue
            if c.dep_ == "parataxis":
                continue
            out.extend(walk(c, False))
        return out
    toks = walk(token, True)
    lo = min(t.i for t in toks)
    hi = max(t.i for t in toks)
    sent = token.sent
    lo = max(lo, sent.start)
    hi = min(hi, sent.end - 1)
    doc = token.doc
    return [doc[i] for i in range(lo, hi + 1)]
