"""Help and docs are tested: every command documented, the data dictionary current."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from govpress.cli import COMMAND_MODULES, cli
from govpress.package.dictionary import render_markdown

from .conftest import ROOT


def test_every_command_module_is_registered() -> None:
    assert sorted(cli.commands) == sorted(COMMAND_MODULES)


@pytest.mark.parametrize("name", sorted(COMMAND_MODULES))
def test_command_has_help_with_an_example(name: str) -> None:
    command = cli.commands[name]
    assert command.help and "Example:" in command.help, f"govpress {name} needs a docstring with an Example"
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert f"Usage: cli {name}" in result.output or f"Usage: govpress {name}" in result.output


@pytest.mark.parametrize("name", sorted(COMMAND_MODULES))
def test_readme_documents_every_command(name: str) -> None:
    assert f"govpress {name}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_data_dictionary_is_current() -> None:
    committed = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == render_markdown(), "regenerate: python -m govpress.package.dictionary > docs/data-dictionary.md"
