"""Score a built package's extraction against gold annotations.

:func:`evaluate` reads a package's CSVs (``<package>/data/*.csv``, as the data
model in ``../shared/spec/data-model.md`` defines them) and a folder of gold YAML
files (one ``<release_id>.yaml`` per annotated release, in the format of the
annotation guide) and returns an :class:`EvaluationReport`: per table (officials,
events, commitments, partnerships) precision, recall, F1, strict F1 and
per-attribute accuracy over matched records, the macro averages, and every miss
and false alarm.

The matching rules are exactly those of the maintainers' scoring tool
(``../shared/tools/score.py``), so both give the same figures on the same data:

- **officials** match per release on the person: a gold official with a name
  matches a predicted one whose name has the same tokens, or (two tokens or
  more) whose tokens include the shorter one's ("Brunner" alone does not match;
  "Magnus Brunner" matches "Commissioner Magnus Brunner"); an unnamed gold
  office-holder matches on the role (token sets nested, or Jaccard ≥ 0.6,
  ignoring "the of for and uk s") when the country codes agree or one is
  missing. Strict: role and country code right too.
- **events, commitments, partnerships** match per release on evidence: score
  1 when one normalised evidence contains the other, else the share of the gold
  evidence's tokens the prediction covers when it is ≥ 0.6; a prediction more
  than ``max(80, 3 × gold tokens)`` tokens long never matches. Strict: events
  need the right type and start date, commitments the right type, partnerships
  the right type and parties (country codes).
- Pairs are chosen greedily, best score first (ties: gold order, then
  prediction order); each record is used at most once.
- Figures are rounded to three places as the tool rounds them, and the macro F1
  is the mean of the rounded per-table F1s.

Text is compared after NFKD accent folding, curly quotes and en/em dashes made
plain, case folding and whitespace collapsing; tokens are ``[a-z0-9£$€]+``.
"""
from __future__ import annotations

import csv
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

from .errors import GoldError, PackageNotFound

__all__ = ["evaluate", "EvaluationReport", "TableScore", "Finding", "SCORED_TABLES"]

SCORED_TABLES = ("officials", "events", "commitments", "partnerships")
"""The tables scored, in report order."""

_TOKEN = re.compile(r"[a-z0-9£$€]+")
_ROLE_STOPWORDS = frozenset({"the", "of", "for", "and", "uk", "s"})


# --- text comparison (same rules as score.py) -------------------------------------------

def _norm(text: object) -> str:
    if text is None:
        return ""
    s = unicodedata.normalize("NFKD", str(text))
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    s = s.replace("\u2013", "-").replace("\u2014", "-")
    return " ".join(s.casefold().split())


def _tokens(text: object) -> list[str]:
    return _TOKEN.findall(_norm(text))


def _name_match(a: object, b: object) -> bool:
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    return len(short) >= 2 and set(short) <= set(long_)


def _role_match(a: object, b: object) -> bool:
    ta, tb = set(_tokens(a)) - _ROLE_STOPWORDS, set(_tokens(b)) - _ROLE_STOPWORDS
    if not ta or not tb:
        return False
    if ta <= tb or tb <= ta:
        return True
    return len(ta & tb) / len(ta | tb) >= 0.6


def _evidence_score(gold: object, product: object) -> float:
    g, p = _tokens(gold), _tokens(product)
    if not g or not p:
        return 0.0
    if len(p) > max(80, 3 * len(g)):
        return 0.0
    ng, np_ = _norm(gold), _norm(product)
    if ng in np_ or np_ in ng:
        return 1.0
    cover = len(set(g) & set(p)) / len(set(g))
    return cover if cover >= 0.6 else 0.0


def _greedy(gold: list[dict], pred: list[dict], score: Callable[[dict, dict], float]) -> list[tuple[int, int]]:
    """Index pairs ``(gold_i, pred_j)``, best score first; each side used once."""
    cand = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            s = score(g, p)
            if s > 0:
                cand.append((s, i, j))
    cand.sort(key=lambda t: (-t[0], t[1], t[2]))
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, i, j in cand:
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        pairs.append((i, j))
    return pairs


def _participants_match(gold_list: list | None, pred_people: list[tuple[str, str]]) -> bool:
    gold_list = gold_list or []
    if not gold_list and not pred_people:
        return True
    hit = sum(1 for g in gold_list if any(_name_match(g, n) or _role_match(g, r) for n, r in pred_people))
    p = len(pred_people)
    if not gold_list or not p:
        return False
    return min(hit, p) / p >= 0.5 and hit / len(gold_list) >= 0.5


# --- the report ------------------------------------------------------------------------

def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class TableScore:
    """Counts and figures for one table.

    ``gold``: gold records; ``predicted``: records in the package (for the scored
    releases); ``matched``: pairs; ``strict_matched``: pairs whose key attributes
    are right too. ``attribute_counts`` maps an attribute to ``[right, compared]``
    over matched pairs. Figures are fractions in 0..1, unrounded here; see
    :meth:`to_json` for the rounded ones.
    """

    table: str
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    strict_matched: int = 0
    attribute_counts: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))

    def attribute(self, name: str, ok: bool) -> None:
        """Count one comparison of attribute ``name`` (right when ``ok``)."""
        self.attribute_counts[name][0] += int(ok)
        self.attribute_counts[name][1] += 1

    @property
    def precision(self) -> float:
        """matched / predicted (0 when nothing is predicted)."""
        return _ratio(self.matched, self.predicted)

    @property
    def recall(self) -> float:
        """matched / gold (0 when there is no gold)."""
        return _ratio(self.matched, self.gold)

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        return _f1(self.precision, self.recall)

    @property
    def strict_f1(self) -> float:
        """F1 counting only strict matches as hits."""
        return _f1(_ratio(self.strict_matched, self.predicted), _ratio(self.strict_matched, self.gold))

    @property
    def attributes(self) -> dict[str, float]:
        """Accuracy of each attribute over the matched pairs where it was compared, by name."""
        return {k: v[0] / v[1] for k, v in sorted(self.attribute_counts.items()) if v[1]}

    def to_json(self) -> dict[str, Any]:
        """The figures as score.py's ``--json`` gives them (rounded to 3 places)."""
        return {
            "gold": self.gold, "predicted": self.predicted, "matched": self.matched,
            "precision": round(self.precision, 3), "recall": round(self.recall, 3),
            "f1": round(self.f1, 3), "strict_f1": round(self.strict_f1, 3),
            "attributes": {k: round(v, 3) for k, v in self.attributes.items()},
        }


@dataclass(frozen=True)
class Finding:
    """A miss (gold record not found) or a false alarm (predicted record not in gold).

    ``kind`` is ``miss`` or ``false_alarm``; ``record`` is the evidence, or for
    officials the name/role/country_code as a dict.
    """

    release_id: str
    table: str
    kind: str
    record: Any

    def __str__(self) -> str:
        label = "MISS" if self.kind == "miss" else "EXTRA"
        return f"{self.release_id} {self.table} {label} {self.record!r}"


@dataclass
class EvaluationReport:
    """Scores of a package against a gold folder (see :func:`evaluate`)."""

    releases_scored: int
    releases_missing: list[str]
    """Gold release IDs with no row in the package's ``releases`` table."""
    tables: dict[str, TableScore]
    findings: list[Finding] = field(default_factory=list)

    @property
    def macro_f1(self) -> float:
        """Mean of the per-table F1s as rounded in :meth:`TableScore.to_json`, rounded to 3 places."""
        return round(sum(round(t.f1, 3) for t in self.tables.values()) / len(self.tables), 3)

    @property
    def macro_strict_f1(self) -> float:
        """Mean of the per-table strict F1s (rounded as :attr:`macro_f1`)."""
        return round(sum(round(t.strict_f1, 3) for t in self.tables.values()) / len(self.tables), 3)

    @property
    def misses(self) -> list[Finding]:
        """Gold records the package does not have, in gold-file order."""
        return [f for f in self.findings if f.kind == "miss"]

    @property
    def false_alarms(self) -> list[Finding]:
        """Package records no gold record matches, in package order."""
        return [f for f in self.findings if f.kind == "false_alarm"]

    def to_json(self) -> dict[str, Any]:
        """score.py's ``--json`` report (same keys and numbers) plus ``misses`` and ``false_alarms``."""
        return {
            "releases_scored": self.releases_scored,
            "releases_missing_from_package": list(self.releases_missing),
            "tables": {k: v.to_json() for k, v in self.tables.items()},
            "macro_f1": self.macro_f1,
            "macro_strict_f1": self.macro_strict_f1,
            "misses": [_finding_json(f) for f in self.misses],
            "false_alarms": [_finding_json(f) for f in self.false_alarms],
        }


def _finding_json(f: Finding) -> dict[str, Any]:
    return {"release_id": f.release_id, "table": f.table, "record": f.record}


# --- reading ---------------------------------------------------------------------------

def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    csv.field_size_limit(sys.maxsize)
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _data_dir(package_dir: Path) -> Path:
    package_dir = Path(package_dir)
    for candidate in (package_dir / "data", package_dir):
        if (candidate / "releases.csv").exists():
            return candidate
    raise PackageNotFound(f"{package_dir}: no data/releases.csv (build the package first: govpress build)")


def _read_gold(gold_dir: Path, releases: Iterable[str] | None) -> list[tuple[str, dict]]:
    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise GoldError(f"{gold_dir}: not a folder of gold YAML files")
    files = sorted(gold_dir.glob("*.yaml"))
    if releases is not None:
        wanted = set(releases)
        files = [f for f in files if f.stem in wanted]
    if not files:
        raise GoldError(f"{gold_dir}: no gold files (*.yaml){' for the releases asked for' if releases else ''}")
    out = []
    for path in files:
        try:
            gold = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise GoldError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from exc
        if not isinstance(gold, dict):
            raise GoldError(f"{path}: a gold file is a mapping (release_id, officials, events, ...)")
        out.append((str(gold.get("release_id", path.stem)), gold))
    return out


# --- scoring ---------------------------------------------------------------------------

def evaluate(package_dir: Path | str, gold_dir: Path | str,
             releases: Iterable[str] | None = None) -> EvaluationReport:
    """Score the package in ``package_dir`` against the gold files in ``gold_dir``.

    Args:
        package_dir: a package folder (holding ``data/releases.csv`` and the other
            CSVs) or its ``data/`` folder itself.
        gold_dir: folder of ``<release_id>.yaml`` gold files (annotation guide
            format). Releases in the package without a gold file are not scored.
        releases: only score these release IDs (gold file stems); all when ``None``.
    Returns:
        An :class:`EvaluationReport`; its numbers equal those of
        ``../shared/tools/score.py DATA_DIR GOLD_DIR --json`` on the same files.
    Raises:
        PackageNotFound: no ``releases.csv`` in ``package_dir`` or its ``data/``.
        GoldError: ``gold_dir`` is missing, has no ``*.yaml`` (for ``releases``),
            or holds a file that is not a YAML mapping.
    """
    d = _data_dir(Path(package_dir))
    gold_files = _read_gold(Path(gold_dir), releases)

    release_ids = {r["release_id"] for r in _read_csv(d / "releases.csv")}
    officials = {r["official_id"]: r for r in _read_csv(d / "officials.csv")}
    mentions: dict[str, list[dict]] = defaultdict(list)
    for m in _read_csv(d / "mentions.csv"):
        mentions[m["release_id"]].append(m)
    by_release: dict[str, dict[str, list[dict]]] = {t: defaultdict(list) for t in SCORED_TABLES[1:]}
    for table, rows in by_release.items():
        for r in _read_csv(d / f"{table}.csv"):
            rows[r["release_id"]].append(r)
    participants: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in _read_csv(d / "event_participants.csv"):
        o = officials.get(r["official_id"], {})
        participants[r["event_id"]].append((o.get("name", ""), o.get("role", "")))
    parties: dict[str, set[str]] = defaultdict(set)
    for r in _read_csv(d / "partnership_parties.csv"):
        if r.get("country_code"):
            parties[r["partnership_id"]].add(r["country_code"].upper())

    tables = {t: TableScore(t) for t in SCORED_TABLES}
    findings: list[Finding] = []
    missing: list[str] = []
    for rid, gold in gold_files:
        if rid not in release_ids:
            missing.append(rid)
        findings += _score_officials(rid, gold.get("officials") or [], mentions.get(rid, []), officials,
                                     tables["officials"])
        for table in SCORED_TABLES[1:]:
            findings += _score_evidence_table(table, rid, gold.get(table) or [], by_release[table].get(rid, []),
                                              tables[table], participants, parties)
    return EvaluationReport(len(gold_files), missing, tables, findings)


def _score_officials(rid: str, g_off: list[dict], release_mentions: list[dict], officials: dict[str, dict],
                     t: TableScore) -> list[Finding]:
    p_off = []
    for m in release_mentions:
        o = officials.get(m["official_id"], {})
        p_off.append({"name": o.get("name", ""), "role": m.get("role_in_release") or o.get("role", ""),
                      "country_code": o.get("country_code", "")})

    def score(g: dict, p: dict) -> float:
        if g.get("name"):
            return 1.0 if _name_match(g["name"], p["name"]) else 0.0
        if _role_match(g.get("role"), p["role"]):
            gc, pc = (g.get("country_code") or "").upper(), (p["country_code"] or "").upper()
            return 0.9 if (not gc or not pc or gc == pc) else 0.0
        return 0.0

    pairs = _greedy(g_off, p_off, score)
    t.gold += len(g_off)
    t.predicted += len(p_off)
    t.matched += len(pairs)
    for i, j in pairs:
        g, p = g_off[i], p_off[j]
        ok_role = _role_match(g.get("role"), p["role"]) if g.get("role") else True
        ok_cc = (g.get("country_code") or "").upper() == (p["country_code"] or "").upper()
        t.attribute("role", ok_role)
        t.attribute("country_code", ok_cc)
        t.strict_matched += int(ok_role and ok_cc)
    return _findings(rid, "officials", g_off, p_off, pairs, lambda r: r)


def _score_evidence_table(table: str, rid: str, g_rows: list[dict], p_rows: list[dict], t: TableScore,
                          participants: dict[str, list[tuple[str, str]]],
                          parties: dict[str, set[str]]) -> list[Finding]:
    pairs = _greedy(g_rows, p_rows, lambda g, p: _evidence_score(g.get("evidence", ""), p.get("evidence", "")))
    t.gold += len(g_rows)
    t.predicted += len(p_rows)
    t.matched += len(pairs)
    for i, j in pairs:
        g, p = g_rows[i], p_rows[j]
        if table == "events":
            ok_type = g.get("event_type") == p.get("event_type")
            ok_date = str(g.get("start_date") or "") == (p.get("start_date") or "")
            t.attribute("event_type", ok_type)
            t.attribute("start_date", ok_date)
            t.attribute("date_precision", (g.get("date_precision") or "") == (p.get("date_precision") or ""))
            if g.get("country_code") is not None:
                t.attribute("country_code",
                            (g.get("country_code") or "").upper() == (p.get("country_code") or "").upper())
            if g.get("location"):
                t.attribute("location", bool(_tokens(g["location"]))
                            and set(_tokens(g["location"])) <= set(_tokens(p.get("location"))))
            if "participants" in g:
                t.attribute("participants",
                            _participants_match(g.get("participants"), participants.get(p["event_id"], [])))
            t.strict_matched += int(ok_type and ok_date)
        elif table == "commitments":
            ok_type = g.get("commitment_type") == p.get("commitment_type")
            t.attribute("commitment_type", ok_type)
            if g.get("status"):
                t.attribute("status", g["status"] == p.get("status"))
            if g.get("actor"):
                t.attribute("actor", _role_match(g["actor"], p.get("actor")) or _name_match(g["actor"], p.get("actor")))
            if g.get("amount") is not None:
                try:
                    ok_amount = abs(float(g["amount"]) - float(p.get("amount") or "nan")) < 0.5
                except ValueError:
                    ok_amount = False
                t.attribute("amount", ok_amount)
            t.strict_matched += int(ok_type)
        else:
            ok_type = g.get("partnership_type") == p.get("partnership_type")
            ok_parties = {str(c).upper() for c in (g.get("parties") or [])} == parties.get(p["partnership_id"], set())
            t.attribute("partnership_type", ok_type)
            t.attribute("parties", ok_parties)
            t.strict_matched += int(ok_type and ok_parties)
    return _findings(rid, table, g_rows, p_rows, pairs, lambda r: r.get("evidence"))


def _findings(rid: str, table: str, gold: list[dict], pred: list[dict], pairs: list[tuple[int, int]],
              show: Callable[[dict], Any]) -> list[Finding]:
    matched_g = {i for i, _ in pairs}
    matched_p = {j for _, j in pairs}
    out = [Finding(rid, table, "miss", show(g)) for i, g in enumerate(gold) if i not in matched_g]
    out += [Finding(rid, table, "false_alarm", show(p)) for j, p in enumerate(pred) if j not in matched_p]
    return out
