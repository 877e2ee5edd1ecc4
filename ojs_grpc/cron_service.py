"""Cron (semantics §8): registration for both bindings and the scheduler that fires.

Exactly once, on any number of replicas sharing one Redis, without a leader:

1. A due tick's job has a deterministic id, :func:`~ojs_grpc.cron.cron_job_id` of
   (name, tick), and is enqueued through the service with the client-id duplicate
   guard, so a second insert of the same tick is refused whoever tries it.
2. What happens to a tick (``fire`` or ``skip`` for overlap) is recorded on the entry
   by a script (``cron_claim``) before acting: the first decision wins and every
   replica, or a retry after a crash, follows it.
3. The entry moves past the tick by compare-and-set (``cron_advance``: only while its
   next run still equals the tick and it was not re-registered meanwhile), which also
   bumps ``run_count`` once; events are emitted by the replica whose advance won.

A crash anywhere leaves the entry due with its decision recorded; the next pass (of
any replica) repeats the idempotent steps, so no tick is lost and none doubles.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .cron import (
    DEFAULT_TIMEZONE,
    NextRun,
    Schedule,
    check_name,
    check_overlap_policy,
    cron_job_id,
    next_run,
    parse_schedule,
)
from .errors import DUPLICATE, OJSError, invalid, not_found
from .model import DEFAULT_QUEUE, EnqueueSpec, Job, RetryPolicy
from .store.cron_store import CronRecord, CronStore
from .timefmt import format_rfc3339

if TYPE_CHECKING:
    from .service import OJSService

log = logging.getLogger(__name__)

# The loop wakes at the earliest next run, but at least this often (and no more often
# than every MIN_SLEEP_MS while something is still due).
MAX_SLEEP_MS = 1000
MIN_SLEEP_MS = 20
DUE_BATCH = 100
# How long to give a concurrent enqueue of the same tick before taking its id over.
ORPHAN_RECHECK_S = 0.05


# -- the job template, binding-neutral ---------------------------------------------------------

_SPEC_OPTIONAL = ("timeout_ms", "visibility_timeout_ms", "ttl_ms", "max_attempts")


def template_to_dict(spec: EnqueueSpec, delay_ms: int | None = None) -> dict[str, Any]:
    """The stored form of a template: what an :class:`EnqueueSpec` says, minus defaults.

    Times are relative (``delay_ms``, ``ttl_ms``): a template is used at every tick.
    """
    out: dict[str, Any] = {"type": spec.type, "args": spec.args, "queue": spec.queue}
    if spec.priority:
        out["priority"] = spec.priority
    for name in _SPEC_OPTIONAL:
        value = getattr(spec, name)
        if value is not None:
            out[name] = value
    if delay_ms:
        out["delay_ms"] = delay_ms
    if spec.retry is not None:
        out["retry"] = spec.retry.to_dict()
    if spec.unique is not None:
        out["unique"] = spec.unique
    for name in ("meta", "tags", "trace_id", "extra", "pending"):
        value = getattr(spec, name)
        if value:
            out[name] = value
    return out


def template_from_dict(raw: dict[str, Any]) -> tuple[EnqueueSpec, int | None]:
    """(spec without id or absolute times, delay in ms) from the stored form."""
    spec = EnqueueSpec(
        type=raw["type"],
        args=list(raw.get("args", [])),
        queue=raw.get("queue", DEFAULT_QUEUE),
        meta=dict(raw.get("meta", {})),
        priority=int(raw.get("priority", 0)),
        tags=list(raw.get("tags", [])),
        trace_id=raw.get("trace_id", ""),
        extra=dict(raw.get("extra", {})),
        unique=raw.get("unique"),
        pending=bool(raw.get("pending", False)),
    )
    for name in _SPEC_OPTIONAL:
        if raw.get(name) is not None:
            setattr(spec, name, int(raw[name]))
    if raw.get("retry") is not None:
        spec.retry = RetryPolicy.from_dict(raw["retry"])
    delay = raw.get("delay_ms")
    return spec, int(delay) if delay else None


def fire_spec(
    template: EnqueueSpec, delay_ms: int | None, name: str, tick: int, now: int
) -> EnqueueSpec:
    """The enqueue request of one firing: the template, the tick's id, cron meta."""
    spec = replace(
        template,
        client_id=cron_job_id(name, tick),
        meta={**template.meta, "cron_name": name, "cron_triggered_at": format_rfc3339(tick)},
    )
    if delay_ms:
        spec.scheduled_at = now + delay_ms
    return spec


# -- entries ---------------------------------------------------------------------------------


@dataclass
class CronRegistration:
    """A checked registration request from either binding."""

    name: str
    schedule: Schedule
    template: EnqueueSpec
    delay_ms: int | None = None
    overlap_policy: str = "skip"
    enabled: bool = True
    description: str | None = None


@dataclass
class CronEntry:
    """A registered entry as both bindings encode it."""

    name: str
    expression: str
    timezone: str
    overlap_policy: str
    enabled: bool
    description: str | None
    template: EnqueueSpec
    delay_ms: int | None
    created_at: int
    next_run_at: int | None
    last_run_at: int | None
    run_count: int
    last_job_id: str | None

    @classmethod
    def from_record(cls, record: CronRecord) -> CronEntry:
        d = record.definition
        template, delay = template_from_dict(d["template"])
        return cls(
            name=record.name,
            expression=d["expression"],
            timezone=d.get("timezone", DEFAULT_TIMEZONE),
            overlap_policy=d.get("overlap_policy", "skip"),
            enabled=bool(d.get("enabled", True)),
            description=d.get("description"),
            template=template,
            delay_ms=delay,
            created_at=record.created_at,
            next_run_at=record.next_run_at,
            last_run_at=record.last_run_at,
            run_count=record.run_count,
            last_job_id=record.last_job_id,
        )


class CronService:
    """RegisterCron / UnregisterCron / ListCron, and the scheduler (``self.scheduler``)."""

    def __init__(self, service: OJSService) -> None:
        self.service = service
        self.store = CronStore(service.store)
        self.scheduler = CronScheduler(self)

    async def register(self, reg: CronRegistration) -> tuple[CronEntry, bool]:
        """Upsert by name; returns the entry and whether the name was new."""
        check_name(reg.name)
        check_overlap_policy(reg.overlap_policy)
        if reg.template.client_id is not None:
            raise invalid("id", "a cron job template cannot carry an id: each firing gets one")
        now = self.service.clock.now_ms()
        # The template must make a valid job at every tick: build one now (nothing stored).
        self.service.build_job(fire_spec(reg.template, reg.delay_ms, reg.name, now, now))
        upcoming = next_run(reg.schedule, now, now).at_ms if reg.enabled else None
        definition: dict[str, Any] = {
            "expression": reg.schedule.expression,
            "timezone": reg.schedule.timezone,
            "overlap_policy": reg.overlap_policy,
            "enabled": reg.enabled,
            "description": reg.description,
            "template": template_to_dict(reg.template, reg.delay_ms),
        }
        record, created = await self.store.register(
            reg.name, definition, now, upcoming, reg.schedule.key, enabled=reg.enabled
        )
        self.scheduler.wake()
        return CronEntry.from_record(record), created

    async def unregister(self, name: str) -> CronEntry:
        record = await self.store.unregister(name)
        if record is None:
            raise not_found("cron", name)
        return CronEntry.from_record(record)

    async def get(self, name: str) -> CronEntry:
        record = await self.store.get(name)
        if record is None:
            raise not_found("cron", name)
        return CronEntry.from_record(record)

    async def entries(self) -> list[CronEntry]:
        return [CronEntry.from_record(r) for r in await self.store.all()]


# -- firing ----------------------------------------------------------------------------------


@dataclass
class _Fired:
    outcome: str  # created | existed | deduplicated | refused
    job: Job | None = None
    detail: str = ""

    @property
    def fired(self) -> bool:
        return self.outcome in ("created", "existed")


class CronScheduler:
    """Fires due entries; one per gateway, any number per Redis (see the module doc)."""

    def __init__(self, cron: CronService) -> None:
        self.cron = cron
        self.service = cron.service
        self.clock = cron.service.clock
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        """An entry changed: look again now instead of at the planned time."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            now = self.clock.now_ms()
            try:
                next_at = await self.run_once(now)
            except Exception:  # keep the loop alive through backend hiccups
                log.exception("cron pass failed")
                next_at = now + MAX_SLEEP_MS
            delay_ms = min(max(next_at - self.clock.now_ms(), MIN_SLEEP_MS), MAX_SLEEP_MS)
            if not self._stopping:
                await self._sleep(delay_ms / 1000)

    async def _sleep(self, seconds: float) -> None:
        """The clock's sleep (a ManualClock's moves with the test), cut short by wake()."""
        sleeper = asyncio.ensure_future(self.clock.sleep(seconds))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, waker):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def run_once(self, now: int | None = None) -> int:
        """Handle every entry due at ``now``; returns when the next pass is wanted (ms).

        Safe to run concurrently with itself and with other replicas.
        """
        now = self.clock.now_ms() if now is None else now
        failed = False
        for name in await self.cron.store.due(now, DUE_BATCH):
            try:
                await self._handle(name, now)
            except Exception:  # leave it due: the next pass repeats the idempotent steps
                log.exception("cron entry %r: tick not handled, will retry", name)
                failed = True
        earliest = await self.cron.store.earliest()
        next_at = now + MAX_SLEEP_MS if earliest is None else earliest
        return max(next_at, now + MAX_SLEEP_MS) if failed else next_at

    async def _handle(self, name: str, now: int) -> None:
        store = self.cron.store
        record = await store.get(name)
        if record is None:
            await store.forget_due(name)
            return
        tick = record.next_run_at
        if tick is None or tick > now:
            return
        pending = record.pending
        if pending is not None and pending[0] == tick:
            decision, job_id = pending[1], pending[2]
        else:
            decision = "fire"
            if record.definition.get("overlap_policy", "skip") == "skip" and record.last_job_id:
                previous = await self.service.store.get(record.last_job_id)
                if previous is not None and not previous.state.terminal:
                    decision = "skip"  # semantics §13 A30: any non-terminal run counts
            claimed = await store.claim(name, tick, record.rev, decision, cron_job_id(name, tick))
            if claimed is None:
                return  # another replica moved it on, or it was re-registered: re-read later
            decision, job_id = claimed
        entry = CronEntry.from_record(record)
        fired = _Fired("skipped")
        if decision == "fire":
            fired = await self._enqueue(entry, tick, job_id, now)
        upcoming = NextRun(None)
        if entry.enabled:
            schedule = parse_schedule(entry.expression, entry.timezone)
            upcoming = next_run(schedule, max(now, tick), record.anchor)
        state = await store.advance(
            name, tick, record.rev, upcoming.at_ms, fired=fired.fired, job_id=job_id
        )
        if state is None:
            return  # another replica advanced (and reports) this tick
        await self._report(entry, tick, decision, fired, record.last_job_id, upcoming)

    async def _enqueue(self, entry: CronEntry, tick: int, job_id: str, now: int) -> _Fired:
        """Enqueue the tick's job once; a second insert of the id is refused by the store."""
        spec = fire_spec(entry.template, entry.delay_ms, entry.name, tick, now)
        store = self.service.store
        for attempt in range(2):
            try:
                job = await self.service.enqueue(spec)
            except OJSError as err:
                if err.code != DUPLICATE or err.details.get("existing_job_id") != job_id:
                    log.warning("cron %r: the job of %s was refused: %s", entry.name, tick, err)
                    return _Fired("refused", detail=err.message)
                existing = await store.get(job_id)
                if existing is None:  # another replica may be between claiming and inserting
                    await asyncio.sleep(ORPHAN_RECHECK_S)
                    existing = await store.get(job_id)
                if existing is not None:
                    return _Fired("existed", existing)
                if attempt == 0:
                    # The id is claimed but no job exists: an enqueue died between claiming
                    # the id and inserting. Free the id and insert again; the insert script
                    # itself refuses a job id twice in its queue.
                    await store.client.delete(store.keys.job_queue(job_id))
                continue
            if job.id != job_id:  # a unique policy answered with an existing job
                return _Fired("deduplicated", job)
            return _Fired("created", job)
        # Leave the tick due (its decision recorded): the next pass tries again.
        raise RuntimeError(f"cron {entry.name!r}: job id {job_id} stays claimed without a job")

    async def _report(
        self,
        entry: CronEntry,
        tick: int,
        decision: str,
        fired: _Fired,
        previous_job_id: str | None,
        upcoming: NextRun,
    ) -> None:
        events = self.service.events
        common: dict[str, Any] = {
            "cron_name": entry.name,
            "scheduled_at": format_rfc3339(tick),
            "next_run_at": None if upcoming.at_ms is None else format_rfc3339(upcoming.at_ms),
        }
        where = {"queue": entry.template.queue, "job_type": entry.template.type}
        if fired.fired and fired.job is not None:
            await events.emit("cron.triggered", fired.job, **common)
        elif decision == "skip":
            await events.emit_event(
                "cron.skipped",
                **where,
                reason="overlap_skip",
                running_job_id=previous_job_id,
                **common,
            )
        else:
            await events.emit_event(
                "cron.skipped",
                **where,
                reason="unique_conflict" if fired.outcome == "deduplicated" else "enqueue_refused",
                error=fired.detail or None,
                **common,
            )
        if upcoming.dst_skipped:
            await events.emit_event(
                "cron.skipped",
                **where,
                reason="dst_skip",
                local_times=list(upcoming.dst_skipped),
                timezone=entry.timezone,
                **common,
            )
