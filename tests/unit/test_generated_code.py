"""The committed ojs_grpc/_proto tree is exactly what scripts/gen_proto.py produces."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
GEN_SCRIPT = REPO_ROOT / "scripts" / "gen_proto.py"
COMMITTED = REPO_ROOT / "ojs_grpc" / "_proto"
HINT = "generated code is stale: run `python scripts/gen_proto.py` and commit ojs_grpc/_proto"


def tree(root: Path) -> dict[str, bytes]:
    """Relative posix path -> bytes of every file under root (bytecode caches ignored)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


def regenerate(out: Path) -> dict[str, bytes]:
    result = subprocess.run(
        [sys.executable, str(GEN_SCRIPT), "--out", str(out)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"gen_proto.py failed:\n{result.stdout}\n{result.stderr}"
    return tree(out)


def test_committed_generated_code_is_up_to_date(tmp_path: Path) -> None:
    fresh = regenerate(tmp_path / "out")
    committed = tree(COMMITTED)
    assert fresh, "gen_proto.py produced no files"
    missing = sorted(fresh.keys() - committed.keys())
    extra = sorted(committed.keys() - fresh.keys())
    assert not missing and not extra, (
        f"{HINT}\nmissing from ojs_grpc/_proto: {missing}\nnot generated any more: {extra}"
    )
    changed = sorted(rel for rel in fresh if fresh[rel] != committed[rel])
    assert not changed, f"{HINT}\nfiles differ: {changed}"


def test_generation_is_deterministic(tmp_path: Path) -> None:
    assert regenerate(tmp_path / "a") == regenerate(tmp_path / "b")


def test_no_top_level_ojs_imports() -> None:
    """Generated modules import each other through ojs_grpc._proto, never `ojs.v1`."""
    offenders = [
        rel
        for rel, content in tree(COMMITTED).items()
        for line in content.decode("utf-8").splitlines()
        if line.startswith(("from ojs.", "import ojs.", "from ojs ", "import ojs "))
    ]
    assert offenders == []
