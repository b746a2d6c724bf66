"""Partnerships: treaties, agreements, MoUs, taskforces, strategic partnerships,
joint statements, dialogues and programmes between countries or bodies.

The words come from ``rules/partnerships.jsonl`` (``govpress_partnerships``): each
pattern gives a ``partnership_type`` ("treaty", "Memorandum of Cooperation",
"working group" → taskforce, "action plan" → programme...) and may give a
``status``. A mention becomes a record when it is a *specific* arrangement:

* it has a proper name ("the Belfast Agreement", "Joint Migration Taskforce"), or
* it names at least one party other than the UK, or two parties with
  "between" ("a free trade agreement between the UK and the GCC").

**Parties**, as written with their codes: countries inside the phrase
("UK–Italy", "Iran nuclear deal", "US peace plan"), in its "with/between/for"
phrases, in a parenthesis right after it ("(Britain, France and Germany)");
the issuing government (GB) when the release says "our", "the UK's", "its"
(the Government's) or makes the UK the other side of "with"; the release's
counterpart countries (the countries of its foreign officials) for "joint"
or "bilateral" arrangements and "the two governments"; for "their joint
statement", the countries the sentence names before it.

**Status**: ``proposed`` when the arrangement is sought, negotiated, planned or
still to be signed ("the need for", "negotiations for", "looked forward to
signing", "peace plan"); ``new`` when the release signs, agrees or launches it
now ("agreed today", "signed ... earlier this week"); ``existing`` otherwise.

Bare anaphors ("this partnership", "the deal") and plural generic mentions
("new bilateral agreements") are skipped; the same arrangement mentioned again
is one record.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from spacy.tokens import Span, Token
from spacy.util import filter_spans

from ..models import Partnership, Party
from .document import ReleaseDoc, has_flag
from .events import _np_range, _subject, _verb_of

__all__ = ["find_partnerships"]

_ANAPHORIC = {"this", "that", "the", "these", "those"}
_MULTI_PARTY = {"treaty", "agreement", "memorandum", "joint_statement"}
"""Types that are between parties by nature: named, they count without parties written."""
_UK_POSS = {"our", "its", "we"}


@dataclass
class _Cand:
    ptype: str
    head: Token
    np: tuple[int, int]
    ev: tuple[int, int]
    pattern_id: str
    name: str | None = None
    topic: str | None = None
    parties: dict[str, str | None] = field(default_factory=dict)
    status: str = "existing"
    named: bool = False


def _counterparts(rd: ReleaseDoc) -> list[str]:
    """Foreign countries of the release's officials: those of its first sentence with
    one, else all of them."""
    doc = rd.doc
    by_sent: dict[int, list[str]] = {}
    for i, key in sorted(rd.official_at.items()):
        code = rd.official_country.get(key)
        if code and code != "GB":
            lst = by_sent.setdefault(doc[i].sent.start, [])
            if code not in lst:
                lst.append(code)
    if not by_sent:
        return []
    return by_sent[min(by_sent)]


def find_partnerships(rd: ReleaseDoc) -> list[Partnership]:
    """The release's partnerships (see the module docstring), in order of mention."""
    doc = rd.doc
    spans = filter_spans(rd.spans("partnerships", "PARTNERSHIP"))
    cands: list[_Cand] = []
    heads = {s.root.i for s in spans}
    for span in spans:
        c = _candidate(rd, span, heads)
        if c is not None:
            cands.append(c)
    out = _dedupe(cands)
    records: list[Partnership] = []
    for c in out:
        lo, hi = c.ev
        evidence = rd.evidence(doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1]))
        parties = tuple(Party(p, code) for p, code in c.parties.items())
        records.append(Partnership(
            partnership_type=c.ptype, status=c.status, evidence=evidence, name=c.name,
            topic=c.topic, parties=parties, method="rules", extractor=c.pattern_id,
        ))
    return records


def _candidate(rd: ReleaseDoc, span: Span, heads: set[int]) -> _Cand | None:
    doc = rd.doc
    meta = rd.meta(span)
    n = span.root
    if n.pos_ == "VERB":
        return None
    capitalised = any(t.is_title or t.is_upper for t in span) and not span[0].is_sent_start
    capitalised = capitalised or (n.is_title and n.i > n.sent.start)
    owner = n
    if n.dep_ == "compound" and n.head.i > n.i:
        if not capitalised:
            return None  # "Draft treaty text": a word describing something else
        owner = n.head
    lo, hi = _np_range(n)
    hi = max(hi, span.end)
    for t in n.lefts:
        if t.dep_ in ("advmod", "prep", "punct", "cc", "npadvmod") and t.i == lo:
            lo = t.right_edge.i + 1
    while lo < n.i and (doc[lo].is_punct or doc[lo].dep_ in ("advmod", "prep", "pobj") and doc[lo].head.i != n.i):
        lo += 1
    while lo > n.sent.start and doc[lo - 1].pos_ != "DET" and (
            doc[lo - 1].text in "-\u2013\u2014" and not doc[lo - 1].whitespace_
            or (doc[lo - 1].is_title or doc[lo - 1].is_upper) and doc[lo - 1].dep_ not in ("poss",)
            and not doc[lo - 1].is_sent_start and doc[lo - 1].text not in ("'s", "\u2019s")):
        lo -= 1
    if n.is_title:
        while hi < n.sent.end and doc[hi].is_title and doc[hi - 1].i >= n.i and doc[hi].pos_ in ("PROPN", "NOUN", "ADJ") \
                and not rd.official_at.get(doc[hi].i):
            hi += 1
    if lo > 0 and doc[lo - 1].text == "(" and n.is_upper and len(n.text) <= 5:
        return None  # "(FTA)": an abbreviation of the phrase before it
    np_toks = doc[lo:hi]
    dets = {t.lower_ for t in n.lefts if t.dep_ in ("det", "poss")} | {t.lower_ for t in np_toks if t.dep_ == "poss"}
    proper = [t for t in np_toks if (t.is_title or t.is_upper) and t.i > n.sent.start and t.pos_ in ("PROPN", "NOUN", "ADJ", "VERB")
              and not rd.country_of_token(t)]
    named = bool(proper) and (n.is_title or n.is_upper) and not (len(np_toks) == 1 or all(
        t.is_upper and len(t.text) <= 5 or t.pos_ == "DET" for t in np_toks))
    # plural generic mentions: "new bilateral agreements", "international agreements"
    if n.tag_ in ("NNS", "NNPS") and not named and not any(t.dep_ == "det" and t.lower_ in ("the", "these", "those") for t in n.lefts):
        return None
    # parties
    parties: dict[str, str | None] = {}
    sent = n.sent

    def add(start: int, end: int, code: str | None) -> None:
        text = rd.release.body[start:end]
        if code == "GB" and any(v == "GB" for v in parties.values()):
            return
        parties.setdefault(text, code)

    np_start, np_end = doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1])
    for s, e, code in rd.countries_in(np_start, np_end):
        add(s, e, code)
    # international bodies as parties: "a UK-GCC free trade agreement" (kept without a code)
    bodies = [t for t in np_toks if has_flag(t, "INTL_BODY") and not rd.country_of_token(t)]
    for t in bodies:
        parties.setdefault(t.text, None)
    if meta.get("partnership_type") == "joint_statement" and any(t.lower_ in ("following", "this") for t in n.lefts):
        return None  # "issued the following joint statement": the release itself
    explicit_between = False
    with_side = False
    # "The UK and Ukraine signed a memorandum": the signatories are the parties
    verb = _verb_of(n)
    if has_flag(verb, "CREATE_VERB") and _dep(n) == "dobj":
        for subj in _subject(verb):
            for s, e, code in rd.countries_in(subj.idx, subj.idx + len(subj.text)):
                add(s, e, code)
    creator = _trailing_creator(n)
    if creator is not None:
        sub = list(creator.subtree)
        for s, e, code in rd.countries_in(sub[0].idx, sub[-1].idx + len(sub[-1])):
            add(s, e, code)
    for holder in {n, owner}:
        for ch in holder.rights:
            if ch.dep_ == "acl" and has_flag(ch, "CREATE_VERB"):
                sub = list(ch.subtree)
                for s, e, code in rd.countries_in(sub[0].idx, sub[-1].idx + len(sub[-1])):
                    add(s, e, code)
                    with_side = True
            if ch.dep_ == "prep" and ch.lower_ in ("with", "between", "for", "among", "amongst"):
                if ch.lower_ == "for" and meta.get("partnership_type") not in ("agreement",):
                    continue
                sub = [t for t in ch.subtree if t.dep_ not in ("relcl",) and not any(a.dep_ == "relcl" for a in t.ancestors if a.i > ch.i)]
                found = rd.countries_in(sub[0].idx, sub[-1].idx + len(sub[-1]))
                for s, e, code in found:
                    add(s, e, code)
                if ch.lower_ in ("between", "among", "amongst"):
                    explicit_between = True
                    # bodies without a code ("the Gulf Cooperation Council")
                    for t in sub:
                        if t.dep_ in ("pobj", "conj") and t.pos_ == "PROPN" and not rd.country_of_token(t):
                            body = doc[t.left_edge.i:t.i + 1]
                            if not rd.countries_in(body.start_char, body.end_char):
                                name = body.text
                                name = re.sub(r"^(the|The)\s+", "", name)
                                parties.setdefault(name, None)
                if ch.lower_ == "with" and found:
                    with_side = True
    # "the Global Combat Air Programme with Italy": a with-phrase right after the name
    if hi < len(doc) and doc[hi].lower_ == "with" and doc[hi].head.i not in (n.i, owner.i) and not with_side:
        sub = list(doc[hi].subtree)
        for s, e, code in rd.countries_in(sub[0].idx, sub[-1].idx + len(sub[-1])):
            add(s, e, code)
            with_side = True
    # a parenthesis right after the phrase: "the E3 format (Britain, France and Germany)"
    after = doc[hi:min(hi + 12, len(doc))]
    if len(after) and after[0].text == "(":
        close = next((t.i for t in after if t.text == ")"), None)
        if close is not None:
            for s, e, code in rd.countries_in(doc[hi].idx, doc[close].idx):
                add(s, e, code)
    # the issuing government
    uk_side = bool(dets & _UK_POSS) or with_side
    if dets & {"their"}:
        for s, e, code in rd.countries_in(sent.start_char, np_start):
            if code != "GB":
                add(s, e, code)
    explicit = [c for c in parties.values() if c and c != "GB"]
    joint = any(has_flag(t, "JOINT") for t in np_toks) or _two_governments(n)
    if meta.get("generic") and not explicit and not _created(n):
        return None  # "a stronger partnership between our two countries": no arrangement named
    if named and not explicit and not joint and meta.get("partnership_type") not in _MULTI_PARTY:
        return None  # "the Holiday Activities and Food Programme": a named scheme, not an arrangement
    if joint or (named and not explicit) or (dets & {"our"} and not explicit):
        uk_side = True
        if not explicit:
            for code in _counterparts(rd):
                parties.setdefault(code, code)
    if uk_side and "their" not in dets and not any(v == "GB" for v in parties.values()):
        parties = {"UK": "GB", **parties}
    codes = [c for c in parties.values() if c]
    foreign = [c for c in codes if c != "GB"]
    if not named and not foreign and not bodies and not (explicit_between and len(parties) >= 2):
        return None
    if dets & _ANAPHORIC and not named and not parties:
        return None
    # name and topic
    name = None
    if named:
        keep = [t for t in np_toks if t.pos_ not in ("DET",) and t.dep_ != "poss" and t.text not in ("'s", "\u2019s")]
        while keep and not (keep[0].is_title or keep[0].is_upper or keep[0].like_num):
            keep = keep[1:]
        if keep:
            name = doc[keep[0].i: keep[-1].i + 1].text
    else:
        keep = [t for t in np_toks if t.pos_ not in ("DET",) and t.dep_ != "poss" and t.text not in ("'s", "\u2019s")]
        if keep:
            name = doc[keep[0].i: keep[-1].i + 1].text
    topic = _topic(rd, n, np_toks)
    status = _status(rd, n, meta)
    ev = _evidence(rd, n, owner, lo, hi, heads)
    return _Cand(meta.get("partnership_type", "other"), n, (lo, hi), ev, span.id_, name, topic, parties, status, named)


def _two_governments(n: Token) -> bool:
    """Whether the clause's subject is the two sides ("the two governments", "the leaders")
    and the arrangement is what that clause is about (its object)."""
    v = _verb_of(n)
    if not (n.dep_ in ("dobj", "nsubjpass") and n.head.i == v.i):
        return False
    for subj in _subject(v):
        words = list(subj.subtree)
        if any(has_flag(t, "BOTH_SIDES") for t in words) and any(has_flag(t, "SIDE_NOUN") for t in words):
            return True
        if has_flag(subj, "PAIR_SUBJECT") and subj.tag_ in ("NNS", "NNPS", "NN"):
            return True
    return False


def _trailing_creator(n: Token) -> Token | None:
    """A creation verb right after the phrase ("the Partnership agreed today"), however parsed."""
    doc = n.doc
    lo, hi = _np_range(n)
    hi = max(hi, n.i + 1)
    if hi < len(doc) and has_flag(doc[hi], "CREATE_VERB") and doc[hi].tag_ in ("VBN", "VBD"):
        return doc[hi]
    return None


def _created(n: Token) -> bool:
    """Whether the arrangement is agreed, signed or launched in the text ("the partnership agreed at...")."""
    if any(ch.dep_ == "acl" and has_flag(ch, "CREATE_VERB") for ch in n.children) or _trailing_creator(n):
        return True
    v = _verb_of(n)
    return has_flag(v, "CREATE_VERB") and _dep(n) in ("dobj", "nsubjpass")


def _topic(rd: ReleaseDoc, n: Token, np_toks: Span) -> str | None:
    for ch in n.rights:
        if ch.dep_ == "prep" and ch.lower_ == "on":
            sub = list(ch.subtree)[1:]
            if sub and len(sub) <= 8:
                text = rd.doc[sub[0].i: sub[-1].i + 1].text
                return re.sub(r"^(the|a|an)\s+", "", text) if text.lower() not in ("the matter", "this matter") else None
    words = [t for t in np_toks if t.i < n.i and t.pos_ in ("NOUN", "PROPN", "ADJ") and not has_flag(t, "GENERIC_MOD")
             and not rd.country_of_token(t) and not t.is_upper and t.dep_ != "poss"]
    if words:
        return " ".join(t.lower_ for t in words)
    return None


def _dep(n: Token) -> str:
    """The grammatical role of a phrase, looking through appositions ("The UK–Italy
    Migration Partnership was agreed" parsed as an apposition of "UK")."""
    while n.dep_ in ("appos", "compound") and n.head.i != n.i:
        n = n.head
    return n.dep_


def _status(rd: ReleaseDoc, n: Token, meta: dict) -> str:
    verb = _verb_of(n)
    published = rd.release.published_date
    # created now: "agreed today", "signed ... earlier this week"
    creators = [ch for ch in n.children if ch.dep_ == "acl" and has_flag(ch, "CREATE_VERB")]
    trailing = _trailing_creator(n)
    if trailing is not None and trailing not in creators:
        creators.append(trailing)
    if has_flag(verb, "CREATE_VERB") and _dep(n) in ("dobj", "nsubjpass"):
        creators.append(verb)
    for v in creators:
        sub = list(v.subtree)
        dates = rd.dates_in(sub[0].idx, sub[-1].idx + len(sub[-1]))
        if any(dv.start and published - timedelta(days=7) <= dv.start <= published for _, _, dv in dates):
            return "new"
        future = any(c.dep_ == "aux" and c.lower_ in ("will", "would", "shall", "could") for c in v.children)
        wished = any(has_flag(a, "WISH_VERB") for a in v.ancestors)
        if v.dep_ == "xcomp" and v.head.lemma_ == "agree" and v.head.tag_ == "VBD" and not future and not wished:
            return "new"  # "the leaders agreed to launch a taskforce": agreed in the release
        if future or wished or v.tag_ in ("VB", "VBG") and v.dep_ in ("xcomp", "pcomp"):
            return "proposed"
        if dates:
            return "existing"
        if v.tag_ in ("VBD", "VBZ") and v.i == verb.i:
            return "new"
    if meta.get("status"):
        return meta["status"]
    if any(has_flag(t, "PROSPECTIVE") for t in n.lefts):
        if any(has_flag(a, "PROPOSAL_CUE", "ASKED_FOR") for a in n.ancestors):
            return "proposed"
    near = [n.head, n.head.head] if n.head.i != n.i else []
    for a in near:
        if has_flag(a, "PROPOSAL_CUE"):
            return "proposed"
    if any(has_flag(a, "ASKED_FOR") and a.lemma_.lower() in ("call", "urge", "demand") for a in n.ancestors):
        return "proposed"
    return "existing"


def _evidence(rd: ReleaseDoc, n: Token, owner: Token, lo: int, hi: int, heads: set[int]) -> tuple[int, int]:
    """The phrase and its attachments, cut before another partnership's phrase."""
    toks = [owner]

    def walk(t: Token, top: bool) -> None:
        for ch in t.children:
            if ch.is_space or ch.dep_ in ("relcl",) or top and ch.dep_ in ("conj", "cc"):
                continue
            toks.append(ch)
            walk(ch, False)
    walk(owner, True)
    included = {t.i for t in toks}
    a = lo
    b = max(owner.i + 1, hi)
    while b in included or (b < len(rd.doc) and rd.doc[b].is_space and b + 1 in included):
        b += 1
    trailing = _trailing_creator(n)
    if trailing is not None and trailing.i >= b - 1:
        b = max(b, max(t.i for t in trailing.subtree) + 1)
    for h in sorted(heads):
        if h != n.i and a < h < b and h > n.i:
            hlo, _ = _np_range(rd.doc[h])
            cut = max(hlo, n.i + 1)
            while cut > n.i + 1 and rd.doc[cut - 1].lower_ in ("and", "or", ",", "a", "an", "the"):
                cut -= 1
            b = min(b, cut)
    if b - a > 40:
        return lo, hi
    return a, b


def _dedupe(cands: list[_Cand]) -> list[_Cand]:
    out: list[_Cand] = []
    for c in sorted(cands, key=lambda c: c.np[0]):
        same = None
        for o in out:
            if c.name and o.name and c.name.lower() == o.name.lower():
                same = o
            elif c.ptype == o.ptype and set(c.parties.values()) == set(o.parties.values()) and not c.named and not o.named \
                    and c.status == o.status and (c.name or "").lower() == (o.name or "").lower():
                same = o
            elif (c.head.sent.start == o.head.sent.start and set(c.parties.values()) == set(o.parties.values())
                  and (c.pattern_id == "partnership.partnership" or o.pattern_id == "partnership.partnership")):
                same = o
                if o.pattern_id == "partnership.partnership" and c.pattern_id != "partnership.partnership":
                    out[out.index(o)] = c
                    same = c
                    c = o
            if same is not None:
                break
        if same is None:
            out.append(c)
    return out
