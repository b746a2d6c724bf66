"""Curation: a correction keyed by a record's ID survives every rebuild."""
from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from govpress.build import build
from govpress.curate import Curation, CurationError, load_curation


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_apply_set_verified_delete() -> None:
    cur = Curation([
        {"table": "events", "id": "r/event/1", "set": {"start_date": "2026-06-01"}},
        {"table": "events", "id": "r/event/2", "verified": True},
        {"table": "events", "id": "r/event/3", "delete": True},
        {"table": "events", "id": "gone/event/9", "verified": True},
    ])
    row = {"event_id": "r/event/1", "start_date": None, "review_status": "machine"}
    assert cur.apply("events", row) == {"event_id": "r/event/1", "start_date": date(2026, 6, 1), "review_status": "corrected"}
    assert cur.apply("events", {"event_id": "r/event/2", "review_status": "machine"})["review_status"] == "verified"
    assert cur.apply("events", {"event_id": "r/event/3", "review_status": "machine"}) is None
    # link rows of a deleted event go with it
    assert cur.apply("event_participants", {"event_id": "r/event/3", "official_id": "x"}) is None
    assert cur.apply("event_participants", {"event_id": "r/event/1", "official_id": "x"}) is not None
    assert cur.unused() == ["events gone/event/9"]
    with pytest.raises(CurationError, match="unknown field"):
        Curation([{"table": "events", "id": "r/event/4", "set": {"colour": "red"}}]).apply(
            "events", {"event_id": "r/event/4", "review_status": "machine"})


def test_bad_curation_files_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("- {table: nope, id: x}\n", encoding="utf-8")
    with pytest.raises(CurationError, match=r"a.yaml: entry 1: table 'nope' cannot be curated"):
        load_curation(tmp_path)
    (tmp_path / "a.yaml").write_text("table: events\n", encoding="utf-8")
    with pytest.raises(CurationError, match=r"a.yaml: expected a list of corrections"):
        load_curation(tmp_path)
    assert len(load_curation(tmp_path / "missing")) == 0


def test_correction_survives_rebuilds(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "r.json").write_text(json.dumps({
        "release_id": "r", "title": "Title", "published": "2024-05-01", "body": "Some text.",
    }), encoding="utf-8")
    cur = tmp_path / "curation"
    cur.mkdir()
    (cur / "releases.yaml").write_text(
        "- table: releases\n  id: r\n  set: {title: Corrected title}\n", encoding="utf-8")
    for _ in range(2):  # the second build comes from the cache; the correction still applies
        result = build([src], tmp_path / "out", cache_dir=tmp_path / "cache", curation_dir=cur, jobs=1)
        assert _rows(tmp_path / "out" / "data" / "releases.csv")[0]["title"] == "Corrected title"
        assert result.unused_curation == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("event_type", "party", "'party' is not one of meeting, visit, summit"),
        ("start_date", "next June", "'next June' is not an ISO date (YYYY-MM-DD)"),
        ("char_start", "12", "'12' is not a whole number"),
    ],
)
def test_curated_values_are_checked_at_build_time(field: str, value: str, message: str) -> None:
    cur = Curation([{"table": "events", "id": "r/event/1", "set": {field: value}, "_file": "curation/x.yaml"}])
    row = {"event_id": "r/event/1", "event_type": "meeting", "start_date": None, "char_start": 0, "review_status": "machine"}
    with pytest.raises(CurationError, match=r"curation/x.yaml: events r/event/1: " + field + ": " + message.replace("(", r"\(").replace(")", r"\)")):
        cur.apply("events", row)


def test_enums_in_models_match_the_table_schemas() -> None:
    from govpress.models import FIELD_ENUMS
    from govpress.package import load_schema

    declared = {(t, f["name"]): tuple(f["constraints"]["enum"])
                for t in ("releases", "events", "event_participants", "commitments", "partnerships")
                for f in load_schema(t)["fields"] if "enum" in f.get("constraints", {})
                and f["name"] not in ("method", "review_status")}
    assert declared == FIELD_ENUMS
