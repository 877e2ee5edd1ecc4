"""JSON values <-> protobuf Value/Struct/Duration/Timestamp (client side, no server code)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from google.protobuf import duration_pb2, struct_pb2, timestamp_pb2

_MAX_SAFE_INT = 2**53
_ISO_DURATION = re.compile(
    r"^P(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)

DurationLike = str | int | float | timedelta


def value_to_py(value: struct_pb2.Value) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "number_value":
        n = value.number_value
        return int(n) if n.is_integer() and abs(n) < _MAX_SAFE_INT else n
    if kind == "string_value":
        return value.string_value
    if kind == "bool_value":
        return value.bool_value
    if kind == "struct_value":
        return struct_to_py(value.struct_value)
    if kind == "list_value":
        return [value_to_py(v) for v in value.list_value.values]
    return None


def struct_to_py(struct: struct_pb2.Struct) -> dict[str, Any]:
    return {k: value_to_py(v) for k, v in struct.fields.items()}


def py_to_value(obj: Any, out: struct_pb2.Value) -> None:
    if obj is None:
        out.null_value = struct_pb2.NULL_VALUE
    elif isinstance(obj, bool):
        out.bool_value = obj
    elif isinstance(obj, int | float):
        out.number_value = float(obj)
    elif isinstance(obj, str):
        out.string_value = obj
    elif isinstance(obj, dict):
        py_to_struct(obj, out.struct_value)
    elif isinstance(obj, list | tuple):
        lv = out.list_value
        lv.SetInParent()
        for item in obj:
            py_to_value(item, lv.values.add())
    else:
        raise TypeError(f"{type(obj).__name__} is not a JSON value (OJS args are JSON only)")


def py_to_struct(obj: dict[str, Any], out: struct_pb2.Struct) -> None:
    out.SetInParent()
    for k, v in obj.items():
        py_to_value(v, out.fields[str(k)])


def duration_seconds(value: DurationLike) -> float:
    """Seconds of an ISO 8601 duration (``PT1M``), a timedelta or a number of seconds."""
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        m = _ISO_DURATION.match(value.strip().upper())
        if m and value.strip().upper() not in ("P", "PT"):
            parts = {k: float(v) for k, v in m.groupdict().items() if v}
            return (
                parts.get("d", 0) * 86400
                + parts.get("h", 0) * 3600
                + parts.get("m", 0) * 60
                + parts.get("s", 0)
            )
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
