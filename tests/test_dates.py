"""Date resolution against the publication date: issue 3 items, gold events, rules."""
from __future__ import annotations

import functools
import inspect
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from govpress.extract import dates as dates_module
from govpress.extract.dates import find_dates, resolve_date, week_start
from govpress.ingest import read_release
from govpress.models import DateValue

ROOT = Path(__file__).resolve().parents[1]
GOLD = Path(__file__).resolve().parent / "fixtures" / "gold"


def _hits(text: str, published: date, **kw: str) -> list[tuple[str, str, str, str | None]]:
    out = []
    for start, end, value in find_dates(text, published, **kw):
        assert text[start:end] == value.text
        out.append((value.text, value.start.isoformat(), value.precision, value.end and value.end.isoformat()))
    return out


# --- issue 3: "small inputs that must come out right" ------------------------------------

def test_issue_item_1_april_in_a_january_release() -> None:
    text = "In a statement, Home Secretary Yvette Cooper said the new powers would come into force in April."
    assert _hits(text, date(2025, 1, 15)) == [("April", "2025-04-01", "month", None)]


def test_issue_item_4_day_range_with_year() -> None:
    text = "The UK–Italy Migration Partnership was agreed at talks on 14–15 March 2025."
    assert _hits(text, date(2025, 4, 2)) == [("14–15 March 2025", "2025-03-14", "day", "2025-03-15")]


@pytest.mark.parametrize("build_day", ["2025-03-10", "2026-07-31", "1999-01-01"])
def test_issue_item_6_last_week_whatever_the_build_day(build_day: str) -> None:
    # The result depends on the publication date only; the build day is not an input at all.
    text = "The Minister visited Kyiv last week and will return later this year."
    assert _hits(text, date(2025, 3, 10)) == [
        ("last week", "2025-03-03", "week", None), ("later this year", "2025-01-01", "year", None),
    ]


def test_no_wall_clock() -> None:
    source = inspect.getsource(dates_module)
    assert "today()" not in source and ".now(" not in source


def test_issue_item_7_on_friday_in_a_friday_release() -> None:
    text = "The Chancellor confirmed on Friday that the scheme will open."
    assert _hits(text, date(2025, 11, 14)) == [("Friday", "2025-11-14", "day", None)]
    for tense in ("past", "future"):
        assert resolve_date("on Friday", date(2025, 11, 14), tense=tense) == DateValue(
            date(2025, 11, 14), "day", "Friday")


def test_issue_item_8_range_without_year() -> None:
    text = "The summit will take place on 12–14 March."
    assert _hits(text, date(2025, 1, 20)) == [("12–14 March", "2025-03-12", "day", "2025-03-14")]


def test_issue_item_9_spring_2026() -> None:
    text = "The new strategy will be published in spring 2026."
    assert resolve_date(text, date(2025, 9, 1)) == DateValue(date(2026, 3, 1), "season", "spring 2026")


# --- every dated event in the dev gold -----------------------------------------------------

# (release_id, start of the gold evidence, the date words for it in the release body).
# The words are in the evidence or, where the evidence has none, in the sentence the
# release dates it with (nearest occurrence to the evidence).
GOLD_DATE_WORDS = [
    ("e3-leaders-declaration-on-the-situation-in-the-middle-east-declaration-des-dirig",
     "We have discussed the latest", "earlier today"),
    ("foreign-secretary-calls-for-european-cooperation-on-illegal-migration", "Foreign Secretary travels to", "today"),
    ("foreign-secretary-calls-for-european-cooperation-on-illegal-migration", "Council of Europe member states",
     "Spring 2026"),
    ("foreign-secretary-calls-for-european-cooperation-on-illegal-migration", "Minister for the Cabinet Office",
     "today"),
    ("foreign-secretary-calls-for-european-cooperation-on-illegal-migration", "the Foreign Secretary will host",
     "Next June"),
    ("foreign-secretary-meeting-with-us-secretary-of-state-mike-pompeo", "Foreign Secretary Dominic Raab",
     "29 January"),
    ("foreign-secretarys-meeting-with-french-foreign-minister-jean-yves-le-drian-11-de",
     "Foreign Secretary Liz Truss met French", "today"),
    ("foreign-secretarys-meeting-with-french-foreign-minister-jean-yves-le-drian-11-de", "during the G7", "today"),
    ("hms-sutherland-to-deploy-to-asia-pacific-defence-secretary-announces-on-board", "Addressing the crew",
     "this morning"),
    ("joint-statement-from-the-home-secretary-and-the-french-interior-minister", "Summary of a meeting",
     "Monday 15 November"),
    ("pm-call-with-chancellor-scholz-of-germany-28-november-2024", "The Prime Minister spoke", "this afternoon"),
    ("pm-call-with-chancellor-scholz-of-germany-28-november-2024", "his call with President Zelenskyy",
     "this morning"),
    ("pm-call-with-president-macron-of-france-5-july-2025", "The Prime Minister spoke", "this morning"),
    ("pm-call-with-president-macron-of-france-5-july-2025", "He looked forward", "next week"),
    ("pm-call-with-president-macron-of-france-5-july-2025", "Turning to the UK-France Summit", "Thursday"),
    ("pm-call-with-president-macron-of-france-8-april-2024", "Prime Minister Rishi Sunak spoke", "this afternoon"),
    ("pm-call-with-president-macron-of-france-8-april-2024", "last year", "last year"),
    ("pm-call-with-president-trump-of-the-united-states-23-november-2025", "The Prime Minister spoke", "today"),
    ("pm-call-with-president-trump-of-the-united-states-23-november-2025", "the high level discussions", "today"),
    ("pm-call-with-president-zelenskyy-22-may-2022", "The Prime Minister spoke", "this evening"),
    ("pm-call-with-president-zelenskyy-of-ukraine-14-april-2023", "The Prime Minister spoke", "this morning"),
    ("pm-call-with-prime-minister-carney-of-canada-22-june-2025", "The Prime Minister spoke", "this evening"),
    ("pm-call-with-prime-minister-carney-of-canada-22-june-2025", "They looked forward", "this week"),
    ("pm-call-with-prime-minister-meloni-of-italy-25-april-2024", "Prime Minister Rishi Sunak held", "this morning"),
    ("pm-call-with-prime-minister-meloni-of-italy-25-april-2024", "The Prime Minister reflected", "this week"),
    ("pm-call-with-prime-minister-meloni-of-italy-25-april-2024", "the upcoming G7", "June"),
    ("pm-call-with-prime-minister-meloni-of-italy-25-april-2024", "the European Political Community meeting",
     "July"),
    ("pm-meeting-with-president-uhuru-kenyatta-of-kenya-21-january-2020", "The Prime Minister met",
     "this afternoon"),
    ("pm-meeting-with-president-uhuru-kenyatta-of-kenya-21-january-2020", "President Kenyatta was in London",
     "yesterday"),
    ("pm-meeting-with-prime-minister-lee-hsien-loong-19-april-2018", "This afternoon", "This afternoon"),
    ("pm-meeting-with-prime-minister-lee-hsien-loong-19-april-2018", "at the Commonwealth Heads",
     "This afternoon"),
    ("pm-meeting-with-prime-minister-lee-hsien-loong-19-april-2018", "the approach agreed", "March"),
    ("pm-meeting-with-prime-minister-lee-hsien-loong-19-april-2018", "the two governments signed",
     "earlier this week"),
    ("pm-meeting-with-prime-minister-rama-of-albania-15-may-2025", "The Prime Minister was hosted", "today"),
    ("pm-meeting-with-prime-minister-rama-of-albania-15-may-2025", "ahead of the European Political", "tomorrow"),
    ("pm-meeting-with-the-prime-minister-of-albania-5-october-2023", "The Prime Minister met", "today"),
    ("pm-meeting-with-the-prime-minister-of-albania-5-october-2023", "the European Political Community Summit",
     "today"),
    ("pm-met-president-trump-at-downing-street-3-december-2019", "The Prime Minister met", "this evening"),
    ("pm-met-president-trump-at-downing-street-3-december-2019", "tomorrow", "tomorrow"),
    ("pm-met-president-trump-at-downing-street-3-december-2019", "this afternoon", "this afternoon"),
    ("political-talks-update-by-secretary-of-state", "Following discussions", "this morning"),
    ("readout-foreign-secretary-call-with-sergei-lavrov", "The Foreign Secretary spoke", "today"),
    ("secretary-of-state-for-northern-ireland-statement-on-talks", "The parties have made", "today"),
    ("secretary-of-state-for-northern-ireland-statement-on-talks", "The parties will recommence", "in the morning"),
    ("trade-update-uk-gulf-cooperation-council-fta", "The fourth round", "between 17 and 28 July"),
    ("trade-update-uk-gulf-cooperation-council-fta", "The fifth round", "later this year"),
]
# Two calls in one sentence dated by two words ("yesterday and this morning"): the gold's
# two events, in order.
GOLD_TWO_WORDS = {
    "pm-calls-with-president-macron-and-chancellor-merkel-29-april-2018": ("yesterday", "this morning"),
}
# Gold events dated only by the annotation guide's same-day rule ("a present-tense
# activity ... is dated today"): no date words to resolve.
GOLD_NO_DATE_WORDS = {
    ("foreign-secretary-calls-for-european-cooperation-on-illegal-migration", "The Deputy Prime Minister"),
    ("hms-sutherland-to-deploy-to-asia-pacific-defence-secretary-announces-on-board", "Speaking during a visit"),
}


@pytest.fixture(scope="module")
def releases() -> dict[str, object]:
    out = {}
    for path in sorted((ROOT / "seeds").iterdir()):
        if path.suffix in (".json", ".txt"):
            release = read_release(path)
            out[release.release_id] = release
    return out


@functools.lru_cache(maxsize=1)
def _gold_dated_events() -> list[tuple[str, dict]]:
    out = []
    for path in sorted(GOLD.glob("*.yaml")):
        gold = yaml.safe_load(path.read_text(encoding="utf-8"))
        out += [(gold["release_id"], ev) for ev in gold.get("events") or [] if ev.get("start_date")]
    return out


def _pattern(words: str) -> re.Pattern[str]:
    return re.compile(r"\s+".join(re.escape(w) for w in words.replace("’", "'").split()).replace("'", "['’]"))


def test_gold_cases_cover_every_dated_gold_event() -> None:
    listed = {(rid, ev) for rid, ev, _ in GOLD_DATE_WORDS} | GOLD_NO_DATE_WORDS
    events = _gold_dated_events()
    assert len(events) == 50  # the dev gold as copied into tests/fixtures/gold
    for rid, event in events:
        if rid not in GOLD_TWO_WORDS:
            assert any(r == rid and _starts(event, e) for r, e in listed), (rid, event["evidence"])


def _starts(event: dict, prefix: str) -> bool:
    return event["evidence"].replace("’", "'").startswith(prefix.replace("’", "'"))


@pytest.mark.parametrize("release_id, evidence, words", GOLD_DATE_WORDS,
                         ids=[f"{r[:30]}:{w}" for r, _, w in GOLD_DATE_WORDS])
def test_gold_event_dates(releases: dict, release_id: str, evidence: str, words: str) -> None:
    release = releases[release_id]
    body = release.body
    event = next(ev for rid, ev in _gold_dated_events() if rid == release_id and _starts(ev, evidence))
    anchor = _pattern(event["evidence"]).search(body)
    assert anchor, event["evidence"]
    occurrences = [m.start() for m in _pattern(words).finditer(body)]
    nearest = min(occurrences, key=lambda pos: abs(pos - anchor.start()))
    hits = {start: value for start, _, value in find_dates(body, release.published_date)}
    value = hits[nearest]
    assert value.text == body[nearest:nearest + len(value.text)]
    assert value.start == event["start_date"]
    assert value.precision == event["date_precision"]
    assert value.end == event.get("end_date")


def test_gold_two_calls_yesterday_and_this_morning(releases: dict) -> None:
    for release_id, words in GOLD_TWO_WORDS.items():
        release = releases[release_id]
        events = [ev for rid, ev in _gold_dated_events() if rid == release_id]
        found = {v.text: v for _, _, v in find_dates(release.body, release.published_date)}
        assert [(found[w].start, found[w].precision) for w in words] == [
            (ev["start_date"], ev["date_precision"]) for ev in events]


# --- the rules, one by one (publication dates from real releases) --------------------------

@pytest.mark.parametrize(
    "expression, published, tense, expected",
    [
        # days
        ("today", "2021-06-17", None, ("2021-06-17", "day", "today")),
        ("earlier today", "2025-06-22", None, ("2025-06-22", "day", "earlier today")),
        ("this morning", "2023-04-14", None, ("2023-04-14", "day", "this morning")),
        ("this afternoon's meeting", "2019-12-03", None, ("2019-12-03", "day", "this afternoon")),
        ("tonight", "2019-12-03", None, ("2019-12-03", "day", "tonight")),
        ("yesterday's summit", "2020-01-21", None, ("2020-01-20", "day", "yesterday")),
        ("last night's action", "2025-06-22", None, ("2025-06-21", "day", "last night")),
        ("tomorrow's NATO Leaders' Meeting", "2019-12-03", None, ("2019-12-04", "day", "tomorrow")),
        ("tomorrow night", "2017-10-30", None, ("2017-10-31", "day", "tomorrow night")),
        ("in the morning", "2017-10-30", "future", ("2017-10-31", "day", "in the morning")),
        ("in the morning", "2017-10-30", "past", ("2017-10-30", "day", "in the morning")),
        ("talks resumed in the morning", "2017-10-30", None, ("2017-10-30", "day", "in the morning")),
        # weekdays (Sat 2025-07-05)
        ("on Thursday", "2025-07-05", "past", ("2025-07-03", "day", "Thursday")),
        ("on Thursday", "2025-07-05", "future", ("2025-07-10", "day", "Thursday")),
        ("on Thursday", "2025-07-05", None, ("2025-07-03", "day", "Thursday")),
        ("the summit will open on Thursday", "2025-07-05", None, ("2025-07-10", "day", "Thursday")),
        ("on Saturday", "2025-07-05", "future", ("2025-07-05", "day", "Saturday")),
        ("last Saturday", "2025-07-05", None, ("2025-06-28", "day", "last Saturday")),
        ("next Saturday", "2025-07-05", None, ("2025-07-12", "day", "next Saturday")),
        ("this Tuesday", "2025-07-05", None, ("2025-07-01", "day", "this Tuesday")),
        ("Friday's meeting", "2025-11-17", None, ("2025-11-14", "day", "Friday")),
        # weeks (Thu 2018-04-19; Sun 2025-06-22)
        ("earlier this week", "2018-04-19", None, ("2018-04-16", "week", "earlier this week")),
        ("this week", "2024-04-25", None, ("2024-04-22", "week", "this week")),
        ("next week", "2025-07-05", None, ("2025-07-07", "week", "next week")),
        ("last week", "2025-03-10", None, ("2025-03-03", "week", "last week")),
        ("this week", "2025-06-22", "future", ("2025-06-23", "week", "this week")),
        ("this week", "2025-06-22", "past", ("2025-06-16", "week", "this week")),
        ("earlier this week", "2025-06-22", "future", ("2025-06-16", "week", "earlier this week")),
        ("later this week", "2025-06-21", None, ("2025-06-23", "week", "later this week")),
        ("this weekend", "2025-06-21", "future", ("2025-06-16", "week", "this weekend")),
        ("the week commencing 12 May", "2025-05-01", None, ("2025-05-12", "week", "the week commencing 12 May")),
        ("two weeks ago", "2025-03-12", None, ("2025-02-24", "week", "two weeks ago")),
        # explicit days
        ("on 29 January", "2020-01-29", None, ("2020-01-29", "day", "29 January")),
        ("11 December 2021", "2021-12-11", None, ("2021-12-11", "day", "11 December 2021")),
        ("the 5th of May 2022", "2022-05-23", None, ("2022-05-05", "day", "the 5th of May 2022")),
        ("On Monday 15 November", "2021-11-15", None, ("2021-11-15", "day", "Monday 15 November")),
        ("Friday 14 November", "2026-01-10", None, ("2025-11-14", "day", "Friday 14 November")),
        ("January 29, 2020", "2020-02-01", None, ("2020-01-29", "day", "January 29, 2020")),
        ("on 3 Sept 2024", "2024-09-10", None, ("2024-09-03", "day", "3 Sept 2024")),
        ("on 14 March", "2025-11-01", "future", ("2026-03-14", "day", "14 March")),
        ("on 14 December", "2025-11-01", "past", ("2024-12-14", "day", "14 December")),
        # ranges
        ("14–15 March 2025", "2025-01-01", None, ("2025-03-14", "day", "14–15 March 2025", "2025-03-15")),
        ("14—15 March 2025", "2025-01-01", None, ("2025-03-14", "day", "14—15 March 2025", "2025-03-15")),
        ("14-15 March 2025", "2025-01-01", None, ("2025-03-14", "day", "14-15 March 2025", "2025-03-15")),
        ("12–14 March", "2025-01-20", None, ("2025-03-12", "day", "12–14 March", "2025-03-14")),
        ("between 17 and 28 July", "2023-08-01", None,
         ("2023-07-17", "day", "between 17 and 28 July", "2023-07-28")),
        ("from 30 June to 2 July 2025", "2025-06-01", None,
         ("2025-06-30", "day", "from 30 June to 2 July 2025", "2025-07-02")),
        ("28 December – 3 January", "2025-12-01", "future",
         ("2025-12-28", "day", "28 December – 3 January", "2026-01-03")),
        ("March 14-15, 2025", "2025-01-01", None, ("2025-03-14", "day", "March 14-15, 2025", "2025-03-15")),
        ("July-September", "2022-11-30", None, ("2022-07-01", "month", "July-September", "2022-09-30")),
        # months
        ("in April", "2025-01-15", None, ("2025-04-01", "month", "April")),
        ("in April", "2025-06-15", "future", ("2026-04-01", "month", "April")),
        ("in April", "2025-06-15", "past", ("2025-04-01", "month", "April")),
        ("in November", "2025-01-15", "past", ("2024-11-01", "month", "November")),
        ("in September", "2025-12-10", None, ("2025-09-01", "month", "September")),
        ("the March European Council", "2018-04-19", None, ("2018-03-01", "month", "March")),
        ("by mid-June", "2024-04-25", None, ("2024-06-01", "month", "June")),
        ("next June", "2025-12-10", None, ("2026-06-01", "month", "next June")),
        ("next June", "2025-05-10", None, ("2025-06-01", "month", "next June")),
        ("next June", "2025-06-10", None, ("2026-06-01", "month", "next June")),
        ("last June", "2025-06-10", None, ("2024-06-01", "month", "last June")),
        ("July 2021", "2021-11-15", None, ("2021-07-01", "month", "July 2021")),
        ("earlier this month", "2022-11-30", None, ("2022-11-01", "month", "earlier this month")),
        ("next month", "2025-12-10", None, ("2026-01-01", "month", "next month")),
        ("last month", "2025-01-10", None, ("2024-12-01", "month", "last month")),
        # seasons
        ("spring 2026", "2025-09-01", None, ("2026-03-01", "season", "spring 2026")),
        ("in Spring 2026", "2025-12-10", None, ("2026-03-01", "season", "Spring 2026")),
        ("the summer of 2024", "2024-01-01", None, ("2024-06-01", "season", "summer of 2024")),
        ("winter 2025", "2025-01-01", None, ("2025-12-01", "season", "winter 2025")),
        ("this winter", "2025-01-20", None, ("2024-12-01", "season", "this winter")),
        ("this autumn", "2025-03-20", None, ("2025-09-01", "season", "this autumn")),
        ("next spring", "2025-04-20", None, ("2026-03-01", "season", "next spring")),
        ("last summer", "2025-04-20", None, ("2024-06-01", "season", "last summer")),
        ("in the spring", "2025-11-20", "future", ("2026-03-01", "season", "the spring")),
        ("in the autumn", "2025-03-01", None, ("2025-09-01", "season", "the autumn")),
        # quarters
        ("Q3 2025", "2025-01-01", None, ("2025-07-01", "quarter", "Q3 2025")),
        ("the third quarter of 2022", "2022-11-30", None, ("2022-07-01", "quarter", "third quarter of 2022")),
        ("in Q1", "2025-05-01", "future", ("2026-01-01", "quarter", "Q1")),
        ("next quarter", "2025-11-01", None, ("2026-01-01", "quarter", "next quarter")),
        # years
        ("last year's UK-France Summit", "2024-04-08", None, ("2023-01-01", "year", "last year")),
        ("this year", "2025-12-10", None, ("2025-01-01", "year", "this year")),
        ("Earlier this year", "2025-12-10", None, ("2025-01-01", "year", "Earlier this year")),
        ("later this year", "2023-08-01", None, ("2023-01-01", "year", "later this year")),
        ("next year", "2023-08-01", None, ("2024-01-01", "year", "next year")),
        ("in the New Year", "2017-11-24", None, ("2018-01-01", "year", "in the New Year")),
        ("in the new year", "2018-01-05", None, ("2018-01-01", "year", "in the new year")),
        ("by the end of the year", "2025-03-01", None, ("2025-01-01", "year", "the end of the year")),
        ("in 2014", "2018-05-25", None, ("2014-01-01", "year", "2014")),
        ("by 2030", "2025-05-25", None, ("2030-01-01", "year", "2030")),
        ("two years ago", "2025-05-25", None, ("2023-01-01", "year", "two years ago")),
    ],
)
def test_resolve_date(expression: str, published: str, tense: str | None, expected: tuple) -> None:
    value = resolve_date(expression, date.fromisoformat(published), tense=tense)
    start, precision, text, *end = expected
    assert value == DateValue(date.fromisoformat(start), precision, text,
                              date.fromisoformat(end[0]) if end else None)


@pytest.mark.parametrize(
    "expression",
    ["in the coming months", "recently", "soon", "imminently", "the Good Friday Agreement", "Theresa May",
     "the May government", "we may meet", "march on", "500 officers", "a 2.5% rise", "2023-24 figures",
     "over the next year", "the Arab Spring", "the Spring Statement", "UN Resolution 2231", "", "Fridays"],
)
def test_not_a_date(expression: str) -> None:
    assert resolve_date(expression, date(2025, 3, 10)) is None


def test_week_start_is_iso_monday() -> None:
    assert week_start(date(2025, 6, 22)) == date(2025, 6, 16)  # a Sunday
    assert week_start(date(2025, 3, 10)) == date(2025, 3, 10)  # a Monday


def test_invalid_tense_is_a_programmer_error() -> None:
    with pytest.raises(ValueError):
        find_dates("on Friday", date(2025, 1, 1), tense="present")


def test_founding_release_in_full(releases: dict) -> None:
    release = releases["foreign-secretary-calls-for-european-cooperation-on-illegal-migration"]
    found = [(v.text, v.start.isoformat(), v.precision) for _, _, v in find_dates(release.body, release.published_date)]
    assert found == [
        ("today", "2025-12-10", "day"), ("Spring 2026", "2026-03-01", "season"), ("today", "2025-12-10", "day"),
        ("today", "2025-12-10", "day"), ("today", "2025-12-10", "day"), ("Next June", "2026-06-01", "month"),
        ("Earlier this year", "2025-01-01", "year"), ("September", "2025-09-01", "month"),
    ]


def test_offsets_with_line_breaks() -> None:
    text = "Council of Europe member\nstates are expected to meet in Spring\n2026 to discuss"
    [(start, end, value)] = find_dates(text, date(2025, 12, 10))
    assert text[start:end] == "Spring\n2026" == value.text and value.start == date(2026, 3, 1)


# --- issue 9 item 5: numeric dates are British day/month/year ------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The talks took place on 04/06/2025.", [("04/06/2025", "2025-06-04", "day", None)]),  # 4 June, not 6 April
        ("on 4/6/2025 in London", [("4/6/2025", "2025-06-04", "day", None)]),
        ("signed on 04.06.2025.", [("04.06.2025", "2025-06-04", "day", None)]),
        ("from 04-06-2025", [("04-06-2025", "2025-06-04", "day", None)]),
        ("by 31/12/2030 at the latest", [("31/12/2030", "2030-12-31", "day", None)]),
        ("published 2025-06-04", [("2025-06-04", "2025-06-04", "day", None)]),  # ISO 8601 stays year first
        ("on 13/06/2025", [("13/06/2025", "2025-06-13", "day", None)]),
    ],
)
def test_numeric_dates_british_order(text: str, expected: list) -> None:
    assert _hits(text, date(2025, 6, 10)) == expected


@pytest.mark.parametrize("text", ["on 06/13/2025", "on 31/02/2025", "on 04/06/25", "ref 12/05/2025/7", "04/06.2025",
                                  "version 1.04.06.2025"])
def test_not_numeric_dates(text: str) -> None:
    """An impossible day or month (US order "06/13"), a two-digit year, mixed separators or a
    longer number are no date."""
    assert _hits(text, date(2025, 6, 10)) == []


def test_numeric_forms_are_data() -> None:
    forms = yaml.safe_load(dates_module.DATA_PATH.read_text(encoding="utf-8"))["numeric_dates"]
    assert forms[0] == {"order": ["day", "month", "year"], "separators": ["/", ".", "-"]}
