"""ruff, as configured in pyproject.toml, passes on the whole repository (run by `make test`)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def ruff() -> str:
    found = Path(sys.executable).with_name("ruff")
    return str(found) if found.exists() else (shutil.which("ruff") or "ruff")


def test_ruff_finds_nothing():
    done = subprocess.run([ruff(), "check", "--no-cache", "--output-format", "concise", "."], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]


def test_ruff_would_catch_an_unused_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os\n")
    done = subprocess.run([ruff(), "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), str(sample)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1 and "F401" in done.stdout
