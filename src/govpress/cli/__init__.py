"""The ``govpress`` command line: a thin click layer over the library API.

Each command lives in its own module (``govpress/cli/<command>.py``) exposing a
click ``command``; it parses options, calls one library function and maps
:class:`~govpress.errors.GovpressError` to a one-line ``click.ClickException``.
"""
from __future__ import annotations

import importlib

import click

from ..settings import VERSION

def _data_version() -> str:
    from ..package import package_metadata

    return str(package_metadata()["version"])


COMMAND_MODULES = ("build", "validate", "publish", "serve", "evaluate", "train", "fetch", "diff", "release")
"""Modules under ``govpress.cli`` that each define one command, in help order."""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(VERSION, prog_name="govpress",
                      message=f"%(prog)s %(version)s (data package {_data_version()})")
def cli() -> None:
    """govpress: government press releases → validated open data (CSV, Parquet, Datasette).

    \b
    Example:
        govpress build && govpress validate && govpress serve
    """
    _log_to_stderr()


def _log_to_stderr() -> None:
    """Show govpress' log warnings (e.g. an unknown document_type) as ``warning: ...`` lines."""
    import logging

    logger = logging.getLogger("govpress")
    if not any(getattr(h, "_govpress", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        handler._govpress = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
        logging.addLevelName(logging.WARNING, "warning")
        logging.addLevelName(logging.ERROR, "error")


for _name in COMMAND_MODULES:
    try:
        _module = importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as _exc:  # a command still being written
        if _exc.name != f"{__name__}.{_name}":
            raise
        continue
    cli.add_command(_module.command)
