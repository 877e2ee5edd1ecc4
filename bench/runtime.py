"""Worker-runtime benchmark (issue 5): ``python -m bench.runtime [--jobs N --runs R]``.

One gateway on a throwaway Redis and an ``ojs-worker-runtime`` fleet of 1 and of 2
processes: end-to-end no-op jobs/s, CPU seconds per 1,000 jobs of each kind of process
(gateway, redis-server, workers, producer) and enqueue-to-start latency p50 / p99 at a
steady rate to idle workers. ``--profile`` also samples the gateway with py-spy during one
extra 2-process drain and prints where its time goes.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from datetime import date
from pathlib import Path

from .common import (
    Profiler,
    RedisServer,
    machine_line,
    markdown_table,
    publish_report,
    redis_server,
    workdir,
)
from .workloads import (
    Sample,
    Session,
    SystemSpec,
    commands_spread,
    cpu_spread,
    latency_spread,
    ojs_runtime_spec,
    rate_spread,
)

KINDS = ("gateway", "redis", "workers", "producer")


def measure(
    spec: SystemSpec, redis: RedisServer, work: Path, args: argparse.Namespace, profile: bool
) -> tuple[list[Sample], list[Sample], str]:
    """Drains, latency runs and (when asked) a gateway profile of one fleet configuration."""
    with Session(spec, redis, work) as session:
        session.start_workers()
        drains: list[Sample] = []
        for _ in range(args.runs):
            drains.append(session.drain(args.jobs, max(120.0, args.jobs / 50)))
            print(f"{spec.name}: {drains[-1].rate:,.0f} jobs/s", file=sys.stderr)
        n = args.latency_jobs
        lats = [session.latency(n, args.rate, n / args.rate + 60) for _ in range(args.runs)]
        summary = ""
        if args.profile and profile:
            pid = session.gateways[0].proc.pid
            profilers: list[Profiler] = []
            session.drain(
                args.jobs,
                max(120.0, args.jobs / 50),
                on_resume=lambda: profilers.append(Profiler(pid, work / f"{spec.name}.pyspy")),
            )
            summary = f"Fleet: {spec.settings}.\n\n" + profilers[0].stop()
    return drains, lats, summary


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench.runtime", description=__doc__.splitlines()[0])
    p.add_argument("--jobs", type=int, default=20000, help="jobs per end-to-end run")
    p.add_argument("--runs", type=int, default=3, help="runs per figure (median, min-max)")
    p.add_argument("--processes", default="1,2", help="fleet sizes to measure")
    p.add_argument("--concurrency", type=int, default=32, help="jobs at once per process")
    p.add_argument(
        "--transports",
        default="session,stream",
        help="worker transports to measure (Worker(transport=...)); 'default' leaves it unset",
    )
    p.add_argument("--latency-jobs", type=int, default=2000, help="jobs per latency run")
    p.add_argument("--rate", type=float, default=200.0, help="latency workload jobs/s")
    p.add_argument("--profile", action="store_true", help="py-spy the gateway (2 processes)")
    args = p.parse_args(argv)
    rows = []
    profile = ""
    with redis_server() as redis, workdir() as work:
        for transport in args.transports.split(","):
            for n in (int(x) for x in args.processes.split(",")):
                label = [str(n), transport]
                spec = ojs_runtime_spec(
                    sys.executable,
                    n,
                    args.concurrency,
                    f"{n}-process-{transport}",
                    "" if transport == "default" else transport,
                )
                try:
                    drains, lats, prof = measure(spec, redis, work, args, n == 2 and not profile)
                except Exception as exc:
                    traceback.print_exc()
                    rows.append([*label, f"failed: {exc}".splitlines()[0][:100]])
                    continue
                profile = profile or prof
                rows.append(
                    [
                        *label,
                        rate_spread(drains).fmt(),
                        *(cpu_spread(drains, k).fmt(3) for k in KINDS),
                        cpu_spread(drains).fmt(3),
                        commands_spread(drains).fmt(1),
                        latency_spread(lats, 50).fmt(2),
                        latency_spread(lats, 99).fmt(2),
                        cpu_spread(lats).fmt(3),
                    ]
                )
    quick = args.jobs < 20000 or args.runs < 3
    text = "\n".join(
        [
            f"# Worker runtime ({date.today().isoformat()})",
            "",
            f"Machine: {machine_line()}. One gateway on Redis; fleet concurrency "
            f"{args.concurrency} per process; {args.jobs:,} pre-enqueued no-op jobs a drain; "
            f"latency: {args.latency_jobs:,} jobs at {args.rate:g}/s. Median of {args.runs} "
            "run(s) (min-max)." + (" **Reduced quick run.**" if quick else ""),
            "",
            markdown_table(
                [
                    "worker processes",
                    "transport",
                    "end-to-end jobs/s",
                    *(f"CPU s/1k {k}" for k in KINDS),
                    "CPU s/1k total",
                    "Redis cmds/job (incl. in scripts)",
                    "latency p50 ms",
                    "p99 ms",
                    "CPU s/1k at 200/s",
                ],
                rows,
            ),
            *(
                ["", "## Gateway profile (2 worker processes, one extra drain)", "", profile]
                if profile
                else []
            ),
        ]
    )
    publish_report("runtime", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
