"""UUIDv7 identifiers (RFC 9562): time-ordered, lowercase."""

from __future__ import annotations

import os
import random
import re
import time

UUID7_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

# The random bits come from a generator seeded by the OS once per process (and again in a
# forked child, so two processes never share a sequence): ids need uniqueness, not secrecy,
# and os.urandom per id was a system call on every event of the hot path.
_rng = random.Random(os.urandom(32))
os.register_at_fork(after_in_child=lambda: _rng.seed(os.urandom(32)))
# The text up to the version digit, for the last millisecond seen: ids made in the same
# millisecond share it (one tuple, so a thread never reads half of an update).
_prefix: tuple[int, str] = (-1, "")


def uuid7(now_ms: int | None = None) -> str:
    """A new lowercase UUIDv7 string: 48-bit ms timestamp, version 7, 74 random bits."""
    global _prefix
    ms = (time.time_ns() // 1_000_000 if now_ms is None else now_ms) & 0xFFFF_FFFF_FFFF
    at, prefix = _prefix
    if at != ms:
        h = f"{ms:012x}"
        prefix = f"{h[:8]}-{h[8:]}-7"
        _prefix = (ms, prefix)
    # 76 random bits: 12 (rand_a), then the variant's 2 set to 10, then 62 (rand_b).
    r = f"{_rng.getrandbits(76) & ~(1 << 62) | (1 << 63):019x}"
    return f"{prefix}{r[:3]}-{r[3:7]}-{r[7:]}"


def is_uuid7(value: str) -> bool:
    return bool(UUID7_RE.fullmatch(value))
