"""Dates in release text, resolved against the release's publication date.

:func:`find_dates` finds every date expression in a text; :func:`resolve_date`
resolves one expression. Both are pure: the answer depends only on the words and
the ``published`` date, never on the day the build runs (nothing here reads the
clock). Word tables (months, weekdays, seasons, tense markers, phrases
that are not dates) are data in ``extract/data/dates.yaml``.

A result is a :class:`~govpress.models.DateValue`: ``start`` (the first day),
``precision`` (``day``, ``week``, ``month``, ``season``, ``quarter``, ``year``),
``text`` (the date words as written, e.g. ``"spring 2026"``, ``"12–14 March"``,
``"last year"`` — a leading "in"/"on"/"by" and a possessive ``'s`` are left
out, while "between 17 and 28 July" and "in the New Year" keep their words) and
``end`` for ranges (the last day).

Rules (``P`` is the publication date):

- **Days**: today / this morning / this afternoon / this evening / tonight /
  earlier today / later today → ``P``; yesterday, last night → ``P − 1``;
  tomorrow (morning, night...) → ``P + 1``. "in the morning" (afternoon,
  evening) is ``P + 1`` when the sentence speaks of the future ("talks will
  recommence in the morning"), else ``P``.
- **Weekdays** ("on Friday", "Friday's meeting"): past or unknown tense → the
  most recent such day on or before ``P``; future tense → the next such day on
  or after ``P``. So "on Friday" in a Friday release is that day either way.
  "last Friday" is strictly before ``P``, "next Friday" strictly after it,
  "this Friday" the Friday of ``P``'s ISO week. A weekday written with a date
  ("Friday 14 November") only picks the year when none is written.
- **Weeks** (precision ``week``, start = Monday of the ISO week): this week,
  earlier/later this week, this weekend → ``P``'s week; last week → the week
  before; next week → the week after. At a weekend (Saturday or Sunday
  publication) "this week" in a future sentence, and "later this week", mean
  the coming week ("discussions at NATO this week" in a Sunday release);
  "this weekend" is always the current one.
- **Months**: "29 January", "12–14 March", "in April", "the March European
  Council" carry no year: it is ``P``'s year, except that in a future sentence
  a date already past becomes next year's, and in a past sentence a date still
  to come becomes last year's. "next June" is the first June after ``P``'s
  month; "last June" the last June before it; this/last/next month by
  calendar month.
- **Years**: this year, earlier/later this year → 1 January of ``P``'s year;
  last/next year ±1; "in the New Year" → next year (this year when published in
  January); "in 2014", "by 2030" → that year.
- **Seasons** (precision ``season``; spring = 1 Mar, summer = 1 Jun, autumn =
  1 Sep, winter = 1 Dec): "spring 2026" → 2026-03-01; "winter 2025" →
  2025-12-01; "this spring" → the spring containing ``P``, else the one
  starting in ``P``'s year; "next spring" the first starting after ``P``;
  "last spring" the last one over before ``P``; "in the spring" by tense like
  months.
- **Quarters**: "Q3 2025", "the third quarter of 2022" → first day of the
  quarter; "this/next/last quarter" relative to ``P``'s quarter.
- **Ranges** ("14–15 March 2025", "12–14 March", "14 March to 2 April",
  "between 17 and 28 July", "March–May 2025") set ``end`` (the last day). Any
  dash kind works.
- **Numeric dates** (forms in ``dates.yaml``): "04/06/2025", "4.6.2025",
  "04-06-2025" are day/month/year, British order (4 June 2025); ISO "2025-06-04"
  is year-month-day. A four-digit year is needed; an impossible day or month gives
  nothing.
- **Not dates**: vague words ("in the coming months", "recently", "soon",
  "imminently") give nothing; :func:`resolve_date` returns ``None``.

Tense: pass ``tense="past"`` or ``"future"`` to decide it yourself; otherwise
:func:`find_dates` reads it from the sentence around the date: the tense marker
(``future_markers`` / ``past_markers`` in ``dates.yaml``: "will", "would",
"expected", "hoped", "upcoming" / "was", "met", "agreed", "took place"...)
nearest to the date words wins; none → unknown.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable

import yaml

from ..models import DateValue, add_months, period_end

__all__ = ["find_dates", "resolve_date", "week_start", "DATA_PATH", "TENSES"]

DATA_PATH = Path(__file__).resolve().parent / "data" / "dates.yaml"
"""Month, weekday, season, tense-marker and not-a-date tables."""

TENSES = ("past", "future")
"""Values of the ``tense`` hint (``None``: read it from the sentence)."""

_DASH = r"[-\u2010\u2011\u2012\u2013\u2014\u2212]"
_APOS = "['\u2019]"


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


@functools.lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    data = yaml.safe_load(DATA_PATH.read_text(encoding="utf-8"))
    data["month_lookup"] = {k.lower(): v for k, v in {**data["month_abbreviations"], **data["months"]}.items()}
    return data


def _alt(words: list[str] | dict[str, Any]) -> str:
    """Regex alternation of words/phrases, longest first, spaces matching any whitespace."""
    items = sorted(words, key=lambda w: (-len(w), w))
    return "|".join(r"\s+".join(re.escape(p) for p in str(w).split()) for w in items)


# --- the grammar ---------------------------------------------------------------------

class _Ctx:
    """What a rule needs: the publication date and (computed only when asked) the tense."""

    def __init__(self, published: date, tense: str | None = None,
                 index: Callable[[], "_TenseIndex"] | None = None, start: int = 0, end: int = 0) -> None:
        self.published = published
        self._given = tense
        self._index = index
        self._span = (start, end)

    @functools.cached_property
    def tense(self) -> str | None:
        """The tense given, else the one read from the sentence around the date words."""
        if self._given is not None or self._index is None:
            return self._given
        return self._index().tense(*self._span)


@dataclass(frozen=True)
class _Rule:
    name: str
    pattern: re.Pattern[str]
    resolve: Callable[[re.Match[str], _Ctx], DateValue | None]


def _month(word: str | None) -> int | None:
    if not word:
        return None
    w = word.rstrip(".")
    if not w[:1].isupper():
        return None  # "may", "march" in lower case are not months
    return _data()["month_lookup"].get(w.lower())


def _weekday(word: str) -> int | None:
    if not word[:1].isupper():
        return None
    return {k.lower(): int(v) for k, v in _data()["weekdays"].items()}.get(word.lower())


def _day(text: str) -> int:
    return int(re.match(r"\d+", text).group(0))  # type: ignore[union-attr]


def _year_for(month: int, day: int | None, ctx: _Ctx) -> int:
    """The year of a day/month written without one (see module docstring)."""
    p = ctx.published
    here = (month, day or 0)
    now = (p.month, p.day if day else 0)
    if ctx.tense == "future" and here < now:
        return p.year + 1
    if ctx.tense == "past" and here > now:
        return p.year - 1
    return p.year


def _date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _resolve_single(m: re.Match[str], ctx: _Ctx) -> DateValue | None:
    month = _month(m.group("m"))
    if month is None:
        return None
    d = _day(m.group("d"))
    g = m.groupdict()
    if g.get("y"):
        year = int(g["y"])
    elif g.get("wd") and _weekday(g["wd"]) is not None:
        # the weekday picks the year: the nearest year in which that day falls on it
        wd = _weekday(g["wd"])
        cands = [y for y in (ctx.published.year, ctx.published.year + 1, ctx.published.year - 1)
                 if (dd := _date(y, month, d)) and dd.weekday() == wd]
        year = cands[0] if cands else _year_for(month, d, ctx)
    else:
        year = _year_for(month, d, ctx)
    start = _date(year, month, d)
    if start is None:
        return None
    return DateValue(start, "day", _text(m))


def _range_ok(g: dict[str, str | None]) -> bool:
    """"and" joins a range only after "between" ("between 17 and 28 July")."""
    return (g.get("sep") or "").strip().lower() != "and" or (g.get("kw") or "").lower() == "between"


def _resolve_day_range(m: re.Match[str], ctx: _Ctx) -> DateValue | None:
    g = m.groupdict()
    if not _range_ok(g):
        return None
    m2 = _month(g["m2"])
    m1 = _month(g["m1"]) if g.get("m1") else m2
    if m1 is None or m2 is None:
        return None
    d1, d2 = _day(g["d1"]), _day(g["d2"])
    y2 = int(g["y2"]) if g.get("y2") else None
    y1 = int(g["y1"]) if g.get("y1") else None
    if y1 is None and y2 is None:
        y1 = _year_for(m1, d1, ctx)
        y2 = y1 + (1 if (m2, d2) < (m1, d1) else 0)
    elif y1 is None:
        y1 = y2 - (1 if (m2, d2) < (m1, d1) else 0)  # type: ignore[operator]
    elif y2 is None:
        y2 = y1
    start, end = _date(y1, m1, d1), _date(y2, m2, d2)  # type: ignore[arg-type]
    if start is None or end is None or end < start:
        return None
    return DateValue(start, "day", _text(m), end)


def _resolve_us_range(m: re.Match[str], ctx: _Ctx) -> DateValue | None:
    g = m.groupdict()
    m1 = _month(g["m1"])
    m2 = _month(g["m2"]) if g.get("m2") else m1
    if m1 is None or m2 is None:
        return None
    d1, d2 = _day(g["d1"]), _day(g["d2"])
    y1 = int(g["y"]) if g.get("y") else _year_for(m1, d1, ctx)
    y2 = y1 + (1 if (m2, d2) < (m1, d1) and not g.get("y") else 0)
    start, end = _date(y1, m1, d1), _date(y2, m2, d2)
    if start is None or end is None or end < start:
        return None
    return DateValue(start, "day", _text(m), end)


def _resolve_week_of(m: re.Match[str], ctx: _Ctx) -> DateValue | None:
    inner = _resolve_single(m, ctx)
    if inner is None or inner.start is None:
        return None
    return DateValue(week_start(inner.start), "week", _text(m))


def _resolve_month_range(m: re.Match[str], ctx: _Ctx) -> DateValue | None:
    g = m.groupdict()
    if not _range_ok(g):
        return None
    m1, m2 = _month(g["m1"]), _month(g["m2"])
    if m1 is None or m2 is None or m1 == m2:
        return None
    if g.get("y"):
        y2 = int(g["y"])
        y1 = y2 - (1 if m2 < m1 else 0)
    else:
        y1 = _year_for(m1, None, ctx)
        y2 = y1 + (1 if m2 < m1 else 0)
    start = date(y1, m1, 1)
    return DateValue(start, "month", _text(m), period_end(date(y2, m2, 1), "month"))


def _resolve_month_year(m: re.Match[str], ctx: _Ctx) -> DateValue | None:
    month = _month(m.group("m"))
    if month is None:
        return None
    return DateValue(date(int(m.group("y")), month, 1), "month", _text(m))


def _resolve_bare_month(m: re.Match[str], ctx: _Ctx) -> DateValue | None:
    month = _month(m.group("m"))
    if month is None:
        return None
    pre = " ".join(m.group("pre").lower().replace("-", " ").split())
    if month == 5 and pre not in {" ".join(w.split()) for w in _data()["may_words"]}:
        return None  # "the May government", "since May became Prime Minister"
    return DateValue(date(_year_for(month, None, ctx), month, 1), "month", _text(m))


def _season_start(name: str) -> int:
    return int(_data()["seasons"][name.lower()])


def _season_occurrences(month: int, around: date) -> list[date]:
    return [date(y, month, 1) for y in range(around.year - 2, around.year + 3)]


def _contains(start: date, precision: str, day: date) -> bool:
    return start <= day <= period_end(start, precision)


def _resolve_season_year(m: re.Match[str], ctx: _Ctx) -> DateValue | None:
    return DateValue(date(int(m.group("y")), _season_start(m.group("s")), 1), "season", _text(m))


def _resolve_rel_season(m: re.Match[str], ctx: _Ctx) -> DateValue | None:
    p = ctx.published
    starts = _season_occurrences(_season_start(m.group("s")), p)
    rel = m.group("rel").lower()
    if rel == "this":
        current = [s for s in starts if _contains(s, "season", p)]
        start = current[0] if current else date(p.year, starts[0].month, 1)
    elif rel == "next":
        start = min(s for s in starts if s > p)
    else:
        start = max(s for s in starts if period_end(s, "season") < p)
    return DateValue(start, "season", _text(m))


def _resolve_bare_season(m: re.Match[str], ctx: _Ctx) -> DateValue | None:
    p = ctx.published
    starts = _season_occurrences(_season_start(m.group("s")), p)
    current = [s for s in starts if _contains(s, "season", p)]
    if current:
        start = current[0]
    elif ctx.tense == "future":
        start = min(s for s in starts if s > p)
    elif ctx.tense == "past":
        start = max(s for s in starts if s < p)
    else:
        start = date(p.year, starts[0].month, 1)
    return DateValue(start, "season", _text(m))


def _quarter_number(g: dict[str, str | None]) -> int:
    if g.get("q"):
        return int(g["q"])  # type: ignore[arg-type]
    return int(_data()["quarters"][(g.get("qo") or "").lower()])


def _resolve_quarter_year(m: re.Match[str], ctx: _Ctx) -> DateValue | None:
    q = _quarter_number(m.groupdict())
    return DateValue(date(int(m.group("y")), 3 * q - 2, 1), "quarter", _text(m))


def _resolve_bare_quarter(m: re.Match[str], ctx: _Ctx) -> DateValue | None:
    q = _quarter_number(m.groupdict())
    month = 3 * q - 2
    p = ctx.published
    pq = (p.month - 1) // 3 + 1
    year = p.year
    if ctx.tense == "future" and q < pq:
        year += 1
    elif ctx.tense == "past" and q > pq:
        year -= 1
    return DateValue(date(year, month, 1), "quarter", _text(m))


def _preceded_by_the(m: re.Match[str]) -> bool:
    return bool(re.search(r"\bthe\s+$", m.string[max(0, m.start() - 6):m.start()], re.IGNORECASE))


def _resolve_rel_unit(m: re.Match[str], ctx: _Ctx) -> DateValue | None:
    if _preceded_by_the(m):
        return None  # "the next year", "over the last week": a stretch of time, not a calendar unit
    p = ctx.published
    rel, unit = m.group("rel").lower(), m.group("unit").lower()
    step = {"this": 0, "next": 1, "last": -1}[rel]
    if unit in ("week", "weekend"):
        monday = week_start(p)
        when = (m.group("when") or "").lower()
        if unit == "week" and rel == "this" and p.weekday() >= 5 and when != "earlier" \
                and (when == "later" or ctx.tense == "future"):
            step = 1  # "at NATO this week" in a Sunday release: the coming week
        return DateValue(monday + timedelta(weeks=step), "week", _text(m))
    if unit == "month":
        return DateValue(add_months(p.replace(day=1), step), "month", _text(m))
    if unit == "quarter":
        first = date(p.year, 3 * ((p.month - 1) // 3) + 1, 1)
        return DateValue(add_months(first, 3 * step), "quarter", _text(m))
    return DateValue(date(p.year + step, 1, 1), "year", _text(m))


def _resolve_rel_month(m: re.Match[str], ctx: _Ctx) -> DateValue | None:
    month = _month(m.group("m"))
    if month is None:
        return None
    p, rel = ctx.published, m.group("rel").lower()
    if rel == "next":
        year = p.year if month > p.month else p.year + 1
    elif rel == "last":
        year = p.year if month < p.month else p.year - 1
    else:
        year = p.year
    return DateValue(date(year, month, 1), "month", _text(m))


def _resolve_rel_weekday(m: re.Match[str], ctx: _Ctx) -> DateValue | None:
    wd = _weekday(m.group("wd"))
    if wd is None:
        return None
    p, rel = ctx.published, m.group("rel").lower()
    if rel == "last":
        day = p - timedelta(days=((p.weekday() - wd) % 7) or 7)
    elif rel == "next":
        day = p + timedelta(days=((wd - p.weekday()) % 7) or 7)
    else:
        day = week_start(p) + timedelta(days=wd)
    return DateValue(day, "day", _text(m))


def _resolve_weekday(m: re.Match[str], ctx: _Ctx) -> DateValue | None:
    wd = _weekday(m.group("wd"))
    if wd is None:
        return None
    p = ctx.published
    if ctx.tense == "future":
        day = p + timedelta(days=(wd - p.weekday()) % 7)
    else:
        day = p - timedelta(days=(p.weekday() - wd) % 7)
    return DateValue(day, "day", _text(m))


def _resolve_day_word(m: re.Match[str], ctx: _Ctx) -> DateValue | None:
    words = m.group("x").lower().split()
    if words[0] == "yesterday" or words[:2] == ["last", "night"]:
        offset = -1
    elif words[0] == "tomorrow":
        offset = 1
    else:
        offset = 0
    return DateValue(ctx.published + timedelta(days=offset), "day", _text(m))


def _resolve_in_the_part(m: re.Match[str], ctx: _Ctx) -> DateValue | None:
    offset = 1 if ctx.tense == "future" else 0
    return DateValue(ctx.published + timedelta(days=offset), "day", _text(m))


def _resolve_new_year(m: re.Match[str], ctx: _Ctx) -> DateValue | None:
    p = ctx.published
    return DateValue(date(p.year if p.month == 1 else p.year + 1, 1, 1), "year", _text(m))


def _resolve_numeric(m: re.Match[str], ctx: _Ctx) -> DateValue | None:
    start = _date(int(m.group("year")), int(m.group("month")), int(m.group("day")))
    return DateValue(start, "day", _text(m)) if start else None


def _numeric_pattern(order: list[str], separators: list[str]) -> str:
    """A regex of one numeric date form: the fields in ``order``, one of ``separators`` between."""
    fields = {"day": r"\d{1,2}", "month": r"\d{1,2}", "year": r"(?:19|20)\d{2}"}
    if sorted(order) != ["day", "month", "year"]:
        raise ValueError(f"{DATA_PATH}: numeric_dates order must name day, month and year once, not {order}")
    sep = "[" + "".join(re.escape(c) for c in separators) + "]"
    parts = [rf"(?P<{f}>{fields[f]})" for f in order]
    return (rf"(?<![\w./-])(?P<x>{parts[0]}(?P<sep>{sep}){parts[1]}(?P=sep){parts[2]})"
            rf"(?![\w]|[./-]\d)")


def _resolve_year(m: re.Match[str], ctx: _Ctx) -> DateValue | None:
    return DateValue(date(int(m.group("y")), 1, 1), "year", _text(m))


def _resolve_end_of(m: re.Match[str], ctx: _Ctx) -> DateValue | None:
    p = ctx.published
    if m.group("unit").lower() == "month":
        return DateValue(p.replace(day=1), "month", _text(m))
    return DateValue(date(p.year, 1, 1), "year", _text(m))


def _resolve_ago(m: re.Match[str], ctx: _Ctx) -> DateValue | None:
    n_text = m.group("n").lower()
    n = int(n_text) if n_text.isdigit() else int(_data()["number_words"][n_text])
    unit, p = m.group("u").lower().rstrip("s"), ctx.published
    if unit == "day":
        return DateValue(p - timedelta(days=n), "day", _text(m))
    if unit == "week":
        return DateValue(week_start(p) - timedelta(weeks=n), "week", _text(m))
    if unit == "month":
        return DateValue(add_months(p.replace(day=1), -n), "month", _text(m))
    return DateValue(date(p.year - n, 1, 1), "year", _text(m))


def _text(m: re.Match[str]) -> str:
    return m.group("x") if "x" in m.groupdict() and m.group("x") is not None else m.group(0)


def _span(m: re.Match[str]) -> tuple[int, int]:
    return m.span("x") if "x" in m.groupdict() and m.group("x") is not None else m.span()


@functools.lru_cache(maxsize=1)
def _rules() -> tuple[_Rule, ...]:
    d = _data()
    full = _alt(d["months"])
    mon = rf"(?:{full}|(?:{_alt(d['month_abbreviations'])})\.?)"
    wd = _alt(d["weekdays"])
    season = _alt(d["seasons"])
    day = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
    year = r"(?:19|20)\d{2}(?!\d)"
    sep = rf"(?P<sep>\s*{_DASH}\s*|\s+to\s+|\s+until\s+|\s+and\s+)"
    b, e = r"(?<![\w-])", r"(?![\w])"
    ordinals = _alt(d["quarters"])
    numbers = _alt(d["number_words"])

    def rx(p: str) -> re.Pattern[str]:
        return re.compile(p, re.IGNORECASE)

    single = (rf"{b}(?P<x>(?:(?P<wd>{wd}),?\s+)?(?:the\s+)?(?P<d>{day})(?:\s+of)?\s+(?P<m>{mon})"
              rf"(?:,?\s+(?P<y>{year}))?){e}")
    us_single = rf"{b}(?P<x>(?:(?P<wd>{wd}),?\s+)?(?P<m>{mon})\s+(?P<d>{day})(?:,\s*(?P<y>{year}))?){e}"
    numeric = tuple(_Rule(f"numeric_{'_'.join(form['order'])}",
                          re.compile(_numeric_pattern(form["order"], form["separators"])), _resolve_numeric)
                    for form in d["numeric_dates"])
    return numeric + (
        _Rule("day_range", rx(
            rf"{b}(?P<x>(?:(?P<kw>between|from)\s+)?(?:(?:{wd}),?\s+)?(?:the\s+)?(?P<d1>{day})"
            rf"(?:(?:\s+of)?\s+(?P<m1>{mon}))?(?:,?\s+(?P<y1>{year}))?{sep}(?:(?:{wd}),?\s+)?(?:the\s+)?"
            rf"(?P<d2>{day})(?:\s+of)?\s+(?P<m2>{mon})(?:,?\s+(?P<y2>{year}))?){e}"), _resolve_day_range),
        _Rule("us_range", rx(
            rf"{b}(?P<x>(?P<m1>{mon})\s+(?P<d1>{day})\s*{_DASH}\s*(?:(?P<m2>{mon})\s+)?(?P<d2>{day})"
            rf"(?:,\s*(?P<y>{year}))?){e}"), _resolve_us_range),
        _Rule("week_of", rx(
            rf"{b}(?P<x>(?:the\s+)?week\s+(?:of|commencing|beginning|starting)\s+(?:(?P<wd>{wd}),?\s+)?"
            rf"(?P<d>{day})(?:\s+of)?\s+(?P<m>{mon})(?:,?\s+(?P<y>{year}))?){e}"), _resolve_week_of),
        _Rule("date", rx(single), _resolve_single),
        _Rule("us_date", rx(us_single), _resolve_single),
        _Rule("month_range", rx(
            rf"{b}(?P<x>(?:(?P<kw>between|from)\s+)?(?P<m1>{full}){sep}(?P<m2>{full})(?:,?\s+(?P<y>{year}))?){e}"),
            _resolve_month_range),
        _Rule("month_year", rx(rf"{b}(?P<x>(?P<m>{mon}),?\s+(?:of\s+)?(?P<y>{year})){e}"), _resolve_month_year),
        _Rule("season_year", rx(
            rf"{b}(?:the\s+)?(?P<x>(?P<s>{season})\s+(?:of\s+)?(?P<y>{year})){e}"), _resolve_season_year),
        _Rule("quarter_year", rx(rf"{b}(?P<x>Q(?P<q>[1-4])\s*(?P<y>{year})){e}"), _resolve_quarter_year),
        _Rule("quarter_year_words", rx(
            rf"{b}(?:the\s+)?(?P<x>(?P<qo>{ordinals})\s+quarter\s+(?:of\s+)?(?P<y>{year})){e}"),
            _resolve_quarter_year),
        _Rule("quarter", re.compile(rf"{b}(?P<x>Q(?P<q>[1-4])){e}"), _resolve_bare_quarter),
        _Rule("quarter_words", rx(rf"{b}(?P<x>the\s+(?P<qo>{ordinals})\s+quarter){e}(?!\s+of\s+\d)"),
              _resolve_bare_quarter),
        _Rule("relative_unit", rx(
            rf"{b}(?P<x>(?:(?P<when>earlier|later)\s+)?(?P<rel>this|next|last)\s+(?P<unit>weekend|week|month|quarter|year))"
            rf"(?!\w)"), _resolve_rel_unit),
        _Rule("end_of", rx(rf"{b}(?P<x>(?:the\s+)?end\s+of\s+(?:the|this)\s+(?P<unit>year|month)){e}"),
              _resolve_end_of),
        _Rule("relative_month", rx(rf"{b}(?P<x>(?P<rel>this|next|last)\s+(?P<m>{full})){e}"), _resolve_rel_month),
        _Rule("relative_weekday", rx(rf"{b}(?P<x>(?P<rel>this|next|last)\s+(?P<wd>{wd})){e}"), _resolve_rel_weekday),
        _Rule("relative_season", rx(
            rf"{b}(?P<x>(?:(?:earlier|later)\s+)?(?P<rel>this|next|last)\s+(?P<s>{season})){e}"),
            _resolve_rel_season),
        _Rule("new_year", rx(rf"{b}(?P<x>(?:early\s+)?in\s+the\s+new\s+year){e}(?!\s+honours)"), _resolve_new_year),
        _Rule("day_word", rx(
            rf"{b}(?P<x>(?:earlier|later)\s+today|today|tonight|this\s+(?:morning|afternoon|evening)"
            rf"|yesterday(?:\s+(?:morning|afternoon|evening))?|last\s+night"
            rf"|tomorrow(?:\s+(?:morning|afternoon|evening|night))?){e}"), _resolve_day_word),
        _Rule("in_the_part", rx(rf"{b}(?:later\s+|earlier\s+)?(?P<x>in\s+the\s+(?:morning|afternoon|evening)){e}"),
              _resolve_in_the_part),
        _Rule("weekday", rx(rf"{b}(?P<x>(?P<wd>{wd})){e}"), _resolve_weekday),
        _Rule("month", rx(
            rf"(?P<pre>{b}(?:{_alt(d['month_words'])})(?:\s*-\s*|\s+))(?P<x>(?P<m>{full})){e}(?!-)"),
            _resolve_bare_month),
        _Rule("season", rx(
            rf"{b}(?:{_alt(d['season_words'])})\s+(?P<x>(?:the\s+)?(?P<s>{season})){e}(?!\s+(?:of\s+)?\d)"),
            _resolve_bare_season),
        _Rule("year", re.compile(
            rf"(?i:{b}(?:{_alt(d['year_words'])})(?:\s*-\s*|\s+))(?P<x>(?P<y>{year}))"
            rf"(?![\d%]|\s*[-\u2013/]\s*\d|,\d)"), _resolve_year),
        _Rule("ago", rx(rf"{b}(?P<x>(?P<n>\d+|{numbers})\s+(?P<u>days?|weeks?|months?|years?)\s+ago){e}"),
              _resolve_ago),
    )


@functools.lru_cache(maxsize=1)
def _markers() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    d = _data()

    def words(ws: list[str]) -> re.Pattern[str]:
        alts = "|".join(r"\s+".join(re.escape(p).replace("'", _APOS) for p in w.split())
                        for w in sorted(ws, key=lambda w: (-len(w), w)))
        return re.compile(rf"(?<![\w'\u2019])(?:{alts})(?![\w])", re.IGNORECASE)

    not_dates = re.compile(rf"(?<!\w)(?:{_alt(d['not_dates'])})(?!\w)".replace("'", _APOS), re.IGNORECASE)
    return words(d["future_markers"]), words(d["past_markers"]), not_dates


_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])|\n\s*\n")


class _TenseIndex:
    """Sentence boundaries and tense markers of one text, found once (on first use)."""

    def __init__(self, text: str) -> None:
        future, past, _ = _markers()
        self.text = text
        self.ends = [m.start() + 1 for m in _SENTENCE_END.finditer(text)]
        self.starts = [m.end() for m in _SENTENCE_END.finditer(text)]
        self.markers = sorted([(m.start(), m.end(), "future") for m in future.finditer(text)]
                              + [(m.start(), m.end(), "past") for m in past.finditer(text)])
        self.marker_starts = [m[0] for m in self.markers]

    def tense(self, start: int, end: int) -> str | None:
        """``future``/``past`` from the marker nearest to ``text[start:end]`` in its sentence."""
        i = bisect.bisect_right(self.starts, start)
        lo = self.starts[i - 1] if i else 0
        j = bisect.bisect_left(self.ends, end)
        hi = self.ends[j] if j < len(self.ends) else len(self.text)
        best: tuple[int, int, str] | None = None  # (distance, after?, tense)
        k = bisect.bisect_left(self.marker_starts, lo)
        while k < len(self.markers) and self.markers[k][0] < hi:
            m_start, m_end, tense = self.markers[k]
            k += 1
            if m_end > hi or (m_start < end and m_end > start):
                continue  # beyond the sentence, or inside the date words ("next week", "last year")
            distance = start - m_end if m_end <= start else m_start - end
            key = (distance, int(m_start >= end), tense)
            if best is None or key[:2] < best[:2]:
                best = key
            elif key[:2] == best[:2] and key[2] != best[2]:
                best = (distance, key[1], "")
        return (best[2] or None) if best else None


def find_dates(text: str, published: date, tense: str | None = None) -> list[tuple[int, int, DateValue]]:
    """Every resolvable date expression in ``text``, in order of appearance.

    Args:
        text: running text (a release body or one sentence; line breaks allowed).
        published: the release's publication date, the anchor of every relative
            expression.
        tense: ``"past"``, ``"future"`` or ``None`` (read from each date's
            sentence, see the module docstring). It only matters for words that
            do not say which way to look: a bare weekday, month, season, quarter,
            day-month without a year, and "in the morning".
    Returns:
        ``[(start, end, DateValue), ...]`` with ``text[start:end] ==
        value.text``, non-overlapping (the longest expression wins: "14–15 March
        2025" over "15 March 2025" over "March 2025"). Expressions that name no
        date ("in the coming months", "recently") are not returned.
    Raises:
        ValueError: ``tense`` is not one of :data:`TENSES` or ``None``.
    """
    if tense is not None and tense not in TENSES:
        raise ValueError(f"tense must be one of {TENSES} or None, not {tense!r}")
    if not text:
        return []
    _, _, not_dates = _markers()
    blocked = [m.span() for m in not_dates.finditer(text)]
    candidates: list[tuple[int, int, int, re.Match[str], _Rule]] = []
    for order, rule in enumerate(_rules()):
        for m in rule.pattern.finditer(text):
            s, e = _span(m)
            if any(bs < e and s < be for bs, be in blocked):
                continue
            candidates.append((s, e, order, m, rule))
    # longest first, then earliest rule; keep the ones that resolve and do not overlap a kept one
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[2], c[0]))
    kept: list[tuple[int, int, DateValue]] = []
    index = functools.lru_cache(maxsize=1)(lambda: _TenseIndex(text))
    for s, e, _, m, rule in candidates:
        if any(ks < e and s < ke for ks, ke, _ in kept):
            continue
        ctx = _Ctx(published, tense, index, s, e)
        value = rule.resolve(m, ctx)
        if value is not None and value.start is not None:
            kept.append((s, e, value))
    kept.sort(key=lambda k: k[0])
    return kept


def resolve_date(expression: str, published: date, tense: str | None = None) -> DateValue | None:
    """Resolve one date expression against the publication date.

    Args:
        expression: the date words, optionally with a few words around them
            ("in April", "on 12–14 March", "last year's UK-France Summit",
            "spring 2026"); a sentence works too (its tense markers are read
            when ``tense`` is ``None``).
        published: the release's publication date.
        tense: ``"past"``, ``"future"`` or ``None``; see :func:`find_dates`.
    Returns:
        The :class:`~govpress.models.DateValue` of the longest date expression in
        ``expression`` (the first one when several are equally long), or
        ``None`` when it names no date ("in the coming months").
    Raises:
        ValueError: ``tense`` is invalid.

    Example: ``resolve_date("spring 2026", date(2025, 9, 1))`` →
    ``DateValue(date(2026, 3, 1), "season", "spring 2026")``.
    """
    hits = find_dates(expression, published, tense)
    if not hits:
        return None
    return max(hits, key=lambda h: (h[1] - h[0], -h[0]))[2]
