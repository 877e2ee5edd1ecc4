"""Level-4 store scripts on both stores: unique check-and-insert, batches, staging, queue
metrics, pause flags and rate-limited fetch (semantics §10.2-§10.6), at fixed ``now``."""

from __future__ import annotations

import asyncio
from typing import Any

from ojs_grpc.model import JobState
from ojs_grpc.store.level4 import (
    Inserted,
    NewJob,
    Refused,
    commit_staged,
    insert_jobs,
    pause_queue,
    queue_snapshot,
    resume_queue,
    set_queue_rate_limit,
)
from ojs_grpc.store.redis_store import RedisStore
from ojs_grpc.unique import DEFAULT_STATES
from tests.store.test_store_contract import HOUR, NOW, Q, counts, errs, get, make_job, only, put

FP = "f" * 64


def unique(
    job_id: str,
    *,
    action: str = "reject",
    states: tuple[str, ...] = DEFAULT_STATES,
    period_ms: int | None = None,
    fp: str = FP,
    now: int = NOW,
    **kw: Any,
) -> NewJob:
    return NewJob(make_job(job_id, now=now, **kw), fp, action, states, period_ms)


async def run(
    store: RedisStore, items: list[NewJob], now: int, *, stage: bool = False
) -> list[Inserted] | Refused:
    """insert_jobs after writing the job-id index entries, as the service does."""
    for item in items:
        await store.client.set(store.keys.job_queue(item.job.id), item.job.queue)
    return await insert_jobs(store, items[0].job.queue, items, now, stage=stage)


async def insert(store: RedisStore, *items: NewJob, now: int = NOW) -> list[Inserted]:
    reply = await run(store, list(items), now)
    assert isinstance(reply, list), reply
    return reply


async def index_of(store: RedisStore, fp: str = FP, queue: str = Q) -> str | None:
    value: str | None = await store.client.hget(store.keys.queue(queue).key("unique"), fp)
    return value


async def fetch_ids(store: RedisStore, now: int, count: int = 10, queue: str = Q) -> list[str]:
    return [j.id for j in (await store.fetch([queue], count, "w1", now)).jobs]


# -- unique check-and-insert ------------------------------------------------------------------


async def test_concurrent_unique_enqueues_insert_exactly_one(store: RedisStore) -> None:
    replies = await asyncio.gather(
        *(insert_jobs(store, Q, [unique(f"j{i}")], NOW) for i in range(25))
    )
    inserted = [r[0].job.id for r in replies if isinstance(r, list)]
    refused = [r for r in replies if isinstance(r, Refused)]
    assert len(inserted) == 1
    assert {(r.reason, r.index, r.existing_id) for r in refused} == {("duplicate", 0, inserted[0])}
    assert await counts(store) == only(available=1)
    assert await index_of(store) == inserted[0]
    assert await store.client.hlen(store.keys.queue(Q).key("jobs")) == 1


async def test_reject_leaves_the_existing_job(store: RedisStore) -> None:
    await insert(store, unique("a"))
    reply = await run(store, [unique("b")], NOW + 1)
    assert reply == Refused("duplicate", 0, "a")
    assert await store.get("b") is None
    assert (await get(store, "a")).state is JobState.AVAILABLE


async def test_ignore_returns_the_existing_job(store: RedisStore) -> None:
    await insert(store, unique("a"))
    (result,) = await insert(store, unique("b", action="ignore"), now=NOW + 5)
    assert (result.outcome, result.job.id, result.job.state) == ("ignored", "a", JobState.AVAILABLE)
    assert await store.get("b") is None
    assert await counts(store) == only(available=1)


async def test_replace_cancels_the_existing_job_and_inserts_the_new_one(store: RedisStore) -> None:
    await insert(store, unique("a"))
    (result,) = await insert(store, unique("b", action="replace"), now=NOW + 5)
    assert (result.outcome, result.replaced_id, result.replaced_state) == (
        "replaced",
        "a",
        "available",
    )
    old = await get(store, "a")
    assert (old.state, old.cancelled_at) == (JobState.CANCELLED, NOW + 5)
    assert (await get(store, "b")).state is JobState.AVAILABLE
    assert await fetch_ids(store, NOW + 6) == ["b"]
    assert await index_of(store) == "b"


async def test_replace_of_an_active_job_is_strong(store: RedisStore) -> None:
    await insert(store, unique("a"))
    assert await fetch_ids(store, NOW) == ["a"]
    (result,) = await insert(store, unique("b", action="replace"), now=NOW + 5)
    assert (result.outcome, result.replaced_state) == ("replaced", "active")
    assert (await get(store, "a")).state is JobState.CANCELLED
    assert await counts(store) == only(available=1)  # the lease is gone
    late_ack = await store.ack("a", NOW + 6, None, has_result=False)
    assert (late_ack.status, late_ack.detail) == ("conflict", "cancelled")


async def test_replace_except_schedule_keeps_the_old_schedule(store: RedisStore) -> None:
    at = NOW + HOUR
    await insert(store, unique("a", state=JobState.SCHEDULED, scheduled_at=at))
    new = unique("b", action="replace_except_schedule", state=JobState.SCHEDULED)
    new.job.scheduled_at = NOW + 5 * HOUR
    (result,) = await insert(store, new, now=NOW + 5)
    assert (result.job.state, result.job.scheduled_at) == (JobState.SCHEDULED, at)
    assert (await get(store, "a")).state is JobState.CANCELLED
    assert await store.client.zrange(store.keys.queue(Q).key("scheduled"), 0, -1) == ["b"]
    # An existing job without a future schedule gives an immediate job.
    (result,) = await insert(
        store,
        NewJob(
            make_job("c", state=JobState.SCHEDULED, scheduled_at=NOW + HOUR),
            "other",
            "replace_except_schedule",
            DEFAULT_STATES,
        ),
        now=NOW + 6,
    )
    assert result.outcome == "inserted" and result.job.state is JobState.SCHEDULED
    (result,) = await insert(
        store,
        NewJob(make_job("d"), "other", "replace_except_schedule", DEFAULT_STATES),
        now=NOW + 7,
    )
    assert (result.outcome, result.job.state) == ("replaced", JobState.SCHEDULED)
    assert result.job.scheduled_at == NOW + HOUR


async def test_only_listed_states_count(store: RedisStore) -> None:
    await insert(store, unique("a", states=("available",)))
    assert await fetch_ids(store, NOW) == ["a"]
    # active is not listed: no conflict
    (result,) = await insert(store, unique("b", states=("available",)), now=NOW + 1)
    assert result.outcome == "inserted"
    await store.fetch([Q], 1, "w1", NOW + 2)
    await store.ack("b", NOW + 3, None, has_result=False)
    # completed counts only when listed
    assert await run(store, [unique("c", states=("completed",))], NOW + 4) == Refused(
        "duplicate", 0, "b"
    )
    (result,) = await insert(store, unique("d"), now=NOW + 5)  # default states: not completed
    assert result.outcome == "inserted"


async def test_period_counts_from_the_existing_jobs_created_at(store: RedisStore) -> None:
    await insert(store, unique("a", period_ms=2000))
    inside = await run(store, [unique("b", period_ms=2000, now=NOW + 1999)], NOW + 1999)
    assert inside == Refused("duplicate", 0, "a")
    (result,) = await insert(store, unique("c", period_ms=2000, now=NOW + 2000), now=NOW + 2000)
    assert result.outcome == "inserted"
    assert await index_of(store) == "c"
    assert (await get(store, "a")).state is JobState.AVAILABLE  # no replace: both stay


async def test_fingerprints_are_per_queue(store: RedisStore) -> None:
    await insert(store, unique("a"))
    (result,) = await insert(store, unique("b", queue="other"))
    assert result.outcome == "inserted"


async def test_purge_and_dead_letter_delete_release_the_fingerprint(store: RedisStore) -> None:
    await insert(store, unique("a", states=("completed",)))
    await store.fetch([Q], 1, "w1", NOW)
    await store.ack("a", NOW + 1, None, has_result=False)
    assert await index_of(store) == "a"
    assert await store.purge_finished(Q, NOW + 10) == 1
    assert await index_of(store) is None
    await insert(store, unique("d", max_attempts=1), now=NOW + 20)
    active = (await store.fetch([Q], 1, "w1", NOW + 20)).jobs[0]
    await store.fail(active, NOW + 21, "dead_letter", 0, errs())
    assert (await store.dead_delete("d")).ok
    assert await index_of(store) is None


# -- batches ---------------------------------------------------------------------------------


async def test_batch_inserts_in_order_or_nothing(store: RedisStore) -> None:
    await insert(store, unique("x"))
    jobs = [NewJob(make_job(f"b{i}")) for i in range(3)]
    refused = await run(store, [*jobs, unique("y")], NOW + 1)
    assert refused == Refused("duplicate", 3, "x")
    assert await counts(store) == only(available=1)  # nothing of the batch
    assert await store.client.hlen(store.keys.queue(Q).key("jobs")) == 1
    results = await insert(store, *jobs, now=NOW + 2)
    assert [r.job.id for r in results] == ["b0", "b1", "b2"]
    assert await fetch_ids(store, NOW + 3) == ["x", "b0", "b1", "b2"]


async def test_batch_sees_its_own_earlier_jobs(store: RedisStore) -> None:
    refused = await run(store, [unique("a"), unique("b")], NOW)
    assert refused == Refused("duplicate", 1, "a")
    assert await counts(store) == only()
    results = await insert(store, unique("a"), unique("b", action="ignore"))
    assert [(r.outcome, r.job.id) for r in results] == [("inserted", "a"), ("ignored", "a")]
    assert await run(store, [NewJob(make_job("c")), NewJob(make_job("c"))], NOW) == (
        Refused("exists", 1)
    )
    assert await run(store, [NewJob(make_job("a"))], NOW) == Refused("exists", 0)


async def test_staged_jobs_are_invisible_until_published(store: RedisStore) -> None:
    await insert(store, unique("old"))
    staged = await run(
        store, [NewJob(make_job("s1")), unique("s2", action="replace")], NOW + 1, stage=True
    )
    assert isinstance(staged, list)
    assert await counts(store) == only(available=1)
    # the fingerprint is claimed already: strong uniqueness across the two steps
    assert await run(store, [unique("z")], NOW + 2) == Refused("duplicate", 0, "s2")
    assert await fetch_ids(store, NOW + 2) == ["old"]  # old is active when replaced
    published = await commit_staged(store, Q, ["s1", "s2"], NOW + 3, publish=True)
    assert {k: v[1:] for k, v in published.items()} == {"s1": ("", ""), "s2": ("old", "active")}
    assert (await get(store, "old")).state is JobState.CANCELLED
    assert await fetch_ids(store, NOW + 4) == ["s1", "s2"]
    assert (await get(store, "s1")).enqueued_at == NOW + 3


async def test_discarded_staged_jobs_leave_nothing(store: RedisStore) -> None:
    await insert(store, unique("old", states=("completed",)))
    await store.fetch([Q], 1, "w1", NOW)
    await store.ack("old", NOW + 1, None, has_result=False)
    staged = await run(
        store, [unique("s", action="ignore", states=("completed",))], NOW + 2, stage=True
    )
    assert isinstance(staged, list) and staged[0].outcome == "ignored"
    staged = await run(store, [unique("t")], NOW + 2, stage=True)
    assert isinstance(staged, list) and staged[0].outcome == "inserted"
    assert await index_of(store) == "t"
    assert await commit_staged(store, Q, ["t"], NOW + 3, publish=False) == {}
    assert await store.get("t") is None
    assert await index_of(store) == "old"  # handed back
    assert await counts(store) == only()
    assert await store.client.zrange(store.keys.queue(Q).key("finished"), 0, -1) == ["old"]


# -- queue snapshot --------------------------------------------------------------------------


async def test_snapshot_counts_every_state_exactly(store: RedisStore) -> None:
    for i in range(3):
        await put(store, f"a{i}")
    await put(store, "s", state=JobState.SCHEDULED, scheduled_at=NOW + HOUR)
    await put(store, "p", state=JobState.PENDING)
    claimed = (await store.fetch([Q], 3, "w1", NOW)).jobs
    await store.fail(claimed[0], NOW + 1, "retry", HOUR, errs())
    await store.fail(claimed[1], NOW + 1, "dead_letter", 0, errs())
    await put(store, "done")
    await store.fetch([Q], 1, "w1", NOW + 2)  # done is behind nothing else now
    await store.ack("done", NOW + 3, None, has_result=False)
    snap = await queue_snapshot(store, Q, NOW + 4)
    got = {
        k: getattr(snap, k)
        for k in (
            "available",
            "active",
            "scheduled",
            "retryable",
            "dead",
            "completed",
            "discarded",
            "paused",
        )
    }
    assert got == {
        "available": 0,
        "active": 1,
        "scheduled": 1,
        "retryable": 1,
        "dead": 1,
        "completed": 1,
        "discarded": 1,
        "paused": False,
    }
    assert (snap.completed_last_hour, snap.failed_last_hour) == (1, 2)


async def test_snapshot_rolling_metrics(store: RedisStore) -> None:
    base = (NOW // 10_000) * 10_000  # start of a 10-second bucket
    for i, (wait, run) in enumerate([(100, 1000), (300, 3000)]):
        await put(store, f"j{i}", now=base)
        await store.fetch([Q], 1, "w1", base + wait)
        await store.ack(f"j{i}", base + wait + run, None, has_result=False)
    await put(store, "f", now=base)
    await store.fail((await store.fetch([Q], 1, "w1", base)).jobs[0], base + 10, "retry", 0, errs())
    snap = await queue_snapshot(store, Q, base + 5_000)
    assert (snap.completed_last_hour, snap.failed_last_hour) == (2, 1)
    assert (snap.avg_duration_ms, snap.avg_wait_ms) == (2000.0, 200.0)
    assert snap.throughput_per_second == 2 / 60
    # The last minute is the newest six buckets; the last hour the newest 360.
    later = await queue_snapshot(store, Q, base + 60_000)
    assert (later.completed_last_hour, later.throughput_per_second) == (2, 0.0)
    gone = await queue_snapshot(store, Q, base + HOUR)
    assert (gone.completed_last_hour, gone.failed_last_hour, gone.avg_duration_ms) == (0, 0, 0.0)
    # A reused ring slot starts again from zero.
    await put(store, "k", now=base + HOUR)
    await store.fetch([Q], 1, "w1", base + HOUR)
    await store.ack("k", base + HOUR + 50, None, has_result=False)
    snap = await queue_snapshot(store, Q, base + HOUR + 60)
    assert (snap.completed_last_hour, snap.avg_duration_ms, snap.completed) == (1, 50.0, 3)


# -- pause / resume ---------------------------------------------------------------------------


async def test_pause_and_resume_are_idempotent_and_timed(store: RedisStore) -> None:
    assert await pause_queue(store, "empty", NOW) == (True, NOW)
    assert await pause_queue(store, "empty", NOW + 5) == (False, NOW)
    assert "empty" in await store.queues()
    snap = await queue_snapshot(store, "empty", NOW + 6)
    assert (snap.paused, snap.paused_at, snap.available) == (True, NOW, 0)
    await put(store, "a", queue="empty")
    assert await fetch_ids(store, NOW + 7, queue="empty") == []
    assert await resume_queue(store, "empty", NOW + 8) == (True, NOW + 8)
    assert await resume_queue(store, "empty", NOW + 9) == (False, NOW + 8)
    assert await fetch_ids(store, NOW + 10, queue="empty") == ["a"]


# -- rate-limited fetch ------------------------------------------------------------------------


async def test_rate_limited_jobs_are_skipped_not_waited_for(store: RedisStore) -> None:
    for name in ("r1", "r2", "r3"):
        job = make_job(name)
        job.rate_limit_per_s = 1
        await store.enqueue(job, NOW, check_duplicate=False)
    await put(store, "free")
    assert await fetch_ids(store, NOW, count=1) == ["r1"]
    # r2, r3 are limited for a second: the unlimited job behind them is taken instead
    assert await fetch_ids(store, NOW + 10) == ["free"]
    assert await fetch_ids(store, NOW + 999) == []
    assert await counts(store) == only(available=2, active=2)
    assert await fetch_ids(store, NOW + 1000) == ["r2"]  # FIFO kept; sliding window
    assert await fetch_ids(store, NOW + 1500) == []
    assert await fetch_ids(store, NOW + 2000) == ["r3"]


async def test_rate_limit_of_two_per_second(store: RedisStore) -> None:
    for i in range(5):
        job = make_job(f"r{i}")
        job.rate_limit_per_s = 2
        await store.enqueue(job, NOW, check_duplicate=False)
    assert await fetch_ids(store, NOW, count=5) == ["r0", "r1"]
    assert await fetch_ids(store, NOW + 500, count=5) == []
    assert await fetch_ids(store, NOW + 1000, count=5) == ["r2", "r3"]


async def test_operator_queue_rate_limit(store: RedisStore) -> None:
    await set_queue_rate_limit(store, Q, 1)
    for name in ("a", "b"):
        await put(store, name)
    assert await fetch_ids(store, NOW) == ["a"]
    assert await fetch_ids(store, NOW + 100) == []
    assert (await queue_snapshot(store, Q, NOW)).rate_limit == 1
    await set_queue_rate_limit(store, Q, None)
    assert await fetch_ids(store, NOW + 200) == ["b"]
