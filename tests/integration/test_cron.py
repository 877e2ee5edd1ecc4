"""Cron over both bindings on both stores, firing under a ManualClock, and replicas.

Ticks are driven by moving the gateway's ManualClock and then running a scheduler pass
(``run_once``) next to the gateway's own loop, which the clock wakes too: both handle
the same tick concurrently, as replicas would, and exactly one job must come out.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest
import redis.asyncio as aioredis
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from ojs_grpc._proto.ojs.v1 import job_pb2, service_pb2, worker_pb2
from ojs_grpc.clock import ManualClock
from ojs_grpc.config import Settings
from ojs_grpc.cron import cron_job_id
from ojs_grpc.server import Gateway
from ojs_grpc.store.keys import Keys
from ojs_grpc.store.redis_store import RedisStore
from ojs_grpc.timefmt import format_rfc3339, parse_rfc3339
from tests.integration.conftest import Client
from tests.support.processes import RedisServer

pytestmark = pytest.mark.timeout(60)

MINUTE = 60_000


def cron_body(name: str = "nightly", expression: str = "* * * * *", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "expression": expression,
        "job_template": {
            "type": "report.build",
            "args": [{"action": "tick"}],
            "options": {"queue": "cron-q"},
        },
    }
    body.update(extra)
    return body


async def register(client: Client, body: dict[str, Any]) -> dict[str, Any]:
    """POST a new entry (201) and return its C."""
    status, reply = await client.post("/ojs/v1/cron", body)
    assert status == 201, reply
    cron: dict[str, Any] = reply["cron"]
    return cron


async def stored(client: Client) -> dict[str, Any]:
    """Everything the cron keys hold, raw (to prove a refusal wrote nothing)."""
    keys = client.gateway.store.keys
    redis = client.gateway.store.client
    return {
        "defs": await redis.hgetall(keys.cron_defs),
        "state": await redis.hgetall(keys.cron_state),
        "due": await redis.zrange(keys.cron_due, 0, -1, withscores=True),
    }


async def get_cron(client: Client, name: str) -> dict[str, Any]:
    status, body = await client.get(f"/ojs/v1/cron/{name}")
    assert status == 200, body
    cron: dict[str, Any] = body["cron"]
    return cron


async def tick(client: Client, to_ms: int) -> None:
    """Move the clock to ``to_ms`` and make sure the due ticks are handled."""
    await client.clock.advance(to_ms - client.clock.now_ms())
    await client.gateway.service.cron.scheduler.run_once()


async def fetch_all(client: Client, queue: str = "cron-q") -> list[dict[str, Any]]:
    status, body = await client.post(
        "/ojs/v1/workers/fetch", {"queues": [queue], "count": 100, "worker_id": "w1"}
    )
    assert status == 200, body
    jobs: list[dict[str, Any]] = body["jobs"]
    return jobs


async def events_of(client: Client, types: str) -> list[dict[str, Any]]:
    status, body = await client.get(f"/ojs/v1/events?types={types}&limit=1000")
    assert status == 200
    events: list[dict[str, Any]] = body["events"]
    return events


async def grpc_error(call: Any) -> tuple[grpc.StatusCode, str, list[str]]:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call
    err = info.value
    fields: list[str] = []
    status = rpc_status.from_call(err)
    for detail in status.details if status else ():
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            br = error_details_pb2.BadRequest()
            detail.Unpack(br)
            fields = [v.field for v in br.field_violations]
    return err.code(), err.details() or "", fields


# -- registration over HTTP ------------------------------------------------------------------


async def test_register_upsert_list_and_unregister_over_http(client: Client) -> None:
    now = client.clock.now_ms()
    status, body = await client.post(
        "/ojs/v1/cron", cron_body(description="daily report", timezone="Asia/Tokyo")
    )
    assert status == 201, body
    c = body["cron"]
    next_minute = (now // MINUTE + 1) * MINUTE
    assert c == {
        "name": "nightly",
        "expression": "* * * * *",
        "cron": "* * * * *",
        "timezone": "Asia/Tokyo",
        "overlap_policy": "skip",
        "enabled": True,
        "description": "daily report",
        "job_template": {
            "type": "report.build",
            "args": [{"action": "tick"}],
            "options": {"queue": "cron-q"},
        },
        "created_at": format_rfc3339(now),
        "next_run_at": format_rfc3339(next_minute),
        "run_count": 0,
    }

    # Same name again: an update (200), created_at kept, the new schedule in force.
    await client.clock.advance(1_000)
    status, body = await client.post("/ojs/v1/cron", cron_body(expression="0 9 * * *"))
    assert status == 200, body
    c = body["cron"]
    assert (c["expression"], c["timezone"], c["created_at"]) == (
        "0 9 * * *",
        "UTC",
        format_rfc3339(now),
    )
    assert parse_rfc3339(c["next_run_at"]) % (24 * 3600_000) == 9 * 3600_000

    await client.post("/ojs/v1/cron", cron_body(name="another", expression="@hourly"))
    status, body = await client.get("/ojs/v1/cron")
    assert status == 200
    assert [c["name"] for c in body["crons"]] == ["another", "nightly"]
    assert body["pagination"] == {"total": 2, "limit": 50, "offset": 0, "has_more": False}
    status, body = await client.get("/ojs/v1/cron?limit=1&offset=1")
    assert [c["name"] for c in body["crons"]] == ["nightly"]

    status, body = await client.delete("/ojs/v1/cron/nightly")
    assert status == 200
    assert (body["deleted"], body["name"], body["cron"]["name"]) == (True, "nightly", "nightly")
    status, body = await client.delete("/ojs/v1/cron/nightly")
    assert (status, body["error"]["code"]) == (404, "not_found")
    status, body = await client.get("/ojs/v1/cron/nightly")
    assert status == 404
    status, body = await client.get("/ojs/v1/cron")
    assert [c["name"] for c in body["crons"]] == ["another"]


async def test_binding_spelling_cron_with_top_level_type_args_options(client: Client) -> None:
    status, body = await client.post(
        "/ojs/v1/cron",
        {
            "name": "flat",
            "cron": "@every 30s",
            "type": "email.digest",
            "args": ["a@b.c"],
            "meta": {"team": "growth"},
            "options": {"queue": "mail", "priority": 7, "retry": {"max_attempts": 5}},
            "overlap_policy": "allow",
            "enabled": True,
        },
    )
    assert status == 201, body
    c = body["cron"]
    assert (c["expression"], c["overlap_policy"]) == ("@every 30s", "allow")
    assert c["next_run_at"] == format_rfc3339(client.clock.now_ms() + 30_000)
    template = c["job_template"]
    assert (template["type"], template["args"]) == ("email.digest", ["a@b.c"])
    options = template["options"]
    assert (options["queue"], options["priority"], options["meta"]) == (
        "mail",
        7,
        {"team": "growth"},
    )
    assert options["retry"]["max_attempts"] == 5


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"expression": "not a valid cron"}, "expression"),
        ({"expression": "0 0 0 0 0 0 0"}, "expression"),
        ({"expression": "99 25 32 13 8"}, "expression"),
        ({"expression": ""}, "expression"),
        ({"timezone": "EST"}, "timezone"),
        ({"timezone": "UTC+5"}, "timezone"),
        ({"overlap_policy": "sometimes"}, "overlap_policy"),
    ],
)
async def test_refused_policy_values_answer_422_and_write_nothing(
    client: Client, change: dict[str, Any], field: str
) -> None:
    status, body = await client.post("/ojs/v1/cron", cron_body(**change))
    assert status == 422, body
    err = body["error"]
    assert (err["code"], err["type"], err["details"]["field"]) == (
        "invalid_request",
        "validation_error",
        field,
    )
    assert field in err["message"]
    assert await stored(client) == {"defs": {}, "state": {}, "due": []}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"expression": "* * * * *", "job_template": {"type": "x.y", "args": []}}, "name"),
        (cron_body(name="Bad_Name"), "name"),
        (cron_body(enabled="yes"), "enabled"),
        ({**cron_body(), "job_template": {"args": []}}, "job_template.type"),
        ({**cron_body(), "job_template": {"type": "x.y", "args": 3}}, "job_template.args"),
        (
            {**cron_body(), "job_template": {"type": "x.y", "id": str(uuid.uuid4())}},
            "job_template.id",
        ),
        ({**cron_body(), "job_template": "x"}, "job_template"),
        (
            {
                **cron_body(),
                "job_template": {
                    "type": "x.y",
                    "options": {"scheduled_at": "2030-01-01T00:00:00Z"},
                },
            },
            "job_template.options.scheduled_at",
        ),
        ({**cron_body(), "job_template": {"type": "x.y", "options": {"queue": "Q!"}}}, None),
    ],
)
async def test_structural_errors_answer_400_and_write_nothing(
    client: Client, body: dict[str, Any], field: str | None
) -> None:
    status, reply = await client.post("/ojs/v1/cron", body)
    assert status == 400, reply
    assert reply["error"]["code"] == "invalid_request"
    if field is not None:
        assert reply["error"]["details"]["field"] == field
    assert await stored(client) == {"defs": {}, "state": {}, "due": []}


async def test_a_refused_update_leaves_the_registered_entry_as_it_was(client: Client) -> None:
    status, _ = await client.post("/ojs/v1/cron", cron_body())
    assert status == 201
    before = await stored(client)
    for change in ({"expression": "61 * * * *"}, {"timezone": "+05:00"}):
        status, _ = await client.post("/ojs/v1/cron", cron_body(**change))
        assert status == 422
        assert await stored(client) == before


async def test_disabled_entries_have_no_next_run_and_never_fire(client: Client) -> None:
    status, body = await client.post("/ojs/v1/cron", cron_body(enabled=False))
    assert status == 201
    assert (body["cron"]["enabled"], body["cron"]["next_run_at"]) == (False, None)
    await tick(client, client.clock.now_ms() + 5 * MINUTE)
    assert await fetch_all(client) == []
    # Enabling it plans the next run from now.
    status, body = await client.post("/ojs/v1/cron", cron_body())
    assert status == 200
    assert body["cron"]["next_run_at"] == format_rfc3339(
        (client.clock.now_ms() // MINUTE + 1) * MINUTE
    )


# -- registration over gRPC ------------------------------------------------------------------


async def test_register_list_unregister_over_grpc(client: Client) -> None:
    req = service_pb2.RegisterCronRequest(
        name="grpc-cron",
        cron="0 9 * * *",
        timezone="America/New_York",
        type="report.build",
        options=job_pb2.EnqueueOptions(queue="reports", priority=3, tags=["t1"]),
    )
    req.args.add().string_value = "monthly"
    resp = await client.stub.RegisterCron(req)
    assert resp.name == "grpc-cron"
    next_ms = resp.next_run_at.seconds * 1000 + resp.next_run_at.nanos // 1_000_000
    assert next_ms > client.clock.now_ms()
    # 09:00 in New York (EDT in September: UTC-4) is 13:00Z.
    assert next_ms % (24 * 3600_000) == 13 * 3600_000

    listed = await client.stub.ListCron(service_pb2.ListCronRequest())
    assert [e.name for e in listed.entries] == ["grpc-cron"]
    entry = listed.entries[0]
    assert (entry.cron, entry.timezone, entry.type, entry.args[0].string_value) == (
        "0 9 * * *",
        "America/New_York",
        "report.build",
        "monthly",
    )
    assert (entry.options.queue, entry.options.priority, list(entry.options.tags)) == (
        "reports",
        3,
        ["t1"],
    )
    assert not entry.HasField("last_run_at")

    # Registered over gRPC, visible over HTTP with the HTTP shape.
    c = await get_cron(client, "grpc-cron")
    assert c["job_template"]["options"]["queue"] == "reports"
    assert c["next_run_at"] == format_rfc3339(next_ms)

    await client.stub.UnregisterCron(service_pb2.UnregisterCronRequest(name="grpc-cron"))
    assert not (await client.stub.ListCron(service_pb2.ListCronRequest())).entries
    code, _, _ = await grpc_error(
        client.stub.UnregisterCron(service_pb2.UnregisterCronRequest(name="grpc-cron"))
    )
    assert code is grpc.StatusCode.NOT_FOUND


@pytest.mark.parametrize(
    ("cron", "zone", "field"),
    [
        ("not a valid cron", "", "cron"),
        ("0 0 0 0 0 0 0", "", "cron"),
        ("99 25 32 13 8", "", "cron"),
        ("", "", "cron"),
        ("* * * * *", "EST", "timezone"),
        ("* * * * *", "UTC+5", "timezone"),
    ],
)
async def test_grpc_refusals_name_the_field_and_write_nothing(
    client: Client, cron: str, zone: str, field: str
) -> None:
    req = service_pb2.RegisterCronRequest(name="bad", cron=cron, timezone=zone, type="x.y")
    code, message, fields = await grpc_error(client.stub.RegisterCron(req))
    assert code is grpc.StatusCode.INVALID_ARGUMENT
    assert fields == [field] and field in message
    assert await stored(client) == {"defs": {}, "state": {}, "due": []}


# -- firing ------------------------------------------------------------------------------------


async def test_a_tick_fires_exactly_once_and_advances_the_entry(client: Client) -> None:
    status, body = await client.post(
        "/ojs/v1/cron",
        cron_body(
            job_template={
                "type": "report.build",
                "args": [{"action": "tick"}],
                "options": {
                    "queue": "cron-q",
                    "priority": 9,
                    "tags": ["nightly"],
                    "meta": {"team": "ops"},
                    "timeout_ms": 120_000,
                    "retry": {"max_attempts": 4},
                },
            }
        ),
    )
    assert status == 201
    first_tick = parse_rfc3339(body["cron"]["next_run_at"])

    await tick(client, first_tick - 1)
    assert await fetch_all(client) == []  # not due yet

    await tick(client, first_tick)
    await client.gateway.service.cron.scheduler.run_once()  # again: nothing new
    jobs = await fetch_all(client)
    assert [j["id"] for j in jobs] == [cron_job_id("nightly", first_tick)]
    job = jobs[0]
    assert (job["type"], job["args"], job["queue"], job["priority"], job["tags"]) == (
        "report.build",
        [{"action": "tick"}],
        "cron-q",
        9,
        ["nightly"],
    )
    assert (job["timeout_ms"], job["max_attempts"]) == (120_000, 4)
    assert job["meta"] == {
        "team": "ops",
        "cron_name": "nightly",
        "cron_triggered_at": format_rfc3339(first_tick),
    }
    c = await get_cron(client, "nightly")
    assert (c["run_count"], c["last_run_at"], c["next_run_at"]) == (
        1,
        format_rfc3339(first_tick),
        format_rfc3339(first_tick + MINUTE),
    )
    triggered = await events_of(client, "cron.triggered")
    assert [(e["subject"], e["data"]["cron_name"]) for e in triggered] == [(job["id"], "nightly")]


async def test_the_gateways_own_loop_fires_and_is_woken_by_registration(client: Client) -> None:
    # The idle loop sleeps up to a second of clock time. Registering a 500 ms schedule
    # wakes it to replan, so moving the clock by 500 ms alone fires (no explicit pass).
    await asyncio.sleep(0.05)  # let the idle loop settle into its one-second sleep
    status, body = await client.post("/ojs/v1/cron", cron_body(expression="@every 500ms"))
    assert status == 201
    due = parse_rfc3339(body["cron"]["next_run_at"])
    assert due == client.clock.now_ms() + 500
    await asyncio.sleep(0.05)  # the woken loop replans for the new entry
    await client.clock.advance(500)
    job_id = cron_job_id("nightly", due)
    for _ in range(300):  # the loop runs as a task: wait for it, not for time to pass
        if await client.gateway.store.get(job_id) is not None:
            break
        await asyncio.sleep(0.01)
    assert await client.gateway.store.get(job_id) is not None
    for _ in range(300):
        if (await get_cron(client, "nightly"))["run_count"] == 1:
            break
        await asyncio.sleep(0.01)
    assert (await get_cron(client, "nightly"))["next_run_at"] == format_rfc3339(due + 500)


async def test_grpc_template_options_reach_the_generated_job(client: Client) -> None:
    req = service_pb2.RegisterCronRequest(
        name="g", cron="@every 45s", type="x.y", options=job_pb2.EnqueueOptions(queue="gq")
    )
    req.options.meta.fields["k"].string_value = "v"
    req.options.retry.max_attempts = 2
    resp = await client.stub.RegisterCron(req)
    due = resp.next_run_at.seconds * 1000 + resp.next_run_at.nanos // 1_000_000
    assert due == client.clock.now_ms() + 45_000
    await tick(client, due)
    fetched = await client.stub.Fetch(worker_pb2.FetchRequest(queues=["gq"], worker_id="w"))
    assert [j.id for j in fetched.jobs] == [cron_job_id("g", due)]
    job = fetched.jobs[0]
    assert (job.meta["k"], job.meta["cron_name"]) == ("v", "g")
    assert job.max_attempts == 2
    listed = (await client.stub.ListCron(service_pb2.ListCronRequest())).entries[0]
    assert listed.last_run_at.seconds * 1000 == due


async def test_skip_overlap_while_the_previous_run_is_not_finished(client: Client) -> None:
    status, body = await client.post("/ojs/v1/cron", cron_body(overlap_policy="skip"))
    assert status == 201
    t1 = parse_rfc3339(body["cron"]["next_run_at"])

    await tick(client, t1)
    # t2: the first job is still available (not even fetched): skipped (semantics §13 A30).
    await tick(client, t1 + MINUTE)
    jobs = await fetch_all(client)
    assert [j["id"] for j in jobs] == [cron_job_id("nightly", t1)]
    # t3: it is active now: skipped again.
    await tick(client, t1 + 2 * MINUTE)
    assert await fetch_all(client) == []
    c = await get_cron(client, "nightly")
    assert (c["run_count"], c["last_run_at"], c["next_run_at"]) == (
        1,
        format_rfc3339(t1),
        format_rfc3339(t1 + 3 * MINUTE),
    )
    skipped = await events_of(client, "cron.skipped")
    assert [e["data"]["reason"] for e in skipped] == ["overlap_skip", "overlap_skip"]
    assert skipped[0]["data"]["running_job_id"] == jobs[0]["id"]

    # Finished: the next tick fires.
    status, _ = await client.post("/ojs/v1/workers/ack", {"job_id": jobs[0]["id"]})
    assert status == 200
    await tick(client, t1 + 3 * MINUTE)
    assert [j["id"] for j in await fetch_all(client)] == [cron_job_id("nightly", t1 + 3 * MINUTE)]
    assert (await get_cron(client, "nightly"))["run_count"] == 2


async def test_allow_overlap_fires_every_tick(client: Client) -> None:
    t1 = parse_rfc3339((await register(client, cron_body(overlap_policy="allow")))["next_run_at"])
    await tick(client, t1)
    await tick(client, t1 + MINUTE)
    ids = sorted(j["id"] for j in await fetch_all(client))
    assert ids == sorted(cron_job_id("nightly", t) for t in (t1, t1 + MINUTE))


async def test_after_downtime_one_catch_up_and_the_schedule_goes_on(client: Client) -> None:
    t1 = parse_rfc3339((await register(client, cron_body(overlap_policy="allow")))["next_run_at"])
    await tick(client, t1 + 10 * MINUTE + 5_000)  # ten ticks missed
    jobs = await fetch_all(client)
    assert [j["id"] for j in jobs] == [cron_job_id("nightly", t1)]  # one catch-up only
    c = await get_cron(client, "nightly")
    assert (c["run_count"], c["next_run_at"]) == (1, format_rfc3339(t1 + 11 * MINUTE))


async def test_a_crash_between_claiming_the_id_and_inserting_loses_no_tick(
    client: Client,
) -> None:
    t1 = parse_rfc3339((await register(client, cron_body()))["next_run_at"])
    job_id = cron_job_id("nightly", t1)
    cron = client.gateway.service.cron
    record = await cron.store.get("nightly")
    assert record is not None
    # A replica decided to fire, claimed the job id in the index, and died.
    assert await cron.store.claim("nightly", t1, record.rev, "fire", job_id)
    store = client.gateway.store
    await store.client.set(store.keys.job_queue(job_id), "cron-q")
    await tick(client, t1)
    assert [j["id"] for j in await fetch_all(client)] == [job_id]
    assert (await get_cron(client, "nightly"))["run_count"] == 1


async def test_a_crash_after_enqueue_before_advancing_does_not_fire_twice(
    client: Client,
) -> None:
    t1 = parse_rfc3339((await register(client, cron_body()))["next_run_at"])
    cron = client.gateway.service.cron
    scheduler = cron.scheduler
    # Enqueued the tick's job, then died before the compare-and-set.
    await client.clock.advance(t1 - client.clock.now_ms())
    entry = await cron.get("nightly")
    job = await scheduler._enqueue(entry, t1, cron_job_id("nightly", t1), t1)
    assert job.outcome == "created"
    await scheduler.run_once()
    assert [j["id"] for j in await fetch_all(client)] == [cron_job_id("nightly", t1)]
    c = await get_cron(client, "nightly")
    assert (c["run_count"], c["next_run_at"]) == (1, format_rfc3339(t1 + MINUTE))


async def test_the_first_recorded_decision_for_a_tick_is_the_one_carried_out(
    client: Client,
) -> None:
    status, body = await client.post("/ojs/v1/cron", cron_body(overlap_policy="skip"))
    t1 = parse_rfc3339(body["cron"]["next_run_at"])
    await tick(client, t1)
    first = await fetch_all(client)
    cron = client.gateway.service.cron
    record = await cron.store.get("nightly")
    assert record is not None
    t2 = t1 + MINUTE
    # A replica saw the first job running, recorded "skip" for t2 and died; then the job
    # finished. Whoever handles t2 now must skip it too, not fire.
    assert await cron.store.claim("nightly", t2, record.rev, "skip", "") == ("skip", "")
    late = cron_job_id("nightly", t2)
    assert await cron.store.claim("nightly", t2, record.rev, "fire", late) == ("skip", "")
    status, _ = await client.post("/ojs/v1/workers/ack", {"job_id": first[0]["id"]})
    assert status == 200
    await tick(client, t2)
    assert await fetch_all(client) == []
    c = await get_cron(client, "nightly")
    assert (c["run_count"], c["next_run_at"]) == (1, format_rfc3339(t2 + MINUTE))
    assert [e["data"]["reason"] for e in await events_of(client, "cron.skipped")] == [
        "overlap_skip"
    ]


# -- replicas ----------------------------------------------------------------------------------


@pytest.fixture
async def replicas(redis_srv: RedisServer) -> AsyncIterator[list[Gateway]]:
    """Three gateways on one Redis (one key prefix), one shared ManualClock."""
    clock = ManualClock(start_ms=1_790_000_000_000)
    keys = Keys(f"rep-{uuid.uuid4().hex[:12]}")
    gateways = []
    for _ in range(3):
        store = RedisStore(aioredis.from_url(redis_srv.url, decode_responses=True), keys)
        gw = Gateway(
            Settings(grpc_addr="127.0.0.1:0", http_addr="127.0.0.1:0"), clock=clock, store=store
        )
        await gw.start()
        gateways.append(gw)
    try:
        yield gateways
    finally:
        await gateways[0].store.reset()
        for gw in gateways:
            await gw.stop(0.5)


async def test_three_replicas_fire_each_tick_exactly_once(replicas: list[Gateway]) -> None:
    from ojs_grpc.cron import parse_schedule
    from ojs_grpc.cron_service import CronRegistration
    from ojs_grpc.model import EnqueueSpec

    clock = replicas[0].clock
    assert isinstance(clock, ManualClock)
    for name, expression in (("minutely", "* * * * *"), ("every-20s", "@every 20s")):
        await replicas[0].service.cron.register(
            CronRegistration(
                name=name,
                schedule=parse_schedule(expression),
                template=EnqueueSpec(type="rep.tick", args=[name], queue=f"rep-{name}"),
                overlap_policy="allow",
            )
        )
    start = clock.now_ms()
    expected: dict[str, list[int]] = {"minutely": [], "every-20s": []}
    # Five minutes in 10 s steps; every replica's loop (woken by the clock) and an explicit
    # pass on each replica race for every due tick.
    for step in range(1, 31):
        await clock.advance(start + step * 10_000 - clock.now_ms())
        await asyncio.gather(*(gw.service.cron.scheduler.run_once() for gw in replicas))
        now = clock.now_ms()
        if now % MINUTE < 10_000:
            expected["minutely"].append(now - now % MINUTE)
        if (now - start) % 20_000 == 0:
            expected["every-20s"].append(now)
    await asyncio.sleep(0.2)  # let the loops finish what they started
    store = replicas[1].store
    for name, ticks in expected.items():
        assert len(ticks) == {"minutely": 5, "every-20s": 15}[name]
        info = await store.queue_info(f"rep-{name}")
        assert info["available"] == len(ticks), name
        for t in ticks:
            job = await store.get(cron_job_id(name, t))
            assert job is not None and job.meta["cron_name"] == name, (name, t)
        record = await replicas[2].service.cron.store.get(name)
        assert record is not None and record.run_count == len(ticks)
        assert record.last_run_at == ticks[-1]
    events, _ = await replicas[0].events.read(types={"cron.triggered"}, limit=1000)
    assert len(events) == 20 and len({e.job_id for e in events}) == 20
