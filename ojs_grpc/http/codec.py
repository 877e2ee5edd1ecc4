"""JSON <-> model for the OJS HTTP binding (``ojs-http-binding.md`` §4).

Liberal in, exact out: every spelling in circulation is accepted on input
(binding, OpenAPI, the conformance cases, the JSON envelope); output is the
union of what the cases read and what the binding documents.
"""

from __future__ import annotations

from typing import Any

from ..errors import INVALID_PAYLOAD, OJSError, invalid
from ..ids import is_uuid7
from ..model import EnqueueSpec, Job, RetryPolicy
from ..ratelimit import parse_rate_limit
from ..timefmt import format_iso_duration, format_rfc3339, parse_iso_duration, parse_rfc3339
from ..validation import build_retry_policy

# Top-level envelope attributes with a meaning; anything else is echoed back as-is.
_KNOWN_TOP_LEVEL = frozenset(
    {
        "id",
        "type",
        "args",
        "meta",
        "options",
        "specversion",
        "queue",
        "priority",
        "scheduled_at",
        "expires_at",
        "retry",
        "unique",
        "timeout",
        "visibility_timeout",
        "tags",
    }
)
# System fields a client cannot set through unknown attributes.
_SYSTEM_FIELDS = frozenset(
    {
        "state",
        "attempt",
        "max_attempts",
        "created_at",
        "enqueued_at",
        "started_at",
        "completed_at",
        "cancelled_at",
        "discarded_at",
        "result",
        "error",
        "errors",
        "retry_delay_ms",
        "next_attempt_at",
        "workflow_id",
        "parent_results",
        "worker_id",
        "timeout_ms",
        "visibility_timeout_ms",
    }
)


def require_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise OJSError(INVALID_PAYLOAD, "request body must be a JSON object")
    return body


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int(value: Any, path: str, *, positive: bool = False) -> int:
    if not _is_int(value):
        raise invalid(path, f"'{path}' must be an integer")
    if positive and value <= 0:
        raise invalid(path, f"'{path}' must be > 0")
    return int(value)


def _str(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise invalid(path, f"'{path}' must be a string")
    return value


def _dict(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid(path, f"'{path}' must be a JSON object")
    return value


def _str_list(value: Any, path: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid(path, f"'{path}' must be an array of strings")
    return list(value)


def _duration(value: Any, path: str, *, policy: bool = False) -> int:
    if not isinstance(value, str):
        raise invalid(path, f"'{path}' must be an ISO 8601 duration string such as 'PT1S'")
    try:
        return parse_iso_duration(value)
    except ValueError as exc:
        raise invalid(path, f"'{path}': {exc}", policy=policy) from None


def parse_instant(value: Any, path: str, now: int) -> int:
    """An absolute RFC 3339 time, or ``+<ISO duration>`` meaning now plus that."""
    if not isinstance(value, str):
        raise invalid(path, f"'{path}' must be an RFC 3339 timestamp or '+<ISO duration>'")
    if value.startswith("+"):
        return now + _duration(value[1:], path)
    try:
        return parse_rfc3339(value)
    except ValueError as exc:
        raise invalid(path, f"'{path}': {exc}") from None


def parse_retry(raw: Any, path: str, fallback_max_attempts: int | None) -> RetryPolicy:
    policy = _dict(raw, path)

    def opt_ms(iso_key: str, ms_key: str) -> int | None:
        if iso_key in policy and policy[iso_key] is not None:
            return _duration(policy[iso_key], f"{path}.{iso_key}", policy=True)
        if ms_key in policy and policy[ms_key] is not None:
            return _int(policy[ms_key], f"{path}.{ms_key}")
        return None

    max_attempts = policy.get("max_attempts")
    if max_attempts is not None:
        max_attempts = _int(max_attempts, f"{path}.max_attempts")
    elif fallback_max_attempts is not None:
        max_attempts = fallback_max_attempts
    coefficient = policy.get("backoff_coefficient")
    if coefficient is not None and (
        isinstance(coefficient, bool) or not isinstance(coefficient, int | float)
    ):
        raise invalid(
            f"{path}.backoff_coefficient", f"'{path}.backoff_coefficient' must be a number"
        )
    jitter = policy.get("jitter")
    if jitter is not None and not isinstance(jitter, bool):
        raise invalid(f"{path}.jitter", f"'{path}.jitter' must be a boolean")
    nre = policy.get("non_retryable_errors")
    strategy = policy.get("backoff_strategy", policy.get("backoff_type"))
    exhaustion = policy.get("on_exhaustion")
    return build_retry_policy(
        max_attempts=max_attempts,
        initial_interval_ms=opt_ms("initial_interval", "initial_interval_ms"),
        backoff_coefficient=None if coefficient is None else float(coefficient),
        max_interval_ms=opt_ms("max_interval", "max_interval_ms"),
        jitter=jitter,
        non_retryable_errors=None
        if nre is None
        else _str_list(nre, f"{path}.non_retryable_errors"),
        on_exhaustion=None if exhaustion is None else _str(exhaustion, f"{path}.on_exhaustion"),
        backoff_strategy=None if strategy is None else _str(strategy, f"{path}.backoff_strategy"),
        path=path,
    )


def parse_enqueue(body: Any, now: int, path: str = "") -> EnqueueSpec:
    """A PUSH body (or one batch entry) as an :class:`EnqueueSpec`; raises OJSError."""
    env = require_object(body)
    p = path
    if "type" not in env:
        raise invalid(f"{p}type", f"'{p}type' is required")
    job_type = _str(env["type"], f"{p}type")
    if "args" not in env:
        raise invalid(f"{p}args", f"'{p}args' is required (use [] for no arguments)")
    args = env["args"]
    if not isinstance(args, list):
        raise invalid(f"{p}args", f"'{p}args' must be a JSON array")
    client_id = None
    if "id" in env:
        client_id = _str(env["id"], f"{p}id")
        if not is_uuid7(client_id):
            raise invalid(f"{p}id", f"'{p}id' must be a lowercase UUIDv7")
    if "specversion" in env and env["specversion"] != "1.0":
        raise invalid(f"{p}specversion", f"'{p}specversion' must be \"1.0\"")
    options = {} if env.get("options") is None else _dict(env["options"], f"{p}options")
    # Envelope-level attributes, overridden by options.
    merged: dict[str, Any] = {
        k: env[k]
        for k in ("queue", "priority", "scheduled_at", "expires_at", "retry", "unique", "tags")
        if k in env
    }
    if "timeout" in env:
        merged["timeout_ms"] = _int(env["timeout"], f"{p}timeout", positive=True) * 1000
    if "visibility_timeout" in env:
        merged["visibility_timeout_ms"] = (
            _int(env["visibility_timeout"], f"{p}visibility_timeout", positive=True) * 1000
        )
    merged.update(options)
    o = f"{p}options."

    meta = dict(_dict(env["meta"], f"{p}meta")) if "meta" in env and env["meta"] is not None else {}
    if merged.get("metadata") is not None:
        meta.update(_dict(merged["metadata"], f"{o}metadata"))
    spec = EnqueueSpec(type=job_type, args=args, meta=meta, client_id=client_id)
    if merged.get("queue") is not None:
        spec.queue = _str(merged["queue"], f"{o}queue")
    if merged.get("priority") is not None:
        spec.priority = _int(merged["priority"], f"{o}priority")
    for key in ("timeout_ms", "visibility_timeout_ms"):
        if merged.get(key) is not None:
            setattr(spec, key, _int(merged[key], f"{o}{key}", positive=True))
    # delay_until and scheduled_at are aliases (openapi.yaml); delay_until wins.
    delay = merged.get("delay_until")
    if delay is None:
        delay = merged.get("scheduled_at")
    if delay is not None:
        spec.scheduled_at = parse_instant(delay, f"{o}scheduled_at", now)
        spec.scheduled_at_text = delay if not delay.startswith("+") else None
    if merged.get("expires_at") is not None:
        text = merged["expires_at"]
        spec.expires_at = parse_instant(text, f"{o}expires_at", now)
        spec.expires_at_text = text if not text.startswith("+") else None
    if merged.get("max_attempts") is not None:
        spec.max_attempts = _int(merged["max_attempts"], f"{o}max_attempts")
    retry = merged.get("retry", merged.get("retry_policy"))
    if retry is not None:
        spec.retry = parse_retry(retry, f"{o}retry", spec.max_attempts)
    elif spec.max_attempts is not None:
        spec.retry = parse_retry({}, f"{o}retry", spec.max_attempts)
    if merged.get("unique") is not None:
        spec.unique = _dict(merged["unique"], f"{o}unique")
    if merged.get("tags") is not None:
        spec.tags = _str_list(merged["tags"], f"{o}tags")
    if merged.get("trace_id") is not None:
        spec.trace_id = _str(merged["trace_id"], f"{o}trace_id")
    if merged.get("pending") is not None:
        if not isinstance(merged["pending"], bool):
            raise invalid(f"{o}pending", f"'{o}pending' must be a boolean")
        spec.pending = merged["pending"]
    if merged.get("rate_limit") is not None:
        spec.rate_limit_per_s = parse_rate_limit(merged["rate_limit"], f"{o}rate_limit")
    spec.extra = {
        k: v for k, v in env.items() if k not in _KNOWN_TOP_LEVEL and k not in _SYSTEM_FIELDS
    }
    return spec


# -- output ------------------------------------------------------------------------------


def error_entry_json(entry: dict[str, Any]) -> dict[str, Any]:
    out = dict(entry)
    occurred = out.get("occurred_at")
    if isinstance(occurred, int):
        out["occurred_at"] = format_rfc3339(occurred)
    return out


def retry_json(policy: RetryPolicy) -> dict[str, Any]:
    return {
        "max_attempts": policy.max_attempts,
        "initial_interval": format_iso_duration(policy.initial_interval_ms),
        "backoff_coefficient": policy.backoff_coefficient,
        "max_interval": format_iso_duration(policy.max_interval_ms),
        "jitter": policy.jitter,
        "non_retryable_errors": list(policy.non_retryable_errors),
        "on_exhaustion": policy.on_exhaustion.value,
        "backoff_strategy": policy.backoff_strategy.value,
    }


def job_json(job: Job) -> dict[str, Any]:
    """The job object of every response (http §4.2); inapplicable fields omitted."""
    out: dict[str, Any] = dict(job.extra)
    out.update(
        {
            "specversion": "1.0",
            "id": job.id,
            "type": job.type,
            "queue": job.queue,
            "args": job.args,
            "state": job.state.value,
            "priority": job.priority,
            "attempt": job.attempt,
            "max_attempts": job.max_attempts,
            "created_at": format_rfc3339(job.created_at),
            "timeout_ms": job.timeout_ms,
            "visibility_timeout_ms": job.visibility_timeout_ms,
            "retry": retry_json(job.retry),
            "errors": [error_entry_json(e) for e in job.errors],
        }
    )
    if job.meta:
        out["meta"] = job.meta
    if job.tags:
        out["tags"] = job.tags
    if job.trace_id:
        out["trace_id"] = job.trace_id
    if job.unique is not None:
        out["unique"] = job.unique
    if job.workflow_id:
        out["workflow_id"] = job.workflow_id
    if job.parent_results is not None:
        out["parent_results"] = job.parent_results  # array, element i = step i (http §9 #22)
    if job.worker_id:
        out["worker_id"] = job.worker_id
    if job.rate_limit_per_s is not None:
        out["rate_limit"] = {"max_per_second": job.rate_limit_per_s}
    for name in ("enqueued_at", "started_at", "completed_at", "cancelled_at", "discarded_at"):
        value = getattr(job, name)
        if value is not None:
            out[name] = format_rfc3339(value)
    if job.scheduled_at is not None:
        out["scheduled_at"] = job.scheduled_at_text or format_rfc3339(job.scheduled_at)
    if job.expires_at is not None:
        out["expires_at"] = job.expires_at_text or format_rfc3339(job.expires_at)
    if job.next_attempt_at is not None:
        out["next_attempt_at"] = format_rfc3339(job.next_attempt_at)
    if job.retry_delay_ms is not None:
        out["retry_delay_ms"] = job.retry_delay_ms
    if job.has_result:
        out["result"] = job.result
    if job.error is not None:
        out["error"] = error_entry_json(job.error)
    return out
