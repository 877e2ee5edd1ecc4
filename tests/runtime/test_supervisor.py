"""The ojs-worker-runtime supervisor with real child processes against a real gateway."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ojs_grpc import Client
from tests.support.processes import REPO, GatewayProcess, collect_stderr, free_port

from .helpers import new_queue, wait_job


@contextmanager
def supervisor(
    gateway_target: str, out: Path, *args: str, lease: float = 2
) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    """``ojs-worker-runtime`` running workers_app (worker lease ``lease`` s), stderr lines."""
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "TEST_OUT_DIR": str(out),
        "TEST_LEASE": str(lease),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "worker_runtime",
            "tests.runtime.workers_app:worker",
            "--url",
            gateway_target,
            *args,
        ],
        cwd=REPO,
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    lines = collect_stderr(proc)
    try:
        yield proc, lines
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


async def wait_lines(lines: list[str], text: str, count: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while sum(text in line for line in lines) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"no {count}x {text!r} in:\n" + "".join(lines))
        await asyncio.sleep(0.05)


async def wait_files(out: Path, pattern: str, timeout: float = 30) -> list[Path]:
    deadline = time.monotonic() + timeout
    while not (found := sorted(out.glob(pattern))):
        if time.monotonic() > deadline:
            raise AssertionError(f"no {pattern} in {out}")
        await asyncio.sleep(0.02)
    return found


async def test_sigkilled_child_job_completes_on_another_process(
    gateway: GatewayProcess, client: Client, tmp_path: Path
) -> None:
    q = new_queue()
    with supervisor(
        gateway.grpc_target, tmp_path, "--processes", "2", "--concurrency", "1", "--queues", q
    ) as (proc, lines):
        await wait_lines(lines, "ready (pid", 2)
        # Enqueued with the server's long default lease (1800 s): the worker's beats shrink
        # it to its own 2 s lease and keep renewing it while the 3 s job runs.
        job = await client.enqueue("sleep", [3], queue=q)
        first = (await wait_files(tmp_path, f"{job.id}.1.*"))[0]
        victim = int(first.name.rsplit(".", 1)[1])
        await asyncio.sleep(1)  # a few beats in
        os.kill(victim, signal.SIGKILL)
        done = await wait_job(client, job.id, {"completed", "discarded"}, timeout=30)
        assert done.state == "completed"
        assert done.attempt == 2
        assert done.result is not None and done.result["pid"] != victim
        # The killed child is restarted with backoff.
        await wait_lines(lines, "restarting in", 1)
        await wait_lines(lines, "ready (pid", 3)
        who = await client.enqueue("whoami", [], queue=q)
        info = (await wait_job(client, who.id, {"completed"})).result
        assert info is not None and info["loop"].startswith("uvloop")
        assert info["pid"] != os.getpid()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0


async def test_sigterm_under_load_completes_or_hands_back_every_job(
    gateway: GatewayProcess, client: Client, tmp_path: Path
) -> None:
    q = new_queue()
    with supervisor(
        gateway.grpc_target,
        tmp_path,
        *("--processes", "2", "--concurrency", "3", "--queues", q, "--grace", "1"),
    ) as (proc, lines):
        await wait_lines(lines, "ready (pid", 2)
        # Long leases: only a nack (not a lease expiry) can take a job out of `active`.
        quick = [
            await client.enqueue("sleep", [0.2], queue=q, visibility_timeout=120) for _ in range(6)
        ]
        slow = [
            await client.enqueue("sleep", [60], queue=q, visibility_timeout=120) for _ in range(4)
        ]
        for j in slow:
            await wait_files(tmp_path, f"{j.id}.1.*")
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(proc.wait, 30)
        assert code == 0, "".join(lines)
        assert time.monotonic() - started < 15
    states = {j.id: await client.get_job(j.id) for j in quick + slow}
    # Quick jobs either finished or were never taken (no worker takes work after SIGTERM).
    assert {states[j.id].state for j in quick} <= {"completed", "available"}
    assert any(states[j.id].state == "completed" for j in quick)
    for j in slow:  # released on the worker session: available at once, attempt not counted
        s = states[j.id]
        assert (s.state, s.attempt, s.errors) == ("available", 0, []), s
    assert not [s for s in states.values() if s.state == "active"]


def test_a_child_that_never_gets_ready_stops_the_fleet(tmp_path: Path) -> None:
    dead = f"127.0.0.1:{free_port()}"
    with supervisor(
        dead, tmp_path, "--processes", "2", "--ready-timeout", "20", "--log-format", "json"
    ) as (proc, lines):
        code = proc.wait(60)
        time.sleep(0.2)
    assert code == 1
    records = [json.loads(line) for line in lines if line.startswith("{")]
    errors = [r["msg"] for r in records if r["level"] == "error"]
    assert any("before it became ready" in m or "never became ready" in m for m in errors), lines


async def test_second_sigint_forces_the_hand_back(
    gateway: GatewayProcess, client: Client, tmp_path: Path
) -> None:
    q = new_queue()
    with supervisor(
        gateway.grpc_target, tmp_path, "--processes", "1", "--queues", q, "--grace", "60"
    ) as (proc, lines):
        await wait_lines(lines, "ready (pid", 1)
        job = await client.enqueue("sleep", [60], queue=q, visibility_timeout=120)
        await wait_files(tmp_path, f"{job.id}.1.*")
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        await wait_lines(lines, "gracefully", 1)
        proc.send_signal(signal.SIGINT)
        assert await asyncio.to_thread(proc.wait, 30) == 0
        assert time.monotonic() - started < 15
    done = await client.get_job(job.id)  # released on the worker session
    assert (done.state, done.attempt, done.errors) == ("available", 0, []), done
