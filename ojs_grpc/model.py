"""The job model shared by the service layer, the store and both codecs.

Instants are Unix milliseconds (``int``), durations milliseconds. Optional
instants are ``None`` when they do not apply; the codecs then omit them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

DEFAULT_QUEUE = "default"
DEFAULT_MAX_ATTEMPTS = 3
# ojs-core: 1800 s for both; the HTTP binding's 30 s would break long jobs (and L2-CRON-005).
DEFAULT_TIMEOUT_MS = 1_800_000
DEFAULT_VISIBILITY_TIMEOUT_MS = 1_800_000
MIN_PRIORITY = -100
MAX_PRIORITY = 100


class JobState(StrEnum):
    SCHEDULED = "scheduled"
    AVAILABLE = "available"
    PENDING = "pending"
    ACTIVE = "active"
    COMPLETED = "completed"
    RETRYABLE = "retryable"
    CANCELLED = "cancelled"
    DISCARDED = "discarded"

    @property
    def terminal(self) -> bool:
        return self in (JobState.COMPLETED, JobState.CANCELLED, JobState.DISCARDED)


class BackoffStrategy(StrEnum):
    EXPONENTIAL = "exponential"
    LINEAR = "linear"
    CONSTANT = "constant"
    POLYNOMIAL = "polynomial"


class OnExhaustion(StrEnum):
    DISCARD = "discard"
    DEAD_LETTER = "dead_letter"


@dataclass(frozen=True)
class RetryPolicy:
    """A validated retry policy with every default filled in (ojs-retry §2, §8)."""

    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    initial_interval_ms: int = 1_000
    backoff_coefficient: float = 2.0
    max_interval_ms: int = 300_000
    jitter: bool = True
    non_retryable_errors: tuple[str, ...] = ()
    on_exhaustion: OnExhaustion = OnExhaustion.DISCARD
    backoff_strategy: BackoffStrategy = BackoffStrategy.EXPONENTIAL

    def to_dict(self) -> dict[str, Any]:
        return {
            "max_attempts": self.max_attempts,
            "initial_interval_ms": self.initial_interval_ms,
            "backoff_coefficient": self.backoff_coefficient,
            "max_interval_ms": self.max_interval_ms,
            "jitter": self.jitter,
            "non_retryable_errors": list(self.non_retryable_errors),
            "on_exhaustion": self.on_exhaustion.value,
            "backoff_strategy": self.backoff_strategy.value,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RetryPolicy:
        return cls(
            max_attempts=int(d["max_attempts"]),
            initial_interval_ms=int(d["initial_interval_ms"]),
            backoff_coefficient=float(d["backoff_coefficient"]),
            max_interval_ms=int(d["max_interval_ms"]),
            jitter=bool(d["jitter"]),
            non_retryable_errors=tuple(d.get("non_retryable_errors", ())),
            on_exhaustion=OnExhaustion(d.get("on_exhaustion", "discard")),
            backoff_strategy=BackoffStrategy(d.get("backoff_strategy", "exponential")),
        )


@dataclass
class EnqueueSpec:
    """A validated enqueue request, binding-independent.

    Built by a codec (JSON or protobuf) after structural checks; the service
    layer applies the semantic checks and defaults.
    """

    type: str
    args: list[Any]
    queue: str = DEFAULT_QUEUE
    meta: dict[str, Any] = field(default_factory=dict)
    priority: int = 0
    client_id: str | None = None
    scheduled_at: int | None = None
    scheduled_at_text: str | None = None
    expires_at: int | None = None
    expires_at_text: str | None = None
    ttl_ms: int | None = None
    timeout_ms: int | None = None
    visibility_timeout_ms: int | None = None
    retry: RetryPolicy | None = None
    max_attempts: int | None = None
    unique: dict[str, Any] | None = None
    tags: list[str] = field(default_factory=list)
    trace_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    pending: bool = False
    # HTTP options.rate_limit.max_per_second: at most this many starts per second (§10.6).
    rate_limit_per_s: int | None = None


@dataclass
class Job:
    """A stored job as every reader sees it."""

    id: str
    type: str
    queue: str
    args: list[Any]
    state: JobState
    priority: int
    attempt: int
    max_attempts: int
    retry: RetryPolicy
    created_at: int
    meta: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    trace_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    unique: dict[str, Any] | None = None
    timeout_ms: int = DEFAULT_TIMEOUT_MS
    visibility_timeout_ms: int = DEFAULT_VISIBILITY_TIMEOUT_MS
    enqueued_at: int | None = None
    scheduled_at: int | None = None
    scheduled_at_text: str | None = None
    expires_at: int | None = None
    expires_at_text: str | None = None
    started_at: int | None = None
    completed_at: int | None = None
    cancelled_at: int | None = None
    discarded_at: int | None = None
    deadline: int | None = None
    timeout_at: int | None = None
    worker_id: str | None = None
    has_result: bool = False
    result: Any = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    has_error: bool = False
    retry_delay_ms: int | None = None
    next_attempt_at: int | None = None
    dead: bool = False
    workflow_id: str = ""
    rate_limit_per_s: int | None = None
    # Chain/DAG step: results of the steps it depends on, in step order (semantics §9.4).
    parent_results: list[Any] | None = None

    @property
    def lease_end(self) -> int | None:
        """When an active job's lease ends: its visibility deadline or execution timeout,
        whichever comes first (None when it holds no lease)."""
        ends = [t for t in (self.deadline, self.timeout_at) if t is not None]
        return min(ends) if ends else None

    @property
    def error(self) -> dict[str, Any] | None:
        """The current error: the newest history entry, until an ACK clears it."""
        return self.errors[-1] if self.has_error and self.errors else None

    def copy(self, **changes: Any) -> Job:
        return replace(self, **changes)
