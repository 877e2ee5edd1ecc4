"""The in-process Worker against a real gateway process (embedded store)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from ojs_grpc import Client, RetryPolicy
from tests.support.processes import GatewayProcess
from worker_runtime import JobContext, Worker

from .helpers import new_queue, running, wait_job

FAST_RETRY = RetryPolicy(max_attempts=3, initial_interval="PT0.05S", jitter=False)


def _worker(gateway: GatewayProcess, q: str, **kw: Any) -> Worker:
    kw.setdefault("concurrency", 4)
    return Worker(gateway.grpc_target, queues=[q], poll_interval=0.1, **kw)


@pytest.mark.parametrize("use_stream", [True, False], ids=["stream", "fetch"])
async def test_async_and_sync_handlers(
    gateway: GatewayProcess, client: Client, use_stream: bool
) -> None:
    q = new_queue()
    worker = _worker(gateway, q, use_stream=use_stream)
    threads: list[str] = []

    @worker.register("math.add")
    async def add(ctx: JobContext) -> dict[str, Any]:
        return {"sum": ctx.args[0] + ctx.args[1], "attempt": ctx.attempt}

    @worker.register("math.mul")
    def mul(ctx: JobContext) -> int:
        threads.append(threading.current_thread().name)
        return int(ctx.args[0] * ctx.args[1])

    async with running(worker):
        a = await client.enqueue("math.add", [2, 3], queue=q)
        m = await client.enqueue("math.mul", [4, 5], queue=q)
        done_a = await wait_job(client, a.id, {"completed"})
        done_m = await wait_job(client, m.id, {"completed"})
    assert done_a.result == {"sum": 5, "attempt": 1}
    assert done_m.result == {"value": 20}
    assert threads and threads[0].startswith("ojs-handler")
    if not use_stream:
        assert worker.streaming is False
    else:  # StreamJobs used, or the Fetch fallback chosen when the server lacks it
        assert worker.streaming is not None


async def test_middleware_runs_as_an_onion(gateway: GatewayProcess, client: Client) -> None:
    q = new_queue()
    worker = _worker(gateway, q)
    seen: list[str] = []

    @worker.middleware
    async def outer(ctx: JobContext, next: Any) -> Any:
        seen.append(f"outer-before {ctx.type} {ctx.attempt}")
        result = await next()
        seen.append("outer-after")
        return {**result, "outer": True}

    @worker.middleware
    async def inner(ctx: JobContext, next: Any) -> Any:
        seen.append("inner-before")
        result = await next()
        seen.append("inner-after")
        return result

    @worker.register("mw.job")
    async def handler(ctx: JobContext) -> dict[str, Any]:
        seen.append("handler")
        return {"ok": True}

    async with running(worker):
        job = await client.enqueue("mw.job", [], queue=q)
        done = await wait_job(client, job.id, {"completed"})
    assert seen == [
        "outer-before mw.job 1",
        "inner-before",
        "handler",
        "inner-after",
        "outer-after",
    ]
    assert done.result == {"ok": True, "outer": True}


@pytest.mark.parametrize("use_stream", [True, False], ids=["stream", "fetch"])
async def test_exception_is_retried_per_policy(
    gateway: GatewayProcess, client: Client, use_stream: bool
) -> None:
    q = new_queue()
    worker = _worker(gateway, q, use_stream=use_stream)

    @worker.register("flaky")
    async def flaky(ctx: JobContext) -> dict[str, Any]:
        if ctx.attempt < 3:
            raise ConnectionError(f"smtp down (attempt {ctx.attempt})")
        return {"delivered": True}

    @worker.register("bad")
    async def bad(ctx: JobContext) -> None:
        raise ValueError("not retryable")

    async with running(worker):
        job = await client.enqueue("flaky", [], queue=q, retry=FAST_RETRY)
        never = await client.enqueue(
            "bad",
            [],
            queue=q,
            retry=RetryPolicy(
                max_attempts=5, initial_interval="PT0.05S", non_retryable_errors=["ValueError"]
            ),
        )
        done = await wait_job(client, job.id, {"completed"})
        dropped = await wait_job(client, never.id, {"discarded"})
    assert done.attempt == 3 and done.result == {"delivered": True}
    assert [(e.attempt, e.error_class) for e in done.errors] == [
        (1, "ConnectionError"),
        (2, "ConnectionError"),
    ]
    assert done.errors[0].message == "smtp down (attempt 1)"
    assert "Traceback" in done.errors[0].backtrace and "flaky" in done.errors[0].backtrace
    assert dropped.attempt == 1 and dropped.errors[0].error_class == "ValueError"


async def test_execution_timeout_cancels_and_nacks(gateway: GatewayProcess, client: Client) -> None:
    q = new_queue()
    worker = _worker(gateway, q, timeout=0.3)
    cancelled = asyncio.Event()

    @worker.register("slow")
    async def slow(ctx: JobContext) -> None:
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    async with running(worker):
        job = await client.enqueue("slow", [], queue=q, retry=RetryPolicy(max_attempts=1))
        done = await wait_job(client, job.id, {"discarded"})
    assert cancelled.is_set()
    assert [e.code for e in done.errors] == ["timeout"]


async def test_heartbeats_keep_a_short_lease(gateway: GatewayProcess, client: Client) -> None:
    q = new_queue()
    worker = _worker(gateway, q)

    @worker.register("long")
    async def long(ctx: JobContext) -> dict[str, Any]:
        await asyncio.sleep(2.5)
        await ctx.heartbeat()
        return {"attempt": ctx.attempt}

    async with running(worker):
        job = await client.enqueue("long", [], queue=q, visibility_timeout=1)
        done = await wait_job(client, job.id, {"completed", "retryable", "discarded"})
    assert done.state == "completed" and done.attempt == 1 and done.errors == []


async def test_a_handler_blocking_its_loop_past_the_lease_is_not_run_twice(
    gateway: GatewayProcess, client: Client
) -> None:
    import time

    q = new_queue()
    worker = _worker(gateway, q)
    starts: list[int] = []

    @worker.register("blocking")
    async def blocking(ctx: JobContext) -> dict[str, Any]:
        starts.append(ctx.attempt)
        time.sleep(2.5)  # blocks the worker's event loop for 2.5 leases of 1 s
        return {"attempt": ctx.attempt}

    async with running(worker):
        job = await client.enqueue("blocking", [], queue=q, visibility_timeout=1)
        done = await wait_job(client, job.id, {"completed", "retryable", "discarded"})
    # Heartbeats ran on their own thread while the loop was blocked: one delivery, no error.
    assert (done.state, done.attempt, done.errors, starts) == ("completed", 1, [], [1])


async def test_server_cancel_reaches_the_handler(gateway: GatewayProcess, client: Client) -> None:
    q = new_queue()
    worker = _worker(gateway, q, heartbeat_interval=0.1)
    started = asyncio.Event()
    saw_cancel = asyncio.Event()

    @worker.register("cancel.me")
    async def handler(ctx: JobContext) -> None:
        started.set()
        try:
            await ctx.wait_cancelled()
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            saw_cancel.set()
            raise

    async with running(worker):
        job = await client.enqueue("cancel.me", [], queue=q)
        await asyncio.wait_for(started.wait(), 10)
        await client.cancel_job(job.id)
        await asyncio.wait_for(saw_cancel.wait(), 10)
    assert (await client.get_job(job.id)).state == "cancelled"


@pytest.mark.parametrize("transport", ["session", "stream"])
async def test_graceful_stop_finishes_then_hands_back(
    gateway: GatewayProcess, client: Client, transport: str
) -> None:
    q = new_queue()
    worker = _worker(gateway, q, transport=transport)
    started: dict[str, asyncio.Event] = {"quick": asyncio.Event(), "stuck": asyncio.Event()}

    runs: list[str] = []

    @worker.register("quick")
    async def quick(ctx: JobContext) -> dict[str, Any]:
        runs.append(ctx.id)
        started["quick"].set()
        await asyncio.sleep(0.4)
        return {"done": True}

    @worker.register("stuck")
    def stuck(ctx: JobContext) -> None:  # a sync handler: only cooperative cancellation
        started["stuck"].set()
        while not ctx.cancelled:
            threading.Event().wait(0.02)

    task = asyncio.create_task(worker.start())
    await worker.wait_ready()
    a = await client.enqueue("quick", [], queue=q)
    b = await client.enqueue("stuck", [], queue=q, retry=FAST_RETRY)
    await asyncio.wait_for(asyncio.gather(*(e.wait() for e in started.values())), 10)
    await worker.stop(grace=1.0)
    await task
    assert (await client.get_job(a.id)).state == "completed"
    handed_back = await client.get_job(b.id)
    if transport == "session":  # released: available at once, the attempt not counted
        assert (handed_back.state, handed_back.attempt, handed_back.errors) == ("available", 0, [])
    else:  # nacked with code shutdown: the retry policy requeues it
        assert handed_back.state in {"retryable", "available"}
        assert [e.code for e in handed_back.errors] == ["shutdown"]
    # Stopped means stopped: nothing more runs here. (The job itself may still be claimed
    # for the stream the worker just closed, if the server has not noticed the close yet.)
    c = await client.enqueue("quick", [], queue=q)
    await asyncio.sleep(0.3)
    assert runs == [a.id]
    assert (await client.get_job(c.id)).state != "completed"


async def test_unregistered_type_is_nacked(gateway: GatewayProcess, client: Client) -> None:
    q = new_queue()
    worker = _worker(gateway, q)
    async with running(worker):
        job = await client.enqueue("nobody.home", [], queue=q, retry=RetryPolicy(max_attempts=1))
        done = await wait_job(client, job.id, {"discarded"})
    assert done.errors[0].error_class == "HandlerNotFound"
