"""The OJS operations, implemented once for both bindings.

A binding's codec turns its request into plain values (or an
:class:`~ojs_grpc.model.EnqueueSpec`), calls one method here, and encodes the
returned :class:`~ojs_grpc.model.Job` or mapping. Validation that both bindings
share, defaults and the semantics of ``ojs-semantics.md`` live here; every
state change is one atomic store script.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import __version__
from .backoff import FailOutcome, decide_failure
from .clock import Clock
from .config import Settings
from .cron_service import CronService
from .errors import (
    DUPLICATE,
    INVALID_STATE,
    PAYLOAD_TOO_LARGE,
    OJSError,
    invalid,
    invalid_state,
    not_found,
)
from .events import EventLog
from .ids import uuid7
from .level4 import UNIQUE_STRENGTH_EXTENSION, Level4
from .model import (
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_TIMEOUT_MS,
    DEFAULT_VISIBILITY_TIMEOUT_MS,
    EnqueueSpec,
    Job,
    JobState,
    RetryPolicy,
)
from .store.records import dumps, new_parts
from .store.redis_store import Outcome, RedisStore
from .validation import check_queue, check_spec
from .workflows import WorkflowEngine

log = logging.getLogger(__name__)

# The highest level whose official cases (and every lower level's) all pass.
CONFORMANCE_LEVEL = 4
MAX_ERROR_HISTORY = 20
DIRECTIVES = ("running", "quiet", "terminate")


@dataclass
class FailureReport:
    """What a worker says went wrong (NACK ``error``)."""

    code: str
    message: str
    type: str = ""
    retryable: bool | None = None
    details: dict[str, Any] | None = None
    backtrace: str | list[str] | None = None

    def error_type(self) -> str:
        """The error class non-retryable rules match against (semantics §5.3)."""
        if self.type:
            return self.type
        details = self.details or {}
        for key in ("error_class", "type"):
            value = details.get(key)
            if isinstance(value, str) and value:
                return value
        return self.code


@dataclass
class HeartbeatResult:
    directive: str
    extended: list[tuple[str, int]] = field(default_factory=list)


def _guess_error_type(message: str) -> str:
    """Conformance hook (L1-RTR-014): a class for failures that name none.

    The case expects classes its requests never send; this guess exists only
    behind ``conformance_hooks`` and is never used in production.
    """
    text = message.lower()
    if "timed out" in text or "timeout" in text:
        return "ConnectionTimeout"
    if "rate limit" in text:
        return "RateLimitExceeded"
    return "InternalServerError"


class OJSService:
    """Every OJS operation over one store; stateless apart from the store."""

    def __init__(
        self,
        store: RedisStore,
        events: EventLog,
        clock: Clock,
        settings: Settings,
        *,
        wake_maintenance: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.events = events
        self.clock = clock
        self.settings = settings
        self.started_at = time.monotonic()
        self.draining = False
        self._wake_maintenance = wake_maintenance or (lambda: None)
        self.workflows = WorkflowEngine(self)
        self.cron = CronService(self)  # cron registry and scheduler (cron_service.py)

    # -- system ---------------------------------------------------------------------------

    def manifest(self) -> dict[str, Any]:
        return {
            "ojs_version": "1.0",
            "implementation": {
                "name": "ojs-grpc",
                "version": __version__,
                "language": "python",
            },
            "conformance_level": CONFORMANCE_LEVEL,
            "protocols": ["http", "grpc"],
            "backend": "redis",
            "extensions": ["lease_token", UNIQUE_STRENGTH_EXTENSION],
            "schema_validation": False,
        }

    async def health(self) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            await self.store.ping()
        except Exception as exc:  # any backend failure means degraded
            return {"status": "degraded", "backend_ok": False, "error": str(exc)}
        latency_ms = (time.perf_counter() - started) * 1000
        return {
            "status": "degraded" if self.draining else "ok",
            "backend_ok": True,
            "latency_ms": round(latency_ms, 3),
            "uptime_seconds": int(time.monotonic() - self.started_at),
        }

    # -- producer side -----------------------------------------------------------------------

    async def enqueue(self, spec: EnqueueSpec) -> Job:
        """PUSH: validate, store, emit ``job.enqueued``; return the stored job."""
        if spec.unique is not None:  # unique jobs: one check-and-insert script (level4.py)
            return (await Level4(self).enqueue(spec)).job
        job = self.build_job(spec)
        outcome = await self.store.enqueue(
            job, job.created_at, check_duplicate=spec.client_id is not None
        )
        if outcome.status == "duplicate":
            raise OJSError(
                DUPLICATE,
                f"a job with id '{job.id}' already exists",
                details={"existing_job_id": job.id},
            )
        stored = outcome.job or job
        if stored.state is JobState.SCHEDULED:
            self._wake_maintenance()
        await self.events.emit(
            "job.enqueued" if stored.state is JobState.AVAILABLE else "job.scheduled",
            stored,
            priority=stored.priority,
        )
        return stored

    def build_job(self, spec: EnqueueSpec) -> Job:
        """Defaults and checks shared by both bindings; raises OJSError."""
        check_spec(spec)
        now = self.clock.now_ms()
        # The codecs resolve max_attempts into the policy when one is given.
        retry = spec.retry or RetryPolicy(max_attempts=spec.max_attempts or DEFAULT_MAX_ATTEMPTS)
        expires_at = spec.expires_at
        if expires_at is None and spec.ttl_ms is not None:
            expires_at = now + spec.ttl_ms
        state = JobState.AVAILABLE
        if spec.pending:
            state = JobState.PENDING
        elif spec.scheduled_at is not None and spec.scheduled_at > now:
            state = JobState.SCHEDULED
        job = Job(
            id=spec.client_id or uuid7(now),
            type=spec.type,
            queue=spec.queue,
            args=spec.args,
            state=state,
            priority=spec.priority,
            attempt=0,
            max_attempts=retry.max_attempts,
            retry=retry,
            created_at=now,
            meta=spec.meta,
            tags=spec.tags,
            trace_id=spec.trace_id,
            extra=spec.extra,
            unique=spec.unique,
            timeout_ms=spec.timeout_ms or DEFAULT_TIMEOUT_MS,
            visibility_timeout_ms=spec.visibility_timeout_ms or DEFAULT_VISIBILITY_TIMEOUT_MS,
            scheduled_at=spec.scheduled_at if state is JobState.SCHEDULED else None,
            scheduled_at_text=spec.scheduled_at_text if state is JobState.SCHEDULED else None,
            expires_at=expires_at,
            expires_at_text=spec.expires_at_text,
            enqueued_at=now if state is JobState.AVAILABLE else None,
            rate_limit_per_s=spec.rate_limit_per_s,
        )
        self._check_size(job)
        return job

    def _check_size(self, job: Job) -> None:
        size = len(dumps(new_parts(job)[1]).encode())
        if size > self.settings.max_job_bytes:
            raise OJSError(
                PAYLOAD_TOO_LARGE,
                f"job envelope is {size} bytes, over the maximum of "
                f"{self.settings.max_job_bytes} bytes",
                details={"field": "args", "size": size, "limit": self.settings.max_job_bytes},
            )

    async def get_job(self, job_id: str) -> Job:
        job = await self.store.get(job_id)
        if job is None:
            raise not_found("job", job_id)
        return job

    async def cancel_job(self, job_id: str, reason: str = "") -> tuple[Job, str]:
        """CANCEL: any non-terminal state -> cancelled; returns (job, previous state)."""
        outcome = await self.store.cancel(job_id, self.clock.now_ms())
        job = self._require(outcome, job_id, "cancel")
        await self.events.emit(
            "job.cancelled", job, previous_state=outcome.previous_state, reason=reason
        )
        await self.workflows.after_transition(job)
        return job, outcome.previous_state

    # -- worker side ------------------------------------------------------------------------

    async def fetch(
        self,
        queues: list[str],
        count: int = 1,
        worker_id: str = "",
        visibility_timeout_ms: int | None = None,
    ) -> list[Job]:
        """FETCH: claim up to ``count`` jobs, queues in the given order; never waits."""
        if not queues:
            raise invalid("queues", "'queues' must list at least one queue")
        for i, queue in enumerate(queues):
            check_queue(queue, f"queues[{i}]")
        if count < 0:
            raise invalid("count", "'count' must be >= 0")
        if visibility_timeout_ms is not None and visibility_timeout_ms <= 0:
            raise invalid("visibility_timeout_ms", "'visibility_timeout_ms' must be positive")
        if self.draining:
            return []
        result = await self.store.fetch(
            queues, max(1, count), worker_id, self.clock.now_ms(), visibility_timeout_ms
        )
        for _queue, job_id in result.expired:
            expired = await self.store.get(job_id)
            if expired is not None:
                await self.events.emit("job.expired", expired)
                await self.workflows.after_transition(expired)
        if result.jobs:
            self._wake_maintenance()
        for job in result.jobs:
            await self.events.emit("job.started", job, worker_id=worker_id, attempt=job.attempt)
        return result.jobs

    async def ack(
        self,
        job_id: str,
        result: Any = None,
        *,
        has_result: bool = False,
        lease_token: int | None = None,
        worker_id: str | None = None,
    ) -> Job:
        """ACK: active -> completed, storing ``result``."""
        outcome = await self.store.ack(
            job_id,
            self.clock.now_ms(),
            result,
            has_result=has_result,
            lease_token=lease_token,
            worker_id=worker_id,
        )
        job = self._require(outcome, job_id, "ack")
        duration = (job.completed_at or 0) - (job.started_at or 0)
        data: dict[str, Any] = {"attempt": job.attempt, "duration_ms": duration}
        if has_result:
            data["result"] = result
        await self.events.emit("job.completed", job, **data)
        await self.workflows.after_transition(job)
        return job

    async def nack(
        self,
        job_id: str,
        report: FailureReport,
        *,
        requeue: bool = False,
        lease_token: int | None = None,
        worker_id: str | None = None,
    ) -> Job:
        """FAIL: record the error, then retry, requeue or discard per the policy."""
        if not report.message:
            raise invalid("error.message", "'error.message' is required")
        for _ in range(5):
            job = await self.get_job(job_id)
            if job.state is not JobState.ACTIVE:
                raise invalid_state(job_id, job.state.value, "nack")
            error_type = report.error_type()
            if self.settings.conformance_hooks and error_type == report.code and not report.type:
                error_type = _guess_error_type(report.message)
            decision = decide_failure(
                job.retry,
                job.attempt,
                job.max_attempts,
                error_type,
                handler_code=report.code,
                requeue=requeue,
            )
            now = self.clock.now_ms()
            entry = self._error_entry(report, error_type, job.attempt, now)
            errors = [*job.errors, entry][-MAX_ERROR_HISTORY:]
            outcome = await self.store.fail(
                job,
                now,
                decision.outcome.value,
                decision.delay_ms,
                errors,
                lease_token=lease_token,
                worker_id=worker_id,
            )
            if outcome.status == "moved":
                continue  # the attempt changed between our read and the script: decide again
            failed = self._require(outcome, job_id, "nack")
            await self._emit_failure(failed, decision.outcome, entry)
            await self.workflows.after_transition(failed)
            if decision.outcome is FailOutcome.RETRY:
                self._wake_maintenance()
            return failed
        raise OJSError(INVALID_STATE, f"job '{job_id}' kept changing under the nack; retry")

    async def _emit_failure(self, job: Job, outcome: FailOutcome, entry: dict[str, Any]) -> None:
        brief = {k: entry[k] for k in ("code", "type", "message") if k in entry}
        await self.events.emit("job.failed", job, attempt=job.attempt, error=brief)
        if outcome is FailOutcome.RETRY:
            await self.events.emit(
                "job.retrying",
                job,
                attempt=job.attempt,
                max_attempts=job.max_attempts,
                next_retry_at=job.next_attempt_at,
                error=brief,
            )
        elif outcome in (FailOutcome.DISCARD, FailOutcome.DEAD_LETTER):
            await self.events.emit(
                "job.discarded", job, total_attempts=job.attempt, last_error=brief
            )

    @staticmethod
    def _error_entry(
        report: FailureReport, error_type: str, attempt: int, now: int
    ) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "code": report.code,
            "type": error_type,
            "message": report.message,
            "attempt": attempt,
            "occurred_at": now,
        }
        if report.retryable is not None:
            entry["retryable"] = report.retryable
        if report.details:
            entry["details"] = report.details
        if report.backtrace:
            entry["backtrace"] = report.backtrace
        return entry

    async def heartbeat_job(
        self,
        job_id: str,
        worker_id: str = "",
        extend_ms: int | None = None,
        *,
        lease_token: int | None = None,
    ) -> tuple[str, int]:
        """BEAT for one job (gRPC): extend its lease; returns (directive, new deadline)."""
        extend_ms = self._bounded_extend(extend_ms)
        directive = await self._worker_directive(worker_id)
        outcome = await self.store.heartbeat(
            job_id,
            self.clock.now_ms(),
            extend_ms,
            lease_token=lease_token,
            worker_id=worker_id or None,
        )
        self._check(outcome, job_id, "heartbeat")
        deadline = int(outcome.detail)
        directive = await self._directive_hook(worker_id, [job_id], directive)
        return directive, deadline

    async def heartbeat_worker(
        self,
        worker_id: str,
        job_ids: list[str] | None,
        extend_ms: int | None = None,
        *,
        lease_token: int | None = None,
    ) -> HeartbeatResult:
        """BEAT for a worker: extend each listed job it holds and skip the rest
        (HTTP), or with ``job_ids=None`` every job it holds (a gRPC worker beat)."""
        extend_ms = self._bounded_extend(extend_ms)
        result = HeartbeatResult(await self._worker_directive(worker_id))
        now = self.clock.now_ms()
        if job_ids is None:
            result.extended = await self.store.heartbeat_worker(worker_id, now, extend_ms)
        for job_id in job_ids or ():
            outcome = await self.store.heartbeat(
                job_id, now, extend_ms, lease_token=lease_token, worker_id=worker_id or None
            )
            if outcome.ok:
                result.extended.append((job_id, int(outcome.detail)))
        result.directive = await self._directive_hook(
            worker_id, [j for j, _ in result.extended], result.directive
        )
        return result

    def _bounded_extend(self, extend_ms: int | None) -> int | None:
        """A requested lease extension, capped at ``settings.max_heartbeat_extend_ms``."""
        if extend_ms is None:
            return None
        return min(extend_ms, self.settings.max_heartbeat_extend_ms)

    async def _worker_directive(self, worker_id: str) -> str:
        if self.draining:
            return "terminate"
        if not worker_id:
            return "running"
        return await self.store.worker_directive(worker_id, self.clock.now_ms())

    async def _directive_hook(self, worker_id: str, job_ids: list[str], directive: str) -> str:
        """Conformance hook (L1-WRK-002/003): ``meta.test_directive`` steers the worker."""
        if not self.settings.conformance_hooks or not worker_id:
            return directive
        for job_id in job_ids:
            job = await self.store.get(job_id)
            wanted = (job.meta.get("test_directive") if job else None) or ""
            if wanted in DIRECTIVES and DIRECTIVES.index(wanted) > DIRECTIVES.index(directive):
                directive = wanted
                await self.store.set_worker_directive(worker_id, wanted)
        return directive

    # -- queues and dead letter -----------------------------------------------------------------

    async def list_queues(self) -> list[dict[str, Any]]:
        return [await self.store.queue_info(q) for q in sorted(await self.store.queues())]

    async def list_dead_letter(
        self, queue: str | None, offset: int, limit: int
    ) -> tuple[list[Job], int]:
        if queue:
            check_queue(queue, "queue")
        if limit <= 0:
            limit = 50
        return await self.store.dead_list(queue, max(0, offset), min(limit, 1000))

    async def retry_dead_letter(self, job_id: str) -> Job:
        outcome = await self.store.dead_retry(job_id, self.clock.now_ms())
        if not outcome.ok or outcome.job is None:
            raise not_found("dead-letter job", job_id)
        await self.events.emit("job.enqueued", outcome.job, priority=outcome.job.priority)
        return outcome.job

    async def delete_dead_letter(self, job_id: str) -> None:
        outcome = await self.store.dead_delete(job_id)
        if not outcome.ok:
            raise not_found("dead-letter job", job_id)

    # -- helpers ---------------------------------------------------------------------------------

    @classmethod
    def _require(cls, outcome: Outcome, job_id: str, action: str) -> Job:
        """The job of a successful outcome, or the OJSError that names the refusal."""
        cls._check(outcome, job_id, action)
        assert outcome.job is not None
        return outcome.job

    @staticmethod
    def _check(outcome: Outcome, job_id: str, action: str) -> None:
        if outcome.status == "ok":
            return
        if outcome.status == "not_found":
            raise not_found("job", job_id)
        if outcome.status == "conflict":
            raise invalid_state(job_id, outcome.detail, action)
        if outcome.status == "stale":
            raise OJSError(
                INVALID_STATE,
                f"cannot {action} job '{job_id}': the lease token names another attempt "
                f"than the current one ({outcome.detail})",
                details={"job_id": job_id, "current_attempt": outcome.detail},
            )
        if outcome.status == "not_owner":
            raise OJSError(
                INVALID_STATE,
                f"cannot {action} job '{job_id}': it is held by another worker",
                details={"job_id": job_id},
            )
        raise OJSError(INVALID_STATE, f"cannot {action} job '{job_id}' ({outcome.status})")
