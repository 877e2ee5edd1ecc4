"""Transport floor (issue 7): ``python -m bench.floor [--count N --runs R --rate R]``.

The round trip of the cheapest request on each kind of hop an enqueue-to-start path can
cross, paced at a steady rate (200/s, as the latency workload) from one uvloop client
process to an idle server process, with the CPU seconds of every process involved per
1,000 requests; then the same number back to back, one in flight (the ceiling of a
sequential producer). Whatever a job system does on top, each hop costs it at least this:

- TCP echo: asyncio streams, one line out and back (the loopback floor of this machine);
- Redis PING: redis-py's asyncio client and a throwaway redis-server (a peer's hop);
- gRPC unary: grpcio's asyncio server and channel, ``grpc.health.v1.Health/Check``
  answered from memory (what any gRPC hop costs, with nothing of ojs-grpc in it);
- OJS ``Manifest``: the same kind of call to the ojs-grpc gateway (answered from memory);
- OJS ``Enqueue``: ``Client.enqueue`` to the gateway, which runs its insert script on the
  same Redis: the first hop of every ojs-grpc job.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

import grpc
import redis.asyncio as redis
import uvloop
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from ojs_grpc import Client
from ojs_grpc._proto.ojs.v1 import service_pb2, service_pb2_grpc

from .common import (
    REPO,
    CpuMeter,
    Spread,
    machine_line,
    markdown_table,
    percentile,
    publish_report,
    redis_server,
    start_gateway,
)

# The first requests of a run warm connections and caches: left out of the percentiles.
WARMUP_SHARE = 0.1


@dataclass
class Run:
    """One run of a probe: paced round trips in ms, CPU seconds per 1,000 paced requests,
    and requests a second when sent back to back (one in flight)."""

    rtts_ms: list[float]
    cpu_per_1k: float
    back_to_back: float


async def paced(call: Callable[[], Awaitable[object]], rate: float, count: int) -> list[float]:
    """Round trips (ms) of ``count`` calls started on a schedule of ``rate`` a second."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    rtts = []
    for i in range(count):
        delay = start + i / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        t0 = time.perf_counter()
        await call()
        rtts.append((time.perf_counter() - t0) * 1000)
    return rtts[int(count * WARMUP_SHARE) :]


# -- the bare servers: one child process ---------------------------------------------------


async def _serve() -> None:
    """TCP echo and gRPC health on free loopback ports; prints them as one JSON line."""

    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while line := await reader.readline():
            writer.write(line)

    tcp = await asyncio.start_server(echo, "127.0.0.1", 0)
    server = grpc.aio.server()
    health_pb2_grpc.add_HealthServicer_to_server(health.aio.HealthServicer(), server)
    grpc_port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    tcp_port = tcp.sockets[0].getsockname()[1]
    print(json.dumps({"tcp": tcp_port, "grpc": grpc_port}), flush=True)
    await server.wait_for_termination()


def _start_servers() -> tuple[subprocess.Popen[str], dict[str, int]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.floor", "--serve"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        raise RuntimeError(f"bench.floor --serve exited with {proc.wait(10)}")
    return proc, json.loads(line)


# -- the probes ------------------------------------------------------------------------------


PROBES = {
    "tcp": ("TCP echo (asyncio streams)", ("client", "servers")),
    "redis": ("Redis PING (redis-py asyncio)", ("client", "redis")),
    "grpc": ("gRPC unary, grpcio asyncio (Health/Check)", ("client", "servers")),
    "manifest": ("OJS Manifest (ojs-grpc gateway)", ("client", "gateway")),
    "enqueue": ("OJS Enqueue (Client.enqueue: gateway + Redis)", ("client", "gateway", "redis")),
}


async def _probe_all(
    meter: CpuMeter, ports: dict[str, int], redis_url: str, gateway: str, rate: float, count: int
) -> dict[str, Run]:
    """One paced run of every probe, one after another. CPU counts the processes the
    probe's request crosses (the client process also does the pacing)."""

    reader, writer = await asyncio.open_connection("127.0.0.1", ports["tcp"])

    async def tcp_echo() -> None:
        writer.write(b"x\n")
        await reader.readline()

    rds = redis.Redis.from_url(redis_url)
    health_channel = grpc.aio.insecure_channel(f"127.0.0.1:{ports['grpc']}")
    health_stub = health_pb2_grpc.HealthStub(health_channel)
    check = health_pb2.HealthCheckRequest()
    ojs_channel = grpc.aio.insecure_channel(gateway)
    ojs_stub = service_pb2_grpc.OJSServiceStub(ojs_channel)
    manifest = service_pb2.ManifestRequest()
    client = Client(gateway)

    async def enqueue() -> None:
        await client.enqueue("noop", [0], queue="floor")

    calls: dict[str, Callable[[], Awaitable[object]]] = {
        "tcp": tcp_echo,
        "redis": rds.ping,
        "grpc": lambda: health_stub.Check(check),
        "manifest": lambda: ojs_stub.Manifest(manifest),
        "enqueue": enqueue,
    }
    runs = {}
    try:
        for name, call in calls.items():
            await call()  # connected before the clock runs
            before = meter.snapshot()
            rtts = await paced(call, rate, count)
            cpu = CpuMeter.delta(before, meter.snapshot())
            started = time.perf_counter()
            for _ in range(count):
                await call()
            per_second = count / (time.perf_counter() - started)
            cpu_per_1k = sum(cpu[k] for k in PROBES[name][1]) / count * 1000  # warm-up included
            runs[name] = Run(rtts, cpu_per_1k, per_second)
    finally:
        writer.close()
        await rds.aclose()
        await health_channel.close()
        await ojs_channel.close()
        await client.close()
    return runs


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench.floor", description=__doc__.splitlines()[0])
    p.add_argument("--count", type=int, default=2000, help="requests per probe and run")
    p.add_argument("--runs", type=int, default=3, help="runs per figure (median, min-max)")
    p.add_argument("--rate", type=float, default=200.0, help="requests a second")
    p.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.serve:
        uvloop.run(_serve())
        return 0
    passes: list[dict[str, Run]] = []
    with redis_server() as store:
        servers, ports = _start_servers()
        gateway = start_gateway(redis_url=store.url)
        try:
            meter = CpuMeter()
            meter.add("client", os.getpid())
            meter.add("servers", servers.pid)
            meter.add("gateway", gateway.proc.pid)
            if store.proc is not None:
                meter.add("redis", store.proc.pid)
            for i in range(args.runs):
                passes.append(
                    uvloop.run(
                        _probe_all(
                            meter, ports, store.url, gateway.grpc_target, args.rate, args.count
                        )
                    )
                )
                print(f"run {i + 1}/{args.runs} done", file=sys.stderr)
        finally:
            gateway.terminate()
            servers.terminate()
            servers.wait(10)
    rows = []
    for name, (label, processes) in PROBES.items():
        runs = [one[name] for one in passes]
        rows.append(
            [
                label,
                *(Spread.of([percentile(r.rtts_ms, q) for r in runs]).fmt(3) for q in (50, 95, 99)),
                Spread.of([r.cpu_per_1k for r in runs]).fmt(3),
                Spread.of([r.back_to_back for r in runs]).fmt(),
                " + ".join(processes),
            ]
        )
    text = "\n".join(
        [
            f"# Transport floor ({date.today().isoformat()})",
            "",
            f"Machine: {machine_line()}. One uvloop client process, {args.count:,} requests "
            f"a run at {args.rate:g}/s (the first {WARMUP_SHARE:.0%} left out), one request "
            f"in flight; then as many back to back (the sequential ceiling); median of "
            f"{args.runs} run(s) (min-max).",
            "",
            markdown_table(
                [
                    "round trip",
                    "p50 ms",
                    "p95 ms",
                    "p99 ms",
                    "CPU s/1k",
                    "back to back /s",
                    "processes counted",
                ],
                rows,
            ),
        ]
    )
    publish_report("floor", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
