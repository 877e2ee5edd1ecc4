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
_VERSION_VARIANT = (0x7 << 76) | (0b10 << 62)


def uuid7(now_ms: int | None = None) -> str:
    """A new lowercase UUIDv7 string: 48-bit ms timestamp, version 7, 74 random bits."""
    ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    rand = _rng.getrandbits(74)
    value = (
        ((ms & 0xFFFF_FFFF_FFFF) << 80)
        | _VERSION_VARIANT
        | ((rand >> 62) << 64)
        | (rand & 0x3FFF_FFFF_FFFF_FFFF)
    )
    h = f"{value:032x}"
    return f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def is_uuid7(value: str) -> bool:
    return bool(UUID7_RE.fullmatch(value))
