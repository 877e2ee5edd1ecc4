"""Both bindings on one store: cross-binding delivery, bad input, lease tokens."""

from __future__ import annotations

import asyncio
from typing import Any

import grpc
import pytest
from google.protobuf import duration_pb2
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from ojs_grpc._proto.ojs.v1 import job_pb2, queue_pb2, service_pb2, worker_pb2
from tests.integration.conftest import Client

pytestmark = pytest.mark.timeout(60)


def rich(err: grpc.aio.AioRpcError) -> tuple[str, dict[str, str], list[str]]:
    """(ErrorInfo reason, ErrorInfo metadata, BadRequest fields) of a failed call."""
    status = rpc_status.from_call(err)
    assert status is not None, "error carries no google.rpc.Status"
    reason, metadata, fields = "", {}, []
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            assert info.domain == "openjobspec.org"
            reason, metadata = info.reason, dict(info.metadata)
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            br = error_details_pb2.BadRequest()
            detail.Unpack(br)
            fields = [v.field for v in br.field_violations]
    return reason, metadata, fields


async def grpc_error(call: Any) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call
    return info.value


def enqueue_req(
    job_type: str = "email.send", queue: str = "q", **opts: Any
) -> job_pb2.EnqueueRequest:
    req = job_pb2.EnqueueRequest(type=job_type, options=job_pb2.EnqueueOptions(queue=queue, **opts))
    req.args.add().string_value = "to@example.com"
    return req


async def test_job_enqueued_over_http_is_fetched_over_grpc(client: Client) -> None:
    status, body = await client.post(
        "/ojs/v1/jobs", {"type": "email.send", "args": ["a@b.c", 3], "options": {"queue": "mail"}}
    )
    assert status == 201
    job_id = body["job"]["id"]
    fetched = await client.stub.Fetch(worker_pb2.FetchRequest(queues=["mail"], worker_id="w1"))
    assert [j.id for j in fetched.jobs] == [job_id]
    assert fetched.jobs[0].args[1].number_value == 3
    ack = worker_pb2.AckRequest(job_id=job_id)
    ack.result.fields["sent"].bool_value = True
    assert (await client.stub.Ack(ack)).acknowledged
    status, body = await client.get(f"/ojs/v1/jobs/{job_id}")
    assert (status, body["job"]["state"], body["job"]["result"]) == (
        200,
        "completed",
        {"sent": True},
    )


async def test_job_enqueued_over_grpc_is_fetched_over_http(client: Client) -> None:
    resp = await client.stub.Enqueue(enqueue_req(queue="mail"))
    status, body = await client.post("/ojs/v1/workers/fetch", {"queues": ["mail"]})
    assert status == 200
    assert [j["id"] for j in body["jobs"]] == [resp.job.id]
    assert body["jobs"][0]["args"] == ["to@example.com"]
    status, body = await client.post("/ojs/v1/workers/ack", {"job_id": resp.job.id})
    assert (status, body["state"]) == (200, "completed")
    got = await client.stub.GetJob(job_pb2.GetJobRequest(job_id=resp.job.id))
    assert got.job.state == job_pb2.JOB_STATE_COMPLETED


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"type": "Email.Send", "args": []}, 400, "invalid_request", "type"),
        (
            {"type": "email", "args": [], "options": {"queue": "My_Queue"}},
            400,
            "invalid_request",
            "options.queue",
        ),
        ({"type": "email", "args": {"to": "x"}}, 400, "invalid_request", "args"),
        (
            {"type": "email", "args": [], "options": {"priority": 101}},
            400,
            "invalid_request",
            "options.priority",
        ),
        (
            {"type": "email", "args": [], "options": {"timeout_ms": -5}},
            400,
            "invalid_request",
            "options.timeout_ms",
        ),
        (
            {"type": "email", "args": [], "options": {"retry": {"initial_interval": "soon"}}},
            422,
            "invalid_request",
            "options.retry.initial_interval",
        ),
        (
            {"type": "email", "args": [], "options": {"delay_until": "2030-01-01T00:00:00"}},
            400,
            "invalid_request",
            "options.scheduled_at",
        ),
        (
            {"type": "email", "args": [], "options": {"retry": {"max_attempts": -1}}},
            422,
            "invalid_request",
            "options.retry.max_attempts",
        ),
        ({"type": "email", "args": ["x" * 70_000]}, 413, "payload_too_large", "args"),
    ],
)
async def test_http_rejects_invalid_enqueue(
    client: Client, body: dict[str, Any], status: int, code: str, field: str
) -> None:
    got_status, got = await client.post("/ojs/v1/jobs", body)
    assert got_status == status, got
    assert got["error"]["code"] == code
    assert got["error"]["message"]
    assert got["error"]["details"]["field"] == field
    assert (await client.gateway.store.queues()) == set()  # nothing was written


async def test_http_body_errors(client: Client) -> None:
    async with client.http.post(
        client.base + "/ojs/v1/jobs",
        data=b"{not json",
        headers={"Content-Type": "application/json"},
    ) as r:
        assert r.status == 400
        assert (await r.json(content_type=None))["error"]["code"] == "invalid_payload"
    status, body = await client.get("/ojs/v1/jobs/01890000-0000-7000-8000-000000000000")
    assert (status, body["error"]["code"]) == (404, "not_found")
    status, body = await client.get("/ojs/v1/nowhere")
    assert (status, body["error"]["code"]) == (404, "not_found")


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (enqueue_req(job_type="Email.Send"), "type"),
        (enqueue_req(queue="My_Queue"), "options.queue"),
        (enqueue_req(priority=-101), "options.priority"),
        (enqueue_req(timeout=duration_pb2.Duration(seconds=-1)), "options.timeout"),
        (
            enqueue_req(retry=job_pb2.RetryPolicy(max_interval=duration_pb2.Duration(seconds=-3))),
            "options.retry.max_interval",
        ),
        (
            enqueue_req(retry=job_pb2.RetryPolicy(backoff_coefficient=0.5)),
            "options.retry.backoff_coefficient",
        ),
    ],
)
async def test_grpc_rejects_invalid_enqueue(
    client: Client, request_: job_pb2.EnqueueRequest, field: str
) -> None:
    err = await grpc_error(client.stub.Enqueue(request_))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert err.details()
    reason, metadata, fields = rich(err)
    assert (reason, metadata["retryable"], fields) == ("invalid_request", "false", [field])
    assert (await client.gateway.store.queues()) == set()


async def test_grpc_rejects_oversized_job(client: Client) -> None:
    req = enqueue_req()
    req.args.add().string_value = "x" * 70_000
    err = await grpc_error(client.stub.Enqueue(req))
    assert err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert rich(err)[0] == "payload_too_large"


async def test_unknown_ids_and_illegal_transitions_on_both_bindings(client: Client) -> None:
    missing = "01890000-0000-7000-8000-000000000000"
    for call in (
        client.stub.GetJob(job_pb2.GetJobRequest(job_id=missing)),
        client.stub.CancelJob(job_pb2.CancelJobRequest(job_id=missing)),
        client.stub.Ack(worker_pb2.AckRequest(job_id=missing)),
        client.stub.RetryDeadLetter(queue_pb2.RetryDeadLetterRequest(job_id=missing)),
    ):
        err = await grpc_error(call)
        assert err.code() == grpc.StatusCode.NOT_FOUND
        assert rich(err)[0] == "not_found"
    job = (await client.stub.Enqueue(enqueue_req())).job
    err = await grpc_error(client.stub.Ack(worker_pb2.AckRequest(job_id=job.id)))
    assert err.code() == grpc.StatusCode.FAILED_PRECONDITION
    reason, metadata, _ = rich(err)
    assert (reason, metadata["current_state"]) == ("invalid_state", "available")
    status, body = await client.post(
        "/ojs/v1/workers/nack", {"job_id": job.id, "error": {"message": "x"}}
    )
    assert (status, body["error"]["code"]) == (409, "conflict")
    got = await client.stub.GetJob(job_pb2.GetJobRequest(job_id=job.id))
    assert (got.job.state, got.job.attempt) == (job_pb2.JOB_STATE_AVAILABLE, 0)


async def test_stale_lease_token_is_refused_on_both_bindings(client: Client) -> None:
    status, body = await client.post(
        "/ojs/v1/jobs",
        {
            "type": "report.build",
            "args": [],
            "options": {"queue": "lease", "visibility_timeout_ms": 1000},
        },
    )
    job_id = body["job"]["id"]
    first = await client.stub.Fetch(worker_pb2.FetchRequest(queues=["lease"], worker_id="w1"))
    assert first.jobs[0].attempt == 1
    # The first worker goes silent: its lease ends and the job is delivered again.
    await client.clock.advance(1001)
    await client.gateway.maintenance.run_once()
    second = await client.stub.Fetch(worker_pb2.FetchRequest(queues=["lease"], worker_id="w2"))
    assert (second.jobs[0].id, second.jobs[0].attempt) == (job_id, 2)

    stale = [("x-ojs-lease-token", "1")]
    err = await grpc_error(client.stub.Ack(worker_pb2.AckRequest(job_id=job_id), metadata=stale))
    assert err.code() == grpc.StatusCode.FAILED_PRECONDITION
    beat = worker_pb2.HeartbeatRequest(id=job_id, worker_id="w1")
    err = await grpc_error(client.stub.Heartbeat(beat, metadata=stale))
    assert err.code() == grpc.StatusCode.FAILED_PRECONDITION
    status, body = await client.post(
        "/ojs/v1/workers/nack",
        {"job_id": job_id, "error": {"message": "late"}},
        **{"X-OJS-Lease-Token": "1"},
    )
    assert (status, body["error"]["code"]) == (409, "conflict")
    got = await client.stub.GetJob(job_pb2.GetJobRequest(job_id=job_id))
    assert (got.job.state, got.job.attempt) == (job_pb2.JOB_STATE_ACTIVE, 2)
    assert [e.code for e in got.job.errors] == ["visibility_timeout"]

    ok = await client.stub.Ack(
        worker_pb2.AckRequest(job_id=job_id), metadata=[("x-ojs-lease-token", "2")]
    )
    assert ok.acknowledged


async def test_heartbeat_extends_the_lease(client: Client) -> None:
    job = (
        await client.stub.Enqueue(enqueue_req(visibility_timeout=duration_pb2.Duration(seconds=2)))
    ).job
    await client.stub.Fetch(worker_pb2.FetchRequest(queues=["q"], worker_id="w1"))
    await client.clock.advance(1500)
    beat = await client.stub.Heartbeat(
        worker_pb2.HeartbeatRequest(
            id=job.id, worker_id="w1", extend_by=duration_pb2.Duration(seconds=5)
        )
    )
    assert beat.directed_state == worker_pb2.WORKER_STATE_RUNNING
    assert beat.new_deadline.ToMilliseconds() == client.clock.now_ms() + 5000
    await client.clock.advance(3000)  # past the original 2 s lease, inside the extended one
    await client.gateway.maintenance.run_once()
    got = await client.stub.GetJob(job_pb2.GetJobRequest(job_id=job.id))
    assert (got.job.state, got.job.attempt) == (job_pb2.JOB_STATE_ACTIVE, 1)


async def test_grpc_metadata_health_and_reflection(client: Client) -> None:
    call = client.stub.Manifest(
        service_pb2.ManifestRequest(), metadata=[("x-ojs-request-id", "req-42")]
    )
    manifest = await call
    md = dict(await call.initial_metadata())
    assert md["x-ojs-request-id"] == "req-42"
    assert md["x-ojs-server-version"] == manifest.implementation.version
    assert md["x-ojs-conformance-level"] == str(manifest.conformance_level)
    assert list(manifest.protocols) == ["http", "grpc"]
    health = await client.stub.Health(service_pb2.HealthRequest())
    assert health.status == service_pb2.HEALTH_STATUS_OK

    from grpc_health.v1 import health_pb2, health_pb2_grpc
    from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

    channel = grpc.aio.insecure_channel(f"127.0.0.1:{client.gateway.grpc_port}")
    try:
        hstub = health_pb2_grpc.HealthStub(channel)
        for name in ("", "ojs.v1.OJSService"):
            resp = await hstub.Check(health_pb2.HealthCheckRequest(service=name))
            assert resp.status == health_pb2.HealthCheckResponse.SERVING
        rstub = reflection_pb2_grpc.ServerReflectionStub(channel)
        replies = rstub.ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")])
        )
        names = [s.name async for r in replies for s in r.list_services_response.service]
        assert "ojs.v1.OJSService" in names
    finally:
        await channel.close()


async def test_stream_jobs_is_served_and_checks_its_request(client: Client) -> None:
    # Every RPC is implemented, the optional StreamJobs too (tests/integration/
    # test_stream_jobs.py); a stream without the required worker_id is refused.
    with pytest.raises(grpc.aio.AioRpcError) as info:
        async for _ in client.stub.StreamJobs(worker_pb2.StreamJobsRequest(queues=["q"])):
            pass
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert rich(info.value)[0] == "invalid_request"
    job = (await client.stub.Enqueue(enqueue_req())).job
    stream = client.stub.StreamJobs(worker_pb2.StreamJobsRequest(queues=["q"], worker_id="w1"))
    got = await asyncio.wait_for(stream.read(), 5)
    stream.cancel()
    assert (got.id, got.state) == (job.id, job_pb2.JOB_STATE_ACTIVE)


async def test_worker_heartbeat_extends_every_lease_it_holds(client: Client) -> None:
    for _ in range(2):
        await client.stub.Enqueue(enqueue_req(visibility_timeout=duration_pb2.Duration(seconds=2)))
    fetched = await client.stub.Fetch(
        worker_pb2.FetchRequest(queues=["q"], count=2, worker_id="w9")
    )
    assert len(fetched.jobs) == 2
    await client.stub.Ack(worker_pb2.AckRequest(job_id=fetched.jobs[0].id))
    await client.clock.advance(1500)
    beat = await client.stub.Heartbeat(
        worker_pb2.HeartbeatRequest(worker_id="w9", extend_by=duration_pb2.Duration(seconds=10))
    )
    assert beat.new_deadline.ToMilliseconds() == client.clock.now_ms() + 10_000
    await client.clock.advance(5000)
    await client.gateway.maintenance.run_once()
    got = await client.stub.GetJob(job_pb2.GetJobRequest(job_id=fetched.jobs[1].id))
    assert (got.job.state, got.job.attempt) == (job_pb2.JOB_STATE_ACTIVE, 1)


async def test_request_over_the_size_limit(client: Client) -> None:
    limit = client.gateway.settings.max_request_bytes
    big = {"type": "email", "args": ["x" * (limit + 10)]}
    status, body = await client.post("/ojs/v1/jobs", big)
    assert (status, body["error"]["code"]) == (413, "payload_too_large")
    req = enqueue_req()
    req.args.add().string_value = "x" * (limit + 10)
    err = await grpc_error(client.stub.Enqueue(req))
    assert err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


async def test_stream_events_delivers_filtered_events_from_both_bindings(client: Client) -> None:
    from ojs_grpc._proto.ojs.v1 import events_pb2

    stream = client.stub.StreamEvents(
        events_pb2.StreamEventsRequest(queues=["watched"], event_types=["job.enqueued"])
    )
    md = dict(await stream.initial_metadata())  # sent once the subscription is in place
    assert md["x-ojs-conformance-level"]
    await client.stub.Enqueue(enqueue_req(queue="other"))
    _, body = await client.post(
        "/ojs/v1/jobs", {"type": "a.b", "args": [], "options": {"queue": "watched"}}
    )
    grpc_job = (await client.stub.Enqueue(enqueue_req(queue="watched"))).job
    got = [await asyncio.wait_for(stream.read(), 5) for _ in range(2)]
    stream.cancel()
    assert [e.job_id for e in got] == [body["job"]["id"], grpc_job.id]
    assert {e.type for e in got} == {"job.enqueued"}
    assert got[1].data.fields["queue"].string_value == "watched"


async def test_shutdown_ends_event_streams_with_unavailable() -> None:
    import time

    from ojs_grpc._proto.ojs.v1 import events_pb2
    from ojs_grpc.config import Settings
    from ojs_grpc.store.embedded import embedded_store
    from tests.integration.conftest import open_client

    c, channel = await open_client(embedded_store(), Settings())
    try:
        stream = c.stub.StreamEvents(events_pb2.StreamEventsRequest())
        await stream.initial_metadata()
        started = time.monotonic()
        stopping = asyncio.create_task(c.gateway.stop(grace=10))
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await asyncio.wait_for(stream.read(), 5)
        assert info.value.code() == grpc.StatusCode.UNAVAILABLE
        await stopping
        assert time.monotonic() - started < 5  # the stream did not hold the 10 s grace
    finally:
        await c.http.close()
        await channel.close()
