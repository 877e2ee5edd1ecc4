"""What the conformance runner puts on the wire, checked against a raw in-process HTTP server.

The server is a minimal HTTP/1.1 responder on a loopback port (no framework, so it also accepts
the ``ASSERT`` method); it records every request and answers from a per-test handler.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conformance.http_runner import Case, load_cases, run_case


@dataclass
class Request:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


Handler = Callable[[Request], Awaitable[tuple[int, Any] | None]]


@dataclass
class RawServer:
    """Loopback HTTP/1.1 server; a handler returning ``None`` drops the connection."""

    handler: Handler
    requests: list[Request] = field(default_factory=list)
    url: str = ""

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                line = await reader.readline()
                if not line:
                    return
                method, target, _ = line.decode("latin-1").split(" ", 2)
                headers: dict[str, str] = {}
                while (header := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    name, value = header.decode("latin-1").split(":", 1)
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                request = Request(method, target, headers, body)
                self.requests.append(request)
                answer = await self.handler(request)
                if answer is None:
                    return
                status, payload = answer
                data = json.dumps(payload).encode()
                writer.write(
                    f"HTTP/1.1 {status} X\r\nContent-Type: application/openjobspec+json\r\n"
                    f"Content-Length: {len(data)}\r\n\r\n".encode()
                    + data
                )
                await writer.drain()
        finally:
            writer.close()


@pytest.fixture
async def server() -> AsyncIterator[RawServer]:
    async def default(_: Request) -> tuple[int, Any]:
        return 200, {}

    raw = RawServer(default)
    tcp = await asyncio.start_server(raw.serve, "127.0.0.1", 0)
    raw.url = f"http://127.0.0.1:{tcp.sockets[0].getsockname()[1]}"
    async with tcp:
        yield raw


def case_of(*steps: dict[str, Any]) -> Case:
    return Case("T-1:demo", "T-1", 0, "demo", "demo", Path("demo.json"), {"steps": list(steps)})


async def test_request_shapes(server: RawServer) -> None:
    async def handler(request: Request) -> tuple[int, Any]:
        if request.target == "/ojs/v1/jobs" and request.body:
            return 201, {"job": {"id": "abc", "priority": 7}}
        return 200, {"ok": True}

    server.handler = handler
    case = case_of(
        {"id": "s1", "action": "POST", "path": "/ojs/v1/jobs", "body": {"type": "t"}},
        {
            "id": "s2",
            "action": "GET",
            "path": "/ojs/v1/jobs/{{steps.s1.response.body.job.id}}"
            "?p={{steps.s1.response.body.job.priority}}",
            "headers": {"Accept": "application/openjobspec+json"},
        },
        {
            "id": "s3",
            "action": "POST",
            "path": "/ojs/v1/jobs",
            "headers": {"Content-Type": "application/openjobspec+json"},
            "raw_body": "{ invalid json }",
        },
        {
            "id": "s4",
            "action": "POST",
            "path": "/x",
            "headers": {"content-type": "text/plain"},
            "body": {},
        },
        {"id": "s5", "action": "ASSERT", "assertions": {"exclusive_claim": None}},
    )
    calls: list[str] = []

    async def reset() -> None:
        calls.append("reset")
        assert server.requests == []

    result = await run_case(case, server.url + "/", reset)
    assert calls == ["reset"]
    s1, s2, s3, s4, s5 = server.requests
    assert (s1.method, s1.target, s1.body) == ("POST", "/ojs/v1/jobs", b'{"type": "t"}')
    assert s1.headers["content-type"] == "application/openjobspec+json"
    assert "accept" not in s1.headers
    assert (s2.method, s2.target, s2.body) == ("GET", "/ojs/v1/jobs/abc?p=7", b"")
    assert s2.headers["accept"] == "application/openjobspec+json"
    assert "content-type" not in s2.headers
    assert (s3.body, s3.headers["content-type"]) == (b"", "application/openjobspec+json")
    assert (s4.body, s4.headers["content-type"]) == (b"{}", "text/plain")
    assert (s5.method, s5.target, s5.body) == ("ASSERT", "/", b"")
    # the exclusive_claim block is evaluated (and malformed here), everything else passed
    assert not result.passed
    assert [record.step_id for record in result.steps if record.failures] == ["s5"]
    assert result.steps[1].parsed == {"ok": True}


async def test_wait_and_delay(server: RawServer) -> None:
    case = case_of(
        {"id": "w1", "action": "WAIT", "duration_ms": 150},
        {"id": "w2", "action": "WAIT", "delay_ms": 200},
        {"id": "g", "action": "GET", "path": "/", "delay_ms": 100, "assertions": {"status": 200}},
    )
    started = time.monotonic()
    result = await run_case(case, server.url, None)
    elapsed = time.monotonic() - started
    assert result.passed, result.format()
    assert 0.64 <= elapsed < 2.0  # 150 + 2 * 200 (WAIT with only delay_ms sleeps twice) + 100 ms
    assert len(server.requests) == 1


async def test_parallel_steps_are_concurrent(server: RawServer) -> None:
    arrived = asyncio.Event()
    waiting = 0

    async def handler(request: Request) -> tuple[int, Any]:
        nonlocal waiting
        if request.target != "/fetch":
            return 200, {"other": True}
        waiting += 1
        if waiting == 2:
            arrived.set()
        try:
            await asyncio.wait_for(arrived.wait(), 2)
        except TimeoutError:
            return 500, {"error": "not concurrent"}
        return 200, {"jobs": []}

    server.handler = handler
    fetch = {"action": "POST", "path": "/fetch", "body": {}, "assertions": {"status": 200}}
    case = case_of(
        {**fetch, "id": "a", "parallel_with": "b"},
        {**fetch, "id": "b", "parallel_with": "a"},
        {"id": "c", "action": "GET", "path": "/after"},
    )
    result = await run_case(case, server.url, None)
    assert result.passed, result.format()
    assert [r.target for r in server.requests] == ["/fetch", "/fetch", "/after"]


async def test_dropped_connection_fails_the_step(server: RawServer) -> None:
    async def handler(_: Request) -> None:
        return None

    server.handler = handler
    result = await run_case(case_of({"id": "x", "action": "GET", "path": "/"}), server.url, None)
    assert not result.passed
    assert result.steps[0].status is None
    assert "HTTP request failed" in result.failures[0]


async def test_vendored_case_against_fake_fetch(server: RawServer) -> None:
    """L0-OPS-008 end to end: passes with an exclusive claim, fails on double delivery."""
    [case] = [
        c
        for c in load_cases(Path(__file__).parent / "suites", [0])
        if c.key == "L0-OPS-008:fetch-exclusive-claim"
    ]
    job = {"id": "0190a8b4-6c6e-7d2e-8f00-0123456789ab", "state": "available"}
    queue: list[dict[str, Any]] = []
    double = False

    async def handler(request: Request) -> tuple[int, Any]:
        if request.target == "/ojs/v1/jobs":
            queue.append(job)
            return 201, {"job": job}
        if request.target == "/ojs/v1/workers/fetch":
            await asyncio.sleep(0.02)
            if not queue:
                return 200, {"jobs": []}
            return 200, {"jobs": [queue[0] if double else queue.pop()]}
        return 405, {"error": {"code": "method_not_allowed"}}

    server.handler = handler
    assert (await run_case(case, server.url, None)).passed
    queue.clear()
    double = True
    result = await run_case(case, server.url, None)
    assert not result.passed
    assert all("exclusive_claim" in failure for failure in result.failures)
