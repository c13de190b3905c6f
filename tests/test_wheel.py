"""A release install works: build the wheel, install it in a fresh virtualenv, use it there.

The virtualenv sees the already installed dependencies (``--system-site-packages``) and the wheel
is installed with ``--no-deps``, so the test downloads nothing but the build backend (setuptools,
cached by pip after the first run) and takes well under a minute. What it proves is that
everything ``kg`` needs at run time (ontologies, shapes, named queries, models, KB data) is inside
the installed package: the commands run from a folder with no checkout in it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.timeout(600)


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    src.mkdir()
    shutil.copytree(ROOT / "kg", src / "kg", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(MKG_KB_DIR="off", MKG_OFFLINE="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(base / "dist"),
          str(src)], base, env)
    wheel = next((base / "dist").glob("mkg-*.whl"))
    _run([sys.executable, "-m", "venv", "--system-site-packages", str(base / "venv")], base, env)
    python = base / "venv" / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall",
          str(wheel)], base, env)
    work = base / "work"
    work.mkdir()
    shutil.copytree(ROOT / "examples", work / "examples")
    return base / "venv", env | {"PATH": f"{base / 'venv' / 'bin'}{os.pathsep}{env['PATH']}"}


def test_the_installed_package_is_the_wheel_and_needs_no_spacy(venv):
    path, env = venv
    code = ("import json, kg, importlib.metadata as m; "
            "print(json.dumps([kg.__file__, m.requires('mkg')]))")
    where, requires = json.loads(_run([str(path / "bin" / "python"), "-c", code],
                                      path.parent / "work", env))
    assert Path(where).is_relative_to(path), where  # not the checkout
    base = [r for r in requires if "extra ==" not in r]
    assert not [r for r in base if r.lower().startswith(("spacy", "en-core-web"))], base


def test_build_query_and_validate_from_the_wheel(venv):
    path, env = venv
    work = path.parent / "work"
    kg = str(path / "bin" / "kg")
    out = _run([kg, "build", "examples", "--store", "store", "--quiet"], work, env)
    assert "store: 29 articles" in out
    top = _run([kg, "query", "top-entities", "--store", "store", "--format", "csv"], work, env)
    assert top.splitlines()[0].startswith("entity,") and len(top.splitlines()) > 10
    types = _run([kg, "query", "events-by-type", "--store", "store"], work, env)
    assert "attack or strike" in types  # the event types' labels come from the ontology graph
    report = _run([kg, "validate", "--store", "store"], work, env)
    assert "Conforms: True" in report
