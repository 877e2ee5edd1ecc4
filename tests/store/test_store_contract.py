"""The job store contract, run against both backends (embedded fakeredis, real Redis).

Every test seeds a state through the store API, runs one transition at a fixed
``now`` and checks the typed :class:`Outcome` together with the state read back
with ``store.get`` and the per-state sorted sets. Semantics: §2, §3, §5, §6 of
``ojs-semantics.md``.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from ojs_grpc.maintenance import reclaim_decision
from ojs_grpc.model import Job, JobState, OnExhaustion, RetryPolicy
from ojs_grpc.store.keys import Keys
from ojs_grpc.store.redis_store import Outcome, RedisStore

NOW = 1_700_000_000_000
HOUR = 3_600_000
Q = "default"
VIS_MS = 30_000
TIMEOUT_MS = 600_000
STATE_SETS = ("available", "active", "scheduled", "retryable", "dead")
NON_TERMINAL = ("available", "scheduled", "pending", "retryable", "active")
TERMINAL = ("completed", "cancelled", "discarded", "dead")


# -- seeding helpers -----------------------------------------------------------------------


def make_job(
    job_id: str,
    *,
    queue: str = Q,
    state: JobState = JobState.AVAILABLE,
    priority: int = 0,
    max_attempts: int = 3,
    on_exhaustion: OnExhaustion = OnExhaustion.DISCARD,
    scheduled_at: int | None = None,
    expires_at: int | None = None,
    vis_ms: int = VIS_MS,
    timeout_ms: int = TIMEOUT_MS,
    now: int = NOW,
) -> Job:
    retry = RetryPolicy(max_attempts=max_attempts, jitter=False, on_exhaustion=on_exhaustion)
    return Job(
        id=job_id,
        type="test.job",
        queue=queue,
        args=[job_id],
        state=state,
        priority=priority,
        attempt=0,
        max_attempts=max_attempts,
        retry=retry,
        created_at=now,
        timeout_ms=timeout_ms,
        visibility_timeout_ms=vis_ms,
        scheduled_at=scheduled_at,
        expires_at=expires_at,
        enqueued_at=now if state is JobState.AVAILABLE else None,
    )


async def put(store: RedisStore, job_id: str, *, now: int = NOW, **kw: Any) -> Job:
    outcome = await store.enqueue(make_job(job_id, now=now, **kw), now, check_duplicate=False)
    assert outcome.status == "ok"
    assert outcome.job is not None
    return outcome.job


async def claim(
    store: RedisStore, job_id: str, *, queue: str = Q, worker: str = "w1", now: int = NOW
) -> Job:
    result = await store.fetch([queue], 1, worker, now)
    assert [j.id for j in result.jobs] == [job_id]
    return result.jobs[0]


async def seed_active(
    store: RedisStore, job_id: str, *, worker: str = "w1", now: int = NOW, **kw: Any
) -> Job:
    await put(store, job_id, now=now, **kw)
    return await claim(store, job_id, queue=kw.get("queue", Q), worker=worker, now=now)


def errs(attempt: int = 1, now: int = NOW, message: str = "boom") -> list[dict[str, Any]]:
    return [
        {
            "code": "handler_error",
            "type": "Boom",
            "message": message,
            "attempt": attempt,
            "occurred_at": now,
        }
    ]


async def seed(store: RedisStore, state: str, job_id: str, *, now: int = NOW) -> Job:
    """A job in ``state`` (or ``dead`` = discarded into the dead-letter set), alone in its queue."""
    queue = f"q-{job_id}"
    if state == "available":
        return await put(store, job_id, queue=queue, now=now)
    if state == "scheduled":
        return await put(
            store, job_id, queue=queue, now=now, state=JobState.SCHEDULED, scheduled_at=now + HOUR
        )
    if state == "pending":
        return await put(store, job_id, queue=queue, now=now, state=JobState.PENDING)
    active = await seed_active(store, job_id, queue=queue, now=now)
    outcome: Outcome | None = None
    if state == "active":
        return active
    if state == "retryable":
        outcome = await store.fail(active, now, "retry", HOUR, errs())
    elif state == "completed":
        outcome = await store.ack(job_id, now, {"ok": True}, has_result=True)
    elif state == "cancelled":
        outcome = await store.cancel(job_id, now)
    elif state == "discarded":
        outcome = await store.fail(active, now, "discard", 0, errs())
    elif state == "dead":
        outcome = await store.fail(active, now, "dead_letter", 0, errs())
    assert outcome is not None and outcome.status == "ok", (state, outcome)
    job = await store.get(job_id)
    assert job is not None
    return job


def state_of(name: str) -> JobState:
    return JobState.DISCARDED if name == "dead" else JobState(name)


async def get(store: RedisStore, job_id: str) -> Job:
    job = await store.get(job_id)
    assert job is not None, job_id
    return job


async def zset(store: RedisStore, name: str, queue: str = Q) -> dict[str, float]:
    pairs = await store.client.zrange(store.keys.queue(queue).key(name), 0, -1, withscores=True)
    return {member: score for member, score in pairs}


async def counts(store: RedisStore, queue: str = Q) -> dict[str, int]:
    info = await store.queue_info(queue)
    return {name: info[name] for name in STATE_SETS}


def only(**nonzero: int) -> dict[str, int]:
    return {name: nonzero.get(name, 0) for name in STATE_SETS}


# -- enqueue ------------------------------------------------------------------------------


async def test_enqueue_available(store: RedisStore) -> None:
    outcome = await store.enqueue(make_job("a"), NOW + 5, check_duplicate=False)
    assert outcome.status == "ok"
    assert outcome.job is not None
    assert outcome.job.state is JobState.AVAILABLE
    assert outcome.job.enqueued_at == NOW + 5
    job = await get(store, "a")
    assert job.state is JobState.AVAILABLE
    assert (job.attempt, job.created_at, job.enqueued_at) == (0, NOW, NOW + 5)
    assert (job.started_at, job.completed_at, job.deadline) == (None, None, None)
    assert job.has_result is False
    assert job.errors == []
    assert await counts(store) == only(available=1)
    assert Q in await store.queues()
    assert await store.queue_of("a") == Q


async def test_enqueue_scheduled(store: RedisStore) -> None:
    outcome = await store.enqueue(
        make_job("s", state=JobState.SCHEDULED, scheduled_at=NOW + 1_000),
        NOW,
        check_duplicate=False,
    )
    assert outcome.status == "ok"
    assert outcome.job is not None and outcome.job.enqueued_at is None
    job = await get(store, "s")
    assert job.state is JobState.SCHEDULED
    assert (job.scheduled_at, job.enqueued_at, job.attempt) == (NOW + 1_000, None, 0)
    assert await zset(store, "scheduled") == {"s": NOW + 1_000}
    assert await counts(store) == only(scheduled=1)


async def test_enqueue_pending(store: RedisStore) -> None:
    outcome = await store.enqueue(make_job("p", state=JobState.PENDING), NOW, check_duplicate=False)
    assert outcome.status == "ok"
    job = await get(store, "p")
    assert job.state is JobState.PENDING
    assert job.enqueued_at is None
    assert await counts(store) == only()
    assert (await store.fetch([Q], 5, "w1", NOW + HOUR)).jobs == []
    assert (await get(store, "p")).state is JobState.PENDING


async def test_enqueue_duplicate_client_id_across_queues(store: RedisStore) -> None:
    first = await store.enqueue(make_job("dup", queue="one"), NOW, check_duplicate=True)
    assert first.status == "ok"
    second = await store.enqueue(make_job("dup", queue="two"), NOW + 1, check_duplicate=True)
    assert (second.status, second.detail, second.job) == ("duplicate", "dup", None)
    job = await get(store, "dup")
    assert (job.queue, job.enqueued_at) == ("one", NOW)
    assert await counts(store, "one") == only(available=1)
    assert await counts(store, "two") == only()


async def test_enqueue_duplicate_id_in_same_queue_is_refused_by_the_script(
    store: RedisStore,
) -> None:
    await put(store, "x")
    outcome = await store.enqueue(make_job("x", priority=50), NOW + 1, check_duplicate=False)
    assert outcome.status == "duplicate"
    assert (await get(store, "x")).priority == 0
    assert await counts(store) == only(available=1)


async def test_concurrent_duplicate_client_ids_exactly_one_wins(
    store: RedisStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Deterministic interleaving: the second enqueue runs entirely between the first one's
    # duplicate guard and its insert script.
    original = store._run
    inner: list[Outcome] = []

    async def interleaved(name: str, queue: str, args: list[Any]) -> Any:
        if name == "enqueue" and queue == "one" and not inner:
            inner.append(
                await store.enqueue(make_job("dup", queue="two"), NOW, check_duplicate=True)
            )
        return await original(name, queue, args)

    monkeypatch.setattr(store, "_run", interleaved)
    outer = await store.enqueue(make_job("dup", queue="one"), NOW, check_duplicate=True)
    assert sorted([outer.status, inner[0].status]) == ["duplicate", "ok"]
    one, two = await counts(store, "one"), await counts(store, "two")
    assert sum(one.values()) + sum(two.values()) == 1


async def test_enqueue_round_trips_the_envelope(store: RedisStore) -> None:
    job = make_job("env", priority=-7, expires_at=NOW + HOUR)
    job.args = [None, 1, 2.5, "s", True, {"nested": [1, {"k": "v"}]}]
    job.meta = {"tenant": "t1", "n": 3}
    job.tags = ["a", "b"]
    job.trace_id = "trace-1"
    job.extra = {"x_custom": {"deep": [1, 2]}}
    job.unique = {"keys": ["type"], "on_conflict": "reject"}
    job.retry = RetryPolicy(
        max_attempts=5,
        initial_interval_ms=250,
        backoff_coefficient=1.5,
        max_interval_ms=9_000,
        jitter=False,
        non_retryable_errors=("auth.*",),
        on_exhaustion=OnExhaustion.DEAD_LETTER,
    )
    job.max_attempts = 5
    job.expires_at_text = "2023-11-14T23:13:20+01:00"
    assert (await store.enqueue(job, NOW, check_duplicate=True)).ok
    back = await get(store, "env")
    assert back.args == [None, 1, 2.5, "s", True, {"nested": [1, {"k": "v"}]}]
    assert back.meta == {"tenant": "t1", "n": 3}
    assert back.tags == ["a", "b"]
    assert back.trace_id == "trace-1"
    assert back.extra == {"x_custom": {"deep": [1, 2]}}
    assert back.unique == {"keys": ["type"], "on_conflict": "reject"}
    assert back.retry == job.retry
    assert (back.priority, back.max_attempts) == (-7, 5)
    assert (back.expires_at, back.expires_at_text) == (NOW + HOUR, "2023-11-14T23:13:20+01:00")
    assert (back.timeout_ms, back.visibility_timeout_ms) == (TIMEOUT_MS, VIS_MS)


# -- fetch --------------------------------------------------------------------------------


async def test_fetch_orders_by_priority_then_fifo(store: RedisStore) -> None:
    for i, (job_id, priority) in enumerate(
        [("a", 0), ("b", 10), ("lo", -100), ("c", 0), ("hi", 100), ("e", 10), ("d", -5)]
    ):
        await put(store, job_id, priority=priority, now=NOW + i)
    result = await store.fetch([Q], 10, "w1", NOW + 100)
    assert [j.id for j in result.jobs] == ["hi", "b", "e", "a", "c", "d", "lo"]
    assert result.expired == []
    for job in result.jobs:
        assert job.state is JobState.ACTIVE
        assert (job.attempt, job.started_at, job.worker_id) == (1, NOW + 100, "w1")
        assert (job.deadline, job.timeout_at) == (NOW + 100 + VIS_MS, NOW + 100 + TIMEOUT_MS)
        stored = await get(store, job.id)
        assert (stored.state, stored.attempt, stored.deadline) == (
            JobState.ACTIVE,
            1,
            NOW + 100 + VIS_MS,
        )
    assert await zset(store, "leases") == {j.id: NOW + 100 + VIS_MS for j in result.jobs}
    assert await counts(store) == only(active=7)


async def test_fetch_walks_queues_in_order(store: RedisStore) -> None:
    await put(store, "x", queue="q1")
    await put(store, "y", queue="q2", now=NOW + 1)
    await put(store, "z", queue="q2", now=NOW + 2)
    result = await store.fetch(["q1", "q2"], 2, "w1", NOW + 10)
    assert [(j.queue, j.id) for j in result.jobs] == [("q1", "x"), ("q2", "y")]
    assert await counts(store, "q2") == only(available=1, active=1)
    await put(store, "w", queue="q1", now=NOW + 3)
    result = await store.fetch(["q2", "q1"], 5, "w1", NOW + 20)
    assert [(j.queue, j.id) for j in result.jobs] == [("q2", "z"), ("q1", "w")]


async def test_fetch_honours_count(store: RedisStore) -> None:
    for i in range(3):
        await put(store, f"j{i}", now=NOW + i)
    assert [j.id for j in (await store.fetch([Q], 2, "w1", NOW + 10)).jobs] == ["j0", "j1"]
    assert [j.id for j in (await store.fetch([Q], 5, "w1", NOW + 10)).jobs] == ["j2"]
    assert (await store.fetch([Q], 5, "w1", NOW + 10)).jobs == []
    assert await counts(store) == only(active=3)


async def test_fetch_claim_is_exclusive_under_concurrency(store: RedisStore) -> None:
    await put(store, "only")
    results = await asyncio.gather(*(store.fetch([Q], 1, f"w{i}", NOW + 1) for i in range(8)))
    winners = [(f"w{i}", r.jobs) for i, r in enumerate(results) if r.jobs]
    assert len(winners) == 1
    worker, jobs = winners[0]
    assert [j.id for j in jobs] == ["only"]
    stored = await get(store, "only")
    assert (stored.state, stored.attempt, stored.worker_id) == (JobState.ACTIVE, 1, worker)
    assert await counts(store) == only(active=1)


async def test_concurrent_fetches_never_share_a_job(store: RedisStore) -> None:
    for i in range(5):
        await put(store, f"j{i}", now=NOW + i)
    results = await asyncio.gather(*(store.fetch([Q], 1, f"w{i}", NOW + 10) for i in range(10)))
    claimed = [j.id for r in results for j in r.jobs]
    assert sorted(claimed) == [f"j{i}" for i in range(5)]
    assert [(await get(store, f"j{i}")).attempt for i in range(5)] == [1] * 5


async def test_paused_queue_yields_nothing(store: RedisStore) -> None:
    await put(store, "p1", queue="paused")
    await put(store, "o1", queue="open")
    await store.set_paused("paused", True)
    assert (await store.fetch(["paused"], 5, "w1", NOW + 1)).jobs == []
    result = await store.fetch(["paused", "open"], 5, "w1", NOW + 1)
    assert [j.id for j in result.jobs] == ["o1"]
    assert (await get(store, "p1")).state is JobState.AVAILABLE
    assert await counts(store, "paused") == only(available=1)
    await store.set_paused("paused", False)
    assert [j.id for j in (await store.fetch(["paused"], 5, "w1", NOW + 2)).jobs] == ["p1"]


async def test_fetch_promotes_due_scheduled_jobs(store: RedisStore) -> None:
    await put(store, "s", state=JobState.SCHEDULED, scheduled_at=NOW + 1_000)
    assert (await store.fetch([Q], 1, "w1", NOW + 999)).jobs == []
    assert (await get(store, "s")).state is JobState.SCHEDULED
    assert await counts(store) == only(scheduled=1)
    job = await claim(store, "s", now=NOW + 1_000)
    assert (job.attempt, job.started_at) == (1, NOW + 1_000)
    stored = await get(store, "s")
    assert (stored.state, stored.enqueued_at) == (JobState.ACTIVE, NOW + 1_000)
    assert await counts(store) == only(active=1)


async def test_fetch_promotes_due_retryable_jobs(store: RedisStore) -> None:
    active = await seed_active(store, "r")
    assert (await store.fail(active, NOW + 10, "retry", 500, errs())).ok
    assert (await store.fetch([Q], 1, "w2", NOW + 509)).jobs == []
    assert (await get(store, "r")).state is JobState.RETRYABLE
    job = await claim(store, "r", worker="w2", now=NOW + 510)
    assert (job.attempt, job.worker_id, job.errors) == (2, "w2", errs())
    assert await counts(store) == only(active=1)


async def test_fetch_discards_expired_jobs(store: RedisStore) -> None:
    await put(store, "old", expires_at=NOW + 100)
    await put(store, "fresh", now=NOW + 1)
    result = await store.fetch([Q], 1, "w1", NOW + 100)
    assert [j.id for j in result.jobs] == ["fresh"]
    assert result.expired == [(Q, "old")]
    old = await get(store, "old")
    assert old.state is JobState.DISCARDED
    assert (old.discarded_at, old.completed_at, old.attempt, old.dead) == (
        NOW + 100,
        None,
        0,
        False,
    )
    assert await counts(store) == only(active=1)
    assert (await store.queue_info(Q))["discarded"] == 1


async def test_fetch_expiry_records_an_error(store: RedisStore) -> None:
    await put(store, "old", expires_at=NOW + 100)
    assert (await store.fetch([Q], 1, "w1", NOW + 100)).expired == [(Q, "old")]
    old = await get(store, "old")
    assert [e.get("type") in ("enqueue_ttl_expired", "expired") for e in old.errors] == [True]


async def test_fetch_keeps_job_not_yet_expired(store: RedisStore) -> None:
    await put(store, "soon", expires_at=NOW + 100)
    result = await store.fetch([Q], 1, "w1", NOW + 99)
    assert [j.id for j in result.jobs] == ["soon"]
    assert result.expired == []


async def test_fetch_visibility_override_and_anonymous_worker(store: RedisStore) -> None:
    await put(store, "v")
    result = await store.fetch([Q], 1, "", NOW, visibility_override_ms=5_000)
    job = result.jobs[0]
    assert (job.deadline, job.worker_id) == (NOW + 5_000, None)
    assert await zset(store, "leases") == {"v": NOW + 5_000}


async def test_lease_ends_at_execution_timeout_when_sooner(store: RedisStore) -> None:
    job = await seed_active(store, "t", timeout_ms=2_000)
    assert (job.deadline, job.timeout_at) == (NOW + VIS_MS, NOW + 2_000)
    assert await zset(store, "leases") == {"t": NOW + 2_000}


# -- ack ----------------------------------------------------------------------------------


async def test_ack_completes_and_stores_result(store: RedisStore) -> None:
    active = await seed_active(store, "a")
    assert (await store.fail(active, NOW + 1, "requeue", 0, errs())).ok
    await claim(store, "a", now=NOW + 2)
    outcome = await store.ack(
        "a", NOW + 50, {"n": 1, "l": [1, 2]}, has_result=True, lease_token=2, worker_id="w1"
    )
    assert outcome.status == "ok"
    assert outcome.job is not None
    assert outcome.job.state is JobState.COMPLETED
    job = await get(store, "a")
    assert job.state is JobState.COMPLETED
    assert (job.completed_at, job.attempt, job.started_at) == (NOW + 50, 2, NOW + 2)
    assert (job.has_result, job.result) == (True, {"n": 1, "l": [1, 2]})
    assert (job.deadline, job.timeout_at) == (None, None)
    assert job.errors == errs() and job.error is None  # history kept, current error cleared
    assert await zset(store, "leases") == {}
    assert await counts(store) == only()
    assert (await store.queue_info(Q))["completed"] == 1


@pytest.mark.parametrize("result", [[1, "two"], "text", 0, None])
async def test_ack_stores_any_json_result(store: RedisStore, result: Any) -> None:
    await seed_active(store, "r")
    assert (await store.ack("r", NOW + 1, result, has_result=True)).ok
    job = await get(store, "r")
    assert (job.has_result, job.result) == (True, result)


async def test_ack_without_result(store: RedisStore) -> None:
    await seed_active(store, "n")
    outcome = await store.ack("n", NOW + 1, None, has_result=False)
    assert outcome.ok and outcome.job is not None and outcome.job.has_result is False
    assert (await get(store, "n")).has_result is False


async def test_ack_unknown_job(store: RedisStore) -> None:
    outcome = await store.ack("nope", NOW, None, has_result=False)
    assert (outcome.status, outcome.job) == ("not_found", None)


@pytest.mark.parametrize("state", ["available", "scheduled", "pending", "retryable", *TERMINAL])
async def test_ack_conflicts_unless_active(store: RedisStore, state: str) -> None:
    before = await seed(store, state, "j")
    outcome = await store.ack("j", NOW + 10, {"x": 1}, has_result=True)
    assert (outcome.status, outcome.detail) == ("conflict", state_of(state).value)
    after = await get(store, "j")
    assert after == before


async def test_ack_with_stale_lease_token(store: RedisStore) -> None:
    active = await seed_active(store, "s")
    assert (await store.fail(active, NOW + 1, "requeue", 0, errs())).ok
    await claim(store, "s", now=NOW + 2)
    outcome = await store.ack("s", NOW + 3, None, has_result=False, lease_token=1)
    assert (outcome.status, outcome.detail) == ("stale", "2")
    job = await get(store, "s")
    assert (job.state, job.attempt) == (JobState.ACTIVE, 2)
    assert await counts(store) == only(active=1)


async def test_ack_by_another_worker(store: RedisStore) -> None:
    await seed_active(store, "o", worker="w1")
    outcome = await store.ack("o", NOW + 1, None, has_result=False, lease_token=1, worker_id="w2")
    assert (outcome.status, outcome.detail) == ("not_owner", "w1")
    assert (await get(store, "o")).state is JobState.ACTIVE
    assert await counts(store) == only(active=1)


# -- fail ---------------------------------------------------------------------------------


async def test_fail_retry(store: RedisStore) -> None:
    active = await seed_active(store, "f")
    outcome = await store.fail(
        active, NOW + 10, "retry", 1_500, errs(), lease_token=1, worker_id="w1"
    )
    assert outcome.status == "ok"
    assert outcome.job is not None
    assert (outcome.job.state, outcome.job.next_attempt_at) == (JobState.RETRYABLE, NOW + 1_510)
    job = await get(store, "f")
    assert job.state is JobState.RETRYABLE
    assert (job.attempt, job.next_attempt_at, job.retry_delay_ms) == (1, NOW + 1_510, 1_500)
    assert (job.deadline, job.timeout_at, job.completed_at) == (None, None, None)
    assert job.errors == errs()
    assert job.error == errs()[0]
    assert await zset(store, "retryable") == {"f": NOW + 1_510}
    assert await counts(store) == only(retryable=1)


async def test_fail_requeue(store: RedisStore) -> None:
    active = await seed_active(store, "f")
    outcome = await store.fail(active, NOW + 10, "requeue", 0, errs())
    assert outcome.ok
    job = await get(store, "f")
    assert job.state is JobState.AVAILABLE
    assert (job.attempt, job.enqueued_at, job.deadline) == (1, NOW + 10, None)
    assert job.errors == errs()
    assert await counts(store) == only(available=1)
    again = await claim(store, "f", now=NOW + 11)
    assert again.attempt == 2


async def test_fail_discard(store: RedisStore) -> None:
    active = await seed_active(store, "f")
    outcome = await store.fail(active, NOW + 10, "discard", 0, errs())
    assert outcome.ok and outcome.job is not None
    assert outcome.job.state is JobState.DISCARDED
    job = await get(store, "f")
    assert job.state is JobState.DISCARDED
    assert (job.completed_at, job.discarded_at, job.dead) == (NOW + 10, NOW + 10, False)
    assert job.next_attempt_at is None
    assert job.errors == errs()
    assert await counts(store) == only()
    assert (await store.queue_info(Q))["discarded"] == 1
    assert await store.dead_list(Q, 0, 10) == ([], 0)


async def test_fail_dead_letter(store: RedisStore) -> None:
    active = await seed_active(store, "f", on_exhaustion=OnExhaustion.DEAD_LETTER)
    outcome = await store.fail(active, NOW + 10, "dead_letter", 0, errs())
    assert outcome.ok
    job = await get(store, "f")
    assert job.state is JobState.DISCARDED
    assert (job.completed_at, job.discarded_at, job.dead) == (NOW + 10, NOW + 10, True)
    assert await zset(store, "dead") == {"f": NOW + 10}
    assert await counts(store) == only(dead=1)
    jobs, total = await store.dead_list(Q, 0, 10)
    assert ([j.id for j in jobs], total) == (["f"], 1)


async def test_fail_refused_when_attempt_moved(store: RedisStore) -> None:
    stale = await seed_active(store, "m")
    assert (await store.fail(stale, NOW + 1, "requeue", 0, errs())).ok
    await claim(store, "m", worker="w2", now=NOW + 2)
    outcome = await store.fail(stale, NOW + 3, "discard", 0, errs(2))
    assert (outcome.status, outcome.detail) == ("moved", "2")
    job = await get(store, "m")
    assert (job.state, job.attempt, job.worker_id) == (JobState.ACTIVE, 2, "w2")
    assert job.errors == errs()
    assert await counts(store) == only(active=1)


async def test_fail_refusals_match_ack(store: RedisStore) -> None:
    active = await seed_active(store, "r", worker="w1")
    stale_token = await store.fail(active, NOW + 1, "discard", 0, errs(), lease_token=7)
    assert (stale_token.status, stale_token.detail) == ("stale", "1")
    other = await store.fail(active, NOW + 1, "discard", 0, errs(), worker_id="w9")
    assert (other.status, other.detail) == ("not_owner", "w1")
    assert (await get(store, "r")).state is JobState.ACTIVE
    ghost = make_job("ghost")
    ghost.attempt = 1
    assert (await store.fail(ghost, NOW, "discard", 0, errs())).status == "not_found"


@pytest.mark.parametrize("state", ["available", "scheduled", "pending", "retryable", *TERMINAL])
async def test_fail_conflicts_unless_active(store: RedisStore, state: str) -> None:
    before = await seed(store, state, "j")
    outcome = await store.fail(before, NOW + 10, "retry", 100, errs())
    assert (outcome.status, outcome.detail) == ("conflict", state_of(state).value)
    assert await get(store, "j") == before


# -- reclaim ------------------------------------------------------------------------------


async def test_reclaim_refused_while_lease_alive(store: RedisStore) -> None:
    active = await seed_active(store, "l")
    outcome = await store.reclaim(active, NOW + VIS_MS - 1, "available", 0, errs())
    assert (outcome.status, outcome.detail) == ("alive", str(NOW + VIS_MS))
    job = await get(store, "l")
    assert (job.state, job.errors) == (JobState.ACTIVE, [])
    assert await zset(store, "leases") == {"l": NOW + VIS_MS}


async def test_reclaim_after_visibility_timeout(store: RedisStore) -> None:
    active = await seed_active(store, "l")
    outcome_name, delay, entry = reclaim_decision(active, NOW + VIS_MS)
    assert (outcome_name, delay, entry["code"]) == ("available", 0, "visibility_timeout")
    outcome = await store.reclaim(active, NOW + VIS_MS, str(outcome_name), delay, [entry])
    assert outcome.status == "ok"
    job = await get(store, "l")
    assert job.state is JobState.AVAILABLE
    assert (job.attempt, job.enqueued_at, job.deadline) == (1, NOW + VIS_MS, None)
    assert job.errors == [entry]
    assert await zset(store, "leases") == {}
    assert await counts(store) == only(available=1)
    assert (await claim(store, "l", worker="w2", now=NOW + VIS_MS + 1)).attempt == 2


async def test_reclaim_after_execution_timeout_retries(store: RedisStore) -> None:
    active = await seed_active(store, "t", timeout_ms=2_000)
    outcome_name, delay, entry = reclaim_decision(active, NOW + 2_000)
    assert (outcome_name, delay, entry["code"]) == ("retry", 1_000, "timeout")
    assert (await store.reclaim(active, NOW + 2_000, str(outcome_name), delay, [entry])).ok
    job = await get(store, "t")
    assert (job.state, job.next_attempt_at) == (JobState.RETRYABLE, NOW + 3_000)
    assert await zset(store, "retryable") == {"t": NOW + 3_000}


async def test_reclaim_on_last_attempt_dead_letters(store: RedisStore) -> None:
    active = await seed_active(store, "x", max_attempts=1, on_exhaustion=OnExhaustion.DEAD_LETTER)
    outcome_name, delay, entry = reclaim_decision(active, NOW + VIS_MS)
    assert outcome_name == "dead_letter"
    assert (await store.reclaim(active, NOW + VIS_MS, str(outcome_name), delay, [entry])).ok
    job = await get(store, "x")
    assert (job.state, job.dead) == (JobState.DISCARDED, True)
    assert await counts(store) == only(dead=1)


async def test_reclaim_refused_for_another_attempt(store: RedisStore) -> None:
    first = await seed_active(store, "m")
    assert (await store.reclaim(first, NOW + VIS_MS, "available", 0, errs())).ok
    await claim(store, "m", worker="w2", now=NOW + VIS_MS)
    outcome = await store.reclaim(first, NOW + 10 * VIS_MS, "available", 0, errs())
    assert (outcome.status, outcome.detail) == ("moved", "2")
    job = await get(store, "m")
    assert (job.state, job.attempt, job.worker_id) == (JobState.ACTIVE, 2, "w2")


async def test_reclaim_refused_unless_active(store: RedisStore) -> None:
    done = await seed(store, "completed", "c")
    outcome = await store.reclaim(done, NOW + HOUR, "available", 0, errs())
    assert (outcome.status, outcome.detail) == ("conflict", "completed")
    ghost = make_job("ghost")
    assert (await store.reclaim(ghost, NOW, "available", 0, errs())).status == "not_found"


async def test_late_ack_and_nack_after_reclaim_are_refused(store: RedisStore) -> None:
    active = await seed_active(store, "late")
    assert (await store.reclaim(active, NOW + VIS_MS, "available", 0, errs())).ok
    ack = await store.ack("late", NOW + VIS_MS + 1, {"x": 1}, has_result=True, lease_token=1)
    assert (ack.status, ack.detail) == ("conflict", "available")
    nack = await store.fail(active, NOW + VIS_MS + 1, "retry", 10, errs(), lease_token=1)
    assert (nack.status, nack.detail) == ("conflict", "available")
    job = await get(store, "late")
    assert (job.state, job.has_result, job.errors) == (JobState.AVAILABLE, False, errs())


async def test_ack_after_deadline_before_reclaim_wins(store: RedisStore) -> None:
    active = await seed_active(store, "a")
    assert (await store.ack("a", NOW + VIS_MS + 5, None, has_result=False, lease_token=1)).ok
    outcome = await store.reclaim(active, NOW + VIS_MS + 6, "available", 0, errs())
    assert (outcome.status, outcome.detail) == ("conflict", "completed")
    job = await get(store, "a")
    assert (job.state, job.errors) == (JobState.COMPLETED, [])


async def test_next_attempt_at_cleared_once_no_longer_retryable(store: RedisStore) -> None:
    active = await seed_active(store, "r")
    assert (await store.fail(active, NOW, "retry", 500, errs())).ok
    await store.tick(Q, NOW + 500)
    assert (await get(store, "r")).next_attempt_at is None  # available again
    await claim(store, "r", now=NOW + 501)
    assert (await get(store, "r")).next_attempt_at is None  # active, attempt 2


# -- cancel -------------------------------------------------------------------------------


@pytest.mark.parametrize("state", NON_TERMINAL)
async def test_cancel_non_terminal(store: RedisStore, state: str) -> None:
    before = await seed(store, state, "c")
    outcome = await store.cancel("c", NOW + 100)
    assert (outcome.status, outcome.previous_state) == ("ok", state)
    assert outcome.job is not None and outcome.job.state is JobState.CANCELLED
    job = await get(store, "c")
    assert job.state is JobState.CANCELLED
    assert (job.cancelled_at, job.completed_at) == (NOW + 100, None)
    assert (job.deadline, job.timeout_at, job.next_attempt_at) == (None, None, None)
    assert (job.attempt, job.started_at) == (before.attempt, before.started_at)
    assert await counts(store, before.queue) == only()


async def test_cancel_active_keeps_attempt_and_refuses_late_ack(store: RedisStore) -> None:
    await seed_active(store, "c")
    assert (await store.cancel("c", NOW + 5)).ok
    job = await get(store, "c")
    assert (job.attempt, job.started_at) == (1, NOW)
    assert await zset(store, "leases") == {}
    late = await store.ack("c", NOW + 6, None, has_result=False, lease_token=1)
    assert (late.status, late.detail) == ("conflict", "cancelled")
    beat = await store.heartbeat("c", NOW + 6, None)
    assert (beat.status, beat.detail) == ("conflict", "cancelled")


@pytest.mark.parametrize("state", TERMINAL)
async def test_cancel_terminal_conflicts(store: RedisStore, state: str) -> None:
    before = await seed(store, state, "t")
    outcome = await store.cancel("t", NOW + 100)
    assert (outcome.status, outcome.detail) == ("conflict", state_of(state).value)
    assert await get(store, "t") == before


async def test_cancel_unknown(store: RedisStore) -> None:
    assert (await store.cancel("nope", NOW)).status == "not_found"


# -- heartbeat ----------------------------------------------------------------------------


async def test_heartbeat_extends_deadline_and_rescores_lease(store: RedisStore) -> None:
    await seed_active(store, "h")
    outcome = await store.heartbeat("h", NOW + 20_000, None, lease_token=1, worker_id="w1")
    assert (outcome.status, outcome.detail) == ("ok", str(NOW + 20_000 + VIS_MS))
    job = await get(store, "h")
    assert (job.state, job.deadline) == (JobState.ACTIVE, NOW + 50_000)
    assert await zset(store, "leases") == {"h": NOW + 50_000}
    alive = await store.reclaim(job, NOW + VIS_MS, "available", 0, errs())
    assert (alive.status, alive.detail) == ("alive", str(NOW + 50_000))
    assert (await store.tick(Q, NOW + VIS_MS)).expired_leases == []
    assert (await store.reclaim(job, NOW + 50_000, "available", 0, errs())).ok


async def test_heartbeat_with_explicit_extension(store: RedisStore) -> None:
    await seed_active(store, "h")
    outcome = await store.heartbeat("h", NOW + 1_000, 5_000)
    assert (outcome.status, outcome.detail) == ("ok", str(NOW + 6_000))
    assert await zset(store, "leases") == {"h": NOW + 6_000}


async def test_heartbeat_cannot_outrun_execution_timeout(store: RedisStore) -> None:
    job = await seed_active(store, "h", timeout_ms=40_000)
    outcome = await store.heartbeat("h", NOW + 20_000, None)
    assert (outcome.status, outcome.detail) == ("ok", str(NOW + 50_000))
    assert await zset(store, "leases") == {"h": NOW + 40_000}
    assert (await store.reclaim(job, NOW + 40_000, "retry", 0, errs())).ok


async def test_heartbeat_refusals(store: RedisStore) -> None:
    assert (await store.heartbeat("nope", NOW, None)).status == "not_found"
    await seed(store, "completed", "done")
    done = await store.heartbeat("done", NOW + 1, None)
    assert (done.status, done.detail) == ("conflict", "completed")
    await seed_active(store, "h", worker="w1")
    stale = await store.heartbeat("h", NOW + 1, None, lease_token=2)
    assert (stale.status, stale.detail) == ("stale", "1")
    other = await store.heartbeat("h", NOW + 1, None, worker_id="w2")
    assert (other.status, other.detail) == ("not_owner", "w1")
    assert (await get(store, "h")).deadline == NOW + VIS_MS
    assert await zset(store, "leases") == {"h": NOW + VIS_MS}


async def test_heartbeat_worker_extends_every_held_job(store: RedisStore) -> None:
    await put(store, "a")
    await put(store, "b", now=NOW + 1)
    await put(store, "c", now=NOW + 2)
    assert len((await store.fetch([Q], 2, "w1", NOW + 10)).jobs) == 2
    await claim(store, "c", worker="w2", now=NOW + 10)
    assert (await store.ack("b", NOW + 11, None, has_result=False)).ok
    extended = await store.heartbeat_worker("w1", NOW + 1_000, 2_000)
    assert extended == [("a", NOW + 3_000)]
    assert await zset(store, "leases") == {"a": NOW + 3_000, "c": NOW + 10 + VIS_MS}


# -- tick ---------------------------------------------------------------------------------


async def test_tick_promotes_and_reports(store: RedisStore) -> None:
    await put(store, "s1", state=JobState.SCHEDULED, scheduled_at=NOW + 100)
    await put(store, "s2", state=JobState.SCHEDULED, scheduled_at=NOW + 500)
    r = await seed_active(store, "r")
    assert (await store.fail(r, NOW, "retry", 300, errs())).ok
    await put(store, "l1", now=NOW + 1)
    await claim(store, "l1", now=NOW + 1)
    await store.heartbeat("l1", NOW + 1, 199)  # lease ends at NOW + 200
    await put(store, "l2", now=NOW + 2)
    await claim(store, "l2", now=NOW + 2)
    await store.heartbeat("l2", NOW + 2, 998)  # lease ends at NOW + 1000
    tick = await store.tick(Q, NOW + 250)
    assert tick.promoted == 1
    assert tick.expired_leases == ["l1"]
    assert tick.next_due == NOW + 300
    assert tick.next_lease_end == NOW + 200
    assert (await get(store, "s1")).state is JobState.AVAILABLE
    assert (await get(store, "s1")).enqueued_at == NOW + 250
    assert (await get(store, "l1")).state is JobState.ACTIVE  # reporting is not reclaiming
    assert await counts(store) == only(available=1, active=2, scheduled=1, retryable=1)
    tick = await store.tick(Q, NOW + 600)
    assert (tick.promoted, tick.next_due) == (2, None)
    assert await counts(store) == only(available=3, active=2)


async def test_tick_on_empty_queue(store: RedisStore) -> None:
    tick = await store.tick("empty", NOW)
    assert (tick.promoted, tick.expired_leases, tick.next_due, tick.next_lease_end) == (
        0,
        [],
        None,
        None,
    )


# -- dead letter --------------------------------------------------------------------------


async def dead_job(store: RedisStore, job_id: str, queue: str, now: int) -> None:
    active = await seed_active(
        store, job_id, queue=queue, now=now, on_exhaustion=OnExhaustion.DEAD_LETTER
    )
    assert (await store.fail(active, now, "dead_letter", 0, errs(now=now))).ok


async def test_dead_letter_list(store: RedisStore) -> None:
    await dead_job(store, "d1", "q1", NOW + 1)
    await dead_job(store, "d2", "q2", NOW + 2)
    await dead_job(store, "d3", "q1", NOW + 3)
    await seed(store, "discarded", "plain")  # on_exhaustion discard: not listed
    jobs, total = await store.dead_list(None, 0, 10)
    assert ([j.id for j in jobs], total) == (["d1", "d2", "d3"], 3)
    assert all(j.state is JobState.DISCARDED and j.dead and j.errors for j in jobs)
    assert [j.queue for j in jobs] == ["q1", "q2", "q1"]
    jobs, total = await store.dead_list("q1", 0, 10)
    assert ([j.id for j in jobs], total) == (["d1", "d3"], 2)
    jobs, total = await store.dead_list(None, 1, 1)
    assert ([j.id for j in jobs], total) == (["d2"], 3)
    jobs, total = await store.dead_list(None, 3, 10)
    assert (jobs, total) == ([], 3)
    assert await store.dead_list("q-none", 0, 10) == ([], 0)


async def test_dead_letter_retry(store: RedisStore) -> None:
    await dead_job(store, "d", Q, NOW)
    outcome = await store.dead_retry("d", NOW + 100)
    assert outcome.status == "ok"
    assert outcome.job is not None and outcome.job.state is JobState.AVAILABLE
    job = await get(store, "d")
    assert job.state is JobState.AVAILABLE
    assert (job.attempt, job.enqueued_at, job.dead) == (0, NOW + 100, False)
    assert (job.started_at, job.completed_at, job.discarded_at) == (None, None, None)
    assert job.errors == errs()
    assert job.retry.on_exhaustion is OnExhaustion.DEAD_LETTER
    assert await counts(store) == only(available=1)
    assert await store.dead_list(None, 0, 10) == ([], 0)
    assert (await claim(store, "d", now=NOW + 101)).attempt == 1


async def test_dead_letter_delete(store: RedisStore) -> None:
    await dead_job(store, "d", Q, NOW)
    await dead_job(store, "keep", Q, NOW + 1)
    outcome = await store.dead_delete("d")
    assert outcome.status == "ok"
    assert await store.get("d") is None
    assert await store.queue_of("d") is None
    jobs, total = await store.dead_list(None, 0, 10)
    assert ([j.id for j in jobs], total) == (["keep"], 1)
    assert await counts(store) == only(dead=1)
    assert (await store.dead_delete("d")).status == "not_found"


@pytest.mark.parametrize("state", ["available", "active", "completed", "discarded"])
async def test_dead_letter_ops_not_found_for_live_or_plain_jobs(
    store: RedisStore, state: str
) -> None:
    before = await seed(store, state, "j")
    assert (await store.dead_retry("j", NOW + 1)).status == "not_found"
    assert (await store.dead_delete("j")).status == "not_found"
    assert await get(store, "j") == before


async def test_dead_letter_ops_unknown_id(store: RedisStore) -> None:
    assert (await store.dead_retry("nope", NOW)).status == "not_found"
    assert (await store.dead_delete("nope")).status == "not_found"


# -- retention purge ----------------------------------------------------------------------


async def test_purge_removes_only_old_finished_jobs(store: RedisStore) -> None:
    old = NOW
    new = NOW + HOUR
    cutoff = NOW + HOUR // 2
    # Finished before the cutoff: purged.
    a = await seed_active(store, "completed-old", now=old)
    assert (await store.ack(a.id, old, {"r": 1}, has_result=True)).ok
    await put(store, "cancelled-old", now=old)
    assert (await store.cancel("cancelled-old", old)).ok
    d = await seed_active(store, "discarded-old", now=old)
    assert (await store.fail(d, old, "discard", 0, errs())).ok
    await put(store, "expired-old", now=old, expires_at=old + 1)
    assert (await store.fetch([Q], 1, "w1", old + 1)).expired == [(Q, "expired-old")]
    await dead_job(store, "dead-old", Q, old)
    # Finished after the cutoff, or not finished: kept.
    b = await seed_active(store, "completed-new", now=new)
    assert (await store.ack(b.id, new, None, has_result=False)).ok
    await put(store, "available-old", now=old)
    await put(store, "scheduled", now=old, state=JobState.SCHEDULED, scheduled_at=new + HOUR)
    await put(store, "pending", now=old, state=JobState.PENDING)
    r = await seed_active(store, "retryable", now=old, queue="other")
    assert (await store.fail(r, old, "retry", 10 * HOUR, errs())).ok
    await seed_active(store, "active", now=old, queue="other2")

    purged = await store.purge_finished(Q, cutoff)
    assert purged == 4
    for job_id in ("completed-old", "cancelled-old", "discarded-old", "expired-old"):
        assert await store.get(job_id) is None, job_id
        assert await store.client.exists(store.keys.job_queue(job_id)) == 0
    for job_id in ("completed-new", "dead-old", "available-old", "scheduled", "pending"):
        assert await store.get(job_id) is not None, job_id
    assert await store.purge_finished("other", cutoff) == 0
    assert await store.purge_finished("other2", cutoff) == 0
    assert (await get(store, "retryable")).state is JobState.RETRYABLE
    assert (await get(store, "active")).state is JobState.ACTIVE
    assert await counts(store) == only(available=1, scheduled=1, dead=1)
    assert await store.purge_finished(Q, cutoff) == 0
    assert await store.purge_finished(Q, new + HOUR) == 1
    assert await store.get("completed-new") is None
    assert await store.get("dead-old") is not None


# -- queues -------------------------------------------------------------------------------


async def test_pause_and_queue_info(store: RedisStore) -> None:
    await store.set_paused("qp", True)
    info = await store.queue_info("qp")
    assert (info["name"], info["paused"]) == ("qp", True)
    assert "qp" in await store.queues()
    await store.set_paused("qp", False)
    assert (await store.queue_info("qp"))["paused"] is False
    assert "qp" in await store.queues()


async def test_queue_info_counts_every_state(store: RedisStore) -> None:
    await put(store, "av1")
    await put(store, "av2", now=NOW + 1)
    await put(store, "sch", state=JobState.SCHEDULED, scheduled_at=NOW + HOUR)
    await put(store, "pen", state=JobState.PENDING)
    for i, outcome in enumerate(["retry", "dead_letter", "discard", "ack", "active"]):
        job_id = f"x{i}"
        active = await seed_active(store, job_id, queue="busy", now=NOW + i)
        if outcome == "ack":
            assert (await store.ack(job_id, NOW + i, None, has_result=False)).ok
        elif outcome != "active":
            assert (await store.fail(active, NOW + i, outcome, HOUR, errs())).ok
    info = await store.queue_info("busy")
    assert {k: info[k] for k in (*STATE_SETS, "completed", "discarded", "paused")} == {
        "available": 0,
        "active": 1,
        "scheduled": 0,
        "retryable": 1,
        "dead": 1,
        "completed": 1,
        "discarded": 2,
        "paused": False,
    }
    assert await counts(store) == only(available=2, scheduled=1)
    assert info["created_at"] is None
    await store.register_queue("busy", NOW + 7)
    await store.register_queue("busy", NOW + 8)
    assert (await store.queue_info("busy"))["created_at"] == NOW + 7


async def test_reset_empties_only_this_namespace(store: RedisStore) -> None:
    other = RedisStore(store.client, Keys(f"{store.keys.prefix}x{uuid.uuid4().hex[:6]}"))
    try:
        await put(store, "mine")
        await seed(store, "dead", "mine-dead")
        await store.set_paused(Q, True)
        assert (await other.enqueue(make_job("theirs"), NOW, check_duplicate=True)).ok
        await store.reset()
        assert await store.get("mine") is None
        assert await store.get("mine-dead") is None
        assert await store.queues() == set()
        assert await counts(store) == only()
        assert (await store.queue_info(Q))["paused"] is False
        assert [k async for k in store.client.scan_iter(match=store.keys.pattern)] == []
        assert (await get(other, "theirs")).state is JobState.AVAILABLE
        assert await other.queues() == {Q}
    finally:
        await other.reset()
