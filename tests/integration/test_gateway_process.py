"""The gateway as a real process: crash safety on Redis, clean shutdown on SIGTERM."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.support.processes import RedisServer, start_gateway

pytestmark = pytest.mark.timeout(120)


def call(base: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/openjobspec+json")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_jobs_held_by_a_killed_gateway_are_delivered_again(redis_srv: RedisServer) -> None:
    prefix = f"crash-{time.monotonic_ns()}"
    gw = start_gateway("--key-prefix", prefix, redis_url=redis_srv.url)
    ids = []
    for i in range(5):
        status, body = call(
            gw.http_url,
            "POST",
            "/ojs/v1/jobs",
            {"type": "crash.test", "args": [i], "options": {"queue": "crash"}},
        )
        assert status == 201
        ids.append(body["job"]["id"])
    status, body = call(
        gw.http_url,
        "POST",
        "/ojs/v1/workers/fetch",
        {"queues": ["crash"], "count": 3, "worker_id": "w1", "visibility_timeout_ms": 1500},
    )
    held = [j["id"] for j in body["jobs"]]
    assert held == ids[:3]

    gw.kill()  # SIGKILL: no chance to clean up anything
    gw = start_gateway("--key-prefix", prefix, redis_url=redis_srv.url)
    try:
        status, body = call(
            gw.http_url, "POST", "/ojs/v1/workers/fetch", {"queues": ["crash"], "count": 5}
        )
        assert [j["id"] for j in body["jobs"]] == ids[3:]  # leases of the held jobs still run
        deadline = time.monotonic() + 20
        redelivered: list[dict[str, Any]] = []
        while len(redelivered) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
            _, body = call(
                gw.http_url, "POST", "/ojs/v1/workers/fetch", {"queues": ["crash"], "count": 5}
            )
            redelivered += body["jobs"]
        assert sorted(j["id"] for j in redelivered) == sorted(held)
        assert {j["attempt"] for j in redelivered} == {2}
        for job_id in ids:
            status, body = call(gw.http_url, "POST", "/ojs/v1/workers/ack", {"job_id": job_id})
            assert (status, body["state"]) == (200, "completed")
    finally:
        gw.terminate()


def test_sigterm_reports_not_serving_and_exits_cleanly() -> None:
    gw = start_gateway("--shutdown-grace", "2")

    async def watch() -> list[int]:
        async with grpc.aio.insecure_channel(gw.grpc_target) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            stream = stub.Watch(health_pb2.HealthCheckRequest(service="ojs.v1.OJSService"))
            seen: list[int] = []
            async for update in stream:
                seen.append(update.status)
                if update.status == health_pb2.HealthCheckResponse.SERVING:
                    gw.proc.send_signal(15)
                if update.status == health_pb2.HealthCheckResponse.NOT_SERVING:
                    break
            return seen

    seen = asyncio.run(asyncio.wait_for(watch(), 30))
    assert seen[0] == health_pb2.HealthCheckResponse.SERVING
    assert seen[-1] == health_pb2.HealthCheckResponse.NOT_SERVING
    assert gw.proc.wait(20) == 0
    log = "".join(gw.lines)
    assert log.splitlines()[0].endswith(
        "embedded store: in memory only, nothing is kept across a restart"
    )
    assert "stopped" in log


def test_serve_with_a_worker_fleet_processes_jobs_and_drains_on_sigterm() -> None:
    gw = start_gateway("--workers", "examples.celery_tasks:worker", "--worker-processes", "1")
    try:
        status, body = call(
            gw.http_url,
            "POST",
            "/ojs/v1/jobs",
            {
                "type": "email.send",
                "args": ["a@example.com", "welcome"],
                "options": {"queue": "email"},
            },
        )
        assert status == 201
        job_id = body["job"]["id"]
        deadline = time.monotonic() + 60
        state = ""
        while time.monotonic() < deadline:
            _, got = call(gw.http_url, "GET", f"/ojs/v1/jobs/{job_id}")
            state = got["job"]["state"]
            if state == "completed":
                break
            time.sleep(0.2)
        assert state == "completed"
        assert got["job"]["result"] == {"message_id": "msg-1"}
    finally:
        assert gw.terminate(60) == 0
    log = "".join(gw.lines)
    assert "worker fleet stopped (exit 0)" in log
