"""Durations and instants <-> protobuf for the client (no server code); JSON values come
from :mod:`ojs_grpc.values`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from google.protobuf import duration_pb2, timestamp_pb2

from ..timefmt import parse_iso_duration
from ..values import py_to_struct, py_to_value, struct_to_py, value_to_py

DurationLike = str | int | float | timedelta


def duration_seconds(value: DurationLike) -> float:
    """Seconds of an ISO 8601 duration (``PT1M``), a timedelta or a number of seconds."""
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return parse_iso_duration(value.strip().upper()) / 1000
        except ValueError:
            pass
    raise ValueError(f"not a duration: {value!r} (use ISO 8601 like 'PT1M', seconds or timedelta)")


def iso_duration(value: DurationLike) -> str:
    """The ISO 8601 text of a duration (for the HTTP binding)."""
    if isinstance(value, str):
        duration_seconds(value)
        return value
    secs = duration_seconds(value)
    return f"PT{secs:g}S"


def set_duration(out: duration_pb2.Duration, value: DurationLike) -> None:
    ms = round(duration_seconds(value) * 1000)
    out.seconds, rem = divmod(ms, 1000)
    out.nanos = rem * 1_000_000


def duration_from_proto(d: duration_pb2.Duration) -> float:
    return d.seconds + d.nanos / 1e9


def parse_instant(value: datetime | str) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    dt = datetime.fromisoformat(text)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def set_timestamp(out: timestamp_pb2.Timestamp, value: datetime | str) -> None:
    dt = parse_instant(value)
    ms = round(dt.timestamp() * 1000)
    out.seconds, rem = divmod(ms, 1000)
    out.nanos = rem * 1_000_000


def timestamp_from_proto(ts: timestamp_pb2.Timestamp) -> datetime:
    return datetime.fromtimestamp(ts.seconds + ts.nanos / 1e9, tz=UTC)


__all__ = [
    "DurationLike",
    "duration_from_proto",
    "duration_seconds",
    "iso_duration",
    "parse_instant",
    "py_to_struct",
    "py_to_value",
    "set_duration",
    "set_timestamp",
    "struct_to_py",
    "timestamp_from_proto",
    "value_to_py",
]
