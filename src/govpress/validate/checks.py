"""Layer 2: domain invariants that a Table Schema cannot express.

Checked on the CSV rows (the schema layer has already type-checked them; the parity
layer proves the Parquet and SQLite copies hold the same rows), streaming one row at
a time; release bodies are read one release at a time, never all at once:

- ``evidence-mismatch`` / ``offset-out-of-range``: ``body[char_start:char_end] ==
  evidence`` for every row that has evidence, the body being the ``releases`` row of
  its ``release_id``;
- ``release-hash``: ``text_sha256`` is the SHA-256 of ``body`` and ``word_count`` its
  number of whitespace-separated words;
- ``date-order``: ``end_date >= start_date`` (and no ``end_date`` without a start);
- ``date-precision``: a ``*_precision`` agrees with its date — ``month``, ``season``,
  ``quarter`` and ``year`` dates are the 1st of the period, a ``week`` date is a
  Monday, a season starts in March, June, September or December, a quarter in
  January, April, July or October, a year on 1 January; a precision without a date,
  or a date without a precision, is an error;
- ``timing-mismatch``: an event's ``timing`` equals :func:`govpress.models.timing_of`
  of its dates and its release's ``published_date``;
- ``duplicate-official``: no two officials with the same normalised name (slug of
  the name), nor two unnamed office-holders with the same country and role;
- ``country-code``: every ``*country_code`` is an ISO 3166-1 alpha-2 code
  (pycountry) or ``EU``;
- ``amount-negative`` / ``amount-currency`` / ``currency-code``: an ``amount`` is
  non-negative and has an ISO 4217 ``currency`` (pycountry);
- ``mention-count`` / ``first-mentioned``: an official's ``mention_count`` is its
  number of ``mentions`` rows and ``first_mentioned`` the earliest ``published_date``
  of those releases.

Links between tables (every official, event and partnership in a link table exists)
are the declared ``foreignKeys``, checked by the schema layer on CSV and Parquet.

The same pass counts rows and filled cells per column (:class:`TableStats`) for the
dataset assertions of layer 3.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from ..models import slugify, timing_of
from .package import INVALID, PackageView, TableView
from .problems import WARNING, Problem

__all__ = ["domain_problems", "TableStats", "valid_country", "valid_currency", "precision_problem",
           "EXTRA_COUNTRY_CODES"]

EXTRA_COUNTRY_CODES = frozenset({"EU"})
"""Codes accepted besides ISO 3166-1 alpha-2: ``EU`` for the European Union and its institutions."""

_SEASON_MONTHS = (3, 6, 9, 12)
_QUARTER_MONTHS = (1, 4, 7, 10)


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries)


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.currencies)


def valid_country(code: str) -> bool:
    """True for an ISO 3166-1 alpha-2 code (exact, upper case; pycountry's list) or ``EU``."""
    return code in EXTRA_COUNTRY_CODES or code in _countries()


def valid_currency(code: str) -> bool:
    """True for an ISO 4217 alphabetic code (exact, upper case; pycountry's list)."""
    return code in _currencies()


def precision_problem(value: date, precision: str) -> str | None:
    """Why ``value`` cannot be the first day of a period of ``precision``; ``None`` if it can.

    ``day`` accepts any date; ``week`` a Monday; ``month`` the 1st; ``season`` the
    1st of March, June, September or December; ``quarter`` the 1st of January,
    April, July or October; ``year`` 1 January. An unknown precision is left to the
    schema's enum and accepted here.
    """
    if precision == "week" and value.weekday() != 0:
        return f"a week date must be a Monday, {value.isoformat()} is a {value.strftime('%A')}"
    if precision in ("month", "season", "quarter", "year") and value.day != 1:
        return f"a {precision} date must be the 1st of the period, not {value.isoformat()}"
    if precision == "season" and value.month not in _SEASON_MONTHS:
        return f"a season starts in March, June, September or December, not {value.strftime('%B')}"
    if precision == "quarter" and value.month not in _QUARTER_MONTHS:
        return f"a quarter starts in January, April, July or October, not {value.strftime('%B')}"
    if precision == "year" and value.month != 1:
        return f"a year date must be 1 January, not {value.isoformat()}"
    return None


@dataclass
class TableStats:
    """Rows and filled (non-empty) cells per column of one table's CSV file."""

    rows: int = 0
    filled: dict[str, int] = field(default_factory=dict)

    def add(self, row: dict[str, Any]) -> None:
        """Count one row."""
        self.rows += 1
        for name, value in row.items():
            if value is not None:
                self.filled[name] = self.filled.get(name, 0) + 1
            else:
                self.filled.setdefault(name, 0)

    def fill_rate(self, column: str) -> float | None:
        """Share of rows with a value in ``column`` (0–1); ``None`` for an empty table."""
        return self.filled.get(column, 0) / self.rows if self.rows else None


def _date_fields(types: dict[str, str]) -> list[tuple[str, str]]:
    """``(date_field, precision_field)`` pairs: ``X_precision`` goes with ``X_date``,
    ``date_precision`` with ``start_date``."""
    pairs = []
    for name in types:
        if not name.endswith("precision"):
            continue
        date_field = "start_date" if name == "date_precision" else name[: -len("precision")] + "date"
        if types.get(date_field) == "date":
            pairs.append((date_field, name))
    return pairs


def _ok(*values: Any) -> bool:
    """All values present and parsed (not ``None``, not :data:`INVALID`)."""
    return all(v is not None and v is not INVALID for v in values)


@dataclass
class _Evidence:
    resource: str
    row: int
    start: int
    end: int
    evidence: str


@dataclass
class _State:
    problems: list[Problem] = field(default_factory=list)
    evidence: dict[str, list[_Evidence]] = field(default_factory=lambda: defaultdict(list))
    timing: list[tuple[str, int, str, date, date | None, str | None, str | None]] = field(default_factory=list)
    mentions: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    officials: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    published: dict[str, date] = field(default_factory=dict)

    def add(self, type_: str, message: str, resource: str, row: int | None = None, fld: str | None = None,
            severity: str = "error") -> None:
        self.problems.append(Problem(type_, message, severity=severity, resource=resource, row=row, field=fld,
                                     layer="domain"))


def _row_checks(st: _State, tv: TableView, number: int, row: dict[str, Any],
                pairs: list[tuple[str, str]]) -> None:
    name = tv.name
    # dates and their precision
    for date_field, prec_field in pairs:
        value, precision = row.get(date_field), row.get(prec_field)
        if value is INVALID or precision is INVALID:
            continue
        if value is not None and precision is None:
            st.add("date-precision", f"{date_field} {value.isoformat()} has no {prec_field}", name, number, prec_field)
        elif value is None and precision is not None:
            st.add("date-precision", f"{prec_field} is {precision!r} but {date_field} is empty", name, number, date_field)
        elif value is not None:
            why = precision_problem(value, precision)
            if why:
                st.add("date-precision", why, name, number, date_field)
    if "end_date" in row:
        start, end = row.get("start_date"), row.get("end_date")
        if _ok(start, end) and end < start:
            st.add("date-order", f"end_date {end.isoformat()} is before start_date {start.isoformat()}", name, number, "end_date")
        elif _ok(end) and start is None:
            st.add("date-order", f"end_date {end.isoformat()} without a start_date", name, number, "end_date")
    # countries
    for fld, value in row.items():
        if fld.endswith("country_code") and isinstance(value, str) and not valid_country(value):
            st.add("country-code", f"{value!r} is not an ISO 3166-1 alpha-2 code or EU", name, number, fld)
    # money
    if "amount" in row and "currency" in row:
        amount, currency = row["amount"], row["currency"]
        if _ok(amount) and isinstance(amount, Decimal) and amount < 0:
            st.add("amount-negative", f"amount {amount} is negative", name, number, "amount")
        if _ok(amount) and currency is None:
            st.add("amount-currency", f"amount {amount} has no currency", name, number, "currency")
        if isinstance(currency, str) and not valid_currency(currency):
            st.add("currency-code", f"{currency!r} is not an ISO 4217 currency code", name, number, "currency")
        if currency is not None and amount is None:
            st.add("amount-currency", f"currency {currency!r} without an amount", name, number, "amount",
                   severity=WARNING)
    # provenance: collected, checked against the body later
    if {"release_id", "evidence", "char_start", "char_end"} <= row.keys():
        rid, ev, start, end = row["release_id"], row["evidence"], row["char_start"], row["char_end"]
        if _ok(rid, ev, start, end):
            st.evidence[rid].append(_Evidence(name, number, start, end, ev))
    if "timing" in row and "release_id" in row:
        rid, start = row["release_id"], row.get("start_date")
        if _ok(rid) and start is not INVALID and row.get("end_date") is not INVALID and row["timing"] is not INVALID:
            precision = row.get("date_precision")
            st.timing.append((name, number, rid, start, row.get("end_date"),
                              precision if isinstance(precision, str) else None, row["timing"]))


def _check_release(st: _State, tv: TableView, number: int, row: dict[str, Any]) -> None:
    rid, body = row.get("release_id"), row.get("body")
    if _ok(rid) and _ok(row.get("published_date")):
        st.published.setdefault(rid, row["published_date"])
    if not isinstance(body, str):
        body = ""
    sha = row.get("text_sha256")
    if isinstance(sha, str) and _ok(row.get("body")):
        actual = hashlib.sha256(body.encode("utf-8")).hexdigest()
        if sha != actual:
            st.add("release-hash", f"text_sha256 is {sha[:12]}…, the body's SHA-256 is {actual[:12]}…", tv.name, number, "text_sha256")
    words = row.get("word_count")
    if isinstance(words, int) and not isinstance(words, bool) and _ok(row.get("body")) and words != len(body.split()):
        st.add("release-hash", f"word_count is {words}, the body has {len(body.split())} words", tv.name, number, "word_count")
    if not _ok(rid):
        return
    for ev in st.evidence.pop(rid, []):
        if ev.start > ev.end or ev.end > len(body):
            st.add("offset-out-of-range", f"char_start {ev.start}, char_end {ev.end} do not fit release {rid!r} "
                   f"(body of {len(body)} characters)", ev.resource, ev.row, "char_end")
            continue
        actual = body[ev.start:ev.end]
        if actual != ev.evidence:
            st.add("evidence-mismatch", f"body[{ev.start}:{ev.end}] of {rid!r} is {_short(actual)!r}, "
                   f"evidence is {_short(ev.evidence)!r}", ev.resource, ev.row, "evidence")


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _check_officials(st: _State, officials: TableView | None) -> None:
    if officials is None:
        return
    res = officials.name
    by_name: dict[str, tuple[int, str]] = {}
    by_office: dict[tuple[str, str], tuple[int, str]] = {}
    for number, row in st.officials:
        oid = row.get("official_id")
        name = row.get("name")
        if isinstance(name, str) and slugify(name):
            key = slugify(name)
            if key in by_name:
                first, first_id = by_name[key]
                st.add("duplicate-official", f"{name!r} ({oid}) has the same normalised name as {first_id} (row {first})",
                       res, number, "name")
            else:
                by_name[key] = (number, str(oid))
        elif name is None and isinstance(row.get("role"), str):
            key2 = (str(row.get("country_code") or ""), slugify(row["role"]))
            if key2 in by_office:
                first, first_id = by_office[key2]
                st.add("duplicate-official", f"unnamed {row['role']!r} of {key2[0] or 'no country'} ({oid}) duplicates "
                       f"{first_id} (row {first})", res, number, "role")
            else:
                by_office[key2] = (number, str(oid))
        if not _ok(oid):
            continue
        releases = st.mentions.get(oid, [])
        count = row.get("mention_count")
        if "mention_count" in row and count is not INVALID and count != len(releases):
            st.add("mention-count", f"mention_count is {count}, {oid!r} has {len(releases)} mentions rows", res,
                   number, "mention_count")
        first_date = row.get("first_mentioned")
        dates = [st.published[r] for r in releases if r in st.published]
        if "first_mentioned" in row and first_date is not INVALID and dates and first_date != min(dates):
            shown = first_date.isoformat() if first_date else "empty"
            st.add("first-mentioned", f"first_mentioned is {shown}, the earliest release mentioning {oid!r} "
                   f"was published {min(dates).isoformat()}", res, number, "first_mentioned")


def domain_problems(view: PackageView) -> tuple[list[Problem], dict[str, TableStats]]:
    """Run every domain check of the module docstring on the package's CSV files.

    Args:
        view: the package.
    Returns:
        ``(problems, stats)``: problems of layer ``domain`` and, per table name,
        its :class:`TableStats` (rows and filled cells per column).
    """
    st = _State()
    stats: dict[str, TableStats] = {}
    releases = view.table("releases")
    officials = view.table("officials")
    for name, tv in view.tables.items():
        if tv.csv is None or tv is releases:
            continue
        ts = stats[name] = TableStats()
        pairs = _date_fields(tv.types)
        for number, row in tv.csv_rows():
            ts.add(row)
            _row_checks(st, tv, number, row, pairs)
            if tv is officials:
                st.officials.append((number, row))
            elif name == "mentions" and _ok(row.get("official_id"), row.get("release_id")):
                st.mentions[row["official_id"]].append(row["release_id"])
    if releases is not None and releases.csv is not None:
        ts = stats["releases"] = TableStats()
        for number, row in releases.csv_rows():
            ts.add(row)
            _row_checks(st, releases, number, row, [])
            _check_release(st, releases, number, row)
    # rows whose release does not exist are the foreign-key check's to report
    for name, number, rid, start, end, precision, timing in st.timing:
        published = st.published.get(rid)
        if published is None:
            continue
        expected = timing_of(start, end, precision, published)
        if timing != expected:
            st.add("timing-mismatch", f"timing is {timing or 'empty'!s}, the dates give {expected or 'empty'!s} "
                   f"(published {published.isoformat()})", name, number, "timing")
    _check_officials(st, officials)
    return st.problems, {name: stats[name] for name in view.tables if name in stats}

