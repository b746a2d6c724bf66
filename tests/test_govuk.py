"""GOV.UK Content API items (tests/fixtures/govuk, copied from GOV.UK's published content
schema examples) → Release, the source YAML, and non-English items through the build."""
from __future__ import annotations

import copy
import csv
import json
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from govpress.build import build
from govpress.errors import IngestError
from govpress.ingest import read_release
from govpress.ingest.govuk import DEFAULT_SOURCE, load_source, release_from_content_item
from govpress.ingest.html import html_to_text

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "govuk"


def item(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


# file → (release_id, published_date, document_type, organisations, language, people, world_locations)
EXPECTED = {
    "best-practice-press-release": (
        "new-frank-adverts-mark-tenth-anniversary--2", date(2013, 1, 28), "press_release", ("Home Office",), "en",
        ("Jeremy Browne",), ()),
    "best-practice-news-story": (
        "public-approval-for-driving-limits-for-16-drugs", date(2014, 3, 27), "news_story", ("Department for Transport",),
        "en", ("Robert Goodwill MP",), ()),
    "best-practice-government-response": (
        "improving-food-in-hospitals-and-schools", date(2014, 5, 8), "statement",
        ("Department for Education", "Department for Environment, Food & Rural Affairs",
         "Department of Health and Social Care"), "en", (), ()),
    "best-practice-event": (
        "cde-innovation-network-event-9-july-2015-london", date(2015, 3, 25), "news_story",
        ("Defence Science and Technology Laboratory", "Centre for Defence Enterprise"), "en", (), ()),
    "news_article": (
        "christmas-2016-prime-ministers-message", date(2016, 12, 25), "news_story",
        ("Prime Minister's Office, 10 Downing Street",), "en", ("The Rt Hon Theresa May MP",), ()),
    "news_article_government_response": (
        "fish-washed-up-on-cornwall-beach", date(2016, 12, 28), "statement", ("Marine Management Organisation",), "en", (), ()),
    "news_article_press_release": (
        "modern-life-responsible-for-worrying-health-in-middle-aged", date(2016, 12, 28), "press_release",
        ("Public Health England",), "en", (), ()),
    "news_article_history_mode": (
        "final-care-act-guidance-published", date(2016, 2, 29), "news_story", ("Department of Health",), "en", (), ()),
    "news_article_history_mode_translated_arabic": (
        "uk-and-us-sanction-key-houthi-figures-to-protect-maritime-security-in-the-red-sea-ar", date(2024, 1, 25),
        "news_story", ("Foreign, Commonwealth & Development Office",), "ar", ("The Rt Hon Lord Cameron",), ()),
    "news_article_news_story_translated_arabic": (
        "christmas-2016-prime-ministers-message-ur", date(2016, 12, 25), "news_story",
        ("Prime Minister's Office, 10 Downing Street",), "ur", ("The Rt Hon Theresa May MP",), ()),
    "world_news_story_news_article": (
        "christmas-2016-prime-ministers-message-from-azerbaijan", date(2016, 12, 25), "news_story",
        ("British High Commission Singapore",), "en", ("The Rt Hon Theresa May MP",), ("Azerbaijan",)),
    "news_article_with_image_caption": (
        "british-high-commission-marks-his-majesty-king-charles-iiis-birthday-with-brilliantly-british-celebrations",
        date(2024, 11, 16), "news_story", ("British Deputy High Commission Karachi", "British High Commission Islamabad"),
        "en", (), ("Pakistan",)),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_content_item_fields(name: str) -> None:
    release = read_release(FIXTURES / f"{name}.json")  # detected by content as a Content API item
    raw = item(name)
    got = (release.release_id, release.published_date, release.document_type, release.organisations,
           release.language, release.people, release.world_locations)
    assert got == EXPECTED[name]
    assert release.content_id == raw["content_id"]
    assert release.public_updated_at == raw["public_updated_at"]
    assert release.url == "https://www.gov.uk" + raw["base_path"]
    assert release.withdrawn is False and release.withdrawn_date is None


def test_titles_descriptions_and_first_public_at() -> None:
    response = read_release(FIXTURES / "best-practice-government-response.json")
    assert response.title == "Improving food in hospitals and schools"
    assert response.description == "Government publishes a response to Sustain’s school and hospital food campaign."
    # details.first_public_at (2014-05-08T15:38:28.000+01:00) is preferred and its calendar date kept
    assert response.published_date == date(2014, 5, 8)
    event = item("best-practice-event")
    del event["details"]["first_public_at"]
    event["first_published_at"] = "2015-03-24T13:23:00.000+00:00"
    assert release_from_content_item(event, Path("x.json")).published_date == date(2015, 3, 24)
    urdu = read_release(FIXTURES / "news_article_news_story_translated_arabic.json")
    assert urdu.title == "کرسمس 2016ء : وزیراعظم کا پیغام"


def test_withdrawn_item_keeps_its_notice() -> None:
    release = read_release(FIXTURES / "news_article_withdrawn.json")
    assert release.release_id == "christmas-2016-prime-ministers-message"
    assert release.withdrawn is True
    assert release.withdrawn_date == date(2019, 8, 22)  # withdrawn_at 2019-08-22T10:29:02+01:00
    assert release.withdrawn_explanation == "We’ve withdrawn this news article"
    # the body is the same text as before the withdrawal
    assert release.body == read_release(FIXTURES / "news_article.json").body


def test_govspeak_body_becomes_paragraphs_without_contact_cards() -> None:
    body = read_release(FIXTURES / "best-practice-news-story.json").body
    paragraphs = body.split("\n\n")
    assert paragraphs[0] == ("Today (27 March 2014) the government’s ambition to create a new drug drive limit moved "
                             "a step closer following the results of 2 public consultations.")
    # a heading and its list items each become a paragraph; <abbr> keeps its text; doubled spaces collapse
    i = paragraphs.index("Illicit drugs")
    assert paragraphs[i + 1:i + 3] == ["benzoylecgonine, 50 µg/L", "cocaine, 10 µg/L"]
    assert "delta–9–tetrahydrocannabinol (cannabis and cannabinol), 2 µg/L" in paragraphs
    assert "lysergic acid diethylamide (LSD), 1 µg/L" in paragraphs
    assert paragraphs[-1] == "Drug driving written ministerial statement, 27 March 2014"
    # the embedded press-office contact card (govpress/sources/govuk.yml drop_classes: contact) is gone
    assert "Roads media enquiries" not in body and "020 7944 3021" not in body
    event = read_release(FIXTURES / "best-practice-event.json").body
    assert event.endswith("CDE is part of Dstl.") and "OX11 0QX" not in event
    # block quotes keep their paragraphs; quotes are not merged with what follows
    assert "Road Safety Minister Robert Goodwill said:" in paragraphs


def test_html_to_text_keeps_contact_cards_for_other_callers() -> None:
    html = item("best-practice-event")["details"]["body"]
    assert "Harwell Oxford" in html_to_text(html)
    assert "Harwell Oxford" not in html_to_text(html, drop_classes=["contact"])
    assert html_to_text("<p>A &amp; B</p><script>x()</script><div class='attachment'>file.pdf</div><p>C</p>") == "A & B\n\nC"


def _broken(change: str) -> dict[str, Any]:
    data = item("news_article")
    if change == "no title":
        del data["title"]
    elif change == "bad locale":
        data["locale"] = "../../etc"
    elif change == "redirect":
        data["schema_name"] = "redirect"
    elif change == "null type":
        data["document_type"] = "fatality_notice"
    elif change == "empty body":
        data["details"]["body"] = "<div class='govspeak'><script>x()</script></div>"
    elif change == "links not a list":
        data["links"]["organisations"] = {"title": "Cabinet Office"}
    elif change == "bad date":
        data["details"]["first_public_at"] = "25/12/2016"
    return data


@pytest.mark.parametrize("change, reason", [
    ("no title", "GOV.UK item has no title"),
    ("bad locale", "GOV.UK item locale '../../etc' is not a language tag"),
    ("redirect", "GOV.UK schema_name 'redirect' is not a release"),
    ("null type", "GOV.UK document_type 'fatality_notice' is not ingested (null in govuk.yml)"),
    ("empty body", "empty body"),
    ("links not a list", "GOV.UK item links.organisations is not a list"),
    ("bad date", "published date '25/12/2016' is not an ISO date (YYYY-MM-DD)"),
])
def test_unusable_items_are_ingest_errors(change: str, reason: str) -> None:
    with pytest.raises(IngestError) as info:
        release_from_content_item(_broken(change), Path("item.json"))
    assert info.value.reason.startswith(reason)


def test_unknown_document_type_is_other_and_unknown_keys_warned(caplog: pytest.LogCaptureFixture) -> None:
    data = item("news_article")
    data["document_type"] = "correspondence"
    data["surprise"] = 1
    release = release_from_content_item(data, Path("item.json"))
    assert release.document_type == "other"
    assert "unknown GOV.UK document_type 'correspondence'" in caplog.text
    assert "ignored unknown GOV.UK item keys: surprise" in caplog.text


def test_source_config_is_checked(tmp_path: Path) -> None:
    good = yaml.safe_load(DEFAULT_SOURCE.read_text(encoding="utf-8"))
    assert load_source().item["document_types"]["world_news_story"] == "news_story"
    for change, message in [
        (lambda d: d.update(extra=1), "unknown keys ['extra']"),
        (lambda d: d["client"].pop("user_agent"), "'client' must have exactly the keys"),
        (lambda d: d["item"]["document_types"].update(blog_post="blog"), "item.document_types maps ['blog_post'] outside"),
        (lambda d: d["search"].update(page_size=2000), "search.page_size must be 1..max_page_size"),
    ]:
        data = copy.deepcopy(good)
        change(data)
        path = tmp_path / "bad.yml"
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        load_source.cache_clear()
        with pytest.raises(IngestError, match="bad source config: " + re.escape(message)):
            load_source(path)
    load_source.cache_clear()


def test_non_english_items_are_kept_but_not_extracted(tmp_path: Path) -> None:
    releases = tmp_path / "govuk"
    releases.mkdir()
    for name in ("news_article", "news_article_news_story_translated_arabic", "news_article_history_mode_translated_arabic"):
        shutil.copy(FIXTURES / f"{name}.json", releases / f"{name}.json")
    result = build([releases], tmp_path / "pkg", cache_dir=tmp_path / "cache", curation_dir=None, jobs=1)
    assert result.rejected == []
    assert sorted(result.skipped) == [
        ("christmas-2016-prime-ministers-message-ur", "language 'ur' is not English"),
        ("uk-and-us-sanction-key-houthi-figures-to-protect-maritime-security-in-the-red-sea-ar", "language 'ar' is not English"),
    ]
    with (tmp_path / "pkg" / "data" / "releases.csv").open(encoding="utf-8", newline="") as f:
        rows = {r["release_id"]: r for r in csv.DictReader(f)}
    assert {rid: (r["language"], r["content_id"]) for rid, r in rows.items()} == {
        "christmas-2016-prime-ministers-message": ("en", "d0ee80cd-ed7a-4b04-b60f-3be2f03693af"),
        "christmas-2016-prime-ministers-message-ur": ("ur", "d0ee80cd-ed7a-4b04-b60f-3be2f03693af"),
        "uk-and-us-sanction-key-houthi-figures-to-protect-maritime-security-in-the-red-sea-ar":
            ("ar", "fe363564-f53b-4d59-afc4-c1a7df98159a"),
    }
    assert rows["christmas-2016-prime-ministers-message-ur"]["body"].startswith("وزیراعظم ٹریزامے نے پیغام میں کہا ہے:")
    # no record of any table points at a release not in English
    for table in ("mentions", "events", "commitments", "partnerships"):
        with (tmp_path / "pkg" / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as f:
            assert {r["release_id"] for r in csv.DictReader(f)} <= {"christmas-2016-prime-ministers-message"}, table
