"""Money: exact Decimal amounts, ISO 4217 currencies, the words as written."""
from __future__ import annotations

from decimal import Decimal

import pytest

from govpress.extract.money import find_money, parse_money
from govpress.models import Money


def _found(text: str) -> list[tuple[str, str, str, str]]:
    out = []
    for start, end, money in find_money(text):
        assert text[start:end] == money.text
        out.append((money.text, str(money.amount), money.currency, text[start:end]))
    return out


def test_issue_item_5_three_currencies() -> None:
    text = "The UK will invest £500m in schools, alongside a $2bn fund and €1.5bn from EU partners."
    assert find_money(text) == [
        (19, 24, Money(Decimal("500000000"), "GBP", "£500m")),
        (49, 53, Money(Decimal("2000000000"), "USD", "$2bn")),
        (63, 69, Money(Decimal("1500000000"), "EUR", "€1.5bn")),
    ]


def test_scottish_labour_market_release() -> None:
    # seeds/scottish-secretary-comments-on-latest-labour-market-statistics.json (gold amount 2200000000)
    text = "This includes investing more than £2.2 billion across Scotland through our ambitious levelling up agenda"
    [(start, end, money)] = find_money(text)
    assert money == Money(Decimal("2200000000"), "GBP", "£2.2 billion")
    assert str(money.amount) == "2200000000"  # written without a decimal point
    assert text[start:end] == "£2.2 billion"


def test_scottish_gdp_release() -> None:
    # seeds/scottish-secretary-responds-to-scotland-s-gdp-for-third-quarter-of-2022.json (gold 1500000000)
    text = "This is on top of an additional £1.5 billion for the Scottish Government to help support public services"
    assert _found(text) == [("£1.5 billion", "1500000000", "GBP", "£1.5 billion")]


def test_gulf_trade_release() -> None:
    # seeds/trade-update-uk-gulf-cooperation-council-fta.json
    text = "total trade is worth £61.3 billion according to latest figures."
    assert _found(text) == [("£61.3 billion", "61300000000", "GBP", "£61.3 billion")]


@pytest.mark.parametrize(
    "text, words, amount, currency",
    [
        ("up to £500m", "£500m", "500000000", "GBP"),
        ("more than £2.2 billion", "£2.2 billion", "2200000000", "GBP"),
        ("£1.5bn", "£1.5bn", "1500000000", "GBP"),
        ("£1.5 bn", "£1.5 bn", "1500000000", "GBP"),
        ("£10,000", "£10,000", "10000", "GBP"),
        ("£1,250,000.50", "£1,250,000.50", "1250000.50", "GBP"),
        ("£5k grants", "£5k", "5000", "GBP"),
        ("£40 thousand", "£40 thousand", "40000", "GBP"),
        ("£3 trillion", "£3 trillion", "3000000000000", "GBP"),
        ("£0.1m", "£0.1m", "100000", "GBP"),
        ("£1.50 each", "£1.50", "1.50", "GBP"),
        ("£12mn", "£12mn", "12000000", "GBP"),
        ("50 million pounds", "50 million pounds", "50000000", "GBP"),
        ("20 million euros", "20 million euros", "20000000", "EUR"),
        ("3 billion US dollars", "3 billion US dollars", "3000000000", "USD"),
        ("USD 3 billion", "USD 3 billion", "3000000000", "USD"),
        ("2bn EUR", "2bn EUR", "2000000000", "EUR"),
        ("US$2bn", "US$2bn", "2000000000", "USD"),
        ("C$4.5m", "C$4.5m", "4500000", "CAD"),
        ("£5 million sterling", "£5 million sterling", "5000000", "GBP"),
        # ranges: the lower bound, the whole range as text
        ("£5-10m", "£5-10m", "5000000", "GBP"),
        ("£5–10 million", "£5–10 million", "5000000", "GBP"),
        ("£5m–£10m", "£5m–£10m", "5000000", "GBP"),
        ("£500,000 to £1 million", "£500,000 to £1 million", "500000", "GBP"),
        ("£1.5 to 2 billion", "£1.5 to 2 billion", "1500000000", "GBP"),
        ("between £5m and £10m a year", "between £5m and £10m", "5000000", "GBP"),
    ],
)
def test_forms(text: str, words: str, amount: str, currency: str) -> None:
    [(start, end, money)] = find_money(text)
    assert (money.text, str(money.amount), money.currency) == (words, amount, currency)
    assert money.amount == Decimal(amount)
    assert text[start:end] == words


def test_exact_decimal_no_float_rounding() -> None:
    [(_, _, money)] = find_money("£0.3bn and nothing else")
    assert money.amount == Decimal("300000000")
    [(_, _, money)] = find_money("£1.0000001bn")
    assert money.amount == Decimal("1000000100")


def test_not_money() -> None:
    assert find_money("a 5% rise, 500 officers, 2.2 billion people and 12-14 March 2025") == []
    assert find_money("") == []


def test_second_number_that_is_not_money_is_not_a_range() -> None:
    assert _found("£5m to 10,000 schools") == [("£5m", "5000000", "GBP", "£5m")]
    # "and" without "between" is two amounts
    assert _found("£5m and £10m") == [("£5m", "5000000", "GBP", "£5m"), ("£10m", "10000000", "GBP", "£10m")]


def test_parse_money() -> None:
    assert parse_money("up to €20 million") == Money(Decimal("20000000"), "EUR", "€20 million")
    assert parse_money("in spring 2026") is None


# --- issue 9 item 5: known faults --------------------------------------------------------

RISES = "Funding rises from £1.2 million to £3.5 million, with up to £10 million more in 2026."


def test_a_change_from_one_amount_to_another_is_two_amounts() -> None:
    assert find_money(RISES) == [
        (19, 31, Money(Decimal("1200000"), "GBP", "£1.2 million")),
        (35, 47, Money(Decimal("3500000"), "GBP", "£3.5 million")),
        (60, 71, Money(Decimal("10000000"), "GBP", "£10 million")),
    ]
    # a range stays one amount, its lower bound
    assert _found("grants ranging from £5,000 to £50,000") == [("£5,000 to £50,000", "5000", "GBP", "£5,000 to £50,000")]
    assert _found("grants of £5m to £10m") == [("£5m to £10m", "5000000", "GBP", "£5m to £10m")]


def test_committed_money_is_the_new_figure_of_a_change() -> None:
    from govpress.extract.money import committed_money

    assert committed_money(RISES, find_money(RISES)) == Money(Decimal("3500000"), "GBP", "£3.5 million")
    text = "funding grows from £1.2 million in 2024 to £3.5 million in 2026"
    assert committed_money(text, find_money(text)).amount == Decimal("3500000")
    text = "an additional £2 million, from £1 million last year"  # not a change into a second figure
    assert committed_money(text, find_money(text)).amount == Decimal("2000000")
    assert committed_money("no money", []) is None


@pytest.mark.parametrize("body", [
    "<p>A £1.5&nbsp;billion fund, including £250,000&nbsp;for pilots.</p>",      # HTML
    "A £1.5&nbsp;billion fund, including £250,000&nbsp;for pilots.",              # references without markup
    "<p>A £1.5&amp;nbsp;billion fund, including £250,000&amp;nbsp;for pilots.</p>",  # escaped twice
    "A &pound;1.5&#160;billion fund, including &#163;250,000&#xa0;for pilots.",
])
def test_html_references_in_a_body_keep_both_amounts(tmp_path, body: str) -> None:
    import json

    from govpress.ingest import read_release

    path = tmp_path / "r.json"
    path.write_text(json.dumps({"release_id": "r", "title": "Fund", "published": "2025-06-10", "body": body}),
                    encoding="utf-8")
    text = read_release(path).body
    assert text == "A £1.5 billion fund, including £250,000 for pilots."
    assert [(m.text, str(m.amount)) for _, _, m in find_money(text)] == [
        ("£1.5 billion", "1500000000"), ("£250,000", "250000")]


def test_bare_ampersands_are_not_references() -> None:
    from govpress.ingest.html import decode_entities

    assert decode_entities("R&D, AT&T & the &foo; fund") == "R&D, AT&T & the &foo; fund"


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    from govpress.extract import load_pipeline

    return load_pipeline()


def _commitments(nlp, body: str) -> list[tuple[str, str | None, str]]:  # type: ignore[no-untyped-def]
    from datetime import date

    from govpress.extract import extract
    from govpress.models import Release

    ex = extract(Release("r", "T", date(2025, 6, 10), body), nlp)
    return [(c.commitment_type, c.money and str(c.money.amount), c.evidence.text) for c in ex.commitments]


def test_commitment_amount_of_a_change_is_never_the_old_figure(nlp) -> None:  # type: ignore[no-untyped-def]
    found = _commitments(nlp, "The Department will increase funding from £1.2 million to £3.5 million, "
                              "with up to £10 million more in 2026.")
    assert [(t, a) for t, a, _ in found] == [("funding", "3500000")]


def test_two_pledges_of_the_same_amount_are_two_commitments(nlp) -> None:  # type: ignore[no-untyped-def]
    body = ("The Government will provide £10 million for flood defences in Cumbria.\n\n"
            "The Government will also invest £10 million to train new teachers in Cumbria.")
    assert [(t, a) for t, a, _ in _commitments(nlp, body)] == [("funding", "10000000"), ("funding", "10000000")]
    # a sentence restating the same measure is still the same commitment
    body = ("The Government will invest £10 million in flood defences in Cumbria.\n\n"
            "The Government will spend the £10 million on flood defences along the rivers of Cumbria.")
    assert [e for _, _, e in _commitments(nlp, body)] == [
        "The Government will invest £10 million in flood defences in Cumbria."]
