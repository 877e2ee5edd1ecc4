"""Delivery benchmark (issue 4): ``python -m bench.delivery [--jobs N --runs R]``.

How fast jobs reach a consumer and are acknowledged, per delivery mode, on the bare stubs
(bench/systems/ojs_raw.py): (i) Fetch polling + unary Ack, (ii) StreamJobs + unary Ack,
(iii) the bidirectional ``ojsgrpc.worker.v1.WorkerStreamService.Connect`` session (only
where the gateway's manifest announces it). Each with one and with two gateway processes on
the same Redis (the two consumer processes and the producer split between them); then
enqueue-to-delivery latency at a steady rate to an idle consumer.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date

from .common import machine_line, markdown_table, publish_report, redis_server, workdir
from .systems.ojs_raw import serves_worker_stream
from .workloads import (
    Sample,
    Session,
    commands_spread,
    cpu_spread,
    latency_spread,
    ojs_raw_spec,
    rate_spread,
)

MODES = {
    "fetch": "Fetch polling + unary Ack",
    "stream": "StreamJobs + unary Ack",
    "connect": "WorkerStreamService.Connect",
}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench.delivery", description=__doc__.splitlines()[0])
    p.add_argument("--jobs", type=int, default=20000, help="jobs per throughput run")
    p.add_argument("--runs", type=int, default=3, help="runs per figure (median, min-max)")
    p.add_argument("--modes", default=",".join(MODES), help="comma-separated delivery modes")
    p.add_argument("--gateways", default="1,2", help="gateway counts to measure")
    p.add_argument("--concurrency", type=int, default=32, help="credit window per consumer")
    p.add_argument("--latency-jobs", type=int, default=2000, help="jobs per latency run")
    p.add_argument("--rate", type=float, default=200.0, help="latency workload jobs/s")
    args = p.parse_args(argv)
    rows = []
    with redis_server() as redis, workdir() as work:
        for mode in args.modes.split(","):
            for gateways in (int(x) for x in args.gateways.split(",")):
                label = [MODES[mode], str(gateways)]
                spec = ojs_raw_spec(
                    sys.executable, mode, gateways, 2, args.concurrency, f"{mode}-{gateways}gw"
                )
                with Session(spec, redis, work) as session:
                    target = session.gateways[0].grpc_target
                    if mode == "connect" and not asyncio.run(serves_worker_stream(target)):
                        rows.append([*label, *["n/a (not served)"] * 7])
                        print(f"{mode}, {gateways} gateway(s): not served", file=sys.stderr)
                        continue
                    session.start_workers()
                    drains: list[Sample] = []
                    for _ in range(args.runs):
                        drains.append(session.drain(args.jobs, max(120.0, args.jobs / 50)))
                        print(
                            f"{mode}, {gateways} gateway(s): {drains[-1].rate:,.0f} jobs/s",
                            file=sys.stderr,
                        )
                    n = args.latency_jobs
                    lats = [
                        session.latency(n, args.rate, n / args.rate + 60) for _ in range(args.runs)
                    ]
                rows.append(
                    [
                        *label,
                        rate_spread(drains).fmt(),
                        cpu_spread(drains, "gateway").fmt(3),
                        cpu_spread(drains).fmt(3),
                        commands_spread(drains).fmt(1),
                        *(latency_spread(lats, q).fmt(2) for q in (50, 95, 99)),
                    ]
                )
    quick = args.jobs < 20000 or args.runs < 3
    text = "\n".join(
        [
            f"# Delivery modes ({date.today().isoformat()})",
            "",
            f"Machine: {machine_line()}. Redis + gateway(s) + 2 consumer processes (window "
            f"{args.concurrency} each; Fetch: 4 lanes x 8 jobs a call, 10 ms pause when empty); "
            f"no-op handler, ack included; {args.jobs:,} pre-enqueued jobs a run; latency: "
            f"{args.latency_jobs:,} jobs at {args.rate:g}/s. Median of {args.runs} run(s) "
            "(min-max)." + (" **Reduced quick run.**" if quick else ""),
            "",
            markdown_table(
                [
                    "mode",
                    "gateways",
                    "jobs/s",
                    "CPU s/1k gateways",
                    "CPU s/1k total",
                    "Redis cmds/job (incl. in scripts)",
                    "latency p50 ms",
                    "p95 ms",
                    "p99 ms",
                ],
                rows,
            ),
        ]
    )
    publish_report("delivery", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
