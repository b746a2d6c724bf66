"""Country codes: alias table first, then pycountry by exact name; never fuzzy."""
from __future__ import annotations

import pytest

from govpress.extract.countries import country_code, demonym_code, find_countries


@pytest.mark.parametrize(
    "name, code",
    [
        # the alias table (issue 3)
        ("UK", "GB"), ("U.K.", "GB"), ("the UK", "GB"), ("Britain", "GB"), ("Great Britain", "GB"),
        ("United Kingdom", "GB"), ("Scotland", "GB"), ("Northern Ireland", "GB"), ("Wales", "GB"),
        ("England", "GB"),
        ("Türkiye", "TR"), ("Turkey", "TR"), ("Russia", "RU"),
        ("US", "US"), ("USA", "US"), ("United States", "US"), ("the United States of America", "US"),
        ("America", "US"),
        ("EU", "EU"), ("European Union", "EU"), ("European Commission", "EU"), ("EU Commissioner", "EU"),
        ("European Council", "EU"),
        # names pycountry spells differently
        ("Iran", "IR"), ("Syria", "SY"), ("South Korea", "KR"), ("North Korea", "KP"), ("Vietnam", "VN"),
        ("Czech Republic", "CZ"), ("Ivory Coast", "CI"), ("the Netherlands", "NL"), ("Holland", "NL"),
        ("UAE", "AE"),
        # pycountry by exact name / official name / common name, case- and accent-insensitive
        ("Niger", "NE"), ("Nigeria", "NG"), ("Belgium", "BE"), ("france", "FR"), ("Kingdom of Belgium", "BE"),
        ("Côte d’Ivoire", "CI"), ("Guinea-Bissau", "GW"), ("Guinea–Bissau", "GW"), ("Albania", "AL"),
        ("Ukraine", "UA"), ("Uganda", "UG"), ("Singapore", "SG"), ("Republic of Türkiye", "TR"),
    ],
)
def test_country_code(name: str, code: str) -> None:
    assert country_code(name) == code


@pytest.mark.parametrize("name", ["Korea", "Europe", "Kosovo", "Council of Europe", "Brussels", "in", "IN", "",
                                  "Nigera", "Niger Republic", "U K", "Commonwealth"])
def test_country_code_never_guesses(name: str) -> None:
    # "IN" is India's alpha-2 code but not a name; a misspelling is not fuzzy-matched
    assert country_code(name) is None


@pytest.mark.parametrize(
    "word, code",
    [
        ("French", "FR"), ("Belgian", "BE"), ("Belgium's", "BE"), ("Belgium’s", "BE"), ("Ukrainian", "UA"),
        ("Kenyan", "KE"), ("Italian", "IT"), ("Canadian", "CA"), ("German", "DE"), ("Russian", "RU"),
        ("British", "GB"), ("European", "EU"), ("UK's", "GB"), ("Britain’s", "GB"), ("Albania’s", "AL"),
        ("France’s", "FR"), ("Philippines'", "PH"), ("South Korean", "KR"), ("Nigerien", "NE"),
        ("Nigerian", "NG"), ("Scottish", "GB"), ("Irish", "IE"), ("Dutch", "NL"), ("UK", "GB"),
    ],
)
def test_demonym_code(word: str, code: str) -> None:
    assert demonym_code(word) == code


@pytest.mark.parametrize("word", ["Korean", "Congolese", "Prime", "Minister's", "", "Kallas's"])
def test_demonym_code_unknown(word: str) -> None:
    assert demonym_code(word) is None


def _found(text: str, **kw: bool) -> list[tuple[str, str]]:
    return [(text[s:e], code) for s, e, code in find_countries(text, **kw)]


def test_issue_item_10_great_britain_is_never_uganda_or_ukraine() -> None:
    text = "The UK will host the summit alongside Great Britain's Commonwealth partners."
    assert _found(text) == [("UK", "GB"), ("Great Britain", "GB")]


def test_issue_item_11_niger_russia_turkiye() -> None:
    assert _found("Officials from Niger, Russia and Türkiye attended.") == [
        ("Niger", "NE"), ("Russia", "RU"), ("Türkiye", "TR"),
    ]


@pytest.mark.parametrize("dash", ["-", "\u2013", "\u2014", "\u2011", "\u2010"])
def test_compounds_with_every_dash_kind(dash: str) -> None:
    text = f"the Joint UK{dash}Italy Illicit Finance Taskforce and the UK{dash}EU strategic partnership"
    assert _found(text) == [("UK", "GB"), ("Italy", "IT"), ("UK", "GB"), ("EU", "EU")]


def test_founding_release_sentence() -> None:
    # From the founding release (seeds/000_23ac0df54e00c4b6.txt): line breaks inside names
    text = ("meet with the European Commissioner for Internal Affairs and\nMigration Magnus Brunner, as well as "
            "Belgium's Foreign\nMinister Maxime Prévot")
    assert _found(text) == [("European Commissioner", "EU"), ("Belgium", "BE")]


def test_offsets_point_into_text() -> None:
    text = "Prime Minister Rishi Sunak spoke to France’s President Emmanuel Macron this afternoon."
    (start, end, code), = find_countries(text)
    assert (start, end, code) == (36, 42, "FR") and text[start:end] == "France"


def test_longest_form_wins_and_blocked_phrases() -> None:
    text = ("Northern Ireland, Papua New Guinea, Guinea-Bissau and South Sudan; the Council of Europe met; "
            "across the Indian Ocean and New South Wales; the European Political Community")
    assert _found(text) == [
        ("Northern Ireland", "GB"), ("Papua New Guinea", "PG"), ("Guinea-Bissau", "GW"), ("South Sudan", "SS"),
    ]


def test_case_rules() -> None:
    # acronyms must be written in capitals; names must start with a capital
    assert _found("Tell us about turkey and chad, then the US and Chad.") == [("US", "US"), ("Chad", "TD")]


def test_demonyms_switch_and_prefix_forms() -> None:
    text = "An Anglo-French summit with the Kenyan President in Kenya."
    assert _found(text) == [("Anglo", "GB"), ("French", "FR"), ("Kenyan", "KE"), ("Kenya", "KE")]
    assert _found(text, demonyms=False) == [("Kenya", "KE")]


def test_real_release_kenyatta() -> None:
    # seeds/pm-meeting-with-president-uhuru-kenyatta-of-kenya-21-january-2020.json
    text = ("The Prime Minister met Kenyan President Uhuru Kenyatta at Downing Street this afternoon. "
            "President Kenyatta was in London to attend yesterday’s UK-Africa Investment Summit")
    assert _found(text) == [("Kenyan", "KE"), ("UK", "GB")]
