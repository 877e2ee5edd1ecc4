"""The Worker on the gateway's worker session (WorkerStreamService.Connect): transport
choice and fallback, batched settles, pushed cancels, progress, quiet, gateway drain."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import grpc
import pytest
from fakeredis import FakeAsyncRedis, FakeServer

from ojs_grpc import Client
from ojs_grpc.config import Settings
from ojs_grpc.model import EnqueueSpec
from ojs_grpc.store.keys import Keys
from ojs_grpc.store.redis_store import RedisStore
from tests.integration.conftest import open_client
from tests.support.processes import GatewayProcess
from worker_runtime import JobContext, Worker

from .helpers import new_queue, running, wait_job

pytestmark = pytest.mark.timeout(60)


def _worker(target: str, q: str, **kw: Any) -> Worker:
    kw.setdefault("concurrency", 8)
    return Worker(target, queues=[q], poll_interval=0.1, **kw)


async def test_session_is_chosen_and_runs_every_job_once(
    gateway: GatewayProcess, client: Client
) -> None:
    q = new_queue()
    worker = _worker(gateway.grpc_target, q)
    runs: dict[str, int] = {}

    @worker.register("n")
    async def handler(ctx: JobContext) -> dict[str, Any]:
        runs[ctx.id] = runs.get(ctx.id, 0) + 1
        if ctx.args[0] % 5 == 0:
            raise ValueError("every fifth fails")
        return {"n": ctx.args[0]}

    async with running(worker):
        assert (worker.transport_used, worker.streaming) == ("session", True)
        jobs = await client.enqueue_batch(
            [
                {"type": "n", "args": [i], "options": {"queue": q, "max_attempts": 1}}
                for i in range(150)
            ]
        )
        done = [await wait_job(client, j.id, {"completed", "discarded"}) for j in jobs]
    assert all(count == 1 for count in runs.values()) and len(runs) == 150
    assert [j.state for j in done] == [
        "discarded" if i % 5 == 0 else "completed" for i in range(150)
    ]
    assert done[1].result == {"n": 1}
    assert done[0].errors[0].error_class == "ValueError"
    assert worker.jobs_done == 150


@pytest.mark.parametrize("transport", ["stream", "fetch"])
async def test_a_transport_can_be_forced(
    gateway: GatewayProcess, client: Client, transport: str
) -> None:
    q = new_queue()
    worker = _worker(gateway.grpc_target, q, transport=transport)

    @worker.register("t")
    async def handler(ctx: JobContext) -> int:
        return 1

    async with running(worker):
        job = await client.enqueue("t", [], queue=q)
        await wait_job(client, job.id, {"completed"})
    assert worker.transport_used == transport
    assert worker.streaming is (transport == "stream")


async def test_auto_uses_stream_when_the_manifest_lacks_the_session(
    gateway: GatewayProcess, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    q = new_queue()
    worker = _worker(gateway.grpc_target, q)

    async def plain_manifest() -> dict[str, Any]:
        return {"extensions": ["lease_token"]}  # another OJS server

    monkeypatch.setattr(worker.client, "manifest", plain_manifest)

    @worker.register("t")
    async def handler(ctx: JobContext) -> int:
        return 1

    async with running(worker):
        job = await client.enqueue("t", [], queue=q)
        await wait_job(client, job.id, {"completed"})
    assert worker.transport_used == "stream"


class _UnimplementedSession:
    async def write(self, request: Any) -> None:
        raise grpc.aio.AioRpcError(
            grpc.StatusCode.UNIMPLEMENTED, grpc.aio.Metadata(), grpc.aio.Metadata(), "no"
        )

    async def read(self) -> Any:
        raise AssertionError("not reached")

    def cancel(self) -> bool:
        return True


async def test_auto_falls_back_when_the_session_is_unimplemented(
    gateway: GatewayProcess, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    q = new_queue()
    worker = _worker(gateway.grpc_target, q)

    class _Stub:
        def Connect(self) -> _UnimplementedSession:
            return _UnimplementedSession()

    monkeypatch.setattr(type(worker.client), "session_stub", property(lambda self: _Stub()))

    @worker.register("t")
    async def handler(ctx: JobContext) -> int:
        return 1

    async with running(worker):
        job = await client.enqueue("t", [], queue=q)
        await wait_job(client, job.id, {"completed"})
    assert worker.transport_used == "stream"
    forced = _worker(gateway.grpc_target, q, transport="session")
    with pytest.raises(RuntimeError, match="no worker session"):
        await asyncio.wait_for(forced.start(), 10)


async def test_a_cancel_is_pushed_to_the_handler_and_not_acked(
    gateway: GatewayProcess, client: Client
) -> None:
    q = new_queue()
    # Beats far apart: only the pushed CancelRequest can reach the handler in time.
    worker = _worker(gateway.grpc_target, q, heartbeat_interval=30)
    started = asyncio.Event()
    cancelled: list[str] = []

    @worker.register("long")
    async def handler(ctx: JobContext) -> None:
        started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.append(ctx.cancel_reason)
            raise

    async with running(worker):
        job = await client.enqueue("long", [], queue=q)
        await asyncio.wait_for(started.wait(), 10)
        sent = time.monotonic()
        await client.cancel_job(job.id)
        while not cancelled and time.monotonic() - sent < 5:
            await asyncio.sleep(0.01)
    assert cancelled == ["cancelled"]
    done = await client.get_job(job.id)
    assert (done.state, done.errors) == ("cancelled", [])


async def test_progress_is_kept_and_emitted(gateway: GatewayProcess, client: Client) -> None:
    q = new_queue()
    worker = _worker(gateway.grpc_target, q)

    @worker.register("p")
    async def handler(ctx: JobContext) -> None:
        await ctx.progress(0.25, "a quarter", {"rows": 25})
        await ctx.heartbeat()

    async with running(worker):
        job = await client.enqueue("p", [], queue=q)
        await wait_job(client, job.id, {"completed"})
        events: list[dict[str, Any]] = []
        async with aiohttp.ClientSession() as http:
            cursor = ""
            for _ in range(500):  # page through the shared gateway's log
                url = f"{gateway.http_url}/ojs/v1/events?types=job.progress&limit=1000"
                async with http.get(url + (f"&after={cursor}" if cursor else "")) as r:
                    page = await r.json()
                events += [e for e in page["events"] if e["subject"] == job.id]
                cursor = page["cursor"] or cursor
                if events:
                    break
                if not page["has_more"]:
                    await asyncio.sleep(0.02)
    assert [e["data"]["message"] for e in events] == ["a quarter"]
    assert events[0]["data"]["fraction"] == 0.25 and events[0]["data"]["data"] == {"rows": 25}


async def test_quiet_finishes_running_jobs_and_takes_no_new_ones(
    gateway: GatewayProcess, client: Client
) -> None:
    q = new_queue()
    worker = _worker(gateway.grpc_target, q, concurrency=2)
    started = asyncio.Event()
    finish = asyncio.Event()

    @worker.register("j")
    async def handler(ctx: JobContext) -> None:
        started.set()
        await finish.wait()

    async with running(worker):
        first = await client.enqueue("j", [], queue=q)
        await asyncio.wait_for(started.wait(), 10)
        worker.quiet()
        await asyncio.sleep(0.2)  # the QUIET heartbeat reaches the gateway
        later = [await client.enqueue("j", [], queue=q) for _ in range(3)]
        finish.set()
        await wait_job(client, first.id, {"completed"})
        await asyncio.sleep(0.3)
        for job in later:
            assert (await client.get_job(job.id)).state == "available"
        assert worker.jobs_done == 1


async def test_gateway_drain_ends_the_session_after_settling_and_the_worker_stays() -> None:
    """A draining gateway says TERMINATE with ``reconnect``: the worker settles its
    running job on the session, then keeps running (to reconnect), it does not exit."""
    server = FakeServer()
    store = RedisStore(FakeAsyncRedis(server=server, decode_responses=True), Keys("drain"))
    reader = RedisStore(FakeAsyncRedis(server=server, decode_responses=True), Keys("drain"))
    gw_client, channel = await open_client(store, Settings(shutdown_grace_s=10))
    target = f"127.0.0.1:{gw_client.gateway.grpc_port}"
    q = new_queue()
    worker = _worker(target, q, grace=5)
    started = asyncio.Event()

    @worker.register("j")
    async def handler(ctx: JobContext) -> str:
        started.set()
        await asyncio.sleep(0.3)
        return "done"

    try:
        task = asyncio.create_task(worker.start())
        await asyncio.wait_for(worker.wait_ready(), 10)
        job = await gw_client.gateway.service.enqueue(EnqueueSpec(type="j", args=[], queue=q))
        await asyncio.wait_for(started.wait(), 10)
        await asyncio.wait_for(gw_client.gateway.stop(grace=10), 10)
        done = await reader.get(job.id)
        assert done is not None and (done.state.value, done.result) == (
            "completed",
            {"value": "done"},
        )
        assert worker.jobs_done == 1
        await asyncio.sleep(0.3)
        assert not task.done(), "the worker must reconnect, not stop, when a gateway drains"
        await worker.stop(grace=1)
        await asyncio.wait_for(task, 10)
    finally:
        await reader.close()
        await gw_client.http.close()
        await channel.close()
