"""Store operations of conformance level 4 over a :class:`RedisStore` (both backends).

- :func:`insert_jobs`: unique check-and-insert and batch insert, one atomic script per queue
  (``enqueue_batch.lua``); :func:`commit_staged` publishes or discards a staged part of a
  cross-queue batch (``batch_commit.lua``).
- :func:`queue_snapshot`: exact per-state counts and rolling metrics in one script
  (``queue_stats.lua``).
- :func:`pause_queue`, :func:`resume_queue`, :func:`set_queue_rate_limit`: queue flags.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import Job
from .records import dumps, job_from_parts, new_parts
from .redis_store import RedisStore

METRIC_BUCKET_MS = 10_000  # as in _prelude.lua
LAST_MINUTE_MS = 6 * METRIC_BUCKET_MS


@dataclass
class NewJob:
    """A job to insert, with its unique-job check (``fingerprint`` empty: none)."""

    job: Job
    fingerprint: str = ""
    on_conflict: str = "reject"
    states: tuple[str, ...] = ()
    period_ms: int | None = None


@dataclass
class Inserted:
    """What became of one :class:`NewJob`.

    ``outcome``: ``inserted``, ``replaced`` (``replaced_id`` was cancelled, or will be when a
    staged job is published) or ``ignored`` (``job`` is the existing job).
    """

    outcome: str
    job: Job
    replaced_id: str = ""
    replaced_state: str = ""


@dataclass
class Refused:
    """Nothing was written: ``reason`` ``exists`` (id taken) or ``duplicate`` (unique)."""

    reason: str
    index: int
    existing_id: str = ""


@dataclass
class QueueSnapshot:
    """A queue at one instant (one script): exact counts per state, totals since the queue
    began (``completed``, ``discarded``) and rolling metrics over the newest 360 buckets of
    10 s (the last hour; the last minute is the newest 6): completions, failed attempts
    (NACKs and ended leases), and per completed job its run time (started_at to ACK) and its
    wait (enqueued_at to started_at of the attempt that completed)."""

    name: str
    paused: bool
    paused_at: int | None
    resumed_at: int | None
    created_at: int | None
    available: int
    active: int
    scheduled: int
    retryable: int
    dead: int
    completed: int
    discarded: int
    completed_last_hour: int
    failed_last_hour: int
    duration_sum_ms: int
    wait_sum_ms: int
    completed_last_minute: int
    rate_limit: int | None = None

    @property
    def avg_duration_ms(self) -> float:
        return self.duration_sum_ms / self.completed_last_hour if self.completed_last_hour else 0.0

    @property
    def avg_wait_ms(self) -> float:
        return self.wait_sum_ms / self.completed_last_hour if self.completed_last_hour else 0.0

    @property
    def throughput_per_second(self) -> float:
        return self.completed_last_minute / (LAST_MINUTE_MS / 1000)


def _int_or_none(value: Any) -> int | None:
    if value is None or value is False or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        return None


async def insert_jobs(
    store: RedisStore, queue: str, jobs: list[NewJob], now: int, *, stage: bool = False
) -> list[Inserted] | Refused:
    """Check, then insert all ``jobs`` of ``queue`` in order, atomically (or refuse all).

    With ``stage`` the jobs are stored but stay invisible to FETCH until
    :func:`commit_staged` publishes them. The caller owns the job-id index entries.
    """
    args: list[Any] = ["stage" if stage else "insert", now, len(jobs)]
    specs: list[str] = []
    for item in jobs:
        doc, spec = new_parts(item.job)
        spec_json = dumps(spec)
        specs.append(spec_json)
        args.extend(
            [
                item.job.id,
                dumps(doc),
                spec_json,
                item.fingerprint,
                item.on_conflict,
                ",".join(item.states),
                "" if item.period_ms is None else item.period_ms,
            ]
        )
    reply = await store._run("enqueue_batch", queue, args)
    if reply[0] == "exists":
        return Refused("exists", int(reply[1]))
    if reply[0] == "duplicate":
        return Refused("duplicate", int(reply[1]), reply[2])
    out: list[Inserted] = []
    for item, spec_json, result in zip(jobs, specs, reply[1:], strict=True):
        kind = result[0]
        if kind == "ignored":
            existing = job_from_parts(
                result[1], queue, result[2], result[3], result[4] or None, result[5] or None
            )
            out.append(Inserted("ignored", existing))
            continue
        job = job_from_parts(item.job.id, queue, result[1], spec_json)
        if kind == "replaced":
            out.append(Inserted(kind, job, result[2], result[3]))
        else:
            out.append(Inserted(kind, job))
    return out


async def commit_staged(
    store: RedisStore, queue: str, ids: list[str], now: int, *, publish: bool
) -> dict[str, tuple[str, str, str]]:
    """Publish (or discard) staged jobs.

    Returns, per published id: (state doc JSON, id of the job it replaced and cancelled or
    "", that job's state before).
    """
    if not ids:
        return {}
    reply = await store._run(
        "batch_commit", queue, ["publish" if publish else "discard", now, *ids]
    )
    return {job_id: (doc, old_id, old_state) for job_id, doc, old_id, old_state in reply}


async def queue_snapshot(store: RedisStore, queue: str, now: int) -> QueueSnapshot:
    reply = await store._run("queue_stats", queue, [now])
    paused_raw = reply[0]
    return QueueSnapshot(
        name=queue,
        paused=paused_raw is not None and paused_raw is not False,
        # store.set_paused writes "1": a flag without a time.
        paused_at=_int_or_none(paused_raw) if paused_raw not in (None, False, "1") else None,
        available=int(reply[1]),
        active=int(reply[2]),
        scheduled=int(reply[3]),
        retryable=int(reply[4]),
        dead=int(reply[5]),
        completed=int(reply[6]),
        discarded=int(reply[7]),
        completed_last_hour=int(reply[8]),
        failed_last_hour=int(reply[9]),
        duration_sum_ms=int(reply[10]),
        wait_sum_ms=int(reply[11]),
        completed_last_minute=int(reply[12]),
        created_at=_int_or_none(reply[13]),
        resumed_at=_int_or_none(reply[14]),
        rate_limit=_int_or_none(reply[15]),
    )


async def pause_queue(store: RedisStore, queue: str, now: int) -> tuple[bool, int | None]:
    """Set the pause flag (its value is the pause time); returns (changed, paused_at)."""
    await store.register_queue(queue, now)
    key = store.keys.queue(queue).paused
    if await store.client.set(key, str(now), nx=True):
        return True, now
    return False, _int_or_none(await store.client.get(key))


async def resume_queue(store: RedisStore, queue: str, now: int) -> tuple[bool, int | None]:
    """Clear the pause flag; returns (changed, resumed_at)."""
    await store.register_queue(queue, now)
    stats = store.keys.queue(queue).key("stats")
    if await store.client.delete(store.keys.queue(queue).paused):
        await store.client.hset(stats, "resumed_at", now)
        await store.client.publish(store.keys.queue(queue).notify, "a")  # wake StreamJobs
        return True, now
    return False, _int_or_none(await store.client.hget(stats, "resumed_at"))


async def set_queue_rate_limit(store: RedisStore, queue: str, per_second: int | None) -> None:
    """Operator limit: at most ``per_second`` starts per sliding second (None: no limit)."""
    stats = store.keys.queue(queue).key("stats")
    if per_second is None:
        await store.client.hdel(stats, "rate_limit")
    else:
        await store.client.sadd(store.keys.queues, queue)
        await store.client.hset(stats, "rate_limit", per_second)
