"""Timestamps and durations on the wire: RFC 3339 instants and ISO 8601 durations.

Internally every instant is an ``int`` of Unix milliseconds and every duration
an ``int`` of milliseconds.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

_RFC3339_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)
_ISO_DURATION_RE = re.compile(
    r"^P(?!$)(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?"
    r"(?:T(?=\d)(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)


def parse_rfc3339(text: str) -> int:
    """Parse an RFC 3339 timestamp with an explicit zone into Unix ms.

    Raises ValueError for anything else (a zone-less value included).
    """
    m = _RFC3339_RE.fullmatch(text)
    if not m:
        raise ValueError(f"'{text}' is not an RFC 3339 timestamp with a time zone")
    frac = m.group(7) or ""
    zone = m.group(8)
    iso = text[: m.start(7)] if frac else text[: m.start(8)]
    iso = iso.replace("t", "T").replace(" ", "T")
    if zone in ("Z", "z"):
        zone = "+00:00"
    dt = datetime.fromisoformat(iso + zone)
    ms = int(dt.timestamp()) * 1000
    if frac:
        ms += int((frac[1:] + "000")[:3])
    return ms


def format_rfc3339(ms: int) -> str:
    """Unix ms as RFC 3339 UTC with millisecond precision and ``Z``."""
    dt = datetime.fromtimestamp(ms // 1000, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + f".{ms % 1000:03d}Z"


def parse_iso_duration(text: str) -> int:
    """Parse an ISO 8601 duration (``PT1S``, ``PT0.5S``, ``P1D``, ``P2W``) into ms."""
    m = _ISO_DURATION_RE.fullmatch(text) if isinstance(text, str) else None
    if not m:
        raise ValueError(f"'{text}' is not an ISO 8601 duration")
    weeks, days, hours, minutes, seconds = (float(g) if g else 0.0 for g in m.groups())
    total_s = (((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 + seconds
    return round(total_s * 1000)


def format_iso_duration(ms: int) -> str:
    """Milliseconds as an ISO 8601 duration in seconds (``PT1.5S``)."""
    seconds, millis = divmod(ms, 1000)
    if millis == 0:
        return f"PT{seconds}S"
    return f"PT{seconds}.{millis:03d}".rstrip("0") + "S"
