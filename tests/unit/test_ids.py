"""uuid7 ids stay unique across forked processes (the random source is per process)."""

from __future__ import annotations

import os
import uuid

from ojs_grpc.ids import is_uuid7, uuid7

MS = 1_700_000_000_000


def _ids_of_child(n: int) -> set[str]:
    """Ids a forked child makes in the same millisecond as its parent."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: write its ids and leave without running the parent's cleanup
        try:
            os.write(write, "\n".join(uuid7(MS) for _ in range(n)).encode())
        finally:
            os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 1 << 16):
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    return set(b"".join(chunks).decode().split("\n"))


def test_forked_processes_make_different_ids() -> None:
    first, second = _ids_of_child(500), _ids_of_child(500)
    mine = {uuid7(MS) for _ in range(500)}
    assert len(first) == len(second) == len(mine) == 500
    assert not (first & second) and not (first & mine) and not (second & mine)
    assert all(is_uuid7(v) for v in first | second | mine)


def test_uuid7_carries_its_millisecond_version_and_variant() -> None:
    for ms in (0, MS, MS + 1, 2**48 - 1):
        ids = [uuid7(ms) for _ in range(200)]
        assert len(set(ids)) == 200
        for text in ids:
            value = uuid.UUID(text)
            assert is_uuid7(text) and str(value) == text
            assert (value.version, value.variant) == (7, uuid.RFC_4122)
            assert value.int >> 80 == ms
