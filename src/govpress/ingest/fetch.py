"""Fetch releases from GOV.UK: list with the Search API, download with the Content API.

:func:`fetch` pages through ``/api/search.json`` (filtered on
``content_store_document_type``, organisations and a ``public_timestamp`` range),
downloads every listed item from ``/api/content/<base_path>`` and stores it, with
the translations of items in ``store.translations_of``, as
``<out_dir>/<content_id>.<locale>.json`` (translations share a ``content_id``, so
the locale is part of the key; a newer version of an item replaces its file).
Files hold the item's JSON re-serialised with sorted keys and two-space indents,
so re-fetching an unchanged item gives the same bytes and diffs stay readable.

Fetching is resumable: ``<out_dir>/.index.json`` (sorted, deterministic; hidden so
``govpress build`` does not read it) records each stored item and what each listed
link resolved to, with its ``public_updated_at`` and withdrawn state. A listed link
whose ``public_timestamp`` is not newer and whose ``is_withdrawn`` flag has not
changed is not downloaded again, so a second run over the same listing makes no
Content API request and writes nothing.

The client is polite (see ``client`` in ``govpress/sources/govuk.yml``): an identifying
User-Agent, at most ``requests_per_second``, timeouts, and retries with exponential
backoff on 429/5xx and transport errors, honouring ``Retry-After``. A malformed or
unreadable item is reported as a :class:`FetchProblem` and skipped; only a failing
Search API (after its retries) stops the run, with :class:`~govpress.errors.FetchError`.
"""
from __future__ import annotations

import email.utils
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence
from urllib.parse import quote

import httpx

from .. import settings
from ..errors import FetchError, IngestError
from ..models import Release
from .govuk import GovukSource, load_source, release_from_content_item

__all__ = ["fetch", "FetchResult", "FetchProblem", "Client", "HTTPStatusFailure", "DEFAULT_FETCH_DIR"]

DEFAULT_FETCH_DIR = settings.DEFAULT_RELEASES_DIR / "govuk"
"""Where fetched items go by default (``seeds/govuk``), so ``govpress build`` reads them."""

ProgressCallback = Callable[[str, int, int], None]


class HTTPStatusFailure(FetchError):
    """A request ended with an HTTP error status (after any retries); ``status`` holds it."""

    def __init__(self, url: str, status: int) -> None:
        self.status = status
        super().__init__(f"{url}: HTTP {status}")


@dataclass(frozen=True)
class FetchProblem:
    """Something not stored: the link (base path), why, and ``kind``.

    ``failed``: an item that could not be downloaded or read (tried again next run);
    ``skipped``: an item served but deliberately not stored; ``notice``: about the
    listing or the state file (a result that is not a GOV.UK path, a full result
    window, an unreadable index), not counted in :class:`FetchResult`'s item counts.
    """

    link: str
    reason: str
    kind: str = "failed"

    def __str__(self) -> str:
        return f"{self.link}: {self.reason}"


@dataclass
class FetchResult:
    """What a fetch did. Counts are of items (listed links and their translations).

    ``new``: stored for the first time; ``updated``: a stored file replaced by a
    newer or changed version; ``unchanged``: already current (most without a
    request); ``skipped``: served but not stored (an older version, or a second
    link for an already-stored ``content_id`` and locale); ``failed``: could not be
    downloaded or read. ``written`` lists the files written, sorted.
    """

    out_dir: Path
    listed: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    requests: int = 0
    written: list[Path] = field(default_factory=list)
    problems: list[FetchProblem] = field(default_factory=list)


# --- the polite HTTP client ----------------------------------------------------------


class Client:
    """An httpx client with a User-Agent, a rate limit, timeouts and retries with backoff.

    Args:
        base_url: scheme and host (``https://www.gov.uk``).
        config: the ``client`` section of the source YAML.
        transport: an httpx transport (tests); default: the network.
        sleep: ``sleep(seconds)``; clock: monotonic seconds — injectable for tests.
    """

    def __init__(self, base_url: str, config: dict[str, Any], *, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.sleep = sleep
        self.clock = clock
        self.requests = 0
        self._interval = 1.0 / float(config["requests_per_second"])
        self._next_at: float | None = None
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"User-Agent": str(config["user_agent"]).format(version=settings.VERSION), "Accept": "application/json"},
            timeout=httpx.Timeout(float(config["timeout_seconds"])),
            follow_redirects=True,
            transport=transport,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _wait_turn(self) -> None:
        now = self.clock()
        if self._next_at is not None and self._next_at > now:
            self.sleep(self._next_at - now)
            now = self._next_at
        self._next_at = now + self._interval

    def _retry_after(self, response: httpx.Response) -> float:
        value = response.headers.get("Retry-After", "").strip()
        if not value:
            return 0.0
        if value.isdigit():
            seconds = float(value)
        else:
            try:
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return 0.0
            seconds = (when - datetime.now(timezone.utc)).total_seconds()
        return max(0.0, min(seconds, float(self.config["max_retry_after_seconds"])))

    def get(self, path: str, params: list[tuple[str, str]] | None = None) -> httpx.Response:
        """GET ``path`` (relative to the base URL); return the first non-retryable 2xx response.

        Raises:
            HTTPStatusFailure: a 4xx other than a retryable one, or a retryable
                status still returned after ``max_retries`` retries.
            FetchError: a transport error (connection, timeout) after the retries.
        """
        retries = int(self.config["max_retries"])
        retry_statuses = set(self.config["retry_statuses"])
        base, cap = float(self.config["backoff_base_seconds"]), float(self.config["max_backoff_seconds"])
        for attempt in range(retries + 1):
            self._wait_turn()
            self.requests += 1
            backoff = min(cap, base * 2 ** attempt)
            try:
                response = self._http.get(path, params=params)
            except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:  # retrying cannot help
                raise FetchError(f"{str(self._http.base_url).rstrip('/')}/{path.lstrip('/')}: {exc}") from None
            except httpx.TransportError as exc:
                if attempt == retries:
                    raise FetchError(f"{str(self._http.base_url).rstrip('/')}/{path.lstrip('/')}: {type(exc).__name__}: {exc} "
                                     f"(after {retries} retries)") from None
                self.sleep(backoff)
                continue
            if response.status_code in retry_statuses and attempt < retries:
                self.sleep(max(backoff, self._retry_after(response)))
                continue
            if response.status_code >= 400:
                raise HTTPStatusFailure(path, response.status_code)
            return response
        raise AssertionError("unreachable")  # pragma: no cover


# --- the state file ------------------------------------------------------------------


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _newer(a: Any, b: Any) -> bool:
    """True when timestamp ``a`` is later than ``b``, or either cannot be read."""
    ta, tb = _timestamp(a), _timestamp(b)
    return ta is None or tb is None or ta > tb


def _older(a: Any, b: Any) -> bool:
    """True when both timestamps can be read and ``a`` is earlier than ``b``."""
    ta, tb = _timestamp(a), _timestamp(b)
    return ta is not None and tb is not None and ta < tb


class _Index:
    """``<out_dir>/.index.json``: ``items`` (file key → base_path, public_updated_at,
    sha256, withdrawn) and ``links`` (listed base path → file key, public_updated_at, withdrawn)."""

    def __init__(self, path: Path, problems: list[FetchProblem]) -> None:
        self.path = path
        self.items: dict[str, dict[str, Any]] = {}
        self.links: dict[str, dict[str, Any]] = {}
        self._saved: str | None = None
        if path.exists():
            try:
                raw = path.read_text(encoding="utf-8")
                data = json.loads(raw)
                self.items, self.links = dict(data["items"]), dict(data["links"])
                self._saved = raw
            except (ValueError, KeyError, TypeError) as exc:
                problems.append(FetchProblem(str(path), f"unreadable fetch index ({exc}); starting afresh", "notice"))

    def dumps(self) -> str:
        return json.dumps({"items": self.items, "links": self.links}, ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    def save(self) -> None:
        text = self.dumps()
        if text != self._saved:
            _write_atomic(self.path, text.encode("utf-8"))
            self._saved = text


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# --- one run -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hit:
    link: str
    public_timestamp: str | None = None
    is_withdrawn: bool | None = None


_KEY_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")


class _Run:
    """The state of one fetch: source, client, index, result (the adapter's context)."""

    def __init__(self, source: GovukSource, client: Client, out_dir: Path, translations: bool,
                 on_problem: Callable[[FetchProblem], None] | None) -> None:
        self.source, self.client, self.out_dir = source, client, out_dir
        self.translations = translations
        self.on_problem = on_problem
        self.result = FetchResult(out_dir)
        self.index = _Index(out_dir / str(source.store["index"]), self.result.problems)
        self.handled: set[str] = set()
        self.total = 0
        self._last_date: date | None = None

    def problem(self, link: str, reason: str, kind: str = "failed") -> None:
        p = FetchProblem(link, reason, kind)
        self.result.problems.append(p)
        if kind == "failed":
            self.result.failed += 1
        elif kind == "skipped":
            self.result.skipped += 1
        if self.on_problem:
            self.on_problem(p)

    # listing

    def search(self, document_types: Sequence[str], organisations: Sequence[str],
               since: date | None, until: date | None) -> Iterator[_Hit]:
        """Yield every listed hit, paging with start/count and narrowing past the result window."""
        s = self.source.search
        names = s["params"]
        page, window = int(s["page_size"]), int(s["max_result_window"])
        descending = str(s["order"]).startswith("-")
        start, first = 0, True
        while True:
            if start >= window:  # the index serves no further: restart from the last date seen
                last = self._last_date
                bound = until if descending else since
                if last is None or (bound is not None and (last >= bound if descending else last <= bound)):
                    self.problem("(search)", f"more than {window} results on {last}: narrow --since/--until", "notice")
                    return
                until, since = (last, since) if descending else (until, last)
                start = 0
            count = min(page, window - start)
            params: list[tuple[str, str]] = [("count", str(count)), ("start", str(start)), ("order", str(s["order"]))]
            params += [("fields", f) for f in s["fields"]]
            params += [(names["document_type"], t) for t in document_types]
            params += [(names["organisation"], o) for o in organisations]
            if since or until:
                bounds = ([f"from:{since.isoformat()}"] if since else []) + ([f"to:{until.isoformat()}"] if until else [])
                params.append((names["timestamp"], ",".join(bounds)))
            if s["include_withdrawn"]:
                params.append(("debug", "include_withdrawn"))
            try:
                data = self.client.get(str(self.source.api["search_path"]), params).json()
                results, total = data["results"], int(data["total"])
                assert isinstance(results, list)
            except (ValueError, KeyError, TypeError, AssertionError) as exc:
                raise FetchError(f"{self.source.api['search_path']}: unexpected Search API response "
                                 f"({type(exc).__name__})") from None
            if first:
                self.total, first = total, False
            for r in results:
                link = r.get("link") if isinstance(r, dict) else None
                if not isinstance(link, str) or not link.startswith("/"):
                    self.problem(str(link), "search result without a GOV.UK path", "notice")
                    continue
                ts, withdrawn = r.get("public_timestamp"), r.get("is_withdrawn")
                parsed = _timestamp(ts)
                self._last_date = parsed.date() if parsed else None
                yield _Hit(link, ts if parsed else None, withdrawn if isinstance(withdrawn, bool) else None)
            start += len(results)
            if not results or start >= total:
                return

    # items

    def current(self, hit: _Hit) -> bool:
        """Whether the stored copy of ``hit.link`` is as new as the listing says."""
        seen = self.index.links.get(hit.link)
        if not seen or seen["key"] not in self.index.items:
            return False
        if not (self.out_dir / self._filename(seen["key"])).exists():
            return False
        if hit.public_timestamp is None or _newer(hit.public_timestamp, seen["public_updated_at"]):
            return False
        return hit.is_withdrawn is None or hit.is_withdrawn == seen["withdrawn"]

    def _filename(self, key: str) -> str:
        content_id, locale = key.rsplit(".", 1)
        return str(self.source.store["filename"]).format(content_id=content_id, locale=locale)

    def process(self, hit: _Hit) -> None:
        """Bring one link up to date: skip it if current, else download, check and store it."""
        if hit.link in self.handled:
            return
        self.handled.add(hit.link)
        if self.current(hit):
            self.result.unchanged += 1
            return
        url = str(self.source.api["content_path"]).rstrip("/") + quote(hit.link, safe="/-._~")
        try:
            response = self.client.get(url)
        except HTTPStatusFailure as exc:
            self.problem(hit.link, f"Content API answered HTTP {exc.status}")
            return
        except FetchError as exc:
            self.problem(hit.link, str(exc))
            return
        try:
            item = response.json()
            if not isinstance(item, dict):
                raise ValueError("not a JSON object")
            release = release_from_content_item(item, Path(url), self.source)
        except ValueError as exc:  # JSONDecodeError is a ValueError
            self.problem(hit.link, f"malformed Content API item: {exc}")
            return
        except IngestError as exc:
            self.problem(hit.link, f"unusable Content API item: {exc.reason}")
            return
        content_id, locale = str(release.content_id), release.language
        if not (_KEY_PART.fullmatch(content_id) and _KEY_PART.fullmatch(locale)):
            self.problem(hit.link, f"content_id {content_id!r} or locale {locale!r} cannot name a file")
            return
        self.store(hit.link, f"{content_id}.{locale}", item, release)
        if self.translations and locale == self.source.store["translations_of"]:
            for t in (item.get("links") or {}).get("available_translations") or []:
                if isinstance(t, dict) and t.get("content_id") == content_id and t.get("locale") != locale \
                        and isinstance(t.get("base_path"), str) and t["base_path"].startswith("/"):
                    self.process(_Hit(t["base_path"], t.get("public_updated_at")))

    def _stored(self, key: str, path: Path) -> dict[str, Any] | None:
        """The index record of file ``key``; rebuilt from the file when the index lacks it."""
        if not path.exists():
            return None
        if key in self.index.items:
            return self.index.items[key]
        try:
            data = path.read_bytes()
            item = json.loads(data)
            notice = item.get("withdrawn_notice") or {}
            return {"base_path": item["base_path"], "public_updated_at": item.get("public_updated_at"),
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "withdrawn": bool(notice.get("withdrawn_at") or notice.get("explanation"))}
        except (OSError, ValueError, KeyError, AttributeError):
            return None  # unreadable: replaced by the fresh download

    def store(self, link: str, key: str, item: dict[str, Any], release: Release) -> None:
        """Write ``item`` as file ``key`` unless the stored one is the same or newer."""
        data = (json.dumps(item, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
        sha = hashlib.sha256(data).hexdigest()
        path = self.out_dir / self._filename(key)
        old = self._stored(key, path)
        updated_at, withdrawn, base_path = release.public_updated_at, release.withdrawn, str(item["base_path"])
        self.index.links[link] = {"key": key, "public_updated_at": updated_at, "withdrawn": withdrawn}
        if old is not None and old["sha256"] == sha:
            self.index.items[key] = old
            self.result.unchanged += 1
            return
        if old is not None and _older(updated_at, old["public_updated_at"]):
            self.problem(link, f"older than the stored {key} ({updated_at} < {old['public_updated_at']}); "
                               "kept the stored one", "skipped")
            return
        if old is not None and old["base_path"] != base_path and not _newer(updated_at, old["public_updated_at"]) \
                and withdrawn == old["withdrawn"]:
            self.problem(link, f"same content_id and locale as the stored {old['base_path']} ({key}) "
                               "and not newer; kept the stored one", "skipped")
            return
        _write_atomic(path, data)
        self.index.items[key] = {"base_path": base_path, "public_updated_at": updated_at, "sha256": sha, "withdrawn": withdrawn}
        self.result.written.append(path)
        if old is None:
            self.result.new += 1
        else:
            self.result.updated += 1


def fetch(
    *,
    organisations: Sequence[str] = (),
    document_types: Sequence[str] = (),
    since: date | None = None,
    until: date | None = None,
    limit: int | None = None,
    base_url: str | None = None,
    out_dir: str | Path = DEFAULT_FETCH_DIR,
    source: GovukSource | str | Path | None = None,
    translations: bool = True,
    progress: ProgressCallback | None = None,
    on_problem: Callable[[FetchProblem], None] | None = None,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> FetchResult:
    """List GOV.UK releases with the Search API and store new or updated Content API items.

    Args:
        organisations: organisation slugs (``filter_organisations``); any of them matches.
        document_types: ``content_store_document_type`` values; default: the source's list.
        since, until: ``public_timestamp`` range, inclusive, whole days (UTC).
        limit: stop after this many listed links (translations not counted).
        base_url: API host; default: the source's ``api.base_url`` (https://www.gov.uk).
        out_dir: folder of item files and the ``.index.json`` state file.
        source: a :class:`~govpress.ingest.govuk.GovukSource` or its YAML path
            (default ``govpress/sources/govuk.yml``).
        translations: also fetch translations of items in ``store.translations_of``.
        progress: ``progress("fetch", done, total)`` after each listed link.
        on_problem: called with each :class:`FetchProblem` as it happens.
        transport, sleep, clock: for tests (an httpx transport, a sleeper, a clock).
    Returns:
        A :class:`FetchResult` (counts, files written, problems).
    Raises:
        FetchError: ``since`` is after ``until``, or the Search API failed after the
            retries (items stored before that are kept, and the index records them).
        IngestError: the source YAML is unreadable or invalid.
    """
    if since and until and since > until:
        raise FetchError(f"since {since.isoformat()} is after until {until.isoformat()}")
    src = source if isinstance(source, GovukSource) else load_source(source)
    out = Path(out_dir)
    client = Client(base_url or str(src.api["base_url"]), dict(src.client), transport=transport, sleep=sleep, clock=clock)
    run = _Run(src, client, out, translations, on_problem)
    try:
        types = list(document_types) or list(src.search["document_types"])
        for hit in run.search(types, list(organisations), since, until):
            if hit.link in run.handled:  # listed twice (pages shifted, or a narrowed window)
                continue
            if limit is not None and run.result.listed >= limit:
                break
            run.result.listed += 1
            run.process(hit)
            if progress:
                progress("fetch", run.result.listed, min(run.total, limit) if limit else run.total)
            if run.result.listed % 100 == 0:
                run.index.save()
    finally:
        run.index.save()
        run.result.requests = client.requests
        client.close()
    run.result.written.sort()
    return run.result
