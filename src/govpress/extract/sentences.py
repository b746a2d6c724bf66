"""The trained sentence classifier: which sentences state a commitment, an event or a partnership.

Rules propose, the model decides. The rule builders (:mod:`.events`,
:mod:`.commitments`, :mod:`.partnerships`) find candidate records with their
attributes; a spaCy ``textcat_multilabel`` component, trained on the gold
annotations in the repository (``govpress train``, see :mod:`govpress.train`),
scores every sentence of the release for the labels :data:`LABELS`. A rule record
whose sentence the model scores below the keep threshold is dropped; a sentence
the model scores above the add threshold with no rule record gets a record of
its own (``method = "model"``, ``extractor`` = the model's name and version).

The model does not read the raw words only: each sentence is rewritten by
:func:`sentence_features` into a sequence of feature tokens — lowercased lemmas,
named entities replaced by their type (``entperson``, ``entmoney``...), and
features of the parse and of the rule components (the root verb's lemma, modal
auxiliaries, perfect and passive voice, money/dates/countries/officials present,
which rule patterns matched and which rule records were built). That keeps a
linear bag-of-features model from memorising the topics of the training
releases (countries, people) and lets it generalise to releases of other kinds.

Inference is deterministic: the same weights and the same parse give the same
scores, and the scores are rounded before they are compared with thresholds.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Sequence

from spacy.tokens import Span as SpacySpan

from .document import ReleaseDoc

__all__ = ["LABELS", "MODEL_NAME", "SentenceScores", "sentence_features", "load_classifier",
           "classifier_path", "score_sentences", "classifier_id", "THRESHOLDS"]

LABELS = ("COMMITMENT", "EVENT", "PARTNERSHIP")
"""The sentence labels, one per evidence-pinned table."""

MODEL_NAME = "govpress-sentences"
"""The classifier's package name (``meta.json``); the ``extractor`` of model-made rows
is ``<MODEL_NAME>-<version>``."""

_ENT_TYPES = ("PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
              "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL")
_RULE_GROUPS = ("events", "commitments", "partnerships")



@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds on a label's rounded probability (0–1)."""

    keep: float
    """A rule record in a sentence scored below this is dropped."""
    add: float
    """A sentence scored at or above this with no rule record gets a model record."""


THRESHOLDS: dict[str, Thresholds] = {
    "COMMITMENT": Thresholds(keep=0.2, add=0.6),
    "EVENT": Thresholds(keep=0.0, add=1.01),
    "PARTNERSHIP": Thresholds(keep=0.0, add=1.01),
}
"""Per-label thresholds, chosen by cross-validation (``govpress evaluate --folds``) and by
training on every set but dev2 and scoring dev2. Filtering events and partnerships
lowered both, so for them the model only scores (keep 0, add never)."""


TYPE_THRESHOLD = 0.6
"""The type model's probability needed to type a model-made commitment (else the rules' type)."""


def _alpha(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalpha())


def sentence_features(rd: ReleaseDoc, sent: SpacySpan, built: dict[str, set[int]] | None = None) -> str:
    """The feature text of one sentence (space-separated feature tokens).

    Args:
        rd: the parsed release (its rule spans, money, dates, countries and, once
            :mod:`.officials` ran, official tokens).
        sent: a sentence of ``rd.doc``.
        built: per table (``"events"``, ``"commitments"``, ``"partnerships"``), the
            start tokens of the sentences in which the rule builders made a record.
    Returns:
        A string of lowercase alphabetic feature tokens; empty for a sentence with
        no word.
    """
    out: list[str] = []
    for t in sent:
        if t.is_space or t.is_punct:
            continue
        if t.ent_type_ in _ENT_TYPES:
            if t.ent_iob_ == "B":
                out.append("ent" + t.ent_type_.lower().replace("_", ""))
            continue
        if t.like_num:
            out.append("num")
            continue
        word = _alpha(t.lemma_ or t.text)
        if word:
            out.append(word)
    if not out:
        return ""
    feats: list[str] = []
    root = sent.root
    feats.append("root" + _alpha(root.lemma_))
    feats.append("roottag" + _alpha(root.tag_))
    for c in root.children:
        if c.dep_ in ("nsubj", "nsubjpass", "expl"):
            feats.append("subj" + (c.ent_type_.lower() if c.ent_type_ else _alpha(c.lemma_)))
        if c.dep_ in ("aux", "auxpass"):
            feats.append(c.dep_ + _alpha(c.lemma_))
        if c.dep_ in ("dobj", "attr", "xcomp", "ccomp", "prep", "agent"):
            feats.append("root" + c.dep_)
    for t in sent:
        if t.tag_ == "MD":
            feats.append("md" + _alpha(t.lemma_))
        if t.dep_ in ("nsubjpass", "auxpass"):
            feats.append("featpassive")
    start, end = sent.start_char, sent.end_char
    if rd.money_in(start, end):
        feats.append("featmoney")
    if rd.dates_in(start, end):
        feats.append("featdate")
    countries = {c for _, _, c in rd.countries_in(start, end)}
    feats.append(f"featcountries{min(len(countries), 3)}")
    officials = {rd.official_at[t.i] for t in sent if t.i in rd.official_at}
    feats.append(f"featofficials{min(len(officials), 3)}")
    if sent.start == 0 or "\n" in rd.doc[sent.start - 1].whitespace_ + rd.doc[sent.start - 1].text:
        feats.append("featparastart")
    if sent[0].is_quote or any(t.is_quote for t in sent[:2]):
        feats.append("featquote")
    for group in _RULE_GROUPS:
        for span in rd.spans_within(group, None, sent.start, sent.end):
            feats.append("rule" + _alpha(span.id_))
            feats.append("rule" + group + _alpha(span.label_))
    if built:
        for table, starts in built.items():
            if sent.start in starts:
                feats.append("built" + table)
    return " ".join(out + sorted(set(feats), key=feats.index))


def classifier_path() -> Path:
    """Where the committed models live (``govpress/extract/models``): ``sentences/``
    (the sentence labels) and ``commitment-types/`` (the type of a commitment sentence)."""
    return Path(str(resources.files("govpress.extract").joinpath("models")))


SENTENCES_DIR = "sentences"
TYPES_DIR = "commitment-types"


@dataclass(frozen=True)
class Classifiers:
    """The trained models: ``sentences`` (``textcat_multilabel`` over :data:`LABELS`) and
    ``commitment_types`` (an exclusive ``textcat`` over commitment types, or ``None``)."""

    sentences: Any
    commitment_types: Any = None

    @property
    def meta(self) -> dict[str, Any]:
        """The sentence model's ``meta.json``."""
        return dict(self.sentences.meta)


@functools.lru_cache(maxsize=4)
def load_classifier(path: str | None = None) -> Classifiers | None:
    """Load the trained models from a folder written by ``govpress train``.

    Args:
        path: the models folder (holding ``sentences/`` and optionally
            ``commitment-types/``); default :func:`classifier_path`.
    Returns:
        The :class:`Classifiers`, or ``None`` when there is no sentence model (then
        the rule records stand as they are).
    Raises:
        OSError: a model folder exists but is not a loadable spaCy pipeline.
    """
    import spacy

    p = Path(path) if path else classifier_path()
    if not (p / SENTENCES_DIR / "meta.json").is_file():
        return None
    types = spacy.load(p / TYPES_DIR) if (p / TYPES_DIR / "meta.json").is_file() else None
    return Classifiers(spacy.load(p / SENTENCES_DIR), types)


def classifier_id(clf: Any) -> str:
    """The ``extractor`` value of the classifier's rows: ``<name>-<version>``."""
    meta = clf.meta
    return f"{meta.get('name', MODEL_NAME)}-{meta.get('version', '0')}"


@dataclass(frozen=True)
class SentenceScores:
    """The classifier's rounded scores of one sentence."""

    start: int
    """Token index of the sentence start in the release doc."""
    end: int
    scores: dict[str, float]
    text: str = ""
    """The sentence's feature text (:func:`sentence_features`)."""


def score_sentences(rd: ReleaseDoc, clf: Any, built: dict[str, set[int]]) -> list[SentenceScores]:
    """Score every sentence of a release (see :func:`sentence_features`).

    Returns:
        One :class:`SentenceScores` per sentence, in text order; scores rounded to
        3 decimal places (so thresholds never depend on float noise).
    """
    sents = list(rd.doc.sents)
    texts = [sentence_features(rd, s, built) for s in sents]
    out: list[SentenceScores] = []
    # a sentence without words (only punctuation) is never a record; the model is not asked
    docs = iter(clf.sentences.pipe([t for t in texts if t]))
    for s, text in zip(sents, texts):
        if not text:
            out.append(SentenceScores(s.start, s.end, {k: 0.0 for k in LABELS}, text))
            continue
        doc = next(docs)
        out.append(SentenceScores(s.start, s.end, {k: round(float(doc.cats.get(k, 0.0)), 3) for k in LABELS}, text))
    return out


def sentence_of(rd: ReleaseDoc, char_start: int) -> SpacySpan | None:
    """The sentence holding body character ``char_start``, or ``None``."""
    span = rd.doc.char_span(char_start, char_start + 1, alignment_mode="expand")
    return span.sent if span is not None else None


def label_counts(rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Positive examples per label in training rows (``{"cats": {...}}``)."""
    return {k: sum(1 for r in rows if r["cats"].get(k)) for k in LABELS}


# --- decisions ------------------------------------------------------------------------

def _sentence_starts(rd: ReleaseDoc, records: Iterable[Any]) -> set[int]:
    out: set[int] = set()
    for r in records:
        s = sentence_of(rd, r.evidence.char_start)
        if s is not None:
            out.add(s.start)
    return out


def _status(root: Any) -> str:
    """``pledged`` when a modal auxiliary governs the root verb, else ``announced``."""
    if any(c.tag_ == "MD" for c in root.children):
        return "pledged"
    return "announced"


def _model_type(clf: Classifiers, text: str) -> str | None:
    """The commitment type the type model gives a sentence's feature text (``None``: no model)."""
    if clf.commitment_types is None or not text:
        return None
    cats = clf.commitment_types(text).cats
    if not cats:
        return None
    best = max(sorted(cats), key=lambda k: round(cats[k], 3))
    return best if round(cats[best], 3) >= TYPE_THRESHOLD else None


def _model_commitment(rd: ReleaseDoc, sent: SpacySpan, extractor: str, ctype: str | None) -> Any:
    from ..models import Commitment
    from .commitments import _actor_country, _actor_key, _actor_text, _Finder
    from .events import _subject

    root = sent.root
    subj = _subject(root) or None
    key = _actor_key(rd, subj)
    ev = rd.evidence(sent.start_char, sent.end_char)
    money = rd.money_in(ev.char_start, ev.char_end)
    ctype = ctype or _Finder(rd).type_of(sent.start, sent.end, {"commitment_type": "policy"}, root)
    return Commitment(
        commitment_type=ctype, status=_status(root), evidence=ev, actor=_actor_text(rd, subj), actor_key=key,
        actor_country_code=_actor_country(rd, subj, key), action=ev.text,
        money=money[0][2] if money else None, method="model", extractor=extractor)


def apply_classifier(rd: ReleaseDoc, clf: Any, events: list[Any], commitments: list[Any],
                     partnerships: list[Any]) -> tuple[list[Any], list[Any], list[Any]]:
    """Keep, drop or add records by the classifier's sentence scores.

    Args:
        rd: the parsed release.
        clf: the classifier from :func:`load_classifier`.
        events, commitments, partnerships: the rule builders' records.
    Returns:
        ``(events, commitments, partnerships)`` after the decisions of
        :data:`THRESHOLDS`, each sorted by evidence offsets.
    """
    built = {"events": _sentence_starts(rd, events), "commitments": _sentence_starts(rd, commitments),
             "partnerships": _sentence_starts(rd, partnerships)}
    score_texts = score_sentences(rd, clf, built)
    scores = {s.start: s.scores for s in score_texts}

    def score(record: Any, label: str) -> float:
        s = sentence_of(rd, record.evidence.char_start)
        return scores.get(s.start, {}).get(label, 0.0) if s is not None else 0.0

    events = [e for e in events if score(e, "EVENT") >= THRESHOLDS["EVENT"].keep]
    partnerships = [p for p in partnerships if score(p, "PARTNERSHIP") >= THRESHOLDS["PARTNERSHIP"].keep]
    commitments = [c for c in commitments if score(c, "COMMITMENT") >= THRESHOLDS["COMMITMENT"].keep]
    extractor = classifier_id(clf)
    texts = {s.start: s.text for s in score_texts}
    have = _sentence_starts(rd, commitments)
    for sent in rd.doc.sents:
        if sent.start in have or scores.get(sent.start, {}).get("COMMITMENT", 0.0) < THRESHOLDS["COMMITMENT"].add:
            continue
        commitments.append(_model_commitment(rd, sent, extractor, _model_type(clf, texts.get(sent.start, ""))))
    key = lambda r: (r.evidence.char_start, r.evidence.char_end)  # noqa: E731
    return sorted(events, key=key), sorted(commitments, key=key), sorted(partnerships, key=key)
