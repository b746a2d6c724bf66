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
