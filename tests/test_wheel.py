"""A wheel install works end to end: sources and rules ship inside the package.

Builds a wheel of this checkout (no build isolation, no network), installs it with
``--no-deps`` into a fresh venv that reuses the already-installed dependencies (a
``.pth`` line naming this interpreter's site-packages), and runs ``govpress build``
from a folder outside the checkout on a GOV.UK Content API item and on ``seeds/``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from .conftest import FIXTURES, ROOT, SEEDS


def _run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PIP_NO_INDEX"] = "1"
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``govpress`` script of a fresh venv holding only the wheel (dependencies reused)."""
    tmp = tmp_path_factory.mktemp("wheel")
    made = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", tmp / "dist", ROOT)
    assert made.returncode == 0, made.stderr[-2000:]
    wheel = next((tmp / "dist").glob("govpress-*.whl"))
    env_dir = tmp / "venv"
    venv.create(env_dir, with_pip=False)
    py = env_dir / "bin" / "python"
    site = Path(_run(py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    (site / "zz_reuse_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    done = _run(sys.executable, "-m", "pip", "--python", py, "install", "--no-deps", "--no-index", wheel)
    if done.returncode != 0:  # pip without --python support: install into the venv's site-packages
        done = _run(sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target", site, wheel)
    assert done.returncode == 0, done.stderr[-2000:]
    where = _run(py, "-c", "import govpress; print(govpress.__file__)")
    assert where.returncode == 0 and where.stdout.startswith(str(env_dir)), (where.stdout, where.stderr)
    return py


def test_wheel_builds_a_govuk_item_and_the_seeds(installed: Path, tmp_path: Path) -> None:
    item = tmp_path / "govuk"
    item.mkdir()
    (item / "item.json").write_bytes((FIXTURES / "govuk" / "best-practice-news-story.json").read_bytes())
    out = _run(installed, "-m", "govpress", "build", "--releases", item, "--out", tmp_path / "one",
               "--cache-dir", tmp_path / "cache1", "-j", "1", "--quiet", "--strict", cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert (tmp_path / "one" / "data" / "releases.csv").read_text(encoding="utf-8").count("\n") >= 2
    out = _run(installed, "-m", "govpress", "build", "--releases", SEEDS, "--out", tmp_path / "seeds",
               "--cache-dir", tmp_path / "cache2", "-j", "1", "--quiet", cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    descriptor = json.loads((tmp_path / "seeds" / "datapackage.json").read_text(encoding="utf-8"))
    assert len(descriptor["resources"]) == 16
    assert (tmp_path / "seeds" / "assertions.yaml").is_file()
    checked = _run(installed, "-m", "govpress", "validate", tmp_path / "seeds", "--quiet", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout[-2000:] + checked.stderr[-2000:]
