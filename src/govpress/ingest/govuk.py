"""GOV.UK Content API items → :class:`~govpress.models.Release`, and the GOV.UK source config.

The source is data: ``govpress/sources/govuk.yml`` names the API endpoints, the Search API
parameters, the client's manners, the store layout and, for items, which fields
and links feed which :class:`~govpress.models.Release` field and how GOV.UK
``document_type`` values map onto the package's enum. :func:`load_source` reads
it strictly; :func:`release_from_content_item` only parses.

An item (``/api/content/<base_path>``, schema ``news_article``) becomes a release:

* ``release_id``: the last ``base_path`` segment as it is when it is a valid ID
  (``…-anniversary--2`` stays so), else its slug (``….red-sea.ar`` →
  ``…-red-sea-ar``); ``url``: ``web_url`` + ``base_path``;
* ``published_date``: ``details.first_public_at``, else ``first_published_at``
  (the calendar date as written);
* ``body``: ``details.body`` (govspeak HTML) through :func:`~.html.html_to_text`;
* ``organisations`` / ``people`` / ``world_locations``: titles of the listed
  ``links``; ``language``: ``locale``;
* ``withdrawn``: a ``withdrawn_notice`` with ``withdrawn_at`` (its date) or an
  explanation; the explanation is kept as text.
"""
from __future__ import annotations

import functools
import logging
from importlib import resources
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import yaml

from ..errors import IngestError
from ..models import DOCUMENT_TYPES, Release, slugify
from .html import html_to_text
from .normalise import normalise_inline
from .readers import RELEASE_ID_PATTERN, parse_date

__all__ = ["GovukSource", "load_source", "release_from_content_item", "DEFAULT_SOURCE", "SOURCES_DIR"]

log = logging.getLogger(__name__)

SOURCES_DIR = Path(str(resources.files("govpress").joinpath("sources")))
"""The source configurations shipped inside the package (``govpress/sources/*.yml``)."""

DEFAULT_SOURCE = SOURCES_DIR / "govuk.yml"
"""``govpress/sources/govuk.yml``, package data read through :mod:`importlib.resources`."""

_SECTIONS = {
    "api": {"base_url", "search_path", "content_path", "web_url"},
    "search": {"document_types", "page_size", "max_page_size", "max_result_window", "order", "fields",
               "include_withdrawn", "params"},
    "client": {"user_agent", "requests_per_second", "timeout_seconds", "max_retries", "retry_statuses",
               "backoff_base_seconds", "max_backoff_seconds", "max_retry_after_seconds"},
    "store": {"filename", "index", "translations_of"},
    "item": {"fields", "links", "document_types", "schemas", "drop_classes", "ignored_fields"},
}
_ITEM_FIELDS = {"content_id", "base_path", "title", "description", "published_date", "public_updated_at",
                "language", "document_type", "body", "withdrawn_at", "withdrawn_explanation"}
_ITEM_LINKS = {"organisations", "people", "world_locations"}


@dataclass(frozen=True)
class GovukSource:
    """The parsed ``govpress/sources/govuk.yml``: one mapping per section (see the file's comments).

    ``path`` is the file it came from (for messages). Sections are plain dicts as
    written, checked for unknown keys and the shapes the code relies on.
    """

    path: Path
    name: str
    api: Mapping[str, Any]
    search: Mapping[str, Any]
    client: Mapping[str, Any]
    store: Mapping[str, Any]
    item: Mapping[str, Any]


def _check(ok: bool, path: Path, message: str) -> None:
    if not ok:
        raise IngestError(path, f"bad source config: {message}")


@functools.lru_cache(maxsize=8)
def load_source(path: str | Path | None = None) -> GovukSource:
    """Read and check a GOV.UK source YAML (default :data:`DEFAULT_SOURCE`); cached per path.

    Raises:
        IngestError: the file is missing or unparseable, has an unknown or missing
            key, or a value of the wrong shape.
    """
    path = Path(path) if path else DEFAULT_SOURCE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise IngestError(path, f"cannot read source config: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise IngestError(path, f"unparseable source config: {exc}") from None
    _check(isinstance(data, dict), path, "not a mapping")
    unknown = sorted(set(data) - set(_SECTIONS) - {"name", "title"})
    _check(not unknown, path, f"unknown keys {unknown}")
    for section, keys in _SECTIONS.items():
        body = data.get(section)
        _check(isinstance(body, dict), path, f"{section!r} is missing or not a mapping")
        _check(set(body) == keys, path, f"{section!r} must have exactly the keys {sorted(keys)}; has {sorted(body)}")
    item = data["item"]
    _check(set(item["fields"]) == _ITEM_FIELDS, path, f"item.fields must map {sorted(_ITEM_FIELDS)}")
    _check(all(isinstance(v, list) and v for v in item["fields"].values()), path, "item.fields values must be non-empty lists")
    _check(set(item["links"]) == _ITEM_LINKS, path, f"item.links must map {sorted(_ITEM_LINKS)}")
    bad = sorted(k for k, v in item["document_types"].items() if v is not None and v not in DOCUMENT_TYPES)
    _check(not bad, path, f"item.document_types maps {bad} outside {list(DOCUMENT_TYPES)}")
    search = data["search"]
    _check(0 < int(search["page_size"]) <= int(search["max_page_size"]), path, "search.page_size must be 1..max_page_size")
    _check(search["order"] in ("public_timestamp", "-public_timestamp"), path, "search.order must be [-]public_timestamp")
    _check(float(data["client"]["requests_per_second"]) > 0, path, "client.requests_per_second must be > 0")
    return GovukSource(path, str(data.get("name", "govuk")), data["api"], search, data["client"], data["store"], item)


def _get(item: Mapping[str, Any], dotted: str) -> Any:
    value: Any = item
    for part in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _first(item: Mapping[str, Any], paths: list[str]) -> Any:
    for p in paths:
        value = _get(item, p)
        if value not in (None, "", [], {}):
            return value
    return None


def _text(value: Any, path: Path, field: str, required: bool = True) -> str | None:
    if value is None:
        if required:
            raise IngestError(path, f"GOV.UK item has no {field}")
        return None
    if not isinstance(value, str):
        raise IngestError(path, f"GOV.UK item {field} is not text")
    return value


def _body_html(value: Any, path: Path) -> str:
    # details.body is govspeak HTML, or (older items) a list of {content_type, content}.
    if isinstance(value, list):
        html = [v.get("content") for v in value if isinstance(v, dict) and v.get("content_type") == "text/html"]
        value = html[0] if html else None
    return _text(value, path, "details.body") or ""


def _titles(item: Mapping[str, Any], keys: list[str], path: Path) -> tuple[str, ...]:
    links = item.get("links") or {}
    if not isinstance(links, Mapping):
        raise IngestError(path, "GOV.UK item links is not a mapping")
    out: list[str] = []
    for key in keys:
        entries = links.get(key) or []
        if not isinstance(entries, list):
            raise IngestError(path, f"GOV.UK item links.{key} is not a list")
        for e in entries:
            title = normalise_inline(str(e.get("title") or "")) if isinstance(e, Mapping) else ""
            if title and title not in out:
                out.append(title)
    return tuple(out)


def release_from_content_item(item: dict[str, Any], path: Path, source: GovukSource | None = None) -> Release:
    """Turn one GOV.UK Content API item (a ``news_article`` and kin) into a Release.

    Args:
        item: the item's decoded JSON (as served at ``/api/content/<base_path>``).
        path: the file it was read from (or its URL), for messages and ``source_path``.
        source: the source config (default: :func:`load_source`'s ``govpress/sources/govuk.yml``).
    Raises:
        IngestError: the item has no base_path, title, content_id, locale or date, an
            unsupported ``schema_name``, a ``document_type`` mapped to ``null``, a
            field of the wrong shape, or an empty body.
    """
    src = source or load_source()
    fields: Mapping[str, list[str]] = src.item["fields"]

    def field(name: str, required: bool = True) -> str | None:
        return _text(_first(item, fields[name]), path, fields[name][0], required)

    base_path = field("base_path") or ""
    if not base_path.startswith("/"):
        raise IngestError(path, f"GOV.UK item base_path {base_path!r} is not a path")
    schema = item.get("schema_name")
    if schema is not None and schema not in src.item["schemas"]:
        raise IngestError(path, f"GOV.UK schema_name {schema!r} is not a release (expected one of {src.item['schemas']})")
    if not isinstance(item.get("details"), Mapping):
        raise IngestError(path, "GOV.UK item details is not a mapping")
    raw_type = field("document_type", required=False) or "news_article"
    mapping: Mapping[str, str | None] = src.item["document_types"]
    if raw_type in mapping and mapping[raw_type] is None:
        raise IngestError(path, f"GOV.UK document_type {raw_type!r} is not ingested (null in {src.path.name})")
    doc_type = mapping.get(raw_type)
    if doc_type is None:
        log.warning("%s: unknown GOV.UK document_type %r recorded as 'other'", path, raw_type)
        doc_type = "other"
    segment = base_path.rstrip("/").rsplit("/", 1)[-1]
    release_id = segment if RELEASE_ID_PATTERN.fullmatch(segment) else slugify(segment)  # "--2" stays "--2"
    if not release_id:
        raise IngestError(path, f"no usable release_id in base_path {base_path!r}")
    title = normalise_inline(field("title") or "")
    if not title:
        raise IngestError(path, "GOV.UK item has an empty title")
    language = (field("language") or "").strip()
    if not re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*", language):
        raise IngestError(path, f"GOV.UK item locale {language!r} is not a language tag")
    body = html_to_text(_body_html(_first(item, fields["body"]), path), drop_classes=src.item["drop_classes"])
    if not body:
        raise IngestError(path, "empty body")
    description = field("description", required=False)
    withdrawn_at = field("withdrawn_at", required=False)
    explanation = field("withdrawn_explanation", required=False)
    leftover = sorted(set(item) - {p.split(".")[0] for ps in fields.values() for p in ps} - set(src.item["ignored_fields"]))
    if leftover:
        log.warning("%s: ignored unknown GOV.UK item keys: %s", path, ", ".join(leftover))
    return Release(
        release_id=release_id,
        title=title,
        published_date=parse_date(_first(item, fields["published_date"]), path),
        body=body,
        organisations=_titles(item, src.item["links"]["organisations"], path),
        document_type=doc_type,
        url=str(src.api["web_url"]).rstrip("/") + base_path,
        language=language.lower(),
        source_path=str(path),
        content_id=field("content_id"),
        description=(normalise_inline(description) or None) if description else None,
        public_updated_at=field("public_updated_at", required=False),
        withdrawn=bool(withdrawn_at or explanation),
        withdrawn_date=parse_date(withdrawn_at, path, "withdrawn_at") if withdrawn_at else None,
        withdrawn_explanation=(html_to_text(explanation) or None) if explanation else None,
        people=_titles(item, src.item["links"]["people"], path),
        world_locations=_titles(item, src.item["links"]["world_locations"], path),
    )
