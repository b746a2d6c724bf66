"""Ingest: formats detected by content, the one body normalisation, bad input as rejections."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from govpress.errors import IngestError
from govpress.ingest import find_inputs, ingest, normalise_body, read_release
from govpress.models import Rejection, Release

from .conftest import FOUNDING_ID, SEEDS


def test_founding_release_from_text_and_sidecar() -> None:
    release = read_release(SEEDS / "000_23ac0df54e00c4b6.txt")
    assert release.release_id == FOUNDING_ID
    assert release.title == "Foreign Secretary calls on European partners to step up cooperation on illegal migration"
    assert release.published_date == date(2025, 12, 10)
    assert release.organisations == ("Foreign, Commonwealth & Development Office",)
    assert release.document_type == "press_release"
    assert release.url == "https://www.parliamenttoday.com/free/viewnews.html?id=170478"
    # hard-wrapped lines are joined, so the gold evidence is one verbatim stretch of the body
    assert ("Foreign Secretary travels to Brussels today to meet with the European Commissioner "
            "for Internal Affairs and Migration Magnus Brunner") in release.body
    # a line that ends a sentence keeps its break: the quote starts a new line
    assert "Foreign Secretary, said:\n\"Illegal migration, often fuelled" in release.body
    assert release.body.endswith("which the EU is now exploring.")
    assert release.word_count == 700  # wc -w of the source text


def test_corpus_json_release() -> None:
    path = SEEDS / "pm-call-with-president-macron-of-france-5-july-2025.json"
    release = read_release(path)
    assert release.release_id == "pm-call-with-president-macron-of-france-5-july-2025"
    assert release.title == "PM call with President Macron of France: 5 July 2025"
    assert release.published_date == date(2025, 7, 5)
    assert release.organisations == ("Prime Minister's Office, 10 Downing Street",)
    assert release.body.startswith("The Prime Minister spoke to the President of France Emmanuel Macron this morning.\n\n")
    assert release.body.count("\n\n") == 2


def test_front_matter_markdown(tmp_path: Path) -> None:
    path = tmp_path / "Minister visits Kyiv.md"
    path.write_text(
        "---\ntitle: Minister visits Kyiv\npublished: 2025-03-10\norganisations: [Foreign Office]\n---\n"
        "# Visit\n\nThe **Minister** visited [Kyiv](https://example.org) last week.\n\n- one\n- two\n",
        encoding="utf-8",
    )
    release = read_release(path)
    assert release.release_id == "minister-visits-kyiv"  # slug of the file name
    assert release.body == "Visit\n\nThe Minister visited Kyiv last week.\n\none\n\ntwo"
    assert release.organisations == ("Foreign Office",)


def test_front_matter_plain_text_keeps_markup_characters(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("---\nrelease_id: a-note\ntitle: A note\ndate: 2024-01-02\n---\nPrices rose *sharply* today.\n", encoding="utf-8")
    release = read_release(path)
    assert (release.release_id, release.published_date) == ("a-note", date(2024, 1, 2))
    assert release.body == "Prices rose *sharply* today."


def test_normalisation_rules() -> None:
    raw = "Caf\u0065\u0301  in\u00a0Paris\r\nsaid the\nMinister.\n\n\n\n“Quote” here.\n- item one\n- item two\n"
    text = normalise_body(raw)
    assert text == "Café in Paris said the Minister.\n\n“Quote” here.\n- item one\n- item two"
    assert normalise_body(text) == text  # idempotent


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("nodate.json", json.dumps({"title": "T", "body": "Text."}), "no published date"),
        ("notitle.json", json.dumps({"published": "2024-01-01", "body": "Text."}), "no title"),
        ("empty.json", json.dumps({"title": "T", "published": "2024-01-01", "body": "  \n "}), "empty body"),
        ("baddate.json", json.dumps({"title": "T", "published": "yesterday", "body": "x"}), "published date 'yesterday' is not an ISO date (YYYY-MM-DD)"),
        ("broken.md", "---\ntitle: [unclosed\npublished: 2024-01-01\n---\nBody.", "unparseable front matter"),
        ("unclosed.md", "---\ntitle: T\npublished: 2024-01-01\nBody.", "unparseable front matter: no closing '---' line"),
        ("orphan.txt", "Just text with no metadata.", "no metadata: neither front matter nor a orphan.meta.yaml sidecar"),
        ("trunc.json", '{"title": "T", ', "unparseable JSON (line 1): Expecting property name enclosed in double quotes"),
    ],
)
def test_bad_input_names_file_and_fault(tmp_path: Path, name: str, content: str, reason: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(IngestError) as info:
        read_release(path)
    assert info.value.reason.startswith(reason)
    assert str(info.value).startswith(str(path) + ": ")


def test_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"---\ntitle: Caf\xe9\npublished: 2024-01-01\n---\nBody.")
    with pytest.raises(IngestError, match=r"latin1.txt: invalid UTF-8 at byte 14"):
        read_release(path)


def test_ingest_yields_rejections_and_keeps_going(tmp_path: Path) -> None:
    (tmp_path / "good.json").write_text(json.dumps({"release_id": "good", "title": "Good", "published": "2024-05-01", "body": "Fine."}))
    (tmp_path / "bad.json").write_text(json.dumps({"release_id": "bad", "title": "Bad", "body": "No date."}))
    (tmp_path / "z-dupe.md").write_text("---\nrelease_id: good\ntitle: Again\npublished: 2024-05-02\n---\nCopy.")
    (tmp_path / "README.md").write_text("# not a release")
    (tmp_path / "x.meta.yaml").write_text("title: sidecar without text")
    results = list(ingest([tmp_path]))
    # two different files claim one release_id: both are rejected, each naming the other
    assert [type(r).__name__ for r in results] == ["Rejection", "Rejection", "Rejection"]
    bad, good, dupe = results
    assert bad == Rejection(str(tmp_path / "bad.json"), "no published date")
    assert good.reason == (f"duplicate release_id 'good' with different content (also in {tmp_path / 'z-dupe.md'}); "
                           "all rejected")
    assert str(tmp_path / "good.json") in dupe.reason


def test_find_inputs_is_sorted_and_skips_sidecars() -> None:
    files = find_inputs([SEEDS])
    assert files == sorted(files, key=lambda p: p.as_posix())
    assert SEEDS / "000_23ac0df54e00c4b6.txt" in files
    assert not any(f.name.endswith(".meta.yaml") for f in files)
    assert len([f for f in files if f.parent == SEEDS]) == 58


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no such file or folder"):
        find_inputs([tmp_path / "nope"])


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("[1, 2]", "JSON top level is an array; expected an object (one release per file)"),
        ("null", "JSON top level is null; expected an object (one release per file)"),
        (json.dumps({"title": "T", "published": "2024-01-01", "body": "x", "organisations": {"a": 1}}),
         "organisations is a mapping; expected text or a list of names"),
    ],
)
def test_json_of_the_wrong_shape(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "odd.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(IngestError) as info:
        read_release(path)
    assert info.value.reason == reason


def test_html_in_a_json_body_becomes_text(tmp_path: Path) -> None:
    path = tmp_path / "html.json"
    path.write_text(json.dumps({
        "title": "T", "published": "2024-01-01",
        "body": "<p>The Prime Minister met <b>President Biden</b> today.</p><script>alert(1)</script><p>Second&nbsp;paragraph.</p>",
    }), encoding="utf-8")
    assert read_release(path).body == "The Prime Minister met President Biden today.\n\nSecond paragraph."


def test_unreadable_folders_and_broken_links_are_reported(tmp_path: Path) -> None:
    import os

    (tmp_path / "ok.txt").write_text("---\ntitle: T\npublished: 2024-01-01\n---\nBody.", encoding="utf-8")
    (tmp_path / "gone.json").symlink_to(tmp_path / "missing.json")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "inside.json").write_text("{}", encoding="utf-8")
    locked.chmod(0)
    try:
        problems: list[Rejection] = []
        files = find_inputs([tmp_path], problems=problems)
        if os.access(locked, os.R_OK):  # root can read anything: only the link is a problem
            assert [(Path(p.path).name, p.reason) for p in problems] == [("gone.json", "broken symbolic link")]
        else:
            assert sorted((Path(p.path).name, p.reason) for p in problems) == [
                ("gone.json", "broken symbolic link"), ("locked", "cannot read folder: Permission denied")]
        assert tmp_path / "ok.txt" in files and tmp_path / "gone.json" not in files
    finally:
        locked.chmod(0o755)
