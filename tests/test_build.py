"""The main job end to end: deterministic, cached, atomic, and tolerant of bad input."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from govpress.build import BuildResult, build
from govpress.cli import cli
from govpress.errors import BuildError
from govpress.settings import TABLES

from .conftest import FOUNDING_ID, SEEDS


def _files(root: Path) -> dict[str, bytes]:
    names = ["datapackage.json", "rejected.csv"] + [f"data/{t}.{ext}" for t in TABLES for ext in ("csv", "parquet")]
    return {n: (root / n).read_bytes() for n in names}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_package_layout_and_release_rows(built: BuildResult, built_package: Path) -> None:
    assert built.rejected == []
    assert built.counts["releases"] == 58
    descriptor = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert descriptor["licenses"][0]["name"] == "OGL-UK-3.0"
    assert [r["name"] for r in descriptor["resources"]][:2] == ["releases", "officials"]
    assert len(descriptor["resources"]) == 16
    rows = {r["release_id"]: r for r in _rows(built_package / "data" / "releases.csv")}
    founding = rows[FOUNDING_ID]
    assert founding["published_date"] == "2025-12-10"
    assert founding["organisations"] == "Foreign, Commonwealth & Development Office"
    assert founding["word_count"] == "700"
    assert founding["withdrawn"] == "false"
    assert founding["content_id"] == ""
    table = pq.read_table(built_package / "data" / "releases.parquet")
    assert str(table.schema.field("published_date").type) == "date32[day]"
    assert str(table.schema.field("word_count").type) == "int64"
    assert table.num_rows == 58
    assert table.column("release_id").to_pylist() == sorted(rows)


def test_rebuild_is_byte_identical_and_cached(built_package: Path, tmp_path: Path) -> None:
    # a different cache, one process: the same bytes as the session build (two processes)
    first = build([SEEDS], tmp_path / "a", cache_dir=tmp_path / "cache", curation_dir=None, jobs=1)
    assert first.extracted == 58 and first.cached == 0
    second = build([SEEDS], tmp_path / "b", cache_dir=tmp_path / "cache", curation_dir=None, jobs=2)
    assert second.extracted == 0 and second.cached == 58  # nothing re-extracted
    assert _files(tmp_path / "a") == _files(built_package)
    assert _files(tmp_path / "b") == _files(built_package)


def _mini_corpus(root: Path) -> Path:
    src = root / "in"
    src.mkdir()
    (src / "good.json").write_text(json.dumps({
        "release_id": "good", "title": "PM call", "published": "2024-05-01",
        "body": "The Prime Minister spoke to President Macron today.",
    }), encoding="utf-8")
    (src / "nodate.md").write_text("---\ntitle: No date\n---\nThe Minister met the Mayor.", encoding="utf-8")
    (src / "latin1.txt").write_bytes(b"---\ntitle: Caf\xe9\npublished: 2024-01-01\n---\nBody.")
    (src / "empty.json").write_text(json.dumps({"title": "Empty", "published": "2024-01-01", "body": ""}), encoding="utf-8")
    return src


def test_bad_inputs_are_reported_and_the_rest_builds(tmp_path: Path) -> None:
    src = _mini_corpus(tmp_path)
    seen = []
    result = build([src], tmp_path / "out", cache_dir=None, curation_dir=None, jobs=1, on_rejected=seen.append)
    assert result.counts["releases"] == 1
    reasons = {Path(r.path).name: r.reason for r in result.rejected}
    assert reasons == {
        "empty.json": "empty body",
        "latin1.txt": "invalid UTF-8 at byte 14",
        "nodate.md": "no published date",
    }
    assert len(seen) == 3
    report = _rows(tmp_path / "out" / "rejected.csv")
    assert [(Path(r["file"]).name, r["reason"]) for r in report] == sorted(reasons.items())


def test_strict_makes_a_rejection_fatal_and_keeps_the_old_package(tmp_path: Path) -> None:
    src = _mini_corpus(tmp_path)
    out = tmp_path / "out"
    (src / "empty.json").unlink(), (src / "latin1.txt").unlink(), (src / "nodate.md").rename(src / "nodate.keep")
    build([src], out, cache_dir=None, curation_dir=None, jobs=1)
    before = _files(out)
    (src / "nodate.keep").rename(src / "nodate.md")
    with pytest.raises(BuildError, match=r"nodate.md: no published date \(rejected under --strict\)"):
        build([src], out, cache_dir=None, curation_dir=None, jobs=1, strict=True)
    assert _files(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".govpress-")]  # no half-written leftovers


def test_a_failing_build_leaves_the_previous_package_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = _mini_corpus(tmp_path)
    out = tmp_path / "out"
    build([src], out, cache_dir=None, curation_dir=None, jobs=1)
    before = _files(out)

    from govpress.package import writer

    def explode(self: object, row: dict) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer.TableWriter, "write", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        build([src], out, cache_dir=None, curation_dir=None, jobs=1)
    assert _files(out) == before
    assert sorted(p.name for p in out.iterdir()) == ["data", "datapackage.json", "rejected.csv"]


def test_cli_build_reports_rejections_and_counts(tmp_path: Path) -> None:
    src = _mini_corpus(tmp_path)
    runner = CliRunner()
    result = runner.invoke(cli, ["build", "--releases", str(src), "--out", str(tmp_path / "out"),
                                 "--cache-dir", str(tmp_path / "c"), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert f"rejected: {src / 'nodate.md'}: no published date" in result.output
    assert "releases                   1 rows" in result.output
    quiet = runner.invoke(cli, ["build", "--releases", str(src), "--out", str(tmp_path / "out"),
                                "--cache-dir", str(tmp_path / "c"), "--jobs", "1", "--quiet"])
    assert quiet.exit_code == 0
    assert "rows" not in quiet.output  # only the rejections (stderr) remain
    strict = runner.invoke(cli, ["build", "--releases", str(src), "--out", str(tmp_path / "out"), "--strict", "-q"])
    assert strict.exit_code == 1
    assert "Error: " in strict.output and "(rejected under --strict)" in strict.output


def test_an_extraction_failure_rejects_only_that_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    from govpress import settings

    build_module = importlib.import_module("govpress.build")  # the module, not the function

    src = _mini_corpus(tmp_path)
    (src / "long.json").write_text(json.dumps({
        "release_id": "long", "title": "Long", "published": "2024-05-01", "body": "Word. " * 30,
    }), encoding="utf-8")
    (src / "boom.json").write_text(json.dumps({
        "release_id": "boom", "title": "Boom", "published": "2024-05-01", "body": "This one breaks the extractor.",
    }), encoding="utf-8")
    real_extract = build_module.extract

    def fragile(release, nlp=None):  # type: ignore[no-untyped-def]
        if release.release_id == "boom":
            raise ValueError("[E088] Text of length 1049996 exceeds maximum of 1000000")
        return real_extract(release, nlp)

    monkeypatch.setattr(build_module, "extract", fragile)
    monkeypatch.setattr(settings, "MAX_EXTRACT_CHARS", 100)
    result = build([src], tmp_path / "out", cache_dir=None, curation_dir=None, jobs=1)
    reasons = {Path(r.path).name: r.reason for r in result.rejected}
    assert reasons["boom.json"] == "extraction failed: ValueError: [E088] Text of length 1049996 exceeds maximum of 1000000"
    assert result.skipped == [("long", "body too long to extract (179 characters; limit 100)")]
    assert result.counts["releases"] == 2  # good + long: the long one is published, not extracted
