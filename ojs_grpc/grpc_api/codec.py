"""Protobuf (``ojs.v1``) <-> model, following semantics §11.4 (proto3 presence rules)."""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable
from typing import Any

from google.protobuf import duration_pb2, timestamp_pb2

from .._proto.ojs.v1 import job_pb2
from ..errors import invalid
from ..model import EnqueueSpec, Job, JobState, RetryPolicy
from ..service import FailureReport
from ..validation import build_retry_policy
from ..values import py_to_struct, py_to_value, struct_to_py, value_to_py

STATE_TO_PROTO = {
    JobState.SCHEDULED: job_pb2.JOB_STATE_SCHEDULED,
    JobState.AVAILABLE: job_pb2.JOB_STATE_AVAILABLE,
    JobState.PENDING: job_pb2.JOB_STATE_PENDING,
    JobState.ACTIVE: job_pb2.JOB_STATE_ACTIVE,
    JobState.COMPLETED: job_pb2.JOB_STATE_COMPLETED,
    JobState.RETRYABLE: job_pb2.JOB_STATE_RETRYABLE,
    JobState.CANCELLED: job_pb2.JOB_STATE_CANCELLED,
    JobState.DISCARDED: job_pb2.JOB_STATE_DISCARDED,
}
STATE_FROM_PROTO = {v: k for k, v in STATE_TO_PROTO.items()}
CONFLICT_TO_PROTO = {
    "reject": job_pb2.UNIQUE_CONFLICT_ACTION_REJECT,
    "replace": job_pb2.UNIQUE_CONFLICT_ACTION_REPLACE,
    "ignore": job_pb2.UNIQUE_CONFLICT_ACTION_IGNORE,
    "replace_except_schedule": job_pb2.UNIQUE_CONFLICT_ACTION_REPLACE_EXCEPT_SCHEDULE,
}
CONFLICT_FROM_PROTO = {v: k for k, v in CONFLICT_TO_PROTO.items()}

# Codes a worker sends as-is; any other JobError.code is an error class (semantics §5.5).
STANDARD_ERROR_CODES = frozenset(
    {
        "handler_error",
        "timeout",
        "cancelled",
        "visibility_timeout",
        "worker_death",
        "shutdown",
        "stalled",
        "RETRY",
        "DISCARD",
        "DEAD_LETTER",
        "FAIL",
    }
)


def _ms(d: duration_pb2.Duration) -> int:
    return d.seconds * 1000 + d.nanos // 1_000_000


def _set_duration(out: duration_pb2.Duration, ms: int) -> None:
    out.seconds, rem = divmod(ms, 1000)
    out.nanos = rem * 1_000_000


def set_ts(out: timestamp_pb2.Timestamp, ms: int) -> None:
    out.seconds, rem = divmod(ms, 1000)
    out.nanos = rem * 1_000_000


def ts_ms(ts: timestamp_pb2.Timestamp) -> int:
    return ts.seconds * 1000 + ts.nanos // 1_000_000


# -- requests -----------------------------------------------------------------------------


def _positive_duration(msg: Any, name: str, path: str) -> int | None:
    if not msg.HasField(name):
        return None
    ms = _ms(getattr(msg, name))
    if ms < 0:
        raise invalid(path, f"'{path}' must not be negative")
    return ms or None


def retry_from_proto(
    policy: job_pb2.RetryPolicy, fallback_max_attempts: int | None, path: str
) -> RetryPolicy:
    return build_retry_policy(
        max_attempts=policy.max_attempts if policy.max_attempts != 0 else fallback_max_attempts,
        initial_interval_ms=_positive_duration(
            policy, "initial_interval", f"{path}.initial_interval"
        ),
        backoff_coefficient=policy.backoff_coefficient or None,
        max_interval_ms=_positive_duration(policy, "max_interval", f"{path}.max_interval"),
        jitter=policy.jitter,  # literal when the message is present (semantics §11.4)
        non_retryable_errors=list(policy.non_retryable_errors),
        on_exhaustion=policy.on_exhaustion or None,
        backoff_strategy=None,
        path=path,
    )


def unique_from_proto(policy: job_pb2.UniquePolicy) -> dict[str, Any]:
    out: dict[str, Any] = {"keys": list(policy.key) or ["type"]}
    if policy.HasField("period"):
        out["period_ms"] = _ms(policy.period)
    out["on_conflict"] = CONFLICT_FROM_PROTO.get(policy.on_conflict, "reject")
    if policy.states:
        # An unknown or unspecified state stays visible so that validation rejects it.
        out["states"] = [
            STATE_FROM_PROTO[s].value if s in STATE_FROM_PROTO else f"JobState({s})"
            for s in policy.states
        ]
    if policy.args_keys:
        out["args_keys"] = list(policy.args_keys)
    if policy.meta_keys:
        out["meta_keys"] = list(policy.meta_keys)
    return out


def enqueue_spec(
    job_type: str, args: Any, options: job_pb2.EnqueueOptions | None, path: str = ""
) -> EnqueueSpec:
    spec = EnqueueSpec(type=job_type, args=[value_to_py(v) for v in args])
    if options is None:
        return spec
    o = f"{path}options."
    spec.queue = options.queue or spec.queue
    spec.priority = options.priority
    if options.HasField("delay_until"):
        spec.scheduled_at = ts_ms(options.delay_until)
    spec.timeout_ms = _positive_duration(options, "timeout", f"{o}timeout")
    spec.visibility_timeout_ms = _positive_duration(
        options, "visibility_timeout", f"{o}visibility_timeout"
    )
    spec.ttl_ms = _positive_duration(options, "ttl", f"{o}ttl")
    if options.max_attempts != 0:
        spec.max_attempts = options.max_attempts
    if options.HasField("retry"):
        spec.retry = retry_from_proto(options.retry, spec.max_attempts, f"{o}retry")
    if options.HasField("unique"):
        spec.unique = unique_from_proto(options.unique)
    spec.tags = list(options.tags)
    spec.trace_id = options.trace_id
    if options.HasField("meta"):
        spec.meta = struct_to_py(options.meta)
    return spec


def entry_spec(template: EnqueueSpec, job_type: str, args: Any) -> EnqueueSpec:
    """:func:`enqueue_spec` of a batch entry whose options are ``template``'s (the batch's
    defaults, parsed once): its own type and args, its own copies of what can change."""
    # A copy by the instance dict: dataclasses.replace re-runs __init__ for every entry.
    spec = EnqueueSpec.__new__(EnqueueSpec)
    spec.__dict__.update(template.__dict__)
    spec.type, spec.args = job_type, [value_to_py(v) for v in args]
    spec.tags = list(template.tags)
    if template.meta:
        spec.meta = copy.deepcopy(template.meta)
    if template.unique is not None:
        spec.unique = copy.deepcopy(template.unique)
    return spec


def failure_report(error: job_pb2.JobError) -> FailureReport:
    """A gRPC NACK error: ``code`` holds the error class unless it is a standard code."""
    details = struct_to_py(error.details) if error.HasField("details") else None
    cls = error.code
    report = FailureReport(
        code=cls if cls in STANDARD_ERROR_CODES else "handler_error",
        message=error.message,
        retryable=error.retryable,
        details=details,
        backtrace=error.backtrace or None,
    )
    if cls and cls not in STANDARD_ERROR_CODES:
        looked_up = report.error_type()
        report.type = looked_up if looked_up != report.code else cls
    return report


# -- responses ----------------------------------------------------------------------------


def retry_to_proto(policy: RetryPolicy, out: job_pb2.RetryPolicy) -> None:
    out.MergeFromString(_retry_bytes(policy))


@functools.lru_cache(maxsize=256)
def _retry_bytes(policy: RetryPolicy) -> bytes:
    """A policy's message, encoded once: nearly every job of a queue shares its policy."""
    out = job_pb2.RetryPolicy()
    out.max_attempts = policy.max_attempts
    _set_duration(out.initial_interval, policy.initial_interval_ms)
    out.backoff_coefficient = policy.backoff_coefficient
    _set_duration(out.max_interval, policy.max_interval_ms)
    out.jitter = policy.jitter
    out.non_retryable_errors.extend(policy.non_retryable_errors)
    out.on_exhaustion = policy.on_exhaustion.value
    return out.SerializeToString()


def unique_to_proto(unique: dict[str, Any], out: job_pb2.UniquePolicy) -> None:
    out.key.extend(str(k) for k in unique.get("keys", unique.get("key", [])))
    if "period_ms" in unique:
        _set_duration(out.period, int(unique["period_ms"]))
    out.on_conflict = CONFLICT_TO_PROTO.get(
        unique.get("on_conflict", "reject"), job_pb2.UNIQUE_CONFLICT_ACTION_REJECT
    )
    for state in unique.get("states", []):
        if state in JobState._value2member_map_:
            out.states.append(STATE_TO_PROTO[JobState(state)])
    out.args_keys.extend(unique.get("args_keys", []))
    out.meta_keys.extend(unique.get("meta_keys", []))


def error_to_proto(entry: dict[str, Any], out: job_pb2.JobError) -> None:
    out.code = entry.get("type") or entry.get("code", "")
    out.message = entry.get("message", "")
    out.retryable = bool(entry.get("retryable", False))
    out.attempt = int(entry.get("attempt", 0))
    if isinstance(entry.get("occurred_at"), int):
        set_ts(out.occurred_at, entry["occurred_at"])
    backtrace = entry.get("backtrace")
    if backtrace:
        out.backtrace = "\n".join(backtrace) if isinstance(backtrace, list) else str(backtrace)
    if isinstance(entry.get("details"), dict):
        py_to_struct(entry["details"], out.details)


class JobWriter:
    """:func:`job_to_proto` for a run of jobs (a batch's reply, a session's deliveries):
    what consecutive jobs share (queue, options, state and times) is encoded once and
    merged into each message; only the id, type and args are set per job."""

    def __init__(self) -> None:
        self._key: tuple[Any, ...] | None = None
        self._shared = b""

    def write(self, job: Job, out: job_pb2.Job | None = None) -> job_pb2.Job:
        """``job`` into ``out`` (a new message when None), as :func:`job_to_proto`."""
        key = _shared_fields(job)
        if key is None:
            return job_to_proto(job, out)
        msg = out if out is not None else job_pb2.Job()
        if key != self._key:
            template = job_to_proto(job)
            for name in ("id", "type", "args"):
                template.ClearField(name)
            self._key, self._shared = key, template.SerializeToString()
        msg.MergeFromString(self._shared)
        msg.id = job.id
        msg.type = job.type
        for arg in job.args:
            py_to_value(arg, msg.args.add())
        return msg


def jobs_to_proto(jobs: Iterable[Job], out: Any) -> None:
    """:func:`job_to_proto` of each of ``jobs`` into ``out.add()`` (a repeated Job field),
    by one :class:`JobWriter`."""
    writer = JobWriter()
    for job in jobs:
        writer.write(job, out.add())


def _shared_fields(job: Job) -> tuple[Any, ...] | None:
    """Every field :func:`job_to_proto` writes but the id, type and args; None for a job
    with a result, errors, meta or a unique policy (written per job)."""
    if job.meta or job.unique is not None or job.has_result or job.errors:
        return None
    return (
        job.queue,
        job.state,
        job.priority,
        job.attempt,
        job.max_attempts,
        job.retry,
        job.created_at,
        job.enqueued_at,
        job.scheduled_at,
        job.started_at,
        job.expires_at,
        job.completed_at,
        job.timeout_ms,
        job.visibility_timeout_ms,
        tuple(job.tags),
        job.trace_id,
        job.workflow_id,
    )


def job_to_proto(job: Job, out: job_pb2.Job | None = None) -> job_pb2.Job:
    msg = out if out is not None else job_pb2.Job()
    msg.id = job.id
    msg.type = job.type
    msg.queue = job.queue
    for arg in job.args:
        py_to_value(arg, msg.args.add())
    if job.meta:
        py_to_struct(job.meta, msg.meta)
    msg.state = STATE_TO_PROTO[job.state]
    msg.priority = job.priority
    msg.attempt = job.attempt
    msg.max_attempts = job.max_attempts
    retry_to_proto(job.retry, msg.retry_policy)
    if job.unique is not None:
        unique_to_proto(job.unique, msg.unique_policy)
    if job.has_result:
        result = job.result if isinstance(job.result, dict) else {"value": job.result}
        py_to_struct(result, msg.result)
    for entry in job.errors:
        error_to_proto(entry, msg.errors.add())
    for name in ("created_at", "enqueued_at", "scheduled_at", "started_at", "expires_at"):
        value = getattr(job, name)
        if value is not None:
            set_ts(getattr(msg, name), value)
    # completed_at stays unset on cancel and on expiry (semantics §2.3).
    if job.completed_at is not None:
        set_ts(msg.completed_at, job.completed_at)
    _set_duration(msg.timeout, job.timeout_ms)
    _set_duration(msg.visibility_timeout, job.visibility_timeout_ms)
    msg.tags.extend(job.tags)
    msg.trace_id = job.trace_id
    msg.workflow_id = job.workflow_id
    msg.specversion = "1.0"
    return msg
