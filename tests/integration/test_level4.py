"""Level 4 over both bindings on both stores: batches, queue stats, pause/resume, unique jobs,
rate limits (semantics Part E §10; http §5.3, §5.4, §5.12)."""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from google.protobuf import duration_pb2

from ojs_grpc._proto.ojs.v1 import job_pb2, queue_pb2, service_pb2, worker_pb2
from ojs_grpc.cli import build_parser, settings_from_args
from ojs_grpc.store.embedded import embedded_store
from tests.integration.conftest import Client, open_client
from tests.integration.test_bindings import grpc_error, rich

pytestmark = pytest.mark.timeout(120)


def entry(job_type: str = "bulk.job", queue: str = "bulk", **opts: Any) -> job_pb2.BatchJobEntry:
    e = job_pb2.BatchJobEntry(type=job_type, options=job_pb2.EnqueueOptions(queue=queue, **opts))
    e.args.add().number_value = 1
    return e


def http_job(i: int, queue: str = "bulk", **options: Any) -> dict[str, Any]:
    return {"type": "bulk.job", "args": [{"i": i}], "options": {"queue": queue, **options}}


async def stored_jobs(client: Client) -> int:
    store = client.gateway.store
    total = 0
    for queue in await store.queues():
        total += await store.client.hlen(store.keys.queue(queue).key("jobs"))
    return total


async def stats(client: Client, queue: str) -> tuple[dict[str, Any], queue_pb2.QueueStatistics]:
    status, body = await client.get(f"/ojs/v1/queues/{queue}/stats")
    assert status == 200, body
    resp = await client.stub.QueueStats(queue_pb2.QueueStatsRequest(queue=queue))
    assert resp.queue == queue
    return body, resp.stats


def unique_opts(action: int, **kw: Any) -> job_pb2.UniquePolicy:
    return job_pb2.UniquePolicy(key=["type", "args"], on_conflict=action, **kw)


def unique_req(action: int, arg: str = "same", **kw: Any) -> job_pb2.EnqueueRequest:
    req = job_pb2.EnqueueRequest(
        type="uniq.job",
        options=job_pb2.EnqueueOptions(queue="uq", unique=unique_opts(action, **kw)),
    )
    req.args.add().string_value = arg
    return req


# -- batch enqueue --------------------------------------------------------------------------


async def test_http_batch_of_1000_in_order(client: Client) -> None:
    status, body = await client.post(
        "/ojs/v1/jobs/batch", {"jobs": [http_job(i) for i in range(1000)]}
    )
    assert status == 201, body
    assert body["count"] == 1000 == len(body["jobs"])
    assert [j["args"][0]["i"] for j in body["jobs"]] == list(range(1000))
    assert {j["state"] for j in body["jobs"]} == {"available"}
    fetched = await client.stub.Fetch(worker_pb2.FetchRequest(queues=["bulk"], count=3))
    assert [j.id for j in fetched.jobs] == [j["id"] for j in body["jobs"][:3]]
    http_stats, grpc_stats = await stats(client, "bulk")
    assert (http_stats["queue"]["available"], grpc_stats.available) == (997, 997)


async def test_grpc_batch_merges_default_options_field_by_field(client: Client) -> None:
    req = job_pb2.EnqueueBatchRequest(
        default_options=job_pb2.EnqueueOptions(queue="dq", priority=5, tags=["d"]),
        jobs=[
            job_pb2.BatchJobEntry(type="a.job"),
            job_pb2.BatchJobEntry(
                type="b.job", options=job_pb2.EnqueueOptions(priority=9, tags=["own"])
            ),
            job_pb2.BatchJobEntry(type="c.job", options=job_pb2.EnqueueOptions(queue="other")),
        ],
    )
    resp = await client.stub.EnqueueBatch(req)
    assert resp.count == 3
    got = [(j.type, j.queue, j.priority, list(j.tags)) for j in resp.jobs]
    assert got == [
        ("a.job", "dq", 5, ["d"]),
        ("b.job", "dq", 9, ["own"]),
        ("c.job", "other", 5, ["d"]),
    ]
    assert {j.state for j in resp.jobs} == {job_pb2.JOB_STATE_AVAILABLE}


async def test_http_batch_options_are_defaults(client: Client) -> None:
    status, body = await client.post(
        "/ojs/v1/jobs/batch",
        {
            "options": {"queue": "dflt", "priority": 3},
            "jobs": [
                {"type": "a.job", "args": []},
                {"type": "b.job", "args": [], "options": {"priority": -3}},
            ],
        },
    )
    assert status == 201, body
    assert [(j["queue"], j["priority"]) for j in body["jobs"]] == [("dflt", 3), ("dflt", -3)]


async def test_http_batch_with_one_invalid_job_enqueues_nothing(client: Client) -> None:
    jobs = [http_job(0), http_job(1), {"args": [2], "options": {"queue": "bulk"}}, http_job(3)]
    status, body = await client.post("/ojs/v1/jobs/batch", {"jobs": jobs})
    assert status == 400, body
    error = body["error"]
    assert (error["code"], error["details"]["index"]) == ("invalid_request", 2)
    assert error["details"]["field"] == "jobs[2].type"
    assert "jobs[2].type" in error["message"]
    assert await stored_jobs(client) == 0
    assert await client.gateway.store.queues() == set()
    # a semantic (service-level) error names the index too
    jobs[2] = http_job(2, queue="Bad_Queue")
    status, body = await client.post("/ojs/v1/jobs/batch", {"jobs": jobs})
    assert (status, body["error"]["details"]["field"]) == (400, "jobs[2].options.queue")
    assert await stored_jobs(client) == 0


async def test_grpc_batch_with_one_invalid_job_enqueues_nothing(client: Client) -> None:
    req = job_pb2.EnqueueBatchRequest(
        jobs=[entry(), entry(), entry(), entry(job_type="Bad.Type"), entry()]
    )
    err = await grpc_error(client.stub.EnqueueBatch(req))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
    reason, metadata, fields = rich(err)
    assert (reason, metadata["index"], fields) == ("invalid_request", "3", ["jobs[3].type"])
    assert "jobs[3].type" in err.details()
    bad_policy = entry(retry=job_pb2.RetryPolicy(backoff_coefficient=0.5))
    err = await grpc_error(
        client.stub.EnqueueBatch(job_pb2.EnqueueBatchRequest(jobs=[entry(), bad_policy]))
    )
    assert rich(err)[2] == ["jobs[1].options.retry.backoff_coefficient"]
    assert await stored_jobs(client) == 0


async def test_batch_over_the_maximum_is_refused(client: Client) -> None:
    limit = client.gateway.settings.max_batch_size
    assert limit == 1000
    status, body = await client.post(
        "/ojs/v1/jobs/batch", {"jobs": [{"type": "t", "args": []}] * (limit + 1)}
    )
    assert (status, body["error"]["code"], body["error"]["details"]["field"]) == (
        400,
        "invalid_request",
        "jobs",
    )
    err = await grpc_error(
        client.stub.EnqueueBatch(
            job_pb2.EnqueueBatchRequest(jobs=[job_pb2.BatchJobEntry(type="t")] * (limit + 1))
        )
    )
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "1001" in err.details()
    status, body = await client.post("/ojs/v1/jobs/batch", {"jobs": []})
    assert status == 400
    assert await stored_jobs(client) == 0


async def test_cross_queue_batch_is_all_or_nothing(client: Client) -> None:
    policy = {"keys": ["type"], "on_conflict": "reject"}
    status, body = await client.post(
        "/ojs/v1/jobs",
        {"type": "once.job", "args": [], "options": {"queue": "q2", "unique": policy}},
    )
    existing = body["job"]["id"]
    jobs = [
        http_job(0, queue="q1"),
        http_job(1, queue="q2"),
        http_job(2, queue="q1"),
        {"type": "once.job", "args": [], "options": {"queue": "q2", "unique": policy}},
    ]
    status, body = await client.post("/ojs/v1/jobs/batch", {"jobs": jobs})
    assert status == 409, body
    assert body["error"]["code"] == "duplicate"
    assert body["error"]["details"] == {"existing_job_id": existing, "index": 3}
    assert await stored_jobs(client) == 1  # q1's part was staged, then discarded
    fetched = await client.stub.Fetch(worker_pb2.FetchRequest(queues=["q1", "q2"], count=5))
    assert [j.id for j in fetched.jobs] == [existing]

    status, body = await client.post("/ojs/v1/jobs/batch", {"jobs": jobs[:3]})
    assert status == 201, body
    assert [(j["queue"], j["args"][0]["i"]) for j in body["jobs"]] == [
        ("q1", 0),
        ("q2", 1),
        ("q1", 2),
    ]
    fetched = await client.stub.Fetch(worker_pb2.FetchRequest(queues=["q1", "q2"], count=5))
    assert [j.id for j in fetched.jobs] == [body["jobs"][i]["id"] for i in (0, 2, 1)]


async def test_duplicate_client_ids_in_a_batch(client: Client) -> None:
    job_id = "01990000-0000-7000-8000-000000000001"
    jobs = [{"id": job_id, "type": "a", "args": []}, {"id": job_id, "type": "b", "args": []}]
    status, body = await client.post("/ojs/v1/jobs/batch", {"jobs": jobs})
    assert (status, body["error"]["details"]["index"]) == (400, 1)
    status, _ = await client.post("/ojs/v1/jobs", jobs[0])
    assert status == 201
    status, body = await client.post("/ojs/v1/jobs/batch", {"jobs": [jobs[1]]})
    assert (status, body["error"]["code"], body["error"]["details"]["index"]) == (
        409,
        "duplicate",
        0,
    )
    assert await stored_jobs(client) == 1


# -- queue stats ----------------------------------------------------------------------------


async def test_stats_are_exact_per_state_on_both_bindings(client: Client) -> None:
    queue = "st"
    dead_policy = job_pb2.RetryPolicy(max_attempts=1, on_exhaustion="dead_letter")
    for i in range(6):
        req = job_pb2.EnqueueRequest(
            type="stats.job",
            options=job_pb2.EnqueueOptions(queue=queue, retry=dead_policy if i == 1 else None),
        )
        await client.stub.Enqueue(req)
    later = job_pb2.EnqueueOptions(queue=queue)
    later.delay_until.FromMilliseconds(client.clock.now_ms() + 3_600_000)
    await client.stub.Enqueue(job_pb2.EnqueueRequest(type="stats.job", options=later))
    await client.clock.advance(200)  # time waited in `available`
    jobs = (await client.stub.Fetch(worker_pb2.FetchRequest(queues=[queue], count=4))).jobs
    await client.clock.advance(1000)  # time spent running
    await client.stub.Ack(worker_pb2.AckRequest(job_id=jobs[0].id))
    for job in jobs[1:3]:  # jobs[1] goes to the dead letter set, jobs[2] to retryable
        await client.stub.Nack(
            worker_pb2.NackRequest(job_id=job.id, error=job_pb2.JobError(message="boom"))
        )
    body, st = await stats(client, queue)
    expected = {"available": 2, "active": 1, "scheduled": 1, "retryable": 1, "dead": 1}
    assert {k: body["queue"][k] for k in expected} == expected
    assert {k: getattr(st, k) for k in expected} == expected
    assert (body["queue"]["completed"], body["queue"]["discarded"]) == (1, 1)
    assert (body["queue"]["name"], body["queue"]["paused"], st.paused) == (queue, False, False)
    assert (st.completed_last_hour, st.failed_last_hour) == (1, 2)
    assert (st.avg_duration_ms, st.avg_wait_ms) == (1000.0, 200.0)
    assert st.throughput_per_second == pytest.approx(1 / 60)
    assert body["stats"]["completed_last_hour"] == 1
    assert body["stats"]["avg_duration_ms"] == 1000.0
    assert body["computed_at"].endswith("Z")


async def test_stats_of_an_unknown_queue_are_zero_and_names_are_checked(client: Client) -> None:
    body, st = await stats(client, "never-used")
    assert body["queue"]["available"] == 0 and st.available == 0
    status, body = await client.get("/ojs/v1/queues/Bad_Name/stats")
    assert (status, body["error"]["code"]) == (400, "invalid_request")
    err = await grpc_error(client.stub.QueueStats(queue_pb2.QueueStatsRequest(queue="")))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT


# -- pause / resume -------------------------------------------------------------------------


async def test_pause_and_resume_across_bindings(client: Client) -> None:
    status, body = await client.post("/ojs/v1/queues/pq/pause")
    assert status == 200, body
    assert body["queue"]["name"] == "pq" and body["queue"]["paused"] is True
    assert body["queue"]["status"] == "paused" and body["queue"]["paused_at"].endswith("Z")
    await client.stub.PauseQueue(queue_pb2.PauseQueueRequest(queue="pq"))  # idempotent
    status, again = await client.post("/ojs/v1/queues/pq/pause", {})
    assert again["queue"]["paused_at"] == body["queue"]["paused_at"]
    job = await client.stub.Enqueue(job_pb2.EnqueueRequest(type="p.job", options={"queue": "pq"}))
    assert job.job.state == job_pb2.JOB_STATE_AVAILABLE
    status, fetched = await client.post("/ojs/v1/workers/fetch", {"queues": ["pq"]})
    assert (status, fetched["jobs"]) == (200, [])
    assert (await stats(client, "pq"))[1].paused is True

    await client.stub.ResumeQueue(queue_pb2.ResumeQueueRequest(queue="pq"))
    status, body = await client.post("/ojs/v1/queues/pq/resume")
    assert (status, body["queue"]["paused"], body["queue"]["status"]) == (200, False, "active")
    assert "resumed_at" in body["queue"]
    got = await client.stub.Fetch(worker_pb2.FetchRequest(queues=["pq"]))
    assert [j.id for j in got.jobs] == [job.job.id]

    events, _ = await client.gateway.events.read(types={"queue.paused", "queue.resumed"})
    assert [(e.type, e.queue) for e in events] == [("queue.paused", "pq"), ("queue.resumed", "pq")]


async def test_pause_needs_a_valid_name(client: Client) -> None:
    status, body = await client.post("/ojs/v1/queues/NOT_VALID/pause")
    assert (status, body["error"]["code"]) == (400, "invalid_request")
    err = await grpc_error(client.stub.ResumeQueue(queue_pb2.ResumeQueueRequest(queue="-x")))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT


# -- unique jobs ------------------------------------------------------------------------------


async def test_unique_reject_on_both_bindings(client: Client) -> None:
    first = (await client.stub.Enqueue(unique_req(job_pb2.UNIQUE_CONFLICT_ACTION_REJECT))).job
    err = await grpc_error(client.stub.Enqueue(unique_req(job_pb2.UNIQUE_CONFLICT_ACTION_REJECT)))
    assert err.code() == grpc.StatusCode.ALREADY_EXISTS
    reason, metadata, _ = rich(err)
    assert (reason, metadata["existing_job_id"]) == ("duplicate", first.id)
    status, body = await client.post(
        "/ojs/v1/jobs",
        {
            "type": "uniq.job",
            "args": ["same"],
            "options": {"queue": "uq", "unique": {"keys": ["type", "args"]}},
        },
    )
    assert (status, body["error"]["code"]) == (409, "duplicate")
    assert body["error"]["details"]["existing_job_id"] == first.id
    # different args: another job
    other = await client.stub.Enqueue(unique_req(job_pb2.UNIQUE_CONFLICT_ACTION_REJECT, "else"))
    assert other.job.id != first.id
    assert other.job.unique_policy.on_conflict == job_pb2.UNIQUE_CONFLICT_ACTION_REJECT
    assert await stored_jobs(client) == 2


async def test_unique_ignore_answers_with_the_existing_job(client: Client) -> None:
    action = job_pb2.UNIQUE_CONFLICT_ACTION_IGNORE
    first = (await client.stub.Enqueue(unique_req(action))).job
    again = (await client.stub.Enqueue(unique_req(action))).job
    assert (again.id, again.state) == (first.id, job_pb2.JOB_STATE_AVAILABLE)
    body = {
        "type": "uniq.job",
        "args": ["same"],
        "options": {"queue": "uq", "unique": {"keys": ["type", "args"], "on_conflict": "ignore"}},
    }
    status, got = await client.post("/ojs/v1/jobs", body)
    assert (status, got["job"]["id"], got["deduplicated"]) == (200, first.id, True)
    assert await stored_jobs(client) == 1


async def test_unique_replace_over_grpc(client: Client) -> None:
    action = job_pb2.UNIQUE_CONFLICT_ACTION_REPLACE
    first = (await client.stub.Enqueue(unique_req(action))).job
    second = (await client.stub.Enqueue(unique_req(action))).job
    assert second.id != first.id
    old = await client.stub.GetJob(job_pb2.GetJobRequest(job_id=first.id))
    assert old.job.state == job_pb2.JOB_STATE_CANCELLED
    events, _ = await client.gateway.events.read(types={"job.cancelled"})
    assert [e.job_id for e in events] == [first.id]


async def test_unique_period_and_states(client: Client) -> None:
    action = job_pb2.UNIQUE_CONFLICT_ACTION_REJECT
    policy = {"period": duration_pb2.Duration(seconds=2)}
    first = (await client.stub.Enqueue(unique_req(action, **policy))).job
    await client.clock.advance(1999)
    await grpc_error(client.stub.Enqueue(unique_req(action, **policy)))
    await client.clock.advance(1)
    later = (await client.stub.Enqueue(unique_req(action, **policy))).job
    assert later.id != first.id
    states = {"states": [job_pb2.JOB_STATE_AVAILABLE]}
    req = unique_req(action, "s", **states)
    job = (await client.stub.Enqueue(req)).job
    await client.stub.Fetch(worker_pb2.FetchRequest(queues=["uq"], count=3))
    assert (await client.stub.Enqueue(req)).job.id != job.id  # active is not listed


@pytest.mark.parametrize(
    ("unique", "field"),
    [
        ({"keys": ["type", "colour"]}, "options.unique.keys"),
        ({"keys": ["meta"]}, "options.unique.meta_keys"),
        ({"states": ["finished"]}, "options.unique.states"),
        ({"keys": ["args"], "args_keys": ["missing"]}, "options.unique.args_keys"),
    ],
)
async def test_invalid_unique_policies(client: Client, unique: Any, field: str) -> None:
    body = {"type": "u.job", "args": [{"k": 1}], "options": {"unique": unique}}
    status, got = await client.post("/ojs/v1/jobs", body)
    assert status == 422, got
    assert (got["error"]["code"], got["error"]["type"]) == ("invalid_request", "validation_error")
    assert got["error"]["details"]["field"] == field
    assert await stored_jobs(client) == 0


async def test_invalid_unique_policy_over_grpc(client: Client) -> None:
    bad = unique_req(job_pb2.UNIQUE_CONFLICT_ACTION_REJECT, states=[job_pb2.JOB_STATE_UNSPECIFIED])
    err = await grpc_error(client.stub.Enqueue(bad))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert rich(err)[2] == ["options.unique.states"]
    bad = unique_req(job_pb2.UNIQUE_CONFLICT_ACTION_REJECT)
    bad.options.unique.key[:] = ["meta"]
    err = await grpc_error(client.stub.Enqueue(bad))
    assert rich(err)[2] == ["options.unique.meta_keys"]


# -- rate limits and manifest --------------------------------------------------------------------


async def test_http_rate_limit_per_queue(client: Client) -> None:
    for i in range(3):
        status, body = await client.post(
            "/ojs/v1/jobs", http_job(i, queue="rl", rate_limit={"max_per_second": 1})
        )
        assert status == 201
        assert body["job"]["rate_limit"] == {"max_per_second": 1}
    fetch = {"queues": ["rl"], "count": 3}
    assert len((await client.post("/ojs/v1/workers/fetch", fetch))[1]["jobs"]) == 1
    await client.clock.advance(999)
    assert (await client.post("/ojs/v1/workers/fetch", fetch))[1]["jobs"] == []
    await client.clock.advance(1)
    got = (await client.post("/ojs/v1/workers/fetch", fetch))[1]["jobs"]
    assert [j["args"][0]["i"] for j in got] == [1]
    status, body = await client.post("/ojs/v1/jobs", http_job(9, rate_limit={"max_per_second": 0}))
    assert (status, body["error"]["details"]["field"]) == (
        422,
        "options.rate_limit.max_per_second",
    )


async def test_manifest_declares_level_4_features(client: Client) -> None:
    status, body = await client.get("/ojs/manifest")
    assert status == 200
    caps = body["capabilities"]
    assert caps["batch_enqueue"] and caps["unique_jobs"] and caps["pause_resume"]
    assert caps["rate_limiting"]
    assert "unique_jobs:strong" in body["extensions"]
    manifest = await client.stub.Manifest(service_pb2.ManifestRequest())
    assert "unique_jobs:strong" in manifest.extensions


async def test_operator_queue_rate_limit_reaches_grpc_clients() -> None:
    args = build_parser().parse_args(["serve", "--queue-rate-limit", "rq=1"])
    settings = settings_from_args(args)
    assert settings.queue_rate_limits == {"rq": 1}
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--queue-rate-limit", "rq=0"])
    client, channel = await open_client(embedded_store(), settings)
    try:
        for _ in range(2):
            await client.stub.Enqueue(job_pb2.EnqueueRequest(type="r.job", options={"queue": "rq"}))
        fetch = worker_pb2.FetchRequest(queues=["rq"], count=2)
        assert len((await client.stub.Fetch(fetch)).jobs) == 1
        assert len((await client.stub.Fetch(fetch)).jobs) == 0
        await client.clock.advance(1000)
        assert len((await client.stub.Fetch(fetch)).jobs) == 1
        status, body = await client.get("/ojs/v1/queues/rq/stats")
        assert (status, body["queue"]["rate_limit"]) == (200, {"max_per_second": 1})
    finally:
        await client.http.close()
        await channel.close()
        await client.gateway.stop(0.5)
