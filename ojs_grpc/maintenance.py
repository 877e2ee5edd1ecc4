"""Background maintenance: promote due jobs, reclaim expired leases, purge old jobs.

One loop per gateway. It never polls jobs one by one: each pass asks every
queue for its due and expired entries (sorted sets), then sleeps until the
earliest next due time or lease end (at most ``max_idle_ms``), or until
:meth:`Maintenance.wake` says something new may be due sooner. Every
transition is a guarded store script, so any number of replicas may run this
loop against one Redis without doing anything twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from .backoff import FailOutcome, decide_failure
from .clock import Clock
from .config import Settings
from .events import EventLog
from .model import Job, JobState, OnExhaustion
from .store.redis_store import RedisStore

if TYPE_CHECKING:
    from .workflows import WorkflowEngine

log = logging.getLogger(__name__)

PURGE_EVERY_MS = 60_000


def reclaim_decision(job: Job, now: int) -> tuple[FailOutcome | str, int, dict[str, object]]:
    """What an expired lease leads to, and the error entry recorded for it.

    An execution timeout is a failure like a NACK (backoff, exhaustion); a
    visibility timeout returns the job to ``available`` unless it has used up
    its attempts (semantics §6.2).
    """
    timed_out = job.timeout_at is not None and job.timeout_at <= now
    if timed_out:
        entry: dict[str, object] = {
            "code": "timeout",
            "type": "timeout",
            "message": f"execution timeout of {job.timeout_ms} ms exceeded",
            "attempt": job.attempt,
            "occurred_at": now,
            "details": {"timeout_kind": "execution", "limit_ms": job.timeout_ms},
        }
        decision = decide_failure(job.retry, job.attempt, job.max_attempts, "timeout")
        return decision.outcome, decision.delay_ms, entry
    entry = {
        "code": "visibility_timeout",
        "type": "visibility_timeout",
        "message": "lease expired without ack, nack or heartbeat",
        "attempt": job.attempt,
        "occurred_at": now,
    }
    if job.attempt >= job.max_attempts:
        exhausted = (
            FailOutcome.DEAD_LETTER
            if job.retry.on_exhaustion is OnExhaustion.DEAD_LETTER
            else FailOutcome.DISCARD
        )
        return exhausted, 0, entry
    return "available", 0, entry


class Maintenance:
    def __init__(
        self, store: RedisStore, events: EventLog, clock: Clock, settings: Settings
    ) -> None:
        self.store = store
        self.events = events
        self.clock = clock
        self.settings = settings
        self._wake = asyncio.Event()
        self._stopping = False
        # When the loop's next pass is planned (clock ms); None while a pass runs.
        self._planned_at: int | None = None
        # The earliest time a wake-up asked for while a pass ran (the pass may have
        # looked already): the next pass comes no later than that.
        self._asked_at: int | None = None
        self._last_purge = 0
        # Set by the gateway: drains workflow outboxes and repairs interrupted workflows.
        self.workflows: WorkflowEngine | None = None

    def wake(self, at_ms: int | None = None) -> None:
        """Something may be due sooner than the loop planned: look again now. ``at_ms``:
        when it is due; a time the planned pass reaches first wakes nothing (a claim's
        lease, due in seconds, costs no extra pass over every queue), and one given while
        a pass runs plans the next pass for then at the latest (under load claims come
        during every pass, and each used to start another pass at once)."""
        planned = self._planned_at
        if at_ms is not None:
            if planned is None:
                asked = self._asked_at
                self._asked_at = at_ms if asked is None else min(asked, at_ms)
                return
            if at_ms >= planned:
                return
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        while not self._stopping:
            self._planned_at = None  # wake-ups during the pass: see wake()
            self._asked_at = None
            self._wake.clear()
            try:
                next_at = await self.run_once()
            except Exception:  # keep the loop alive through backend hiccups
                log.exception("maintenance pass failed")
                next_at = self.clock.now_ms() + 1000
            if self._asked_at is not None:
                next_at = min(next_at, self._asked_at)
            now = self.clock.now_ms()
            delay_ms = min(max(0, next_at - now), self.settings.max_idle_ms)
            self._planned_at = now + delay_ms
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay_ms / 1000)

    async def run_once(self) -> int:
        """One pass over every queue; returns when the next pass is wanted (ms)."""
        now = self.clock.now_ms()
        next_at = now + self.settings.max_idle_ms
        purge = now - self._last_purge >= PURGE_EVERY_MS
        queues = sorted(await self.store.queues())
        for queue in queues:
            tick = await self.store.tick(queue, now)
            for job_id in tick.expired_leases:
                await self._reclaim(queue, job_id, now)
            for t in (tick.next_due, tick.next_lease_end):
                if t is not None:
                    next_at = min(next_at, t)
            if purge:
                await self.store.purge_finished(
                    queue,
                    now - self.settings.retention_ms,
                    now - self.settings.dead_retention_ms,
                    self.settings.dead_max_per_queue,
                )
        if self.workflows is not None and await self.workflows.maintenance_pass(queues):
            next_at = now  # more workflow work waiting: come back at once
        if purge:
            self._last_purge = now
        return next_at

    async def _reclaim(self, queue: str, job_id: str, now: int) -> None:
        job = await self.store.get_in_queue(queue, job_id)
        if job is None or job.state is not JobState.ACTIVE:
            return
        outcome, delay, entry = reclaim_decision(job, now)
        errors = [*job.errors, entry]
        result = await self.store.reclaim(job, now, str(outcome), delay, errors)
        if not result.ok or result.job is None:
            return  # acked, nacked or extended meanwhile: nothing to do
        event = "job.timeout" if entry["code"] == "timeout" else "job.stalled"
        await self.events.emit(event, result.job, attempt=job.attempt, error=entry)
        if result.job.state is JobState.DISCARDED:
            await self.events.emit("job.discarded", result.job, total_attempts=job.attempt)
