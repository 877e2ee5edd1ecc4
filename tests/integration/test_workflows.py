"""Workflows over both bindings of a running gateway, on both stores (semantics §9,
http binding §5.15): chain, group, batch, DAG, cancel, refusals, recovery by maintenance."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import grpc
import pytest

from ojs_grpc._proto.ojs.v1 import worker_pb2, workflow_pb2
from tests.integration.conftest import Client
from tests.integration.test_bindings import grpc_error, rich

pytestmark = pytest.mark.timeout(60)


def job(job_type: str, queue: str, **options: Any) -> dict[str, Any]:
    return {"type": job_type, "args": [job_type], "options": {"queue": queue, **options}}


async def create(client: Client, body: dict[str, Any]) -> dict[str, Any]:
    status, out = await client.post("/ojs/v1/workflows", body)
    assert status == 201, out
    wf: dict[str, Any] = out["workflow"]
    return wf


async def workflow(client: Client, wf_id: str) -> dict[str, Any]:
    status, out = await client.get(f"/ojs/v1/workflows/{wf_id}")
    assert status == 200, out
    wf: dict[str, Any] = out["workflow"]
    return wf


async def fetch(client: Client, queue: str, count: int = 1) -> list[dict[str, Any]]:
    status, out = await client.post(
        "/ojs/v1/workers/fetch", {"queues": [queue], "count": count, "worker_id": "w"}
    )
    assert status == 200, out
    jobs: list[dict[str, Any]] = out["jobs"]
    return jobs


async def ack(client: Client, job_id: str, result: Any = None) -> None:
    status, out = await client.post("/ojs/v1/workers/ack", {"job_id": job_id, "result": result})
    assert (status, out["state"]) == (200, "completed"), out


async def nack(client: Client, job_id: str) -> None:
    status, out = await client.post(
        "/ojs/v1/workers/nack", {"job_id": job_id, "error": {"message": "boom"}}
    )
    assert status == 200, out


def states(wf: dict[str, Any]) -> list[str]:
    return [s["state"] for s in wf["steps"]]


async def namespace_keys(client: Client) -> list[str]:
    store = client.gateway.store
    return sorted([k async for k in store.client.scan_iter(match=store.keys.pattern)])


async def eventually(probe: Any, timeout_s: float = 5.0) -> None:
    """Wait for the gateway's own maintenance loop (real time) to make ``probe()`` true."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not await probe():
        assert asyncio.get_running_loop().time() < deadline, "maintenance did not get there"
        await asyncio.sleep(0.05)


# -- HTTP: chain --------------------------------------------------------------------------------


async def test_http_chain_runs_in_order_passing_results(client: Client) -> None:
    status, out = await client.post(
        "/ojs/v1/workflows",
        {
            "type": "chain",
            "name": "etl",
            "steps": [job("etl.extract", "c"), job("etl.transform", "c"), job("etl.load", "c")],
        },
    )
    assert status == 201
    wf = out["workflow"]
    assert {k: wf[k] for k in ("type", "name", "state", "steps_total", "steps_completed")} == {
        "type": "chain",
        "name": "etl",
        "state": "running",
        "steps_total": 3,
        "steps_completed": 0,
    }
    assert states(wf) == ["pending", "waiting", "waiting"]
    assert "job_id" in wf["steps"][0] and "job_id" not in wf["steps"][1]
    seen = []
    for i, name in enumerate(("etl.extract", "etl.transform", "etl.load")):
        [fetched] = await fetch(client, "c", 5)  # the next step only, right after the ack
        assert (fetched["type"], fetched["workflow_id"]) == (name, wf["id"])
        seen.append(fetched.get("parent_results"))
        if i == 1:
            assert states(await workflow(client, wf["id"])) == ["completed", "active", "waiting"]
        await ack(client, fetched["id"], {"rows": i})
    assert seen == [None, [{"rows": 0}], [{"rows": 0}, {"rows": 1}]]
    done = await workflow(client, wf["id"])
    assert (done["state"], done["steps_completed"], states(done)) == (
        "completed",
        3,
        ["completed"] * 3,
    )
    assert "completed_at" in done
    status, events = await client.get(
        "/ojs/v1/events?types=workflow.started,workflow.step_completed,workflow.completed"
    )
    assert [e["type"] for e in events["events"]] == [
        "workflow.started",
        *["workflow.step_completed"] * 3,
        "workflow.completed",
    ]
    assert all(e["data"]["workflow_id"] == wf["id"] for e in events["events"])


async def test_http_chain_location_header(client: Client) -> None:
    body = {"type": "chain", "steps": [job("a.b", "loc")]}
    async with client.http.post(client.base + "/ojs/v1/workflows", json=body) as r:
        out = await r.json(content_type=None)
        assert (r.status, r.headers["Location"]) == (
            201,
            f"/ojs/v1/workflows/{out['workflow']['id']}",
        )


async def test_http_a_discarded_step_stops_the_chain(client: Client) -> None:
    wf = await create(
        client,
        {
            "type": "chain",
            "steps": [
                job("s.zero", "cf"),
                job("s.one", "cf", retry={"max_attempts": 1}),
                job("s.two", "cf"),
            ],
        },
    )
    [zero] = await fetch(client, "cf")
    await ack(client, zero["id"])
    [one] = await fetch(client, "cf")
    await nack(client, one["id"])
    assert await fetch(client, "cf") == []
    got = await workflow(client, wf["id"])
    assert (got["state"], got["steps_completed"], states(got)) == (
        "failed",
        1,
        ["completed", "failed", "cancelled"],
    )
    assert "job_id" not in got["steps"][2]


# -- HTTP: group and batch ------------------------------------------------------------------------


async def test_http_group_members_run_at_once_and_fail_independently(client: Client) -> None:
    wf = await create(
        client,
        {
            "type": "group",
            "jobs": [job("g.a", "g"), job("g.b", "g", retry={"max_attempts": 1}), job("g.c", "g")],
        },
    )
    assert (wf["jobs_total"], wf["jobs_completed"], states(wf)) == (3, 0, ["pending"] * 3)
    jobs = await fetch(client, "g", 10)
    assert [j["type"] for j in jobs] == ["g.a", "g.b", "g.c"]
    await nack(client, jobs[1]["id"])
    assert (await workflow(client, wf["id"]))["state"] == "running"
    await ack(client, jobs[0]["id"])
    await ack(client, jobs[2]["id"])
    got = await workflow(client, wf["id"])
    assert (got["state"], got["jobs_completed"], states(got)) == (
        "failed",
        2,
        ["completed", "failed", "completed"],
    )


@pytest.mark.parametrize("member_fails", [False, True])
async def test_http_batch_callbacks_per_the_matrix(client: Client, member_fails: bool) -> None:
    wf = await create(
        client,
        {
            "type": "batch",
            "jobs": [job("b.a", "b"), job("b.b", "b", retry={"max_attempts": 1})],
            "callbacks": {
                "on_complete": job("cb.complete", "cb-complete"),
                "on_success": job("cb.success", "cb-success"),
                "on_failure": job("cb.failure", "cb-failure"),
            },
        },
    )
    assert wf["jobs_total"] == 2 and set(wf["callbacks"]) == {
        "on_complete",
        "on_success",
        "on_failure",
    }
    a, b = await fetch(client, "b", 2)
    await ack(client, a["id"], {"a": 1})
    assert await fetch(client, "cb-complete") == []  # not before every member is terminal
    if member_fails:
        await nack(client, b["id"])
    else:
        await ack(client, b["id"], {"b": 2})
    [complete] = await fetch(client, "cb-complete")
    assert complete["parent_results"] == [{"a": 1}, None if member_fails else {"b": 2}]
    fired, skipped = ("cb-failure", "cb-success") if member_fails else ("cb-success", "cb-failure")
    [callback] = await fetch(client, fired)
    assert await fetch(client, skipped) == []
    for j in (complete, callback):
        await ack(client, j["id"])
    got = await workflow(client, wf["id"])
    skipped_name = "on_success" if member_fails else "on_failure"
    assert got["callbacks"][skipped_name]["state"] == "cancelled"
    assert got["state"] == "completed"
    assert got["jobs_completed"] == (1 if member_fails else 2)


# -- HTTP: DAG, cancel -------------------------------------------------------------------------


async def test_http_dag_cancels_dependents_of_a_failure_and_runs_the_rest(client: Client) -> None:
    wf = await create(
        client,
        {
            "name": "diamond",
            "steps": [
                {"id": "a", **job("d.a", "d")},
                {"id": "b", "depends_on": ["a"], **job("d.b", "d", retry={"max_attempts": 1})},
                {"id": "c", "depends_on": ["a"], **job("d.c", "d")},
                {"id": "d", "depends_on": ["b", "c"], **job("d.d", "d")},
            ],
        },
    )
    assert "type" not in wf
    assert [(s["id"], s["depends_on"]) for s in wf["steps"]] == [
        ("a", []),
        ("b", ["a"]),
        ("c", ["a"]),
        ("d", ["b", "c"]),
    ]
    [a] = await fetch(client, "d")
    await ack(client, a["id"], "A")
    b, c = await fetch(client, "d", 5)
    assert (b["type"], c["type"], c["parent_results"]) == ("d.b", "d.c", ["A"])
    await nack(client, b["id"])
    got = await workflow(client, wf["id"])
    assert (got["state"], states(got)) == (
        "running",
        ["completed", "failed", "active", "cancelled"],
    )
    await ack(client, c["id"])
    assert (await workflow(client, wf["id"]))["state"] == "failed"
    assert await fetch(client, "d") == []


async def test_http_cancel_stops_the_chain_and_is_refused_once_terminal(client: Client) -> None:
    wf = await create(
        client, {"type": "chain", "steps": [job("x.a", "x"), job("x.b", "x"), job("x.c", "x")]}
    )
    [first] = await fetch(client, "x")
    await ack(client, first["id"])
    status, out = await client.delete(f"/ojs/v1/workflows/{wf['id']}")
    assert status == 200, out
    assert (out["workflow"]["state"], states(out["workflow"])) == (
        "cancelled",
        ["completed", "cancelled", "cancelled"],
    )
    assert await fetch(client, "x") == []
    step1 = out["workflow"]["steps"][1]["job_id"]
    assert (await client.get(f"/ojs/v1/jobs/{step1}"))[1]["job"]["state"] == "cancelled"
    status, out = await client.delete(f"/ojs/v1/workflows/{wf['id']}")
    assert (status, out["error"]["code"]) == (409, "conflict")
    missing = "0190a000-0000-7000-8000-00000000abcd"
    for call in (client.get, client.delete):
        status, out = await call(f"/ojs/v1/workflows/{missing}")
        assert (status, out["error"]["code"]) == (404, "not_found")


async def test_http_cancel_lets_a_running_member_finish_but_starts_nothing(client: Client) -> None:
    wf = await create(client, {"type": "chain", "steps": [job("r.a", "r"), job("r.b", "r")]})
    [running] = await fetch(client, "r")
    status, out = await client.delete(f"/ojs/v1/workflows/{wf['id']}")
    assert (status, states(out["workflow"])) == (200, ["active", "cancelled"])
    await ack(client, running["id"])  # it may finish
    assert await fetch(client, "r") == []  # but nothing starts after it
    got = await workflow(client, wf["id"])
    assert (got["state"], states(got)) == ("cancelled", ["completed", "cancelled"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "steps"),
        ({"type": "chain", "steps": []}, "steps"),
        ({"type": "chain", "steps": [job("ok.a", "q"), job("Bad Type", "q")]}, "steps[1].type"),
        ({"type": "group", "jobs": [job("ok.a", "q"), job("ok.b", "Bad Queue")]},
         "jobs[1].options.queue"),
        ({"type": "group", "jobs": [{"id": "0190a000-0000-7000-8000-000000000001",
                                     **job("ok.a", "q")}]}, "jobs[0].id"),
        ({"type": "batch", "jobs": [job("ok.a", "q")]}, "callbacks"),
        ({"type": "batch", "jobs": [job("ok.a", "q")], "callbacks": {"on_success": {}}},
         "callbacks.on_success.type"),
        ({"steps": [{"id": "a", "depends_on": ["b"], **job("ok.a", "q")},
                    {"id": "b", "depends_on": ["a"], **job("ok.b", "q")}]}, "steps[0].depends_on"),
        ({"steps": [{"id": "a", **job("ok.a", "q")}, {"id": "a", **job("ok.b", "q")}]},
         "steps[1].id"),
    ],
)  # fmt: skip
async def test_http_bad_workflows_are_refused_and_write_nothing(
    client: Client, body: dict[str, Any], field: str
) -> None:
    status, out = await client.post("/ojs/v1/workflows", body)
    assert (status, out["error"]["code"], out["error"]["details"]["field"]) == (
        400,
        "invalid_request",
        field,
    )
    assert await namespace_keys(client) == []


# -- gRPC ---------------------------------------------------------------------------------------


def dag_request(*steps: tuple[str, str, list[str]], queue: str = "gq") -> Any:
    req = workflow_pb2.CreateWorkflowRequest(name="grpc-dag")
    for step_id, step_type, deps in steps:
        step = req.steps.add(id=step_id, type=step_type, depends_on=deps)
        step.options.queue = queue
        step.args.add().string_value = step_id
    return req


async def test_grpc_dag_chain_runs_to_completion(client: Client) -> None:
    created = await client.stub.CreateWorkflow(
        dag_request(("extract", "p.e", []), ("load", "p.l", ["extract"]))
    )
    wf = created.workflow
    assert (wf.name, wf.state) == ("grpc-dag", workflow_pb2.WORKFLOW_STATE_RUNNING)
    assert [(s.id, s.state, bool(s.job_id)) for s in wf.steps] == [
        ("extract", workflow_pb2.WORKFLOW_STEP_STATE_PENDING, True),
        ("load", workflow_pb2.WORKFLOW_STEP_STATE_WAITING, False),
    ]
    for expected in ("p.e", "p.l"):
        fetched = await client.stub.Fetch(worker_pb2.FetchRequest(queues=["gq"], count=5))
        assert [(j.type, j.workflow_id) for j in fetched.jobs] == [(expected, wf.id)]
        await client.stub.Ack(worker_pb2.AckRequest(job_id=fetched.jobs[0].id))
    got = (
        await client.stub.GetWorkflow(workflow_pb2.GetWorkflowRequest(workflow_id=wf.id))
    ).workflow
    assert got.state == workflow_pb2.WORKFLOW_STATE_COMPLETED
    assert got.HasField("completed_at") and got.HasField("created_at")
    assert [s.state for s in got.steps] == [workflow_pb2.WORKFLOW_STEP_STATE_COMPLETED] * 2


async def test_grpc_cancel_and_lookups(client: Client) -> None:
    wf = (
        await client.stub.CreateWorkflow(dag_request(("a", "c.a", []), ("b", "c.b", [])))
    ).workflow
    cancelled = await client.stub.CancelWorkflow(
        workflow_pb2.CancelWorkflowRequest(workflow_id=wf.id, reason="no longer needed")
    )
    assert cancelled.workflow.state == workflow_pb2.WORKFLOW_STATE_CANCELLED
    assert [s.state for s in cancelled.workflow.steps] == [
        workflow_pb2.WORKFLOW_STEP_STATE_CANCELLED
    ] * 2
    assert not (await client.stub.Fetch(worker_pb2.FetchRequest(queues=["gq"], count=5))).jobs
    err = await grpc_error(
        client.stub.CancelWorkflow(workflow_pb2.CancelWorkflowRequest(workflow_id=wf.id))
    )
    assert (err.code(), rich(err)[0]) == (grpc.StatusCode.FAILED_PRECONDITION, "invalid_state")
    missing = "0190a000-0000-7000-8000-00000000abcd"
    for call in (
        client.stub.GetWorkflow(workflow_pb2.GetWorkflowRequest(workflow_id=missing)),
        client.stub.CancelWorkflow(workflow_pb2.CancelWorkflowRequest(workflow_id=missing)),
    ):
        err = await grpc_error(call)
        assert (err.code(), rich(err)[0]) == (grpc.StatusCode.NOT_FOUND, "not_found")
    err = await grpc_error(client.stub.GetWorkflow(workflow_pb2.GetWorkflowRequest()))
    assert (err.code(), rich(err)[2]) == (grpc.StatusCode.INVALID_ARGUMENT, ["workflow_id"])


@pytest.mark.parametrize(
    ("steps", "field"),
    [
        ((), "steps"),
        ((("", "t.a", []),), "steps[0].id"),
        ((("a", "t.a", []), ("a", "t.b", [])), "steps[1].id"),
        ((("a", "t.a", ["ghost"]),), "steps[0].depends_on[0]"),
        ((("a", "t.a", ["b"]), ("b", "t.b", ["a"])), "steps[0].depends_on"),
        ((("a", "t.a", []), ("b", "Not A Type", ["a"])), "steps[1].type"),
    ],
)
async def test_grpc_bad_dags_are_refused_and_write_nothing(
    client: Client, steps: tuple[tuple[str, str, list[str]], ...], field: str
) -> None:
    err = await grpc_error(client.stub.CreateWorkflow(dag_request(*steps)))
    reason, _, fields = rich(err)
    assert (err.code(), reason, fields) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "invalid_request",
        [field],
    )
    assert await namespace_keys(client) == []


async def test_workflows_read_the_same_over_both_bindings(client: Client) -> None:
    batch = await create(
        client,
        {
            "type": "batch",
            "jobs": [job("x.a", "xb"), job("x.b", "xb")],
            "callbacks": {"on_complete": job("x.done", "xb-cb")},
        },
    )
    over_grpc = (
        await client.stub.GetWorkflow(workflow_pb2.GetWorkflowRequest(workflow_id=batch["id"]))
    ).workflow
    assert [(s.id, s.type, list(s.depends_on)) for s in over_grpc.steps] == [
        ("0", "x.a", []),
        ("1", "x.b", []),
        ("on_complete", "x.done", ["0", "1"]),
    ]
    assert [s.job_id for s in over_grpc.steps[:2]] == [s["job_id"] for s in batch["steps"]]
    dag = (
        await client.stub.CreateWorkflow(dag_request(("a", "y.a", []), ("b", "y.b", ["a"])))
    ).workflow
    over_http = await workflow(client, dag.id)
    assert "type" not in over_http
    assert [(s["id"], s["depends_on"], s["state"]) for s in over_http["steps"]] == [
        ("a", [], "pending"),
        ("b", ["a"], "waiting"),
    ]
    # A member fetched over HTTP and acked over gRPC advances the workflow.
    [a] = await fetch(client, "gq")
    assert a["workflow_id"] == dag.id
    await client.stub.Ack(worker_pb2.AckRequest(job_id=a["id"]))
    [b] = await fetch(client, "gq")
    assert b["type"] == "y.b"


# -- recovery through the gateway's maintenance loop ----------------------------------------


async def test_an_ack_that_never_reached_the_advancer_is_recovered(client: Client) -> None:
    wf = await create(client, {"type": "chain", "steps": [job("m.a", "m"), job("m.b", "m")]})
    [first] = await fetch(client, "m")
    store = client.gateway.store
    # The ack script ran, the gateway died before advancing: only the outbox knows.
    assert (await store.ack(first["id"], client.clock.now_ms(), {"x": 1}, has_result=True)).ok

    async def advanced() -> bool:
        return (await workflow(client, wf["id"]))["steps"][1]["state"] == "pending"

    await eventually(advanced)
    [second] = await fetch(client, "m")
    assert second["parent_results"] == [{"x": 1}]


async def test_a_lease_expiring_into_discard_fails_the_chain(client: Client) -> None:
    wf = await create(
        client,
        {
            "type": "chain",
            "steps": [
                job("v.a", "v", retry={"max_attempts": 1}, visibility_timeout_ms=1000),
                job("v.b", "v"),
            ],
        },
    )
    assert len(await fetch(client, "v")) == 1
    await client.clock.advance(2_000)
    client.gateway.maintenance.wake()

    async def failed() -> bool:
        return (await workflow(client, wf["id"]))["state"] == "failed"

    await eventually(failed)
    got = await workflow(client, wf["id"])
    assert states(got) == ["failed", "cancelled"]
    assert await fetch(client, "v") == []
    stored = await client.gateway.store.client.hget(
        client.gateway.store.keys.workflow(wf["id"]), "state"
    )
    assert json.loads(stored)["state"] == "failed"
