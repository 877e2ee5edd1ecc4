"""WorkerStreamService.Connect (ojs_grpc/worker_sessions.py): credits, batched deliveries
and settles, fencing, leases on a controlled clock, cancels, release, drain. Every test
runs on both stores."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc
import pytest
from fakeredis import FakeAsyncRedis, FakeServer
from google.protobuf import duration_pb2, struct_pb2

from ojs_grpc._proto.ojs.v1 import job_pb2, queue_pb2, service_pb2, worker_pb2
from ojs_grpc._proto.ojsgrpc.worker.v1 import worker_stream_pb2 as ws
from ojs_grpc._proto.ojsgrpc.worker.v1 import worker_stream_pb2_grpc
from ojs_grpc.config import Settings
from ojs_grpc.store.keys import Keys
from ojs_grpc.store.redis_store import RedisStore
from tests.integration.conftest import Client, open_client

pytestmark = pytest.mark.timeout(60)

QUIET_S = 0.3  # how long "nothing more arrives" is watched
Q = "wq"


class Session:
    """One Connect call: writes requests, reads every response in the background."""

    def __init__(self, channel: grpc.aio.Channel) -> None:
        stub = worker_stream_pb2_grpc.WorkerStreamServiceStub(channel)
        self.call: Any = stub.Connect()
        self.responses: asyncio.Queue[ws.ConnectResponse | None] = asyncio.Queue()
        self.error: grpc.aio.AioRpcError | None = None
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        try:
            while (resp := await self.call.read()) is not grpc.aio.EOF:
                self.responses.put_nowait(resp)
        except grpc.aio.AioRpcError as err:
            self.error = err
        self.responses.put_nowait(None)

    async def send(self, **parts: Any) -> None:
        await self.call.write(ws.ConnectRequest(**parts))

    async def next(self, timeout: float = 5.0) -> ws.ConnectResponse:
        resp = await asyncio.wait_for(self.responses.get(), timeout)
        assert resp is not None, f"session ended: {self.error!r}"
        return resp

    async def until(
        self, done: Callable[[list[ws.ConnectResponse]], bool], timeout: float = 5.0
    ) -> list[ws.ConnectResponse]:
        """Responses read until ``done(responses so far)`` holds."""
        got: list[ws.ConnectResponse] = []
        async with asyncio.timeout(timeout):
            while not done(got):
                got.append(await self.next())
        return got

    async def deliveries(self, count: int, timeout: float = 5.0) -> list[ws.Delivery]:
        got = await self.until(lambda rs: sum(len(r.deliveries) for r in rs) >= count, timeout)
        return [d for r in got for d in r.deliveries]

    async def results(self, count: int) -> list[ws.SettleResult]:
        got = await self.until(lambda rs: sum(len(r.results) for r in rs) >= count)
        return [x for r in got for x in r.results]

    async def assert_quiet(self, seconds: float = QUIET_S) -> None:
        await asyncio.sleep(seconds)
        assert self.responses.empty(), f"unexpected: {self.responses.get_nowait()}"
        assert not self.task.done(), f"the session ended: {self.error!r}"

    async def ended(self) -> grpc.aio.AioRpcError | None:
        while await asyncio.wait_for(self.responses.get(), 10) is not None:
            pass
        return self.error

    async def close(self) -> None:
        self.call.cancel()
        await asyncio.wait_for(asyncio.gather(self.task, return_exceptions=True), 5)


def hello(worker_id: str = "w1", queues: tuple[str, ...] = (Q,)) -> ws.Hello:
    return ws.Hello(worker_id=worker_id, queues=list(queues), hostname="h", pid=1)


@pytest.fixture
async def connect(client: Client) -> AsyncIterator[Callable[..., Any]]:
    """Opens sessions on the gateway (own channel); all closed at the end."""
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{client.gateway.grpc_port}")
    opened: list[Session] = []

    async def open_session(worker_id: str = "w1", credits: int = 0, **kw: Any) -> Session:
        session = Session(channel)
        opened.append(session)
        await session.send(hello=hello(worker_id, **kw), credits=credits)
        welcome = (await session.next()).welcome
        assert welcome.session_id
        return session

    yield open_session
    for session in opened:
        await session.close()
    await channel.close()


async def enqueue(client: Client, queue: str = Q, **opts: Any) -> job_pb2.Job:
    req = job_pb2.EnqueueRequest(type="w.job", options=job_pb2.EnqueueOptions(queue=queue, **opts))
    return (await client.stub.Enqueue(req)).job


async def get(client: Client, job_id: str) -> job_pb2.Job:
    return (await client.stub.GetJob(job_pb2.GetJobRequest(job_id=job_id))).job


def ack(d: ws.Delivery, **kw: Any) -> ws.Ack:
    return ws.Ack(job_id=d.job.id, lease_token=d.lease_token, **kw)


def nack(d: ws.Delivery) -> ws.Nack:
    error = job_pb2.JobError(code="BoomError", message="handler failed")
    return ws.Nack(job_id=d.job.id, lease_token=d.lease_token, error=error)


async def test_welcome_and_hello_checks(client: Client) -> None:
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{client.gateway.grpc_port}")
    try:
        raw = Session(channel)
        await raw.send(hello=hello())
        welcome = (await raw.next()).welcome
        assert welcome.lease_duration.ToMilliseconds() == 1_800_000
        assert welcome.heartbeat_interval.ToMilliseconds() == 600_000
        assert welcome.server_version
        await raw.close()
        bad = [
            ws.ConnectRequest(credits=1),  # no hello
            ws.ConnectRequest(hello=ws.Hello(queues=[Q])),  # no worker_id
            ws.ConnectRequest(hello=ws.Hello(worker_id="w1")),  # no queues
            ws.ConnectRequest(hello=ws.Hello(worker_id="w1", queues=["bad queue!"])),
        ]
        for req in bad:
            s = Session(channel)
            await s.call.write(req)
            error = await s.ended()
            assert error is not None and error.code() == grpc.StatusCode.INVALID_ARGUMENT, req
        # hello twice is refused as well
        s = Session(channel)
        await s.send(hello=hello())
        await s.next()
        await s.send(hello=hello())
        error = await s.ended()
        assert error is not None and error.code() == grpc.StatusCode.INVALID_ARGUMENT
    finally:
        await channel.close()


async def test_credits_bound_deliveries_which_arrive_batched(client: Client, connect: Any) -> None:
    jobs = [await enqueue(client) for _ in range(5)]
    session = await connect(credits=3)
    first = await session.next()
    assert [d.job.id for d in first.deliveries] == [j.id for j in jobs[:3]]  # one message
    for d in first.deliveries:
        assert (d.job.state, d.job.attempt, d.lease_token) == (job_pb2.JOB_STATE_ACTIVE, 1, "1")
        assert d.lease_deadline.ToMilliseconds() == client.clock.now_ms() + 1_800_000
    await session.assert_quiet()
    # Acks do not give credit back: the worker grants it again.
    await session.send(acks=[ack(first.deliveries[0])])
    results = await session.results(1)
    assert results[0].status == ws.SETTLE_STATUS_OK
    assert results[0].state == job_pb2.JOB_STATE_COMPLETED
    await session.assert_quiet()
    await session.send(credits=5)
    second = await session.next()
    assert [d.job.id for d in second.deliveries] == [j.id for j in jobs[3:]]
    # Two credits stay open: a later enqueue is delivered at once, one more is not.
    late = [await enqueue(client) for _ in range(4)]
    got = await session.deliveries(3)
    assert [d.job.id for d in got] == [j.id for j in late[:3]]
    await session.assert_quiet()
    assert (await get(client, late[3].id)).state == job_pb2.JOB_STATE_AVAILABLE


async def test_no_stall_after_many_batched_acks_and_nacks(client: Client, connect: Any) -> None:
    total = 300
    ids = [j.id for j in [await enqueue(client, max_attempts=1) for _ in range(total)]]
    session = await connect(credits=64)
    seen: list[str] = []
    results: list[ws.SettleResult] = []
    settled: list[str] = []
    while len(results) < total:
        resp = await session.next()
        results.extend(resp.results)
        if resp.deliveries:
            batch = list(resp.deliveries)
            seen.extend(d.job.id for d in batch)
            acks = [ack(d) for d in batch[::2]]
            nacks = [nack(d) for d in batch[1::2]]
            settled += [a.job_id for a in acks] + [n.job_id for n in nacks]
            await session.send(acks=acks, nacks=nacks, credits=len(batch))
    assert sorted(seen) == sorted(ids) and len(seen) == total
    assert [r.job_id for r in results] == settled  # one result each, in arrival order
    assert {r.status for r in results} == {ws.SETTLE_STATUS_OK}
    states = {r.job_id: r.state for r in results}
    assert states[settled[0]] == job_pb2.JOB_STATE_COMPLETED
    assert states[settled[-1]] in (job_pb2.JOB_STATE_DISCARDED, job_pb2.JOB_STATE_COMPLETED)
    done = await get(client, ids[0])
    assert done.state in (job_pb2.JOB_STATE_COMPLETED, job_pb2.JOB_STATE_DISCARDED)
    # Events as the unary calls emit them.
    status, body = await client.get("/ojs/v1/events?types=job.completed,job.failed&limit=1000")
    assert status == 200
    types = [e["type"] for e in body["events"]]
    assert types.count("job.completed") == total // 2
    assert types.count("job.failed") == total // 2
    # Still flowing afterwards.
    last = await enqueue(client)
    assert (await session.deliveries(1))[0].job.id == last.id


async def test_stale_token_is_refused_and_changes_nothing(client: Client, connect: Any) -> None:
    job = await enqueue(client, visibility_timeout=duration_pb2.Duration(seconds=2))
    session = await connect(credits=1)
    first = (await session.deliveries(1))[0]
    await client.clock.advance(2_001)
    await client.gateway.maintenance.run_once()  # the lease ended: back to available
    # The session learns it lost the lease ...
    await session.send(heartbeat=ws.Heartbeat(), credits=1)
    got = await session.until(
        lambda rs: any(r.cancels for r in rs) and any(r.deliveries for r in rs)
    )
    cancels = [c for r in got for c in r.cancels]
    assert [(c.job_id, c.lease_token, c.reason) for c in cancels] == [
        (job.id, "1", ws.CANCEL_REASON_LEASE_LOST)
    ]
    again = next(d for r in got for d in r.deliveries)
    assert (again.job.id, again.lease_token) == (job.id, "2")
    # ... and a late ack of attempt 1 is refused: nothing changes.
    await session.send(acks=[ack(first, result=_value({"late": True}))])
    [result] = await session.results(1)
    assert (result.status, result.state) == (ws.SETTLE_STATUS_STALE, job_pb2.JOB_STATE_ACTIVE)
    assert result.error_code == "invalid_state"
    now = await get(client, job.id)
    assert (now.state, now.attempt, now.HasField("result")) == (job_pb2.JOB_STATE_ACTIVE, 2, False)
    await session.send(acks=[ack(again)])
    [result] = await session.results(1)
    assert result.status == ws.SETTLE_STATUS_OK


def _value(obj: dict[str, Any]) -> struct_pb2.Value:
    value = struct_pb2.Value()
    value.struct_value.update(obj)
    return value


async def test_unknown_and_not_active_jobs_and_bad_tokens(client: Client, connect: Any) -> None:
    job = await enqueue(client)
    session = await connect(credits=1)
    d = (await session.deliveries(1))[0]
    await client.stub.CancelJob(job_pb2.CancelJobRequest(job_id=job.id))
    await session.until(lambda rs: any(r.cancels for r in rs))
    await session.send(
        acks=[ws.Ack(job_id="nope", lease_token="1"), ws.Ack(job_id=d.job.id, lease_token="x")],
        nacks=[nack(d), ws.Nack(job_id=d.job.id, lease_token="1")],
        releases=[ws.Release(job_id=d.job.id, lease_token="1")],
    )
    results = await session.results(5)
    assert [(r.job_id, r.status) for r in results] == [
        ("nope", ws.SETTLE_STATUS_NOT_FOUND),
        (d.job.id, ws.SETTLE_STATUS_INVALID),
        (d.job.id, ws.SETTLE_STATUS_CONFLICT),
        (d.job.id, ws.SETTLE_STATUS_INVALID),  # a nack without an error
        (d.job.id, ws.SETTLE_STATUS_CONFLICT),
    ]
    assert results[2].state == job_pb2.JOB_STATE_CANCELLED


async def test_heartbeats_keep_a_long_job_past_its_short_lease(
    client: Client, connect: Any
) -> None:
    job = await enqueue(client, visibility_timeout=duration_pb2.Duration(seconds=2))
    session = await connect(credits=2)
    d = (await session.deliveries(1))[0]
    for _ in range(10):  # a 10 s job, a heartbeat every second, leases of 2 s
        await client.clock.advance(1_000)
        await session.send(heartbeat=ws.Heartbeat())
        beat = (await session.until(lambda rs: any(r.HasField("heartbeat") for r in rs)))[-1]
        assert beat.heartbeat.extended == 1
        assert beat.heartbeat.new_deadline.ToMilliseconds() == client.clock.now_ms() + 2_000
        await client.gateway.maintenance.run_once()
        assert (await get(client, job.id)).state == job_pb2.JOB_STATE_ACTIVE
    await session.assert_quiet(0.1)  # never redelivered
    await session.send(acks=[ack(d)])
    [result] = await session.results(1)
    assert result.status == ws.SETTLE_STATUS_OK
    done = await get(client, job.id)
    assert (done.state, done.attempt, len(done.errors)) == (job_pb2.JOB_STATE_COMPLETED, 1, 0)
    # extend_by is honoured and bounded like the unary heartbeat
    await enqueue(client)
    d2 = (await session.deliveries(1))[0]
    cap = client.gateway.settings.max_heartbeat_extend_ms
    await session.send(heartbeat=ws.Heartbeat(extend_by=duration_pb2.Duration(seconds=cap)))
    beat = (await session.until(lambda rs: any(r.HasField("heartbeat") for r in rs)))[-1]
    assert beat.heartbeat.new_deadline.ToMilliseconds() == client.clock.now_ms() + cap
    assert d2.job.id


async def test_progress_is_kept_extends_the_lease_and_is_an_event(
    client: Client, connect: Any
) -> None:
    job = await enqueue(client, visibility_timeout=duration_pb2.Duration(seconds=2))
    session = await connect(credits=1)
    d = (await session.deliveries(1))[0]
    await client.clock.advance(1_500)
    data = {"rows": 10}
    report = ws.Progress(job_id=job.id, lease_token="1", fraction=0.5, message="half")
    report.data.CopyFrom(struct_pb2.Struct())
    report.data.update(data)
    await session.send(progress=[report])
    store = client.gateway.store
    async with asyncio.timeout(5):
        while (await store.progress(Q, job.id)) is None:
            await asyncio.sleep(0.01)
    assert await store.progress(Q, job.id) == {"fraction": 0.5, "message": "half", "data": data}
    await client.clock.advance(1_000)  # past the first lease, within the extended one
    await client.gateway.maintenance.run_once()
    assert (await get(client, job.id)).state == job_pb2.JOB_STATE_ACTIVE
    status, body = await client.get("/ojs/v1/events?types=job.progress&limit=10")
    assert status == 200
    [event] = body["events"]
    assert event["data"]["fraction"] == 0.5 and event["data"]["message"] == "half"
    # A stale progress report changes nothing.
    await session.send(progress=[ws.Progress(job_id=job.id, lease_token="7", fraction=0.9)])
    await session.send(acks=[ack(d)])
    await session.results(1)
    assert (await store.progress(Q, job.id))["fraction"] == 0.5


async def test_job_started_of_a_held_job_is_written_and_comes_first(
    client: Client, connect: Any
) -> None:
    async def types(job_id: str) -> list[str]:
        events, _ = await client.gateway.events.read(limit=1000)
        return [e.type for e in events if e.job_id == job_id]

    held, quick = await enqueue(client), await enqueue(client)
    session = await connect(credits=1)
    d = (await session.deliveries(1))[0]
    assert d.job.id == held.id
    # Not acked yet: job.started rides no settle, so it is written on its own shortly.
    async with asyncio.timeout(5):
        while "job.started" not in await types(held.id):
            await asyncio.sleep(0.01)
    await session.send(acks=[ack(d)])
    await session.results(1)
    await session.send(credits=1)  # claimed alone: its job.started waits for a write
    (d2,) = await session.deliveries(1)
    await session.send(acks=[ack(d2)])  # at once: job.started rides this ack's write
    await session.results(1)
    for job_id in (held.id, quick.id):
        assert await types(job_id) == ["job.enqueued", "job.started", "job.completed"]


async def test_cancel_is_pushed(client: Client, connect: Any) -> None:
    jobs = [await enqueue(client) for _ in range(2)]
    session = await connect(credits=2)
    await session.deliveries(2)
    await client.stub.CancelJob(job_pb2.CancelJobRequest(job_id=jobs[1].id))
    resp = await session.until(lambda rs: any(r.cancels for r in rs), timeout=1.0)
    cancels = [c for r in resp for c in r.cancels]
    assert [(c.job_id, c.lease_token, c.reason) for c in cancels] == [
        (jobs[1].id, "1", ws.CANCEL_REASON_CANCELLED)
    ]


async def test_release_returns_the_job_at_once_without_counting_the_attempt(
    client: Client, connect: Any
) -> None:
    job = await enqueue(client, max_attempts=1)
    session = await connect(credits=1)
    d = (await session.deliveries(1))[0]
    await session.send(releases=[ws.Release(job_id=job.id, lease_token=d.lease_token)])
    [result] = await session.results(1)
    assert (result.status, result.state) == (ws.SETTLE_STATUS_OK, job_pb2.JOB_STATE_AVAILABLE)
    back = await get(client, job.id)
    assert (back.state, back.attempt, len(back.errors)) == (job_pb2.JOB_STATE_AVAILABLE, 0, 0)
    # Delivered again as attempt 1 (max_attempts 1 still has its one attempt) ...
    await session.send(credits=1)
    again = (await session.deliveries(1))[0]
    assert (again.job.id, again.lease_token) == (job.id, "1")
    # ... and a release of a job not held by this worker is refused.
    other = await connect(worker_id="w2")
    await other.send(releases=[ws.Release(job_id=job.id, lease_token="1")])
    [refused] = await other.results(1)
    assert refused.status == ws.SETTLE_STATUS_STALE
    assert (await get(client, job.id)).state == job_pb2.JOB_STATE_ACTIVE


async def test_disconnect_returns_jobs_after_their_lease(client: Client, connect: Any) -> None:
    job = await enqueue(client, visibility_timeout=duration_pb2.Duration(seconds=2))
    first = await connect(credits=1)
    assert (await first.deliveries(1))[0].job.id == job.id
    await first.close()
    second = await connect(worker_id="w2", credits=1)
    await second.assert_quiet()
    assert (await get(client, job.id)).state == job_pb2.JOB_STATE_ACTIVE
    await client.clock.advance(2_001)
    await client.gateway.maintenance.run_once()
    again = (await second.deliveries(1))[0]
    assert (again.job.id, again.job.attempt) == (job.id, 2)


async def test_paused_queue_is_silent_until_resumed(client: Client, connect: Any) -> None:
    await client.stub.PauseQueue(queue_pb2.PauseQueueRequest(queue=Q))
    session = await connect(credits=2)
    job = await enqueue(client)
    await session.assert_quiet()
    await client.stub.ResumeQueue(queue_pb2.ResumeQueueRequest(queue=Q))
    assert (await session.deliveries(1, timeout=1.0))[0].job.id == job.id


async def test_manifest_and_reflection_list_the_extension(client: Client) -> None:
    manifest = await client.stub.Manifest(service_pb2.ManifestRequest())
    assert "ojsgrpc.worker.v1.WorkerStreamService" in manifest.extensions
    from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

    channel = grpc.aio.insecure_channel(f"127.0.0.1:{client.gateway.grpc_port}")
    try:
        rstub = reflection_pb2_grpc.ServerReflectionStub(channel)
        replies = rstub.ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")])
        )
        names = [s.name async for r in replies for s in r.list_services_response.service]
        assert {"ojs.v1.OJSService", "ojsgrpc.worker.v1.WorkerStreamService"} <= set(names)
    finally:
        await channel.close()


async def test_drain_sends_terminate_then_unavailable() -> None:
    server = FakeServer()
    store = RedisStore(FakeAsyncRedis(server=server, decode_responses=True), Keys("drain"))
    reader = RedisStore(FakeAsyncRedis(server=server, decode_responses=True), Keys("drain"))
    c, channel = await open_client(store, Settings(shutdown_grace_s=10))
    try:
        for _ in range(2):
            await enqueue(c)
        session = Session(channel)
        await session.send(hello=hello(), credits=2)
        await session.next()  # welcome
        held = await session.deliveries(2)
        stopping = asyncio.create_task(c.gateway.stop(grace=10))
        resp = await session.until(lambda rs: any(r.directive for r in rs))
        assert resp[-1].directive == worker_pb2.WORKER_STATE_TERMINATE
        assert resp[-1].reconnect  # the gateway is going away, not the worker
        # A worker heartbeat (the unary one's service call) says the same while draining.
        assert (await c.gateway.service.heartbeat_worker("w1", None)).directive == "terminate"
        # Acks and releases still go through; once nothing is held the call ends.
        await session.send(
            acks=[ack(held[0])], releases=[ws.Release(job_id=held[1].job.id, lease_token="1")]
        )
        error = await session.ended()
        assert error is not None and error.code() == grpc.StatusCode.UNAVAILABLE
        await asyncio.wait_for(stopping, 10)
        done, back = [await reader.get(d.job.id) for d in held]
        assert done is not None and done.state.value == "completed"
        assert back is not None and (back.state.value, back.attempt) == ("available", 0)
    finally:
        await reader.close()
        await c.http.close()
        await channel.close()


async def test_a_worker_directed_quiet_gets_no_more_jobs(client: Client, connect: Any) -> None:
    """A directive set for this worker (not a gateway drain) arrives on the next beat
    without ``reconnect``, and the session delivers nothing more."""
    session = await connect(credits=3)
    await enqueue(client)
    await session.deliveries(1)
    await client.gateway.service.store.set_worker_directive("w1", "quiet")
    await session.send(heartbeat=ws.Heartbeat())
    resp = await session.until(lambda rs: any(r.HasField("heartbeat") for r in rs))
    beat = next(r for r in resp if r.HasField("heartbeat"))
    assert (beat.directive, beat.reconnect) == (worker_pb2.WORKER_STATE_QUIET, False)
    await enqueue(client)
    await session.assert_quiet()
