"""Plain-data request and result types of the client (no protobuf in the public API)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ._values import DurationLike

JobSpec = Mapping[str, Any]
"""A job as plain data: ``{"type": "email.send", "args": [...], "queue": ..., ...}``."""


@dataclass(frozen=True)
class RetryPolicy:
    """Server-side retry policy (ojs-retry.md); durations: ISO 8601 text, seconds or timedelta."""

    max_attempts: int = 3
    initial_interval: DurationLike = "PT1S"
    backoff_coefficient: float = 2.0
    max_interval: DurationLike = "PT5M"
    jitter: bool = True
    non_retryable_errors: Sequence[str] = ()
    on_exhaustion: str = ""


@dataclass(frozen=True)
class UniquePolicy:
    """Unique-job policy: ``on_conflict`` is reject, replace, ignore or replace_except_schedule."""

    key: Sequence[str] = ()
    period: DurationLike | None = None
    on_conflict: str = "reject"
    states: Sequence[str] = ()
    args_keys: Sequence[str] = ()
    meta_keys: Sequence[str] = ()


@dataclass(frozen=True)
class CronJobRequest:
    """A cron registration (replaces a ``celery beat`` schedule entry)."""

    name: str
    cron: str
    type: str
    args: Sequence[Any] = ()
    timezone: str = "UTC"
    queue: str | None = None
    priority: int | None = None
    retry: RetryPolicy | None = None
    meta: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class JobError:
    """One entry of a job's error history (one per failed attempt)."""

    code: str
    message: str
    attempt: int
    occurred_at: datetime | None
    backtrace: str
    details: dict[str, Any]

    @property
    def error_class(self) -> str:
        """The error class the worker reported (``details.error_class``), else the code."""
        cls = self.details.get("error_class")
        return cls if isinstance(cls, str) and cls else self.code


@dataclass(frozen=True)
class Job:
    """A job as the server reports it; ``state`` is the lowercase OJS state name."""

    id: str
    type: str
    queue: str
    state: str
    args: list[Any]
    meta: dict[str, Any]
    priority: int
    attempt: int
    max_attempts: int
    result: dict[str, Any] | None
    errors: list[JobError]
    tags: list[str]
    workflow_id: str
    created_at: datetime | None = None
    enqueued_at: datetime | None = None
    scheduled_at: datetime | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    expires_at: datetime | None = None
    timeout: float | None = None
    visibility_timeout: float | None = None
    retry_policy: RetryPolicy | None = None

    @property
    def last_error(self) -> JobError | None:
        return self.errors[-1] if self.errors else None


@dataclass(frozen=True)
class WorkflowStep:
    id: str
    type: str
    state: str
    job_id: str
    depends_on: list[str]


@dataclass(frozen=True)
class Workflow:
    id: str
    name: str
    state: str
    steps: list[WorkflowStep]
    created_at: datetime | None = None
    completed_at: datetime | None = None


@dataclass(frozen=True)
class QueueInfo:
    name: str
    paused: bool
    available_count: int


@dataclass(frozen=True)
class QueueStats:
    queue: str
    available: int
    active: int
    scheduled: int
    retryable: int
    dead: int
    completed_last_hour: int
    failed_last_hour: int
    avg_duration_ms: float
    avg_wait_ms: float
    throughput_per_second: float
    paused: bool


@dataclass(frozen=True)
class CronJob:
    name: str
    cron: str
    timezone: str
    type: str
    args: list[Any]
    next_run_at: datetime | None = None
    last_run_at: datetime | None = None


@dataclass(frozen=True)
class DeadLetterPage:
    jobs: list[Job]
    total_count: int
    next_cursor: str


# -- workflow builders (plain data, like Celery canvas without signatures) ----------------


@dataclass(frozen=True)
class Chain:
    steps: tuple[JobSpec, ...]
    name: str = ""


@dataclass(frozen=True)
class Group:
    jobs: tuple[JobSpec, ...]
    name: str = ""


@dataclass(frozen=True)
class Batch:
    jobs: tuple[JobSpec, ...]
    callbacks: Mapping[str, JobSpec] = field(default_factory=dict)
    name: str = ""


WorkflowDef = Chain | Group | Batch
CALLBACK_NAMES = ("on_complete", "on_success", "on_failure")


def chain(*steps: JobSpec, name: str = "") -> Chain:
    """Run ``steps`` one after the other; a step that ends failed stops the chain."""
    if not steps:
        raise ValueError("chain() needs at least one step")
    return Chain(tuple(steps), name)


def group(*jobs: JobSpec, name: str = "") -> Group:
    """Run ``jobs`` in parallel, independently."""
    if not jobs:
        raise ValueError("group() needs at least one job")
    return Group(tuple(jobs), name)


def batch(
    jobs: Sequence[JobSpec], callbacks: Mapping[str, JobSpec] | None = None, *, name: str = ""
) -> Batch:
    """Fan out ``jobs``; when all are terminal fire ``on_complete`` always, ``on_success``
    when none failed, ``on_failure`` when one or more failed (Celery's chord)."""
    if not jobs:
        raise ValueError("batch() needs at least one job")
    cbs = dict(callbacks or {})
    unknown = set(cbs) - set(CALLBACK_NAMES)
    if unknown:
        raise ValueError(f"unknown batch callbacks {sorted(unknown)}; use {CALLBACK_NAMES}")
    return Batch(tuple(jobs), cbs, name)
