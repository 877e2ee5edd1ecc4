"""StreamEvents: every binding event type, AND-combined filters, events of other replicas,
keepalives on the injected clock, and a slow subscriber that loses events, not memory."""

from __future__ import annotations

import asyncio
import time
import tracemalloc
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from typing import Any

import fakeredis
import grpc
import pytest
import redis.asyncio as aioredis
from google.protobuf import json_format

from ojs_grpc._proto.ojs.v1 import events_pb2, job_pb2, service_pb2_grpc, worker_pb2, workflow_pb2
from ojs_grpc.config import Settings
from ojs_grpc.events import DEFAULT_BUFFER_EVENTS, DEFAULT_KEEPALIVE_S, EventLog, Subscription
from ojs_grpc.store.keys import Keys
from ojs_grpc.store.redis_store import RedisStore
from tests.integration.conftest import Client, open_client
from tests.support.processes import RedisServer

pytestmark = pytest.mark.timeout(180)

Stream = Any  # grpc.aio.UnaryStreamCall[StreamEventsRequest, Event]


async def subscribe(client: Client, metadata: Any = None, **filters: Any) -> Stream:
    """An open StreamEvents call whose subscription is in place (headers received)."""
    call = client.stub.StreamEvents(events_pb2.StreamEventsRequest(**filters), metadata=metadata)
    await call.initial_metadata()
    return call


async def next_event(call: Stream, timeout: float = 5.0) -> events_pb2.Event:
    """The next event that is not a keepalive (other tests move the clock)."""
    while True:
        event = await asyncio.wait_for(call.read(), timeout)
        assert event is not grpc.aio.EOF, "stream ended"
        if event.type != "stream.keepalive":
            return event


async def read_until(
    call: Stream, last: Callable[[events_pb2.Event], bool], timeout: float = 10.0
) -> list[events_pb2.Event]:
    """Events up to and including the first one ``last`` accepts."""
    got: list[events_pb2.Event] = []
    while not got or not last(got[-1]):
        got.append(await next_event(call, timeout))
    return got


def data(event: events_pb2.Event) -> dict[str, Any]:
    return json_format.MessageToDict(event.data)


async def eventually(probe: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not probe():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.01)


def enqueue_req(queue: str, max_attempts: int = 3) -> job_pb2.EnqueueRequest:
    return job_pb2.EnqueueRequest(
        type="evt.job",
        options=job_pb2.EnqueueOptions(
            queue=queue, retry=job_pb2.RetryPolicy(max_attempts=max_attempts)
        ),
    )


async def fetch_one(client: Client, queue: str) -> job_pb2.Job:
    fetched = await client.stub.Fetch(worker_pb2.FetchRequest(queues=[queue], worker_id="w1"))
    assert len(fetched.jobs) == 1
    return fetched.jobs[0]


async def nack(client: Client, job_id: str) -> None:
    await client.stub.Nack(
        worker_pb2.NackRequest(
            job_id=job_id, error=job_pb2.JobError(code="handler_error", message="boom")
        )
    )


def one_step_workflow(queue: str, max_attempts: int = 3) -> workflow_pb2.CreateWorkflowRequest:
    req = workflow_pb2.CreateWorkflowRequest(name="events")
    step = req.steps.add(id="only", type="evt.step")
    step.options.queue = queue
    step.options.retry.max_attempts = max_attempts
    return req


async def test_every_event_type_of_the_binding_reaches_a_subscriber(client: Client) -> None:
    call = await subscribe(client)
    stub = client.stub

    done = (await stub.Enqueue(enqueue_req("life"))).job
    await fetch_one(client, "life")
    await stub.Ack(worker_pb2.AckRequest(job_id=done.id))

    retried = (await stub.Enqueue(enqueue_req("life", max_attempts=3))).job
    await fetch_one(client, "life")
    await nack(client, retried.id)

    dead = (await stub.Enqueue(enqueue_req("death", max_attempts=1))).job
    await fetch_one(client, "death")
    await nack(client, dead.id)

    cancelled = (await stub.Enqueue(enqueue_req("void"))).job
    await stub.CancelJob(job_pb2.CancelJobRequest(job_id=cancelled.id))

    good = (await stub.CreateWorkflow(one_step_workflow("wf-ok"))).workflow
    step = await fetch_one(client, "wf-ok")
    await stub.Ack(worker_pb2.AckRequest(job_id=step.id))

    bad = (await stub.CreateWorkflow(one_step_workflow("wf-bad", max_attempts=1))).workflow
    step = await fetch_one(client, "wf-bad")
    await nack(client, step.id)

    got = await read_until(call, lambda e: (e.type, e.workflow_id) == ("workflow.failed", bad.id))
    call.cancel()
    seen = {(e.type, e.workflow_id if e.type.startswith("workflow.") else e.job_id) for e in got}
    expected = {
        ("job.enqueued", done.id),
        ("job.started", done.id),
        ("job.completed", done.id),
        ("job.failed", retried.id),
        ("job.retrying", retried.id),
        ("job.failed", dead.id),
        ("job.dead", dead.id),
        ("job.cancelled", cancelled.id),
        ("workflow.started", good.id),
        ("workflow.step_completed", good.id),
        ("workflow.completed", good.id),
        ("workflow.started", bad.id),
        ("workflow.failed", bad.id),
    }
    assert expected <= seen, expected - seen
    # Per-job events in lifecycle order, each with the job's queue and type.
    life = [e.type for e in got if e.job_id == done.id]
    assert life == ["job.enqueued", "job.started", "job.completed"]
    assert {(e.queue, e.job_type) for e in got if e.job_id == done.id} == {("life", "evt.job")}


async def test_a_heartbeat_reaches_a_subscriber(client: Client) -> None:
    call = await subscribe(client, event_types=["job.heartbeat"])
    job = (await client.stub.Enqueue(enqueue_req("beat"))).job
    await fetch_one(client, "beat")
    await client.stub.Heartbeat(worker_pb2.HeartbeatRequest(id=job.id, worker_id="w1"))
    event = await next_event(call, timeout=2)
    call.cancel()
    assert (event.type, event.job_id) == ("job.heartbeat", job.id)
    assert data(event)["worker_id"] == "w1"


async def test_job_dead_is_selected_by_either_name(client: Client) -> None:
    by_grpc_name = await subscribe(client, event_types=["job.dead"])
    by_log_name = await subscribe(client, event_types=["job.discarded"])
    job = (await client.stub.Enqueue(enqueue_req("death", max_attempts=1))).job
    await fetch_one(client, "death")
    await nack(client, job.id)
    for call in (by_grpc_name, by_log_name):
        event = await next_event(call)
        call.cancel()
        assert (event.type, event.job_id) == ("job.dead", job.id)


async def test_filters_are_and_combined(client: Client) -> None:
    events = client.gateway.events
    wf = f"wf_{uuid.uuid4().hex[:8]}"
    call = await subscribe(
        client,
        queues=["qa", "qb"],
        event_types=["job.completed", "job.failed"],
        job_id="j1",
        workflow_id=wf,
    )
    everything = await subscribe(client)
    # Each of these misses exactly one filter; the last matches all four.
    candidates = [
        ("job.completed", "qc", "j1", wf),  # queue
        ("job.enqueued", "qa", "j1", wf),  # type
        ("job.completed", "qa", "j2", wf),  # job
        ("job.completed", "qa", "j1", "wf_other"),  # workflow
        ("job.failed", "qb", "j1", wf),  # matches
        ("job.completed", "qa", "j1", wf),  # matches
    ]
    for event_type, queue, job_id, workflow_id in candidates:
        await events.emit_workflow(event_type, workflow_id, job_id=job_id, queue=queue)
    got = [await next_event(call) for _ in range(2)]
    all_got = [await next_event(everything) for _ in candidates]
    # Nothing else arrives before an event that matches again.
    await events.emit_workflow("job.failed", wf, job_id="j1", queue="qa", last=True)
    tail = await next_event(call)
    for c in (call, everything):
        c.cancel()
    assert [(e.type, e.queue, e.job_id, e.workflow_id) for e in got] == candidates[-2:]
    assert [(e.type, e.queue, e.job_id, e.workflow_id) for e in all_got] == candidates
    assert data(tail)["last"] is True


# -- replicas ---------------------------------------------------------------------------------


@pytest.fixture(params=["embedded", "redis"])
async def replicas(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Client, Client]]:
    """Two gateways on one store (the embedded one shared in-process, or one Redis)."""
    keys = Keys(f"ev-{uuid.uuid4().hex[:12]}")
    if request.param == "embedded":
        server = fakeredis.FakeServer()

        def connect() -> Any:
            return fakeredis.FakeAsyncRedis(server=server, decode_responses=True)

        backend = "embedded"
    else:
        srv: RedisServer = request.getfixturevalue("redis_srv")

        def connect() -> Any:
            return aioredis.from_url(srv.url, decode_responses=True)

        backend = "redis"
    opened = [await open_client(RedisStore(connect(), keys, backend=backend)) for _ in range(2)]
    try:
        yield opened[0][0], opened[1][0]
    finally:
        if backend == "redis":
            await opened[0][0].gateway.store.reset()
        for c, channel in opened:
            await c.http.close()
            await channel.close()
            await c.gateway.stop(0.5)


async def test_events_of_one_replica_reach_subscribers_on_every_replica(
    replicas: tuple[Client, Client],
) -> None:
    a, b = replicas
    on_a = await subscribe(a, event_types=["job.enqueued"])
    on_b = await subscribe(b, event_types=["job.enqueued"])
    from_b = (await b.stub.Enqueue(enqueue_req("shared"))).job
    _, body = await a.post("/ojs/v1/jobs", {"type": "x.y", "args": [], "options": {"queue": "q"}})
    from_a = body["job"]["id"]
    for call in (on_a, on_b):
        got = [(await next_event(call)).job_id for _ in range(2)]
        call.cancel()
        assert got == [from_b.id, from_a]


# -- keepalive --------------------------------------------------------------------------------


async def armed(client: Client, keepalive_s: float, before: int) -> None:
    """Wait until one more keepalive timer ends ``keepalive_s`` from now than ``before``."""
    clock = client.clock
    await eventually(
        lambda: clock.wake_times.count(clock.now_ms() + int(keepalive_s * 1000)) > before
    )


async def test_keepalive_on_an_idle_stream_follows_the_injected_clock(client: Client) -> None:
    clock, period = client.clock, DEFAULT_KEEPALIVE_S
    assert period <= 30  # the binding's bound
    timers = clock.wake_times.count(clock.now_ms() + int(period * 1000))
    # A filter that matches nothing still gets keepalives: they are about the stream.
    call = await subscribe(client, event_types=["job.completed"])
    await armed(client, period, timers)
    await clock.advance(int(period * 1000) - 1)
    read = asyncio.ensure_future(call.read())
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(asyncio.shield(read), 0.3)
    await clock.advance(1)
    first = await asyncio.wait_for(read, 5)
    assert first.type == "stream.keepalive" and first.id.startswith("evt_")
    assert first.timestamp.ToMilliseconds() == clock.now_ms()

    # A delivered event restarts the idle period: the next keepalive comes a full period later.
    await armed(client, period, timers)
    await clock.advance(20_000)
    job = (await client.stub.Enqueue(enqueue_req("ka"))).job
    await fetch_one(client, "ka")
    await client.stub.Ack(worker_pb2.AckRequest(job_id=job.id))
    event = await asyncio.wait_for(call.read(), 5)
    assert (event.type, event.job_id) == ("job.completed", job.id)
    await armed(client, period, timers)
    await clock.advance(20_000)
    read = asyncio.ensure_future(call.read())
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(asyncio.shield(read), 0.3)
    await clock.advance(int(period * 1000) - 20_000)
    assert (await asyncio.wait_for(read, 5)).type == "stream.keepalive"
    call.cancel()


# -- resume -----------------------------------------------------------------------------------


async def test_last_event_id_resumes_after_that_event(client: Client) -> None:
    events = client.gateway.events
    live = await subscribe(client, queues=["resume"])  # keeps the fan-out reader running
    for n in range(3):
        await events.emit_event("test.tick", queue="resume", n=n)
    _, page = await client.get("/ojs/v1/events?queues=resume&limit=1")
    first_cursor = page["cursor"]
    call = await subscribe(client, metadata=[("x-ojs-last-event-id", first_cursor)])
    await events.emit_event("test.tick", queue="resume", n=3)
    got = [data(await next_event(call))["n"] for _ in range(3)]
    assert [data(await next_event(live))["n"] for _ in range(4)] == [0, 1, 2, 3]
    for c in (call, live):
        c.cancel()
    assert got == [1, 2, 3]


async def test_a_last_event_id_that_is_no_cursor_is_refused(client: Client) -> None:
    call = client.stub.StreamEvents(
        events_pb2.StreamEventsRequest(), metadata=[("x-ojs-last-event-id", "evt_nope")]
    )
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call.read()
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert not client.gateway.events.subscriptions


async def test_a_closed_stream_leaves_no_subscription(client: Client) -> None:
    call = await subscribe(client)
    assert len(client.gateway.events.subscriptions) == 1
    call.cancel()
    await eventually(lambda: not client.gateway.events.subscriptions)


# -- slow subscriber --------------------------------------------------------------------------


async def flood(client: Client, start: int, stop: int) -> None:
    """Append ticks ``start..stop-1`` in order, a thousand per round trip."""
    store = client.gateway.store
    for first in range(start, stop, 1_000):
        async with store.client.pipeline(transaction=False) as pipe:
            batch = EventLog(pipe, store.keys, client.clock, max_events=10 * stop)
            for n in range(first, min(first + 1_000, stop)):
                await batch.emit_event("test.tick", queue="flood", n=n)
            await pipe.execute()


async def test_a_slow_subscriber_loses_its_oldest_events_not_memory(redis_srv: RedisServer) -> None:
    # The log keeps every event here, so what the subscriber lost can be counted exactly.
    total, warmup = 50_000, 5_000
    store = RedisStore(
        aioredis.from_url(redis_srv.url, decode_responses=True), Keys(f"ev-{uuid.uuid4().hex[:8]}")
    )
    client, channel = await open_client(store, Settings(max_events=total * 2))
    # Without BDP probing the client's HTTP/2 window stays at 64 KiB, so gRPC flow control
    # stops the sender after a few hundred events rather than a few MiB.
    slow_channel = grpc.aio.insecure_channel(
        f"127.0.0.1:{client.gateway.grpc_port}", options=[("grpc.http2.bdp_probe", 0)]
    )
    try:
        call = await subscribe(
            replace(client, stub=service_pb2_grpc.OJSServiceStub(slow_channel)), queues=["flood"]
        )  # and then does not read
        (sub,) = client.gateway.events.subscriptions
        capacity = DEFAULT_BUFFER_EVENTS
        assert sub.capacity == capacity

        def caught_up(n: int, s: Subscription = sub) -> Callable[[], bool]:
            return lambda: s.delivered + s.buffered + s.dropped_total == n

        await flood(client, 0, warmup)
        await eventually(caught_up(warmup))
        assert sub.dropped_total > 0  # the flood outran the sender
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            peak_buffered = 0
            for start in range(warmup, total, 5_000):
                await flood(client, start, start + 5_000)
                await eventually(caught_up(start + 5_000))
                peak_buffered = max(peak_buffered, sub.buffered)
            grown = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        # 45,000 more events kept would take tens of MB; a bounded buffer holds the same
        # number of (newer) events as before.
        assert grown < 4 * 1024 * 1024, f"memory grew by {grown} bytes"
        # Full, never over (the sender, stopped by flow control, may still take a stray one).
        assert peak_buffered == capacity and sub.buffered <= capacity
        assert sub.dropped_total == total - sub.buffered - sub.delivered > total - 2 * capacity

        # The subscriber reads again: every loss is announced by one marker right where it
        # happened, with its size, and the newest events survived.
        got = await read_until(call, lambda e: e.type == "test.tick" and data(e)["n"] == total - 1)
        assert got[0].type == "test.tick" and data(got[0])["n"] == 0
        previous, dropped_total = 0, 0
        for i, event in enumerate(got[1:], start=1):
            if event.type == "stream.dropped":
                marker, following = data(event), int(data(got[i + 1])["n"])
                assert marker["dropped"] == following - previous - 1 > 0
                dropped_total += marker["dropped"]
                assert marker["dropped_total"] == dropped_total
                # Its cursors bracket the gap: the log re-reads it from `after`.
                _, page = await client.get(f"/ojs/v1/events?after={marker['after']}&limit=1")
                assert page["events"][0]["data"]["n"] == previous + 1
                _, page = await client.get(f"/ojs/v1/events?after={marker['before']}&limit=1")
                assert page["events"][0]["data"]["n"] == following + 1
            else:
                assert event.type == "test.tick"
                n = int(data(event)["n"])
                assert n == previous + 1 or got[i - 1].type == "stream.dropped"
                previous = n
        ticks = [int(data(e)["n"]) for e in got if e.type == "test.tick"]
        # The newest survived. If the stalled sender's last take was a marker, the event it
        # names stays pinned at the head of the buffer (the marker must be followed by it),
        # so only capacity - 1 slots are certain to hold the newest events.
        assert ticks[-(capacity - 1) :] == list(range(total - capacity + 1, total))
        if ticks[-capacity] != total - capacity:
            pinned = next(
                i
                for i, e in enumerate(got)
                if e.type == "test.tick" and data(e)["n"] == ticks[-capacity]
            )
            assert got[pinned - 1].type == got[pinned + 1].type == "stream.dropped"
        assert dropped_total == sub.dropped_total == total - len(ticks)

        # And it keeps receiving new events.
        await client.gateway.events.emit_event("test.tick", queue="flood", n=total)
        assert data(await next_event(call))["n"] == total
        call.cancel()
    finally:
        await client.http.close()
        await slow_channel.close()
        await channel.close()
        await store.reset()
        await client.gateway.stop(0.5)
