"""The delivery path's shortcuts keep the store's semantics (both backends): a worker
session's brief ack, the claim's reply without empty parts, the batches packed by
``scripts.py``, the one-field event entries and the claim that watches for cancels."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from redis.exceptions import ResponseError

from ojs_grpc.clock import ManualClock
from ojs_grpc.config import Settings
from ojs_grpc.events import EventLog
from ojs_grpc.job_stream import QueueSubscriber, claim_watched
from ojs_grpc.model import Job, JobState
from ojs_grpc.service import Claimed, OJSService, Settlement
from ojs_grpc.store.level4 import queue_snapshot, set_queue_rate_limit
from ojs_grpc.store.redis_store import ACKS_PER_CALL, AckOp, RedisStore, ReleaseOp, WorkerOp
from ojs_grpc.store.scripts import CommandBatch, pack, pack_sets
from tests.store.test_store_contract import (
    NOW,
    Q,
    claim,
    counts,
    errs,
    only,
    put,
    seed_active,
)


async def _notifications(store: RedisStore, action: Any) -> list[str]:
    """The messages published on queue Q's channel while ``action()`` runs."""
    pubsub = store.client.pubsub()
    await pubsub.subscribe(store.keys.queue(Q).notify)
    await pubsub.get_message(timeout=1.0)  # the subscribe confirmation
    await action()
    seen: list[str] = []
    while (message := await pubsub.get_message(timeout=0.2)) is not None:
        if message["type"] == "message":
            seen.append(message["data"])
    await pubsub.aclose()
    return seen


async def test_brief_ack_is_silent_and_returns_the_same_job(store: RedisStore) -> None:
    await put(store, "a")
    await put(store, "b")
    held_a = await claim(store, "a")
    held_b = await claim(store, "b")

    async def ack_both() -> None:
        brief = AckOp("a", Q, {"n": 1}, True, held_a.attempt, "w1", held=held_a)
        full = AckOp("b", Q, {"n": 1}, True, held_b.attempt, "w1")
        outcomes = await store.apply([brief, full], NOW + 5)
        assert [o.status for o in outcomes] == ["ok", "ok"]
        got_a, got_b = (o.job for o in outcomes)
        assert got_a is not None and got_b is not None
        # The brief reply rebuilt from the held job equals a full read of the job.
        assert got_a == await store.get("a")
        assert got_b == await store.get("b")
        assert got_a.state is JobState.COMPLETED and got_a.result == {"n": 1}
        assert got_a.completed_at == NOW + 5 and got_a.deadline is None

    # Only the ack without a held job tells listeners that its job left `active`.
    assert await _notifications(store, ack_both) == ["f:b"]


async def test_brief_ack_of_a_stale_attempt_is_refused(store: RedisStore) -> None:
    await put(store, "a")
    held = await claim(store, "a")
    op = AckOp("a", Q, None, False, held.attempt + 1, "w1", held=held)
    (outcome,) = await store.apply([op], NOW + 5)
    assert outcome.status == "stale"
    job = await store.get("a")
    assert job is not None and job.state is JobState.ACTIVE


async def test_claim_carries_history_only_when_there_is_one(store: RedisStore) -> None:
    await put(store, "fresh")
    await put(store, "failed")
    await claim(store, "fresh")
    first = await claim(store, "failed")
    assert (await store.fail(first, NOW + 1, "requeue", 0, errs(1))).ok
    again = (await store.fetch([Q], 1, "w1", NOW + 2)).jobs
    assert [j.id for j in again] == ["failed"]
    assert again[0].errors == errs(1) and again[0].attempt == 2
    fresh = await store.get("fresh")
    assert fresh is not None and fresh.errors == [] and not fresh.has_result


async def test_script_batch_survives_flushed_scripts_and_error_replies(
    store: RedisStore,
) -> None:
    await put(store, "a")
    held = await claim(store, "a")
    await store.client.script_flush()  # every script is NOSCRIPT now: loaded and rerun
    op = AckOp("a", Q, None, False, held.attempt, "w1", held=held)
    (outcome,) = await store.apply([op], NOW + 1)
    assert outcome.ok
    await put(store, "b")
    held_b = await claim(store, "b")
    await store.client.set(store.keys.queue(Q).key("stats"), "not a hash")
    with pytest.raises(ResponseError):
        await store.apply([AckOp("b", Q, None, False, held_b.attempt, "w1")], NOW + 2)
    # The connection the error came back on is still usable, replies in step.
    assert await store.client.ping()
    assert await store.client.get(store.keys.queue(Q).key("stats")) == "not a hash"


def test_packed_index_entries_are_plain_sets() -> None:
    keys = ["ojs:jobq:a", "ojs:jobq:é"]
    assert pack_sets(keys, "quéue") == [pack("SET", key, "quéue") for key in keys]


async def test_command_batch_writes_in_order(store: RedisStore) -> None:
    batch = CommandBatch(store.client)
    key = store.keys.worker_jobs("w1")
    batch.sadd(key, "q\tx", "q\ty")
    batch.srem(key, "q\tx")
    batch.expire(key, 60)
    batch.xadd_entry(store.keys.events, "e", b"[1]", maxlen=10)
    replies = await batch.execute()
    assert replies[:3] == [2, 1, True] or replies[:3] == [2, 1, 1]
    assert await store.client.smembers(key) == {"q\ty"}
    assert 0 < await store.client.ttl(key) <= 60
    assert [fields for _, fields in await store.client.xrange(store.keys.events)] == [{"e": "[1]"}]
    assert await batch.execute() == []  # nothing buffered, nothing sent
    batch.sadd(store.keys.events, "x")  # a stream is no set: the error is raised
    with pytest.raises(ResponseError):
        await batch.execute()


async def test_events_are_one_field_and_old_entries_still_read(store: RedisStore) -> None:
    log = EventLog(store.client, store.keys, ManualClock(NOW))
    old = {
        "id": "evt_old",
        "type": "job.enqueued",
        "time": str(NOW - 1),
        "job_id": "j0",
        "job_type": "t",
        "queue": Q,
        "workflow_id": "",
        "data": json.dumps({"queue": Q}),
    }
    await store.client.xadd(store.keys.events, old)
    job = await put(store, "j1")
    await log.emit("job.started", job, attempt=1)
    (_, fields), *_ = await store.client.xrevrange(store.keys.events, count=1)
    assert list(fields) == ["e"]
    events, more = await log.read()
    assert not more
    assert [(e.id, e.type, e.time, e.job_id, e.queue) for e in events[:1]] == [
        ("evt_old", "job.enqueued", NOW - 1, "j0", Q)
    ]
    new = events[1]
    assert (new.type, new.time, new.job_id, new.job_type, new.queue) == (
        "job.started",
        NOW,
        "j1",
        "test.job",
        Q,
    )
    assert new.data == {"job_type": "test.job", "queue": Q, "attempt": 1}
    assert new.id.startswith("evt_") and new.cursor


class _Listener:
    def __init__(self, credit: int = 10) -> None:
        self.queues = [Q]
        self.inflight: dict[str, Job] = {}
        self.suspects: set[str] = set()
        self.wake = asyncio.Event()
        self.claiming = False
        self.credit = credit

    def has_credit(self) -> bool:
        return self.credit > 0

    def free_credit(self) -> int:
        return self.credit


def _subscriber(store: RedisStore, *listeners: _Listener) -> QueueSubscriber:
    """A subscriber with ``listeners`` on queue Q's channel, fed by hand (no pub/sub)."""
    subscriber = QueueSubscriber.__new__(QueueSubscriber)
    subscriber.service = OJSService.__new__(OJSService)
    subscriber.service.store = store
    subscriber.failures = 0
    subscriber._rotation = 0
    subscriber._channels = {store.keys.queue(Q).notify: set(listeners)}
    return subscriber


def _woken(listeners: list[_Listener]) -> list[_Listener]:
    woken = [listener for listener in listeners if listener.wake.is_set()]
    for listener in listeners:
        listener.wake.clear()
    return woken


async def test_a_counted_wake_up_wakes_listeners_enough_for_the_jobs(store: RedisStore) -> None:
    listeners = [_Listener(credit=5), _Listener(credit=5), _Listener(credit=0)]
    subscriber = _subscriber(store, *listeners)
    channel = store.keys.queue(Q).notify

    def publish(data: str) -> list[_Listener]:
        subscriber._dispatch({"type": "message", "channel": channel, "data": data})
        return _woken(listeners)

    # One job: one listener with credit, taking turns; never the one without credit.
    first, second = publish("a:1"), publish("a:1")
    assert len(first) == len(second) == 1 and first != second
    assert listeners[2] not in first + second
    assert len(publish("a:5")) == 1
    assert publish("a:6") == listeners[:2]  # more than one listener's credit
    assert publish("a") == listeners[:2]  # count not known: every listener with credit
    listeners[0].credit = 0
    assert publish("a:1") == [listeners[1]]


async def test_a_full_claim_passes_the_wake_up_on(store: RedisStore) -> None:
    claimer, idle, busy = _Listener(credit=0), _Listener(credit=3), _Listener(credit=0)
    subscriber = _subscriber(store, claimer, idle, busy)
    subscriber.pass_on(claimer)
    assert _woken([claimer, idle, busy]) == [idle]


async def test_a_listener_leaving_while_woken_passes_the_wake_up_on(store: RedisStore) -> None:
    leaving, idle = _Listener(credit=3), _Listener(credit=3)
    subscriber = _subscriber(store, leaving, idle)
    subscriber.listeners = {leaving, idle}
    subscriber._lock = asyncio.Lock()
    subscriber._pubsub = None
    leaving.wake.set()  # woken for a job, then its session ends before claiming it
    await subscriber._unregister(leaving)
    assert idle.wake.is_set()


async def test_a_claim_says_when_a_rate_limit_held_jobs_back(store: RedisStore) -> None:
    clock = ManualClock(NOW)
    svc = OJSService(store, EventLog(store.client, store.keys, clock), clock, Settings())
    empty = await svc.claim([Q], 5, "w1")
    assert empty.jobs == [] and not empty.held_back and not empty.full
    await set_queue_rate_limit(store, Q, 1)
    for job_id in ("a", "b"):
        await put(store, job_id)
    first = await svc.claim([Q], 5, "w1")
    # One start a second: "b" is held back, the claim is not full.
    assert [j.id for j in first.jobs] == ["a"] and first.held_back and not first.full
    second = await svc.claim([Q], 5, "w1")
    assert second.jobs == [] and second.held_back
    await clock.advance(1000)
    third = await svc.claim([Q], 1, "w1")
    assert [j.id for j in third.jobs] == ["b"] and not third.held_back and third.full


async def test_a_cancel_during_a_claim_makes_the_job_a_suspect(store: RedisStore) -> None:
    listener = _Listener()
    subscriber = _subscriber(store, listener)
    message = {"type": "message", "channel": store.keys.queue(Q).notify, "data": "f:j1"}

    async def claim_racing_a_cancel() -> Claimed:
        subscriber._dispatch(message)  # arrives before the claimed job is recorded
        return Claimed()

    await claim_watched(listener, subscriber, claim_racing_a_cancel())
    assert listener.suspects == {"j1"} and not listener.claiming
    listener.suspects.clear()
    subscriber._dispatch(message)  # no claim in flight and not held: nothing to look at
    assert listener.suspects == set()


async def _released_once(store: RedisStore, job_id: str) -> Job:
    """``job_id`` enqueued, claimed, released and claimed again by w1: the release script
    is loaded (a call answered NOSCRIPT runs again after the rest of its batch)."""
    await put(store, job_id)
    first = await claim(store, job_id)
    assert (await store.apply([ReleaseOp(job_id, Q, first.attempt, "w1")], NOW))[0].ok
    return await claim(store, job_id)


async def test_settles_and_claim_in_one_round_trip_claim_after_the_transitions(
    store: RedisStore,
) -> None:
    held = await _released_once(store, "a")
    await put(store, "b", queue="other")
    release = ReleaseOp("a", Q, held.attempt, "w1")
    outcomes, result = await store.apply_and_fetch([release], NOW + 1, [Q, "other"], 2, "w1")
    assert [o.status for o in outcomes] == ["ok"]
    # The claim saw the release (it runs after it), then took the next queue's job.
    assert [(j.id, j.queue) for j in result.jobs] == [("a", Q), ("b", "other")]
    assert result.jobs[0].attempt == held.attempt  # a release does not count an attempt
    for job_id in "ab":
        job = await store.get(job_id)
        assert job is not None and job.state is JobState.ACTIVE


async def test_settle_and_claim_keeps_event_order_and_worker_set(store: RedisStore) -> None:
    clock = ManualClock(NOW)
    svc = OJSService(store, EventLog(store.client, store.keys, clock), clock, Settings())
    held = await _released_once(store, "a")
    await put(store, "b")
    store.remember_worker_jobs(batch := CommandBatch(store.client), "w1", [held])
    await batch.execute()
    release = Settlement("release", "a", held.attempt, queue=Q, held=held)
    settled, claimed = await svc.settle_and_claim([release], "w1", [Q], 2)
    assert [s.status for s in settled] == ["ok"]
    assert sorted(j.id for j in claimed.jobs) == ["a", "b"]
    assert claimed.full  # asked for 2, got 2: more may be waiting
    events, _ = await svc.events.read()
    about_a = [e.type for e in events if e.job_id == "a"]
    # The release's event comes before the started event of the same job claimed again.
    assert about_a[-2:] == ["job.released", "job.started"]
    assert [e.type for e in events if e.job_id == "b"][-1] == "job.started"
    members = await store.client.smembers(store.keys.worker_jobs("w1"))
    assert members == {f"{Q}\ta", f"{Q}\tb"}


async def test_started_events_held_back_come_before_the_settled_jobs_events(
    store: RedisStore,
) -> None:
    clock = ManualClock(NOW)
    svc = OJSService(store, EventLog(store.client, store.keys, clock), clock, Settings())
    await put(store, "a")
    (held,) = (await svc.claim([Q], 1, "w1")).jobs  # delivered; its job.started not written
    events, _ = await svc.events.read()
    assert "job.started" not in [e.type for e in events]
    ack = Settlement("ack", "a", held.attempt, queue=Q, held=held)
    settled, _ = await svc.settle_and_claim([ack], "w1", announce=[held])
    assert [s.status for s in settled] == ["ok"]
    events, _ = await svc.events.read()
    assert [e.type for e in events if e.job_id == "a"] == ["job.started", "job.completed"]
    assert await store.client.smembers(store.keys.worker_jobs("w1")) == set()


async def test_a_run_of_acks_is_one_script_each_ack_its_own_transition(
    store: RedisStore,
) -> None:
    held = {job_id: await seed_active(store, job_id, now=NOW) for job_id in "abcd"}
    ops: list[WorkerOp] = [
        AckOp("a", Q, None, False, held["a"].attempt, "w1", held=held["a"]),
        AckOp("b", Q, None, False, held["b"].attempt + 1, "w1"),  # stale: refused alone
        ReleaseOp("c", Q, held["c"].attempt, "w1"),
        AckOp("d", Q, {"n": 4}, True, held["d"].attempt, "w1"),
        AckOp("zz", Q, None, False, None, "w1"),
    ]
    calls, sizes = store._apply_calls(ops, NOW + 50)
    assert [name for name, _, _ in calls] == ["ack", "release", "ack"]
    assert sizes == [2, 0, 2]
    outcomes = await store.apply(ops, NOW + 50)
    assert [o.status for o in outcomes] == ["ok", "stale", "ok", "ok", "not_found"]
    states = {job_id: await store.get(job_id) for job_id in "abcd"}
    assert {k: j.state if j else None for k, j in states.items()} == {
        "a": JobState.COMPLETED,
        "b": JobState.ACTIVE,
        "c": JobState.AVAILABLE,
        "d": JobState.COMPLETED,
    }
    assert states["d"] is not None and states["d"].result == {"n": 4}
    # The queue's totals and metrics count the two completions, each with its run time.
    snap = await queue_snapshot(store, Q, NOW + 50)
    assert (snap.completed, snap.completed_last_hour, snap.duration_sum_ms) == (2, 2, 100)


def test_a_long_run_of_acks_is_split_so_no_script_holds_redis_long(store: RedisStore) -> None:
    ops: list[WorkerOp] = [
        AckOp(f"j{i}", Q, None, False, 1, "w1") for i in range(2 * ACKS_PER_CALL + 1)
    ]
    calls, sizes = store._apply_calls(ops, NOW)
    assert [name for name, _, _ in calls] == ["ack"] * 3
    assert sizes == [ACKS_PER_CALL, ACKS_PER_CALL, 1]
    assert [len(args) for _, _, args in calls] == [1 + 5 * n for n in sizes]


async def test_a_claim_pops_no_more_than_it_can_take(store: RedisStore) -> None:
    for job_id in ("x1", "a", "x2", "b", "c", "d"):
        expires = NOW + 1 if job_id.startswith("x") else None
        await put(store, job_id, expires_at=expires)
    result = await store.fetch([Q], 2, "w1", NOW + 10)
    # The expired jobs ahead were discarded on the way; the rest wait in their order.
    assert [j.id for j in result.jobs] == ["a", "b"]
    assert sorted(job_id for _, job_id in result.expired) == ["x1", "x2"]
    assert await counts(store) == only(available=2, active=2)
    rest = await store.fetch([Q], 5, "w1", NOW + 10)
    assert [j.id for j in rest.jobs] == ["c", "d"]
