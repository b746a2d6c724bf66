"""Readers that turn one input file into a :class:`~govpress.models.Release`.

Formats are detected by content, not by extension:

* a JSON object with ``base_path`` and ``details`` — a GOV.UK Content API item
  (see :mod:`govpress.ingest.govuk`);
* any other JSON object — the corpus shape (``release_id``, ``title``,
  ``published``, ``organisations``, ``document_type``, ``url``, ``source_url``, ``body``);
* text starting with a ``---`` line — YAML front matter, then a plain-text or
  Markdown body (Markdown when the file ends in ``.md``/``.markdown`` or the front
  matter says ``format: markdown``);
* any other text — plain text whose metadata is in a ``<name>.meta.yaml`` sidecar
  beside it (``000_x.txt`` → ``000_x.meta.yaml``).

Every reader raises :class:`~govpress.errors.IngestError` naming the file and the
fault; nothing here swallows an error.

Limits (:mod:`govpress.settings`) are checked before anything is parsed, so no input
can exhaust memory, the stack or time: only regular files are opened (never a FIFO,
device or socket, which could block or never end) and at most
``MAX_INPUT_BYTES`` are read; JSON and YAML nesting deeper than
``MAX_NESTING_DEPTH`` is refused before the parser runs (JSON) or as it composes
(YAML); YAML aliases (``*name``) are refused outright, so an alias bomb ("billion
laughs") cannot expand; bodies over ``MAX_BODY_CHARS`` and HTML nested deeper than
``MAX_HTML_DEPTH`` are refused. Fields are typed: ``title``, ``published``,
``organisations``, ``body`` (and ``release_id``, ``url``, ``language``,
``description``, ``document_type``) of the wrong JSON/YAML type reject the file
("title is a list; expected text"), never become a Python ``repr``.
"""
from __future__ import annotations

import json
import logging
import os
import re
import stat
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

import yaml

from .. import settings
from ..errors import IngestError
from ..models import DOCUMENT_TYPES, Release, slugify
from .html import InputTooComplex
from .normalise import normalise_body, normalise_inline

__all__ = ["read_release", "release_from_record", "parse_date", "checked_release_id", "RELEASE_ID_PATTERN",
           "read_limited", "json_depth", "kind_of", "SIDECAR_SUFFIX", "READERS"]

log = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".meta.yaml"

RELEASE_ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
"""What a release ID may be (full match): the ``releases.release_id`` pattern of the Table Schema."""


def checked_release_id(value: Any, path: object) -> str:
    """An input's own release ID, kept exactly as given (never re-slugged).

    ``new-frank-adverts-mark-tenth-anniversary--2`` stays as it is: it is the
    publisher's own identifier and may differ from another release's only by its
    hyphens.

    Args:
        value: the ``release_id`` (or ``id``/``slug``) value of the input.
        path: the input file, for the error message.
    Raises:
        IngestError: the value is not a string matching :data:`RELEASE_ID_PATTERN`
            (lowercase ASCII letters, digits and hyphens, not starting with a hyphen).
    """
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # YAML reads "release_id: 2024" as a number
    text = value.strip() if isinstance(value, str) else value
    if not isinstance(text, str) or not RELEASE_ID_PATTERN.fullmatch(text):
        raise IngestError(path, f"release_id {value!r} is not a valid ID "
                                "(lowercase letters, digits and hyphens, starting with a letter or digit)")
    return text

# Metadata keys a record may carry, and the names they may go by.
_ALIASES = {
    "release_id": ("release_id", "id", "slug"),
    "title": ("title",),
    "published": ("published", "published_date", "date", "first_published_at", "public_timestamp"),
    "organisations": ("organisations", "organisation", "organizations", "department", "departments"),
    "document_type": ("document_type", "type"),
    "url": ("url", "canonical_url", "web_url"),
    "source_url": ("source_url",),
    "body": ("body", "text"),
    "language": ("language", "locale", "lang"),
    "description": ("description", "summary"),
}
# Keys that are known and deliberately not used for the release.
_IGNORED = {"licence", "license", "format", "base_path"}

DOCUMENT_TYPE_MAP = {
    "press_release": "press_release",
    "news_story": "news_story",
    "world_news_story": "news_story",
    "speech": "speech",
    "oral_statement": "statement",
    "written_statement": "statement",
    "statement": "statement",
    "government_response": "statement",
    "news_article": "news_story",
}
"""Source document types (GOV.UK's among them) → the package's ``document_type`` enum."""


def parse_date(value: Any, path: object, field: str = "published") -> date:
    """Parse an ISO date or datetime (``2025-12-10``, ``2016-12-25T00:15:06.000+00:00``).

    The calendar date as written is kept (no time-zone conversion), so a release
    stamped ``2025-07-05T23:30:00+01:00`` is dated 2025-07-05.

    Raises:
        IngestError: when the value is missing or not an ISO date.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is None or (isinstance(value, str) and value.strip() == ""):
        raise IngestError(path, f"no {field} date")
    if not isinstance(value, str):
        raise IngestError(path, f"{field} is {kind_of(value)}; expected a date (YYYY-MM-DD)")
    text = value.strip()
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])", text)
    if not m:
        raise IngestError(path, f"{field} date {text[:40]!r} is not an ISO date (YYYY-MM-DD)")
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise IngestError(path, f"{field} date {text!r} is not a real date: {exc}") from None


def kind_of(value: Any) -> str:
    """The JSON/YAML name of a value's type, for messages: ``"a list"``, ``"a mapping"``, ``"a number"``..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (date, datetime)):
        return "a date"
    return f"a {type(value).__name__}"


def _text_field(value: Any, path: Path, field: str) -> str | None:
    """``value`` when it is text (or absent: ``None``); otherwise the file is rejected."""
    if value is None or isinstance(value, str):
        return value
    raise IngestError(path, f"{field} is {kind_of(value)}; expected text")


def _pop(meta: dict[str, Any], key: str) -> Any:
    for alias in _ALIASES[key]:
        if alias in meta:
            return meta.pop(alias)
    return None


def _as_list(value: Any, path: Path, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        items = re.split(r";\s*", value)
    elif isinstance(value, (list, tuple)):
        items = []
        for n, v in enumerate(value, 1):
            if isinstance(v, dict) and isinstance(v.get("title"), str):
                items.append(v["title"])  # GOV.UK style {"title": ...}
            elif isinstance(v, str):
                items.append(v)
            else:
                raise IngestError(path, f"{field} item {n} is {kind_of(v)}; expected text (a name)")
    else:
        raise IngestError(path, f"{field} is {kind_of(value)}; expected text or a list of names")
    return tuple(normalise_inline(v) for v in items if v.strip())


_HTML_BODY = re.compile(r"<(?:p|div|br|span|a|b|i|em|strong|ul|ol|li|h[1-6]|table|script|style|blockquote)\b[^>]*>", re.I)


def _body_text(body: str, path: Path) -> str:
    """Normalise a body; one that holds HTML markup is converted to text first, and
    character references outside markup ("£1.5&nbsp;billion") are decoded.

    Raises:
        IngestError: the body is longer than ``settings.MAX_BODY_CHARS``.
    """
    if len(body) > settings.MAX_BODY_CHARS:
        raise IngestError(path, f"body is {len(body):,} characters; limit {settings.MAX_BODY_CHARS:,}")
    from .html import decode_entities, has_entities, html_to_text

    if _HTML_BODY.search(body):
        return html_to_text(body)
    return normalise_body(decode_entities(body) if has_entities(body) else body)


def release_from_record(meta: dict[str, Any], path: Path, body: str | None = None) -> Release:
    """Build a Release from a metadata mapping (corpus JSON, front matter or sidecar).

    Args:
        meta: the record's keys (see ``_ALIASES`` for accepted names); consumed.
        path: the input file, for the release ID fallback and error messages.
        body: the body text when it is not in ``meta`` (front matter, sidecar).
    Raises:
        IngestError: no title, no or bad date, empty body, or a field of the wrong shape.
    """
    meta = dict(meta)
    if body is None:
        body = _pop(meta, "body")
    else:
        _pop(meta, "body")
    body = _text_field(body, path, "body")
    title = _text_field(_pop(meta, "title"), path, "title")
    if title is None or not normalise_inline(title):
        raise IngestError(path, "no title")
    published = parse_date(_pop(meta, "published"), path)
    text = _body_text(body or "", path)
    if not text:
        raise IngestError(path, "empty body")
    release_id = _pop(meta, "release_id")
    if isinstance(release_id, bool) or (release_id is not None and not isinstance(release_id, (str, int))):
        raise IngestError(path, f"release_id is {kind_of(release_id)}; expected text")
    release_id = checked_release_id(str(release_id), path) if release_id not in (None, "") else _id_from_path(path)
    if not release_id:
        raise IngestError(path, "no usable release_id")
    raw_type = _text_field(_pop(meta, "document_type"), path, "document_type")
    doc_type = DOCUMENT_TYPE_MAP.get(str(raw_type or "press_release").strip().lower())
    if doc_type is None:
        log.warning("%s: unknown document_type %r recorded as 'other'", path, raw_type)
        doc_type = "other"
    assert doc_type in DOCUMENT_TYPES
    url = _checked_url(_text_field(_pop(meta, "url"), path, "url"), path)
    source_url = _checked_url(_text_field(_pop(meta, "source_url"), path, "source_url"), path)
    language = _text_field(_pop(meta, "language"), path, "language") or "en"
    description = _text_field(_pop(meta, "description"), path, "description")
    organisations = _as_list(_pop(meta, "organisations"), path, "organisations")
    leftover = sorted(k for k in meta if k not in _IGNORED and not str(k).endswith("_note"))
    if leftover:
        log.warning("%s: ignored unknown metadata keys: %s", path, ", ".join(map(str, leftover)))
    return Release(
        release_id=release_id,
        title=normalise_inline(str(title)),
        published_date=published,
        body=text,
        organisations=organisations,
        document_type=doc_type,
        url=url,
        source_url=source_url if source_url != url else None,
        language=language.strip() or "en",
        source_path=str(path),
        description=normalise_inline(str(description)) if description else None,
    )


def _checked_url(url: str | None, path: Path) -> str | None:
    """An ``http``/``https`` URL as given (stripped); anything else (``javascript:``, ``data:``,
    a bare path) is dropped with a warning, so the site never links it."""
    if not url or not url.strip():
        return None
    url = url.strip()
    if not re.match(r"(?i)https?://[^\s/]", url) or any(c.isspace() or ord(c) < 32 for c in url):
        log.warning("%s: url %r is not an http(s) address; dropped", path, url[:80])
        return None
    return url


def _id_from_path(path: Path) -> str:
    name = path.name
    for suffix in (".json", ".md", ".markdown", ".txt", ".text"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    return slugify(name)


def _decode(path: Path, raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(path, f"invalid UTF-8 at byte {exc.start}") from None
    return text[1:] if text.startswith("\ufeff") else text


class _LimitedLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses aliases and nesting deeper than ``MAX_NESTING_DEPTH``."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102 - PyYAML hook
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed", mark)
        self._depth += 1
        try:
            if self._depth > settings.MAX_NESTING_DEPTH:
                mark = self.peek_event().start_mark
                raise yaml.composer.ComposerError(
                    None, None, f"nested deeper than {settings.MAX_NESTING_DEPTH} levels", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _load_yaml(path: Path, text: str, what: str) -> dict[str, Any]:
    try:
        meta = yaml.load(text, Loader=_LimitedLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise IngestError(path, f"unparseable {what}{where}: {getattr(exc, 'problem', exc)}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise IngestError(path, f"{what} is not a mapping of keys to values")
    return meta


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def json_depth(text: str, limit: int) -> int:
    """The nesting depth of JSON ``text`` (arrays and objects), counted without parsing.

    Stops counting as soon as ``limit`` is passed (returns ``limit + 1``). Linear
    time; brackets inside strings are ignored.
    """
    depth = deepest = 0
    for m in _JSON_BRACKET.finditer(_JSON_STRING.sub("", text)):
        if m[0] in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        else:
            depth -= 1
    return deepest


def read_limited(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file, refusing anything else and anything over ``limit`` bytes.

    The file is opened non-blocking, so a FIFO never hangs the caller.

    Args:
        path: the file.
        limit: maximum size in bytes (default ``settings.MAX_INPUT_BYTES``).
    Raises:
        IngestError: not a regular file (FIFO, device, socket, folder), larger than
            ``limit``, or unreadable.
    """
    limit = settings.MAX_INPUT_BYTES if limit is None else limit
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise IngestError(path, f"cannot read: {exc.strerror}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise IngestError(path, f"not a regular file ({_file_kind(st.st_mode)}); skipped")
        if st.st_size > limit:
            raise IngestError(path, f"file is {st.st_size:,} bytes; limit {limit:,}")
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise IngestError(path, f"file is over {limit:,} bytes (still growing)")
        return b"".join(chunks)
    except OSError as exc:
        raise IngestError(path, f"cannot read: {exc.strerror}") from None
    finally:
        os.close(fd)


def _file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a regular file"


# --- readers: each returns a Release, or None when the content is not its format ----


def read_json(path: Path, text: str) -> Release | None:
    """Corpus JSON (``../shared/corpus/dev`` shape) or, via :mod:`.govuk`, a Content API item."""
    head = text.lstrip()[:1]
    if head != "{" and not (path.suffix.lower() == ".json" or head == "["):
        return None
    if json_depth(text, settings.MAX_NESTING_DEPTH) > settings.MAX_NESTING_DEPTH:
        raise IngestError(path, f"JSON nested deeper than {settings.MAX_NESTING_DEPTH} levels")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestError(path, f"unparseable JSON (line {exc.lineno}): {exc.msg}") from None
    if not isinstance(data, dict):
        kind = {list: "an array", str: "a string", type(None): "null", bool: "a boolean"}.get(type(data), "a number")
        raise IngestError(path, f"JSON top level is {kind}; expected an object (one release per file)")
    if "base_path" in data and "details" in data:
        from .govuk import release_from_content_item

        return release_from_content_item(data, path)
    return release_from_record(data, path)


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)^(?:---|\.\.\.)[ \t]*$\n?", re.S | re.M)


def read_front_matter(path: Path, text: str) -> Release | None:
    """Markdown or plain text that starts with a YAML front-matter block."""
    if not text.startswith("---"):
        return None
    m = _FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if not m:
        raise IngestError(path, "unparseable front matter: no closing '---' line")
    meta = _load_yaml(path, m[1], "front matter")
    body = text.replace("\r\n", "\n")[m.end():]
    fmt = str(meta.get("format", "")).lower()
    if fmt == "markdown" or path.suffix.lower() in (".md", ".markdown"):
        from .html import markdown_to_text

        body = markdown_to_text(body)  # raw HTML inside Markdown goes through the same parser
    return release_from_record(meta, path, body=body)


def read_sidecar_text(path: Path, text: str) -> Release | None:
    """Plain text whose metadata lives in ``<name>.meta.yaml`` next to it."""
    sidecar = sidecar_for(path)
    if not sidecar.exists():
        raise IngestError(path, f"no metadata: neither front matter nor a {sidecar.name} sidecar")
    meta = _load_yaml(sidecar, _decode(sidecar, read_limited(sidecar)), "sidecar metadata")
    return release_from_record(meta, path, body=text)


def sidecar_for(path: Path) -> Path:
    """The sidecar metadata path of a text file (``a/000_x.txt`` → ``a/000_x.meta.yaml``)."""
    stem = path.name.rsplit(".", 1)[0] if "." in path.name else path.name
    return path.with_name(stem + SIDECAR_SUFFIX)


READERS: tuple[Callable[[Path, str], Release | None], ...] = (
    read_json,
    read_front_matter,
    read_sidecar_text,
)
"""Tried in order; the first that does not return None reads the file."""


def read_release(path: str | Path) -> Release:
    """Read one input file as a Release, detecting its format by content.

    Args:
        path: a ``.json``, ``.md``/``.txt`` with front matter, or ``.txt`` with sidecar.
    Raises:
        IngestError: the file is unreadable, not a regular file, over a limit (size,
            nesting, aliases, body length), not UTF-8, or fails a reader's checks.
    """
    path = Path(path)
    text = _decode(path, read_limited(path))
    if not text.strip():
        raise IngestError(path, "empty file")
    for reader in READERS:
        try:
            release = reader(path, text)
        except InputTooComplex as exc:
            raise IngestError(path, str(exc)) from None
        except RecursionError:
            raise IngestError(path, "input nested too deeply to read (RecursionError)") from None
        if release is not None:
            return release
    raise IngestError(path, "unrecognised format")  # pragma: no cover - sidecar reader always answers
