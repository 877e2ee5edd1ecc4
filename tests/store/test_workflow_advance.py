"""Workflow advancing on both stores: the outbox written by the transition scripts, the
advancer's idempotence, and recovery of every crash window (workflows.py docstring).

Transitions are driven either through the service (advancer runs inline) or straight
through the store (the advancer "crashed": only the outbox entry exists).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from ojs_grpc.clock import ManualClock
from ojs_grpc.config import Settings
from ojs_grpc.errors import OJSError
from ojs_grpc.events import EventLog
from ojs_grpc.maintenance import Maintenance
from ojs_grpc.model import EnqueueSpec, Job, JobState, RetryPolicy
from ojs_grpc.service import FailureReport, OJSService
from ojs_grpc.store.redis_store import RedisStore
from ojs_grpc.workflows import (
    RECONCILE_DROP_MS,
    RECONCILE_GRACE_MS,
    StepSpec,
    WorkflowEngine,
    WorkflowKind,
    WorkflowSpec,
    WorkflowView,
    batch_steps,
    chain_steps,
    group_steps,
)

NOW = 1_800_000_000_000
Q = "wq"


@pytest.fixture
async def svc(store: RedisStore) -> OJSService:
    clock = ManualClock(NOW)
    return OJSService(store, EventLog(store.client, store.keys, clock), clock, Settings())


def spec(job_type: str, queue: str = Q, **kw: Any) -> EnqueueSpec:
    kw.setdefault("args", [job_type])
    return EnqueueSpec(type=job_type, queue=queue, **kw)


def once(max_attempts: int = 1) -> RetryPolicy:
    return RetryPolicy(max_attempts=max_attempts, jitter=False)


async def chain(svc: OJSService, n: int = 3, **kw: Any) -> WorkflowView:
    specs = [spec(f"c.s{i}", **kw) for i in range(n)]
    return await svc.workflows.create(WorkflowSpec(WorkflowKind.CHAIN, "c", chain_steps(specs)))


async def claim_all(store: RedisStore, now: int = NOW, queue: str = Q) -> list[Job]:
    return (await store.fetch([queue], 100, "w1", now)).jobs


async def outbox(store: RedisStore, queue: str = Q) -> list[str]:
    entries: list[str] = await store.client.lrange(store.keys.queue(queue).key("wf_outbox"), 0, -1)
    return entries


async def events_of(svc: OJSService, event_type: str) -> list[Any]:
    events, _ = await svc.events.read(types={event_type}, limit=1000)
    return events


async def job_ids(store: RedisStore, view: WorkflowView) -> list[str]:
    """The pre-assigned job id of every step (also of steps not yet released)."""
    raw = await store.client.hget(store.keys.workflow(view.id), "def")
    return [step["job_id"] for step in json.loads(raw)["steps"]]


async def advance(svc: OJSService, ms: int) -> None:
    clock = svc.clock
    assert isinstance(clock, ManualClock)
    await clock.advance(ms)


def step_states(view: WorkflowView) -> dict[str, str]:
    return {s.id: s.state.value for s in view.steps}


async def namespace_keys(store: RedisStore) -> list[str]:
    return sorted([k async for k in store.client.scan_iter(match=store.keys.pattern)])


# -- the outbox is written by the transition script itself ------------------------------------


async def test_every_terminal_transition_of_a_member_appends_to_its_queues_outbox(
    svc: OJSService, store: RedisStore
) -> None:
    view = await svc.workflows.create(
        WorkflowSpec(
            WorkflowKind.GROUP,
            "g",
            group_steps([spec(f"g.m{i}", retry=once(2 if i == 4 else 1)) for i in range(5)]),
        )
    )
    await svc.enqueue(spec("plain"))  # a plain job alongside: never in the outbox
    ids = [s.job_id for s in view.steps]
    jobs = {j.id: j for j in await claim_all(store)}
    assert set(ids) <= set(jobs)
    assert (await store.ack(ids[0], NOW, {"n": 1}, has_result=True)).ok
    assert (await store.fail(jobs[ids[1]], NOW, "discard", 0, [])).ok
    assert (await store.cancel(ids[2], NOW)).ok
    lease_over = NOW + jobs[ids[3]].visibility_timeout_ms + 1
    assert (await store.reclaim(jobs[ids[3]], lease_over, "discard", 0, [])).ok
    assert (await store.fail(jobs[ids[4]], NOW, "retry", 1000, [])).ok  # not terminal
    plain = next(j for j in jobs.values() if not j.workflow_id)
    assert (await store.ack(plain.id, NOW, None, has_result=False)).ok
    assert await outbox(store) == [
        f"{view.id}\t{ids[0]}\tcompleted",
        f"{view.id}\t{ids[1]}\tdiscarded",
        f"{view.id}\t{ids[2]}\tcancelled",
        f"{view.id}\t{ids[3]}\tdiscarded",
    ]


async def test_a_member_expiring_before_it_starts_lands_in_the_outbox(
    svc: OJSService, store: RedisStore
) -> None:
    view = await svc.workflows.create(
        WorkflowSpec(WorkflowKind.GROUP, "g", group_steps([spec("g.ttl", ttl_ms=1000)]))
    )
    assert await claim_all(store, NOW + 2000) == []
    assert await outbox(store) == [f"{view.id}\t{view.steps[0].job_id}\tdiscarded"]
    await svc.workflows.maintenance_pass([Q])
    got = await svc.workflows.get(view.id)
    assert (got.state.value, step_states(got)) == ("failed", {"0": "failed"})


# -- crash windows ---------------------------------------------------------------------------


async def test_an_ack_whose_advancer_never_ran_is_recovered_by_the_maintenance_pass(
    svc: OJSService, store: RedisStore
) -> None:
    view = await chain(svc, 2)
    ids = await job_ids(store, view)
    [step0] = await claim_all(store)
    assert (await store.ack(step0.id, NOW, {"v": 7}, has_result=True)).ok  # no advancer
    assert await claim_all(store) == []
    maintenance = Maintenance(store, svc.events, svc.clock, svc.settings)
    maintenance.workflows = svc.workflows
    await maintenance.run_once()
    [step1] = await claim_all(store)
    assert (step1.id, step1.workflow_id, step1.parent_results) == (
        ids[1],
        view.id,
        [{"v": 7}],
    )
    assert await outbox(store) == []
    assert step_states(await svc.workflows.get(view.id)) == {"0": "completed", "1": "active"}


async def test_an_entry_processed_twice_advances_once_and_enqueues_the_next_step_once(
    svc: OJSService, store: RedisStore
) -> None:
    view = await chain(svc, 3)
    ids = await job_ids(store, view)
    [step0] = await claim_all(store)
    assert (await store.ack(step0.id, NOW, None, has_result=False)).ok
    [entry] = await outbox(store)
    await svc.workflows.process_entry(Q, entry)
    await svc.workflows.process_entry(Q, entry)
    await store.client.rpush(store.keys.queue(Q).key("wf_outbox"), entry)  # replayed entry
    await svc.workflows.maintenance_pass([Q])
    assert await outbox(store) == []
    assert [j.id for j in await claim_all(store)] == [ids[1]]
    got = await svc.workflows.get(view.id)
    assert step_states(got) == {"0": "completed", "1": "active", "2": "waiting"}
    assert got.members_completed == 1
    enqueued = [e.job_id for e in await events_of(svc, "job.enqueued")]
    assert enqueued.count(ids[1]) == 1
    assert len(await events_of(svc, "workflow.step_completed")) == 1


async def test_concurrent_advancers_on_one_entry_enqueue_the_next_step_once(
    svc: OJSService, store: RedisStore
) -> None:
    view = await chain(svc, 2)
    ids = await job_ids(store, view)
    [step0] = await claim_all(store)
    assert (await store.ack(step0.id, NOW, None, has_result=False)).ok
    [entry] = await outbox(store)
    others = [WorkflowEngine(svc) for _ in range(5)]  # e.g. several gateway replicas
    await asyncio.gather(*(e.process_entry(Q, entry) for e in [svc.workflows, *others]))
    assert [j.id for j in await claim_all(store)] == [ids[1]]
    enqueued = [e.job_id for e in await events_of(svc, "job.enqueued")]
    assert enqueued.count(ids[1]) == 1


def fail_once(engine: WorkflowEngine, name: str) -> None:
    """Make ``engine.<name>`` raise on its first call (a crash at that point)."""
    original: Callable[..., Awaitable[Any]] = getattr(engine, name)
    calls = {"n": 0}

    async def flaky(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError(f"injected crash in {name}")
        return await original(*args, **kwargs)

    setattr(engine, name, flaky)


async def test_a_crash_between_applying_and_enqueueing_is_recovered(
    svc: OJSService, store: RedisStore
) -> None:
    view = await chain(svc, 2)
    ids = await job_ids(store, view)
    [step0] = await claim_all(store)
    fail_once(svc.workflows, "_enqueue_once")
    await svc.ack(step0.id, {"r": 1}, has_result=True)  # succeeds; the advance does not
    assert await claim_all(store) == []
    assert len(await outbox(store)) == 1
    got = await svc.workflows.get(view.id)
    assert step_states(got) == {"0": "completed", "1": "pending"}
    await svc.workflows.maintenance_pass([Q])
    [step1] = await claim_all(store)
    assert (step1.id, step1.parent_results) == (ids[1], [{"r": 1}])
    assert await outbox(store) == []


async def test_an_id_claimed_by_a_crashed_enqueue_still_gets_its_job(
    svc: OJSService, store: RedisStore
) -> None:
    view = await chain(svc, 2)
    ids = await job_ids(store, view)
    [step0] = await claim_all(store)
    assert (await store.ack(step0.id, NOW, None, has_result=False)).ok
    # The id index was written, the enqueue script never ran.
    await store.client.set(store.keys.job_queue(ids[1]), Q)
    await svc.workflows.maintenance_pass([Q])
    assert [j.id for j in await claim_all(store)] == [ids[1]]


async def test_a_creation_interrupted_before_its_first_enqueue_is_repaired(
    svc: OJSService, store: RedisStore
) -> None:
    fail_once(svc.workflows, "_release")
    view = await chain(svc, 2)  # stored and accepted, its first step not enqueued
    assert step_states(view) == {"0": "pending", "1": "waiting"}
    assert await store.queues() == set()  # nothing was enqueued
    await svc.workflows.maintenance_pass([Q])  # too early: the creator may still be at it
    assert await store.queues() == set()
    await advance(svc, RECONCILE_GRACE_MS)
    await svc.workflows.maintenance_pass([Q])
    [step0] = await claim_all(store, svc.clock.now_ms())
    assert step0.type == "c.s0" and step0.workflow_id
    assert await store.client.zcard(store.keys.workflow_reconcile) == 0


async def test_a_mark_left_by_a_creation_that_stored_nothing_is_dropped(
    svc: OJSService, store: RedisStore
) -> None:
    ghost = "0190a000-0000-7000-8000-00000000beef"  # marked, then the creator died
    await store.client.zadd(store.keys.workflow_reconcile, {ghost: NOW})
    await advance(svc, RECONCILE_GRACE_MS)
    await svc.workflows.maintenance_pass([])
    assert await store.client.zscore(store.keys.workflow_reconcile, ghost) == NOW
    await advance(svc, RECONCILE_DROP_MS)
    await svc.workflows.maintenance_pass([])
    assert await store.client.zcard(store.keys.workflow_reconcile) == 0


async def test_a_cancel_interrupted_before_cancelling_the_jobs_is_repaired(
    svc: OJSService, store: RedisStore
) -> None:
    view = await svc.workflows.create(
        WorkflowSpec(WorkflowKind.GROUP, "g", group_steps([spec("g.a"), spec("g.b")]))
    )
    fail_once(svc.workflows, "_cancel_members")
    assert (await svc.workflows.cancel(view.id)).state.value == "cancelled"
    assert (await store.queue_info(Q))["available"] == 2  # jobs not cancelled yet
    await svc.workflows.maintenance_pass([Q])  # too early: the canceller may still be at it
    assert (await store.queue_info(Q))["available"] == 2
    await advance(svc, RECONCILE_GRACE_MS)
    await svc.workflows.maintenance_pass([Q])
    assert await claim_all(store, svc.clock.now_ms()) == []
    got = await svc.workflows.get(view.id)
    assert (got.state.value, step_states(got)) == (
        "cancelled",
        {"0": "cancelled", "1": "cancelled"},
    )


async def test_a_step_released_but_not_yet_enqueued_when_cancelled_never_runs(
    svc: OJSService, store: RedisStore
) -> None:
    view = await chain(svc, 2)
    ids = await job_ids(store, view)
    [step0] = await claim_all(store)
    fail_once(svc.workflows, "_enqueue_once")
    await svc.ack(step0.id)
    cancelled = await svc.workflows.cancel(view.id)
    assert step_states(cancelled) == {"0": "completed", "1": "cancelled"}
    await svc.workflows.maintenance_pass([Q])  # replays the outbox entry
    assert await store.get(ids[1]) is None
    assert await claim_all(store) == []


async def test_a_step_enqueued_while_the_workflow_is_being_cancelled_is_cancelled(
    svc: OJSService, store: RedisStore
) -> None:
    view = await chain(svc, 2)
    ids = await job_ids(store, view)
    [step0] = await claim_all(store)
    engine = svc.workflows
    original = engine._enqueue_once

    async def cancel_in_between(job: Job) -> bool:
        await engine.cancel(view.id)  # lands after the release decision, before the insert
        return await original(job)

    engine._enqueue_once = cancel_in_between  # type: ignore[method-assign]
    await svc.ack(step0.id)
    step1 = await store.get(ids[1])
    assert step1 is not None and step1.state is JobState.CANCELLED
    assert await claim_all(store) == []
    assert (await engine.get(view.id)).state.value == "cancelled"


# -- data, retention, refusals ---------------------------------------------------------------


async def test_chain_steps_see_every_earlier_result_in_order(
    svc: OJSService, store: RedisStore
) -> None:
    view = await chain(svc, 3)
    seen = []
    for i in range(3):
        [job] = await claim_all(store)
        seen.append(job.parent_results)
        await svc.ack(job.id, {"step": i} if i != 1 else None, has_result=i != 1)
    assert seen == [None, [{"step": 0}], [{"step": 0}, None]]
    done = await svc.workflows.get(view.id)
    assert (done.state.value, done.completed_at) == ("completed", NOW)
    ttl = await store.client.pttl(store.keys.workflow(view.id))
    assert 0 < ttl <= svc.settings.retention_ms
    types = [e.type for e in (await svc.events.read(limit=1000))[0] if e.type.startswith("wor")]
    assert types == ["workflow.started", *["workflow.step_completed"] * 3, "workflow.completed"]


async def test_a_relative_ttl_counts_from_the_steps_release(
    svc: OJSService, store: RedisStore
) -> None:
    view = await chain(svc, 2, ttl_ms=10_000)
    ids = await job_ids(store, view)
    [step0] = await claim_all(store)
    await advance(svc, 3_600_000)
    await svc.ack(step0.id)
    step1 = await store.get(ids[1])
    assert step1 is not None
    assert step1.expires_at == svc.clock.now_ms() + 10_000


async def test_batch_callbacks_fire_through_the_store_once(
    svc: OJSService, store: RedisStore
) -> None:
    cbs = [("on_success", spec("b.ok", "cb")), ("on_failure", spec("b.ko", "cb"))]
    view = await svc.workflows.create(
        WorkflowSpec(
            WorkflowKind.BATCH,
            "b",
            batch_steps([spec("b.m0"), spec("b.m1", retry=once())], cbs),
        )
    )
    m0, m1 = await claim_all(store)
    await svc.ack(m0.id, {"ok": 0}, has_result=True)
    await svc.nack(m1.id, FailureReport(code="handler_error", message="no"))
    await svc.workflows.maintenance_pass([Q, "cb"])  # a replay changes nothing
    [callback] = await claim_all(store, queue="cb")
    assert (callback.type, callback.parent_results) == ("b.ko", [{"ok": 0}, None])
    await svc.ack(callback.id)
    got = await svc.workflows.get(view.id)
    assert step_states(got) == {
        "0": "completed",
        "1": "failed",
        "on_success": "cancelled",
        "on_failure": "completed",
    }
    assert got.state.value == "completed"


@pytest.mark.parametrize(
    ("steps", "field", "code"),
    [
        ([spec("a"), spec("b"), spec("c", "Bad Queue")], "steps[2].options.queue", None),
        ([spec("a"), spec("Bad Type")], "steps[1].type", None),
        ([spec("a"), spec("b", client_id="0190a000-0000-7000-8000-000000000001")],
         "steps[1].id", None),
        ([spec("a"), spec("b", unique={"keys": ["type"]})], "steps[1].options.unique", None),
        ([spec("a"), spec("b", pending=True)], "steps[1].options.pending", None),
        ([spec("a"), spec("b", args=["x" * 5000])], "steps[1].args", "payload_too_large"),
    ],
)  # fmt: skip
async def test_a_refused_workflow_writes_nothing(
    store: RedisStore, steps: list[EnqueueSpec], field: str, code: str | None
) -> None:
    clock = ManualClock(NOW)
    svc = OJSService(
        store, EventLog(store.client, store.keys, clock), clock, Settings(max_job_bytes=4096)
    )
    with pytest.raises(OJSError) as info:
        await svc.workflows.create(WorkflowSpec(WorkflowKind.CHAIN, "c", chain_steps(steps)))
    assert info.value.code == (code or "invalid_request")
    assert info.value.details["field"] == field
    assert field.split(".")[0] in info.value.message
    assert await namespace_keys(store) == []


async def test_a_refused_dag_writes_nothing(svc: OJSService, store: RedisStore) -> None:
    for steps in (
        [],
        [StepSpec("a", spec("a"), ["b"], path="steps[0]."), StepSpec("b", spec("b"), ["a"])],
    ):
        with pytest.raises(OJSError):
            await svc.workflows.create(WorkflowSpec(WorkflowKind.DAG, "d", steps))
    assert await namespace_keys(store) == []


async def test_unknown_and_terminal_workflows(svc: OJSService, store: RedisStore) -> None:
    for op in (svc.workflows.get, svc.workflows.cancel):
        with pytest.raises(OJSError) as info:
            await op("0190a000-0000-7000-8000-00000000abcd")
        assert info.value.code == "not_found"
        with pytest.raises(OJSError) as info:
            await op("not-an-id")
        assert info.value.code == "not_found"
    view = await chain(svc, 1)
    [job] = await claim_all(store)
    await svc.ack(job.id)
    with pytest.raises(OJSError) as info:
        await svc.workflows.cancel(view.id)
    assert (info.value.code, info.value.details["current_state"]) == ("invalid_state", "completed")
    assert await store.client.zcard(store.keys.workflow_reconcile) == 0
    stored = json.loads(await store.client.hget(store.keys.workflow(view.id), "state"))
    assert stored["state"] == "completed"
