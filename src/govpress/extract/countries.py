"""Country codes from names, aliases and nationality words.

Three pure functions, no wall-clock or network:

- :func:`country_code` — a name ("UK", "Türkiye", "the Netherlands") → ISO 3166-1
  alpha-2, or ``"EU"`` for the European Union and its institutions.
- :func:`demonym_code` — a nationality adjective or possessive ("French",
  "Belgium's") → the same codes.
- :func:`find_countries` — every country name, "UK–X" compound part and demonym
  in running text, with character offsets.

Sources, in order: the alias and demonym tables in ``extract/data/countries.yaml``
(data, not code: edit them there), then pycountry's ISO 3166-1 list by **exact**
``name``, ``official_name`` or ``common_name`` (case- and accent-insensitive).
Nothing is ever matched fuzzily, so "Niger" stays ``NE`` (never Nigeria's ``NG``)
and "UK" never becomes Uganda (``UG``) or Ukraine (``UA``).

Decisions (documented in the YAML too): England, Scotland, Wales and Northern
Ireland map to ``GB``; ambiguous words ("Korea", "Congolese", "Guinean") give
``None``; Kosovo gives ``None`` (``XK`` is not an ISO 3166-1 code).
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml

from ..models import fold_accents

__all__ = ["country_code", "demonym_code", "find_countries", "DATA_PATH"]

DATA_PATH = Path(__file__).resolve().parent / "data" / "countries.yaml"
"""The alias, demonym, combining-form and not-a-country tables."""

_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_DASH_CLASS = "[" + re.escape(_DASHES) + "]"
_APOS = "'\u2019\u2018\u02bc"
_POSSESSIVE = re.compile(r"[" + _APOS + r"]s?$")


def _key(text: str) -> str:
    """Lookup key: accents folded, curly quotes and dashes made plain, casefolded,
    whitespace collapsed, a leading "the" dropped."""
    s = fold_accents(text)
    for a in _APOS:
        s = s.replace(a, "'")
    for d in _DASHES:
        s = s.replace(d, "-")
    s = " ".join(s.casefold().split())
    if s.startswith("the "):
        s = s[4:]
    return s


@functools.lru_cache(maxsize=1)
def _tables() -> dict[str, Any]:
    """Load ``countries.yaml`` and pycountry once: keyed lookups and surface forms."""
    import pycountry

    data = yaml.safe_load(DATA_PATH.read_text(encoding="utf-8"))
    aliases = {_key(k): str(v) for k, v in (data.get("aliases") or {}).items()}
    demonyms = {_key(k): str(v) for k, v in (data.get("demonyms") or {}).items()}
    combining = {_key(k): str(v) for k, v in (data.get("combining_forms") or {}).items()}
    iso: dict[str, str] = {}
    surface: dict[str, str] = {}  # form as written -> code, for find_countries
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if not value:
                continue
            iso.setdefault(_key(value), c.alpha_2)
            if "," not in value and "(" not in value:
                surface[value] = c.alpha_2
    for k, v in (data.get("aliases") or {}).items():
        surface[str(k)] = str(v)
    demonym_surface = {str(k): str(v) for k, v in (data.get("demonyms") or {}).items()}
    return {
        "aliases": aliases, "demonyms": demonyms, "combining": combining, "iso": iso,
        "surface": surface, "demonym_surface": demonym_surface,
        "combining_surface": {str(k): str(v) for k, v in (data.get("combining_forms") or {}).items()},
        "not_countries": [str(x) for x in (data.get("not_countries") or [])],
    }


def country_code(name: str) -> str | None:
    """ISO 3166-1 alpha-2 code (or ``"EU"``) of a country or EU-institution name.

    Args:
        name: the name as written, e.g. ``"UK"``, ``"the United States"``,
            ``"Türkiye"``, ``"European Commission"``. Case, accents, curly
            apostrophes, dash kinds, surrounding whitespace and a leading "the" do
            not matter.
    Returns:
        ``"GB"``, ``"TR"``, ``"EU"``... or ``None`` when the name is neither in the
        alias table (``extract/data/countries.yaml``) nor exactly a pycountry
        name, official name or common name. Never a fuzzy guess; never raises.
        A possessive ("Belgium's") is not stripped here: see :func:`demonym_code`.
    """
    if not name or not name.strip():
        return None
    t = _tables()
    k = _key(name)
    return t["aliases"].get(k) or t["iso"].get(k)


def demonym_code(word: str) -> str | None:
    """Country code of a nationality adjective or a possessive country name.

    Args:
        word: ``"French"``, ``"Belgian"``, ``"South Korean"``, ``"European"`` (→
            ``"EU"``), or a possessive / attributive name: ``"Belgium's"``,
            ``"UK's"``, ``"Philippines'"``, ``"UK"``.
    Returns:
        The ISO 3166-1 alpha-2 code or ``"EU"``; ``None`` for anything else
        (including ambiguous words such as "Korean"). Never raises.
    """
    if not word or not word.strip():
        return None
    t = _tables()
    w = word.strip()
    k = _key(w)
    if k in t["demonyms"]:
        return t["demonyms"][k]
    stripped = _POSSESSIVE.sub("", w) if _POSSESSIVE.search(w) else w
    return country_code(stripped)


def _form_pattern(form: str) -> str:
    """Regex for one surface form: any whitespace between words, any dash kind,
    any apostrophe kind."""
    out = []
    for ch in form:
        if ch.isspace():
            if not out or out[-1] != r"\s+":
                out.append(r"\s+")
        elif ch in _DASHES:
            out.append(_DASH_CLASS)
        elif ch in _APOS:
            out.append("[" + re.escape(_APOS) + "]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _is_acronym(form: str) -> bool:
    letters = [c for c in form if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 5


@functools.lru_cache(maxsize=1)
def _matchers() -> tuple[re.Pattern[str], re.Pattern[str] | None, dict[str, tuple[str, str]], frozenset[str]]:
    """The combined country regex, the not-a-country regex, key → (code, kind)
    with kind ``name``/``demonym``/``combining``, and the acronyms as written."""
    t = _tables()
    forms: dict[str, tuple[str, str]] = {}
    for form, code in t["demonym_surface"].items():
        forms[_key(form)] = (code, "demonym")
    for form, code in t["surface"].items():  # a name wins over a demonym of the same spelling
        forms[_key(form)] = (code, "name")
    for form, code in t["combining_surface"].items():
        forms.setdefault(_key(form), (code, "combining"))
    acronyms = frozenset(f for f in {**t["surface"], **t["demonym_surface"]} if _is_acronym(f))
    # Longest first, so "Northern Ireland" beats "Ireland", "Guinea-Bissau" beats "Guinea".
    ordered = sorted({**t["surface"], **t["demonym_surface"]}, key=lambda f: (-len(f), f))
    alt = "|".join(_form_pattern(f) for f in ordered)
    comb = "|".join(re.escape(f) for f in sorted(t["combining_surface"], key=lambda f: (-len(f), f)))
    pattern = rf"(?<!\w)(?:(?P<comb>{comb})(?={_DASH_CLASS}\w)|(?P<name>{alt}))(?!\w)"
    main = re.compile(pattern, re.IGNORECASE)
    nots = sorted(t["not_countries"], key=lambda f: (-len(f), f))
    blocked = re.compile(r"(?<!\w)(?:" + "|".join(_form_pattern(f) for f in nots) + r")(?!\w)") if nots else None
    return main, blocked, forms, acronyms


def find_countries(text: str, demonyms: bool = True) -> list[tuple[int, int, str]]:
    """Country mentions in running text, in order of appearance.

    Finds country names and aliases ("Belgium", "the UK", "Türkiye", "European
    Commission"), each side of a compound with any dash kind ("UK–Italy",
    "UK-EU" → two hits), prefix forms before a dash ("Anglo-French" → GB, FR),
    and, when ``demonyms`` is true, nationality adjectives ("French", "Kenyan",
    "European"). A possessive ``'s`` is not part of the span ("Belgium's" → the
    span of "Belgium").

    Matching is exact (no fuzzy match), the longest form wins ("Northern Ireland"
    over "Ireland"), a name must start with a capital letter as written, and
    acronyms ("UK", "US", "EU", "UAE") must be written exactly so ("us" is not
    the US). Words inside a phrase listed under ``not_countries`` in
    ``extract/data/countries.yaml`` are skipped ("Council of Europe",
    "Indian Ocean", "New South Wales").

    Args:
        text: any text (e.g. a normalised release body or one sentence).
        demonyms: also report nationality adjectives (and dash prefix forms).
    Returns:
        ``[(start, end, code), ...]`` with ``text[start:end]`` the words matched
        and ``code`` an ISO 3166-1 alpha-2 code or ``"EU"``.
    """
    if not text:
        return []
    main, blocked, forms, acronyms = _matchers()
    acronym_keys = {_key(a) for a in acronyms}
    blocked_spans = [(m.start(), m.end()) for m in blocked.finditer(text)] if blocked else []
    hits: list[tuple[int, int, str]] = []
    for m in main.finditer(text):
        s, e = m.span()
        surface = m.group(0)
        code, kind = forms.get(_key(surface), (None, ""))
        if code is None or not surface[0].isupper():
            continue
        if kind != "combining" and _key(surface) in acronym_keys and surface not in acronyms:
            continue  # an acronym must be written exactly so: "Us" is not "US"
        if not demonyms and kind != "name":
            continue
        if any(bs <= s and e <= be for bs, be in blocked_spans):
            continue
        hits.append((s, e, code))
    return hits
