"""StreamJobs (semantics §11.5): credit window, wake-ups without polling, pause, leases,
shutdown; and the Heartbeat extension bound. Every test runs on both stores."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest
import redis.asyncio as aioredis
from fakeredis import FakeAsyncRedis, FakeServer
from google.protobuf import duration_pb2

from ojs_grpc._proto.ojs.v1 import job_pb2, queue_pb2, worker_pb2
from ojs_grpc.config import Settings
from ojs_grpc.store.embedded import embedded_store
from ojs_grpc.store.keys import Keys
from ojs_grpc.store.redis_store import RedisStore
from tests.integration.conftest import Client, open_client
from tests.support.processes import RedisServer

pytestmark = pytest.mark.timeout(60)

QUIET_S = 0.3  # how long "nothing more arrives" is watched
# A freed credit or a wake-up must act at once, far sooner than the 5 s safety sweep
# (job_stream.SAFETY_INTERVAL_S) that would hide a missing notification.
FAST_S = 1.0


class JobReader:
    """Reads one StreamJobs call in the background; records when each job arrived."""

    def __init__(self, call: Any) -> None:
        self.call = call
        self.jobs: asyncio.Queue[tuple[float, job_pb2.Job | None]] = asyncio.Queue()
        self.error: grpc.aio.AioRpcError | None = None
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        try:
            async for job in self.call:
                self.jobs.put_nowait((time.monotonic(), job))
        except grpc.aio.AioRpcError as err:
            self.error = err
        self.jobs.put_nowait((time.monotonic(), None))

    async def next(self, timeout: float = 5.0) -> tuple[float, job_pb2.Job]:
        at, job = await asyncio.wait_for(self.jobs.get(), timeout)
        assert job is not None, f"stream ended: {self.error!r}"
        return at, job

    async def job(self, timeout: float = 5.0) -> job_pb2.Job:
        return (await self.next(timeout))[1]

    async def assert_quiet(self, seconds: float = QUIET_S) -> None:
        await asyncio.sleep(seconds)
        assert self.jobs.empty(), "the stream delivered beyond its credits"
        assert not self.task.done(), f"the stream ended: {self.error!r}"

    async def close(self) -> None:
        self.call.cancel()
        await asyncio.wait_for(asyncio.gather(self.task, return_exceptions=True), 5)


async def open_stream(
    client: Client, queues: list[str], worker_id: str = "w1", max_concurrent: int = 1
) -> JobReader:
    call = client.stub.StreamJobs(
        worker_pb2.StreamJobsRequest(
            queues=queues, worker_id=worker_id, max_concurrent=max_concurrent
        )
    )
    await call.initial_metadata()  # sent once the stream is subscribed
    return JobReader(call)


async def enqueue(client: Client, queue: str = "sq", **opts: Any) -> job_pb2.Job:
    req = job_pb2.EnqueueRequest(type="s.job", options=job_pb2.EnqueueOptions(queue=queue, **opts))
    return (await client.stub.Enqueue(req)).job


def nack_req(job_id: str) -> worker_pb2.NackRequest:
    return worker_pb2.NackRequest(
        job_id=job_id, error=job_pb2.JobError(code="boom", message="handler failed")
    )


async def state(client: Client, job_id: str) -> int:
    return int((await client.stub.GetJob(job_pb2.GetJobRequest(job_id=job_id))).job.state)


@pytest.fixture
async def streams(client: Client) -> AsyncIterator[list[JobReader]]:
    """Streams a test opens; closed at the end even when it fails."""
    opened: list[JobReader] = []
    yield opened
    for reader in opened:
        await reader.close()


@pytest.fixture(params=["embedded", "redis"])
async def replicas(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Client, Client]]:
    """Two gateways (A, B) over one store: one Redis key prefix, separate connections."""
    keys = Keys(f"sj-{uuid.uuid4().hex[:12]}")
    if request.param == "embedded":
        server = FakeServer()
        stores = [
            RedisStore(FakeAsyncRedis(server=server, decode_responses=True), keys) for _ in range(2)
        ]
    else:
        srv: RedisServer = request.getfixturevalue("redis_srv")
        stores = [
            RedisStore(aioredis.from_url(srv.url, decode_responses=True), keys) for _ in range(2)
        ]
    opened = [await open_client(store, Settings()) for store in stores]
    try:
        yield opened[0][0], opened[1][0]
    finally:
        if request.param == "redis":
            await stores[0].reset()
        for c, channel in opened:
            await c.http.close()
            await channel.close()
            await c.gateway.stop(0.5)


async def test_delivers_up_to_max_concurrent_then_waits_for_an_ack(
    client: Client, streams: list[JobReader]
) -> None:
    jobs = [await enqueue(client) for _ in range(3)]
    reader = await open_stream(client, ["sq"], max_concurrent=2)
    streams.append(reader)
    first, second = await reader.job(), await reader.job()
    assert [first.id, second.id] == [jobs[0].id, jobs[1].id]
    assert (first.state, first.attempt) == (job_pb2.JOB_STATE_ACTIVE, 1)
    await reader.assert_quiet()
    await client.stub.Ack(worker_pb2.AckRequest(job_id=first.id))
    assert (await reader.job(FAST_S)).id == jobs[2].id
    # Claimed exactly as FETCH claims: active, held by the stream's worker.
    status, body = await client.get(f"/ojs/v1/jobs/{jobs[2].id}")
    assert (status, body["job"]["state"]) == (200, "active")


async def test_max_concurrent_zero_means_one(client: Client, streams: list[JobReader]) -> None:
    for _ in range(2):
        await enqueue(client)
    reader = await open_stream(client, ["sq"], max_concurrent=0)
    streams.append(reader)
    first = await reader.job()
    await reader.assert_quiet()
    await client.stub.Nack(nack_req(first.id))
    await reader.job(FAST_S)


async def test_ack_through_another_replica_frees_the_credit(
    replicas: tuple[Client, Client],
) -> None:
    a, b = replicas
    reader = await open_stream(a, ["sq"], max_concurrent=1)
    try:
        jobs = [await enqueue(b) for _ in range(2)]  # enqueued through B, woken on A
        first = await reader.job()
        assert first.id == jobs[0].id
        await reader.assert_quiet()
        await b.stub.Ack(worker_pb2.AckRequest(job_id=first.id))  # the credit frees on A
        assert (await reader.job(FAST_S)).id == jobs[1].id
        # An idle stream on A wakes at once for a job enqueued through B.
        await asyncio.sleep(0.05)
        await b.stub.Ack(worker_pb2.AckRequest(job_id=jobs[1].id))
        sent = time.monotonic()
        late = await enqueue(b)
        at, job = await reader.next()
        assert job.id == late.id
        assert at - sent < 0.2
    finally:
        await reader.close()


async def test_no_stall_after_acks_nacks_and_cancels(
    client: Client, streams: list[JobReader]
) -> None:
    jobs = [await enqueue(client, max_attempts=1) for _ in range(6)]
    reader = await open_stream(client, ["sq"], max_concurrent=3)
    streams.append(reader)
    got = [await reader.job() for _ in range(3)]
    assert [j.id for j in got] == [j.id for j in jobs[:3]]
    await reader.assert_quiet()
    await client.stub.Ack(worker_pb2.AckRequest(job_id=got[0].id))
    await client.stub.Nack(nack_req(got[1].id))
    await client.stub.CancelJob(job_pb2.CancelJobRequest(job_id=got[2].id))
    more = [await reader.job(FAST_S) for _ in range(3)]
    assert [j.id for j in more] == [j.id for j in jobs[3:]]
    await reader.assert_quiet()
    for job in more:  # and once more: the credits keep coming back
        await client.stub.Ack(worker_pb2.AckRequest(job_id=job.id))
    last = await enqueue(client)
    assert (await reader.job(FAST_S)).id == last.id


async def test_idle_stream_wakes_within_milliseconds_of_an_enqueue(
    client: Client, streams: list[JobReader]
) -> None:
    reader = await open_stream(client, ["other", "sq"], max_concurrent=2)
    streams.append(reader)
    await reader.assert_quiet(0.1)  # idle, waiting
    for queue in ("sq", "other"):
        sent = time.monotonic()
        job = await enqueue(client, queue=queue)
        at, got = await reader.next()
        assert got.id == job.id
        assert at - sent < 0.2, f"woke after {at - sent:.3f} s"
    # Jobs scheduled for later wake the stream when maintenance promotes them.
    await client.stub.Ack(worker_pb2.AckRequest(job_id=got.id))
    later = job_pb2.EnqueueRequest(type="s.job", options=job_pb2.EnqueueOptions(queue="sq"))
    later.options.delay_until.FromMilliseconds(client.clock.now_ms() + 60_000)
    scheduled = (await client.stub.Enqueue(later)).job
    await reader.assert_quiet(0.1)
    await client.clock.advance(60_000)
    await client.gateway.maintenance.run_once()
    assert (await reader.job(FAST_S)).id == scheduled.id


async def test_paused_queue_keeps_the_stream_open_and_silent(
    client: Client, streams: list[JobReader]
) -> None:
    await client.stub.PauseQueue(queue_pb2.PauseQueueRequest(queue="sq"))
    reader = await open_stream(client, ["sq"], max_concurrent=5)
    streams.append(reader)
    job = await enqueue(client)
    await reader.assert_quiet()
    sent = time.monotonic()
    await client.stub.ResumeQueue(queue_pb2.ResumeQueueRequest(queue="sq"))
    at, got = await reader.next()
    assert got.id == job.id
    assert at - sent < 0.2
    # Paused again over HTTP: silent again, resumed over HTTP: delivered again.
    assert (await client.post("/ojs/v1/queues/sq/pause"))[0] == 200
    second = await enqueue(client)
    await reader.assert_quiet()
    assert (await client.post("/ojs/v1/queues/sq/resume"))[0] == 200
    assert (await reader.job(FAST_S)).id == second.id


async def test_disconnect_returns_the_job_after_its_lease(
    client: Client, streams: list[JobReader]
) -> None:
    job = await enqueue(client, visibility_timeout=duration_pb2.Duration(seconds=2))
    first = await open_stream(client, ["sq"], worker_id="w1")
    assert (await first.job()).id == job.id
    await first.close()  # the worker goes away without acking
    assert await state(client, job.id) == job_pb2.JOB_STATE_ACTIVE
    # The closed stream takes nothing more (its handler is gone, not just unread).
    later = await enqueue(client)
    await asyncio.sleep(QUIET_S)
    assert await state(client, later.id) == job_pb2.JOB_STATE_AVAILABLE
    assert not client.gateway.job_streams.subscriber.listeners
    second = await open_stream(client, ["sq"], worker_id="w2", max_concurrent=2)
    streams.append(second)
    assert (await second.job(FAST_S)).id == later.id
    await second.assert_quiet()
    await client.clock.advance(2_001)
    await client.gateway.maintenance.run_once()
    again = await second.job(FAST_S)
    assert (again.id, again.attempt) == (job.id, 2)


async def test_lease_expiry_frees_the_credit(client: Client, streams: list[JobReader]) -> None:
    vis = duration_pb2.Duration(seconds=2)
    jobs = [await enqueue(client, visibility_timeout=vis) for _ in range(2)]
    reader = await open_stream(client, ["sq"], max_concurrent=1)
    streams.append(reader)
    assert (await reader.job()).id == jobs[0].id
    await reader.assert_quiet()
    await client.clock.advance(2_001)
    await client.gateway.maintenance.run_once()  # reclaims jobs[0]: the credit comes back
    assert (await reader.job(FAST_S)).id == jobs[1].id
    assert await state(client, jobs[0].id) == job_pb2.JOB_STATE_AVAILABLE


async def test_stream_request_is_checked(client: Client) -> None:
    bad = [
        worker_pb2.StreamJobsRequest(queues=["sq"]),  # no worker_id
        worker_pb2.StreamJobsRequest(worker_id="w1"),  # no queues
        worker_pb2.StreamJobsRequest(queues=["bad queue!"], worker_id="w1"),
        worker_pb2.StreamJobsRequest(queues=["sq"], worker_id="w1", max_concurrent=-1),
    ]
    for req in bad:
        with pytest.raises(grpc.aio.AioRpcError) as info:
            async for _ in client.stub.StreamJobs(req):
                pass
        assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT, req


async def test_shutdown_ends_job_streams_with_unavailable() -> None:
    c, channel = await open_client(embedded_store(), Settings())
    try:
        reader = await open_stream(c, ["sq"])
        started = time.monotonic()
        stopping = asyncio.create_task(c.gateway.stop(grace=10))
        _, job = await asyncio.wait_for(reader.jobs.get(), 5)
        assert job is None
        assert reader.error is not None
        assert reader.error.code() == grpc.StatusCode.UNAVAILABLE
        await stopping
        assert time.monotonic() - started < 5  # the stream did not hold the 10 s grace
    finally:
        await c.http.close()
        await channel.close()


async def test_heartbeat_extension_is_capped(client: Client) -> None:
    cap = client.gateway.settings.max_heartbeat_extend_ms
    job = await enqueue(client, timeout=duration_pb2.Duration(seconds=cap // 1000 * 20))
    await client.stub.Fetch(worker_pb2.FetchRequest(queues=["sq"], worker_id="w1"))
    beat = await client.stub.Heartbeat(
        worker_pb2.HeartbeatRequest(
            id=job.id, worker_id="w1", extend_by=duration_pb2.Duration(seconds=cap // 1000 * 5)
        )
    )
    assert beat.new_deadline.ToMilliseconds() == client.clock.now_ms() + cap
    assert beat.directed_state == worker_pb2.WORKER_STATE_RUNNING
    small = await client.stub.Heartbeat(
        worker_pb2.HeartbeatRequest(
            id=job.id, worker_id="w1", extend_by=duration_pb2.Duration(seconds=7)
        )
    )
    assert small.new_deadline.ToMilliseconds() == client.clock.now_ms() + 7000
    status, body = await client.post(
        "/ojs/v1/workers/heartbeat",
        {"worker_id": "w1", "active_jobs": [job.id], "visibility_timeout_ms": cap * 10},
    )
    assert status == 200 and body["jobs_extended"] == [job.id]
    await client.clock.advance(cap - 1)
    await client.gateway.maintenance.run_once()
    assert await state(client, job.id) == job_pb2.JOB_STATE_ACTIVE
    await client.clock.advance(2)
    await client.gateway.maintenance.run_once()
    assert await state(client, job.id) == job_pb2.JOB_STATE_AVAILABLE  # lease ended at the cap
