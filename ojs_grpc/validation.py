"""Pure validation of enqueue requests (ojs-core §5.1, ojs-retry §11.1)."""

from __future__ import annotations

import functools
import re
from typing import Any

from .errors import invalid
from .model import (
    MAX_PRIORITY,
    MIN_PRIORITY,
    BackoffStrategy,
    EnqueueSpec,
    OnExhaustion,
    RetryPolicy,
)

# ojs-core allows [a-z][a-z0-9_]* segments; the conformance cases also use hyphens
# (dlq.test.discarded-in-dlq), and the cases decide.
TYPE_RE = re.compile(r"^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$")
QUEUE_RE = re.compile(r"^[a-z0-9][a-z0-9\-\.]*$")
MAX_TYPE_LEN = 255
MAX_QUEUE_LEN = 128


# A producer uses a handful of types and queues: each name is matched once, not per job.
@functools.lru_cache(maxsize=4096)
def _type_ok(value: str) -> bool:
    return len(value) <= MAX_TYPE_LEN and TYPE_RE.fullmatch(value) is not None


@functools.lru_cache(maxsize=4096)
def _queue_ok(value: str) -> bool:
    return len(value) <= MAX_QUEUE_LEN and QUEUE_RE.fullmatch(value) is not None


def check_type(value: Any, path: str = "type") -> str:
    if not isinstance(value, str) or not value:
        raise invalid(path, f"'{path}' is required and must be a non-empty string")
    if not _type_ok(value):
        raise invalid(
            path,
            f"'{path}' {value!r} must be dot-separated segments matching [a-z][a-z0-9_-]* "
            f"(at most {MAX_TYPE_LEN} characters)",
        )
    return value


def check_queue(value: Any, path: str = "queue") -> str:
    if not isinstance(value, str) or not value:
        raise invalid(path, f"'{path}' must be a non-empty string")
    if not _queue_ok(value):
        raise invalid(
            path,
            f"'{path}' {value!r} must match [a-z0-9][a-z0-9-.]* "
            f"(at most {MAX_QUEUE_LEN} characters)",
        )
    return value


def check_priority(value: Any, path: str = "priority") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(path, f"'{path}' must be an integer")
    if not MIN_PRIORITY <= value <= MAX_PRIORITY:
        raise invalid(path, f"'{path}' {value} is out of range {MIN_PRIORITY}..{MAX_PRIORITY}")
    return value


def build_retry_policy(
    *,
    max_attempts: int | None,
    initial_interval_ms: int | None,
    backoff_coefficient: float | None,
    max_interval_ms: int | None,
    jitter: bool | None,
    non_retryable_errors: list[str] | None,
    on_exhaustion: str | None,
    backoff_strategy: str | None,
    path: str = "retry",
) -> RetryPolicy:
    """Merge given fields with the defaults and check the rules; None = not given."""
    d = RetryPolicy()
    if max_attempts is not None and max_attempts < 0:
        raise invalid(
            f"{path}.max_attempts",
            f"{path}.max_attempts must be >= 0, got {max_attempts}",
            policy=True,
        )
    initial = d.initial_interval_ms if initial_interval_ms is None else initial_interval_ms
    if initial <= 0:
        raise invalid(
            f"{path}.initial_interval", f"{path}.initial_interval must be > 0", policy=True
        )
    coefficient = d.backoff_coefficient if backoff_coefficient is None else backoff_coefficient
    if coefficient < 1.0:
        raise invalid(
            f"{path}.backoff_coefficient",
            f"{path}.backoff_coefficient must be >= 1.0, got {coefficient}",
            policy=True,
        )
    maximum = d.max_interval_ms if max_interval_ms is None else max_interval_ms
    if max_interval_ms is None and maximum < initial:
        maximum = initial
    if maximum < initial:
        raise invalid(
            f"{path}.max_interval",
            f"{path}.max_interval must be >= {path}.initial_interval",
            policy=True,
        )
    try:
        exhaustion = OnExhaustion(on_exhaustion or OnExhaustion.DISCARD.value)
    except ValueError:
        raise invalid(
            f"{path}.on_exhaustion",
            f"{path}.on_exhaustion must be 'discard' or 'dead_letter', got {on_exhaustion!r}",
            policy=True,
        ) from None
    try:
        strategy = BackoffStrategy(backoff_strategy or BackoffStrategy.EXPONENTIAL.value)
    except ValueError:
        raise invalid(
            f"{path}.backoff_strategy",
            f"{path}.backoff_strategy must be one of "
            f"{', '.join(s.value for s in BackoffStrategy)}, got {backoff_strategy!r}",
            policy=True,
        ) from None
    return RetryPolicy(
        # "0 = no retry" (ojs-retry §2.2): one attempt in total.
        max_attempts=d.max_attempts if max_attempts is None else max(1, max_attempts),
        initial_interval_ms=initial,
        backoff_coefficient=coefficient,
        max_interval_ms=maximum,
        jitter=d.jitter if jitter is None else jitter,
        non_retryable_errors=tuple(non_retryable_errors or ()),
        on_exhaustion=exhaustion,
        backoff_strategy=strategy,
    )


def check_spec(spec: EnqueueSpec, path_prefix: str = "") -> None:
    """Semantic checks common to both bindings; raise OJSError on the first problem."""
    p = path_prefix
    check_type(spec.type, f"{p}type")
    check_queue(spec.queue, f"{p}options.queue")
    check_priority(spec.priority, f"{p}options.priority")
    for name, value in (
        ("options.timeout", spec.timeout_ms),
        ("options.visibility_timeout", spec.visibility_timeout_ms),
        ("options.ttl", spec.ttl_ms),
    ):
        if value is not None and value <= 0:
            raise invalid(f"{p}{name}", f"'{p}{name}' must be a positive duration")
    if spec.max_attempts is not None and spec.max_attempts < 0:
        raise invalid(
            f"{p}options.max_attempts",
            f"'{p}options.max_attempts' must be >= 0, got {spec.max_attempts}",
            policy=True,
        )
    for i, tag in enumerate(spec.tags):
        if not isinstance(tag, str):
            raise invalid(f"{p}options.tags[{i}]", f"'{p}options.tags[{i}]' must be a string")
