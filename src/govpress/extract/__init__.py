"""Stage 2: extract officials, events, commitments and partnerships from a Release.

PLACEHOLDER: the real spaCy + rules pipeline replaces this module's internals;
the public surface stays: :func:`load_pipeline` and :func:`extract`.
"""
from __future__ import annotations

from typing import Any

from ..models import Extraction, Release

__all__ = ["load_pipeline", "extract", "pipeline_fingerprint"]


def load_pipeline() -> Any:
    """Load the extraction pipeline (spaCy ``Language``) once per process."""
    return None


def pipeline_fingerprint() -> str:
    """A string that changes whenever the rules, config or model change (cache key part)."""
    return "placeholder"


def extract(release: Release, nlp: Any = None) -> Extraction:
    """Extract every record from one release.

    Args:
        release: an ingested release (normalised body).
        nlp: the pipeline from :func:`load_pipeline`; loaded when ``None``.
    Returns:
        An :class:`~govpress.models.Extraction` whose spans all point into ``release.body``.
    """
    if release.language.split("-")[0].lower() != "en":
        return Extraction(release.release_id, skipped_reason=f"language {release.language!r} is not English")
    return Extraction(release.release_id)
