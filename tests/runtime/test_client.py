"""The client against a real gateway process (embedded store): round trips and typed errors."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from ojs_grpc import (
    Client,
    CronJobRequest,
    InvalidRequestError,
    InvalidStateError,
    NotFoundError,
    RetryPolicy,
    SyncClient,
    batch,
    chain,
    group,
)
from tests.support.processes import GatewayProcess


def _queue() -> str:
    return f"q{uuid.uuid4().hex[:10]}"


async def test_enqueue_with_retry_policy_round_trips(client: Client) -> None:
    q = _queue()
    job = await client.enqueue(
        "email.send",
        ["user@example.com", "welcome", {"n": 1}],
        queue=q,
        priority=5,
        retry=RetryPolicy(
            max_attempts=5,
            initial_interval="PT1M",
            backoff_coefficient=3.0,
            max_interval="PT10M",
            jitter=False,
            non_retryable_errors=["ValueError"],
        ),
        meta={"tenant": "acme"},
        tags=["a", "b"],
    )
    assert job.state == "available"
    got = await client.get_job(job.id)
    assert got.args == ["user@example.com", "welcome", {"n": 1}]
    assert got.queue == q and got.priority == 5 and got.max_attempts == 5
    assert got.meta["tenant"] == "acme" and got.tags == ["a", "b"]
    assert got.retry_policy is not None
    assert got.retry_policy.initial_interval == 60
    assert got.retry_policy.max_interval == 600
    assert got.retry_policy.backoff_coefficient == 3.0
    assert got.retry_policy.jitter is False
    assert list(got.retry_policy.non_retryable_errors) == ["ValueError"]


async def test_delay_until_accepts_datetime_and_text(client: Client) -> None:
    when = datetime.now(UTC) + timedelta(hours=1)
    a = await client.enqueue("x.delayed", [], queue=_queue(), delay_until=when)
    b = await client.enqueue(
        "x.delayed", [], queue=_queue(), delay_until=when.isoformat().replace("+00:00", "Z")
    )
    for job in (a, b):
        assert job.state == "scheduled"
        assert job.scheduled_at is not None
        assert abs((job.scheduled_at - when).total_seconds()) < 0.01


async def test_error_history_after_failing_attempts(client: Client) -> None:
    q = _queue()
    job = await client.enqueue(
        "x.fail", [], queue=q, retry=RetryPolicy(max_attempts=2, initial_interval="PT0.01S")
    )
    for attempt in (1, 2):
        for _ in range(200):
            claimed = await client.fetch([q], "w-test")
            if claimed:
                break
            await asyncio.sleep(0.02)
        assert claimed and claimed[0].attempt == attempt
        await client.nack(job.id, attempt, "KeyError", f"boom {attempt}", backtrace="tb")
    done = await client.get_job(job.id)
    assert done.state == "discarded"
    assert [(e.attempt, e.message) for e in done.errors] == [(1, "boom 1"), (2, "boom 2")]
    assert done.errors[0].error_class == "KeyError"
    assert done.errors[0].backtrace == "tb"


async def test_cancel_and_typed_errors(client: Client) -> None:
    job = await client.enqueue("x.cancel", [], queue=_queue())
    cancelled = await client.cancel_job(job.id)
    assert cancelled.state == "cancelled"
    with pytest.raises(InvalidStateError) as state_err:
        await client.cancel_job(job.id)
    assert state_err.value.code == "invalid_state"
    with pytest.raises(NotFoundError) as nf:
        await client.get_job(str(uuid.uuid4()))
    assert nf.value.code == "not_found"
    with pytest.raises(InvalidRequestError) as bad:
        await client.enqueue("x.bad", [], retry=RetryPolicy(max_attempts=-1))
    assert bad.value.code == "invalid_request"


async def test_enqueue_batch(client: Client) -> None:
    q = _queue()
    jobs = await client.enqueue_batch(
        [{"type": "x.a", "args": [1]}, {"type": "x.b", "args": [2], "priority": 3}], queue=q
    )
    assert [j.type for j in jobs] == ["x.a", "x.b"]
    assert all(j.queue == q for j in jobs)
    assert (await client.get_job(jobs[1].id)).priority == 3
    # Decoded on first read, then the same object; indexes and slices as a list's.
    assert len(jobs) == 2 and jobs[-1] is jobs[1] and jobs[0:1] == [jobs[0]]
    assert jobs.ids == [j.id for j in jobs] and jobs == list(jobs)
    with pytest.raises(IndexError):
        jobs[2]


async def test_workflow_chain_runs_in_order(client: Client) -> None:
    q = _queue()
    wf = await client.workflow(
        chain(
            {"type": "data.fetch", "args": [{"url": "u"}], "queue": q},
            {"type": "data.transform", "args": [], "options": {"queue": q}},
            name="etl",
        )
    )
    assert wf.name == "etl" and wf.state == "running"
    assert [s.type for s in wf.steps] == ["data.fetch", "data.transform"]
    assert wf.steps[1].depends_on == [wf.steps[0].id]
    first = await client.fetch([q], "w")
    assert [j.type for j in first] == ["data.fetch"]
    assert await client.fetch([q], "w") == []  # the second step waits for the first
    await client.ack(first[0].id, first[0].attempt, {"rows": 3})
    second = await client.fetch([q], "w")
    assert [j.type for j in second] == ["data.transform"]
    await client.ack(second[0].id, second[0].attempt, None)
    assert (await client.get_workflow(wf.id)).state == "completed"


async def test_workflow_group_and_batch_with_callbacks(client: Client) -> None:
    q = _queue()
    g = await client.workflow(group({"type": "e.csv", "queue": q}, {"type": "e.pdf", "queue": q}))
    assert all(not s.depends_on for s in g.steps)
    assert len(await client.fetch([q], "w", count=10)) == 2

    q2 = _queue()
    b = await client.workflow(
        batch(
            [{"type": "chunk", "args": [i], "queue": q2} for i in range(2)],
            callbacks={
                "on_success": {"type": "merge", "queue": q2},
                "on_failure": {"type": "alert", "queue": q2},
            },
        )
    )
    assert {s.type for s in b.steps} == {"chunk", "merge", "alert"}
    members = await client.fetch([q2], "w", count=10)
    assert sorted(j.type for j in members) == ["chunk", "chunk"]
    for j in members:
        await client.ack(j.id, j.attempt, {"ok": True})
    fired = await client.fetch([q2], "w", count=10)
    assert [j.type for j in fired] == ["merge"]


async def test_cron_registration(client: Client) -> None:
    name = f"cleanup-{uuid.uuid4().hex[:6]}"
    cron = await client.register_cron_job(
        CronJobRequest(
            name=name,
            cron="0 3 * * *",
            timezone="America/New_York",
            type="maintenance.cleanup",
            args=[],
        )
    )
    assert cron.name == name and cron.next_run_at is not None
    listed = {c.name: c for c in await client.list_cron_jobs()}
    assert listed[name].timezone == "America/New_York"
    await client.unregister_cron_job(name)
    assert name not in {c.name for c in await client.list_cron_jobs()}
    with pytest.raises(InvalidRequestError):
        await client.register_cron_job(
            CronJobRequest(name="bad", cron="not a cron", type="x", args=[])
        )


async def test_queue_and_dead_letter_operations(client: Client) -> None:
    q = _queue()
    job = await client.enqueue(
        "x.dead", [], queue=q, retry=RetryPolicy(max_attempts=1, on_exhaustion="dead_letter")
    )
    await client.pause_queue(q)
    assert (await client.queue_stats(q)).paused
    assert await client.fetch([q], "w") == []
    await client.resume_queue(q)
    assert q in {i.name for i in await client.list_queues()}
    claimed = await client.fetch([q], "w")
    await client.nack(claimed[0].id, claimed[0].attempt, "RuntimeError", "no")
    page = await client.list_dead_letter(q)
    assert [j.id for j in page.jobs] == [job.id]
    retried = await client.retry_dead_letter(job.id)
    assert retried.state == "available"
    assert (await client.list_dead_letter(q)).jobs == []


def test_sync_facade(gateway: GatewayProcess) -> None:
    with SyncClient(gateway.grpc_target) as c:
        job = c.enqueue("x.sync", [1], queue=_queue())
        assert c.get_job(job.id).state == "available"
        with pytest.raises(NotFoundError):
            c.get_job(str(uuid.uuid4()))


def test_url_forms() -> None:
    assert Client("grpc://h:1").target == "h:1"
    assert Client().target in ("localhost:9090",) or Client().target
    with pytest.raises(ValueError):
        Client("http://localhost:8080")
