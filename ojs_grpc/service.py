"""The OJS operations, implemented once for both bindings.

A binding's codec turns its request into plain values (or an
:class:`~ojs_grpc.model.EnqueueSpec`), calls one method here, and encodes the
returned :class:`~ojs_grpc.model.Job` or mapping. Validation that both bindings
share, defaults and the semantics of ``ojs-semantics.md`` live here; every
state change is one atomic store script.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import __version__
from .backoff import FailOutcome, decide_failure
from .clock import Clock
from .coalesce import TurnBatcher
from .config import Settings
from .cron_service import CronService
from .errors import (
    DUPLICATE,
    INVALID_STATE,
    NOT_FOUND,
    PAYLOAD_TOO_LARGE,
    OJSError,
    invalid,
    invalid_state,
    not_found,
)
from .events import EventLog, enqueue_event_type
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
from .store.records import dumps, new_spec
from .store.redis_store import (
    AckOp,
    BeatOp,
    FailOp,
    FetchResult,
    Outcome,
    RedisStore,
    ReleaseOp,
    WorkerOp,
)
from .store.scripts import CommandBatch
from .timefmt import format_rfc3339
from .validation import check_queue, check_spec
from .workflows import WorkflowEngine

log = logging.getLogger(__name__)

# The highest level whose official cases (and every lower level's) all pass.
CONFORMANCE_LEVEL = 4
MAX_ERROR_HISTORY = 20
DIRECTIVES = ("running", "quiet", "terminate")
# Manifest extension naming our bidirectional worker session (ojs_grpc/worker_sessions.py).
WORKER_STREAM_EXTENSION = "ojsgrpc.worker.v1.WorkerStreamService"


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
class Settlement:
    """One ACK (``kind`` "ack"), NACK ("nack") or RELEASE ("release") of a batch."""

    kind: str
    job_id: str
    lease_token: int | None = None
    # The job's queue when the caller knows it (saves looking it up).
    queue: str | None = None
    # The job as delivered, when the caller (a worker session) holds it in the attempt
    # ``lease_token`` names: an ack then needs no reply beyond the state (AckOp.held).
    held: Job | None = None
    result: Any = None
    has_result: bool = False
    report: FailureReport | None = None
    requeue: bool = False


@dataclass
class Settled:
    """The outcome of one :class:`Settlement`: ``status`` is ``ok`` (``job`` as it is now)
    or the refusal (``not_found``, ``conflict``, ``stale``, ``not_owner``, ``invalid``)
    with the ``error`` the unary call raises; ``state`` is the job's state on conflict."""

    job_id: str
    status: str
    job: Job | None = None
    error: OJSError | None = None
    state: str = ""

    @classmethod
    def refused(cls, job_id: str, error: OJSError, status: str = "", state: str = "") -> Settled:
        default = "not_found" if error.code == NOT_FOUND else "invalid"
        return cls(job_id, status or default, error=error, state=state)

    @classmethod
    def of(cls, item: Settlement, outcome: Outcome) -> Settled:
        try:
            OJSService._check(outcome, item.job_id, item.kind)
        except OJSError as err:
            state = outcome.detail if outcome.status == "conflict" else ""
            return cls(item.job_id, outcome.status, error=err, state=state)
        return cls(item.job_id, "ok", outcome.job)

    def unwrap(self) -> Job:
        """The settled job, or the refusal raised."""
        if self.error is not None:
            raise self.error
        assert self.job is not None
        return self.job


@dataclass
class Claimed:
    """The jobs a claim took; ``held_back``: a rate limit kept available jobs from it, and
    no message will announce the end of the rate window (look again soon)."""

    jobs: list[Job] = field(default_factory=list)
    held_back: bool = False
    wanted: int = 0  # how many were asked for

    @property
    def full(self) -> bool:
        """It took all it asked for: more may be waiting."""
        return 0 < self.wanted <= len(self.jobs)


@dataclass
class ProgressReport:
    """How far a running job got (worker session ``Progress``)."""

    job: Job
    lease_token: int | None
    fraction: float
    message: str = ""
    data: dict[str, Any] | None = None

    def summary(self) -> dict[str, Any]:
        """What is kept with the job and carried by the ``job.progress`` event."""
        out: dict[str, Any] = {"fraction": self.fraction}
        if self.message:
            out["message"] = self.message
        if self.data:
            out["data"] = self.data
        return out


@dataclass
class HeartbeatResult:
    directive: str
    extended: list[tuple[str, int]] = field(default_factory=list)


@functools.lru_cache(maxsize=64)
def _default_retry(max_attempts: int) -> RetryPolicy:
    """The policy of a job that names none, built once per max_attempts (frozen, so the
    jobs can share it)."""
    return RetryPolicy(max_attempts=max_attempts)


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
        wake_maintenance: Callable[[int | None], None] | None = None,
    ) -> None:
        self.store = store
        self.events = events
        self.clock = clock
        self.settings = settings
        self.started_at = time.monotonic()
        self.draining = False
        # Called with when something new is due (ms), or None when not known.
        self._wake_maintenance = wake_maintenance or (lambda at_ms: None)
        # Unary acks and nacks of one loop turn (one worker id) are settled as one batch.
        self._unary_settles: TurnBatcher[str | None, Settlement, Settled] = TurnBatcher(
            lambda worker_id, items: self.settle(items, worker_id)
        )
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
            "extensions": ["lease_token", UNIQUE_STRENGTH_EXTENSION, WORKER_STREAM_EXTENSION],
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
        job, spec_json = self.prepare_job(spec)
        event = enqueue_event_type(job)
        if spec.client_id is None:
            # A generated id: the event rides behind the insert (one round trip); the
            # store takes it back if the insert does not happen.
            outcome = await self.store.enqueue(
                job,
                job.created_at,
                check_duplicate=False,
                spec_json=spec_json,
                events=self.enqueue_events,
            )
        else:
            outcome = await self.store.enqueue(
                job, job.created_at, check_duplicate=True, spec_json=spec_json
            )
        if outcome.status == "duplicate":
            raise OJSError(
                DUPLICATE,
                f"a job with id '{job.id}' already exists",
                details={"existing_job_id": job.id},
            )
        stored = outcome.job or job
        if stored.state is JobState.SCHEDULED:
            self._wake_maintenance(stored.scheduled_at)
        if spec.client_id is not None:
            await self.events.emit(event, stored, priority=stored.priority)
        return stored

    async def enqueue_events(self, jobs: Sequence[Job]) -> list[bytes]:
        """The enqueue events (``job.enqueued``, ``job.scheduled``, ...) of newly stored
        ``jobs``, packed for the store to write behind their insert."""
        async with self._event_batch() as (events, batch):
            for job in jobs:
                await events.emit(enqueue_event_type(job), job, priority=job.priority)
            packed: list[bytes] = batch.take()
        return packed

    def build_job(self, spec: EnqueueSpec) -> Job:
        """Defaults and checks shared by both bindings; raises OJSError."""
        return self.prepare_job(spec)[0]

    def prepare_job(
        self, spec: EnqueueSpec, *, checked: bool = False, now: int | None = None
    ) -> tuple[Job, str]:
        """:meth:`build_job`, and the job's spec as the store keeps it (``dumps`` of
        ``new_spec(job)``), encoded once for the size check and the store.
        ``checked``: the caller has run :func:`check_spec` already; ``now``: the creation
        time (a batch gives all its jobs one)."""
        if not checked:
            check_spec(spec)
        if now is None:
            now = self.clock.now_ms()
        # The codecs resolve max_attempts into the policy when one is given.
        retry = spec.retry or _default_retry(spec.max_attempts or DEFAULT_MAX_ATTEMPTS)
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
        return job, self._check_size(job)

    def _check_size(self, job: Job) -> str:
        """The job's encoded spec, unless it is over ``settings.max_job_bytes``."""
        spec_json = dumps(new_spec(job))
        size = len(spec_json) if spec_json.isascii() else len(spec_json.encode())
        if size > self.settings.max_job_bytes:
            raise OJSError(
                PAYLOAD_TOO_LARGE,
                f"job envelope is {size} bytes, over the maximum of "
                f"{self.settings.max_job_bytes} bytes",
                details={"field": "args", "size": size, "limit": self.settings.max_job_bytes},
            )
        return spec_json

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
        jobs = (await self.claim(queues, count, worker_id, visibility_timeout_ms)).jobs
        await self.announce_started(jobs, worker_id)
        return jobs

    async def claim(
        self,
        queues: list[str],
        count: int = 1,
        worker_id: str = "",
        visibility_timeout_ms: int | None = None,
    ) -> Claimed:
        """FETCH without its ``job.started`` events and worker job set: a caller that pushes
        the jobs sends them first, then calls :meth:`announce_started` before it takes
        anything else about them (so their events still come first)."""
        if not queues:
            raise invalid("queues", "'queues' must list at least one queue")
        for i, queue in enumerate(queues):
            check_queue(queue, f"queues[{i}]")
        if count < 0:
            raise invalid("count", "'count' must be >= 0")
        if visibility_timeout_ms is not None and visibility_timeout_ms <= 0:
            raise invalid("visibility_timeout_ms", "'visibility_timeout_ms' must be positive")
        if self.draining:
            return Claimed()
        result = await self.store.fetch(
            queues,
            max(1, count),
            worker_id,
            self.clock.now_ms(),
            visibility_timeout_ms,
            track=False,
        )
        return await self._claimed(result, max(1, count))

    async def _claimed(self, result: FetchResult, wanted: int) -> Claimed:
        """The jobs of a claim, after the events of the jobs it found expired."""
        for _queue, job_id in result.expired:
            expired = await self.store.get(job_id)
            if expired is not None:
                await self.events.emit("job.expired", expired)
                await self.workflows.after_transition(expired)
        if result.jobs:  # their leases end, and the maintenance loop reclaims them
            ends = [job.lease_end for job in result.jobs]
            self._wake_maintenance(min((t for t in ends if t is not None), default=None))
        return Claimed(result.jobs, result.held_back, wanted)

    async def announce_started(self, jobs: Sequence[Job], worker_id: str) -> None:
        """``job.started`` for claimed ``jobs`` and the worker's job set, one round trip."""
        if not jobs:
            return
        async with self._event_batch() as (events, pipe):
            await self._started(events, pipe, jobs, worker_id)

    async def _started(
        self, events: EventLog, pipe: CommandBatch, jobs: Sequence[Job], worker_id: str
    ) -> None:
        for job in jobs:
            await events.emit("job.started", job, worker_id=worker_id, attempt=job.attempt)
        self.store.remember_worker_jobs(pipe, worker_id, jobs)

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
        item = Settlement("ack", job_id, lease_token, result=result, has_result=has_result)
        return (await self._unary_settles.submit(worker_id, item)).unwrap()

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
        item = Settlement("nack", job_id, lease_token, report=report, requeue=requeue)
        return (await self._unary_settles.submit(worker_id, item)).unwrap()

    async def settle(
        self, items: Sequence[Settlement], worker_id: str | None = None
    ) -> list[Settled]:
        """ACK, NACK and RELEASE many jobs at once, each its own atomic transition.

        The outcomes come back in the order of ``items``; a refusal is reported, never
        raised. Round trips are shared by the batch: one for unknown queues, one to read
        the nacked jobs, one for every transition script, one for the events."""
        return (await self.settle_and_claim(items, worker_id))[0]

    async def settle_and_claim(
        self,
        items: Sequence[Settlement],
        worker_id: str | None = None,
        claim_queues: Sequence[str] = (),
        count: int = 0,
        announce: Sequence[Job] = (),
    ) -> tuple[list[Settled], Claimed]:
        """:meth:`settle`, then :meth:`claim` of up to ``count`` jobs of ``claim_queues`` (none
        when ``count`` is 0; the queues already checked) for the same worker: the claim
        rides in the round trip of the transition scripts, and its ``job.started`` events
        in the one of the settled jobs' events (two round trips per turn of a worker
        session, not four). ``announce``: jobs claimed earlier whose ``job.started`` is
        still to come; written first in that round trip (before any settled job's event)."""
        claim = list(claim_queues) if count > 0 and claim_queues and not self.draining else None
        claimed = Claimed()
        done: list[Settled | None] = [None] * len(items)
        for i, item in enumerate(items):
            if not item.job_id:
                done[i] = Settled.refused(item.job_id, invalid("job_id", "'job_id' is required"))
            elif item.kind == "nack" and (item.report is None or not item.report.message):
                error = invalid("error.message", "'error.message' is required")
                done[i] = Settled.refused(item.job_id, error)
        queues = {i: item.queue for i, item in enumerate(items) if done[i] is None}
        unknown = [i for i, queue in queues.items() if queue is None]
        found = await self.store.queues_of([items[i].job_id for i in unknown])
        for i, queue in zip(unknown, found, strict=True):
            queues[i] = queue
            if queue is None:
                done[i] = Settled.refused(items[i].job_id, not_found("job", items[i].job_id))
        failures: dict[int, tuple[FailOutcome, dict[str, Any]]] = {}
        pending = [i for i in range(len(items)) if done[i] is None]
        for _ in range(5):
            if not pending:
                break
            ops = await self._settle_ops(items, pending, queues, done, failures, worker_id)
            worker_ops = [op for _, op in ops]
            if claim is None:
                outcomes = await self.store.apply(worker_ops, self.clock.now_ms())
            else:
                outcomes, result = await self.store.apply_and_fetch(
                    worker_ops, self.clock.now_ms(), claim, count, worker_id or ""
                )
                claim, claimed = None, await self._claimed(result, count)
            pending = []
            for (i, _), outcome in zip(ops, outcomes, strict=True):
                if outcome.status == "moved":
                    pending.append(i)  # the attempt changed between our read and the script
                else:
                    done[i] = Settled.of(items[i], outcome)
        for i in pending:
            error = OJSError(
                INVALID_STATE, f"job '{items[i].job_id}' kept changing under the nack; retry"
            )
            done[i] = Settled.refused(items[i].job_id, error)
        settled = [d for d in done if d is not None]
        assert len(settled) == len(items)  # every item was settled or refused above
        if claim is not None:  # nothing to settle: the claim goes alone
            claimed = await self.claim(claim, count, worker_id or "")
        await self._after_settle(items, settled, failures, worker_id, announce, claimed.jobs)
        return settled, claimed

    async def _settle_ops(
        self,
        items: Sequence[Settlement],
        pending: list[int],
        queues: dict[int, str | None],
        done: list[Settled | None],
        failures: dict[int, tuple[FailOutcome, dict[str, Any]]],
        worker_id: str | None,
    ) -> list[tuple[int, WorkerOp]]:
        """The store transitions of the pending items; nacks are decided from a fresh read."""
        nacks = [i for i in pending if items[i].kind == "nack"]
        read = await self.store.get_many([(queues[i] or "", items[i].job_id) for i in nacks])
        jobs = dict(zip(nacks, read, strict=True))
        now = self.clock.now_ms()
        ops: list[tuple[int, WorkerOp]] = []
        for i in pending:
            item, queue = items[i], queues[i] or ""
            if item.kind == "ack":
                op: WorkerOp = AckOp(
                    item.job_id,
                    queue,
                    item.result,
                    item.has_result,
                    item.lease_token,
                    worker_id,
                    item.held,
                )
            elif item.kind == "release":
                op = ReleaseOp(item.job_id, queue, item.lease_token, worker_id)
            else:
                job = jobs[i]
                if job is None:
                    done[i] = Settled.refused(item.job_id, not_found("job", item.job_id))
                    continue
                if job.state is not JobState.ACTIVE:
                    error = invalid_state(item.job_id, job.state.value, "nack")
                    done[i] = Settled.refused(item.job_id, error, "conflict", job.state.value)
                    continue
                assert item.report is not None
                outcome, delay_ms, entry = self._decide_failure(job, item.report, item.requeue, now)
                failures[i] = (outcome, entry)
                errors = [*job.errors, entry][-MAX_ERROR_HISTORY:]
                op = FailOp(job, outcome.value, delay_ms, errors, item.lease_token, worker_id)
            ops.append((i, op))
        return ops

    def _decide_failure(
        self, job: Job, report: FailureReport, requeue: bool, now: int
    ) -> tuple[FailOutcome, int, dict[str, Any]]:
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
        entry = self._error_entry(report, error_type, job.attempt, now)
        return decision.outcome, decision.delay_ms, entry

    async def _after_settle(
        self,
        items: Sequence[Settlement],
        settled: list[Settled],
        failures: dict[int, tuple[FailOutcome, dict[str, Any]]],
        worker_id: str | None,
        announce: Sequence[Job] = (),
        started: Sequence[Job] = (),
    ) -> None:
        """Events, workflow advance and wake-ups of the settled jobs, as the unary calls had,
        in one round trip with the ``job.started`` events and worker job set of the jobs of
        ``announce`` (claimed before: theirs come first) and ``started`` (claimed by this
        call; a released job may be among them again: theirs come last)."""
        ok = [(i, s.job) for i, s in enumerate(settled) if s.job is not None]
        if not ok:
            await self.announce_started([*announce, *started], worker_id or "")
            return
        async with self._event_batch() as (events, pipe):
            await self._started(events, pipe, announce, worker_id or "")
            for i, job in ok:
                item = items[i]
                if item.kind == "ack":
                    duration = (job.completed_at or 0) - (job.started_at or 0)
                    data: dict[str, Any] = {"attempt": job.attempt, "duration_ms": duration}
                    if item.has_result:
                        data["result"] = item.result
                    await events.emit("job.completed", job, **data)
                elif item.kind == "nack":
                    await self._emit_failure(events, job, *failures[i])
                else:
                    await events.emit("job.released", job, worker_id=worker_id or "")
            self.store.forget_worker_jobs(pipe, worker_id or "", [(j.queue, j.id) for _, j in ok])
            await self._started(events, pipe, started, worker_id or "")
        for _, job in ok:
            await self.workflows.after_transition(job)
        if any(outcome is FailOutcome.RETRY for outcome, _ in failures.values()):
            self._wake_maintenance(None)

    @contextlib.asynccontextmanager
    async def _event_batch(self) -> AsyncIterator[tuple[EventLog, Any]]:
        """An event log whose appends are buffered on one command batch (also yielded, for
        other writes that can ride along) and sent in one round trip on exit."""
        batch = CommandBatch(self.store.client)
        yield EventLog(batch, self.store.keys, self.clock, self.settings.max_events), batch
        await batch.execute()

    @staticmethod
    async def _emit_failure(
        events: EventLog, job: Job, outcome: FailOutcome, entry: dict[str, Any]
    ) -> None:
        brief = {k: entry[k] for k in ("code", "type", "message") if k in entry}
        await events.emit("job.failed", job, attempt=job.attempt, error=brief)
        if outcome is FailOutcome.RETRY:
            await events.emit(
                "job.retrying",
                job,
                attempt=job.attempt,
                max_attempts=job.max_attempts,
                next_retry_at=job.next_attempt_at,
                error=brief,
            )
        elif outcome in (FailOutcome.DISCARD, FailOutcome.DEAD_LETTER):
            await events.emit("job.discarded", job, total_attempts=job.attempt, last_error=brief)

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
        await self._emit_heartbeats(worker_id, [(job_id, deadline)])
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
        await self._emit_heartbeats(worker_id, result.extended)
        result.directive = await self._directive_hook(
            worker_id, [j for j, _ in result.extended], result.directive
        )
        return result

    async def heartbeat_leases(
        self, worker_id: str, leases: Sequence[Job], extend_ms: int | None = None
    ) -> tuple[str, list[Outcome]]:
        """BEAT for a worker session: extend each lease it holds (``leases``: the jobs as
        delivered, their attempt is the lease token) in one round trip; returns the
        worker's directive and one store outcome per lease (``detail``: new deadline)."""
        extend_ms = self._bounded_extend(extend_ms)
        directive = await self._worker_directive(worker_id)
        ops = [BeatOp(job.id, job.queue, extend_ms, job.attempt, worker_id) for job in leases]
        outcomes = await self.store.apply(ops, self.clock.now_ms())
        held = [(job, int(o.detail)) for job, o in zip(leases, outcomes, strict=True) if o.ok]
        await self._emit_heartbeat_events(worker_id, held)
        return await self._directive_hook(worker_id, [j.id for j, _ in held], directive), outcomes

    async def _emit_heartbeats(self, worker_id: str, extended: Sequence[tuple[str, int]]) -> None:
        """``job.heartbeat`` for each (job id, new deadline); reads the jobs for their
        queue and type, which subscribers filter on."""
        if not extended:
            return
        ids = [job_id for job_id, _ in extended]
        queues = await self.store.queues_of(ids)
        pairs = [(q, job_id) for q, job_id in zip(queues, ids, strict=True) if q is not None]
        found = {job.id: job for job in await self.store.get_many(pairs) if job is not None}
        held = [(found[job_id], deadline) for job_id, deadline in extended if job_id in found]
        await self._emit_heartbeat_events(worker_id, held)

    async def _emit_heartbeat_events(self, worker_id: str, held: Sequence[tuple[Job, int]]) -> None:
        if not held:
            return
        async with self._event_batch() as (events, _):
            for job, deadline in held:
                await events.emit(
                    "job.heartbeat",
                    job,
                    worker_id=worker_id,
                    attempt=job.attempt,
                    lease_expires_at=format_rfc3339(deadline),
                )

    async def report_progress(
        self, worker_id: str, reports: Sequence[ProgressReport], extend_ms: int | None = None
    ) -> list[Outcome]:
        """PROGRESS (worker session): keep each report with its job and extend that lease,
        fenced like a heartbeat; emits ``job.progress`` for every report accepted."""
        extend_ms = self._bounded_extend(extend_ms)
        ops = [
            BeatOp(r.job.id, r.job.queue, extend_ms, r.lease_token, worker_id, dumps(r.summary()))
            for r in reports
        ]
        outcomes = await self.store.apply(ops, self.clock.now_ms())
        accepted = [r for r, outcome in zip(reports, outcomes, strict=True) if outcome.ok]
        if accepted:
            async with self._event_batch() as (events, _):
                for r in accepted:
                    await events.emit("job.progress", r.job, attempt=r.job.attempt, **r.summary())
        return outcomes

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
