"""ojs-grpc on the bare generated stubs: a producer (Enqueue / EnqueueBatch) and a consumer
in three delivery modes, ``python -m bench.systems.ojs_raw MODE INDEX``:

- ``fetch``: Fetch polling + unary Ack (4 lanes per process, 8 jobs a Fetch, 10 ms pause
  when the queue is empty);
- ``stream``: StreamJobs (credit window BENCH_CONCURRENCY) + unary Ack;
- ``connect``: the bidirectional ``ojsgrpc.worker.v1.WorkerStreamService.Connect`` session,
  BENCH_CONCURRENCY credits, acks batched per delivery message and returned with credits.

With several gateways (BENCH_OJS_TARGETS) consumer INDEX uses gateway INDEX modulo their
number and the producer sends to them in turn.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import sys
from collections.abc import AsyncIterator

import grpc

from bench.common import QUEUE, env_int, ojs_targets, record
from ojs_grpc._proto.ojs.v1 import job_pb2, service_pb2, service_pb2_grpc, worker_pb2
from ojs_grpc._proto.ojsgrpc.worker.v1 import worker_stream_pb2 as ws
from ojs_grpc._proto.ojsgrpc.worker.v1 import worker_stream_pb2_grpc as ws_grpc

ASYNC = True
BULK_API = "EnqueueBatch (500 a call)"
WORKER_STREAM = "ojsgrpc.worker.v1.WorkerStreamService"
LEASE_TOKEN = "x-ojs-lease-token"
FETCH_LANES = 4
FETCH_COUNT = 8
FETCH_IDLE = 0.01
_channels: list[grpc.aio.Channel] = []
_stubs: itertools.cycle[service_pb2_grpc.OJSServiceAsyncStub] | None = None


# -- producer (bench/agent.py)


async def setup() -> None:
    global _stubs
    _channels.extend(grpc.aio.insecure_channel(t) for t in ojs_targets())
    stubs = [service_pb2_grpc.OJSServiceStub(ch) for ch in _channels]
    for stub in stubs:
        await stub.Health(service_pb2.HealthRequest())
    _stubs = itertools.cycle(stubs)


async def teardown() -> None:
    for ch in _channels:
        await ch.close()


async def enqueue(ts: float) -> None:
    assert _stubs is not None
    req = job_pb2.EnqueueRequest(type="noop", options=job_pb2.EnqueueOptions(queue=QUEUE))
    req.args.add().number_value = ts
    await next(_stubs).Enqueue(req)


async def enqueue_bulk(count: int) -> None:
    assert _stubs is not None
    for start in range(0, count, 500):
        req = job_pb2.EnqueueBatchRequest(default_options=job_pb2.EnqueueOptions(queue=QUEUE))
        for _ in range(min(500, count - start)):
            req.jobs.add(type="noop").args.add().number_value = 0.0
        await next(_stubs).EnqueueBatch(req)


async def serves_worker_stream(target: str) -> bool:
    """Whether the gateway announces the WorkerStreamService extension in its manifest."""
    async with grpc.aio.insecure_channel(target) as ch:
        m = await service_pb2_grpc.OJSServiceStub(ch).Manifest(service_pb2.ManifestRequest())
    return WORKER_STREAM in m.extensions


# -- consumers


def _worker_id() -> str:
    return f"bench-{socket.gethostname()}-{os.getpid()}"


async def _ack(stub: service_pb2_grpc.OJSServiceAsyncStub, job: job_pb2.Job) -> None:
    await stub.Ack(worker_pb2.AckRequest(job_id=job.id), metadata=[(LEASE_TOKEN, str(job.attempt))])


async def consume_fetch(channel: grpc.aio.Channel) -> None:
    stub = service_pb2_grpc.OJSServiceStub(channel)
    req = worker_pb2.FetchRequest(queues=[QUEUE], count=FETCH_COUNT, worker_id=_worker_id())

    async def lane() -> None:
        while True:
            jobs = (await stub.Fetch(req)).jobs
            if not jobs:
                await asyncio.sleep(FETCH_IDLE)
                continue
            for job in jobs:
                record(job.args[0].number_value)
            await asyncio.gather(*(_ack(stub, job) for job in jobs))

    await asyncio.gather(*(lane() for _ in range(FETCH_LANES)))


async def consume_stream(channel: grpc.aio.Channel, credits: int) -> None:
    stub = service_pb2_grpc.OJSServiceStub(channel)
    req = worker_pb2.StreamJobsRequest(
        queues=[QUEUE], worker_id=_worker_id(), max_concurrent=credits
    )
    acks: set[asyncio.Task[None]] = set()
    async for job in stub.StreamJobs(req):
        record(job.args[0].number_value)
        task = asyncio.create_task(_ack(stub, job))
        acks.add(task)
        task.add_done_callback(acks.discard)


async def consume_connect(channel: grpc.aio.Channel, credits: int) -> None:
    stub = ws_grpc.WorkerStreamServiceStub(channel)
    outbox: asyncio.Queue[ws.ConnectRequest] = asyncio.Queue()
    hello = ws.Hello(worker_id=_worker_id(), queues=[QUEUE], pid=os.getpid(), job_types=["noop"])
    outbox.put_nowait(ws.ConnectRequest(hello=hello, credits=credits))

    async def requests() -> AsyncIterator[ws.ConnectRequest]:
        while True:
            req = await outbox.get()
            while not outbox.empty():  # whatever else is ready goes in the same message
                more = outbox.get_nowait()
                req.acks.extend(more.acks)
                req.credits += more.credits
            yield req

    async for resp in stub.Connect(requests()):
        if resp.deliveries:
            acks = []
            for d in resp.deliveries:
                record(d.job.args[0].number_value)
                acks.append(ws.Ack(job_id=d.job.id, lease_token=d.lease_token))
            outbox.put_nowait(ws.ConnectRequest(acks=acks, credits=len(acks)))
        for r in resp.results:
            if r.status != ws.SETTLE_STATUS_OK:
                print(f"ack of {r.job_id} refused: {r.error_code}", file=sys.stderr)
        if resp.directive == worker_pb2.WORKER_STATE_TERMINATE:
            return


async def consume(mode: str, index: int) -> None:
    targets = ojs_targets()
    credits = env_int("BENCH_CONCURRENCY", 32)
    async with grpc.aio.insecure_channel(targets[index % len(targets)]) as channel:
        if mode == "fetch":
            await consume_fetch(channel)
        elif mode == "stream":
            await consume_stream(channel, credits)
        elif mode == "connect":
            await consume_connect(channel, credits)
        else:
            raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    try:
        import uvloop

        uvloop.run(consume(sys.argv[1], int(sys.argv[2])))
    except KeyboardInterrupt:
        pass
