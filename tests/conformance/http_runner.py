"""Python re-implementation of the official OJS conformance HTTP runner.

The official runner (``runner/http/runner.go`` and ``lib/assertions.go`` of
``openjobspec/ojs-conformance``) reads JSON case files, plays their HTTP steps against a server
and judges each response with a small assertion language. This module reproduces those semantics
closely enough that a case passes here exactly when it passes there, so the vendored cases under
``tests/conformance/suites`` can run from pytest. The rules are summarised in section 1 of the
project's HTTP binding notes (``ojs-http-binding.md``).

Public API
----------

- :func:`load_cases` loads the case files of some levels, sorted as the official runner sorts them.
- :func:`run_case` runs one case against a base URL and returns a :class:`CaseResult`.
- :func:`summarize` prints pass/fail counts per level.
- The pure building blocks are public too, so they can be unit-tested without a server:
  :func:`resolve_path`, :func:`check_matcher`, :func:`check_status`, :func:`check_header`,
  :func:`resolve_templates`, :func:`resolve_matcher_templates`, :func:`evaluate_body_block`,
  :func:`evaluate_assertions`, :func:`check_exclusive_claim`, :func:`plan_step_groups`,
  :func:`parse_response_body`, :func:`go_sprint`, :func:`go_format_float` and
  :func:`go_json_marshal`.

Go value model
--------------

The official runner decodes JSON into Go ``any`` values: every number is a ``float64``, and a
missing key and a JSON ``null`` both become ``nil``. Here, parsed JSON keeps Python ``int`` and
``float`` but every numeric comparison and every printing goes through ``float`` first, ``None``
stands for ``nil``, and :class:`GoNilSlice` stands for the typed ``nil`` slice a ``[*]`` wildcard
returns when it collects nothing (an empty array to every matcher, but ``null`` once marshalled).

Deliberate differences from the official runner
-----------------------------------------------

- ``ASSERT`` steps are sent as real requests like the official runner does, and additionally the
  ``exclusive_claim`` block (L0-OPS-008) is evaluated here and fails the step when it does not
  hold. The ``equality`` block (L0-OPS-020) is ignored, as upstream.
- Assertion kinds the official runner does not evaluate (``body_raw``) or does not know
  (anything else, except the ``ASSERT``-only blocks on ``ASSERT`` steps) fail the step loudly
  instead of being dropped.
- Regular expressions (``$match``, ``string:pattern(...)``, header ``$match``) run on Python's
  ``re`` instead of Go's RE2; the patterns used by the cases behave identically in both.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import aiohttp
from multidict import CIMultiDict

__all__ = [
    "OJS_MEDIA_TYPE",
    "REQUEST_TIMEOUT_S",
    "Case",
    "CaseResult",
    "Failure",
    "GoNilSlice",
    "InvalidMatcher",
    "PathError",
    "StepRecord",
    "check_exclusive_claim",
    "check_header",
    "check_matcher",
    "check_status",
    "evaluate_assertions",
    "evaluate_body_block",
    "go_format_float",
    "go_json_marshal",
    "go_sprint",
    "load_cases",
    "parse_response_body",
    "plan_step_groups",
    "resolve_matcher_templates",
    "resolve_path",
    "resolve_templates",
    "run_case",
    "summarize",
]

OJS_MEDIA_TYPE: Final = "application/openjobspec+json"
"""Content type the runner adds to a request that has a body and no ``Content-Type``."""

REQUEST_TIMEOUT_S: Final = 30.0
"""HTTP client timeout per request (the official ``-timeout`` default)."""

TIMING_TOLERANCE_PCT: Final = 50.0
TIMING_MIN_TOLERANCE_MS: Final = 100.0

TEMPLATE_RE: Final = re.compile(r"\{\{steps\.([^.]+)\.response\.body\.([^}]+)\}\}")
"""``{{steps.<step-id>.response.body.<path>}}`` (the official pattern, unchanged)."""

# Assertion kinds of lib/schema.go that the official runner evaluates.
_EVALUATED_KINDS: Final = frozenset(
    {"status", "status_in", "body", "body_absent", "headers", "timing_ms", "body_contains"}
)
# Blocks that only make sense on the pseudo-action ASSERT.
_ASSERT_ONLY_KINDS: Final = frozenset({"exclusive_claim", "equality"})

_INT64_MIN: Final = -(2**63)
_INT64_MAX: Final = 2**63 - 1

# Patterns of lib/assertions.go. Go's ``^...$`` (no multi-line flag) is a full match, ``\d`` is
# ASCII only and ``\s`` is ``[\t\n\f\r ]``; they are spelled out so Python behaves the same.
_UUID_RE: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_UUIDV7_RE: Final = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
)
_DATETIME_RE: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})"
)
_RANGE_RE: Final = re.compile(
    r"number:range\((-?[0-9]+(?:\.[0-9]+)?),[\t\n\f\r ]*(-?[0-9]+(?:\.[0-9]+)?)\)"
)
_LENGTH_RE: Final = re.compile(r"array:length\(([0-9]+)\)")
_APPROX_RE: Final = re.compile(r"~([0-9]+(?:\.[0-9]+)?)")
_ATOI_RE: Final = re.compile(r"[+-]?[0-9]+")
_SURROGATE_RE: Final = re.compile("[\ud800-\udfff]")


# ---------------------------------------------------------------------------------------------
# Go value model: printing (%v, %T) and encoding/json marshalling
# ---------------------------------------------------------------------------------------------


class GoNilSlice(list[Any]):
    """The typed ``nil`` ``[]any`` a ``[*]`` wildcard returns when it collects nothing.

    Every matcher sees an empty array, ``"exists"`` passes on it, ``%v`` prints ``[]``, but
    ``json.Marshal`` (templates, messages) prints ``null``.
    """


@dataclass(frozen=True)
class InvalidMatcher:
    """A matcher whose JSON text stopped being valid JSON after template substitution.

    The official runner then fails every assertion using it with "unknown matcher format".
    """

    text: str


class PathError(Exception):
    """A path could not be walked (the official ``ResolveJSONPath`` returned an error)."""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _to_float(value: Any) -> float | None:
    """Go ``toFloat64``: the value as a ``float64`` when it is a JSON number, else ``None``."""
    if not _is_number(value):
        return None
    try:
        return float(value)
    except OverflowError:
        return None


def _go_int64(value: float) -> int:
    """Go ``int64(f)`` on amd64: truncation, out-of-range values become the minimum int64."""
    if math.isfinite(value) and _INT64_MIN <= value <= _INT64_MAX:
        truncated = int(value)
        if _INT64_MIN <= truncated <= _INT64_MAX:
            return truncated
    return _INT64_MIN


def _shortest_digits(value: float) -> tuple[str, int]:
    """Shortest round-trip decimal digits of ``abs(value)`` and the decimal point position.

    ``abs(value) == 0.<digits> * 10**dp``; ``value`` must be finite and non-zero. Python's
    ``repr`` and Go's ``strconv`` both produce the shortest digit string that round-trips.
    """
    parts = Decimal(repr(abs(value))).as_tuple()
    exponent = parts.exponent
    assert isinstance(exponent, int)
    digits = "".join(str(d) for d in parts.digits).lstrip("0")
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    return stripped, len(stripped) + exponent


def _fmt_e(digits: str, dp: int) -> str:
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    exp = dp - 1
    return f"{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"


def _fmt_f(digits: str, dp: int) -> str:
    count = len(digits)
    if dp > 0:
        integer = digits[:dp] if dp <= count else digits + "0" * (dp - count)
    else:
        integer = "0"
    precision = max(count - dp, 0)
    if precision == 0:
        return integer
    fraction = "".join(digits[dp + i] if 0 <= dp + i < count else "0" for i in range(precision))
    return f"{integer}.{fraction}"


def go_format_float(value: float) -> str:
    """Go ``fmt.Sprintf("%v", f)`` for a ``float64`` (``strconv`` ``'g'``, shortest).

    Exponent form when the decimal exponent is below -4 or at least 6: ``1e+06``,
    ``1.5e-05``; fixed form otherwise: ``100000``, ``0.0001``, ``1.5``.
    """
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    digits, dp = _shortest_digits(value)
    sign = "-" if value < 0 else ""
    exp = dp - 1
    if exp < -4 or exp >= 6:
        return sign + _fmt_e(digits, dp)
    return sign + _fmt_f(digits, dp)


def _go_json_number(value: float) -> str:
    """Go ``encoding/json`` number encoding of a ``float64``."""
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    if not math.isfinite(value):
        return go_format_float(value)  # json.Marshal errors; only reachable in messages
    digits, dp = _shortest_digits(value)
    sign = "-" if value < 0 else ""
    if abs(value) < 1e-6 or abs(value) >= 1e21:
        text = _fmt_e(digits, dp)
        if len(text) >= 4 and text[-4] == "e" and text[-3] == "-" and text[-2] == "0":
            text = text[:-2] + text[-1]
        return sign + text
    return sign + _fmt_f(digits, dp)


_JSON_SHORT_ESCAPES: Final = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}


def _go_json_string(text: str) -> str:
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in _JSON_SHORT_ESCAPES:
            out.append(_JSON_SHORT_ESCAPES[ch])
        elif code < 0x20 or ch in "<>&" or ch in "\u2028\u2029":
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\ufffd")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def go_json_marshal(value: Any) -> str:
    """Go ``json.Marshal`` of a decoded JSON value: compact, keys sorted, HTML-safe escapes."""
    if isinstance(value, GoNilSlice) or value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _go_json_string(value)
    if _is_number(value):
        number = _to_float(value)
        return str(value) if number is None else _go_json_number(number)
    if isinstance(value, list):
        return "[" + ",".join(go_json_marshal(item) for item in value) + "]"
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: str(kv[0]))
        return (
            "{"
            + ",".join(f"{_go_json_string(str(k))}:{go_json_marshal(v)}" for k, v in items)
            + "}"
        )
    return _go_json_string(str(value))


def go_sprint(value: Any) -> str:
    """Go ``fmt.Sprintf("%v", v)`` of a decoded JSON value.

    ``nil`` prints ``<nil>``, strings bare, numbers as ``float64`` (see
    :func:`go_format_float`), arrays as ``[a b c]``, objects as ``map[k:v ...]`` (keys sorted).
    """
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if _is_number(value):
        number = _to_float(value)
        return str(value) if number is None else go_format_float(number)
    if isinstance(value, list):
        return "[" + " ".join(go_sprint(item) for item in value) + "]"
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: str(kv[0]))
        return "map[" + " ".join(f"{k}:{go_sprint(v)}" for k, v in items) + "]"
    return str(value)


def _go_type(value: Any) -> str:
    """Go ``%T`` of a decoded JSON value, for messages."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, str):
        return "string"
    if _is_number(value):
        return "float64"
    if isinstance(value, list):
        return "[]interface {}"
    if isinstance(value, dict):
        return "map[string]interface {}"
    return type(value).__name__


def _json_type(value: Any) -> str:
    """``jsonType`` of lib/assertions.go (the names ``$type`` compares against)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, str):
        return "string"
    if _is_number(value):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _tv(value: Any) -> str:
    """``%T: %v`` as in the official messages."""
    return f"{_go_type(value)}: {go_sprint(value)}"


def _go_atoi(text: str) -> int | None:
    """Go ``strconv.Atoi`` (64-bit): optional sign and ASCII digits, else ``None``."""
    if not _ATOI_RE.fullmatch(text):
        return None
    number = int(text)
    return number if _INT64_MIN <= number <= _INT64_MAX else None


def _show(value: Any) -> str:
    """A matcher or value as compact JSON, for failure messages."""
    if isinstance(value, InvalidMatcher):
        return value.text
    return go_json_marshal(value)


# ---------------------------------------------------------------------------------------------
# Response bodies
# ---------------------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"invalid JSON constant {name}")


def _parse_int(text: str) -> Any:
    number = int(text)
    try:
        float(number)
    except OverflowError:
        return None  # Go: out of float64 range, the value decodes as nil
    return number


def _parse_float(text: str) -> Any:
    number = float(text)
    return None if math.isinf(number) else number


def _replace_lone_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE_RE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_replace_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_replace_lone_surrogates(k): _replace_lone_surrogates(v) for k, v in value.items()}
    return value


def parse_response_body(raw: bytes) -> dict[str, Any] | None:
    """Decode a response body as the official runner does (``json.Unmarshal`` into a map).

    Returns the object, or ``None`` when the body is empty, not JSON, or JSON that is not an
    object (array, string, number, ``null``): then body path assertions are skipped.
    """
    if not raw:
        return None
    try:
        value = json.loads(
            raw.decode("utf-8", errors="replace"),
            parse_constant=_reject_constant,
            parse_int=_parse_int,
            parse_float=_parse_float,
        )
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, dict):
        return None
    cleaned = _replace_lone_surrogates(value)
    assert isinstance(cleaned, dict)
    return cleaned


# ---------------------------------------------------------------------------------------------
# Paths (ResolveJSONPath)
# ---------------------------------------------------------------------------------------------


def _split_path(path: str) -> list[str]:
    """Split on dots outside brackets (``splitJSONPath``)."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in path:
        if ch == "[":
            depth += 1
            current.append(ch)
        elif ch == "]":
            depth -= 1
            current.append(ch)
        elif ch == "." and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    if current:
        parts.append("".join(current))
    return parts


def resolve_path(path: str, data: Any) -> Any:
    """Walk ``path`` through ``data`` exactly like the official ``ResolveJSONPath``.

    Syntax: optional ``$.`` prefix, dot-separated keys, ``key[0]``, chained ``key[0][1]``,
    ``key[*].rest`` (the list of ``rest`` from every element, skipping elements where it is
    missing or fails), ``key[?(@.k=='v')].rest`` (first element whose ``k`` prints, Go ``%v``,
    as ``v``).

    Returns ``None`` for "no value": a missing key (even with more path after it), a JSON
    ``null`` at the end, or a filter that matched nothing. Raises :class:`PathError` when the
    path cannot be walked: a key lookup in a non-object (including ``null``), indexing or ``[*]``
    on a non-array, an index out of range or malformed brackets.
    """
    if path.startswith("$."):
        path = path[2:]
    parts = _split_path(path)
    current = data
    for i, part in enumerate(parts):
        if part == "":
            continue
        bracket = part.find("[")
        if bracket < 0:
            if not isinstance(current, dict):
                raise PathError(f"expected object at {part!r}, got {_go_type(current)}")
            if part not in current:
                return None
            current = current[part]
            continue
        key, rest = part[:bracket], part[bracket:]
        if key != "":
            if not isinstance(current, dict):
                raise PathError(f"expected object at {key!r}, got {_go_type(current)}")
            current = current.get(key)
        if rest.startswith("[?(@."):
            close = rest.find(")]")
            if close < 0:
                raise PathError(f"unclosed filter expression in path {part!r}")
            expression = rest[5:close]
            rest = rest[close + 2 :]
            equals = expression.find("==")
            if equals < 0:
                raise PathError(f"unsupported filter expression in path {part!r}")
            filter_key = expression[:equals]
            filter_value = expression[equals + 2 :].strip("'\"")
            if not isinstance(current, list):
                raise PathError(f"expected array for filter at {part!r}, got {_go_type(current)}")
            matched: Any = None
            for item in current:
                if isinstance(item, dict) and filter_key in item:
                    if go_sprint(item[filter_key]) == filter_value:
                        matched = item
                        break
            current = matched
            if rest != "" and current is not None and rest.startswith("."):
                return resolve_path(rest[1:], current)
            continue
        while rest != "":
            if not rest.startswith("["):
                raise PathError(f"unexpected characters in path {part!r} at {rest!r}")
            close = rest.find("]")
            if close < 0:
                raise PathError(f"unclosed bracket in path {part!r}")
            index_text = rest[1:close]
            rest = rest[close + 1 :]
            if index_text == "*":
                if not isinstance(current, list):
                    raise PathError(
                        f"expected array at {part!r} for wildcard, got {_go_type(current)}"
                    )
                segments = ([rest] if rest != "" else []) + parts[i + 1 :]
                remaining = ".".join(segments)
                if remaining.startswith("."):
                    remaining = remaining[1:]
                collected: list[Any] = []
                for item in current:
                    if remaining == "":
                        collected.append(item)
                        continue
                    try:
                        value = resolve_path(remaining, item)
                    except PathError:
                        continue
                    if value is not None:
                        collected.append(value)
                return collected if collected else GoNilSlice()
            index = _go_atoi(index_text)
            if index is None:
                raise PathError(f"invalid array index in path {part!r}")
            if not isinstance(current, list):
                raise PathError(f"expected array at {part!r}, got {_go_type(current)}")
            if index < 0 or index >= len(current):
                raise PathError(
                    f"array index {index} out of bounds (length {len(current)}) at {part!r}"
                )
            current = current[index]
    return current


# ---------------------------------------------------------------------------------------------
# Matchers (MatchAssertion)
# ---------------------------------------------------------------------------------------------


def check_matcher(matcher: Any, actual: Any) -> str | None:
    """Apply one matcher (already template-resolved) to a value; ``None`` means it passes.

    ``actual`` is what :func:`resolve_path` returned (``None`` for missing or ``null``). The
    message of a failure follows the official one.
    """
    if isinstance(matcher, InvalidMatcher):
        return f"unknown matcher format: {matcher.text}"
    if matcher is None:
        return None if actual is None else f"expected null, got {_tv(actual)}"
    if isinstance(matcher, str):
        return _match_string(matcher, actual)
    if isinstance(matcher, bool):
        if not isinstance(actual, bool):
            return f"expected boolean {go_sprint(matcher)}, got {_tv(actual)}"
        if actual != matcher:
            return f"expected {go_sprint(matcher)}, got {go_sprint(actual)}"
        return None
    if _is_number(matcher):
        expected = _to_float(matcher)
        if expected is None or not math.isfinite(expected):
            return f"unknown matcher format: {matcher}"
        return _match_number(expected, actual)
    if isinstance(matcher, list):
        return _match_array(matcher, actual)
    if isinstance(matcher, dict):
        return _match_object(matcher, actual)
    return f"unknown matcher format: {matcher!r}"


def _match_string(matcher: str, actual: Any) -> str | None:
    if matcher == "any":
        return None
    if matcher == "absent":
        return None if actual is None else f"expected field to be absent, but got {_tv(actual)}"
    if matcher == "exists":
        return "expected field to exist, but it is missing" if actual is None else None
    if matcher in ("string:nonempty", "string:non_empty"):
        if not isinstance(actual, str):
            return f"expected non-empty string, got {_tv(actual)}"
        return "expected non-empty string, got empty string" if actual == "" else None
    pattern_checks = {
        "string:uuid": (_UUID_RE, "UUID"),
        "string:uuidv7": (_UUIDV7_RE, "UUIDv7"),
        "string:datetime": (_DATETIME_RE, "RFC 3339 datetime"),
    }
    if matcher in pattern_checks:
        regex, label = pattern_checks[matcher]
        if not isinstance(actual, str):
            return f"expected {label} string, got {_tv(actual)}"
        return None if regex.fullmatch(actual) else f"expected valid {label}, got {actual!r}"
    if matcher in ("number:positive", "number:non_negative"):
        number = _to_float(actual)
        label = "positive" if matcher == "number:positive" else "non-negative"
        if number is None:
            return f"expected {label} number, got {_tv(actual)}"
        bad = number <= 0 if matcher == "number:positive" else number < 0
        return f"expected {label} number, got {go_format_float(number)}" if bad else None
    if matcher in ("array:nonempty", "array:empty"):
        want_empty = matcher == "array:empty"
        label = "empty" if want_empty else "non-empty"
        if not isinstance(actual, list):
            return f"expected {label} array, got {_tv(actual)}"
        if want_empty and actual:
            return f"expected empty array, got array with {len(actual)} elements"
        if not want_empty and not actual:
            return "expected non-empty array, got empty array"
        return None
    array_rules = (
        ("array:min_length:", "min_length", "with min length {n}", "min length {n}"),
        ("array:min:", "min", "with at least {n} elements", "at least {n} elements"),
        ("array:length:", "length", "of length {n}", None),
    )
    for prefix, name, wanted, at_least in array_rules:
        if matcher.startswith(prefix):
            n = _go_atoi(matcher[len(prefix) :])
            if n is None:
                return f"invalid array:{name} value {matcher[len(prefix) :]!r}"
            if not isinstance(actual, list):
                return f"expected array {wanted.format(n=n)}, got {_tv(actual)}"
            if at_least is not None and len(actual) < n:
                return f"expected array with {at_least.format(n=n)}, got length {len(actual)}"
            if at_least is None and len(actual) != n:
                return f"expected array of length {n}, got length {len(actual)}"
            return None
    if matcher.startswith("contains:") or matcher.startswith("not_contains:"):
        negate = matcher.startswith("not_contains:")
        target = matcher.split(":", 1)[1]
        if not isinstance(actual, list):
            return f"expected array for {matcher.split(':', 1)[0]} check, got {_tv(actual)}"
        found = any(go_sprint(item) == target for item in actual)
        if negate and found:
            return f"expected array to not contain {target!r}, but it was found"
        if not negate and not found:
            return f"expected array to contain {target!r}, but it was not found"
        return None
    if matcher.startswith("string:contains:"):
        needle = matcher[len("string:contains:") :]
        if not isinstance(actual, str):
            return f"expected string containing {needle!r}, got {_tv(actual)}"
        return (
            None if needle in actual else f"expected string containing {needle!r}, got {actual!r}"
        )
    range_match = _RANGE_RE.fullmatch(matcher)
    if range_match:
        low, high = float(range_match.group(1)), float(range_match.group(2))
        number = _to_float(actual)
        if number is None:
            return f"expected number in range [{low:g}, {high:g}], got {_tv(actual)}"
        if number < low or number > high:
            return f"expected number in range [{low:g}, {high:g}], got {go_format_float(number)}"
        return None
    length_match = _LENGTH_RE.fullmatch(matcher)
    if length_match:
        expected_len = _go_atoi(length_match.group(1)) or 0
        if not isinstance(actual, list):
            return f"expected array of length {expected_len}, got {_tv(actual)}"
        if len(actual) != expected_len:
            return f"expected array of length {expected_len}, got length {len(actual)}"
        return None
    approx_match = _APPROX_RE.fullmatch(matcher)
    if approx_match:
        expected = float(approx_match.group(1))
        number = _to_float(actual)
        if number is None:
            return f"expected approximate number ~{go_format_float(expected)}, got {_tv(actual)}"
        tolerance = expected * TIMING_TOLERANCE_PCT / 100.0
        if abs(number - expected) > tolerance:
            return (
                f"expected ~{go_format_float(expected)} (tolerance 50%), got "
                f"{go_format_float(number)} (diff: {go_format_float(abs(number - expected))})"
            )
        return None
    if matcher.startswith("string:pattern(") and matcher.endswith(")"):
        pattern = matcher[len("string:pattern(") : -1]
        if not isinstance(actual, str):
            return f"expected string matching pattern {pattern!r}, got {_tv(actual)}"
        return _regex_search(pattern, actual)
    if not isinstance(actual, str):
        return f"expected string {matcher!r}, got {_tv(actual)}"
    return None if actual == matcher else f"expected {matcher!r}, got {actual!r}"


def _regex_search(pattern: str, text: str) -> str | None:
    try:
        regex = re.compile(pattern)
    except re.error as exc:
        return f"invalid regex pattern {pattern!r}: {exc}"
    if regex.search(text) is None:
        return f"expected string matching pattern {pattern!r}, got {text!r}"
    return None


def _match_number(expected: float, actual: Any) -> str | None:
    number = _to_float(actual)
    if number is None:
        return f"expected number {go_format_float(expected)}, got {_tv(actual)}"
    if expected.is_integer() and number.is_integer():
        want, got = _go_int64(expected), _go_int64(number)
        return None if want == got else f"expected {want}, got {got}"
    if abs(expected - number) > 1e-9:
        return f"expected {go_format_float(expected)}, got {go_format_float(number)}"
    return None


def _match_array(expected: list[Any], actual: Any) -> str | None:
    if not isinstance(actual, list):
        return f"expected array, got {_tv(actual)}"
    if len(actual) != len(expected):
        return f"expected array of length {len(expected)}, got length {len(actual)}"
    for index, (matcher, item) in enumerate(zip(expected, actual, strict=True)):
        error = check_matcher(matcher, item)
        if error is not None:
            return f"[{index}]: {error}"
    return None


def _match_object(expected: dict[str, Any], actual: Any) -> str | None:
    if "$exists" in expected:
        return _match_exists(expected, actual)
    if "$match" in expected:
        pattern = expected["$match"]
        if pattern is None:
            pattern = ""
        if not isinstance(pattern, str):
            return f"invalid $match value: {_show(pattern)}"
        if not isinstance(actual, str):
            return f"expected string for $match, got {_tv(actual)}"
        return _regex_search(pattern, actual)
    if "$in" in expected:
        options = expected["$in"]
        if options is None:
            options = []
        if not isinstance(options, list):
            return f"invalid $in value: {_show(options)}"
        if any(check_matcher(option, actual) is None for option in options):
            return None
        return f"value {_show(actual)} not found in $in list {_show(expected['$in'])}"
    if "$size" in expected:
        return _match_size(expected["$size"], actual)
    if "$or" in expected:
        alternatives = expected["$or"]
        if alternatives is None:
            alternatives = []
        if not isinstance(alternatives, list):
            return f"invalid $or value: {_show(alternatives)}"
        if any(check_matcher(alternative, actual) is None for alternative in alternatives):
            return None
        return f"value {_show(actual)} did not match any $or alternative"
    if "$empty" in expected:
        return None  # upstream lets this operator pass whatever the value
    if "range" in expected:
        return _match_range(expected["range"], actual)
    if not isinstance(actual, dict):
        return f"expected object, got {_tv(actual)}"
    for key, matcher in expected.items():
        present = key in actual
        if isinstance(matcher, str) and matcher == "absent":
            if present:
                shown = go_sprint(actual[key])
                return f"field {key!r}: expected absent, but field exists with value {shown}"
            continue
        if not present:
            return f"field {key!r}: expected to exist but is missing"
        error = check_matcher(matcher, actual[key])
        if error is not None:
            return f"field {key!r}: {error}"
    return None


def _match_exists(expected: dict[str, Any], actual: Any) -> str | None:
    want = expected["$exists"]
    if want is None:
        want = False
    if not isinstance(want, bool):
        return f"invalid $exists value: {_show(want)}"
    if want and actual is None:
        return "expected field to exist, but it is missing"
    if not want and actual is not None:
        return f"expected field to not exist, but got {_tv(actual)}"
    if "$type" in expected:
        wanted_type = expected["$type"]
        if wanted_type is None:
            wanted_type = ""
        if isinstance(wanted_type, str) and _json_type(actual) != wanted_type:
            return f"expected type {wanted_type!r}, got {_json_type(actual)!r}"
    return None


def _json_int(value: Any) -> int | None:
    """A JSON value Go can decode into an ``int`` (``null`` decodes as 0)."""
    if value is None:
        return 0
    if isinstance(value, int) and not isinstance(value, bool):
        return value if _INT64_MIN <= value <= _INT64_MAX else None
    return None


def _match_size(size: Any, actual: Any) -> str | None:
    if not isinstance(actual, list):
        return f"expected array for $size, got {_tv(actual)}"
    exact = _json_int(size)
    if exact is not None:
        if len(actual) != exact:
            return f"expected array of size {exact}, got {len(actual)}"
        return None
    if isinstance(size, dict) and "$gte" in size:
        minimum = _json_int(size["$gte"])
        if minimum is not None:
            if len(actual) < minimum:
                return f"expected array of size >= {minimum}, got {len(actual)}"
            return None
    return f"unsupported $size format: {_show(size)}"


def _match_range(bounds: Any, actual: Any) -> str | None:
    if bounds is None:
        bounds = {}
    if not isinstance(bounds, dict):
        return f"invalid range value: {_show(bounds)}"
    number = _to_float(actual)
    if number is None:
        return f"expected number for range check, got {_tv(actual)}"
    for key in ("min", "max"):
        if key not in bounds:
            continue
        raw = bounds[key]
        limit = 0.0 if raw is None else _to_float(raw)
        if limit is None:
            continue  # not decodable as float64: upstream skips the bound
        if key == "min" and number < limit:
            return f"expected number >= {go_format_float(limit)}, got {go_format_float(number)}"
        if key == "max" and number > limit:
            return f"expected number <= {go_format_float(limit)}, got {go_format_float(number)}"
    return None


# ---------------------------------------------------------------------------------------------
# Status and headers
# ---------------------------------------------------------------------------------------------


def check_status(expected: Any, actual: int) -> str | None:
    """The ``status`` assertion; ``None`` means it passes.

    Integer: exact. String: ``"one_of:a,b"``, else any string matcher applied to the status as a
    number (``"number:range(400,422)"``). Object: ``{"$in": [..]}``. JSON ``null`` expects 0, as
    upstream (it decodes as the integer 0).
    """
    exact = _json_int(expected)
    if exact is not None:
        return None if actual == exact else f"Expected status {exact}, got {actual}"
    if isinstance(expected, str):
        if expected.startswith("one_of:"):
            codes = expected[len("one_of:") :]
            for code_text in codes.split(","):
                code = _go_atoi(code_text.strip())
                if code is None:
                    return f"invalid status code {code_text.strip()!r} in one_of matcher"
                if actual == code:
                    return None
            return f"expected status one of [{codes}], got {actual}"
        return check_matcher(expected, float(actual))
    if isinstance(expected, dict) and "$in" in expected:
        options = expected["$in"]
        if options is None:
            options = []
        if isinstance(options, list):
            codes_in = [_json_int(option) for option in options]  # null elements decode as 0
            if all(code is not None for code in codes_in):
                if actual in codes_in:
                    return None
                return f"Expected status in {go_sprint(options)}, got {actual}"
    return f"Unknown status assertion format: {_show(expected)}"


def _first_header(headers: Sequence[tuple[str, str]], name: str) -> str:
    """Go ``Header.Get``: first value of a case-insensitive name, ``""`` when missing."""
    lowered = name.lower()
    for key, value in headers:
        if key.lower() == lowered:
            return value
    return ""


def check_header(name: str, expected: Any, headers: Sequence[tuple[str, str]]) -> str | None:
    """One entry of a ``headers`` assertion; ``None`` means it passes.

    The first value of the (case-insensitive) header must equal a string exactly, or match the
    unanchored regex of ``{"$match": re}``. A missing header reads as the empty string.
    """
    actual = _first_header(headers, name)
    if isinstance(expected, str):
        if actual != expected:
            return f"Expected header {name!r}={expected!r}, got {actual!r}"
        return None
    if isinstance(expected, dict) and set(expected) == {"$match"}:
        pattern = expected["$match"]
        if isinstance(pattern, str):
            error = _regex_search(pattern, actual)
            return None if error is None else f"header {name!r}: {error}"
    return f"unsupported header matcher for {name!r}: {_show(expected)}"


# ---------------------------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------------------------

Bodies = Mapping[str, Mapping[str, Any] | None]
"""Parsed response body (``None`` when absent or not a JSON object) of earlier steps, by id."""


def _render_template_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    number = _to_float(value)
    if number is not None:
        if number.is_integer() and _INT64_MIN <= number < 2**63:
            return str(int(number))
        return go_format_float(number)
    return go_json_marshal(value)


def resolve_templates(text: str, bodies: Bodies) -> str:
    """Replace every ``{{steps.<id>.response.body.<path>}}`` in ``text``.

    Strings are inserted bare, whole numbers without decimals, other numbers Go ``%v``-style,
    anything else as Go JSON. A template whose step is unknown, has no parsed body, or whose path
    fails or yields no value stays in the text unchanged.
    """

    def replace(match: re.Match[str]) -> str:
        parsed = bodies.get(match.group(1))
        if parsed is None:
            return match.group(0)
        try:
            value = resolve_path(match.group(2), parsed)
        except PathError:
            return match.group(0)
        if value is None:
            return match.group(0)
        return _render_template_value(value)

    return TEMPLATE_RE.sub(replace, text)


def resolve_matcher_templates(matcher: Any, bodies: Bodies) -> Any:
    """Resolve templates inside a matcher's JSON text, as the official runner does.

    Returns the matcher unchanged when nothing was replaced, the re-decoded matcher otherwise,
    or an :class:`InvalidMatcher` when the substituted text is no longer valid JSON.
    """
    text = json.dumps(matcher, ensure_ascii=False)
    if "{{steps." not in text:
        return matcher
    resolved = resolve_templates(text, bodies)
    if resolved == text:
        return matcher
    try:
        return json.loads(resolved, parse_constant=_reject_constant)
    except ValueError:
        return InvalidMatcher(resolved)


# ---------------------------------------------------------------------------------------------
# Assertion blocks
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    """One failed assertion (or a step that could not run)."""

    step_id: str
    field: str
    message: str
    expected: str = ""
    actual: str = ""

    def describe(self) -> str:
        """``field: message (expected ..., actual ...)`` without the step id."""
        text = f"{self.field}: {self.message}"
        if self.expected or self.actual:
            text += f" (expected {self.expected}, actual {_excerpt(self.actual, 200)})"
        return text

    def __str__(self) -> str:
        return f"[{self.step_id}] {self.describe()}"


def _or_block_passes(alternatives: Any, parsed: Mapping[str, Any], bodies: Bodies) -> bool:
    """A top-level ``"$or"`` of a body block: some alternative has all its pairs passing."""
    if alternatives is None:
        alternatives = []
    if not isinstance(alternatives, list):
        return True  # upstream cannot decode it and silently ignores the operator
    for alternative in alternatives:
        if alternative is None:
            return True  # decodes as an empty map: no pair can fail
        if not isinstance(alternative, dict):
            continue
        passed = True
        for path, matcher in alternative.items():
            resolved = resolve_matcher_templates(matcher, bodies)
            try:
                value = resolve_path(path, parsed)
            except PathError:
                passed = False
                break
            if check_matcher(resolved, value) is not None:
                passed = False
                break
        if passed:
            return True
    return False


def evaluate_body_block(
    block: Mapping[str, Any],
    parsed: Mapping[str, Any] | None,
    bodies: Bodies,
    step_id: str = "",
) -> list[Failure]:
    """Evaluate a ``body`` assertion block against a parsed response body.

    A top-level ``"$or"`` is always evaluated (against an empty object when the body is not a
    JSON object). Path entries are skipped entirely when ``parsed`` is ``None``; keys starting
    with ``$`` but not ``$.`` are operators and never looked up. Templates are resolved in paths
    and matchers (not in the paths of ``$or`` alternatives, as upstream). A path error fails
    every matcher except the exact string ``"absent"``.
    """
    failures: list[Failure] = []
    if "$or" in block:
        if not _or_block_passes(block["$or"], parsed if parsed is not None else {}, bodies):
            failures.append(
                Failure(
                    step_id,
                    "$or",
                    "No $or alternative matched",
                    expected=_show(block["$or"]),
                    actual="<no JSON object body>" if parsed is None else _show(parsed),
                )
            )
    if parsed is None:
        return failures
    for path, matcher in block.items():
        if path.startswith("$") and not path.startswith("$."):
            continue
        resolved_path = resolve_templates(path, bodies)
        resolved = resolve_matcher_templates(matcher, bodies)
        try:
            value = resolve_path(resolved_path, parsed)
        except PathError as exc:
            if isinstance(resolved, str) and resolved == "absent":
                continue
            failures.append(
                Failure(
                    step_id,
                    path,
                    f"Failed to resolve path {resolved_path!r}: {exc}",
                    expected=_show(resolved),
                    actual="<path error>",
                )
            )
            continue
        error = check_matcher(resolved, value)
        if error is not None:
            failures.append(
                Failure(
                    step_id,
                    path,
                    f"Assertion failed at {resolved_path!r}: {error}",
                    expected=_show(resolved),
                    actual=_show(value),
                )
            )
    return failures


def check_exclusive_claim(block: Any, bodies: Bodies) -> list[str]:
    """Evaluate an ``exclusive_claim`` block (stricter than upstream, which ignores it).

    ``job_id`` is template-resolved text; each ``fetches`` entry that is exactly one template is
    replaced by the value it points at (any other entry is taken literally). With
    ``exactly_one_has_job`` exactly one fetch result must be an array holding an object whose
    ``id`` is the job id; with ``exactly_one_empty`` exactly one must be an empty array.
    Returns the problems found (empty when the claim holds).
    """
    if not isinstance(block, dict):
        return [f"exclusive_claim must be an object, got {_show(block)}"]
    problems: list[str] = []
    job_id: Any = block.get("job_id")
    if isinstance(job_id, str):
        job_id = resolve_templates(job_id, bodies)
    if not isinstance(job_id, str) or TEMPLATE_RE.search(job_id):
        problems.append(f"job_id unresolved: {_show(job_id)}")
    fetches = block.get("fetches")
    if not isinstance(fetches, list):
        return [*problems, f"fetches must be an array, got {_show(fetches)}"]
    values: list[Any] = []
    for entry in fetches:
        whole = TEMPLATE_RE.fullmatch(entry) if isinstance(entry, str) else None
        if whole is None:
            values.append(entry)
            continue
        parsed = bodies.get(whole.group(1))
        try:
            value = None if parsed is None else resolve_path(whole.group(2), parsed)
        except PathError:
            value = None
        if value is None:
            problems.append(f"fetch result {entry} unresolved")
        values.append(value)
    if problems:
        return problems

    def holds_job(value: Any) -> bool:
        return isinstance(value, list) and any(
            isinstance(item, dict) and item.get("id") == job_id for item in value
        )

    with_job = [i for i, value in enumerate(values) if holds_job(value)]
    empty = [i for i, value in enumerate(values) if isinstance(value, list) and not value]
    shown = ", ".join(_excerpt(_show(value), 120) for value in values)
    if block.get("exactly_one_has_job") is True and len(with_job) != 1:
        problems.append(
            f"{len(with_job)} fetch results hold job {job_id}, expected 1 (results: {shown})"
        )
    if block.get("exactly_one_empty") is True and len(empty) != 1:
        problems.append(f"{len(empty)} fetch results are empty, expected 1 (results: {shown})")
    return problems


# ---------------------------------------------------------------------------------------------
# Cases and records
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One conformance case file."""

    key: str
    """Unique id: ``<test_id>:<file stem>`` (test ids alone repeat)."""
    test_id: str
    level: int
    category: str
    name: str
    path: Path
    data: Mapping[str, Any]
    """The whole decoded file."""

    @property
    def steps(self) -> list[dict[str, Any]]:
        """The case's ``steps``."""
        return list(self.data.get("steps") or [])

    @property
    def setup_steps(self) -> list[dict[str, Any]]:
        """``setup.steps`` (no level 0-4 case has any)."""
        setup = self.data.get("setup")
        return list(setup.get("steps") or []) if isinstance(setup, dict) else []

    @property
    def teardown_steps(self) -> list[dict[str, Any]]:
        """``teardown.steps`` (no level 0-4 case has any); their assertions are ignored."""
        teardown = self.data.get("teardown")
        return list(teardown.get("steps") or []) if isinstance(teardown, dict) else []


@dataclass
class StepRecord:
    """What happened in one step: the request sent, the response and the failed assertions."""

    step_id: str
    action: str
    method: str | None = None
    """HTTP method sent (``None`` for ``WAIT``)."""
    url: str | None = None
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: str | None = None
    status: int | None = None
    """Response status, ``None`` when no response arrived."""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body_text: str = ""
    parsed: dict[str, Any] | None = None
    """Response body when it is a JSON object, else ``None``."""
    duration_ms: int = 0
    """Time until the response headers arrived (what ``timing_ms`` measures)."""
    error: str | None = None
    """Transport problem (connection refused or dropped, timeout), if any."""
    failures: list[Failure] = field(default_factory=list)

    def header(self, name: str) -> str:
        """First value of a response header (case-insensitive), ``""`` when missing."""
        return _first_header(self.headers, name)


@dataclass
class CaseResult:
    """Outcome of one case."""

    key: str
    test_id: str
    level: int
    name: str
    passed: bool
    failures: list[str]
    duration_s: float
    status: str = "pass"
    """``pass``, ``fail``, or ``error`` (a setup step failed)."""
    steps: list[StepRecord] = field(default_factory=list)

    def format(self) -> str:
        """Compact report: one line when passed, else every failed step with its exchange."""
        head = (
            f"{'PASS' if self.passed else self.status.upper()} {self.key} "
            f"(level {self.level}, {self.duration_s:.1f}s) {self.name}"
        )
        if self.passed:
            return head
        lines = [head]
        for record in self.steps:
            if not record.failures:
                continue
            if record.method is None:
                lines.append(f"  {record.step_id}: {record.action}")
            else:
                status = "no response" if record.status is None else str(record.status)
                lines.append(f"  {record.step_id}: {record.method} {record.url} -> {status}")
                if record.request_body is not None:
                    lines.append(f"    request:  {_excerpt(record.request_body, 300)}")
                if record.status is not None:
                    lines.append(f"    response: {_excerpt(record.body_text, 600)}")
            for failure in record.failures:
                lines.append(f"    x {_excerpt(failure.describe(), 500)}")
        listed = {str(f) for record in self.steps for f in record.failures}
        for failure_text in self.failures:
            if failure_text not in listed:
                lines.append(f"  x {failure_text}")
        return "\n".join(lines)


def _excerpt(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _int_field(step: Mapping[str, Any], name: str, where: str) -> int:
    value = step.get(name)
    if value is None:
        return 0
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{where}: {name} must be an integer, got {value!r}")
    return value


def _validate_steps(steps: Any, where: str) -> None:
    if not isinstance(steps, list):
        raise ValueError(f"{where}: steps must be an array")
    for step in steps:
        if not isinstance(step, dict):
            raise ValueError(f"{where}: a step must be an object")
        for name in ("id", "action", "path", "parallel_with"):
            if step.get(name) is not None and not isinstance(step[name], str):
                raise ValueError(f"{where}: step {name} must be a string")
        for name in ("delay_ms", "duration_ms"):
            _int_field(step, name, where)
        headers = step.get("headers")
        if headers is not None and (
            not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values())
        ):
            raise ValueError(f"{where}: step headers must map names to strings")
        assertions = step.get("assertions")
        if assertions is not None and not isinstance(assertions, dict):
            raise ValueError(f"{where}: step assertions must be an object")


def load_cases(root: Path, levels: Iterable[int]) -> list[Case]:
    """Load every ``*.json`` case under the ``level-<n>-*`` folders of ``root`` for ``levels``.

    Sorted by ``test_id`` then file name. Raises ``FileNotFoundError`` when a level has no
    folder and ``ValueError`` for a malformed case, a level that does not match its folder, or
    a duplicate key.
    """
    cases: list[Case] = []
    for level in sorted(set(levels)):
        folders = sorted(p for p in root.glob(f"level-{level}-*") if p.is_dir())
        if not folders:
            raise FileNotFoundError(f"no level-{level}-* folder under {root}")
        for folder in folders:
            for path in sorted(folder.rglob("*.json")):
                data = json.loads(path.read_text(encoding="utf-8"))
                where = str(path)
                if not isinstance(data, dict) or not isinstance(data.get("test_id"), str):
                    raise ValueError(f"{where}: not a case (no test_id)")
                if data.get("level") != level or isinstance(data.get("level"), bool):
                    raise ValueError(f"{where}: level {data.get('level')!r} outside its folder")
                _validate_steps(data.get("steps"), where)
                for part in ("setup", "teardown"):
                    if isinstance(data.get(part), dict):
                        _validate_steps(data[part].get("steps") or [], where)
                cases.append(
                    Case(
                        key=f"{data['test_id']}:{path.stem}",
                        test_id=data["test_id"],
                        level=level,
                        category=str(data.get("category") or ""),
                        name=str(data.get("name") or path.stem),
                        path=path,
                        data=data,
                    )
                )
    cases.sort(key=lambda case: (case.test_id, case.path.name))
    keys = [case.key for case in cases]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate case keys: " + ", ".join(k for k in keys if keys.count(k) > 1))
    return cases


# ---------------------------------------------------------------------------------------------
# Running steps
# ---------------------------------------------------------------------------------------------


def _step_id(step: Mapping[str, Any]) -> str:
    return str(step.get("id") or "")


def plan_step_groups(steps: Sequence[Mapping[str, Any]]) -> list[list[Mapping[str, Any]]]:
    """Order steps into groups run one after another; steps of one group run concurrently.

    Upstream algorithm: every step naming a ``parallel_with`` partner, and that partner, are
    "parallel"; at the first not yet executed parallel step, the following parallel steps are
    collected (steps pointing back at it or being it are passed over, the first non-parallel
    step ends the scan) and run together; a step whose id already ran is skipped. L0-OPS-008
    (``step-2`` and ``step-3`` naming each other) therefore runs its two fetches once,
    concurrently, then ``step-4``.
    """
    parallel: set[str] = set()
    for step in steps:
        partner = step.get("parallel_with") or ""
        if partner:
            parallel.add(_step_id(step))
            parallel.add(str(partner))
    executed: set[str] = set()
    plan: list[list[Mapping[str, Any]]] = []
    for index, step in enumerate(steps):
        step_id = _step_id(step)
        if step_id in executed:
            continue
        if step_id in parallel:
            group: list[Mapping[str, Any]] = []
            for candidate in steps[index:]:
                candidate_id = _step_id(candidate)
                if candidate_id in parallel:
                    group.append(candidate)
                if candidate.get("parallel_with") == step_id or candidate_id == step_id:
                    continue
                if candidate_id not in parallel:
                    break
            if len(group) > 1:
                plan.append(group)
                executed.update(_step_id(member) for member in group)
                continue
        plan.append([step])
        executed.add(step_id)
    return plan


def evaluate_assertions(
    step: Mapping[str, Any], record: StepRecord, bodies: Bodies
) -> list[Failure]:
    """Evaluate a step's ``assertions`` against its record, in upstream order.

    ``status``, ``status_in``, ``body``, ``body_absent``, ``headers``, ``timing_ms``,
    ``body_contains``; on ``ASSERT`` steps the ``exclusive_claim`` block is checked and
    ``equality`` ignored. Any other kind (``body_raw`` included: upstream parses but never checks
    it) fails loudly.
    """
    assertions = step.get("assertions")
    if not isinstance(assertions, dict):
        return []
    step_id = record.step_id
    is_assert_step = record.action.upper() == "ASSERT"
    failures: list[Failure] = []
    for kind in assertions:
        if kind in _EVALUATED_KINDS or (is_assert_step and kind in _ASSERT_ONLY_KINDS):
            continue
        failures.append(
            Failure(step_id, kind, f"unsupported assertion kind {kind!r} (not evaluated here)")
        )
    status = record.status if record.status is not None else 0
    if "status" in assertions:
        error = check_status(assertions["status"], status)
        if error is not None:
            failures.append(
                Failure(step_id, "status", error, _show(assertions["status"]), str(status))
            )
    status_in = assertions.get("status_in")
    if status_in:
        if not isinstance(status_in, list) or status not in status_in:
            failures.append(
                Failure(
                    step_id,
                    "status",
                    f"Expected status in {_show(status_in)}, got {status}",
                    _show(status_in),
                    str(status),
                )
            )
    body = assertions.get("body")
    if isinstance(body, dict):
        failures.extend(evaluate_body_block(body, record.parsed, bodies, step_id))
    elif body is not None:
        failures.append(Failure(step_id, "body", "body assertions must be an object"))
    for path in _string_list(assertions, "body_absent", step_id, failures):
        try:
            value = resolve_path(path, record.parsed if record.parsed is not None else {})
        except PathError:
            value = None
        if value is not None:
            message = f"Expected field {path!r} to be absent"
            failures.append(Failure(step_id, path, message, '"absent"', _show(value)))
    headers = assertions.get("headers")
    if isinstance(headers, dict):
        for name, expected in headers.items():
            error = check_header(name, expected, record.headers)
            if error is not None:
                failures.append(
                    Failure(
                        step_id,
                        f"header:{name}",
                        error,
                        _show(expected),
                        json.dumps(_first_header(record.headers, name)),
                    )
                )
    elif headers is not None:
        failures.append(Failure(step_id, "headers", "header assertions must be an object"))
    failures.extend(_timing_failures(assertions.get("timing_ms"), record))
    for needle in _string_list(assertions, "body_contains", step_id, failures):
        if needle not in record.body_text:
            failures.append(
                Failure(
                    step_id,
                    "body_contains",
                    f"Response body does not contain {needle!r}",
                    json.dumps(needle),
                    _excerpt(record.body_text, 200),
                )
            )
    if is_assert_step and "exclusive_claim" in assertions:
        for problem in check_exclusive_claim(assertions["exclusive_claim"], bodies):
            failures.append(Failure(step_id, "exclusive_claim", problem))
    return failures


def _string_list(
    assertions: Mapping[str, Any], kind: str, step_id: str, failures: list[Failure]
) -> list[str]:
    value = assertions.get(kind)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        failures.append(Failure(step_id, kind, f"{kind} must be an array of strings"))
        return []
    return value


def _timing_failures(timing: Any, record: StepRecord) -> list[Failure]:
    if timing is None:
        return []
    if not isinstance(timing, dict):
        return [Failure(record.step_id, "timing", "timing_ms must be an object")]
    failures: list[Failure] = []
    took = record.duration_ms
    less_than = _json_int(timing.get("less_than")) if "less_than" in timing else None
    greater_than = _json_int(timing.get("greater_than")) if "greater_than" in timing else None
    approximate = _json_int(timing.get("approximate")) if "approximate" in timing else None
    if less_than is not None and took >= less_than:
        failures.append(
            Failure(
                record.step_id,
                "timing",
                f"Expected response in < {less_than}ms, took {took}ms",
                f"< {less_than}ms",
                f"{took}ms",
            )
        )
    if greater_than is not None and took <= greater_than:
        failures.append(
            Failure(
                record.step_id,
                "timing",
                f"Expected response in > {greater_than}ms, took {took}ms",
                f"> {greater_than}ms",
                f"{took}ms",
            )
        )
    if approximate is not None:
        tolerance = max(approximate * TIMING_TOLERANCE_PCT / 100.0, TIMING_MIN_TOLERANCE_MS)
        diff = abs(took - approximate)
        if diff > tolerance:
            failures.append(
                Failure(
                    record.step_id,
                    "timing",
                    f"timing assertion failed: expected ~{approximate}ms (tolerance: "
                    f"{tolerance:.0f}ms), got {took}ms (diff: {diff:.0f}ms)",
                )
            )
    return failures


_TRANSPORT_ERRORS: Final = (aiohttp.ClientError, TimeoutError, OSError, ValueError)


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


async def _execute_step(
    step: Mapping[str, Any],
    base_url: str,
    session: aiohttp.ClientSession,
    bodies: Bodies,
) -> StepRecord:
    """Run one step like upstream ``executeStep`` (delay, WAIT, request, assertions)."""
    action = str(step.get("action") or "")
    record = StepRecord(step_id=_step_id(step), action=action)
    delay_ms = _int_field(step, "delay_ms", record.step_id)
    if delay_ms > 0:
        await asyncio.sleep(delay_ms / 1000)
    if action.casefold() == "wait":
        wait_ms = _int_field(step, "duration_ms", record.step_id)
        if wait_ms <= 0:
            wait_ms = delay_ms
        if wait_ms > 0:
            await asyncio.sleep(wait_ms / 1000)
        return record

    path = resolve_templates(str(step.get("path") or ""), bodies)
    body_bytes: bytes | None = None
    if "body" in step:  # present, even as null: upstream sends the JSON text
        record.request_body = resolve_templates(
            json.dumps(step["body"], ensure_ascii=False), bodies
        )
        body_bytes = record.request_body.encode("utf-8")
    headers: CIMultiDict[str] = CIMultiDict()
    for name, value in (step.get("headers") or {}).items():
        headers[name] = value
    if not headers.get("Content-Type") and body_bytes is not None:
        headers["Content-Type"] = OJS_MEDIA_TYPE
    record.method = action
    record.url = base_url + path
    record.request_headers = dict(headers)

    started = time.monotonic()
    try:
        async with session.request(
            action,
            record.url,
            data=body_bytes,
            headers=headers,
            # The Go client sends no Accept header unless the step sets one.
            skip_auto_headers=("Accept",),
            timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S),
        ) as response:
            record.duration_ms = int((time.monotonic() - started) * 1000)
            record.status = response.status
            record.headers = list(response.headers.items())
            try:
                raw = await response.read()
            except _TRANSPORT_ERRORS as exc:
                record.status = None
                record.error = f"Failed to read response body: {_describe(exc)}"
    except _TRANSPORT_ERRORS as exc:
        record.status = None
        record.error = f"HTTP request failed: {_describe(exc)}"
    if record.error is not None:
        record.failures.append(Failure(record.step_id, "request", record.error))
        # Upstream stops here: no assertions, and later templates cannot use this step.
        if action.upper() == "ASSERT" and isinstance(step.get("assertions"), dict):
            claim = step["assertions"].get("exclusive_claim")
            if claim is not None:
                for problem in check_exclusive_claim(claim, bodies):
                    record.failures.append(Failure(record.step_id, "exclusive_claim", problem))
        return record

    record.body_text = raw.decode("utf-8", errors="replace")
    record.parsed = parse_response_body(raw)
    if step.get("assertions") is not None:
        record.failures.extend(evaluate_assertions(step, record, bodies))
    return record


async def _run_steps(
    steps: Sequence[Mapping[str, Any]],
    base_url: str,
    session: aiohttp.ClientSession,
    bodies: dict[str, dict[str, Any] | None],
) -> list[StepRecord]:
    records: list[StepRecord] = []

    async def run_one(step: Mapping[str, Any]) -> StepRecord:
        record = await _execute_step(step, base_url, session, bodies)
        bodies[record.step_id] = record.parsed
        return record

    for group in plan_step_groups(steps):
        if len(group) == 1:
            records.append(await run_one(group[0]))
        else:
            records.extend(await asyncio.gather(*(run_one(step) for step in group)))
    return records


async def run_case(
    case: Case,
    base_url: str,
    reset: Callable[[], Awaitable[None]] | None,
    session: aiohttp.ClientSession | None = None,
) -> CaseResult:
    """Run one case against ``base_url`` (e.g. ``http://127.0.0.1:8080``).

    ``reset`` (isolation: flush the store) is awaited first; its exceptions propagate. Setup
    steps run one by one (a failure ends the case with status ``error``), then the steps (groups
    linked by ``parallel_with`` concurrently), then teardown steps whose assertions are ignored.
    Without a ``session`` a private one is used (30 s per request, no cookie jar, like Go's
    default client); a given session is left open.
    """
    if reset is not None:
        await reset()
    if session is None:
        async with aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S),
            cookie_jar=aiohttp.DummyCookieJar(),
        ) as own_session:
            return await _run_case(case, base_url, own_session)
    return await _run_case(case, base_url, session)


async def _run_case(case: Case, base_url: str, session: aiohttp.ClientSession) -> CaseResult:
    base_url = base_url.rstrip("/")
    started = time.monotonic()
    bodies: dict[str, dict[str, Any] | None] = {}
    records: list[StepRecord] = []
    failures: list[str] = []

    def result(status: str) -> CaseResult:
        return CaseResult(
            key=case.key,
            test_id=case.test_id,
            level=case.level,
            name=case.name,
            passed=status == "pass",
            failures=failures,
            duration_s=time.monotonic() - started,
            status=status,
            steps=records,
        )

    for step in case.setup_steps:
        record = await _execute_step(step, base_url, session, bodies)
        bodies[record.step_id] = record.parsed
        records.append(record)
        if record.failures:
            failures.append(f"[{record.step_id}] Setup step failed: {record.failures[0].message}")
            return result("error")

    for record in await _run_steps(case.steps, base_url, session, bodies):
        records.append(record)
        failures.extend(str(failure) for failure in record.failures)

    for step in case.teardown_steps:
        record = await _execute_step(step, base_url, session, bodies)
        bodies[record.step_id] = record.parsed

    return result("fail" if failures else "pass")


def summarize(results: Iterable[CaseResult]) -> str:
    """Pass/fail counts per level and in total, plus the keys of failed cases."""
    by_level: dict[int, list[CaseResult]] = {}
    for item in results:
        by_level.setdefault(item.level, []).append(item)
    lines: list[str] = []
    total = passed = 0
    failed_keys: list[str] = []
    for level in sorted(by_level):
        items = by_level[level]
        ok = sum(1 for item in items if item.passed)
        total += len(items)
        passed += ok
        failed_keys.extend(item.key for item in items if not item.passed)
        lines.append(f"level {level}: {ok}/{len(items)} passed, {len(items) - ok} failed")
    lines.append(f"total:   {passed}/{total} passed, {total - passed} failed")
    if failed_keys:
        lines.append("failed: " + ", ".join(failed_keys))
    return "\n".join(lines)
