"""Worker runtime parts that need no server: StreamJobs fallback, middleware, results."""

from __future__ import annotations

import asyncio
from typing import Any

import grpc
import pytest

from ojs_grpc._proto.ojs.v1 import job_pb2
from worker_runtime import JobContext, Worker


class _UnimplementedCall:
    def __init__(self) -> None:
        self.cancelled = False

    async def initial_metadata(self) -> Any:
        return ()

    def done(self) -> bool:
        return True

    def cancel(self) -> bool:
        self.cancelled = True
        return True

    def __aiter__(self) -> _UnimplementedCall:
        return self

    async def __anext__(self) -> job_pb2.Job:
        raise grpc.aio.AioRpcError(
            grpc.StatusCode.UNIMPLEMENTED,
            grpc.aio.Metadata(),
            grpc.aio.Metadata(),
            details="StreamJobs is not available",
        )


class _Stub:
    def __init__(self) -> None:
        self.calls: list[_UnimplementedCall] = []

    def StreamJobs(self, request: Any) -> _UnimplementedCall:
        call = _UnimplementedCall()
        self.calls.append(call)
        return call


class _FakeClient:
    """Stands in for ojs_grpc.client.Client: one job via Fetch, then nothing."""

    def __init__(self) -> None:
        self.stub = _Stub()
        self.fetches = 0
        self.acks: list[tuple[str, int, Any]] = []
        job = job_pb2.Job(id="j1", type="t", queue="q", attempt=1)
        job.args.add().number_value = 2
        self.pending = [job]

    async def health(self) -> str:
        return "ok"

    async def manifest(self) -> dict[str, Any]:
        return {"extensions": []}  # no worker session: StreamJobs is tried first

    async def fetch(self, queues: Any, worker_id: str, count: int = 1) -> list[job_pb2.Job]:
        self.fetches += 1
        out, self.pending = self.pending[:count], self.pending[count:]
        return out

    async def ack(self, job_id: str, attempt: int, result: Any) -> None:
        self.acks.append((job_id, attempt, result))

    async def heartbeat(self, *a: Any) -> Any:
        raise AssertionError("no beat expected")

    async def close(self) -> None:
        pass


async def test_unimplemented_stream_falls_back_to_fetch_polling() -> None:
    worker = Worker("127.0.0.1:1", queues=["q"], poll_interval=0.05)
    fake = _FakeClient()
    worker._client = fake  # type: ignore[assignment]

    @worker.register("t")
    async def handler(ctx: JobContext) -> int:
        return int(ctx.args[0]) * 10

    task = asyncio.create_task(worker.start())
    await asyncio.wait_for(worker.wait_ready(), 5)
    for _ in range(200):
        if fake.acks:
            break
        await asyncio.sleep(0.01)
    await worker.stop(1)
    await task
    assert worker.streaming is False
    assert len(fake.stub.calls) == 1 and fake.stub.calls[0].cancelled
    assert fake.acks == [("j1", 1, {"value": 20})]
    assert fake.fetches >= 2  # kept polling after the queue ran dry


def test_registration_rules() -> None:
    worker = Worker("127.0.0.1:1", queues=["q"])

    @worker.register("a")
    def a(ctx: JobContext) -> None:
        return None

    with pytest.raises(ValueError):
        worker.register("a")(a)
    with pytest.raises(ValueError):
        Worker("127.0.0.1:1", queues=[])
    with pytest.raises(ValueError):
        Worker("127.0.0.1:1", concurrency=0)


async def test_a_delivered_message_is_decoded_into_a_job_only_when_read() -> None:
    msg = job_pb2.Job(id="j1", type="t.x", queue="q", attempt=2)
    msg.args.add().number_value = 7
    msg.args.add().string_value = "s"
    msg.meta.update({"tenant": "acme"})
    msg.timeout.FromMilliseconds(1500)
    ctx = JobContext(msg, Worker("localhost:1"))
    assert (ctx.id, ctx.type, ctx.queue, ctx.attempt, ctx.args) == ("j1", "t.x", "q", 2, [7, "s"])
    assert (ctx.timeout, ctx.visibility_timeout) == (1.5, None)
    assert ctx._job is None  # nothing built yet
    job = ctx.job
    assert ctx.job is job and (job.id, job.args, job.timeout) == ("j1", [7, "s"], 1.5)
    assert ctx.meta == {"tenant": "acme"}
    # A Job (Fetch, StreamJobs) is taken as it is.
    same = JobContext(job, Worker("localhost:1"))
    assert same.job is job and same.args == [7, "s"] and same.timeout == 1.5


async def test_wait_cancelled_returns_once_the_job_is_cancelled_before_or_after() -> None:
    worker = Worker("localhost:1")
    early = JobContext(job_pb2.Job(id="e", type="t", queue="q"), worker)
    waiting = asyncio.ensure_future(early.wait_cancelled())
    await asyncio.sleep(0)
    assert not waiting.done() and not early.cancelled
    early._mark_cancelled("timeout")
    early._mark_cancelled("shutdown")  # the first reason stays
    await asyncio.wait_for(waiting, 1)
    assert early.cancelled and early.cancel_reason == "timeout"
    late = JobContext(job_pb2.Job(id="l", type="t", queue="q"), worker)
    late._mark_cancelled("cancelled")
    await asyncio.wait_for(late.wait_cancelled(), 1)
    assert late.cancelled and late.cancel_reason == "cancelled"
