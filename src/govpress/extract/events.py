"""Events: meetings, visits, summits, conferences, calls, signings and speeches.

Triggers come from ``rules/events.jsonl`` (``govpress_events``); each pattern's
``kind`` says how its words work, its ``event_type`` what they mean:

* **verbs** — "met", "spoke to", "travels to", "visited", "welcoming X to P",
  "signed", "addressing the crew", "will be in Brussels": the clause of the verb
  is the event. A verb needs the other side an event needs (an official, a
  government or a body to meet; an agreement to sign; an audience to address)
  and a subject that is an official or government for a visit;
* **nouns** — "talks", "call", "visit", "summit", "conference", "meeting",
  "COP26", "the March European Council": the noun phrase is the event; a
  supporting verb around it ("held talks", "attend a meeting", "will host the
  summit", "was hosted by") joins it and gives it its participants;
* a verb whose purpose is another trigger is **one** event: "travels to Brussels
  to meet A, B and C" is one visit; "was in London to attend the summit" is the
  summit (a named gathering wins);
* "held separate calls with A and B", "visits by A and B" — a plural trigger with
  several people on one side — are **separate** events, one per person, with the
  dates of the clause in order;
* generic or hypothetical mentions ("a successful summit", "would meet"),
  anaphoric ones ("the meeting", "the summit" after one was mentioned) and
  military or other non-engagements (``MILITARY`` words) are skipped; the same
  occurrence mentioned twice (same name, or same type and participants with
  compatible dates) is one event.

Dates are the release's resolved dates (:mod:`.dates`) attached to the event's
words; otherwise a present-tense engagement ("X attends a meeting") and an
undated engagement in the release's opening sentence are dated on the
publication day; otherwise the date stays empty. Locations are the place of
"to/in/at/on" phrases, written as the release writes them ("Lancaster House,
London"), with their country (:mod:`.places`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from spacy.tokens import Span, Token

from ..models import DateValue, Event, Participant
from .document import ReleaseDoc, clause_tokens, has_flag
from .places import place_country

__all__ = ["find_events"]

_NAMED_GATHERING = {"summit", "conference"}
"""Event types that name a gathering: they win when a visit is made to attend one."""
_ANAPHORIC_DETS = {"the", "this", "that", "these", "those", "his", "her", "their", "its", "our"}
_HYPOTHETICAL = {"would", "could", "might", "should", "may"}


@dataclass
class _Cand:
    event_type: str
    anchor: Token
    kind: str
    pattern_id: str
    anchors: set[int] = field(default_factory=set)
    np: tuple[int, int] | None = None
    clause: tuple[int, int] | None = None
    name: str | None = None
    location: str | None = None
    country: str | None = None
    participants: dict[str, str] = field(default_factory=dict)
    date: DateValue | None = None
    date_source: str = ""
    anaphoric: bool = False
    split_people: list[list[str]] = field(default_factory=list)
    future: bool = False
    present: bool = False
    identity: str | None = None
    hosted_by_country: str | None = None
    late_mention: bool = False
    split_ranges: list[tuple[int, int]] = field(default_factory=list)

    @property
    def start(self) -> int:
        lo = [self.anchor.i]
        if self.np:
            lo.append(self.np[0])
        return min(lo)


# --- small parse helpers ---------------------------------------------------------------


def _verb_of(tok: Token) -> Token:
    """The verb governing ``tok`` (itself if it is one)."""
    t = tok
    for _ in range(12):
        if t.pos_ in ("VERB", "AUX") or t.head.i == t.i:
            return t
        t = t.head
    return t


def _subject(verb: Token) -> list[Token]:
    """Subject tokens of ``verb``, inherited up through xcomp/advcl/conj/prepositional
    heads ("He looked forward to welcoming..." → He)."""
    v = verb
    for _ in range(8):
        subs = [c for c in v.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
        if subs:
            out: list[Token] = []
            for s in subs:
                out.extend(_with_conj(s))
            return out
        if v.head.i == v.i or v.dep_ in ("relcl", "ROOT"):
            break
        if v.dep_ not in ("xcomp", "advcl", "conj", "acl", "pcomp", "ccomp", "prep", "advmod", "pobj", "dobj"):
            break
        v = v.head
    return []


def clause_bounds(verb: Token) -> tuple[int, int]:
    """Token bounds ``(start, end)`` of the verb's clause, starting at its subject when
    the subject comes first ("Council of Europe member states are expected to meet in
    Spring 2026"), but never before the sentence or more than 25 tokens back."""
    toks = [t for t in clause_tokens(verb) if not t.is_space]
    lo, hi = toks[0].i, toks[-1].i + 1
    subj = _subject(verb)
    if subj:
        first = min(t.left_edge.i for t in subj)
        if first < lo and first >= verb.sent.start and lo - first < 25:
            lo = first
    return lo, hi


def _with_conj(tok: Token) -> list[Token]:
    out = [tok]
    for c in tok.children:
        if c.dep_ in ("conj", "appos"):
            out.extend(_with_conj(c))
    return out


def _np_range(noun: Token) -> tuple[int, int]:
    """The noun phrase of ``noun``: its left modifiers and "of"-phrases ("Heads of
    Government Meeting"), not relative clauses or other prepositions."""
    lo = noun.i
    for c in noun.lefts:
        lo = min(lo, c.left_edge.i)
    # a capitalised name cut by the parser at "of": "Commonwealth Heads of Government Meeting"
    if noun.is_title and noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.is_title \
            and noun.head.head.i == noun.head.i - 1:
        outer = noun.head.head
        lo = min(lo, min([outer.i] + [c.left_edge.i for c in outer.lefts]))
    hi = noun.i
    for c in noun.rights:
        if c.dep_ == "prep" and c.lower_ == "of":
            hi = max(hi, c.right_edge.i)
        elif c.dep_ in ("appos",) and c.right_edge.i - noun.i < 8 and c.is_title:
            hi = max(hi, c.right_edge.i)
        else:
            break
    return lo, hi + 1


def _tense(verb: Token) -> tuple[bool, bool]:
    """(future, present) of a verb's clause."""
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    words = {a.lower_ for a in auxes}
    future = bool(words & {"will", "shall", "'ll"}) or any(a.lemma_ == "be" and a.head.lower_ == "going" for a in auxes)
    if verb.dep_ == "xcomp" and has_flag(verb.head, "INTENT_VERB"):
        future = True
    present = verb.tag_ in ("VBZ", "VBP") and not future and not words
    return future, present


def _conj_root(t: Token) -> Token:
    """The first conjunct of a coordination ``t`` belongs to."""
    while t.dep_ == "conj" and t.head.i != t.i:
        t = t.head
    return t


def _separate_occasions(verb: Token) -> bool:
    """Whether the verb says its counterparts were met separately ("In separate meetings, he met A and B")."""
    for ch in verb.children:
        if ch.dep_ == "prep":
            for pobj in ch.children:
                if pobj.dep_ == "pobj" and any(a.dep_ == "amod" and a.lower_ in ("separate", "individual")
                                               for a in pobj.children):
                    return True
        if ch.dep_ == "advmod" and ch.lower_ in ("separately", "individually"):
            return True
    return False


def _is_hypothetical(verb: Token) -> bool:
    if any(c.dep_ == "aux" and c.lower_ in _HYPOTHETICAL for c in verb.children):
        return True
    if any(c.dep_ == "mark" and c.lower_ in {"if", "whether", "unless"} for c in verb.children):
        return True
    return False


def _is_place_np(rd: ReleaseDoc, start: int, end: int) -> bool:
    doc = rd.doc
    span = doc[start:end]
    if any(t.i in rd.official_at for t in span):
        return False
    if any(rd.meta(s).get("kind", "").startswith("noun")
           for s in rd.spans_overlapping("events", "EVENT", start, end)):
        return False
    if any(t.ent_type_ in ("GPE", "LOC", "FAC") for t in span):
        return True
    if rd.countries_in(span.start_char, span.end_char):
        return True
    if any(has_flag(t, "VENUE") and t.is_title for t in span):
        return True
    if rd.spans_within("places", None, start, end):
        return True
    from .places import city_country
    return any(city_country(t.text) for t in span if t.is_title)


def _place_text(rd: ReleaseDoc, start: int, end: int) -> str:
    doc = rd.doc
    while start < end and (doc[start].lower_ in ("the", "a") or doc[start].is_punct):
        start += 1
    return doc[start:end].text


def _venues(rd: ReleaseDoc) -> dict[str, str]:
    return {s.text: rd.meta(s).get("country") for s in rd.spans("places") if rd.meta(s).get("country")}


# --- the builder -----------------------------------------------------------------------


class _Builder:
    def __init__(self, rd: ReleaseDoc) -> None:
        self.rd = rd
        self.doc = rd.doc
        self.venues = _venues(rd)
        self._trigger_roots = {s.root.i for s in rd.spans("events", "EVENT")}

    # candidates --------------------------------------------------------------------------

    def candidates(self) -> list[_Cand]:
        out: list[_Cand] = []
        taken: set[int] = set()
        spans = sorted(self.rd.spans("events", "EVENT"), key=lambda s: (s.start, -(s.end - s.start)))
        for span in spans:
            if span.start in taken:
                continue
            meta = self.rd.meta(span)
            cand = self._candidate(span, meta)
            if cand is not None:
                taken.update(range(span.start, span.end))
                out.append(cand)
        return out

    def _candidate(self, span: Span, meta: dict) -> _Cand | None:
        kind = meta.get("kind", "")
        etype = meta.get("event_type", "other")
        tok = span.root if kind.startswith("noun") else span[0]
        if kind == "noun_round":
            tok = span[0]
        c = _Cand(etype, tok, kind, span.id_, anchors={t.i for t in span})
        handler = getattr(self, "_" + kind, None)
        if handler is None:
            return None
        return handler(c, span)

    # verbs

    def _counterpart_ok(self, toks: Iterable[Token]) -> bool:
        toks = list(toks)
        if not toks:
            return False
        if self.rd.officials_in(toks):
            return True
        for t in toks:
            if has_flag(t, "NOT_COUNTERPART"):
                return False
        for t in toks:
            if t.ent_type_ in ("GPE", "ORG", "NORP", "PERSON") or self.rd.country_of_token(t) or has_flag(t, "GROUP"):
                return True
            if has_flag(t, "COUNTERPART"):
                return True
        return False

    def _objects(self, verb: Token) -> list[Token]:
        """Tokens on the far side of a verb: its object and with/between phrases."""
        out: list[Token] = []
        for c in verb.children:
            if c.dep_ in ("dobj", "dative", "attr", "oprd"):
                out.extend(t for t in c.subtree)
            elif c.dep_ == "prep" and c.lower_ in ("with", "between", "to"):
                out.extend(t for t in c.subtree)
        return out

    def _verb_meet(self, c: _Cand, span: Span) -> _Cand | None:
        v = c.anchor
        if v.tag_ == "VBG" and v.dep_ in ("pobj", "compound", "amod") and v.pos_ != "VERB":
            return None
        objs = self._objects(v)
        subj = _subject(v)
        heads = [t for t in objs if t.dep_ in ("dobj", "pobj")]
        if heads and all(has_flag(h, "NOT_COUNTERPART") for h in heads):
            return None
        plural_subject = len(subj) > 1 and bool(self.rd.officials_in(subj)) or any(
            has_flag(s, "GROUP") or s.lower_ in ("they", "we") for s in subj)
        direct = [ch for ch in v.children if ch.dep_ in ("dobj", "dative")]
        if v.dep_ == "relcl" and has_flag(v.head, "GROUP") and any(
                x.lower_ in ("which", "that") for x in subj) and _tense(v)[0]:
            # "a joint working group ..., which will meet for the first time in spring 2025"
            c.clause = (min(x.i for x in subj), max(t.i for t in v.subtree) + 1)
            return c
        if not (self._counterpart_ok(objs) or (plural_subject and not direct and not self.rd.officials_in(objs))):
            return None
        if _is_hypothetical(v):
            return None
        for ch in v.children:
            if ch.dep_ == "prep" and ch.lower_ == "at" and any(
                    t.i in self._trigger_roots and t.pos_ in ("NOUN", "PROPN") for t in ch.subtree):
                return None  # "agreed to meet at the G20 Foreign Ministers' Meeting": that meeting is the event
        c.clause = self._clause(v)
        if _separate_occasions(v):
            self._split_counterparts(c, v)
        return c

    def _split_counterparts(self, c: _Cand, v: Token) -> None:
        """"In separate meetings, X met A and B": one event per conjoined counterpart."""
        direct = [ch for ch in v.children if ch.dep_ == "dobj"]
        if not direct:
            return
        heads = [direct[0]] + [t for t in direct[0].subtree if t.dep_ == "conj" and _conj_root(t).i == direct[0].i]
        groups, ranges = [], []
        for h in heads:
            others = {t.i for o in heads if o.i != h.i and o.i in {x.i for x in h.subtree} for t in o.subtree}
            toks = [t for t in h.subtree if t.i not in others
                    and not (t.dep_ in ("cc", "punct") and t.head.i == direct[0].i)]
            people = self.rd.officials_in(toks)
            if not people or not toks:
                return
            groups.append(list(people))
            ranges.append((min(t.i for t in toks), max(t.i for t in toks) + 1))
        if len(groups) >= 2:
            c.split_people = groups
            c.split_ranges = ranges

    def _verb_speak(self, c: _Cand, span: Span) -> _Cand | None:
        v = c.anchor
        prep = span[-1]
        objs = list(prep.subtree)[1:]
        if not (self.rd.officials_in(objs) or any(t.ent_type_ == "PERSON" for t in objs) or self._counterpart_ok(objs)):
            return None
        if _is_hypothetical(v):
            return None
        c.clause = self._clause(v)
        return c

    def _verb_travel(self, c: _Cand, span: Span) -> _Cand | None:
        v = c.anchor
        if not self._official_subject(v):
            return None
        c.clause = self._clause(v)
        to = span[-1]
        pobj = [t for t in to.children if t.dep_ == "pobj"]
        if pobj:
            lo, hi = _np_range(pobj[0])
            c.location = _place_text(self.rd, lo, hi)
        return c

    def _verb_visit(self, c: _Cand, span: Span) -> _Cand | None:
        v = c.anchor
        if not self._official_subject(v):
            return None
        if _is_hypothetical(v):
            return None
        c.clause = self._clause(v)
        for ch in v.children:
            if ch.dep_ == "dobj":
                lo, hi = _np_range(ch)
                if _is_place_np(self.rd, lo, hi):
                    c.location = _place_text(self.rd, lo, hi)
                else:
                    c.participants.update({k: "counterpart" for k in self.rd.officials_in(self.doc[lo:hi])})
        return c

    def _verb_host(self, c: _Cand, span: Span) -> _Cand | None:
        v = c.anchor
        # "was hosted by X in P": a visit by the subject, X the host
        agent = [ch for ch in v.children if ch.dep_ == "agent"]
        passive = any(ch.dep_ == "auxpass" for ch in v.children) or v.tag_ == "VBN" and agent
        if passive and agent:
            subj = _subject(v)
            if self.rd.officials_in(subj):
                c.event_type = "visit"
                c.clause = self._clause(v)
                for k in self.rd.officials_in(agent[0].subtree):
                    c.participants[k] = "host"
                for k in self.rd.officials_in(subj):
                    c.participants.setdefault(k, "attendee")
                return c
        return None  # an active or agentless "host" only supports a noun trigger

    def _adj_hosted(self, c: _Cand, span: Span) -> _Cand | None:
        return None  # read by the noun it modifies

    def _verb_attend(self, c: _Cand, span: Span) -> _Cand | None:
        return None  # supports the noun it governs

    def _verb_welcome(self, c: _Cand, span: Span) -> _Cand | None:
        v = c.anchor
        to = [ch for ch in v.children if ch.dep_ == "prep" and ch.lower_ == "to"]
        if not to:
            return None
        pobj = [t for t in to[0].children if t.dep_ == "pobj"]
        if not pobj:
            return None
        lo, hi = _np_range(pobj[0])
        if not _is_place_np(self.rd, lo, hi):
            return None
        guests = [ch for ch in v.children if ch.dep_ == "dobj"]
        guest_keys = self.rd.officials_in(t for g in guests for t in g.subtree)
        if not guest_keys:
            return None
        c.location = _place_text(self.rd, lo, hi)
        c.clause = self._clause(v)
        for k in self.rd.officials_in(_subject(v)):
            c.participants[k] = "host"
        for k in guest_keys:
            c.participants.setdefault(k, "attendee")
        c.future = True
        return c

    def _verb_sign(self, c: _Cand, span: Span) -> _Cand | None:
        v = c.anchor
        objs = [ch for ch in v.children if ch.dep_ in ("dobj", "nsubjpass")]
        part_starts = {s.root.i for s in self.rd.spans("partnerships", "PARTNERSHIP") if s.root.tag_ not in ("NNS", "NNPS")}
        ok = False
        for o in objs:
            if o.i in part_starts or any(t.i in part_starts for t in o.subtree):
                ok = True
        reduced = v.dep_ == "acl" and v.tag_ == "VBN" and v.head.i in part_starts
        if not (ok or reduced) or _is_hypothetical(v):
            return None
        c.clause = self._clause(v)
        if reduced:
            # "the joint declaration signed yesterday by X and Y": the arrangement and who signed it
            c.clause = (v.head.left_edge.i, max(t.i for t in v.subtree) + 1)
            return c
        if any(o.dep_ == "nsubjpass" and any(d.dep_ == "det" and d.lower_ in ("the", "this") for d in o.children)
               and not any(d.dep_ in ("amod", "compound") for d in o.children) for o in objs):
            c.late_mention = True  # "The memorandum was signed by X": names who signed an earlier signing
        return c

    def _verb_address(self, c: _Cand, span: Span) -> _Cand | None:
        v = c.anchor
        objs = [ch for ch in v.children if ch.dep_ == "dobj"]
        if not objs or not has_flag(objs[0], "AUDIENCE"):
            return None
        c.clause = self._clause(v)
        for k in self.rd.officials_in(_subject(v)):
            c.participants[k] = "speaker"
        # "addressing the crew on HMS Sutherland"
        for ch in list(v.children) + list(objs[0].children):
            if ch.dep_ == "prep" and ch.lower_ in ("on", "at", "in", "aboard"):
                pobj = [t for t in ch.children if t.dep_ == "pobj"]
                if pobj:
                    lo, hi = _np_range(pobj[0])
                    if _is_place_np(self.rd, lo, hi):
                        c.location = _place_text(self.rd, lo, hi)
                        break
        return c

    def _verb_discuss(self, c: _Cand, span: Span) -> _Cand | None:
        v = c.anchor
        # only a dated discussion with no other trigger in its sentence
        sent = v.sent
        others = [s for s in self.rd.spans_within("events", "EVENT", sent.start, sent.end)
                  if s.id_ != c.pattern_id]
        if others:
            return None
        lo, hi = self._clause(v)
        own = []
        for d in self.rd.dates_in(self.doc[lo].idx, self.doc[hi - 1].idx + len(self.doc[hi - 1])):
            dspan = self.doc.char_span(d[0], d[1], alignment_mode="expand")
            if dspan is None:
                continue
            if dspan.root.dep_ == "poss":
                continue  # "last night's action": a date describing a thing
            if _verb_of(dspan.root.head).i == v.i:
                own.append(d)
        if not own:
            return None
        c.clause = (lo, hi)
        return c

    def _be_in(self, c: _Cand, span: Span) -> _Cand | None:
        be = span[0]
        if not self._official_subject(be):
            return None
        place_tok = span[-1]
        lo, hi = _np_range(place_tok)
        if not _is_place_np(self.rd, lo, hi):
            return None
        c.location = _place_text(self.rd, lo, hi)
        c.clause = self._clause(be)
        return c

    # nouns

    def _noun_common(self, c: _Cand, span: Span) -> _Cand | None:
        n = c.anchor
        if n.pos_ == "VERB":
            return None
        lo, hi = _np_range(n)
        if c.kind == "noun_round":
            lo, hi = _np_range(n)
            hi = max(hi, span.end)
        c.np = (lo, hi)
        np_toks = self.doc[lo:hi]
        # "In separate meetings ..., he met A and B": the verb's events, one per counterpart
        if any(a.dep_ == "amod" and a.lower_ in ("separate", "individual") for a in n.children) \
                and n.head.dep_ == "prep" and n.head.head.i in self._trigger_roots and _separate_occasions(n.head.head):
            return None
        # what the noun is part of: "Council of Europe member states" is no council meeting
        if n.dep_ == "compound" and c.kind != "noun_named":
            return None
        gov = n.head
        if gov.dep_ == "prep":
            gov = gov.head
        verb = _verb_of(n)
        if has_flag(verb, "MILITARY") or any(has_flag(t, "MILITARY", "HABITUAL") for t in np_toks):
            return None
        if verb.pos_ in ("VERB", "AUX") and _is_hypothetical(verb) and n.dep_ in ("dobj", "nsubj", "nsubjpass"):
            return None
        if any(has_flag(a, "ASKED_FOR") for a in n.ancestors):
            return None
        det = [t for t in n.lefts if t.dep_ in ("det", "poss")]
        dets = {t.lower_ for t in det}
        c.name = self._name(lo, hi, n)
        c.identity = self._identity(lo, hi, n)
        # supporting verbs
        if n.dep_ in ("dobj", "nsubjpass", "pobj") and has_flag(verb, "SUPPORT_VERB") and (n.dep_ != "pobj" or n.head.head.i == verb.i):
            c.anchors.add(verb.i)
            c.clause = self._clause(verb)
            role = "host" if has_flag(verb, "HOST_VERB") else "attendee"
            passive_agent = [ch for ch in verb.children if ch.dep_ == "agent"]
            for ch in verb.children:
                if ch.dep_ == "prep" and ch.lower_ in ("with", "between"):
                    for k in self.rd.officials_in(ch.subtree):
                        c.participants.setdefault(k, "counterpart")
            if not passive_agent:
                subj = _subject(verb)
                for k in self.rd.officials_in(subj):
                    c.participants.setdefault(k, role)
                if role == "host" and not self.rd.officials_in(subj):
                    codes = [self.rd.country_of_token(t) for t in subj]
                    if codes and codes[0]:
                        c.hosted_by_country = codes[0]  # "The UK will host the summit"
            else:
                for k in self.rd.officials_in(passive_agent[0].subtree):
                    c.participants.setdefault(k, "host")
            f, p = _tense(verb)
            c.future, c.present = c.future or f, p
        # "X-hosted": the host country
        for t in np_toks:
            m = re.match(r"^([A-Z][A-Za-z]*)-hosted$", t.text)
            if m:
                from .countries import country_code
                c.hosted_by_country = country_code(m.group(1))
        if any(has_flag(t, "FUTURE_WORD") for t in np_toks):
            c.future = True
        # participants: "with X", "between X", "by X", possessive
        for ch in n.rights:
            if ch.dep_ == "prep" and ch.lower_ in ("with", "between", "by", "of", "from"):
                people = self.rd.officials_in(ch.subtree)
                for k in people:
                    c.participants.setdefault(k, "counterpart" if ch.lower_ in ("with", "between") else "attendee")
                if ch.lower_ in ("with", "by") and len(people) >= 2 and n.tag_ in ("NNS", "NNPS"):
                    c.split_people = [[k] for k in people]
            if ch.dep_ in ("acl", "relcl") and c.location is None:
                c.location = self.verb_location(ch)
            if ch.dep_ == "prep" and ch.lower_ in ("to", "in", "at") and c.location is None:
                pobj = [t for t in ch.children if t.dep_ == "pobj"]
                if pobj:
                    plo, phi = _np_range(pobj[0])
                    if _is_place_np(self.rd, plo, phi):
                        c.location = self._venue_in(plo, phi, pobj[0])
        for t in det:
            if t.dep_ == "poss":
                for k in self.rd.officials_in([t]):
                    c.participants.setdefault(k, "attendee")
        # the verb's subject takes part in a call/visit/talks it has or holds
        if verb.pos_ in ("VERB", "AUX") and n.dep_ in ("dobj", "pobj", "nsubj") and c.event_type in ("call", "meeting", "visit"):
            if has_flag(verb, "SUPPORT_VERB", "TAKE_PART_VERB"):
                for k in self.rd.officials_in(_subject(verb)):
                    c.participants.setdefault(k, "attendee")
        if c.clause is None:
            c.clause = self._np_evidence(n, lo, hi)
        # anaphoric or generic mentions
        has_modifiers = any((t.pos_ == "PROPN" or t.ent_type_ or t.is_title and t.i > n.sent.start) and t.i != n.i
                            and t.pos_ != "DET" and t.dep_ != "poss" and not self.rd.official_at.get(t.i) for t in np_toks)
        sub = [t for t in n.subtree]
        own_date = self.rd.dates_in(sub[0].idx, sub[-1].idx + len(sub[-1]))
        attached = bool([k for k, r in c.participants.items() if r in ("counterpart", "host")]) or c.location is not None \
            or c.hosted_by_country is not None \
            or any(ch.dep_ == "prep" and ch.lower_ in ("with", "between", "by", "at", "in", "to") for ch in n.rights)
        if dets & _ANAPHORIC_DETS and not has_modifiers and not own_date and not attached:
            c.anaphoric = True
        if dets & {"the"} and c.name and not own_date and not attached and c.kind not in ("noun_named", "noun_body"):
            c.late_mention = True
        if dets & {"a", "an"} and not has_modifiers and not own_date and not attached and c.kind != "noun_named":
            return None
        if n.tag_ in ("NNS", "NNPS") and dets and not attached and not own_date and not has_modifiers and not c.split_people:
            c.anaphoric = True
        return c

    def _np_evidence(self, n: Token, lo: int, hi: int) -> tuple[int, int]:
        """The noun phrase with its attachments ("a visit to the Devonport Naval Base",
        "the high level discussions taking place in Geneva today"), no coordinated
        phrases, at most 40 tokens."""
        toks = [n]
        def walk(t: Token, top: bool) -> None:
            for ch in t.children:
                if ch.is_space or ch.dep_ in ("relcl", "appos") or top and ch.dep_ in ("conj", "cc"):
                    continue
                if t.pos_ in ("VERB", "AUX") and ch.dep_ in ("conj", "cc"):
                    continue
                toks.append(ch)
                walk(ch, False)
        walk(n, True)
        idx = sorted(t.i for t in toks)
        a, b = min(idx[0], lo), max(idx[-1] + 1, hi)
        if b - a > 40:
            return lo, hi
        return a, b

    def _noun_call(self, c: _Cand, span: Span) -> _Cand | None:
        n = span.root if len(span) == 1 else span[-1]
        c.anchor = n
        nxt = n.nbor(1) if n.i + 1 < len(self.doc) else None
        if nxt is not None and nxt.lower_ in ("for", "on", "to"):
            return None
        if n.pos_ == "VERB":
            return None
        c2 = self._noun_common(c, span)
        if c2 is None:
            return None
        verb = _verb_of(n)
        support = has_flag(verb, "SUPPORT_VERB") and n.dep_ == "dobj"
        has_with = any(ch.dep_ == "prep" and ch.lower_ == "with" for ch in n.rights)
        poss = any(t.dep_ == "poss" for t in n.lefts)
        if not (support or has_with or poss or len(span) > 1):
            return None
        return c2

    def _noun_visit(self, c: _Cand, span: Span) -> _Cand | None:
        c2 = self._noun_common(c, span)
        if c2 is None:
            return None
        if c2.location is None:
            # "a visit to Kirkwall": a capitalised name after "visit to" is the place visited
            for ch in c2.anchor.rights:
                if ch.dep_ == "prep" and ch.lower_ == "to":
                    pobj = [t for t in ch.children if t.dep_ == "pobj" and t.pos_ == "PROPN" and t.is_title]
                    if pobj and not self.rd.officials_in(pobj[0].subtree):
                        lo, hi = _np_range(pobj[0])
                        c2.location = _place_text(self.rd, lo, hi)
        if not c2.participants and c2.location is None and c2.name is None:
            # "a visit" with nobody and nowhere: only as an anaphor of an earlier visit
            c2.anaphoric = True
        if not c2.participants:
            verb = _verb_of(c2.anchor)
            for k in self.rd.officials_in(_subject(verb)):
                c2.participants.setdefault(k, "attendee")
        return c2

    def _noun_speech(self, c: _Cand, span: Span) -> _Cand | None:
        c2 = self._noun_common(c, span)
        if c2 is None:
            return None
        for k in list(c2.participants):
            c2.participants[k] = "speaker"
        return c2

    def _noun_talks(self, c: _Cand, span: Span) -> _Cand | None:
        return self._noun_common(c, span)

    def _noun_discussions(self, c: _Cand, span: Span) -> _Cand | None:
        n = c.anchor
        c2 = self._noun_common(c, span)
        if c2 is None:
            return None
        lo, hi = c2.np
        with_ = any(ch.dep_ == "prep" and ch.lower_ in ("with", "between") and self._counterpart_ok(list(ch.subtree)[1:])
                    for ch in n.rights)
        at = any(ch.dep_ == "prep" and ch.lower_ in ("at", "in") for ch in n.rights)
        place = any(ch.dep_ in ("acl", "relcl") and ch.lemma_ == "take" for ch in n.rights)
        sub = list(n.subtree)
        dated = bool(self.rd.dates_in(sub[0].idx, sub[-1].idx + len(sub[-1])))
        if not (with_ or at or place or dated or c2.kind == "noun_round"):
            return None
        if place or at or dated:
            c2.clause = (sub[0].i, sub[-1].i + 1)
        v = n.head
        if n.dep_ in ("nsubj", "nsubjpass") and has_flag(v, "HAPPEN_VERB") and v.lemma_ == "take" and v.i > n.i:
            # "The fifth round of negotiations took place in Bern from 3 to 7 March"
            c2.clause = (sub[0].i, max(t.i for t in v.subtree) + 1)
            if c2.location is None:
                c2.location = self.verb_location(v)
        return c2

    def _noun_round(self, c: _Cand, span: Span) -> _Cand | None:
        c.anchor = span[0]
        return self._noun_discussions(c, span)

    def _noun_round_subject(self, c: _Cand, span: Span) -> _Cand | None:
        """"The sixth round is scheduled to take place in London": a round of talks
        without "of talks", only as the subject of a happening or scheduling verb, and
        only in a release that speaks of a round of talks or negotiations."""
        n = span[0]
        if any(ch.dep_ in ("prep", "compound") and ch.i != n.i for ch in n.children):
            return None  # "round of sanctions", "the funding round"
        if not any(ch.dep_ == "amod" or ch.ent_type_ == "ORDINAL" for ch in n.children):
            return None  # "the round was hosted": an anaphor of the round already found
        if not (has_flag(n.head, "HAPPEN_VERB", "INTENT_VERB")):
            return None
        if not any(self.rd.meta(s).get("kind") == "noun_round" for s in self.rd.spans("events", "EVENT")):
            return None
        c.kind = "noun_round"
        c2 = self._noun_common(c, span)
        if c2 is None:
            return None
        v = n.head
        c2.clause = (n.left_edge.i, max(t.i for t in v.subtree) + 1)
        if c2.location is None:
            c2.location = self.verb_location(v) or next(
                (self.verb_location(x) for x in v.subtree if x.pos_ == "VERB" and x.i != v.i and self.verb_location(x)), None)
        return c2

    def _noun_dialogue(self, c: _Cand, span: Span) -> _Cand | None:
        """A named dialogue's session: "the next UK-Poland Strategic Dialogue in London",
        "at the Strategic Dialogue"; the arrangement itself is a partnership."""
        n = c.anchor
        if not n.is_title:
            return None
        lo, hi = _np_range(n)
        dated = bool(self.rd.dates_in(self.doc[lo].idx, self.doc[hi - 1].idx + len(self.doc[hi - 1])))
        upcoming = any(has_flag(t, "FUTURE_WORD") for t in n.lefts)
        session = n.dep_ == "pobj" and n.head.lower_ in ("at", "during", "ahead")
        if not (upcoming or dated or session):
            return None
        c2 = self._noun_common(c, span)
        if c2 is not None:
            c2.anaphoric = False
        return c2

    def _noun_meeting(self, c: _Cand, span: Span) -> _Cand | None:
        return self._noun_common(c, span)

    def _noun_summit(self, c: _Cand, span: Span) -> _Cand | None:
        return self._noun_common(c, span)

    def _noun_named(self, c: _Cand, span: Span) -> _Cand | None:
        c2 = self._noun_common(c, span)
        if c2 is not None:
            c2.name = span.text
            c2.identity = span.text.lower()
            c2.anaphoric = False
        return c2

    def _noun_body(self, c: _Cand, span: Span) -> _Cand | None:
        n = c.anchor
        if not n.is_title:
            return None
        # only a session: "at/during the X Council", or a dated one ("the March European Council")
        lo, hi = _np_range(n)
        dated = bool(self.rd.dates_in(self.doc[lo].idx, self.doc[hi - 1].idx + len(self.doc[hi - 1])))
        if not ((n.dep_ == "pobj" and n.head.lower_ in ("at", "during", "before", "after", "following", "ahead", "of")) or dated):
            return None
        if n.head.lower_ == "of" and not has_flag(n.head.head, "SESSION_WORD"):
            return None
        c2 = self._noun_common(c, span)
        if c2 is not None:
            c2.anaphoric = False
        return c2

    # shared helpers ----------------------------------------------------------------------

    def _official_subject(self, verb: Token) -> bool:
        subj = _subject(verb)
        if self.rd.officials_in(subj):
            return True
        return any(self.rd.country_of_token(t) or has_flag(t, "GOVERNMENT_WORD") or t.lower_ in ("i", "he", "she") for t in subj)

    def _clause(self, verb: Token) -> tuple[int, int]:
        """The verb's clause (see :func:`clause_bounds`)."""
        return clause_bounds(verb)

    def verb_location(self, verb: Token, preps: tuple[str, ...] = ("in", "at")) -> str | None:
        """The place of an "in/at <place>" phrase on the verb (not an event noun, not a person)."""
        trig = self._trigger_roots
        for ch in verb.children:
            if ch.dep_ == "prep" and ch.lower_ in preps:
                pobj = [t for t in ch.children if t.dep_ == "pobj"]
                if not pobj:
                    continue
                lo, hi = _np_range(pobj[0])
                if any(i in trig or i in self.rd.official_at for i in range(lo, hi)):
                    continue
                if _is_place_np(self.rd, lo, hi):
                    return self._venue_in(lo, hi, pobj[0])
        return None

    def _name(self, lo: int, hi: int, n: Token) -> str | None:
        doc = self.doc
        poss = {t.i for x in doc[lo:hi] if x.dep_ == "poss" and (x.i in self.rd.official_at or x.pos_ == "PRON"
                or self.rd.dates_in(x.idx, x.idx + len(x)) or x.ent_type_ in ("DATE", "TIME")) for t in x.subtree}
        date_chars = [(s, e) for s, e, _ in self.rd.dates_in(doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1]))]
        keep = [t for t in doc[lo:hi] if t.i not in poss and not any(s <= t.idx < e for s, e in date_chars)]
        while keep and (has_flag(keep[0], "DATE_MODIFIER") or keep[0].text in ("'s", "\u2019s", "\u2019")
                        or keep[0].pos_ in ("ADJ", "DET", "PART", "PUNCT") and not keep[0].is_title):
            keep = keep[1:]
        if not keep:
            return None
        if not (n.is_title or any(t.is_title for t in keep if t.i < n.i) or n.text.isupper()):
            return None
        text = doc[keep[0].i: keep[-1].i + 1].text
        return text if len(text) > 2 else None

    def _identity(self, lo: int, hi: int, n: Token) -> str:
        doc = self.doc
        end = n.i + 1
        if n.lower_ == "round" and end + 1 < len(doc) and doc[end].lower_ == "of":
            end += 2
        words = [t.lower_ for t in doc[lo:end] if t.pos_ not in ("DET", "PUNCT") and t.dep_ != "poss"
                 and not has_flag(t, "DATE_MODIFIER") and t.text not in ("'s", "\u2019s")]
        return " ".join(words)

    def _venue_in(self, lo: int, hi: int, pobj: Token) -> str:
        """A place phrase, with a following "in <city>" joined: "Lancaster House, London"."""
        text = _place_text(self.rd, lo, hi)
        for ch in pobj.children:
            if ch.dep_ == "prep" and ch.lower_ == "in":
                sub = [t for t in ch.children if t.dep_ == "pobj"]
                if sub:
                    slo, shi = _np_range(sub[0])
                    if _is_place_np(self.rd, slo, shi):
                        return f"{text}, {_place_text(self.rd, slo, shi)}"
        nxt = self.doc[hi] if hi < len(self.doc) else None
        if nxt is not None and nxt.lower_ == "in" and nxt.head.i == pobj.head.head.i:
            sub = [t for t in nxt.children if t.dep_ == "pobj"]
            if sub:
                slo, shi = _np_range(sub[0])
                if _is_place_np(self.rd, slo, shi) and not has_flag(self.doc[lo], "VENUE") and any(has_flag(t, "VENUE") for t in self.doc[lo:hi]):
                    return f"{text}, {_place_text(self.rd, slo, shi)}"
        return text


# --- assembling ------------------------------------------------------------------------


def _merge_purpose(cands: list[_Cand]) -> list[_Cand]:
    """Join a trigger that is the purpose of another ("travels to P to meet X") into it."""
    by_anchor: dict[int, _Cand] = {}
    for c in cands:
        for a in c.anchors | {c.anchor.i}:
            by_anchor.setdefault(a, c)
    absorbed: set[int] = set()
    for c in cands:
        if id(c) in absorbed:
            continue
        cur = _verb_of(c.anchor) if c.np is None else c.anchor
        host: _Cand | None = None
        via_for = False
        for _ in range(3):
            if cur.dep_ == "pobj" and cur.head.lower_ == "for" and cur.head.dep_ == "prep" and c.np is not None:
                cur = cur.head  # "travelled to Brussels for the NATO meeting"
                via_for = True
            elif cur.head.i == cur.i or cur.dep_ not in ("xcomp", "advcl", "dobj", "acl"):
                break
            cur = cur.head
            other = by_anchor.get(cur.i)
            if other is not None and other is not c:
                host = other
                break
        if host is None or id(host) in absorbed:
            continue
        # the named gathering wins; otherwise the outer event (a visit) absorbs the inner one
        winner, loser = host, c
        if c.np is not None and (c.event_type in _NAMED_GATHERING or via_for and c.event_type == "meeting"):
            winner, loser = c, host
        for k, r in loser.participants.items():
            winner.participants.setdefault(k, r)
        winner.anchors |= loser.anchors | {loser.anchor.i}
        if winner.location is None:
            winner.location = loser.location
        if winner.clause and loser.clause:
            winner.clause = (min(winner.clause[0], loser.clause[0]), max(winner.clause[1], loser.clause[1]))
        winner.present = winner.present or loser.present
        absorbed.add(id(loser))
    return [c for c in cands if id(c) not in absorbed]


def find_events(rd: ReleaseDoc) -> list[Event]:
    """The release's events (see the module docstring), in order of first mention."""
    b = _Builder(rd)
    doc = rd.doc
    cands = b.candidates()
    # participants of the verb clause
    for c in cands:
        v = _verb_of(c.anchor)
        if c.np is None:
            subj = _subject(v)
            skeys = rd.officials_in(subj)
            for k in skeys:
                c.participants.setdefault(k, "host" if c.kind == "verb_welcome" else "attendee")
            for k in rd.officials_in(b._objects(v)):
                c.participants.setdefault(k, "counterpart")
            if c.kind == "verb_speak":
                for k in rd.officials_in(doc[c.anchor.i: c.clause[1]] if c.clause else []):
                    c.participants.setdefault(k, "counterpart")
            f, p = _tense(v)
            c.future, c.present = c.future or f, c.present or p
            if c.location is None and c.event_type in ("meeting", "visit", "call", "speech", "signing"):
                c.location = b.verb_location(v)
        if c.clause is None:
            c.clause = (c.anchor.i, c.anchor.i + 1)
    cands = _merge_purpose(cands)
    # plural subjects ("they", "the leaders") take the participants of the latest event with two or more
    latest: list[str] = []
    for c in sorted(cands, key=lambda c: c.start):
        v = _verb_of(c.anchor)
        subj = _subject(v)
        if not c.participants and any(s.lower_ in ("they", "we") or has_flag(s, "PAIR_SUBJECT") for s in subj):
            for k in latest:
                c.participants.setdefault(k, "attendee")
        if len(c.participants) >= 2 and not latest:
            latest = list(c.participants)
    _assign_dates(b, cands)
    # split plural triggers into one event per person
    expanded: list[_Cand] = []
    for c in sorted(cands, key=lambda c: c.start):
        if c.split_people:
            dates = _clause_dates(b, c)
            others = [k for k in c.participants if all(k not in grp for grp in c.split_people)]
            for n, grp in enumerate(c.split_people):
                d = _Cand(c.event_type, c.anchor, c.kind, c.pattern_id, set(c.anchors), c.np, c.clause, c.name,
                          c.location, c.country, {k: c.participants.get(k, "attendee") for k in others + grp},
                          c.date, c.date_source, c.anaphoric, [], c.future, c.present, f"{c.identity}#{n}")
                if len(dates) == len(c.split_people):
                    d.date, d.date_source = dates[n], "clause"
                if len(c.split_ranges) == len(c.split_people):
                    lo, hi = c.split_ranges[n]
                    d.clause = (min(lo, c.clause[0] if c.clause else lo), hi) if n == 0 else (lo, hi)
                expanded.append(d)
        else:
            expanded.append(c)
    merged = _dedupe(expanded)
    _default_dates(rd, merged)
    out: list[Event] = []
    venues = b.venues
    for c in merged:
        lo, hi = c.clause
        # leave out another event's phrase that follows the trigger ("met X during the G7 Meeting")
        for o in merged:
            if o is c or o.np is None:
                continue
            s0 = o.np[0]
            if c.anchor.i < s0 < hi and lo < s0 and not (c.np and c.np[0] <= s0 < c.np[1]):
                hi = s0
        while hi - 1 > max(lo, c.anchor.i) and doc[hi - 1].pos_ in ("ADP", "DET", "CCONJ", "PUNCT", "SPACE", "PART"):
            hi -= 1
        ev = rd.evidence(doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1]))
        country = None
        if c.location:
            country = place_country(c.location, venues)
        if country is None and c.hosted_by_country:
            country = c.hosted_by_country
        parts = tuple(Participant(k, r) for k, r in c.participants.items())
        out.append(Event(
            event_type=c.event_type, evidence=ev, name=c.name, date=c.date,
            location=c.location, country_code=country, participants=parts,
            method="rules", extractor=c.pattern_id,
        ))
    return out


def _clause_dates(b: _Builder, c: _Cand) -> list[DateValue]:
    doc = b.doc
    lo, hi = c.clause
    sent = doc[c.anchor.i].sent
    lo = min(lo, sent.start)
    hi = max(hi, sent.end)
    return [d for _, _, d in b.rd.dates_in(doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1]))]


def _assign_dates(b: _Builder, cands: list[_Cand]) -> None:
    """Give each event the date whose words hang from its own words.

    A date inside an event's words (or a possessive date right before them:
    "yesterday's summit") is that event's. Otherwise the date's head is followed up
    the parse: to an event's anchor; through a verb that is not an event only when
    that verb's subject is an event noun ("the round is expected to be hosted later
    this year") or it is the purpose of an event verb ("be in Brussels today
    meeting..."). A date on another verb ("and will return later this year") is
    not the event's. A second date for a dated event goes to the nearest undated
    event of the sentence.
    """
    rd, doc = b.rd, b.doc
    anchor_of: dict[int, _Cand] = {}
    for c in cands:
        for a in c.anchors | {c.anchor.i}:
            anchor_of.setdefault(a, c)
        if c.np:
            for i in range(*c.np):
                anchor_of.setdefault(i, c)
    subject_event: dict[int, _Cand] = {}
    for c in cands:
        if c.np and c.anchor.dep_ in ("nsubj", "nsubjpass"):
            subject_event[c.anchor.head.i] = c

    def target_of(span: Span) -> _Cand | None:
        for i in range(span.start, span.end):
            if i in anchor_of:
                return anchor_of[i]
        # "yesterday's UK-Africa Investment Summit", "last year's UK-France Summit"
        k = span.end
        if k < len(doc) and doc[k].text in ("'s", "\u2019s", "\u2019"):
            for j in range(k + 1, min(k + 7, len(doc))):
                if j in anchor_of and anchor_of[j].np is not None:
                    return anchor_of[j]
        t = span.root
        for _ in range(14):
            if t.head.i == t.i:
                return None
            nxt = t.head
            if nxt.i in anchor_of and nxt.i not in range(span.start, span.end):
                return anchor_of[nxt.i]
            if nxt.pos_ in ("VERB", "AUX"):
                v = nxt
                for _ in range(3):
                    if v.i in anchor_of:
                        return anchor_of[v.i]
                    if v.i in subject_event:
                        return subject_event[v.i]
                    below = [c for c in cands if c.np and _verb_of(c.anchor).i == v.i]
                    if len(below) == 1:
                        return below[0]
                    if v.dep_ in ("acl", "relcl") and v.head.i in anchor_of:
                        return anchor_of[v.head.i]
                    if v.dep_ in ("xcomp", "advcl") and v.head.i != v.i and v.head.pos_ in ("VERB", "AUX"):
                        v = v.head
                        continue
                    break
                return None
            t = nxt
        return None

    spare: list[tuple[Span, DateValue]] = []
    for s, e, dv in rd.dates:
        if dv.start is None:
            continue
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is None:
            continue
        target = target_of(span)
        if target is None:
            gov = _verb_of(span.root.head) if span.root.head.i != span.root.i else span.root
            if gov.lemma_ == "be" or gov.dep_ == "ROOT" and gov.pos_ == "AUX":
                sent = span.sent
                undated = [c for c in cands if c.date is None and sent.start <= c.anchor.i < sent.end]
                if len(undated) == 1:
                    target = undated[0]
        if target is None:
            continue
        if target.date is not None:
            spare.append((span, dv))
            continue
        target.date, target.date_source = dv, "attached"
    for span, dv in spare:
        sent = span.sent
        undated = [c for c in cands if c.date is None and sent.start <= c.anchor.i < sent.end]
        if undated:
            best = min(undated, key=lambda c: min(abs(c.anchor.i - span.start), abs((c.np or (c.anchor.i, 0))[0] - span.start)))
            best.date, best.date_source = dv, "nearest"
    # an event noun inside an event clause takes that clause's date ("met X during the G7 Meeting today")
    for c in cands:
        if c.date is not None or c.np is None:
            continue
        v = _verb_of(c.anchor)
        for other in cands:
            if other is c or other.date is None:
                continue
            if v.i in other.anchors or v.i == other.anchor.i:
                c.date, c.date_source = other.date, "inherited"
                break


def _compatible(a: DateValue | None, b: DateValue | None) -> bool:
    if a is None or b is None:
        return True
    return a.start == b.start or (a.precision != "day" or b.precision != "day") and a.start.year == b.start.year and abs((a.start - b.start).days) < 32


def _same_sentence(a: _Cand, b: _Cand) -> bool:
    return a.anchor.sent.start == b.anchor.sent.start


def _dedupe(cands: list[_Cand]) -> list[_Cand]:
    """One event per occurrence: the same name; the same type and identity words; the
    same type and the same two or more participants in another sentence with
    compatible dates; or a bare anaphor ("the meeting") of an earlier event."""
    out: list[_Cand] = []
    for c in sorted(cands, key=lambda c: c.start):
        same: _Cand | None = None
        for o in out:
            if c.name and o.name and c.name.lower() == o.name.lower():
                same = o
            elif c.identity and o.identity and c.identity == o.identity and c.event_type == o.event_type \
                    and len(c.identity.split()) >= 2 and "#" not in c.identity:
                same = o
            elif (c.event_type == o.event_type and c.participants and set(c.participants) == set(o.participants)
                  and (len(c.participants) >= 2 or c.date is None)
                  and _compatible(c.date, o.date) and not _same_sentence(c, o) and not (c.name and o.name)
                  and not (c.future and not o.future and c.kind != o.kind)):
                same = o
            elif (c.anaphoric or c.late_mention) and c.event_type == o.event_type:
                same = o
            if same is not None:
                break
        if same is None:
            if c.anaphoric and c.date is None:
                continue
            out.append(c)
            continue
        if same.date is None and c.date is not None and same.location is None \
                and not _same_sentence(c, same) and c.kind == same.kind == "noun_round":
            # "Statement on the fifth round..." then "The fifth round took place in Bern from 3 to 7 March"
            same.anchor, same.np, same.clause = c.anchor, c.np, c.clause
        if same.date is None and c.date is not None:
            same.date = c.date
        if same.location is None and c.location:
            same.location = c.location
        if same.name is None and c.name:
            same.name = c.name
        for k, r in c.participants.items():
            same.participants.setdefault(k, r)
        same.future = same.future and c.future
        same.present = same.present or c.present
    return out


def _default_dates(rd: ReleaseDoc, cands: list[_Cand]) -> None:
    """Present-tense engagements and the opening sentence's engagements happen on the day."""
    doc = rd.doc
    first_sent = next(iter(doc.sents), None)
    published = rd.release.published_date
    on_the_day = False  # an earlier engagement happened on the publication day
    for c in cands:
        if c.date is not None:
            on_the_day = on_the_day or (c.date.start == published and c.date.precision == "day")
            continue
        if c.future:
            continue
        if on_the_day and c.np is None and c.anchor.tag_ == "VBD" and c.event_type in ("meeting", "call"):
            c.date = DateValue(published, "day", "")  # "... in Riyadh today. He also met X": the same trip
            continue
        in_lead = first_sent is not None and first_sent.start <= c.anchor.i < first_sent.end
        reporting = c.np is not None and any(has_flag(a, "REPORTING_VERB") and a.tag_ == "VBG" for a in c.anchor.ancestors)
        if c.present or in_lead or reporting:
            c.date = DateValue(published, "day", "")
