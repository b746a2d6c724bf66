"""Options and helpers shared by the commands: ``--quiet``, progress bars, error mapping."""
from __future__ import annotations

import contextlib
import functools
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import click

from ..errors import GovpressError

__all__ = ["quiet_option", "assertions_option", "progress_bar", "translate_errors", "echo"]


def quiet_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``-q/--quiet``: no progress bars and no summary, only errors."""
    return click.option("-q", "--quiet", is_flag=True, help="Show no progress and no summary; errors only.")(func)


def _assertions_value(ctx: click.Context, param: click.Parameter, value: str | None) -> bool | Path:
    if value is None:
        return True
    if value.lower() == "none":
        return False
    return Path(value)


def assertions_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--assertions PATH|none``: the dataset assertions file (default: the package's own ``assertions.yaml``);
    ``none`` skips them. Gives ``assertions``: ``True``, ``False`` or a ``Path``, as ``validate_package`` takes it."""
    return click.option(
        "--assertions", "assertions", default=None, metavar="PATH|none", callback=_assertions_value,
        help="Dataset assertions the package must pass (default: the package's own assertions.yaml, "
             "which govpress build copies from the releases folder; none there: no assertions); "
             "a YAML file of your own, or 'none' to skip them. The Table Schema and domain checks always run.",
    )(func)


def translate_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a :class:`GovpressError` into a one-line ``click.ClickException``."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except GovpressError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


@contextlib.contextmanager
def progress_bar(quiet: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress display as a ``progress(stage, completed, total)`` callback.

    Yields ``None`` when ``quiet`` or when stderr is not a terminal (no bar in logs).
    """
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from rich.console import Console

    tasks: dict[str, Any] = {}
    with Progress(
        TextColumn("[bold]{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=Console(stderr=True), transient=False,
    ) as bar:

        def update(stage: str, completed: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=completed, total=total)

        yield update


def echo(message: str, quiet: bool = False, err: bool = False) -> None:
    """Print ``message`` unless ``quiet``."""
    if not quiet:
        click.echo(message, err=err)
