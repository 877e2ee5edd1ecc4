"""Cron schedules, pure logic (semantics §8.2, §8.3): parse, validate, next run.

Expressions are parsed and iterated by ``croniter`` on *naive local wall time*;
this module maps each candidate to an instant of the entry's IANA zone itself,
so DST follows the spec exactly: a local time that does not exist (spring
forward) is skipped, a repeated one (fall back) fires once, on its first
occurrence. ``@every <Go duration>`` fires on a grid anchored at registration.

Every function here is pure (no clock, no store); instants are Unix ms.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from croniter import croniter  # type: ignore[import-untyped]

from .errors import OJSError, invalid

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9\-\.]*$")
MAX_NAME_LEN = 255
MAX_EXPRESSION_LEN = 255
DEFAULT_TIMEZONE = "UTC"
OVERLAP_POLICIES = ("skip", "allow")
# @every shorter than this would only flood queues (the loop wakes at most every few ms).
MIN_EVERY_MS = 100

SHORTCUTS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
_FIELDS_5 = (
    ("minute", "0-59"),
    ("hour", "0-23"),
    ("day-of-month", "1-31"),
    ("month", "1-12 or JAN-DEC"),
    ("day-of-week", "0-7 or SUN-SAT"),
)
_FIELDS_6 = (("second", "0-59"), *_FIELDS_5)
_NAMES = {
    **{m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())},
    **{d: i for i, d in enumerate("sun mon tue wed thu fri sat".split())},
}
# Only plain ASCII cron syntax; newlines, tabs-in-tokens and exotic spaces are refused.
_EXPRESSION_CHARS_RE = re.compile(r"^[A-Za-z0-9*,\-/?#@ \t]+$")
# croniter extensions that are not cron: hashed (H) and random (R) values would differ
# between replicas, which breaks firing each tick exactly once.
_HASHED_RE = re.compile(r"(^|[,\-/(])[hr]($|[,\-/(])")
_GO_DURATION_RE = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_GO_UNIT_NS = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,
    "μs": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
}
# Iterations allowed to skip DST gaps or an already-fired repeated hour (each ~10 us).
_MAX_SKIPS = 200_000


@dataclass(frozen=True)
class Schedule:
    """A validated schedule: ``expression`` verbatim, and what it means."""

    expression: str
    timezone: str = DEFAULT_TIMEZONE
    cron: str = ""  # the croniter expression (shortcuts expanded), "" for @every
    seconds: bool = False  # 6 fields, leading seconds
    every_ms: int | None = None

    @property
    def key(self) -> str:
        """What identifies the schedule (re-registering the same key keeps the next run)."""
        return f"{self.timezone}\t{self.expression}"


@dataclass(frozen=True)
class NextRun:
    """The next firing instant (``None``: never again) and any local times skipped on
    the way because they do not exist in the zone (spring forward)."""

    at_ms: int | None
    dst_skipped: tuple[str, ...] = field(default=())


def _bad_expression(expression: str, reason: str, path: str) -> OJSError:
    return invalid(
        path, f"'{path}' {expression!r} is not a valid cron expression: {reason}", policy=True
    )


def check_name(name: object, path: str = "name") -> str:
    if not isinstance(name, str) or not name:
        raise invalid(path, f"'{path}' is required and must be a non-empty string")
    if len(name) > MAX_NAME_LEN or not NAME_RE.fullmatch(name):
        raise invalid(
            path,
            f"'{path}' {name!r} must match [a-z0-9][a-z0-9-.]* (at most {MAX_NAME_LEN} characters)",
        )
    return name


def check_overlap_policy(value: object, path: str = "overlap_policy") -> str:
    if not isinstance(value, str):
        raise invalid(path, f"'{path}' must be a string")
    if value not in OVERLAP_POLICIES:
        raise invalid(
            path,
            f"'{path}' {value!r} is not supported; use one of {', '.join(OVERLAP_POLICIES)}",
            policy=True,
        )
    return value


@cache
def _iana_names() -> frozenset[str]:
    return frozenset(available_timezones())


def check_timezone(value: object, path: str = "timezone") -> str:
    """An IANA zone name (``UTC``, ``Area/Location``); offsets and abbreviations are refused."""
    if value is None or value == "":
        return DEFAULT_TIMEZONE
    if not isinstance(value, str):
        raise invalid(path, f"'{path}' must be a string naming an IANA time zone")
    hint = "use an IANA time zone name such as 'UTC', 'America/New_York' or 'Asia/Tokyo'"
    # Area/Location names only: legacy abbreviations (EST, CET) and links without an area
    # (Japan, GMT) are exactly what the spec refuses; offsets (+05:00, UTC+5) are no zone.
    if value != DEFAULT_TIMEZONE and ("/" not in value or value not in _iana_names()):
        raise invalid(
            path, f"'{path}' {value!r} is not an IANA time zone name; {hint}", policy=True
        )
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise invalid(
            path, f"'{path}' {value!r} is not a known IANA time zone; {hint}", policy=True
        ) from None
    return value


def parse_go_duration(text: str) -> int:
    """A Go duration (``500ms``, ``45s``, ``1h30m``, ``1.5h``) in ms; ValueError if malformed."""
    if not text:
        raise ValueError("empty duration")
    pos, total = 0, Decimal(0)
    while pos < len(text):
        m = _GO_DURATION_RE.match(text, pos)
        if not m:
            raise ValueError(
                f"{text!r} is not a Go duration (numbers with units ns, us, ms, s, m, h, "
                "such as 30s or 1h30m)"
            )
        try:
            total += Decimal(m.group(1)) * _GO_UNIT_NS[m.group(2)]
        except InvalidOperation:
            raise ValueError(f"{text!r} is not a Go duration") from None
        pos = m.end()
    return int(total // 1_000_000)


def _field_problem(tokens: list[str], seconds: bool) -> str:
    """Name the first field croniter refuses on its own (for a useful message)."""
    names = _FIELDS_6 if seconds else _FIELDS_5
    for i, (name, allowed) in enumerate(names):
        probe = ["*"] * len(tokens)
        probe[i] = tokens[i]
        try:
            croniter.expand(" ".join(probe), second_at_beginning=seconds)
        except Exception:
            return f"{name} field {tokens[i]!r} is invalid (allowed: {allowed}, with * , - /)"
    return "the fields do not combine into a valid schedule"


def _check_ranges(tokens: list[str], seconds: bool, expression: str, path: str) -> None:
    """Refuse what croniter tolerates but cron calls malformed: reversed ranges (5-1)."""
    names = _FIELDS_6 if seconds else _FIELDS_5
    for token, (name, _) in zip(tokens, names, strict=True):
        for part in token.lower().split(","):
            bounds = part.split("/")[0].split("-")
            if len(bounds) != 2:
                continue
            lo, hi = (_NAMES.get(b, int(b) if b.isdigit() else None) for b in bounds)
            if lo is not None and hi is not None and lo > hi:
                raise _bad_expression(
                    expression, f"{name} range {part!r} runs backwards (start > end)", path
                )


def parse_schedule(
    expression: object,
    timezone: object = DEFAULT_TIMEZONE,
    *,
    path: str = "expression",
    tz_path: str = "timezone",
) -> Schedule:
    """Validate an expression and zone; raises ``invalid_request`` naming the field."""
    tz = check_timezone(timezone, tz_path)
    if not isinstance(expression, str) or not expression.strip():
        raise invalid(
            path, f"'{path}' is required: a cron expression such as '*/5 * * * *'", policy=True
        )
    text = expression.strip()
    if len(text) > MAX_EXPRESSION_LEN:
        raise _bad_expression(expression, f"longer than {MAX_EXPRESSION_LEN} characters", path)
    lowered = text.lower()
    if lowered.startswith("@every"):
        rest = text[len("@every") :]
        if not rest[:1].isspace():
            raise _bad_expression(expression, "use '@every <duration>', e.g. '@every 30s'", path)
        try:
            every_ms = parse_go_duration(rest.strip())
        except ValueError as exc:
            raise _bad_expression(expression, str(exc), path) from None
        if every_ms < MIN_EVERY_MS:
            raise _bad_expression(
                expression, f"the interval must be at least {MIN_EVERY_MS} ms", path
            )
        return Schedule(expression=expression, timezone=tz, every_ms=every_ms)
    if not _EXPRESSION_CHARS_RE.fullmatch(text):
        raise _bad_expression(expression, "it contains characters cron does not use", path)
    if lowered.startswith("@"):
        if lowered not in SHORTCUTS:
            raise _bad_expression(
                expression,
                f"unknown shortcut; use one of {', '.join(SHORTCUTS)} or '@every <duration>'",
                path,
            )
        return Schedule(expression=expression, timezone=tz, cron=SHORTCUTS[lowered])
    tokens = text.split()
    if len(tokens) not in (5, 6):
        raise _bad_expression(
            expression,
            f"expected 5 fields (minute hour day-of-month month day-of-week) or 6 with a "
            f"leading seconds field, got {len(tokens)}",
            path,
        )
    seconds = len(tokens) == 6
    for token in tokens:
        if _HASHED_RE.search(token.lower()):
            raise _bad_expression(expression, f"{token!r}: H and R values are not cron", path)
    cron = " ".join(tokens)
    try:
        croniter.expand(cron, second_at_beginning=seconds)
    except Exception:
        raise _bad_expression(expression, _field_problem(tokens, seconds), path) from None
    _check_ranges(tokens, seconds, expression, path)
    schedule = Schedule(expression=expression, timezone=tz, cron=cron, seconds=seconds)
    # Fields valid one by one may still never meet (0 0 30 2 *): refuse a dead schedule.
    if next_run(schedule, 0, 0).at_ms is None:
        raise _bad_expression(expression, "it never matches a date", path)
    return schedule


def _to_ms(dt: datetime) -> int:
    return (dt - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)


def _from_ms(ms: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)


def next_run(schedule: Schedule, after_ms: int, anchor_ms: int | None = None) -> NextRun:
    """The first firing strictly after ``after_ms``.

    ``anchor_ms`` is where an ``@every`` grid starts (registration); cron expressions
    ignore it. Missed firings are never returned: after downtime the next run is the
    next one from ``after_ms`` (the caller fires at most one catch-up).
    """
    if schedule.every_ms is not None:
        step = schedule.every_ms
        anchor = after_ms if anchor_ms is None else anchor_ms
        k = max(1, (after_ms - anchor) // step + 1)
        return NextRun(anchor + k * step)
    zone = ZoneInfo(schedule.timezone)
    local = _from_ms(after_ms).astimezone(zone)
    # croniter works at second resolution: start from the whole second (strictly after).
    start = local.replace(tzinfo=None, microsecond=0, fold=0)
    it = croniter(schedule.cron, start, second_at_beginning=schedule.seconds)
    skipped: list[str] = []
    for _ in range(_MAX_SKIPS):
        try:
            candidate: datetime = it.get_next(datetime)
        except Exception:  # CroniterBadDateError: no match within croniter's horizon
            return NextRun(None, tuple(skipped))
        first = candidate.replace(tzinfo=zone, fold=0)
        instant = first.astimezone(UTC)
        if instant.astimezone(zone).replace(tzinfo=None) != candidate:
            # Not a wall time of this zone (spring forward): skipped, never fired.
            if len(skipped) < 10:
                skipped.append(candidate.isoformat())
            continue
        at_ms = _to_ms(instant)
        if at_ms > after_ms:
            # fold=0 is the first occurrence of a repeated time: it fires once, there.
            return NextRun(at_ms, tuple(skipped))
        # A repeated local time whose first occurrence is already past: skip it.
    return NextRun(None, tuple(skipped))


def cron_job_id(name: str, tick_ms: int) -> str:
    """The job id of one firing: a UUIDv7 with the tick as its time and the rest
    derived from (name, tick), so every replica and every retry names the same job."""
    digest = hashlib.sha256(f"ojs-cron\0{name}\0{tick_ms}".encode()).digest()
    rand = int.from_bytes(digest[:10], "big")
    rand_a = (rand >> 62) & 0xFFF
    rand_b = rand & ((1 << 62) - 1)
    value = (
        ((tick_ms & 0xFFFF_FFFF_FFFF) << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
    )
    h = f"{value:032x}"
    return f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
