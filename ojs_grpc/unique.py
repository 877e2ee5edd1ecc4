"""Unique-job policies and fingerprints (ojs-unique-jobs; semantics §10.2), pure functions.

A policy arrives from a codec as a plain mapping: the HTTP spelling (``keys`` or ``key``,
``period`` as an ISO 8601 duration or ``period_ms``, ``on_conflict`` incl. the alias
``use_existing``) or the gRPC codec's (``period_ms``, state names). :func:`parse_policy`
checks it and returns a :class:`UniquePolicy`; its :meth:`~UniquePolicy.to_dict` is what is
stored with the job and echoed back.

:func:`fingerprint` hashes the object ``{dimension: value}`` serialised canonically (keys
sorted at every level, compact, RFC 8785 number form, strings in Unicode NFC) with SHA-256.

Scope: the duplicate check runs inside the job's queue (one index per queue, so that the
check-and-insert is one atomic script on the queue's keys). Without the ``queue``
dimension two jobs in *different* queues never conflict; the fingerprint itself does not
contain the queue then, which only matters for comparing fingerprints across queues.
"""

from __future__ import annotations

import hashlib
import json
import math
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .errors import invalid
from .model import JobState
from .timefmt import format_iso_duration, parse_iso_duration

DIMENSIONS = ("type", "queue", "args", "meta")
CONFLICT_ACTIONS = ("reject", "replace", "replace_except_schedule", "ignore")
CONFLICT_ALIASES = {"use_existing": "ignore"}
DEFAULT_STATES = ("available", "active", "scheduled", "retryable", "pending")


@dataclass(frozen=True)
class UniquePolicy:
    """A checked unique policy; ``keys`` always contains ``type``, in canonical order."""

    keys: tuple[str, ...] = ("type",)
    args_keys: tuple[str, ...] = ()
    meta_keys: tuple[str, ...] = ()
    period_ms: int | None = None
    states: tuple[str, ...] = DEFAULT_STATES
    on_conflict: str = "reject"

    def to_dict(self) -> dict[str, Any]:
        """The stored and echoed form (both bindings' codecs read it)."""
        out: dict[str, Any] = {
            "keys": list(self.keys),
            "on_conflict": self.on_conflict,
            "states": list(self.states),
        }
        if self.period_ms is not None:
            out["period"] = format_iso_duration(self.period_ms)
            out["period_ms"] = self.period_ms
        if self.args_keys:
            out["args_keys"] = list(self.args_keys)
        if self.meta_keys:
            out["meta_keys"] = list(self.meta_keys)
        return out


def _policy_error(path: str, message: str) -> Exception:
    return invalid(path, message, policy=True)


def _names(raw: Any, path: str) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(v, str) and v for v in raw):
        raise _policy_error(path, f"'{path}' must be an array of non-empty strings")
    return list(raw)


def parse_policy(raw: Any, path: str = "options.unique") -> UniquePolicy:
    """Check a unique policy; raise ``invalid_request`` (a policy error: HTTP 422)."""
    if not isinstance(raw, dict):
        raise _policy_error(path, f"'{path}' must be a JSON object")
    # Other fields are ignored (liberal in, like the rest of the codecs).
    keys_field = "keys" if raw.get("keys") is not None else "key"
    keys = _names(raw.get(keys_field) or [], f"{path}.{keys_field}")
    for name in keys:
        if name not in DIMENSIONS:
            raise _policy_error(
                f"{path}.{keys_field}",
                f"'{path}.{keys_field}' has unknown dimension {name!r}; "
                f"use {', '.join(DIMENSIONS)}",
            )
    # `type` is always part of the key (ojs-unique-jobs §2.2); canonical order, no repeats.
    dims = tuple(d for d in DIMENSIONS if d == "type" or d in keys)

    args_keys = _names(raw.get("args_keys") or [], f"{path}.args_keys")
    meta_keys = _names(raw.get("meta_keys") or [], f"{path}.meta_keys")
    if "meta" in dims and not meta_keys:
        raise _policy_error(
            f"{path}.meta_keys",
            f"'{path}.meta_keys' must list at least one key when 'meta' is a unique dimension",
        )

    period_ms: int | None = None
    if raw.get("period") is not None:
        if not isinstance(raw["period"], str):
            raise _policy_error(
                f"{path}.period", f"'{path}.period' must be an ISO 8601 duration such as 'PT1H'"
            )
        try:
            period_ms = parse_iso_duration(raw["period"])
        except ValueError as exc:
            raise _policy_error(f"{path}.period", f"'{path}.period': {exc}") from None
    elif raw.get("period_ms") is not None:
        value = raw["period_ms"]
        if isinstance(value, bool) or not isinstance(value, int):
            raise _policy_error(f"{path}.period_ms", f"'{path}.period_ms' must be an integer")
        period_ms = value
    if period_ms is not None and period_ms <= 0:
        raise _policy_error(f"{path}.period", f"'{path}.period' must be a positive duration")

    states: tuple[str, ...] = DEFAULT_STATES
    if raw.get("states"):
        listed = _names(raw["states"], f"{path}.states")
        for name in listed:
            if name not in JobState._value2member_map_:
                raise _policy_error(
                    f"{path}.states",
                    f"'{path}.states' has unknown state {name!r}; "
                    f"use {', '.join(s.value for s in JobState)}",
                )
        states = tuple(dict.fromkeys(listed))

    action = raw.get("on_conflict") or "reject"
    if not isinstance(action, str):
        raise _policy_error(f"{path}.on_conflict", f"'{path}.on_conflict' must be a string")
    action = CONFLICT_ALIASES.get(action, action)
    if action not in CONFLICT_ACTIONS:
        raise _policy_error(
            f"{path}.on_conflict",
            f"'{path}.on_conflict' must be one of {', '.join(CONFLICT_ACTIONS)}, got {action!r}",
        )
    return UniquePolicy(
        keys=dims,
        args_keys=tuple(dict.fromkeys(args_keys)),
        meta_keys=tuple(dict.fromkeys(meta_keys)),
        period_ms=period_ms,
        states=states,
        on_conflict=action,
    )


def select_args(args: list[Any], args_keys: tuple[str, ...], path: str = "options.unique") -> Any:
    """The ``args`` dimension's value: all of ``args``, or the listed top-level keys.

    ``args`` is an array; ``args_keys`` name keys of its object elements (the usual
    ``[{...}]`` keyword form). Each key takes its value from the first object element that
    has it; a key no element has is an error (ojs-unique-jobs §2.2: keys must exist).
    """
    if not args_keys:
        return args
    objects = [a for a in args if isinstance(a, dict)]
    picked: dict[str, Any] = {}
    for key in args_keys:
        for obj in objects:
            if key in obj:
                picked[key] = obj[key]
                break
        else:
            raise invalid(
                f"{path}.args_keys",
                f"'{path}.args_keys' names {key!r}, which no object in 'args' has",
                policy=True,
            )
    return picked


def fingerprint(
    policy: UniquePolicy,
    job_type: str,
    queue: str,
    args: list[Any],
    meta: dict[str, Any] | None = None,
    path: str = "options.unique",
) -> str:
    """SHA-256 (lowercase hex) of the canonical JSON of ``{dimension: value}``."""
    parts: dict[str, Any] = {}
    for dim in policy.keys:
        if dim == "type":
            parts["type"] = job_type
        elif dim == "queue":
            parts["queue"] = queue
        elif dim == "args":
            parts["args"] = select_args(args, policy.args_keys, path)
        elif dim == "meta":
            meta = meta or {}
            parts["meta"] = {k: meta[k] for k in policy.meta_keys if k in meta}
    return hashlib.sha256(canonical_json(parts).encode("utf-8")).hexdigest()


def canonical_json(value: Any) -> str:
    """RFC 8785 style: sorted keys at every level, no whitespace, NFC strings, ES numbers."""
    return "".join(_canonical(value))


def _canonical(value: Any) -> list[str]:
    if value is None:
        return ["null"]
    if value is True:
        return ["true"]
    if value is False:
        return ["false"]
    if isinstance(value, str):
        return [json.dumps(unicodedata.normalize("NFC", value), ensure_ascii=False)]
    if isinstance(value, int):
        return [str(value)]
    if isinstance(value, float):
        return [_es_number(value)]
    if isinstance(value, dict):
        items = sorted((unicodedata.normalize("NFC", str(k)), v) for k, v in value.items())
        out = ["{"]
        for i, (key, item) in enumerate(items):
            if i:
                out.append(",")
            out.append(json.dumps(key, ensure_ascii=False))
            out.append(":")
            out.extend(_canonical(item))
        out.append("}")
        return out
    if isinstance(value, list | tuple):
        out = ["["]
        for i, item in enumerate(value):
            if i:
                out.append(",")
            out.extend(_canonical(item))
        out.append("]")
        return out
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def _es_number(value: float) -> str:
    """A finite double as ECMAScript Number.prototype.toString writes it (RFC 8785 §3.2.2.3)."""
    if not math.isfinite(value):
        raise ValueError("NaN and Infinity are not JSON numbers")
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    # repr() gives the shortest round-tripping digits; re-place the decimal point per ES.
    _, digit_tuple, exponent = Decimal(repr(abs(value))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0") or "0"
    assert isinstance(exponent, int)
    k = len(digits)
    # value = 0.digits * 10^n
    n = exponent + len(digit_tuple)
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = f"{digits[:n]}.{digits[n:]}"
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        mantissa = digits if k == 1 else f"{digits[0]}.{digits[1:]}"
        text = f"{mantissa}e{'+' if e > 0 else '-'}{abs(e)}"
    return sign + text
