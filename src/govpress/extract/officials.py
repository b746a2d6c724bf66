"""Officials: people and office-holders acting in a public capacity (annotation guide).

How a release's officials are found:

1. **Titles** come from ``rules/titles.jsonl`` (``govpress_titles``): "Foreign
   Secretary", "Secretary of State for Scotland", "European Commissioner for
   Internal Affairs and Migration"... A title with an indefinite article ("a UK
   Prime Minister") is generic and skipped; plural titles never match.
2. **Nationality** in front of a title ("Belgium's", "French", "US", "UK") or
   "of <country>" after it or after the name ("President of France", "Prime
   Minister Lee Hsien Loong of Singapore") goes into ``country_code`` and is not
   part of ``role``. A title coordinated after a qualified one shares its country
   ("Belgium's Foreign Minister X and Interior Minister Y"). A title's own country
   (``country`` in its pattern: GB for UK offices, EU for commissioners) applies
   otherwise; for titles many countries use (``shared``: Prime Minister,
   Chancellor) it is only a default.
3. **Names** follow a title ("Foreign Secretary Liz Truss"), stand in apposition
   ("The Foreign Secretary, David Lammy, said"; "James Brokenshire MP, Secretary of
   State for Northern Ireland"), or are linked by appointment ("David Mundell has
   been reappointed as Secretary of State for Scotland"). Names are capitalised
   words plus particles ("von der", "Le"), hyphenated parts kept ("Jean-Yves");
   honorifics (Rt Hon, Dr, Sir, MP, KC) are dropped; a possessive ``'s`` ends a name.
4. **Named people without a title** (spaCy's PERSON entities, "Mr Mundell", the
   GOV.UK ``people`` links of the release) count when they are the release's
   people links, when they are a shorter form of a titled official's name, or when
   the sentence shows a public capacity: the owner of a statement, war, regime...
   or the subject of say/announce/meet... (``PERSON_CUE``/``PERSON_VERB`` in
   ``rules/vocab.jsonl``). Private people ("justice for Harry Dunn") are left out.
5. **One entry per person**: shorter forms of a name join the full name ("Rama" →
   "Edi Rama"); an unnamed office-holder ("the Prime Minister") is the named holder
   of the same office when there is exactly one compatible one and they never
   appear side by side in a sentence (then they are two people: "The Prime
   Minister was hosted by Prime Minister Edi Rama").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from ..models import OfficialMention, slugify
from .document import ReleaseDoc, country_code, demonym_code, find_countries, has_flag

__all__ = ["find_officials", "MentionFinder", "Mention"]

_POSSESSIVE = {"'s", "\u2019s", "'", "\u2019"}
_GENERIC_DETS = {"a", "an", "any", "every", "each", "another", "no", "whichever"}
_QUAL_GAP = re.compile(r"^(?:['\u2019]s?)?\s*$")
_OF_GAP = re.compile(r"^\s*of\s+(?:the\s+)?$")
_ROLE_STOP = {"the", "of", "for", "and", "to", "&"}

@dataclass
class Mention:
    """One mention of an official in a text (release body or title)."""

    tokens: list[int]
    name: str | None
    role: str | None
    country: str | None = None
    """Explicit: a nationality word or "of <country>" in the text."""
    default_country: str | None = None
    shared: bool = False
    """The default country is only a guess (the title exists in many countries)."""
    organisation: str | None = None
    sent_start: int = 0
    start: int = 0
    extractor: str = "rules"
    role_text: str | None = None


class MentionFinder:
    """Finds :class:`Mention` objects in one parsed text (``doc``) with its country hits."""

    def __init__(self, rd: ReleaseDoc, doc: Doc, countries: list[tuple[int, int, str]],
                 people: Iterable[str] = ()) -> None:
        self.rd = rd
        self.doc = doc
        self.text = doc.text
        self.countries = countries
        self.people = [p for p in people if p and p.strip()]
        self.claimed: set[int] = set()

    # --- helpers ----------------------------------------------------------------------

    def _country_ending_at(self, char: int) -> str | None:
        """A country/demonym hit that ends right before ``char`` (only ``'s`` and spaces between)."""
        for s, e, code in self.countries:
            if e <= char and _QUAL_GAP.match(self.text[e:char]) and e > char - 40:
                return code
        return None

    def _country_after(self, tok_i: int) -> tuple[str | None, int]:
        """``of (the) <country>`` starting at token ``tok_i``: (code, index after it)."""
        doc = self.doc
        if tok_i >= len(doc) or doc[tok_i].lower_ != "of":
            return None, tok_i
        start = doc[tok_i].idx
        for s, e, code in self.countries:
            if s > start and _OF_GAP.match(self.text[start:s]):
                end_i = tok_i
                while end_i < len(doc) and doc[end_i].idx < e:
                    end_i += 1
                return code, end_i
        return None, tok_i

    def _is_name_token(self, tok: Token, inside: bool = False) -> bool:
        if tok.is_space or tok.is_punct and tok.text not in {"-", "\u2010"}:
            return False
        if has_flag(tok, "PARTICLE"):
            return True
        if has_flag(tok, "MONTH_NAME") and inside and tok.is_title:
            nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
            return nxt is None or not nxt.like_num  # "Theresa May", not "on 15 May 2024"
        if has_flag(tok, "NOT_NAME", "HONORIFIC"):
            return False
        return tok.is_title or (tok.text[:1].isupper() and any(c.islower() for c in tok.text))

    def _name_from(self, i: int, *, min_tokens: int = 1) -> tuple[list[int], int]:
        """Name tokens starting at token ``i`` (honorifics before/after skipped).

        Returns (name token indices, index after the name and any trailing honorific).
        """
        doc = self.doc
        n = len(doc)
        while i < n and (has_flag(doc[i], "HONORIFIC") or (doc[i].lower_ == "the" and i + 1 < n and has_flag(doc[i + 1], "HONORIFIC"))):
            i += 1
        peer = i > 0 and has_flag(doc[i - 1], "PEER_TITLE") and doc[i - 1].is_title
        toks: list[int] = []
        j = i
        while j < n and len(toks) < 6:
            tok = doc[j]
            if j in self.claimed:
                break
            if tok.text in {"-", "\u2010"} and toks and not doc[j - 1].whitespace_ and j + 1 < n and doc[j + 1].is_title:
                toks.append(j)
                j += 1
                continue
            if not self._is_name_token(tok, inside=bool(toks)):
                break
            if has_flag(tok, "PARTICLE") and not toks:
                if not tok.is_title:
                    break
            if has_flag(tok, "PARTICLE") and not (j + 1 < n and (self._is_name_token(doc[j + 1]))):
                break
            if self._starts_title(j):
                break
            if self._country_starting(tok) and not toks:
                break
            toks.append(j)
            if j + 1 < n and doc[j + 1].text in _POSSESSIVE:
                j += 1
                break
            j += 1
        # particles cannot end a name
        while toks and has_flag(doc[toks[-1]], "PARTICLE"):
            toks.pop()
        # a peer's territorial designation: "Lord Offord of Garvel", "Baroness Smith of Basildon"
        k = toks[-1] + 1 if toks else i
        designated = False
        if (peer and toks and k + 1 < n and doc[k].lower_ == "of" and doc[k + 1].is_title
                and not self._country_starting(doc[k + 1]) and not has_flag(doc[k + 1], "NOT_NAME")
                and (k + 1) not in self.claimed):
            toks += [k, k + 1]
            designated = True
        # a peer's title is part of the name when it is all the release gives
        # ("Lord Bourne", "Baroness Williams of Trafford"; annotation guide)
        if peer and toks and (designated or len(toks) == 1) and (i - 1) not in self.claimed:
            toks = [i - 1] + toks
        if len(toks) < min_tokens:
            return [], i
        end = toks[-1] + 1 if toks else i
        while end < n and has_flag(doc[end], "HONORIFIC") and doc[end].text.isupper():
            end += 1
        return toks, end

    def _country_starting(self, tok: Token) -> bool:
        starts = getattr(self, "_country_starts", None)
        if starts is None:
            starts = self._country_starts = {s for s, _, _ in self.countries}
        return tok.idx in starts

    def _starts_title(self, i: int) -> bool:
        return i in self._title_starts

    def _name_text(self, toks: list[int]) -> str | None:
        if not toks:
            return None
        doc = self.doc
        text = self.text[doc[toks[0]].idx: doc[toks[-1]].idx + len(doc[toks[-1]])]
        text = re.sub(r"['\u2019]s?$", "", text).strip()
        return text or None

    # --- the finder -------------------------------------------------------------------

    def find(self) -> list[Mention]:
        """Every official mention: titled ones first, then bare names."""
        self._skip_career_lines()
        titles = self._titles()
        self._title_list = titles
        self._title_starts = {t.start for t in titles}
        mentions: list[Mention] = self._appointments(titles)
        titles = [t for t in titles if not any(x in self.claimed for x in range(t.start, t.end))]
        previous: Mention | None = None
        previous_end = -1
        for t in titles:
            m = self._titled(t, previous, previous_end)
            if m is None:
                continue
            mentions.append(m)
            previous, previous_end = m, max(m.tokens) + 1
        mentions.extend(self._bare(mentions))
        mentions.sort(key=lambda m: m.start)
        return mentions

    def _titles(self) -> list[Span]:
        doc = self.doc
        spans = [s for s in doc.spans["titles"]] if "titles" in doc.spans else []
        spans = filter_spans(spans)
        out = []
        for s in spans:
            start, end = s.start, s.end
            for cut in (False, True):
                if cut:
                    end = self._post_end(start, end)
                while end > start + 1 and has_flag(doc[end - 1], "GLUE", "LIST_GLUE") and not has_flag(doc[end - 1], "PORTFOLIO"):
                    end -= 1
            while start > 0 and has_flag(doc[start - 1], "TITLE_PREFIX") and doc[start - 1].lower_ != "former":
                start -= 1
            start = self._crown_start(start)
            out.append(Span(doc, start, end, label=s.label_, span_id=s.id_))
        return out

    def _post_end(self, start: int, end: int) -> int:
        """Where a post's name really ends inside a title match ``[start, end)``.

        Capitalised ``POST_WORD`` tokens may continue a post after its "for"/"of"/"to"
        ("Minister of State for Countering Extremism"), but not over an honorific
        ("..., the Rt Hon James Brokenshire") or over two or more such words run on
        to a complete post with no joining word ("... and Migration Magnus Brunner
        said"): those start the holder's name.
        """
        doc = self.doc
        k = start
        while k < end and not has_flag(doc[k], "GLUE") and doc[k].lower_ not in ("for", "to"):
            k += 1
        for x in range(k, end):
            if has_flag(doc[x], "HONORIFIC") or (doc[x].ent_type_ == "PERSON" and not has_flag(doc[x], "PORTFOLIO")):
                return x
            # "..., Jasem Mohamed Albudaiwi": after a comma only portfolio words go on
            if (has_flag(doc[x], "LIST_GLUE") and x + 1 < end and has_flag(doc[x + 1], "POST_WORD")
                    and not has_flag(doc[x + 1], "PORTFOLIO")):
                return x
        run_start = end
        while run_start > k and has_flag(doc[run_start - 1], "POST_WORD") and not has_flag(doc[run_start - 1], "PORTFOLIO"):
            run_start -= 1
        if end - run_start >= 2 and run_start > k and has_flag(doc[run_start - 1], "PORTFOLIO", "POST_WORD") \
                and not has_flag(doc[run_start - 1], "GLUE"):
            return run_start
        return end

    def _titled(self, t: Span, previous: Mention | None, previous_end: int) -> Mention | None:
        doc, rd = self.doc, self.rd
        meta = rd.meta(t)
        # a trailing "of <country>" inside a matched portfolio is a qualifier, not role
        role_end = t.end
        country: str | None = None
        for k in range(t.start + 1, t.end):
            if doc[k].lower_ == "to":
                break  # "Ambassador to the Republic of Mali": where the post is
            if doc[k].lower_ == "of":
                code, after = self._country_after(k)
                if code and after >= t.end:
                    role_end, country = k, code
                    break
        role_span = doc[t.start:role_end]
        role = role_span.text
        # qualifier before the title
        q = self._country_ending_at(doc[t.start].idx)
        if q and country is None:
            country = q
        if country is None and (has_flag(doc[t.start], "CROWN") or (t.start + 1 < len(doc) and has_flag(doc[t.start + 1], "CROWN"))):
            country = "GB"  # "HM Chief Inspector", "Her Majesty's Ambassador": a Crown post
        # walk left over the qualifier to find the determiner
        k = t.start - 1
        while k >= 0 and (doc[k].text in _POSSESSIVE or self.rd_country_token(doc[k]) or doc[k].is_space):
            k -= 1
        if k >= 0 and doc[k].lower_ in _GENERIC_DETS:
            return None
        # name after the title
        i = t.end
        if country is None:
            c2, i2 = self._country_after(i)
            if c2:
                country, i = c2, i2
        i = self._skip_abbreviation(i)
        name_toks, after = self._name_from(i)
        # a place run into the title: "Chief Minister Sindh, Murad Ali Shah"
        if len(name_toks) == 1 and after < len(doc) and doc[after].text == ",":
            cand, cand_after = self._name_from(after + 1, min_tokens=2)
            if cand and any(doc[x].ent_type_ == "PERSON" for x in cand):
                role_end = name_toks[0] + 1
                role_span = doc[t.start:role_end]
                role = role_span.text
                name_toks, after = cand, cand_after
        if not name_toks and i < len(doc) and doc[i].text == ",":
            cand, cand_after = self._name_from(i + 1, min_tokens=2)
            if cand and (cand_after >= len(doc) or doc[cand_after].text in {",", ".", ":", ";"} or doc[cand_after].is_space
                         or doc[cand_after].lemma_ in {"say", "said"}):
                name_toks, after = cand, cand_after
        if name_toks and country is None:
            c3, _ = self._country_after(after)
            if c3:
                country = c3
        # name before the title: "James Brokenshire MP, Secretary of State for ..."
        end_name: int | None = None
        strict_name = False
        k = t.start - 1
        # "Mary Smith, the UK's Special Envoy": a possessive nationality between
        while k >= 1 and (doc[k].text in _POSSESSIVE or self.rd_country_token(doc[k])):
            k -= 1
        if k >= 1 and doc[k].text == ",":
            end_name = k - 1
        elif k >= 2 and doc[k].lower_ == "the" and doc[k - 1].text == ",":
            end_name = k - 2  # "Dr Dan Poulter, the Parliamentary Under-Secretary of State..."
        elif k >= 2 and doc[k].lower_ == "the" and doc[k - 1].pos_ == "PROPN" and doc[k - 1].is_title:
            end_name, strict_name = k - 1, True  # "Ahsan Iqbal the Federal Minister for ..."
        if not name_toks and end_name is not None:
            j = end_name
            while j >= 0 and has_flag(doc[j], "HONORIFIC") and doc[j].text.isupper():
                j -= 1
            end_name = j
            while j >= 0 and (self._is_name_token(doc[j]) or (
                    doc[j].text in {"-", "\u2010"} and j > 0 and not doc[j].whitespace_ and not doc[j - 1].whitespace_)):
                j -= 1  # hyphenated names: "Mary Barra-Smith"
            # a peer's territorial designation: "Baroness Williams of Trafford, Minister ..."
            if j >= 1 and doc[j].lower_ == "of" and j + 1 <= end_name and self._is_name_token(doc[j - 1]):
                p = j - 1
                while p >= 0 and self._is_name_token(doc[p]):
                    p -= 1
                if p >= 0 and has_flag(doc[p], "PEER_TITLE") and doc[p].is_title:
                    j = p - 1
            elif j >= 0 and j < end_name and has_flag(doc[j], "PEER_TITLE") and doc[j].is_title:
                j -= 1  # "Baroness Vere, Roads Minister": the peer's title is part of the name
            cand = [x for x in range(j + 1, end_name + 1)]
            if cand and has_flag(doc[cand[0]], "PEER_TITLE"):
                peer_toks, _ = self._name_from(cand[0])
                if peer_toks and peer_toks[-1] == end_name:
                    cand = peer_toks
            while cand and doc[cand[0]].pos_ in ("ADP", "DET", "ADV", "SCONJ", "CCONJ"):
                cand.pop(0)  # "In Brussels, ..." is no name
            before = doc[j] if j >= 0 else None
            place_like = before is not None and (before.lower_ in {"the", "a", "an"} or before.pos_ == "ADP")
            if strict_name and not all(doc[x].pos_ == "PROPN" and doc[x].ent_type_ not in ("GPE", "LOC", "NORP")
                                       for x in cand):
                cand = []
            if len(cand) >= 2 and not place_like and not any(x in self.claimed for x in cand):
                name_toks = cand
        # appointment: "X has been reappointed as <title>"
        if not name_toks:
            name_toks = self._appointed(t)
        if meta.get("needs_name") and not name_toks:
            return None
        if not name_toks and not self._definite(t):
            # "as Head of Research", CV lines ("2016 to 2019 Freetown, British High
            # Commissioner"): an unnamed office-holder needs a definite title (guide)
            self.claimed.update(range(t.start, role_end))
            return None
        # "Head of Care at <a charity>": a post in a private body is a private capacity
        if meta.get("private_at") and role_end < len(doc) and doc[role_end].lower_ == "at":
            org = [x for x in doc[role_end + 1: role_end + 8] if x.is_title or x.text.isupper() or x.lower_ in ("the", "of", "and")]
            acronym = bool(org) and org[0].text.isupper() and len(org[0].text) > 1  # "at PHE", "at DWP"
            if not acronym and not any(has_flag(x, "PUBLIC_BODY") for x in org):
                self.claimed.update(list(range(t.start, role_end)) + name_toks)
                return None
        # coordinated title inherits the previous title's nationality
        if country is None and previous is not None and previous.country and previous_end <= t.start:
            between = doc[previous_end:t.start]
            if len(between) <= 2 and all(x.lower_ in {"and", ",", "&", "as", "well"} for x in between) and len(between) >= 1:
                country = previous.country
        name = self._name_text(name_toks)
        if name and (country_code(name) or all(doc[x].ent_type_ in ("GPE", "LOC") for x in name_toks)
                     or (len(name_toks) == 1 and not self._known_surname(doc[name_toks[0]]))):
            name, name_toks = None, []
            if not self._definite(t):
                self.claimed.update(range(t.start, role_end))
                return None
        toks = list(range(t.start, role_end)) + name_toks
        self.claimed.update(toks)
        sent = doc[t.start].sent
        default, organisation = meta.get("country"), meta.get("organisation")
        direct = bool(name_toks) and name_toks[0] <= t.end + 1 and t.end - t.start == 1  # "Commissioner Brunner": EU style
        if default == "EU" and meta.get("shared") and not direct and not self._mentions_eu():
            default, organisation = "GB", None  # no EU in the release: a UK commissioner
        return Mention(
            tokens=toks, name=name, role=role, country=country,
            default_country=default, shared=bool(meta.get("shared")),
            organisation=organisation, sent_start=sent.start,
            start=min(toks), extractor=t.id_, role_text=role,
        )

    # --- appointments ------------------------------------------------------------------

    def _appointments(self, titles: list[Span]) -> list[Mention]:
        """People appointed, reappointed or succeeded in a post, with the post as their role.

        "X has been (re)appointed (as) POST", "The Prime Minister has appointed X as POST",
        "... in succession to Y" (Y held POST): the appointee is the passive subject or
        the object of an ``APPOINT_VERB``; POST is the phrase after "as" or the verb's
        complement, however it is written ("a non-executive member of the X Board").
        """
        doc = self.doc
        out: list[Mention] = []
        for verb in doc:
            if not has_flag(verb, "APPOINT_VERB") or verb.pos_ not in ("VERB", "AUX"):
                continue
            kids = list(verb.children)
            passive = any(c.dep_ == "nsubjpass" for c in kids)
            holder = next((c for c in kids if c.dep_ == ("nsubjpass" if passive else "dobj")), None)
            head = None
            for c in kids:
                if c.dep_ == "prep" and c.lower_ == "as":
                    head = next((g for g in c.children if g.dep_ == "pobj"), None)
                elif c.dep_ in ("oprd", "attr") or (passive and c.dep_ == "dobj"):
                    head = c
                if head is not None:
                    break
            if holder is None or head is None or holder.pos_ == "PRON":
                continue
            role = self._post_tokens(head)
            if not role:
                continue
            name_toks, _ = self._name_from(holder.left_edge.i)
            if not name_toks or name_toks[-1] > holder.i or any(x in self.claimed for x in name_toks):
                continue
            if len(name_toks) == 1 and doc[name_toks[0]].ent_type_ != "PERSON" and not (
                    name_toks[0] > 0 and has_flag(doc[name_toks[0] - 1], "PERSONAL_HONORIFIC")):
                continue
            out.append(self._post_mention(name_toks, role, titles))
            # "in succession to Ms Y": Y held the post until now
            for c in verb.subtree:
                if c.lemma_ in ("succession",) or has_flag(c, "SUCCEED_WORD"):
                    for to in c.children:
                        target = to if to.dep_ == "dobj" else next(
                            (g for g in to.children if g.dep_ == "pobj"), None) if to.dep_ == "prep" else None
                        if target is None or target.pos_ != "PROPN":
                            continue
                        prev, _ = self._name_from(target.left_edge.i)
                        if prev and prev[-1] <= target.i and not any(x in self.claimed for x in prev):
                            out.append(self._post_mention(prev, [], titles, role_from=out[-1]))
        return out

    def _post_tokens(self, head: Token) -> list[int]:
        """Token indices of the post headed by ``head``: its modifiers on the left, then
        "of/to/for/and ..." with capitalised words on the right (determiners dropped)."""
        doc = self.doc
        lo = head.left_edge.i
        while lo < head.i and (doc[lo].pos_ == "DET" or (doc[lo].pos_ == "PRON" and doc[lo].dep_ == "poss"
                                                          and not doc[lo].is_title)):
            lo += 1
        if any(doc[x].is_punct and doc[x].text not in ("-", "‐", "&") for x in range(lo, head.i)):
            return []
        hi = head.i + 1
        while hi < len(doc):
            tok = doc[hi]
            if has_flag(tok, "GLUE") or tok.lower_ in ("to", "for") or tok.text in _POSSESSIVE or tok.text in ("-", "&"):
                hi += 1
                continue
            if tok.is_title and not has_flag(tok, "HONORIFIC") and tok.ent_type_ not in ("PERSON", "DATE", "TIME"):
                hi += 1
                continue
            break
        while hi > head.i + 1 and (has_flag(doc[hi - 1], "GLUE") or doc[hi - 1].lower_ in ("to", "for")):
            hi -= 1
        toks = list(range(lo, hi))
        if not any(doc[x].is_title for x in toks) and not any(s.start <= head.i < s.end for s in self._title_list):
            # a lowercase post needs a body: "member of the Sentencing Council"
            if not any(doc[x].is_title for x in range(head.i + 1, hi)):
                return []
        return toks

    def _post_mention(self, name_toks: list[int], role_toks: list[int], titles: list[Span],
                      role_from: Mention | None = None) -> Mention:
        doc = self.doc
        country = None
        if role_from is not None:
            role, country = role_from.role, role_from.country
            meta_src = role_from
            default, shared, org, extractor = (meta_src.default_country, meta_src.shared,
                                               meta_src.organisation, meta_src.extractor)
        else:
            while role_toks and self.rd_country_token(doc[role_toks[0]]):
                country = country or self._country_code_of(doc[role_toks[0]])
                role_toks = role_toks[1:]
                while role_toks and doc[role_toks[0]].text in _POSSESSIVE:
                    role_toks = role_toks[1:]
            role = self.text[doc[role_toks[0]].idx: doc[role_toks[-1]].idx + len(doc[role_toks[-1]])] if role_toks else None
            inside = [t for t in titles if role_toks and role_toks[0] <= t.start and t.end <= role_toks[-1] + 1]
            best = max(inside, key=lambda t: (t.end - t.start, -t.start), default=None)
            meta = self.rd.meta(best) if best is not None else {}
            default = meta.get("country") or "GB"  # a post a UK release announces
            shared, org = bool(meta.get("shared")) and "country" in meta, meta.get("organisation")
            extractor = best.id_ if best is not None else "vocab.appoint-verb"
        toks = list(name_toks) + list(role_toks)
        self.claimed.update(toks)
        sent = doc[name_toks[0]].sent
        return Mention(tokens=toks, name=self._name_text(name_toks), role=role, country=country,
                       default_country=default, shared=shared, organisation=org, sent_start=sent.start,
                       start=min(toks), extractor=extractor, role_text=role)

    def _country_code_of(self, tok: Token) -> str | None:
        for s, e, code in self.countries:
            if s <= tok.idx < e:
                return code
        return None

    def _crown_start(self, start: int) -> int:
        """Start of "HM" or "Her/His Majesty's" right before token ``start`` (``CROWN``), else ``start``."""
        doc = self.doc
        if start > 0 and has_flag(doc[start - 1], "CROWN") and doc[start - 1].text.isupper():
            return start - 1
        k = start - 1
        if k >= 0 and doc[k].text in _POSSESSIVE:
            k -= 1
        if k >= 1 and has_flag(doc[k], "CROWN") and doc[k - 1].pos_ == "PRON":
            return k - 1
        return start

    def _known_surname(self, tok: Token) -> bool:
        """Whether a lone capitalised word after a title is a person's name: the model
        reads it (or the same word elsewhere in the release) as a person, it follows a
        personal honorific somewhere, or it ends one of the release's people links."""
        key = ("surname", tok.text)
        hit = self._surnames.get(key) if hasattr(self, "_surnames") else None
        if hit is not None:
            return hit
        if not hasattr(self, "_surnames"):
            self._surnames: dict[tuple[str, str], bool] = {}
        doc = self.doc
        found = any(t.text == tok.text and (t.ent_type_ == "PERSON" or (t.i > 0 and has_flag(doc[t.i - 1], "PERSONAL_HONORIFIC")))
                    for t in doc)
        found = found or any(p.split()[-1] == tok.text for p in self.people if p.split())
        # a proper noun the release never writes in lower case and the model does not
        # read as an organisation ("President Zelenskyy"; not "... Command", "... Tax")
        found = found or (tok.pos_ == "PROPN" and tok.ent_type_ not in ("ORG", "FAC", "PRODUCT", "LAW", "EVENT")
                          and not any(t.text == tok.lower_ for t in doc))
        self._surnames[key] = found
        return found

    def _mentions_eu(self) -> bool:
        """Whether the release body names the EU or one of its institutions."""
        return any(code == "EU" for _, _, code in self.rd.countries)

    def _skip_career_lines(self) -> None:
        """Claim the lines of a career list ("2016 to 2019 Freetown, British High
        Commissioner"): a verbless line that opens with a year lists someone's past
        posts, not the officials the release mentions."""
        for sent in self.doc.sents:
            toks = [t for t in sent if not t.is_space]
            if not toks or not (toks[0].like_num and len(toks[0].text) == 4 and toks[0].text.isdigit()):
                continue
            if any(t.pos_ in ("VERB", "AUX") for t in toks):
                continue
            self.claimed.update(t.i for t in toks)

    def _skip_abbreviation(self, i: int) -> int:
        """Index after a bracketed abbreviation at ``i`` ("Chief Medical Officer (CMO) Professor
        Chris Whitty"), or ``i`` when there is none."""
        doc = self.doc
        if i + 2 < len(doc) and doc[i].text == "(" and doc[i + 2].text == ")" and doc[i + 1].text.isupper():
            return i + 3
        return i

    def _definite(self, t: Span) -> bool:
        """Whether title ``t`` is definite: "the"/"our" (``DEFINITE_DET``) or a possessive or
        nationality qualifier ("Belgium's", "French") before it."""
        doc = self.doc
        k = t.start - 1
        qualified = False
        while k >= 0 and (doc[k].text in _POSSESSIVE or self.rd_country_token(doc[k]) or doc[k].is_space
                          or has_flag(doc[k], "TITLE_PREFIX")):
            qualified = qualified or not doc[k].is_space
            k -= 1
        if qualified or (k >= 0 and has_flag(doc[k], "DEFINITE_DET")):
            return True
        # the subject of a verb ("Minister for the Cabinet Office will attend")
        if t.root.dep_ in ("nsubj", "nsubjpass") and t.root.head.pos_ in ("VERB", "AUX"):
            return True
        # coordinated with a definite title: "the Home Secretary and Interior Minister"
        if k >= 1 and doc[k].lower_ in ("and", "&", ","):
            prev = next((s for s in self._title_list if s.end == k), None)
            return prev is not None and self._definite(prev)
        return False

    def rd_country_token(self, tok: Token) -> bool:
        if self.countries is self.rd.countries:
            return self.rd.country_of_token(tok) is not None
        return any(s <= tok.idx < e for s, e, _ in self.countries)

    def _appointed(self, t: Span) -> list[int]:
        head = t.root.head
        if head.lower_ != "as":
            return []
        verb = head.head
        if not has_flag(verb, "APPOINT_VERB"):
            return []
        for child in verb.children:
            if child.dep_ in ("nsubjpass", "nsubj"):
                lo = child.left_edge.i
                toks, _ = self._name_from(lo, min_tokens=2)
                if toks and toks[-1] <= child.i:
                    return toks
        return []

    def _bare(self, titled: list[Mention]) -> list[Mention]:
        """Named people without a title in front (see the module docstring, step 4)."""
        doc = self.doc
        out: list[Mention] = []
        titled_names = [m.name for m in titled if m.name]
        candidates: list[tuple[list[int], str]] = []
        for ent in doc.ents:
            if ent.label_ != "PERSON":
                continue
            toks = [t.i for t in ent if not t.is_space]
            # strip leading determiners/honorifics and trailing possessives/honorifics
            while toks and (doc[toks[0]].lower_ == "the" or has_flag(doc[toks[0]], "HONORIFIC")):
                toks.pop(0)
            while toks and (doc[toks[-1]].text in _POSSESSIVE or has_flag(doc[toks[-1]], "HONORIFIC")):
                toks.pop()
            if not toks or any(x in self.claimed for x in toks):
                continue
            # extend over particles and following capitalised words the model cut off
            name_toks, _ = self._name_from(toks[0])
            if len(name_toks) > len(toks) and set(toks) <= set(name_toks):
                toks = name_toks
            if not all(self._is_name_token(doc[x]) or doc[x].text in {"-"}
                       or (x == toks[0] and has_flag(doc[x], "PEER_TITLE")) or doc[x].lower_ == "of" for x in toks):
                continue
            candidates.append((toks, "spacy.ner"))
        for tok in doc:
            if has_flag(tok, "PERSONAL_HONORIFIC") and tok.text[:1].isupper():
                toks, _ = self._name_from(tok.i + 1)
                if toks and not any(x in self.claimed for x in toks):
                    candidates.append((toks, "vocab.honorific"))
        for person in self.people:
            for m in re.finditer(re.escape(person), self.text):
                span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
                if span is not None:
                    toks = [t.i for t in span]
                    if not any(x in self.claimed for x in toks):
                        candidates.append((toks, "govuk.people"))
        scored: list[tuple[list[int], str, str, bool]] = []
        for toks, source in candidates:
            name = self._name_text(toks)
            if not name or country_code(name) or demonym_code(name) or any(x in self.claimed for x in toks):
                continue
            keep = source == "govuk.people" or self._shorter_form(name, titled_names) or self._public_capacity(doc[toks[-1]], toks)
            scored.append((toks, source, name, keep))
        chosen: list[tuple[list[int], str, str, bool]] = []
        taken: set[int] = set()
        for cand in sorted(scored, key=lambda c: (c[0][0], -len(c[0]), not c[3])):
            if any(x in taken for x in cand[0]):
                continue
            taken.update(cand[0])
            chosen.append(cand)
        # one person, several forms: when one form shows a public capacity, every form
        # of the same name counts ("Dr Tully was appointed ..." and "Dr Gillian Tully")
        kept_names = [name for _, _, name, keep in chosen if keep]
        for toks, source, name, keep in chosen:
            if not keep and not (self._shorter_form(name, kept_names) or any(self._shorter_form(k, [name]) for k in kept_names)):
                continue
            self.claimed.update(toks)
            sent = doc[toks[0]].sent
            out.append(Mention(tokens=toks, name=name, role=None, sent_start=sent.start, start=toks[0], extractor=source))
        return out

    @staticmethod
    def _shorter_form(name: str, full: list[str]) -> bool:
        parts = slugify(name).split("-")
        for f in full:
            fp = slugify(f).split("-")
            if fp == parts or (len(parts) < len(fp) and fp[-len(parts):] == parts):
                return True
        return False

    def _public_capacity(self, last: Token, toks: list[int]) -> bool:
        doc = self.doc
        root = last
        # possessive: "Putin's despicable blockade", "Kaja Kallas's statement"
        nxt = doc[toks[-1] + 1] if toks[-1] + 1 < len(doc) else None
        if nxt is not None and nxt.text in _POSSESSIVE:
            head = root.head if root.dep_ == "poss" else nxt.head
            if head.dep_ == "case":
                head = head.head.head
            if has_flag(head, "PERSON_CUE"):
                return True
            for k in range(toks[-1] + 2, min(toks[-1] + 5, len(doc))):
                if has_flag(doc[k], "PERSON_CUE"):
                    return True
                if doc[k].pos_ not in ("ADJ", "ADV", "PUNCT"):
                    break
        if root.dep_ in ("nsubj", "nsubjpass") and has_flag(root.head, "PERSON_VERB"):
            return True
        return False


# --- entities ---------------------------------------------------------------------------


@dataclass
class _Entity:
    mentions: list[Mention] = field(default_factory=list)
    name: str | None = None

    @property
    def role(self) -> str | None:
        roles = [m.role for m in self.mentions if m.role]
        if not roles:
            return None
        return max(roles, key=lambda r: (len(r.split()), len(r), -self._first_index(r)))

    def _first_index(self, role: str) -> int:
        for i, m in enumerate(self.mentions):
            if m.role == role:
                return i
        return 0

    @property
    def explicit_country(self) -> str | None:
        for m in self.mentions:
            if m.country:
                return m.country
        return None

    @property
    def default(self) -> tuple[str | None, bool]:
        """(default country, shared?) from the fullest title that has one."""
        best = None
        for m in self.mentions:
            if m.default_country:
                if best is None or (best.shared and not m.shared):
                    best = m
        return (best.default_country, best.shared) if best else (None, False)

    @property
    def sentences(self) -> set[int]:
        return {m.sent_start for m in self.mentions}

    @property
    def first(self) -> Mention:
        return min(self.mentions, key=lambda m: m.start)


def _role_key(role: str | None) -> tuple[str, ...]:
    return tuple(w for w in slugify(role or "").split("-") if w and w not in _ROLE_STOP)


def _roles_compatible(unnamed: str | None, named: str | None) -> bool:
    a, b = slugify(unnamed or ""), slugify(named or "")
    if not a or not b:
        return False
    if a == b:
        return True
    return b.startswith(a + "-for-") or b.startswith(a + "-of-") or a.startswith(b + "-for-") or a.startswith(b + "-of-")


def _group_named(mentions: list[Mention]) -> dict[str, _Entity]:
    named = [m for m in mentions if m.name]
    forms = sorted({m.name for m in named}, key=lambda n: (-len(slugify(n).split("-")), n))
    canonical: dict[str, str] = {}
    for n in forms:
        parts = slugify(n).split("-")
        longer = [f for f in forms if len(slugify(f).split("-")) > len(parts)
                  and slugify(f).split("-")[-len(parts):] == parts]
        tops = {canonical.get(f, f) for f in longer}
        canonical[n] = next(iter(tops)) if len(tops) == 1 else n
    entities: dict[str, _Entity] = {}
    for m in named:
        c = canonical[m.name]
        e = entities.setdefault(c, _Entity(name=c))
        e.mentions.append(m)
    return entities


def _hints(rd: ReleaseDoc) -> tuple[dict[str, str], dict[str, str]]:
    """Country hints from the release title: surname → code, role → code."""
    by_name: dict[str, str] = {}
    by_role: dict[str, str] = {}
    if rd.title_doc is None:
        return by_name, by_role
    finder = MentionFinder(rd, rd.title_doc, find_countries(rd.title_doc.text))
    for m in finder.find():
        if not m.country:
            continue
        if m.name:
            by_name[slugify(m.name).split("-")[-1]] = m.country
        elif m.role:
            by_role[slugify(m.role)] = m.country
    return by_name, by_role


def _plain_name(rd: ReleaseDoc, name: str) -> str:
    """A GOV.UK people title without its honorifics ("The Rt Hon Theresa May MP" → "Theresa May")."""
    doc = rd.nlp.make_doc(name)
    doc = rd.nlp.get_pipe("govpress_flags")(doc)
    return " ".join(t.text for t in doc if not has_flag(t, "HONORIFIC") and t.lower_ != "the")


def find_officials(rd: ReleaseDoc) -> list[OfficialMention]:
    """The release's officials, one per person (see the module docstring).

    Fills ``rd.official_at`` (token → key) so events and commitments can refer to
    them. Returns :class:`~govpress.models.OfficialMention` objects in order of first
    mention; ``key`` is the slug of the name, or ``<country>-<role>`` for an unnamed
    office-holder.
    """
    doc = rd.doc
    plain_people = [_plain_name(rd, p) for p in rd.release.people]
    mentions = MentionFinder(rd, doc, rd.countries, plain_people).find()
    named = _group_named(mentions)
    unnamed: dict[tuple[str, str | None], _Entity] = {}
    for m in mentions:
        if m.name:
            continue
        ctry = m.country or m.default_country
        key = (slugify(m.role or ""), ctry)
        unnamed.setdefault(key, _Entity()).mentions.append(m)
    # an unnamed office-holder whose country is unknown joins one of the same role
    for (role, ctry), ent in list(unnamed.items()):
        if ctry is None:
            others = [k for k in unnamed if k[0] == role and k[1] is not None]
            if len(others) == 1:
                unnamed[others[0]].mentions.extend(ent.mentions)
                del unnamed[(role, ctry)]

    def country_of(e: _Entity) -> str | None:
        if e.explicit_country:
            return e.explicit_country
        return e.default[0]

    # unnamed → named when exactly one compatible named holder never shares a sentence with it
    merged: set[tuple[str, str | None]] = set()
    for ukey, u in sorted(unnamed.items(), key=lambda kv: kv[1].first.start):
        role = u.mentions[0].role
        ucountry = u.explicit_country or u.default[0]
        cands = []
        for nkey, n in named.items():
            if not any(_roles_compatible(role, m.role) for m in n.mentions if m.role):
                continue
            ncountry = n.explicit_country
            if ncountry and ucountry and ncountry != ucountry:
                continue
            if n.sentences & u.sentences:
                continue
            cands.append(nkey)
        if len(cands) == 1:
            named[cands[0]].mentions.extend(u.mentions)
            merged.add(ukey)
    for k in merged:
        del unnamed[k]

    name_hints, role_hints = _hints(rd)
    people = {slugify(p) for p in plain_people}
    world = [c for c in (country_code(w) for w in rd.release.world_locations) if c and c != "GB"]
    title_codes = {c for _, _, c in find_countries(rd.title_doc.text) if c not in ("GB", "EU")} if rd.title_doc is not None else set()
    entities: list[tuple[str, _Entity, str | None]] = []
    for nkey, n in named.items():
        country = n.explicit_country
        if country is None and slugify(n.name or "") in people:
            country = "GB"  # GOV.UK people pages are the UK government's own officials
        if country is None:
            default, shared = n.default
            blocked = shared and any(
                k[1] == default and any(_roles_compatible(m.role, x.role) for m in n.mentions if m.role for x in u.mentions)
                for k, u in unnamed.items())
            if default and shared and len(set(world)) == 1:
                # a title many countries use ("Minister for ...") in a release GOV.UK files
                # under one foreign country, held by someone not on its UK people list
                country = world[0]
            elif default and not blocked:
                country = default
            else:
                country = name_hints.get(slugify(n.name or "").split("-")[-1])
                if country is None and len(set(world)) == 1:
                    country = world[0]
                if country is None and any(m.role for m in n.mentions):
                    first = n.first
                    sent = doc[first.tokens[0]].sent
                    codes = {c for _, _, c in rd.countries_in(sent.start_char, sent.end_char) if c not in ("GB", "EU")}
                    if len(codes) == 1:
                        country = codes.pop()
                if country is None and any(m.role for m in n.mentions) and len(title_codes) == 1 and not default:
                    country = next(iter(title_codes))  # the one foreign country the release is about
                if country is None and default and not blocked:
                    country = default
        entities.append((n.name or "", n, country))
    for (role, ctry), u in unnamed.items():
        default, shared = u.default
        country = u.explicit_country or (default if default and not shared else None) or ctry or role_hints.get(role)
        entities.append(("", u, country))

    out: list[OfficialMention] = []
    used_keys: set[str] = set()
    for name, e, country in sorted(entities, key=lambda x: x[1].first.start):
        role = e.role
        if name:
            key = slugify(name) or "person"
        else:
            key = f"{(country or 'xx').lower()}-{slugify(role or 'official')}"
        base, n = key, 2
        while key in used_keys:
            key, n = f"{base}-{n}", n + 1
        used_keys.add(key)
        first = e.first
        sent = doc[first.tokens[0]].sent
        for m in e.mentions:
            for t in m.tokens:
                rd.official_at[t] = key
            # a possessive after the mention belongs to it too ("the Foreign Secretary's")
        rd.official_country[key] = country
        rd.official_label[key] = name or role or ""
        org = next((m.organisation for m in e.mentions if m.organisation), None)
        extractor = next((m.extractor for m in e.mentions if m.extractor.startswith("title.")), first.extractor)
        out.append(OfficialMention(
            key=key, name=name or None, role=role, country_code=country,
            evidence=rd.evidence(sent.start_char, sent.end_char),
            organisation=org, role_in_release=role, method="model" if extractor == "spacy.ner" else "rules",
            extractor=extractor,
        ))
    _resolve_pronouns(rd)
    return out


def _resolve_pronouns(rd: ReleaseDoc) -> None:
    """Map he/she/his/her/him to the latest singular official before it (a subject
    preferred), so events and commitments can name them."""
    doc = rd.doc
    last_subject: str | None = None
    last_any: str | None = None
    for tok in doc:
        key = rd.official_at.get(tok.i)
        if key:
            last_any = key
            if tok.dep_ in ("nsubj", "nsubjpass") or tok.head.dep_ in ("nsubj", "nsubjpass"):
                last_subject = key
            continue
        if tok.lower_ in {"he", "she", "his", "her", "him"} and tok.pos_ == "PRON":
            target = last_subject or last_any
            if target:
                rd.official_at[tok.i] = target
