"""Amounts of money in running text: exact :class:`~decimal.Decimal` amounts, ISO 4217 codes.

:func:`find_money` finds "£500m", "$2bn", "€1.5bn", "£2.2 billion", "£10,000",
"£5k", "50 million pounds", "USD 3 billion", "£5-10m" and "between £5m and £10m".
A pure function: no float arithmetic anywhere, so "£1.5bn" is exactly
``Decimal("1500000000")``.

Decisions:

- **Only amounts with a currency** (a symbol, an ISO code or a currency word)
  are money: percentages ("5%") and bare numbers ("500 officers") are not.
- **Qualifiers stay outside the span.** In "up to £500m", "more than £2.2
  billion", "an additional £1.5 billion" the money is "£500m", "£2.2 billion",
  "£1.5 billion": ``amount`` is the stated figure and ``text`` the money words
  only (the release's evidence sentence keeps the qualifier).
- **A range gives its lower bound** — the amount the release commits to at
  least — and ``text`` covers the whole range ("£5-10m" → 5000000, text
  "£5-10m"). A multiplier written once after a bare second number applies to both
  ends ("£5-10m"), not when the second end has its own symbol ("£500,000 to
  £1m" → 500000).
  The second end must carry a symbol or a multiplier ("£5m to £10m", "£5 to 10
  million"); "£5m to 10,000 schools" is just "£5m". "and" joins a range only
  after "between", and then "between" is part of ``text`` ("between £5m and
  £10m").
- **"from A to B" is a change, not a range**: "rises from £1.2 million to £3.5
  million" gives two amounts (1200000, 3500000), never one merged value; "ranging
  (varying) from £5,000 to £50,000" stays a range. :func:`committed_money` picks
  the amount a clause commits to: the new figure of a change (£3.5 million), else
  the first amount.
- **Currencies**: ``£`` GBP, ``€`` EUR, ``$`` and ``US$`` USD (UK releases mean
  US dollars by a bare ``$``), ``A$`` AUD, ``C$`` CAD, ``NZ$`` NZD, ``HK$`` HKD,
  ``S$`` SGD; "pounds"/"sterling" GBP, "euros" EUR, "dollars" USD; the codes
  GBP, USD, EUR, JPY, CHF, AUD, CAD written before or after the number.
- **Multipliers**: k/thousand ×10³, m/mn/million ×10⁶, bn/billion ×10⁹,
  tn/trillion ×10¹². A whole result is given without a decimal point
  (``Decimal("1500000000")``, not ``Decimal("1500000000.0")``); pence stay
  ("£1.50" → ``Decimal("1.50")``).
"""
from __future__ import annotations

import re
from decimal import Decimal

from ..models import Money

__all__ = ["find_money", "parse_money", "committed_money"]

_SYMBOLS = {
    "£": "GBP", "€": "EUR", "$": "USD", "US$": "USD", "U.S.$": "USD", "A$": "AUD", "AU$": "AUD",
    "C$": "CAD", "CA$": "CAD", "NZ$": "NZD", "HK$": "HKD", "S$": "SGD",
}
_CODES = ("GBP", "USD", "EUR", "JPY", "CHF", "AUD", "CAD")
_WORDS = {
    "pounds sterling": "GBP", "pounds": "GBP", "pound": "GBP", "sterling": "GBP",
    "euros": "EUR", "euro": "EUR", "us dollars": "USD", "dollars": "USD", "dollar": "USD",
}
_MULTIPLIERS = {
    "k": 3, "thousand": 3, "m": 6, "mn": 6, "million": 6, "bn": 9, "billion": 9, "tn": 12, "trillion": 12,
}

_DASH = r"[-\u2010\u2011\u2012\u2013\u2014\u2212]"
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SYM = "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=lambda s: (-len(s), s)))
# short multipliers stick to the number or follow one space; words follow any space
_MULT = r"(?:\s?(?:bn|mn|tn|m|k)|\s*(?:billion|million|thousand|trillion))(?![A-Za-z0-9])"


def _amount(tag: str, sym: bool) -> str:
    """One end of an amount: optional symbol, number, optional multiplier."""
    s = rf"(?P<s{tag}>{_SYM})\s?" if sym else rf"(?:(?P<s{tag}>{_SYM})\s?)?"
    return rf"{s}(?P<n{tag}>{_NUM})(?P<m{tag}>{_MULT})?"


# range separator: dash, "to", or "and" when the amount is preceded by "between"
_SEP = rf"(?:\s*{_DASH}\s*|\s+to\s+|(?(between)\s+and\s+|(?!)))"
_RANGE2 = rf"(?:{_SEP}{_amount('2', sym=False)})?"
_BETWEEN = r"(?:(?P<between>\bbetween)\s+)?"

# "from" right before an amount starts a change ("rises from £1.2m to £3.5m") unless the
# words before it make it a range ("ranging from", "varying from")
_FROM = re.compile(r"\bfrom\s+$", re.IGNORECASE)
_RANGE_FROM = re.compile(r"\b(?:rang(?:e|es|ed|ing)|var(?:y|ies|ied|ying))\s+from\s+$", re.IGNORECASE)
# what may stand between the two figures of a change: "to", after an optional "in 2024"-like phrase
_CHANGE_TO = re.compile(r"(?:\s+(?:in|by|during|for|over|last|this)\s+[^.;:!?£$€]{1,25}?)?,?\s+to\s+", re.IGNORECASE)


def _change_start(text: str, start: int) -> bool:
    """True when the amount at ``text[start:]`` is the starting figure of a change ("from £1.2m to …")."""
    before = text[max(0, start - 40):start]
    return bool(_FROM.search(before)) and not _RANGE_FROM.search(before)


def _forms(with_range: bool) -> tuple[re.Pattern[str], ...]:
    """The three written forms: symbol first, ISO code first, currency word/code after."""
    rng = _RANGE2 if with_range else ""
    words = "|".join(re.escape(w) for w in sorted(_WORDS, key=lambda w: (-len(w), w)))
    codes = "|".join(_CODES)
    return (
        re.compile(
            rf"{_BETWEEN}(?P<money>(?<![\w$£€])(?P<s1>{_SYM})\s?(?P<n1>{_NUM})(?P<m1>{_MULT})?{rng}"
            rf"(?:\s+(?P<w>pounds sterling|sterling))?)(?![\w%])",
            re.IGNORECASE,
        ),
        re.compile(rf"{_BETWEEN}(?P<money>\b(?P<c>{codes})\s?(?P<n1>{_NUM})(?P<m1>{_MULT})?{rng})(?![\w%])"),
        re.compile(
            rf"{_BETWEEN}(?P<money>(?<![\w.,])(?P<n1>{_NUM})(?P<m1>{_MULT})?{rng}\s*"
            rf"(?:(?P<w>{words})\b|(?P<c>{codes})\b))",
            re.IGNORECASE,
        ),
    )


_WITH_RANGE = _forms(with_range=True)
_SINGLE = _forms(with_range=False)


def _scale(number: str, multiplier: str | None) -> Decimal:
    value = Decimal(number.replace(",", ""))
    if multiplier:
        value = value.scaleb(_MULTIPLIERS[multiplier.strip().lower()])
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    return value


def _currency(m: re.Match[str]) -> str | None:
    groups = m.groupdict()
    if groups.get("s1"):
        return _SYMBOLS[_symbol_key(groups["s1"])]
    if groups.get("c"):
        return groups["c"].upper()
    if groups.get("w"):
        return _WORDS[" ".join(groups["w"].lower().split())]
    return None


def _symbol_key(sym: str) -> str:
    for key in _SYMBOLS:
        if key.lower() == sym.lower():
            return key
    return sym


def _money(text: str, m: re.Match[str]) -> tuple[int, int, Money] | None:
    currency = _currency(m)
    if currency is None:
        return None
    g = m.groupdict()
    if g.get("n2") is not None and not (g.get("s2") or g.get("m2")):
        return None  # "£5m to 10,000 schools": the second number is not money (retried without it)
    if g.get("s2") and _SYMBOLS.get(_symbol_key(g["s2"])) != currency:
        return None
    if g.get("n2") is not None and (g.get("s2") or g.get("m1")) and re.search(r"\sto\s", m.group("money"), re.I) \
            and _change_start(text, m.start("money")):
        return None  # "from £1.2 million to £3.5 million": two amounts (retried without the range)
    multiplier = g.get("m1")
    if not multiplier and g.get("n2") is not None and not g.get("s2"):
        multiplier = g.get("m2")  # "£5-10m": one multiplier for both ends; not "£500,000 to £1m"
    start, end = m.span("money")
    if g.get("between") and g.get("n2") is not None:
        start = m.start("between")  # "between £5m and £10m" reads as a whole
    return start, end, Money(_scale(g["n1"], multiplier), currency, text[start:end])


def find_money(text: str) -> list[tuple[int, int, Money]]:
    """Every amount of money in ``text``, in order of appearance.

    Args:
        text: running text (a release body or a sentence).
    Returns:
        ``[(start, end, Money), ...]`` where ``text[start:end] == money.text`` is
        the money words as written ("£2.2 billion", "£5-10m"), ``money.amount`` an
        exact ``Decimal`` (the lower bound of a range) and ``money.currency`` an ISO
        4217 code. See the module docstring for the rules. Never raises.

    Example: ``find_money("invest £500m in schools, alongside a $2bn fund")`` →
    ``[(7, 12, Money(Decimal("500000000"), "GBP", "£500m")), (37, 41,
    Money(Decimal("2000000000"), "USD", "$2bn"))]``.
    """
    found: list[tuple[int, int, Money]] = []
    for pattern, single in zip(_WITH_RANGE, _SINGLE):
        pos = 0
        while (m := pattern.search(text, pos)) is not None:
            hit = _money(text, m)
            if hit is None and m.group("n2") is not None:
                # the second number was not money: retry the same place without a range
                retry = single.match(text, m.start())
                hit = _money(text, retry) if retry else None
            if hit is not None:
                found.append(hit)
                pos = hit[1]
            else:
                pos = m.start() + 1
    found.sort(key=lambda h: (h[0], -h[1]))
    result: list[tuple[int, int, Money]] = []
    for hit in found:
        if result and hit[0] < result[-1][1]:
            continue  # overlaps a longer or earlier match
        result.append(hit)
    return result


def parse_money(expression: str) -> Money | None:
    """The money in a short expression ("£1.5bn", "up to €20 million"), or ``None``.

    Args:
        expression: a few words holding one amount.
    Returns:
        The first :class:`~govpress.models.Money` :func:`find_money` finds in it.
    """
    hits = find_money(expression)
    return hits[0][2] if hits else None


def committed_money(text: str, hits: list[tuple[int, int, Money]]) -> Money | None:
    """The amount a clause commits to, among the amounts :func:`find_money` found in it.

    The first amount, except that the starting figure of a change is passed over for
    its new figure: in "funding rises from £1.2 million to £3.5 million, with up to
    £10 million more" it is £3.5 million.

    Args:
        text: the text the hits' offsets point into (a release body or a sentence).
        hits: ``[(start, end, Money), ...]`` in order of appearance, offsets into ``text``.
    Returns:
        A :class:`~govpress.models.Money`, or ``None`` when ``hits`` is empty.
    """
    for i, (start, end, money) in enumerate(hits):
        nxt = hits[i + 1] if i + 1 < len(hits) else None
        if nxt is not None and _change_start(text, start) and _CHANGE_TO.fullmatch(text[end:nxt[0]]):
            continue
        return money
    return None
