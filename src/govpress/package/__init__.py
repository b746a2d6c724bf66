"""Stage 5: write the Frictionless data package (CSV + Parquet + ``datapackage.json``).

:class:`PackageWriter` streams rows of every table into a fresh folder next to the
destination and, only when everything is written and fsynced, commits it with one
atomic rename and swaps ``data/`` and ``datapackage.json`` into place (see
:mod:`govpress.package.writer`); a failed or interrupted build leaves the previous
package valid, and the next one tidies up after it.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..settings import TABLES
from .layout import DATA_DIR, DESCRIPTOR, FORMATS, MEDIATYPES, file_stats, parquet_name, resource_path
from .schemas import MISSING_VALUES, load_schema, resource_meta
from .writer import BUILD_PREFIX, DirLock, TableWriter, finish_commit, fsync_tree, mark_committed, recover, write_durable

__all__ = [
    "PackageWriter",
    "build_descriptor",
    "package_metadata",
    "load_schema",
    "resource_schema",
    "resource_meta",
    "DATA_DIR",
    "DESCRIPTOR",
    "PROFILE",
    "parquet_name",
    "MISSING_VALUES",
]

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"
SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"


@lru_cache(maxsize=1)
def package_metadata() -> dict[str, Any]:
    """Package-level metadata (name, title, version, licences, sources) from ``package.yaml``."""
    text = resources.files(__package__).joinpath("package.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def resource_schema(table: str, fmt: str) -> dict[str, Any]:
    """The Table Schema of ``table``'s resource in format ``fmt`` (``csv`` or ``parquet``).

    The declared schema (:func:`load_schema`); in a Parquet resource the foreign
    keys point at the Parquet resources.

    Raises:
        KeyError: ``table`` is not a resource of the package.
    """
    schema = load_schema(table)
    if fmt == "parquet":
        for fk in schema.get("foreignKeys", []):
            fk["reference"]["resource"] = parquet_name(fk["reference"]["resource"])
    return schema


def build_descriptor(root: Path | None = None) -> dict[str, Any]:
    """The ``datapackage.json`` descriptor (Data Package v2) of the package.

    Each table is listed twice: ``<table>`` (CSV) and ``<table>-parquet``, with the
    same Table Schema; foreign keys of a Parquet resource point at Parquet resources.

    Args:
        root: package directory holding ``data/``; when given, each resource gets
            its ``bytes`` and ``hash`` (``sha256:<hex>``) from the files.
    """
    meta = dict(package_metadata())
    descriptor: dict[str, Any] = {"$schema": PROFILE}
    for key in ("name", "title", "description", "version", "homepage", "keywords", "licenses", "sources", "contributors"):
        if key in meta:
            descriptor[key] = " ".join(meta[key].split()) if key == "description" else meta[key]
    for src in descriptor.get("sources", []):
        if "description" in src:
            src["description"] = " ".join(src["description"].split())
    resources_: list[dict[str, Any]] = []
    for fmt in FORMATS:
        for table in TABLES:
            schema = {"$schema": SCHEMA_PROFILE, **resource_schema(table, fmt)}
            res: dict[str, Any] = {
                "name": table if fmt == "csv" else parquet_name(table),
                "type": "table",
                "path": resource_path(table, fmt),
                "format": fmt,
                "mediatype": MEDIATYPES[fmt],
                **resource_meta(table),
            }
            if fmt == "csv":
                res["encoding"] = "utf-8"
                res["dialect"] = {"$schema": "https://datapackage.org/profiles/2.0/tabledialect.json",
                                  "header": True, "delimiter": ",", "lineTerminator": "\n", "quoteChar": "\""}
            if root is not None:
                res.update(file_stats(Path(root) / res["path"]))
            res["licenses"] = descriptor.get("licenses", [])
            res["schema"] = schema
            resources_.append(res)
    descriptor["resources"] = resources_
    return descriptor


def write_descriptor(root: Path) -> Path:
    """Write ``root/datapackage.json`` for the files under ``root/data`` (sorted keys kept as built)."""
    path = Path(root) / DESCRIPTOR
    text = json.dumps(build_descriptor(), indent=2, ensure_ascii=False) + "\n"
    write_durable(path, text)
    return path


class PackageWriter:
    """Stream rows into a new package and swap it into ``out_dir`` atomically.

    Example::

        with PackageWriter(Path(".")) as pkg:
            pkg.write("releases", {...})
        # out_dir/data/*.csv, *.parquet and out_dir/datapackage.json are now in place

    Extra files (e.g. the ``rejected.csv`` report) go through :meth:`add_file`
    and are moved into ``out_dir`` together with the package. On an exception the
    temporary directory is removed and ``out_dir`` is left as it was.

    Creating the writer checks at once that ``out_dir`` is writable (it creates the
    build folder and the table files there), takes an exclusive lock on ``out_dir``
    (one build at a time), finishes a swap a killed build had committed and removes
    folders killed builds left (:attr:`recovered` says what was done).

    Raises:
        OSError: ``out_dir`` cannot be created or written (read-only, full, ...).
        BlockingIOError: another build holds ``out_dir``.
    """

    def __init__(self, out_dir: Path, extra_names: tuple[str, ...] = ()) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.lock = DirLock(self.out_dir)
        self.lock.acquire()
        self.extra: list[str] = []
        self.counts: dict[str, int] = {}
        self.writers: dict[str, TableWriter] = {}
        self.tmp: Path | None = None
        self.committed = False
        try:
            self.recovered = recover(self.out_dir, DATA_DIR, [DESCRIPTOR, *extra_names])
            self.tmp = Path(tempfile.mkdtemp(prefix=BUILD_PREFIX, dir=self.out_dir))
            (self.tmp / DATA_DIR).mkdir()
            self.writers = {t: TableWriter(t, self.tmp / DATA_DIR) for t in TABLES}
        except BaseException:
            self.abort()
            raise

    def write(self, table: str, row: dict[str, Any]) -> None:
        """Append one row to ``table`` (both formats)."""
        self.writers[table].write(row)

    def add_file(self, name: str, text: str) -> None:
        """Write a text file that is moved beside ``datapackage.json`` on commit."""
        assert self.tmp is not None
        write_durable(self.tmp / name, text)
        self.extra.append(name)

    def commit(self) -> Path:
        """Close the tables, write the descriptor, fsync everything, commit and swap into place.

        Raises:
            OSError: writing failed (e.g. disk full); ``out_dir`` keeps the previous package.
        """
        assert self.tmp is not None
        try:
            for table, writer in self.writers.items():
                writer.close()
                self.counts[table] = writer.rows
            write_descriptor(self.tmp)
            fsync_tree(self.tmp)
            mark_committed(self.tmp, DATA_DIR)  # the commit point: one atomic rename
            self.committed = True
        except BaseException:
            self.abort()
            raise
        try:
            finish_commit(self.tmp, self.out_dir, DATA_DIR, [DESCRIPTOR, *self.extra])
        finally:
            self.lock.release()
        return self.out_dir / DESCRIPTOR

    def abort(self) -> None:
        """Discard everything written so far (the previous package stays as it was).

        After the commit point nothing is discarded: the next writer on ``out_dir``
        finishes the swap.
        """
        if self.committed:
            self.lock.release()
            return
        for writer in self.writers.values():
            try:
                writer.close()
            except Exception:  # noqa: BLE001 - best effort while already failing
                pass
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
        self.lock.release()

    def __enter__(self) -> "PackageWriter":
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()

