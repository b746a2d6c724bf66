"""Stream rows into CSV and Parquet files, one pair per table, with declared types.

CSV: UTF-8, RFC 4180 quoting, header row, ``\\n`` line ends, no BOM; cells as
:func:`govpress.package.layout.format_cell` renders them (a null is an empty cell).

Parquet: one file per table, same rows in the same order, typed columns from the
Table Schema (:func:`govpress.package.layout.arrow_type`). No pandas metadata, so
the files are byte-identical for the same rows and the same pyarrow version.
"""
from __future__ import annotations

import csv
import os
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from .layout import arrow_type, format_cell
from .schemas import field_types

__all__ = ["TableWriter", "format_cell", "arrow_schema", "PARQUET_NUMBER", "write_durable", "fsync_tree",
           "mark_committed", "finish_commit", "recover", "DirLock", "BUILD_PREFIX", "COMMIT_MARKER"]

_BATCH = 5000


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema of ``table``'s Parquet file, derived from its Table Schema."""
    return pa.schema([pa.field(name, arrow_type(kind), nullable=True) for name, kind in field_types(table).items()])


def _arrow_value(kind: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    if kind == "number":
        return Decimal(value).quantize(Decimal("0.01"))
    return value


class TableWriter:
    """Write one table as ``<dir>/<table>.csv`` and ``<dir>/<table>.parquet`` at once.

    Use as a context manager; :meth:`write` takes dicts keyed by the schema's field
    names (missing keys are null; unknown keys raise ``KeyError``).
    """

    def __init__(self, table: str, directory: Path) -> None:
        self.table = table
        self.types = field_types(table)
        self.names = list(self.types)
        self.csv_path = Path(directory) / f"{table}.csv"
        self.parquet_path = Path(directory) / f"{table}.parquet"
        self.schema = arrow_schema(table)
        self.rows = 0
        self._batch: list[dict[str, Any]] = []
        self._csv_file = self.csv_path.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._csv_file, lineterminator="\n")
        self._csv.writerow(self.names)
        self._parquet = pq.ParquetWriter(
            self.parquet_path, self.schema, compression="zstd", version="2.6",
            use_dictionary=True, write_statistics=True,
        )

    def write(self, row: dict[str, Any]) -> None:
        """Append one row to both files."""
        unknown = set(row) - set(self.types)
        if unknown:
            raise KeyError(f"{self.table}: unknown field(s) {sorted(unknown)}")
        self._csv.writerow([format_cell(row.get(n)) for n in self.names])
        self._batch.append(row)
        self.rows += 1
        if len(self._batch) >= _BATCH:
            self._flush()

    def write_all(self, rows: Iterable[dict[str, Any]]) -> None:
        """Append every row of ``rows``."""
        for row in rows:
            self.write(row)

    def _flush(self) -> None:
        if not self._batch:
            return
        columns = {
            n: pa.array([_arrow_value(k, r.get(n)) for r in self._batch], type=self.schema.field(n).type)
            for n, k in self.types.items()
        }
        self._parquet.write_table(pa.table(columns, schema=self.schema))
        self._batch = []

    def close(self) -> None:
        """Flush and close both files (an empty table still gets a header and a schema); idempotent.

        The CSV is fsynced before it is closed; the Parquet file is fsynced by the
        package's :func:`fsync_tree` before the commit.
        """
        if self._csv_file.closed:
            return
        self._flush()
        self._parquet.close()
        self._csv_file.flush()
        os.fsync(self._csv_file.fileno())
        self._csv_file.close()

    def __enter__(self) -> "TableWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- durable files and the one atomic commit ----------------------------------------
#
# A package is written into a fresh folder ``<out>/.govpress-build-XXXX/`` beside the
# destination (same file system), every file and folder fsynced. The commit point is
# one rename: ``COMMIT.tmp`` → ``COMMIT`` inside that folder (then fsynced). Before
# it, a kill leaves the previous package untouched and the folder is stale; after
# it, the build is decided and the swap is rolled forward by whoever comes next.
# The swap itself: ``data/`` is exchanged with the new one in a single
# ``renameat2(RENAME_EXCHANGE)`` (Linux; elsewhere two renames), so ``data/`` always
# exists and is always a complete set of files; then ``datapackage.json`` and the
# extra files are each replaced with ``os.replace``. The descriptor does not depend
# on the rows (it holds no sizes or hashes), so while the names are swapped a reader
# sees a valid package: the old one's descriptor with either data.

BUILD_PREFIX = ".govpress-build-"
"""Prefix of a package being built inside the output folder."""

STALE_PREFIXES = (BUILD_PREFIX, ".govpress-old-")
"""Folders left in the output folder by killed builds (``.govpress-old-*``: older govpress)."""

COMMIT_MARKER = "COMMIT"
"""File in a build folder that marks it complete and decided (holds the new ``data/``'s inode)."""


def fsync_path(path: Path) -> None:
    """fsync a file or folder (its entries) by path; a no-op where folders cannot be opened."""
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if Path(path).is_dir() else 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        if Path(path).is_dir():
            return  # e.g. Windows: folders cannot be opened
        raise
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_durable(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` and fsync it before returning.

    Raises:
        OSError: the folder is read-only, the disk is full, ...
    """
    with Path(path).open("w", encoding="utf-8", newline="") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


def fsync_tree(root: Path) -> None:
    """fsync every file and folder under ``root`` (files first, then their folders)."""
    for dirpath, _dirs, files in os.walk(root, topdown=False):
        for name in files:
            fsync_path(Path(dirpath) / name)
        fsync_path(Path(dirpath))


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    AT_FDCWD = -100
    res = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if res == 0:
        return True
    err = ctypes.get_errno()
    import errno

    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP if hasattr(errno, "ENOTSUP") else errno.EINVAL):
        return False
    raise OSError(err, os.strerror(err), str(a))


def mark_committed(build_dir: Path, data_dir: str) -> None:
    """Make ``build_dir`` the decided next package: the single atomic rename of the commit.

    Call after every file in ``build_dir`` is written and fsynced.
    """
    st = (build_dir / data_dir).stat()
    tmp = build_dir / (COMMIT_MARKER + ".tmp")
    write_durable(tmp, f"{st.st_dev} {st.st_ino}\n")
    os.replace(tmp, build_dir / COMMIT_MARKER)
    fsync_path(build_dir)


def finish_commit(build_dir: Path, out_dir: Path, data_dir: str, names: list[str]) -> None:
    """Swap a committed ``build_dir`` into ``out_dir`` (idempotent: safe to repeat after a kill).

    Args:
        build_dir: a build folder holding :data:`COMMIT_MARKER`, ``data_dir`` and ``names``.
        out_dir: the package folder.
        data_dir: the data folder's name (``data``).
        names: files moved beside the descriptor, the descriptor first.
    Raises:
        OSError: a rename failed (the next start retries it).
    """
    import shutil

    dev, ino = (int(x) for x in (build_dir / COMMIT_MARKER).read_text(encoding="utf-8").split())
    target = out_dir / data_dir
    try:
        tst = target.stat()
        in_place = (tst.st_dev, tst.st_ino) == (dev, ino)
    except FileNotFoundError:
        in_place = False
    if not in_place:
        new = build_dir / data_dir
        if not target.exists():
            os.rename(new, target)
        elif not _exchange(new, target):
            os.replace(target, build_dir / (data_dir + ".old"))
            os.replace(new, target)
        fsync_path(out_dir)
    for name in names:
        if (build_dir / name).exists():
            os.replace(build_dir / name, out_dir / name)
    fsync_path(out_dir)
    shutil.rmtree(build_dir, ignore_errors=True)


def recover(out_dir: Path, data_dir: str, names: list[str]) -> list[str]:
    """Tidy ``out_dir`` after killed builds: roll committed swaps forward, remove stale folders.

    Returns:
        One line per folder handled (``"finished an interrupted swap from ..."``,
        ``"removed stale ..."``), for warnings.
    """
    import shutil

    done: list[str] = []
    if not out_dir.is_dir():
        return done
    for entry in sorted(out_dir.iterdir()):
        if not entry.is_dir() or not entry.name.startswith(STALE_PREFIXES):
            continue
        if entry.name.startswith(BUILD_PREFIX) and (entry / COMMIT_MARKER).exists():
            finish_commit(entry, out_dir, data_dir, names)
            done.append(f"finished the interrupted swap of a complete package from {entry.name}")
        else:
            shutil.rmtree(entry, ignore_errors=True)
            done.append(f"removed {entry.name} left by an interrupted build")
    return done


class DirLock:
    """An exclusive lock on a folder (``flock`` on the folder itself; no lock file is left).

    Raises (on :meth:`acquire`):
        BlockingIOError: another process holds the lock.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.fd: int | None = None

    def acquire(self) -> None:
        """Take the lock without waiting."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            return
        self.fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self.fd)
            self.fd = None
            raise BlockingIOError(f"{self.path} is being written by another build") from None

    def release(self) -> None:
        """Release the lock (idempotent)."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
