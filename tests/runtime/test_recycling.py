"""Fleet recycling (max jobs / max memory per child), SIGTSTP quiet and the count logs,
with real supervisor and child processes against a real gateway."""

from __future__ import annotations

import asyncio
import json
import signal
from collections import Counter
from pathlib import Path
from typing import Any

from ojs_grpc import Client
from tests.support.processes import GatewayProcess

from .helpers import new_queue, wait_job
from .test_supervisor import supervisor, wait_files, wait_lines


def _records(lines: list[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines if line.startswith("{")]


async def test_max_jobs_per_child_recycles_children_without_stopping_the_fleet(
    gateway: GatewayProcess, client: Client, tmp_path: Path
) -> None:
    q = new_queue()
    args = ("--processes", "2", "--concurrency", "2", "--queues", q, "--grace", "10")
    options = ("--max-jobs-per-child", "10", "--log-format", "json")
    # A worker lease longer than any stall of a loaded machine: nothing is redelivered early.
    with supervisor(gateway.grpc_target, tmp_path, *args, *options, lease=30) as (proc, lines):
        await wait_lines(lines, "ready (pid", 2)
        # A lease of their own: a stranded job fails the test as a 2nd attempt, not a timeout.
        jobs = [
            await client.enqueue("sleep", [0.05], queue=q, visibility_timeout=10) for _ in range(60)
        ]
        done = [await wait_job(client, j.id, {"completed"}, timeout=120) for j in jobs]
        assert proc.poll() is None, "".join(lines)
        # A recycling child hands back what it was sent and did not start: nothing waits out
        # its lease and comes back as a second attempt.
        assert all(j.attempt == 1 for j in done), [(j.id, j.attempt) for j in done]
        per_child = Counter(j.result["pid"] for j in done if j.result)
        assert len(per_child) >= 4, per_child
        # It stops taking work at 10: only jobs already in flight (concurrency 2) finish after.
        assert max(per_child.values()) <= 11, per_child
        await wait_lines(lines, "after recycling", 4)
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(proc.wait, 30) == 0
    records = _records(lines)
    supervisor_pid = proc.pid
    recycles = [r for r in records if r.get("event") == "recycle" and r["pid"] == supervisor_pid]
    assert len(recycles) >= 4
    assert all(r["reason"].startswith("max jobs") for r in recycles)
    replacements = [r for r in records if r.get("event") == "spawn" and r["cause"] == "replacement"]
    assert len(replacements) == len(recycles)
    exits = [r for r in records if r.get("event") == "exit"]
    assert exits and all(r.get("recycled") and r["code"] == 0 for r in exits), exits
    assert not any("restarting in" in r["msg"] for r in records)  # no child crashed
    # Every child logged its final counts as JSON fields: together, every job exactly once.
    finals = [r for r in records if r.get("event") == "stats" and r["final"]]
    assert sum(r["jobs_done"] for r in finals) == 60
    assert all(r["jobs_failed"] == 0 and r["jobs_active"] == 0 for r in finals)


async def test_max_memory_per_child_replaces_the_child_and_the_rest_complete(
    gateway: GatewayProcess, client: Client, tmp_path: Path
) -> None:
    q = new_queue()
    limit = 200
    args = ("--processes", "1", "--concurrency", "1", "--queues", q)
    with supervisor(gateway.grpc_target, tmp_path, *args, "--max-memory-per-child", str(limit)) as (
        proc,
        lines,
    ):
        await wait_lines(lines, "ready (pid", 1)
        # Each job keeps 40 MiB for the life of its process: the first child passes the
        # limit after a few jobs, and so would any child that took all of them.
        jobs = [await client.enqueue("hog", [40], queue=q, visibility_timeout=10) for _ in range(8)]
        done = [await wait_job(client, j.id, {"completed"}, timeout=120) for j in jobs]
        results = [j.result for j in done if j.result]
        pids = Counter(r["pid"] for r in results)
        assert len(pids) >= 2, results
        # A child takes no job once it is over the limit: at most its last one ends above it.
        over = Counter(r["pid"] for r in results if r["rss_mib"] > limit)
        assert over and max(over.values()) == 1, results
        await wait_lines(lines, "recycling (max memory", 1)
        await wait_lines(lines, "after recycling", 1)
        assert proc.poll() is None
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(proc.wait, 30) == 0
    assert not any("restarting in" in line for line in lines)
    assert any("final counts: " in line for line in lines)


async def test_sigtstp_quiets_the_fleet_until_sigterm(
    gateway: GatewayProcess, client: Client, tmp_path: Path
) -> None:
    q = new_queue()
    args = ("--processes", "2", "--concurrency", "2", "--queues", q, "--grace", "10")
    logs = ("--log-format", "json", "--stats-interval", "0.2")
    with supervisor(gateway.grpc_target, tmp_path, *args, *logs) as (proc, lines):
        await wait_lines(lines, "ready (pid", 2)
        running = await client.enqueue("sleep", [3], queue=q, visibility_timeout=60)
        first = (await wait_files(tmp_path, f"{running.id}.1.*"))[0]
        child = int(first.name.rsplit(".", 1)[1])
        proc.send_signal(signal.SIGTSTP)
        await wait_lines(lines, "quiet: taking no new work", 2)
        later = [await client.enqueue("sleep", [0.1], queue=q) for _ in range(3)]
        finished = await wait_job(client, running.id, {"completed"}, timeout=30)
        assert finished.attempt == 1
        await asyncio.sleep(1)  # time enough to take a job, were any child still taking work
        for j in later:
            assert (await client.get_job(j.id)).state == "available"
            assert not list(tmp_path.glob(f"{j.id}.*"))
        assert proc.poll() is None  # quiet is not a stop
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(proc.wait, 30) == 0
    for j in later:
        assert (await client.get_job(j.id)).state == "available"
    # The child's periodic summaries: the job while it ran, once done, then nothing more
    # while the counts stood still (over a second of idling at 0.2 s intervals).
    stats = [r for r in _records(lines) if r.get("event") == "stats" and r["pid"] == child]
    periodic = [
        (r["jobs_done"], r["jobs_failed"], r["jobs_active"]) for r in stats if not r["final"]
    ]
    assert periodic == [(0, 0, 1), (1, 0, 0)], stats
    assert stats[-1]["final"] and stats[-1]["jobs_done"] == 1
    assert stats[1]["jobs_per_second"] > 0
