"""Commitments: concrete actions a government, body or official will take, has
decided or has just taken (annotation guide).

Action words come from ``rules/commitments.jsonl`` (``govpress_commitments``),
each with a ``commitment_type`` and a ``kind``:

* ``act`` — an action verb ("invest", "deploy", "double", "introduce", "host",
  "impose"...) in a finite clause: "will/shall V" → ``pledged``; present "doubles",
  "are giving" → ``announced``; "has sent", "introduced" → ``implemented``. A
  gerund joins the commitment it hangs from ("giving support..., increasing
  benefits and raising the National Living Wage") or the clause it is included in
  ("That includes investing £2.2 billion");
* ``announce`` — "X has announced reforms" (``announced``); "X announced that Y
  will V" (``pledged``, actor X);
* ``announcement`` — "an announcement made by X that Y will V" (``pledged``);
* ``pledge`` — "X pledged/resolved to V" (``pledged``), unless V only continues
  working together (``COOP_ONLY`` words);
* ``agree_that`` — "it was agreed that X will V" (``cooperation``, ``pledged``);
* ``passive_noun`` — "sanctions being imposed";
* ``money`` — "an additional £1.5 billion for X" (``funding``, ``announced``).

Not commitments: a clause under a ``BLOCKER`` word ("we need to", "calling on
partners to", "continue", "focus on"), a hypothetical ("would", "could", "if"),
a negated one, a subject that cannot commit (``NOT_ACTOR``: "these reforms", "the
summit"). The type is the object's (``OBJECT`` words: sanctions → sanction,
unit/staff/ship → resourcing...), money makes it ``funding``, else the verb's.

Two more sources: a planned event the release says someone will host ("will
host", "welcoming X to the UK", "UK-hosted") is a ``hosting`` commitment; an
arrangement entered in the release (a ``new`` partnership) is a ``cooperation``
commitment, ``announced``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from ..models import Commitment, DateValue, Event, Partnership
from .document import ReleaseDoc, has_flag
from .events import _subject, _verb_of, clause_bounds
from .money import committed_money

__all__ = ["find_commitments"]

_HYPOTHETICAL = {"would", "could", "might", "should", "may", "must", "can"}


@dataclass
class _C:
    ctype: str
    status: str
    lo: int
    hi: int
    anchor: Token
    actor: list[Token] | None
    pattern_id: str
    action: tuple[int, int] | None = None


def _aux(v: Token) -> set[str]:
    return {c.lower_ for c in v.children if c.dep_ in ("aux", "auxpass")}


def _negated(v: Token) -> bool:
    return any(c.dep_ == "neg" for c in v.children)


def _reported(v: Token) -> bool:
    """A clause reported by a speech verb ("X said the powers would come into force"):
    its "would" is the backshifted "will"."""
    return v.dep_ == "ccomp" and has_flag(v.head, "REPORTING_VERB")


def _hypothetical(v: Token) -> bool:
    aux = _aux(v)
    if _reported(v) and "would" in aux:
        aux = aux - {"would"}
    if aux & _HYPOTHETICAL:
        return True
    if any(c.dep_ == "mark" and c.lower_ in ("if", "whether", "unless") for c in v.children):
        return True
    return any(c.lower_ == "whether" for c in v.head.children if c.i < v.i) if v.head.i != v.i else False


def _blocked(v: Token, allowed: set[int]) -> bool:
    """Whether ``v`` is the complement of a blocking word ("need to", "calling on
    partners to"); an adverbial or relative clause ("..., as the Government
    confirms £200m") is not governed by the clause it hangs from."""
    t = v
    while t.head.i != t.i:
        if t.dep_ in ("advcl", "relcl", "conj", "parataxis") and t.pos_ in ("VERB", "AUX"):
            return False
        a = t.head
        if a.i in allowed:
            return False
        if has_flag(a, "BLOCKER") or a.lower_ == "whether":
            return True
        t = a
    return False


def _descriptive(v: Token) -> bool:
    """A relative clause that describes what something is or did ("which entered into
    force in 2023", "when the service launched"), not an action taken now."""
    if v.dep_ != "relcl":
        return False
    return not (_aux(v) & {"will", "shall"})


def _decided(v: Token) -> bool:
    """``v`` is what the subject agreed or decided to do ("agreed to launch", "has decided to deploy")."""
    return v.dep_ == "xcomp" and v.head.lemma_ in ("agree", "decide") and v.head.pos_ in ("VERB", "AUX")


def _status_of(v: Token, meta: dict) -> str | None:
    aux = _aux(v)
    if _decided(v):
        head_aux = _aux(v.head)
        return "pledged" if head_aux & {"will", "shall"} else "announced"
    if aux & {"will", "shall", "'ll"} or _reported(v) and "would" in aux:
        return "pledged"
    if v.dep_ == "xcomp" and has_flag(v.head, "INTENT_VERB"):
        return "pledged"
    if v.tag_ in ("VBZ", "VBP"):
        return "announced"
    if v.tag_ == "VBG" and aux & {"is", "are", "am", "be", "been"}:
        return "announced"
    if v.tag_ in ("VBN", "VBD") and aux & {"has", "have", "'s", "'ve"}:
        return "announced" if meta.get("kind") == "announce" else "implemented"
    if v.tag_ == "VBD":
        return "announced" if meta.get("kind") == "announce" else "implemented"
    return None


def _actor_ok(rd: ReleaseDoc, subj: list[Token]) -> bool:
    if not subj:
        return False
    for s in subj:
        if has_flag(s, "NOT_ACTOR"):
            return False
    for s in subj:
        # "Defra's British Food Plan will involve...": the possessor acts
        head_words = [s] + [c for c in s.children if c.dep_ in ("compound", "amod", "poss")]
        if any(rd.official_at.get(t.i) or rd.country_of_token(t) for t in head_words):
            return True
        if s.ent_type_ in ("ORG", "GPE", "NORP", "PERSON"):
            return True
        if any(has_flag(t, "ACTOR") for t in head_words):
            return True
    return False


def _span_text(rd: ReleaseDoc, toks: list[Token]) -> str:
    lo = min(t.left_edge.i for t in toks)
    hi = max(t.right_edge.i for t in toks) + 1
    return rd.doc[lo:hi].text


class _Finder:
    def __init__(self, rd: ReleaseDoc) -> None:
        self.rd = rd
        self.doc = rd.doc
        self.spans = rd.spans("commitments")
        self.objects = [s for s in self.spans if s.label_ == "OBJECT"]
        self.accepted: dict[int, _C] = {}
        self.consumed: set[int] = set()

    def meta(self, span: Span) -> dict:
        return self.rd.meta(span)

    def clause(self, v: Token) -> tuple[int, int]:
        return clause_bounds(v)

    def type_of(self, lo: int, hi: int, meta: dict, verb: Token | None = None) -> str:
        base = meta.get("commitment_type", "other")
        if base in ("hosting", "sanction", "legislation"):
            return base
        if verb is not None:
            obj = {t.i for t in self._object_tokens(verb)}
            for s in self.objects:
                if s.start in obj:
                    t = self.rd.meta(s).get("commitment_type")
                    if t in ("sanction", "legislation", "resourcing", "hosting", "target"):
                        return t
                    if t == "cooperation" and base in ("other", "policy") and (
                            any(has_flag(x, "JOINT") for x in self.doc[s.start:s.end + 2])
                            or any(has_flag(x, "SIDE_NOUN", "PAIR_SUBJECT") for x in _subject(verb))):
                        return "cooperation"  # "Our countries will establish a joint working group"
                    if t == "funding" and base in ("other", "policy", "funding"):
                        return "funding"  # "delivering the largest funding settlement"
            if obj and self.rd.money_in(self.doc[min(obj)].idx, self.doc[max(obj)].idx + len(self.doc[max(obj)])):
                return "funding" if base in ("other", "policy", "funding") else base
            for s in self.objects:
                if s.start in obj:
                    t = self.rd.meta(s).get("commitment_type")
                    if t == "policy" and base == "other":
                        # support sent to another country is aid ("other"); at home it is policy
                        abroad = any(c.dep_ in ("dative", "prep") and c.lower_ == "to" and any(
                            self.rd.country_of_token(x) for x in c.subtree) for c in verb.children)
                        return base if abroad else "policy"
                    if t and t != "cooperation":
                        return t if base == "policy" else base
            if obj:
                return base
        for s in self.objects:
            if s.start >= lo and s.end <= hi:
                t = self.rd.meta(s).get("commitment_type")
                if t in ("sanction", "legislation", "resourcing", "hosting", "target"):
                    return t
        if self.rd.money_in(self.doc[lo].idx, self.doc[hi - 1].idx + len(self.doc[hi - 1])) and base in ("other", "policy", "funding"):
            return "funding"
        for s in self.objects:
            if s.start >= lo and s.end <= hi:
                t = self.rd.meta(s).get("commitment_type")
                if t and base in ("other", "policy") and t != "cooperation":
                    return t if base == "policy" else base
        return base

    def run(self) -> list[_C]:
        out: list[_C] = []
        actions = sorted([s for s in self.spans if s.label_ in ("ACTION", "MONEY_CUE")], key=lambda s: s.start)
        # complements first ("announced that...", "agreed that...") so their inner verbs are consumed
        order = sorted(actions, key=lambda s: (self.meta(s).get("kind") in ("act", "money"), s.start))
        for span in order:
            meta = self.meta(span)
            kind = meta.get("kind")
            handler = getattr(self, "_" + kind, None)
            if handler is None:
                continue
            c = handler(span, meta)
            if c is not None:
                out.append(c)
                self.accepted[c.anchor.i] = c
        return sorted(out, key=lambda c: c.lo)

    # kinds ------------------------------------------------------------------------------

    def _act(self, span: Span, meta: dict) -> _C | None:
        v = span[0]
        if v.i in self.consumed or v.pos_ not in ("VERB", "AUX"):
            return None
        if _descriptive(v) and any(c.lower_ in ("when", "where") for c in v.children):
            return None  # "2003/04, when the service launched": a past date, not an action
        if _negated(v) or _hypothetical(v):
            return None
        if meta.get("needs_object_type") and not self._has_object(v):
            return None
        status = _status_of(v, meta)
        inherit = None
        from_include = False
        if status is None and v.tag_ == "VBG":
            for a in v.ancestors:
                if a.i in self.accepted:
                    inherit = self.accepted[a.i]
                    break
                if has_flag(a, "INCLUDE_VERB") and a.pos_ in ("VERB", "AUX"):
                    st = _status_of(a, {"kind": "act"})
                    status = "announced" if st in ("announced", "implemented", None) else st
                    from_include = True
                    break
            if inherit is not None:
                status = inherit.status
        if status is None:
            return None
        if _blocked(v, set(self.accepted)):
            return None
        subj = _subject(v) if inherit is None else (inherit.actor or [])
        if v.tag_ == "VBG" and inherit is None and v.dep_ in ("pcomp", "xcomp", "advcl", "amod", "conj") and not subj:
            subj = _subject(_verb_of(v.head)) if v.head.i != v.i else []
        passive_object = any(c.dep_ == "auxpass" for c in v.children) and any(
            s.start in {t.i for x in subj for t in x.subtree} for s in self.objects)
        bare_anaphor = any(any(c.dep_ == "det" and c.lower_ in ("the", "this", "that", "these", "those") for c in x.children)
                           and not any(c.dep_ in ("amod", "compound", "prep") for c in x.children) for x in subj)
        if passive_object and status == "pledged" and bare_anaphor:
            return None  # "The funding will be delivered through...": restates a measure already given
        if passive_object and status == "pledged":
            subj = []  # "The new strategy will be published": the government, implicitly
        elif from_include and all(s.lower_ in ("that", "this", "it", "which") for s in subj):
            # "That includes investing...": the actor of the sentence before
            subj = []
            sent = v.sent
            if sent.start > 0:
                prev = self.doc[sent.start - 1].sent
                cand = _subject(prev.root)
                if _actor_ok(self.rd, cand):
                    subj = cand
        elif inherit is None and not _actor_ok(self.rd, subj):
            return None
        if inherit is not None or (v.tag_ == "VBG" and v.dep_ in ("amod", "conj", "pcomp", "xcomp")):
            # a gerund phrase: its own words ("increasing benefits and pensions in line with inflation")
            head = v.head if v.dep_ == "amod" else v
            toks = [t for t in head.subtree]
            if head.i != v.i:
                toks = [t for t in head.subtree if not (t.dep_ in ("conj", "cc") and t.head.i == head.i and t.i > head.i)]
            lo, hi = min(t.i for t in toks), max(t.i for t in toks) + 1
            if v.dep_ == "conj":
                lo = v.i
                hi = max(t.i for t in v.subtree) + 1
        else:
            lo, hi = self.clause(v)
            if v.dep_ == "relcl" and v.head.i != v.i:
                lo = min(lo, v.head.left_edge.i)  # "the support the UK has sent"
        ctype = self.type_of(lo, hi, meta, v)
        if _decided(v) and v.head.lemma_ == "agree":
            ctype = "cooperation"  # "agreed to launch a joint taskforce" (annotation guide)
        return _C(ctype, status, lo, hi, v, subj or None, span.id_, (v.i, hi))

    def _object_tokens(self, v: Token) -> list[Token]:
        toks: list[Token] = []
        for c in v.children:
            if c.dep_ in ("dobj", "nsubjpass", "dative", "attr"):
                toks.extend(c.subtree)
        if v.dep_ in ("relcl", "amod", "acl") and v.head.i != v.i:
            head = v.head
            toks.append(head)
            for c in head.children:
                if c.i < head.i or c.dep_ in ("prep", "compound", "amod"):
                    toks.extend(c.subtree)
        return toks

    def _has_object(self, v: Token) -> bool:
        toks = self._object_tokens(v)
        if not toks:
            return False
        idx = {t.i for t in toks}
        heads = set()
        for c in v.children:
            if c.dep_ in ("dobj", "nsubjpass", "dative", "attr"):
                heads.add(c.i)
                heads.update(x.i for x in c.children if x.dep_ in ("conj", "compound"))
        if v.dep_ in ("relcl", "amod", "acl") and v.head.i != v.i:
            heads.add(v.head.i)
            heads.update(x.i for x in v.head.children if x.dep_ in ("conj", "compound"))
        if any(s.start in heads for s in self.objects):
            return True
        lo, hi = min(idx), max(idx) + 1
        return bool(self.rd.money_in(self.doc[lo].idx, self.doc[hi - 1].idx + len(self.doc[hi - 1])))

    def _in_force(self, span: Span, meta: dict) -> _C | None:
        v = span[0]
        if v.i in self.consumed or _negated(v) or _hypothetical(v):
            return None
        if _descriptive(v):
            return None  # "the Agreement, which entered into force in 2023"
        status = _status_of(v, meta)
        if status is None or _blocked(v, set()):
            return None
        if status == "implemented":
            status = "announced"
        lo, hi = self.clause(v)
        actor = _subject(v.head) if _reported(v) else []
        if _reported(v):
            lo = min(lo, min([t.left_edge.i for t in actor] or [lo]))
        return _C(meta.get("commitment_type", "legislation"), status, lo, hi, v, actor or None, span.id_, (v.i, hi))

    def _announce(self, span: Span, meta: dict) -> _C | None:
        v = span[0]
        if v.pos_ not in ("VERB", "AUX") or _negated(v) or _hypothetical(v):
            return None
        if _blocked(v, set()):
            return None
        subj = _subject(v)
        if not _actor_ok(self.rd, subj):
            return None
        comp = [c for c in v.children if c.dep_ in ("ccomp",) and _aux(c) & {"will", "shall"}]
        lo, hi = self.clause(v)
        if comp:
            inner = comp[0]
            self.consumed.update(t.i for t in inner.subtree)
            ctype = self._inner_type(inner, meta)
            return _C(ctype, "pledged", lo, hi, v, subj, span.id_, (inner.i, hi))
        if not any(c.dep_ == "dobj" for c in v.children):
            return None
        status = _status_of(v, meta)
        if status is None:
            return None
        if status == "implemented":
            status = "announced"
        return _C(self.type_of(lo, hi, meta, v), status, lo, hi, v, subj, span.id_, (v.i, hi))

    def _inner_type(self, inner: Token, meta: dict) -> str:
        sub = list(inner.subtree)
        lo, hi = sub[0].i, sub[-1].i + 1
        for s in self.spans:
            if s.label_ == "ACTION" and s.start >= lo and s.end <= hi and self.meta(s).get("kind") == "act":
                return self.type_of(lo, hi, self.meta(s))
        return self.type_of(lo, hi, {"commitment_type": "policy"})

    def _announcement(self, span: Span, meta: dict) -> _C | None:
        n = span[0]
        inner = None
        for t in n.subtree:
            if t.pos_ in ("VERB", "AUX") and _aux(t) & {"will", "shall"} and any(c.dep_ == "mark" and c.lower_ == "that" for c in t.children):
                inner = t
                break
        if inner is None:
            return None
        actor: list[Token] = []
        for t in n.subtree:
            if t.dep_ == "agent":
                actor = [c for c in t.children if c.dep_ == "pobj"]
        self.consumed.update(t.i for t in inner.subtree)
        lo = n.left_edge.i
        hi = max(t.i for t in inner.subtree) + 1
        return _C(self._inner_type(inner, meta), "pledged", lo, hi, n, actor or None, span.id_, (inner.i, hi))

    def _pledge(self, span: Span, meta: dict) -> _C | None:
        v = span[0]
        if v.pos_ not in ("VERB", "AUX") or _negated(v) or _hypothetical(v) or _blocked(v, set()):
            return None
        subj = _subject(v)
        if not _actor_ok(self.rd, subj):
            return None
        xs = [c for c in v.children if c.dep_ == "xcomp"]
        lo, hi = self.clause(v)
        if v.lemma_ == "commit":
            # "has committed to decarbonising X by 2030" is a target; without a deadline an aspiration
            words = self.doc[v.i:hi]
            if not any(t.lower_ == "by" and t.i + 1 < hi and self.doc[t.i + 1].like_num for t in words):
                return None
            self.consumed.update(range(v.i + 1, hi))
            status = "implemented" if _aux(v) & {"has", "have", "'s", "'ve"} else "pledged"
            return _C("target", status, lo, hi, v, subj, span.id_, (v.i, hi))
        if xs:
            x = xs[0]
            if has_flag(x, "COOP_ONLY"):
                return None
            self.consumed.update(t.i for t in x.subtree)
            ctype = self._inner_type(x, meta) if any(
                s.label_ == "ACTION" and s.start >= x.i for s in self.spans if s.start <= max(t.i for t in x.subtree)) else meta.get("commitment_type", "other")
            if ctype == "policy":
                ctype = meta.get("commitment_type", "other")
            return _C(ctype, "pledged", lo, hi, v, subj, span.id_, (x.i, hi))
        if self.rd.money_in(self.doc[lo].idx, self.doc[hi - 1].idx + len(self.doc[hi - 1])):
            return _C("funding", "pledged", lo, hi, v, subj, span.id_, (v.i, hi))
        # a parse that lost the xcomp: "resolved to redouble efforts..."
        nxt = self.doc[v.i + 1] if v.i + 1 < len(self.doc) else None
        if nxt is not None and nxt.lower_ == "to" and v.i + 2 < len(self.doc) and not has_flag(self.doc[v.i + 2], "COOP_ONLY"):
            self.consumed.update(range(v.i + 1, hi))
            return _C(meta.get("commitment_type", "other"), "pledged", lo, hi, v, subj, span.id_, (v.i + 2, hi))
        return None

    def _agree_that(self, span: Span, meta: dict) -> _C | None:
        v = span[0]
        inner = [c for c in v.children if c.dep_ == "ccomp" and _aux(c) & {"will", "shall"}]
        if not inner or _negated(inner[0]):
            return None
        x = inner[0]
        if not _actor_ok(self.rd, _subject(x)):
            return None
        self.consumed.update(t.i for t in x.subtree)
        lo, hi = self.clause(v)
        return _C(meta.get("commitment_type", "cooperation"), "pledged", lo, hi, v, _subject(x) or None, span.id_, (x.i, hi))

    def _passive_noun(self, span: Span, meta: dict) -> _C | None:
        n = span[0]
        words = {t.lower_ for t in span}
        status = "implemented" if words & {"were", "have", "has", "been"} and "being" not in words else "announced"
        lo = n.left_edge.i
        hi = max(max(t.i for t in span[-1].subtree) + 1, span.end)
        agent = [c for t in span for c in t.children if c.dep_ == "agent"]
        actor = [c for a in agent for c in a.children if c.dep_ == "pobj"]
        return _C(meta.get("commitment_type", "sanction"), status, lo, hi, n, actor or None, span.id_, (span.start, hi))

    def _money(self, span: Span, meta: dict) -> _C | None:
        cue = span[0]
        nxt = self.doc[cue.i + 1] if cue.i + 1 < len(self.doc) else None
        if nxt is None:
            return None
        hits = [m for m in self.rd.money if m[0] == nxt.idx]
        if not hits:
            return None
        if any(c.lo <= cue.i < c.hi for c in self.accepted.values()):
            return None
        head = cue.head
        while head.dep_ in ("nmod", "compound", "quantmod", "nummod", "amod") and head.head.i != head.i:
            head = head.head
        lo = cue.i
        det = [t for t in head.lefts if t.dep_ == "det"]
        if det:
            lo = min(lo, det[0].i)
        hi = max(t.i for t in head.subtree) + 1
        return _C("funding", "announced", lo, hi, cue, None, span.id_, (cue.i, hi))


def _actor_key(rd: ReleaseDoc, toks: list[Token] | None) -> str | None:
    if not toks:
        return None
    keys = rd.officials_in(t for s in toks for t in s.subtree)
    return keys[0] if keys else None


def _actor_text(rd: ReleaseDoc, toks: list[Token] | None) -> str | None:
    if not toks:
        return None
    first = toks[0]
    lo = first.left_edge.i
    hi = max(t.right_edge.i for t in toks) + 1
    text = rd.doc[lo:hi].text
    return text.strip() or None


def _actor_country(rd: ReleaseDoc, toks: list[Token] | None, key: str | None) -> str | None:
    if key:
        return rd.official_country.get(key)
    if not toks:
        return None
    sub = [t for s in toks for t in s.subtree]
    codes = [rd.country_of_token(t) for t in sub]
    codes = [c for c in codes if c]
    if codes:
        return codes[0]
    if any(has_flag(t, "GOVERNMENT_WORD") for t in sub) and not any(has_flag(t, "DEVOLVED") for t in sub):
        return "GB"
    return None


def _due(rd: ReleaseDoc, lo: int, hi: int, status: str) -> DateValue | None:
    if status != "pledged":
        return None
    doc = rd.doc
    dates = rd.dates_in(doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1]))
    published = rd.release.published_date
    for _, _, dv in dates:
        if dv.start and dv.start >= published.replace(day=1):
            return dv
    return None


def _restates(rd: ReleaseDoc, first: Commitment, later: Commitment) -> bool:
    """True when ``later`` restates ``first``: the same amount and currency, and its
    nouns (content words outside the actor) are mostly those of ``first`` — at least two
    shared, and at least half of the smaller set."""
    if first.money is None or later.money is None or \
            (first.money.amount, first.money.currency) != (later.money.amount, later.money.currency):
        return False

    def nouns(c: Commitment) -> set[str]:
        span = rd.doc.char_span(c.evidence.char_start, c.evidence.char_end, alignment_mode="expand")
        actor = {w.lower() for w in re.findall(r"\w+", c.actor or "")}
        return {t.lemma_.lower() for t in (span or []) if t.pos_ in ("NOUN", "PROPN") and t.is_alpha
                and not t.is_stop and t.lower_ not in actor}

    a, b = nouns(first), nouns(later)
    shared = len(a & b)
    return shared >= 2 and shared * 2 >= min(len(a), len(b))


def find_commitments(rd: ReleaseDoc, events: list[Event], partnerships: list[Partnership]) -> list[Commitment]:
    """The release's commitments (see the module docstring), in order of the text."""
    doc = rd.doc
    found = _Finder(rd).run()
    out: list[Commitment] = []
    spans: list[tuple[int, int]] = []
    last_actor: tuple[str | None, str | None, str | None] = (None, None, None)
    for c in found:
        ev = rd.evidence(doc[c.lo].idx, doc[c.hi - 1].idx + len(doc[c.hi - 1]))
        key = _actor_key(rd, c.actor)
        actor = _actor_text(rd, c.actor)
        country = _actor_country(rd, c.actor, key)
        if actor is None:
            actor, key, country = last_actor
        else:
            last_actor = (actor, key, country)
        money = committed_money(rd.release.body, rd.money_in(ev.char_start, ev.char_end))
        action = None
        if c.action:
            a0, a1 = c.action
            action = rd.evidence(doc[a0].idx, doc[a1 - 1].idx + len(doc[a1 - 1])).text
        out.append(Commitment(
            commitment_type=c.ctype, status=c.status, evidence=ev, actor=actor, actor_key=key,
            actor_country_code=country, action=action, money=money,
            due=_due(rd, c.action[0] if c.action else c.lo, c.hi, c.status) or (
                _due(rd, c.lo, c.hi, c.status) if c.pattern_id in ("commit.host", "commit.invest") else None),
            method="rules", extractor=c.pattern_id,
        ))
        spans.append((ev.char_start, ev.char_end))
    # a sentence restating the same amount for the same measure is the same commitment;
    # two pledges of one amount for different things are two
    kept: list[Commitment] = []
    for c in out:
        if c.money is None or not any(_restates(rd, k, c) for k in kept):
            kept.append(c)
    out = kept
    spans = [(c.evidence.char_start, c.evidence.char_end) for c in out]
    published = rd.release.published_date

    def overlaps(s: int, e: int) -> bool:
        return any(a < e and s < b for a, b in spans)

    # hosting: planned events someone will host
    for e in events:
        hosts = [p.official_key for p in e.participants if p.role == "host"]
        m = re.search(r"\b([A-Z][A-Za-z]*)-hosted\b", e.evidence.text)
        future = e.date is not None and e.date.start is not None and e.date.start > published or (
            e.date is None and bool(re.search(r"\b(upcoming|will|forthcoming|next)\b", e.evidence.text)))
        if not future or overlaps(e.evidence.char_start, e.evidence.char_end):
            continue
        if hosts:
            key = hosts[0]
            actor = rd.official_label.get(key)
            out.append(Commitment("hosting", "pledged", e.evidence, actor=actor, actor_key=key,
                                  actor_country_code=rd.official_country.get(key), action=e.evidence.text,
                                  due=e.date, method="rules", extractor="derive.hosting-from-event"))
        elif m:
            from .countries import country_code
            out.append(Commitment("hosting", "pledged", e.evidence, actor=m.group(1),
                                  actor_country_code=country_code(m.group(1)), action=e.evidence.text,
                                  due=e.date, method="rules", extractor="derive.hosting-from-event"))
        else:
            continue
        spans.append((e.evidence.char_start, e.evidence.char_end))
    # cooperation: arrangements entered in the release
    for p in partnerships:
        if p.status != "new":
            continue
        sent = doc.char_span(p.evidence.char_start, p.evidence.char_end, alignment_mode="expand")
        if sent is None:
            continue
        s = sent.sent
        ev = rd.evidence(s.start_char, s.end_char)
        if overlaps(ev.char_start, ev.char_end) and any(c.commitment_type == "cooperation" for c in out):
            continue
        root = s.root
        subj = _subject(root)
        out.append(Commitment("cooperation", "announced", ev, actor=_actor_text(rd, subj), actor_key=_actor_key(rd, subj),
                              actor_country_code=None, action=p.evidence.text, method="rules",
                              extractor="derive.cooperation-from-partnership"))
        spans.append((ev.char_start, ev.char_end))
    out.sort(key=lambda c: (c.evidence.char_start, c.evidence.char_end))
    return out
