"""buf accepts the protos: they build, and they pass lint with the configured exceptions."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def find_buf() -> Path | None:
    """buf from the venv (buf-bin) next to this interpreter, else from PATH."""
    bin_dir = Path(sys.executable).parent
    for name in ("buf", "buf.exe"):
        candidate = bin_dir / name
        if candidate.is_file():
            return candidate
    found = shutil.which("buf")
    return Path(found) if found else None


BUF = find_buf()
pytestmark = pytest.mark.skipif(
    BUF is None, reason="buf binary not found next to the interpreter or on PATH (pip: buf-bin)"
)


def run_buf(*args: str) -> subprocess.CompletedProcess[str]:
    assert BUF is not None
    return subprocess.run(
        [str(BUF), *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_buf_build() -> None:
    result = run_buf("build")
    assert result.returncode == 0, f"buf build failed:\n{result.stdout}\n{result.stderr}"


def test_buf_lint() -> None:
    result = run_buf("lint")
    assert result.returncode == 0, f"buf lint failed:\n{result.stdout}\n{result.stderr}"
