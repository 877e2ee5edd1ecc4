"""Reclaim decisions and a maintenance pass under a controlled clock."""

from __future__ import annotations

import asyncio

import pytest

from ojs_grpc.backoff import FailOutcome
from ojs_grpc.clock import ManualClock
from ojs_grpc.config import Settings
from ojs_grpc.events import EventLog
from ojs_grpc.maintenance import Maintenance, reclaim_decision
from ojs_grpc.model import Job, JobState, OnExhaustion, RetryPolicy
from ojs_grpc.store.redis_store import RedisStore

NOW = 1_800_000_000_000


def active_job(**changes: object) -> Job:
    job = Job(
        id="01890000-0000-7000-8000-000000000001",
        type="t",
        queue="q",
        args=[],
        state=JobState.ACTIVE,
        priority=0,
        attempt=1,
        max_attempts=3,
        retry=RetryPolicy(jitter=False),
        created_at=NOW - 10_000,
        deadline=NOW - 1,
        timeout_at=NOW + 60_000,
    )
    return job.copy(**changes)


def test_visibility_expiry_returns_the_job_to_available() -> None:
    outcome, delay, entry = reclaim_decision(active_job(), NOW)
    assert (outcome, delay, entry["code"], entry["attempt"]) == (
        "available",
        0,
        "visibility_timeout",
        1,
    )


def test_visibility_expiry_on_the_last_attempt_discards_per_policy() -> None:
    job = active_job(attempt=3)
    assert reclaim_decision(job, NOW)[0] is FailOutcome.DISCARD
    dead = job.copy(retry=RetryPolicy(on_exhaustion=OnExhaustion.DEAD_LETTER))
    assert reclaim_decision(dead, NOW)[0] is FailOutcome.DEAD_LETTER


def test_execution_timeout_is_a_failure_with_backoff() -> None:
    outcome, delay, entry = reclaim_decision(active_job(timeout_at=NOW - 5, timeout_ms=2000), NOW)
    assert (outcome, delay, entry["code"]) == (FailOutcome.RETRY, 1000, "timeout")
    assert entry["details"] == {"timeout_kind": "execution", "limit_ms": 2000}


@pytest.mark.parametrize("store", ["embedded"], indirect=True)
async def test_a_pass_reclaims_promotes_and_purges(store: RedisStore) -> None:
    clock = ManualClock(NOW)
    settings = Settings(retention_ms=60_000, dead_retention_ms=120_000, max_idle_ms=10_000)
    events = EventLog(store.client, store.keys, clock)
    maintenance = Maintenance(store, events, clock, settings)
    held = active_job(state=JobState.AVAILABLE, attempt=0, deadline=None, timeout_at=None)
    finished = held.copy(id="01890000-0000-7000-8000-000000000002")
    for job in (held, finished):
        assert (await store.enqueue(job, NOW, check_duplicate=False)).ok
    claimed = (await store.fetch(["q"], 2, "w", NOW, visibility_override_ms=1000)).jobs
    assert [j.id for j in claimed] == [held.id, finished.id]
    assert (await store.ack(finished.id, NOW, None, has_result=False)).ok

    assert await maintenance.run_once() == NOW + 1000  # next look: the lease end
    await clock.advance(1000)
    await maintenance.run_once()
    back = await store.get(held.id)
    assert back is not None and (back.state, back.attempt) == (JobState.AVAILABLE, 1)

    await clock.advance(60_000)
    maintenance._last_purge = 0  # a purge pass is due
    await maintenance.run_once()
    assert await store.get(finished.id) is None
    assert await store.get(held.id) is not None


@pytest.mark.parametrize("store", ["embedded", "redis"], indirect=True)
async def test_scheduled_job_is_promoted_at_its_due_time_not_later(store: RedisStore) -> None:
    clock = ManualClock(NOW)
    maintenance = Maintenance(
        store, EventLog(store.client, store.keys, clock), clock, Settings(max_idle_ms=60_000)
    )
    due = NOW + 40
    job = active_job(state=JobState.SCHEDULED, attempt=0, deadline=None, timeout_at=None)
    assert (await store.enqueue(job.copy(scheduled_at=due), NOW, check_duplicate=False)).ok
    # The loop plans to wake exactly at the due time: no polling in between.
    assert await maintenance.run_once() == due
    await clock.advance(39)
    await maintenance.run_once()
    assert (await store.get(job.id)).state is JobState.SCHEDULED  # type: ignore[union-attr]
    await clock.advance(1)
    await maintenance.run_once()
    promoted = await store.get(job.id)
    assert promoted is not None and promoted.state is JobState.AVAILABLE
    assert promoted.enqueued_at == due


@pytest.mark.parametrize("store", ["embedded"], indirect=True)
async def test_a_wake_up_for_what_the_planned_pass_reaches_first_is_dropped(
    store: RedisStore,
) -> None:
    clock = ManualClock(NOW)
    maintenance = Maintenance(
        store, EventLog(store.client, store.keys, clock), clock, Settings(max_idle_ms=250)
    )
    maintenance._planned_at = NOW + 250  # the loop sleeps until then
    maintenance.wake(NOW + 30_000)  # a new lease: ends long after the planned pass
    assert not maintenance._wake.is_set()
    maintenance.wake(NOW + 100)  # due before it: look now
    assert maintenance._wake.is_set()
    maintenance._wake.clear()
    maintenance.wake()  # when is not known: look now
    assert maintenance._wake.is_set()
    maintenance._wake.clear()


@pytest.mark.parametrize("store", ["embedded"], indirect=True)
async def test_a_wake_up_during_a_pass_plans_the_next_one_for_its_time(store: RedisStore) -> None:
    clock = ManualClock(NOW)
    maintenance = Maintenance(
        store, EventLog(store.client, store.keys, clock), clock, Settings(max_idle_ms=600_000)
    )
    passes = 0
    asleep = asyncio.Event()

    async def one_pass() -> int:
        nonlocal passes
        passes += 1
        if passes == 1:  # claims made while the pass runs: it may have looked already
            maintenance.wake(NOW + 5_000)
            maintenance.wake(NOW + 3_000)
        elif passes == 2:  # the time of a wake-up is not known: look again at once
            maintenance.wake()
        else:
            asleep.set()
        return NOW + 250_000

    maintenance.run_once = one_pass  # type: ignore[method-assign]
    loop = asyncio.ensure_future(maintenance.run())
    try:
        await asyncio.sleep(0.05)
        # The first pass's wake-ups did not start another pass at once: the loop sleeps
        # until the earliest time they named, before what the pass itself found.
        assert passes == 1 and maintenance._planned_at == NOW + 3_000
        maintenance.wake()  # pass 2, which is woken again while it runs: pass 3
        await asyncio.wait_for(asleep.wait(), 5)
        assert passes == 3
    finally:
        maintenance.stop()
        await asyncio.wait_for(loop, 5)
