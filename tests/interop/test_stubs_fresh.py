"""The committed stubs under gen/ are exactly what scripts/gen/<lang>.sh makes of proto/.

Each language's generator writes into a temporary directory (``--out DIR``) and what it
makes is compared byte for byte with the committed files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.interop.support import run_checked, skip_unless_installed
from tests.support.processes import REPO

PROTOS = sorted(p.relative_to(REPO / "proto") for p in (REPO / "proto").rglob("*.proto"))


@dataclass(frozen=True)
class Stubs:
    """One language's generated stubs."""

    lang: str
    tools: tuple[str, ...]
    why: str  # what the generator needs the tools for, for the skip reason
    dirs: tuple[str, ...]  # what the generator writes, relative to the repository root
    pattern: str  # which files under ``dirs`` are generated
    # Repository-relative files that must be among them (every proto is an input).
    expected: tuple[str, ...]


LANGUAGES = [
    Stubs(
        lang="go",
        tools=("go",),
        why="scripts/gen/go.sh needs Go 1.26+",
        dirs=("gen/go",),
        pattern="*.pb.go",
        expected=tuple(f"gen/go/{p.with_suffix('.pb.go').as_posix()}" for p in PROTOS),
    ),
    Stubs(
        lang="node",
        tools=("node", "npm"),
        why="gen/node is generated with Node.js 20+ and npm",
        # The ts-proto output and its compiled JavaScript.
        dirs=("gen/node/src", "gen/node/dist"),
        pattern="*",
        expected=tuple(f"gen/node/dist/proto/{p.with_suffix('.js').as_posix()}" for p in PROTOS),
    ),
    Stubs(
        lang="java",
        tools=("mvn",),
        why="scripts/gen/java.sh fetches protoc through Maven",
        dirs=("gen/java/src/main/java",),
        pattern="*",
        # Class names come from java options in the protos: the extension package too.
        expected=(
            "gen/java/src/main/java/org/openjobspec/ojs/v1/OJSServiceGrpc.java",
            "gen/java/src/main/java/dev/ojsgrpc/worker/v1/WorkerStreamServiceGrpc.java",
        ),
    ),
]


def tree(root: Path, pattern: str) -> dict[str, bytes]:
    """Every file under ``root`` matching ``pattern`` as {relative posix path: content}."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob(pattern))
        if p.is_file()
    }


@pytest.mark.parametrize("stubs", LANGUAGES, ids=[s.lang for s in LANGUAGES])
def test_committed_stubs_are_fresh(stubs: Stubs, tmp_path: Path) -> None:
    skip_unless_installed(*stubs.tools, why=stubs.why)
    run_checked([str(REPO / "scripts" / "gen" / f"{stubs.lang}.sh"), "--out", str(tmp_path)])
    hint = f"run ./scripts/gen_stubs {stubs.lang}"
    for part in stubs.dirs:
        want, have = tree(tmp_path / part, stubs.pattern), tree(REPO / part, stubs.pattern)
        assert sorted(have) == sorted(want), f"{part} differs in files from the generator: {hint}"
        stale = sorted(name for name in want if want[name] != have[name])
        assert not stale, f"stale {part} files {stale}: {hint}"
    for name in stubs.expected:
        assert (REPO / name).is_file(), f"{name} not generated"
