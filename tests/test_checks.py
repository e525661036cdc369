"""Static checks of the package: mypy finds no type error and vulture no dead code.

Both read their settings from ``pyproject.toml`` (``[tool.mypy]``, ``[tool.vulture]``), so they are
run from the project's root, as a developer would run them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)


def test_mypy_finds_no_type_error(tmp_path):
    done = _run("mypy", "--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr


def test_vulture_finds_no_dead_code():
    done = _run("vulture")
    assert done.returncode == 0, done.stdout + done.stderr
