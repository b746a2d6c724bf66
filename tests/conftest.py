"""Shared fixtures: paths to the shipped releases and one package built from them.

``built_package`` builds ``seeds/`` once per test session into a temporary folder
(through the library API, with a fresh cache) and is shared read-only by every test
that needs real output; tests that change a package copy it first
(``package_copy``).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from govpress.build import BuildResult, build

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FOUNDING_ID = "foreign-secretary-calls-for-european-cooperation-on-illegal-migration"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The package built from ``seeds/`` (BuildResult; ``.descriptor`` is its datapackage.json)."""
    out = tmp_path_factory.mktemp("package")
    return build([SEEDS], out, cache_dir=tmp_path_factory.mktemp("cache"), curation_dir=None, jobs=2)


@pytest.fixture(scope="session")
def built_package(built: BuildResult) -> Path:
    """Directory of the package built from ``seeds/`` (holds datapackage.json and data/)."""
    return built.descriptor.parent


@pytest.fixture
def package_copy(built_package: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the built package (for tests that tamper with it)."""
    dest = tmp_path / "package"
    shutil.copytree(built_package, dest)
    return dest


@pytest.fixture
def gold(package_copy: Path) -> Path:
    """A package copy whose extracted tables hold hand-made records of two real releases."""
    from .package_tools import install_gold_rows

    install_gold_rows(package_copy)
    return package_copy
