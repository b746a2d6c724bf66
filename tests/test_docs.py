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


def test_readme_curation_example_applies_to_the_shipped_package(built_package, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The README's corrections example quotes records that exist, with their evidence."""
    import csv

    from govpress.curate import load_curation

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("```yaml\n- table: events") + len("```yaml\n"):]
    (tmp_path / "fix.yaml").write_text(block[: block.index("```")], encoding="utf-8")
    curation = load_curation(tmp_path)
    for table, key in (("events", "event_id"), ("commitments", "commitment_id")):
        with (built_package / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                curation.apply(table, {k: (v or None) for k, v in row.items()})
    assert curation.problems() == []
    assert len(curation.used) == 2


def test_readme_api_snippet_runs_as_written(tmp_path, monkeypatch) -> None:
    """README's Python API block, run unchanged in a folder holding ``seeds/``."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    blocks = re.findall(r"```python\n(.*?)```", (root / "README.md").read_text(encoding="utf-8"), re.S)
    snippet = next(b for b in blocks if "validate_package" in b)
    (tmp_path / "seeds").symlink_to(root / "seeds", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    exec(compile(snippet, "README.md", "exec"), {})
    assert (tmp_path / "out" / "govpress.db").is_file()
