"""Train the sentence classifier from the gold annotations, and cross-validate extraction.

The gold lives in the repository: ``training/sets.yaml`` lists pairs of a folder
of releases and a folder of gold files (``<release_id>.yaml``, annotation-guide
format). :func:`collect` parses every release that has gold with the extraction
pipeline, runs the rule builders and turns each sentence into one training row:
its feature text (:func:`govpress.extract.sentences.sentence_features`) and, per
label of :data:`~govpress.extract.sentences.LABELS`, whether a gold record of
that table is pinned in it (the sentence covering most of the gold evidence's
tokens, at least half of them).

:func:`train_classifier` writes the rows as spaCy ``DocBin`` files and runs
``spacy train`` with ``extract/models/sentences.cfg`` (a ``textcat_multilabel``
with a bag-of-features architecture, fixed seed, fixed number of epochs, CPU):
the same rows give byte-identical weights. :func:`cross_validate` splits the gold
releases into K folds by release (a fold is fixed by a hash of the release ID),
trains on K−1 folds, extracts the held-out fold with that model and scores it
with :func:`govpress.evaluate.evaluate` (the maintainers' scorer's rules); it
reports each fold and the mean and standard deviation per table.

Note: the rule components were written while looking at the dev releases, so the
cross-validated figures measure the trained part honestly but still flatter the
rules on dev; unseen releases are the real test.
"""
from __future__ import annotations

import csv
import hashlib
import shutil
import statistics
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import yaml

from .errors import GovpressError

__all__ = ["GoldSet", "load_sets", "collect", "train_classifier", "cross_validate", "CVReport",
           "DEFAULT_SETS", "CONFIG_NAME", "fold_of"]

DEFAULT_SETS = Path("training") / "sets.yaml"
"""The default list of (releases, gold) folder pairs, relative to the repository root."""

CONFIG_NAME = "sentences.cfg"
"""The ``spacy train`` config of the sentence model, in ``govpress/extract/models/``."""

TYPES_CONFIG_NAME = "commitment-types.cfg"
"""The ``spacy train`` config of the commitment-type model, beside it."""

SEED = 0


@dataclass(frozen=True)
class GoldSet:
    """One folder of releases and the folder of their gold annotations.

    ``kind`` says where the text comes from (``real``: published releases;
    ``written``: releases written for the tests, easier than real ones).
    """

    name: str
    releases: Path
    gold: Path
    kind: str = "real"


def load_sets(path: Path | str = DEFAULT_SETS) -> list[GoldSet]:
    """Read a sets file (YAML: ``sets: [{name, releases, gold, kind}]``, paths relative to it).

    Raises:
        GovpressError: the file is missing, or an entry lacks a key or names a missing folder.
    """
    p = Path(path)
    if not p.is_file():
        raise GovpressError(f"{p}: no training sets file")
    data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    base = p.parent.parent if p.parent.name == "training" else p.parent
    out: list[GoldSet] = []
    for n, entry in enumerate(data.get("sets") or [], 1):
        try:
            gs = GoldSet(entry["name"], base / entry["releases"], base / entry["gold"], entry.get("kind", "real"))
        except (KeyError, TypeError):
            raise GovpressError(f"{p}: set {n} needs name, releases and gold") from None
        for folder in (gs.releases, gs.gold):
            if not folder.is_dir():
                raise GovpressError(f"{p}: set {gs.name!r}: {folder} is not a folder")
        out.append(gs)
    return out


@dataclass
class Analysed:
    """One gold release, parsed, with its rule records and training rows."""

    release: Any
    gold: dict[str, Any]
    set_name: str
    rd: Any
    officials: list[Any]
    events: list[Any]
    commitments: list[Any]
    partnerships: list[Any]
    rows: list[dict[str, Any]] = field(default_factory=list)


def _releases_with_gold(gs: GoldSet) -> Iterable[tuple[Any, dict[str, Any]]]:
    from .ingest import find_inputs, read_release

    gold = {}
    for f in sorted(gs.gold.glob("*.yaml")):
        g = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        gold[g.get("release_id", f.stem)] = g
    for path in find_inputs([gs.releases]):
        try:
            release = read_release(path)
        except GovpressError:
            continue
        if release.release_id in gold:
            yield release, gold.pop(release.release_id)


def _label_rows(a: Analysed) -> None:
    from .evaluate import _tokens
    from .extract.sentences import LABELS, sentence_features, _sentence_starts

    rd = a.rd
    sents = list(rd.doc.sents)
    sent_tokens = [set(_tokens(s.text)) for s in sents]
    positive: dict[str, set[int]] = {k: set() for k in LABELS}
    ctype: dict[int, str] = {}
    for label, table in zip(LABELS, ("commitments", "events", "partnerships")):
        for g in a.gold.get(table) or []:
            toks = set(_tokens(g.get("evidence", "")))
            if not toks:
                continue
            best, best_i = 0.0, -1
            for i, st in enumerate(sent_tokens):
                cover = len(toks & st) / len(toks)
                if cover > best:
                    best, best_i = cover, i
            if best >= 0.5:
                positive[label].add(best_i)
                if table == "commitments" and g.get("commitment_type"):
                    ctype.setdefault(best_i, g["commitment_type"])
    built = {"events": _sentence_starts(rd, a.events), "commitments": _sentence_starts(rd, a.commitments),
             "partnerships": _sentence_starts(rd, a.partnerships)}
    for i, s in enumerate(sents):
        text = sentence_features(rd, s, built)
        if not text:
            continue
        a.rows.append({"release_id": a.release.release_id, "text": text,
                       "cats": {k: float(i in positive[k]) for k in LABELS},
                       "commitment_type": ctype.get(i)})


def collect(sets: Sequence[GoldSet], nlp: Any = None,
            progress: Callable[[int, int], None] | None = None) -> list[Analysed]:
    """Parse every release of ``sets`` that has gold; run the rule builders; label its sentences.

    Args:
        sets: from :func:`load_sets`.
        nlp: the extraction pipeline (loaded when ``None``).
        progress: ``progress(done, total)`` after each release.
    Returns:
        One :class:`Analysed` per gold release, ordered by release ID (a release
        annotated in two sets appears once, from the first set).
    """
    from .extract import load_pipeline, rule_records

    nlp = nlp or load_pipeline()
    pairs: dict[str, tuple[Any, dict[str, Any], str]] = {}
    for gs in sets:
        for release, gold in _releases_with_gold(gs):
            pairs.setdefault(release.release_id, (release, gold, gs.name))
    out: list[Analysed] = []
    for n, rid in enumerate(sorted(pairs), 1):
        release, gold, name = pairs[rid]
        rd, officials, events, commitments, partnerships = rule_records(release, nlp)
        a = Analysed(release, gold, name, rd, officials, events, commitments, partnerships)
        _label_rows(a)
        out.append(a)
        if progress:
            progress(n, len(pairs))
    return out


def _config_path(name: str = CONFIG_NAME) -> Path:
    return Path(str(resources.files("govpress.extract").joinpath("models", name)))


def _docbin(rows: Sequence[dict[str, Any]], path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    db = DocBin()
    for r in rows:
        doc = nlp.make_doc(r["text"])
        doc.cats = dict(r["cats"])
        db.add(doc)
    db.to_disk(path)


def _type_rows(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of the commitment-type model: the commitment sentences, one-hot over the types seen."""
    typed = [r for r in rows if r.get("commitment_type")]
    types = sorted({r["commitment_type"] for r in typed})
    return [{"text": r["text"], "cats": {t: float(t == r["commitment_type"]) for t in types}} for r in typed]


def _spacy_train(config: str, rows: Sequence[dict[str, Any]], out: Path, meta: dict[str, Any], quiet: bool) -> None:
    import contextlib
    import io

    from spacy.cli.train import train as spacy_train

    with tempfile.TemporaryDirectory(prefix="govpress-train-") as tmp:
        t = Path(tmp)
        _docbin(rows, t / "train.spacy")
        _docbin(rows[: max(1, len(rows) // 10)], t / "dev.spacy")
        quiet_out = contextlib.redirect_stdout(io.StringIO()) if quiet else contextlib.nullcontext()
        with quiet_out:
            spacy_train(_config_path(config), t / "out", use_gpu=-1, overrides={
                "paths.train": str(t / "train.spacy"), "paths.dev": str(t / "dev.spacy"),
                "system.seed": SEED,
            })
        model = t / "out" / "model-last"
        _normalise_meta(model, meta)
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(model, out)


def train_classifier(rows: Sequence[dict[str, Any]], out_dir: Path | str, *, version: str = "1.0.0",
                     quiet: bool = True) -> Path:
    """Train the models on labelled rows with ``spacy train``; write them under ``out_dir``.

    Writes ``out_dir/sentences`` (``textcat_multilabel`` over the sentence labels,
    config ``extract/models/sentences.cfg``) and ``out_dir/commitment-types`` (an
    exclusive ``textcat`` over the commitment types of the commitment sentences,
    config ``extract/models/commitment-types.cfg``), and leaves other files there alone.

    Args:
        rows: training rows (``{"text", "cats", "commitment_type"}``) from :func:`collect`, in a fixed order.
        out_dir: the models folder.
        version: the models' version, recorded in their ``meta.json`` and in the
            ``extractor`` of the rows they make.
    Returns:
        ``out_dir``.
    Raises:
        GovpressError: no row, or no positive example of some label.
    """
    from .extract.sentences import LABELS, MODEL_NAME, SENTENCES_DIR, TYPES_DIR, label_counts

    counts = label_counts(rows)
    if not rows or not all(counts.values()):
        raise GovpressError(f"cannot train: positive examples per label {counts}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _spacy_train(CONFIG_NAME, rows, out / SENTENCES_DIR, {
        "name": MODEL_NAME.replace("-", "_"), "version": version,
        "description": f"govpress sentence classifier: labels {', '.join(LABELS)}; "
                       f"trained on {len(rows)} sentences ({counts})"}, quiet)
    typed = _type_rows(rows)
    if len({r for t in typed for r, v in t["cats"].items() if v}) >= 2:
        _spacy_train(TYPES_CONFIG_NAME, typed, out / TYPES_DIR, {
            "name": MODEL_NAME.replace("-", "_") + "_commitment_types", "version": version,
            "description": f"govpress commitment-type classifier: trained on {len(typed)} commitment sentences"},
            quiet)
    return out


def _normalise_meta(model: Path, values: dict[str, Any]) -> None:
    """Set name/version/description and drop run-dependent fields (timings, scores) from meta.json;
    clear the temporary corpus paths from the saved config.cfg."""
    import json
    import re

    cfg = model / "config.cfg"
    cfg.write_text(re.sub(r'^(train|dev) = ".*"$', r"\1 = null", cfg.read_text(encoding="utf-8"), flags=re.M),
                   encoding="utf-8")

    p = model / "meta.json"
    meta = json.loads(p.read_text(encoding="utf-8"))
    meta.update(values)
    for key in ("performance", "speed"):
        meta.pop(key, None)
    p.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def fold_of(release_id: str, k: int) -> int:
    """The cross-validation fold (0..k-1) of a release: a hash of its ID, never its position."""
    return int(hashlib.sha256(release_id.encode()).hexdigest(), 16) % k


@dataclass
class CVReport:
    """Cross-validated scores: per fold and table a dict of figures, and their mean and spread."""

    k: int
    folds: list[dict[str, Any]]
    releases: int

    def summary(self) -> dict[str, dict[str, tuple[float, float]]]:
        """Per table (and ``macro``): ``{figure: (mean, standard deviation)}`` over the folds."""
        out: dict[str, dict[str, tuple[float, float]]] = {}
        tables = [t for t in self.folds[0] if t != "macro"] if self.folds else []
        for t in tables + ["macro"]:
            out[t] = {}
            for fig in self.folds[0][t]:
                vals = [f[t][fig] for f in self.folds]
                out[t][fig] = (round(statistics.mean(vals), 3), round(statistics.pstdev(vals), 3))
        return out


def _write_csvs(analysed: Sequence[Analysed], extractions: Sequence[Any], data_dir: Path) -> None:
    from .package import load_schema
    from .package.layout import format_cell
    from .resolve import OfficialIndex, release_row, release_rows
    from .settings import TABLES

    data_dir.mkdir(parents=True, exist_ok=True)
    index = OfficialIndex()
    for a, ex in zip(analysed, extractions):
        index.add(a.release.release_id, a.release.published_date, ex.officials)
    index.resolve()
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    rows["officials"] = list(index.rows())
    for a, ex in zip(analysed, extractions):
        rows["releases"].append(release_row(a.release))
        for table, row in release_rows(a.release, ex, index):
            rows[table].append(row)
    for table in TABLES:
        fields = [f["name"] for f in load_schema(table)["fields"]]
        with (data_dir / f"{table}.csv").open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
            w.writeheader()
            for r in rows[table]:
                w.writerow({k: format_cell(v) for k, v in r.items()})


def _finish(a: Analysed, clf: Any) -> Any:
    from .extract import decide

    return decide(a.release, a.rd, list(a.officials), list(a.events), list(a.commitments),
                  list(a.partnerships), clf)


def score_analysed(analysed: Sequence[Analysed], clf: Any) -> dict[str, Any]:
    """Extract ``analysed`` with classifier ``clf`` (``None``: rules alone) and score against their gold.

    Returns:
        ``{table: {"precision", "recall", "f1", "strict_f1"}, "macro": {"f1", "strict_f1"}}``.
    """
    from .evaluate import evaluate

    with tempfile.TemporaryDirectory(prefix="govpress-cv-") as tmp:
        t = Path(tmp)
        _write_csvs(analysed, [_finish(a, clf) for a in analysed], t / "data")
        gold = t / "gold"
        gold.mkdir()
        for a in analysed:
            (gold / f"{a.release.release_id}.yaml").write_text(
                yaml.safe_dump(a.gold, allow_unicode=True, sort_keys=False), encoding="utf-8")
        report = evaluate(t, gold)
    out: dict[str, Any] = {}
    for name, score in report.tables.items():
        j = score.to_json()
        out[name] = {k: j[k] for k in ("precision", "recall", "f1", "strict_f1")}
    out["macro"] = {"f1": report.macro_f1, "strict_f1": report.macro_strict_f1}
    return out


def cross_validate(analysed: Sequence[Analysed], k: int, *, rules_only: bool = False,
                   progress: Callable[[int, int], None] | None = None) -> CVReport:
    """K-fold cross-validation by release: train on K−1 folds, score the held-out fold.

    Args:
        analysed: from :func:`collect`.
        k: number of folds (≥ 2).
        rules_only: score the rule records alone in every fold (the baseline).
    Raises:
        GovpressError: ``k`` < 2 or more folds than releases.
    """
    if k < 2 or k > len(analysed):
        raise GovpressError(f"--folds must be between 2 and the number of gold releases ({len(analysed)})")
    folds: list[dict[str, Any]] = []
    for i in range(k):
        held = [a for a in analysed if fold_of(a.release.release_id, k) == i]
        train_rows = [r for a in analysed if fold_of(a.release.release_id, k) != i for r in a.rows]
        clf = None
        if not rules_only:
            with tempfile.TemporaryDirectory(prefix="govpress-fold-") as tmp:
                from .extract.sentences import load_classifier

                clf = load_classifier.__wrapped__(str(train_classifier(train_rows, Path(tmp) / "model")))
        folds.append(score_analysed(held, clf))
        if progress:
            progress(i + 1, k)
    return CVReport(k, folds, len(analysed))
