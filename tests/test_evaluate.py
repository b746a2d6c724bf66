"""``govpress evaluate``: hand-worked scores, and the same numbers as the maintainers' score.py."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from govpress.cli import cli
from govpress.errors import GoldError, PackageNotFound
from govpress.evaluate import evaluate
from govpress.models import slugify

GOLD = Path(__file__).resolve().parent / "fixtures" / "gold"
SCORE_PY = Path("/work/shared/tools/score.py")

COLUMNS = {
    "releases": ["release_id", "title", "published_date"],
    "officials": ["official_id", "name", "role", "organisation", "country_code", "first_mentioned", "mention_count"],
    "mentions": ["release_id", "official_id", "role_in_release", "evidence", "char_start", "char_end"],
    "events": ["event_id", "release_id", "event_type", "name", "start_date", "end_date", "date_precision",
               "date_text", "location", "country_code", "evidence"],
    "event_participants": ["event_id", "official_id", "participant_role"],
    "commitments": ["commitment_id", "release_id", "actor", "commitment_type", "action", "status", "amount",
                    "currency", "amount_text", "evidence"],
    "partnerships": ["partnership_id", "release_id", "name", "partnership_type", "status", "evidence"],
    "partnership_parties": ["partnership_id", "party", "country_code"],
}


def write_package(root: Path, tables: dict[str, list[dict]]) -> Path:
    """A minimal package: ``root/data/<table>.csv`` with the columns the scorer reads."""
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    for table, columns in COLUMNS.items():
        with (data / f"{table}.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, columns, lineterminator="\n")
            writer.writeheader()
            for row in tables.get(table, []):
                writer.writerow({c: row.get(c, "") for c in columns})
    return root


def write_gold(folder: Path, golds: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for gold in golds:
        (folder / f"{gold['release_id']}.yaml").write_text(yaml.safe_dump(gold, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


# --- a tiny package worked out by hand ----------------------------------------------------

TINY_GOLD = [
    {
        "release_id": "r1",
        "officials": [
            {"name": "Magnus Brunner", "role": "European Commissioner for Internal Affairs and Migration",
             "country_code": "EU"},
            {"name": None, "role": "Foreign Secretary", "country_code": "GB"},
            {"name": "Maxime Prévot", "role": "Foreign Minister", "country_code": "BE"},
        ],
        "events": [
            {"evidence": "travels to Brussels today to meet with the European Commissioner", "event_type": "visit",
             "start_date": "2025-12-10", "date_precision": "day", "participants": ["Foreign Secretary", "Magnus Brunner"]},
            {"evidence": "the Foreign Secretary will host the Illicit Finance Summit at Lancaster House in London",
             "event_type": "summit", "start_date": "2026-06-01", "date_precision": "month"},
        ],
        "commitments": [
            {"evidence": "will invest £500m in schools", "actor": "the Government", "commitment_type": "funding",
             "status": "pledged", "amount": 500000000},
            {"evidence": "the Foreign Office doubles the migration unit within the department",
             "actor": "the Foreign Office", "commitment_type": "resourcing", "status": "announced"},
        ],
        "partnerships": [
            {"evidence": "the UK's migration treaty with France", "partnership_type": "treaty", "parties": ["GB", "FR"]},
        ],
    },
    {
        "release_id": "r2",
        "events": [
            {"evidence": "The Prime Minister met President Trump this evening at Downing Street",
             "event_type": "meeting", "start_date": "2019-12-03", "date_precision": "day"},
        ],
    },
    {"release_id": "r3"},  # a release the package lacks (with no records, so it changes no count)
]

TINY_PACKAGE = {
    "releases": [{"release_id": "r1"}, {"release_id": "r2"}],
    "officials": [
        {"official_id": "magnus-brunner", "name": "Magnus Brunner",
         "role": "European Commissioner for Internal Affairs and Migration", "country_code": "BE"},  # wrong country
        {"official_id": "gb-foreign-secretary", "name": "", "role": "Foreign Secretary", "country_code": "GB"},
        {"official_id": "john-smith", "name": "John Smith", "role": "Ambassador", "country_code": "FR"},
    ],
    "mentions": [
        {"release_id": "r1", "official_id": "magnus-brunner", "role_in_release": "Commissioner"},
        {"release_id": "r1", "official_id": "gb-foreign-secretary", "role_in_release": "Foreign Secretary"},
        {"release_id": "r1", "official_id": "john-smith", "role_in_release": "Ambassador"},
    ],
    "events": [
        {"event_id": "r1/event/1", "release_id": "r1", "event_type": "visit", "start_date": "2025-12-10",
         "date_precision": "day",
         "evidence": "Foreign Secretary travels to Brussels today to meet with the European Commissioner for "
                     "Internal Affairs and Migration Magnus Brunner"},
        {"event_id": "r1/event/2", "release_id": "r1", "event_type": "summit",
         "evidence": "The summit will focus on strengthening enforcement"},
        {"event_id": "r2/event/1", "release_id": "r2", "event_type": "meeting", "start_date": "2019-12-02",
         "date_precision": "day", "evidence": "The Prime Minister met President Trump this evening at Downing Street."},
    ],
    "event_participants": [
        {"event_id": "r1/event/1", "official_id": "gb-foreign-secretary", "participant_role": "attendee"},
        {"event_id": "r1/event/1", "official_id": "magnus-brunner", "participant_role": "counterpart"},
    ],
    "commitments": [
        {"commitment_id": "r1/commitment/1", "release_id": "r1", "actor": "The Government",
         "commitment_type": "funding", "status": "pledged", "amount": "500000000", "currency": "GBP",
         "evidence": "The Government will invest £500m in schools."},
        # token cover 5/8 = 0.625 of the gold evidence: a match, with the wrong type
        {"commitment_id": "r1/commitment/2", "release_id": "r1", "actor": "Foreign Office",
         "commitment_type": "policy", "status": "announced", "evidence": "Foreign Office doubles migration unit"},
    ],
    "partnerships": [
        {"partnership_id": "r1/partnership/1", "release_id": "r1", "partnership_type": "treaty",
         "evidence": "the UK’s migration treaty with France"},
        {"partnership_id": "r2/partnership/1", "release_id": "r2", "partnership_type": "other",
         "evidence": "a strong alliance"},
    ],
    "partnership_parties": [
        {"partnership_id": "r1/partnership/1", "party": "UK", "country_code": "GB"},
        {"partnership_id": "r1/partnership/1", "party": "France", "country_code": "FR"},
        {"partnership_id": "r2/partnership/1", "party": "US", "country_code": "US"},
    ],
}


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[Path, Path]:
    return write_package(tmp_path / "pkg", TINY_PACKAGE), write_gold(tmp_path / "gold", TINY_GOLD)


def test_tiny_package_by_hand(tiny: tuple[Path, Path]) -> None:
    report = evaluate(*tiny)
    assert report.releases_scored == 3
    assert report.releases_missing == ["r3"]
    rows = {k: v.to_json() for k, v in report.tables.items()}
    # officials: gold 3, predicted 3, Brunner (name) and the Foreign Secretary (role, GB) match;
    # Brunner's country is wrong, so 1 strict match: P = R = 2/3, strict P = R = 1/3
    assert rows["officials"] == {"gold": 3, "predicted": 3, "matched": 2, "precision": 0.667, "recall": 0.667,
                                 "f1": 0.667, "strict_f1": 0.333,
                                 "attributes": {"country_code": 0.5, "role": 1.0}}
    # events: the visit (contained evidence) and the Trump meeting (wrong date) match; 1 strict
    assert rows["events"] == {"gold": 3, "predicted": 3, "matched": 2, "precision": 0.667, "recall": 0.667,
                              "f1": 0.667, "strict_f1": 0.333,
                              "attributes": {"date_precision": 1.0, "event_type": 1.0, "participants": 1.0,
                                             "start_date": 0.5}}
    # commitments: both match (one by containment, one by 62.5% token cover); one has the wrong type
    assert rows["commitments"] == {"gold": 2, "predicted": 2, "matched": 2, "precision": 1.0, "recall": 1.0,
                                   "f1": 1.0, "strict_f1": 0.5,
                                   "attributes": {"actor": 1.0, "amount": 1.0, "commitment_type": 0.5,
                                                  "status": 1.0}}
    # partnerships: the treaty matches (type and parties right); r2's is a false alarm: P = 1/2, R = 1
    assert rows["partnerships"] == {"gold": 1, "predicted": 2, "matched": 1, "precision": 0.5, "recall": 1.0,
                                    "f1": 0.667, "strict_f1": 0.667,
                                    "attributes": {"parties": 1.0, "partnership_type": 1.0}}
    # macro: the mean of the rounded per-table figures
    assert report.macro_f1 == 0.75  # (0.667 + 0.667 + 1.0 + 0.667) / 4 = 0.75025
    assert report.macro_strict_f1 == 0.458  # (0.333 + 0.333 + 0.5 + 0.667) / 4 = 0.45825
    assert [str(f) for f in report.misses] == [
        "r1 officials MISS {'name': 'Maxime Prévot', 'role': 'Foreign Minister', 'country_code': 'BE'}",
        "r1 events MISS 'the Foreign Secretary will host the Illicit Finance Summit at Lancaster House in London'",
    ]
    assert [str(f) for f in report.false_alarms] == [
        "r1 officials EXTRA {'name': 'John Smith', 'role': 'Ambassador', 'country_code': 'FR'}",
        "r1 events EXTRA 'The summit will focus on strengthening enforcement'",
        "r2 partnerships EXTRA 'a strong alliance'",
    ]


def test_release_filter_and_data_dir(tiny: tuple[Path, Path]) -> None:
    package, gold = tiny
    report = evaluate(package / "data", gold, releases=["r2"])  # the data/ folder itself works too
    assert report.releases_scored == 1
    events = report.tables["events"].to_json()
    assert (events["gold"], events["predicted"], events["matched"], events["strict_f1"]) == (1, 1, 1, 0.0)
    assert report.tables["partnerships"].predicted == 1  # r2's false alarm


def test_long_prediction_never_matches(tmp_path: Path) -> None:
    # a prediction more than max(80, 3 × gold tokens) tokens long does not match, even when it contains the gold
    long_evidence = "The Prime Minister met President Trump this evening at Downing Street " + "and more " * 40
    package = write_package(tmp_path / "p", {
        "releases": [{"release_id": "r2"}],
        "events": [{"event_id": "r2/event/1", "release_id": "r2", "event_type": "meeting",
                    "evidence": long_evidence}],
    })
    gold = write_gold(tmp_path / "g", [TINY_GOLD[1]])
    assert evaluate(package, gold).tables["events"].matched == 0


def test_errors(tmp_path: Path, tiny: tuple[Path, Path]) -> None:
    package, gold = tiny
    with pytest.raises(PackageNotFound):
        evaluate(tmp_path / "nowhere", gold)
    with pytest.raises(GoldError):
        evaluate(package, tmp_path / "no-gold")
    with pytest.raises(GoldError):
        evaluate(package, gold, releases=["not-a-release"])
    (gold / "broken.yaml").write_text("release_id: [unclosed\n", encoding="utf-8")
    with pytest.raises(GoldError, match="broken.yaml"):
        evaluate(package, gold)


# --- the same numbers as score.py ---------------------------------------------------------

needs_score_py = pytest.mark.skipif(not SCORE_PY.exists(), reason="the maintainers' score.py is not here")


def score_py(data_dir: Path, gold_dir: Path, tmp_path: Path) -> dict:
    out = tmp_path / "score.json"
    subprocess.run([sys.executable, str(SCORE_PY), str(data_dir), str(gold_dir), "--json", str(out)],
                   check=True, capture_output=True)
    return json.loads(out.read_text(encoding="utf-8"))


def mine(package: Path, gold: Path) -> dict:
    report = evaluate(package, gold).to_json()
    del report["misses"], report["false_alarms"]
    return report


@needs_score_py
def test_same_numbers_as_score_py_on_the_tiny_package(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    package, gold = tiny
    assert mine(package, gold) == score_py(package / "data", gold, tmp_path)


def package_from_gold(root: Path) -> Path:
    """A package made from the dev gold with deterministic damage: dropped, shortened,
    mis-dated, mis-typed and invented records, wrong countries and parties, one
    release left out. Exercises every matching rule."""
    tables: dict[str, list[dict]] = {t: [] for t in COLUMNS}
    officials: dict[str, dict] = {}
    n = 0
    for path in sorted(GOLD.glob("*.yaml")):
        gold = yaml.safe_load(path.read_text(encoding="utf-8"))
        rid = gold["release_id"]
        if n % 9 == 4:
            n += 1
            continue  # a release missing from the package
        tables["releases"].append({"release_id": rid})
        ids_by_label = {}
        for o in gold.get("officials") or []:
            n += 1
            if n % 6 == 0:
                continue
            oid = slugify(o.get("name") or f"{o.get('country_code') or 'xx'}-{o.get('role')}")
            name = o.get("name") or ""
            if n % 7 == 0 and name:
                name = name.split()[-1]  # "Brunner" alone: no match
            officials.setdefault(oid, {"official_id": oid, "name": name, "role": o.get("role") or "",
                                       "country_code": ("FR" if n % 5 == 0 else (o.get("country_code") or ""))})
            tables["mentions"].append({"release_id": rid, "official_id": oid,
                                       "role_in_release": "" if n % 4 == 0 else (o.get("role") or "")})
            ids_by_label[o.get("name") or o.get("role")] = oid
        for table in ("events", "commitments", "partnerships"):
            for i, g in enumerate(gold.get(table) or [], 1):
                n += 1
                if n % 5 == 0:
                    continue
                words = g["evidence"].split()
                evidence = " ".join(words[: max(1, int(len(words) * 0.7))]) if n % 3 == 0 else g["evidence"]
                rec_id = f"{rid}/{table[:-1]}/{i}"
                if table == "events":
                    tables["events"].append({
                        "event_id": rec_id, "release_id": rid,
                        "event_type": "other" if n % 4 == 0 else g.get("event_type"),
                        "start_date": "" if n % 7 == 0 else str(g.get("start_date") or ""),
                        "date_precision": g.get("date_precision") or "", "location": g.get("location") or "",
                        "country_code": g.get("country_code") or "", "evidence": evidence})
                    for label in (g.get("participants") or [])[: 1 + n % 3]:
                        if label in ids_by_label:
                            tables["event_participants"].append({"event_id": rec_id,
                                                                 "official_id": ids_by_label[label]})
                elif table == "commitments":
                    tables["commitments"].append({
                        "commitment_id": rec_id, "release_id": rid,
                        "commitment_type": "policy" if n % 4 == 0 else g.get("commitment_type"),
                        "status": g.get("status") or "", "actor": g.get("actor") or "",
                        "amount": str(g.get("amount") or ""), "evidence": evidence})
                else:
                    tables["partnerships"].append({
                        "partnership_id": rec_id, "release_id": rid,
                        "partnership_type": g.get("partnership_type"), "evidence": evidence})
                    parties = list(g.get("parties") or [])
                    if n % 4 == 0:
                        parties = parties[:1]
                    for code in parties:
                        tables["partnership_parties"].append({"partnership_id": rec_id, "party": code,
                                                              "country_code": code})
        n += 1
        tables["events"].append({"event_id": f"{rid}/event/99", "release_id": rid, "event_type": "meeting",
                                 "evidence": f"An invented meeting number {n}"})
    tables["officials"] = list(officials.values())
    return write_package(root, tables)


@needs_score_py
def test_same_numbers_as_score_py_on_a_damaged_gold_package(tmp_path: Path) -> None:
    package = package_from_gold(tmp_path / "pkg")
    expected = score_py(package / "data", GOLD, tmp_path)
    assert mine(package, GOLD) == expected
    # the damage shows: something of every kind was missed and matched
    for table in ("officials", "events", "commitments", "partnerships"):
        row = expected["tables"][table]
        assert 0 < row["matched"] < row["gold"] and row["strict_f1"] < row["f1"]
    assert expected["releases_missing_from_package"]


@needs_score_py
def test_same_numbers_as_score_py_on_the_built_package(built_package: Path, tmp_path: Path) -> None:
    report = evaluate(built_package, GOLD)
    assert report.releases_scored == 30 and report.releases_missing == []
    expected = score_py(built_package / "data", GOLD, tmp_path)
    assert mine(built_package, GOLD) == expected


@needs_score_py
def test_show_lists_the_same_misses_and_false_alarms_as_score_py(tiny: tuple[Path, Path]) -> None:
    package, gold = tiny
    theirs = subprocess.run([sys.executable, str(SCORE_PY), str(package / "data"), str(gold), "--show"],
                            check=True, capture_output=True, text=True).stdout.splitlines()
    ours = [str(f) for f in evaluate(package, gold).findings]
    assert ours == theirs[: len(ours)] and theirs[len(ours)].startswith("releases scored:")


# --- the command --------------------------------------------------------------------------

def test_cli_table_and_json(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    package, gold = tiny
    out = tmp_path / "scores.json"
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(gold), "--package", str(package),
                                      "--json", str(out), "--show"])
    assert result.exit_code == 0, result.output
    assert "r1 events MISS" in result.output and "r2 partnerships EXTRA" in result.output
    assert "macro F1 0.750  macro strict F1 0.458" in result.output
    assert "officials" in result.output and "0.667" in result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["macro_f1"] == 0.75 and data["tables"]["commitments"]["strict_f1"] == 0.5
    assert data["misses"][0] == {"release_id": "r1", "table": "officials",
                                 "record": {"name": "Maxime Prévot", "role": "Foreign Minister", "country_code": "BE"}}


def test_cli_json_to_stdout(tiny: tuple[Path, Path]) -> None:
    package, gold = tiny
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(gold), "--package", str(package),
                                      "--json", "-", "--release", "r2"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["releases_scored"] == 1 and data["tables"]["events"]["matched"] == 1


def test_cli_errors_are_one_line(tmp_path: Path, tiny: tuple[Path, Path]) -> None:
    _, gold = tiny
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(gold), "--package", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "no data/releases.csv" in result.output
