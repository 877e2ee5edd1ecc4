"""Peer benchmark (issue 7): ojs-grpc against Celery, RQ, arq, Dramatiq, SAQ and taskiq.

Run ``bench/run_peers.sh [options]`` (it builds bench/.venv-peers and runs this module).
All systems share ONE throwaway redis-server; each runs the same three workloads:

1. enqueue throughput: sequential, 64 concurrent (asyncio producer APIs), bulk (where the
   library has a bulk API), from one producer process, no workers running;
2. end-to-end: ``--jobs`` pre-enqueued no-op jobs drained by the workers (paused while the
   jobs are enqueued, timed from their resume to the start of the last job);
3. enqueue-to-start latency at a steady ``--rate`` to idle workers.

Every figure is the median of ``--runs`` runs (min-max in brackets) with the CPU seconds per
1,000 jobs of every process of the run (redis-server, gateway, workers, producer).
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from pathlib import Path

from .common import (
    QUEUE,
    REPO,
    RedisServer,
    Spread,
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
    cmd,
    cpu_spread,
    latency_spread,
    ojs_raw_spec,
    ojs_runtime_spec,
    rate_spread,
)

PY = sys.executable
BIN = Path(PY).parent
ARQ_PY = REPO / "bench" / ".venv-peers-arq" / "bin" / "python"
OJS_RUNTIME = "ojs-grpc (Client + worker runtime)"
OJS_RAW = "ojs-grpc (raw ojs.v1 stubs)"
# Jobs in flight per worker process for async no-op handlers on 2 cores: bench.runtime at
# f066a67, 2 processes on the session: 15,887 jobs/s at 256, 18,768 at 128 (a window of
# 256 comes back as one message of 256 acks, and the session works it in one turn while
# the worker idles; at 1fe4cc9: 8.7k at 32, 11.0k at 128, 12.3k at 256).
OJS_CONCURRENCY = 128
ENQUEUE_MODES = {"seq": "sequential", "concurrent": "64 concurrent", "bulk": "bulk"}


def specs(redis_url: str) -> dict[str, SystemSpec]:
    """Every system with the settings it recommends for a 2-core machine."""
    celery = f"-A bench.systems.celery_sys worker -Q {QUEUE} --loglevel WARNING"
    rq = f"worker-pool -n 2 -u {redis_url} -q {QUEUE}"
    return {
        "celery": SystemSpec(
            "Celery",
            "bench.systems.celery_sys",
            PY,
            "prefork, 2 processes, prefetch multiplier 4 (default), no gossip/mingle/heartbeat",
            [
                cmd(
                    PY,
                    f"-m celery {celery} --pool prefork --concurrency 2 --prefetch-multiplier 4 "
                    "--without-gossip --without-mingle --without-heartbeat",
                )
            ],
        ),
        "rq": SystemSpec(
            "RQ",
            "bench.systems.rq_sys",
            PY,
            "worker-pool, 2 workers, default Worker (a fork per job), no prefetch",
            [cmd(BIN / "rq", rq)],
            max_drain_jobs=2000,
        ),
        "rq-simple": SystemSpec(
            "RQ (SimpleWorker)",
            "bench.systems.rq_sys",
            PY,
            "worker-pool, 2 workers, SimpleWorker (no fork per job), no prefetch",
            [cmd(BIN / "rq", f"{rq} -w rq.worker.SimpleWorker")],
        ),
        "arq": SystemSpec(
            "arq",
            "bench.systems.arq_sys",
            str(ARQ_PY),
            "2 processes, max_jobs 10, poll_delay 0.5 s (defaults)",
            [cmd(ARQ_PY, "-m arq bench.systems.arq_sys.WorkerSettings")] * 2,
            concurrency=10,
        ),
        "dramatiq": SystemSpec(
            "Dramatiq",
            "bench.systems.dramatiq_sys",
            PY,
            "2 processes x 8 threads, default prefetch (defaults)",
            [
                cmd(
                    PY,
                    f"-m dramatiq bench.systems.dramatiq_sys --processes 2 --threads 8 "
                    f"--queues {QUEUE}",
                )
            ],
        ),
        "saq": SystemSpec(
            "SAQ",
            "bench.systems.saq_sys",
            PY,
            "2 processes, concurrency 10 (default)",
            [cmd(BIN / "saq", "bench.systems.saq_sys.settings --workers 2 --quiet")],
            concurrency=10,
        ),
        "taskiq": SystemSpec(
            "taskiq (RedisStreamBroker)",
            "bench.systems.taskiq_sys",
            PY,
            "2 processes, max-async-tasks 100, max-prefetch 0, xread_count 100 (defaults)",
            [
                cmd(
                    BIN / "taskiq",
                    "worker bench.systems.taskiq_sys:broker --workers 2 --log-level WARNING",
                )
            ],
        ),
        "ojs": ojs_runtime_spec(PY, 2, OJS_CONCURRENCY, OJS_RUNTIME),
        "ojs-raw": ojs_raw_spec(PY, "stream", 1, 2, OJS_CONCURRENCY, OJS_RAW),
    }


Results = dict[str, dict[str, list[Sample] | str]]


def run_system(
    spec: SystemSpec, redis: RedisServer, args: argparse.Namespace, work: Path, out: Results
) -> None:
    """All selected workloads of one system; a failure is recorded and the next goes on."""
    res = out.setdefault(spec.name, {})

    def attempt(key: str, fn: Callable[[], Sample]) -> None:
        try:
            samples = [fn() for _ in range(args.runs)]
        except Exception as exc:
            res[key] = f"failed: {exc}".splitlines()[0][:120]
            traceback.print_exc()
            return
        res[key] = samples
        print(f"  {key}: {rate_spread(samples).fmt()} jobs/s", file=sys.stderr)

    with Session(spec, redis, work) as session:
        print(f"{spec.name}", file=sys.stderr)
        if "enqueue" in args.workloads:
            for mode in ENQUEUE_MODES:
                if mode in session.modes:
                    attempt(f"enqueue-{mode}", partial(session.enqueue, mode, args.jobs))
                else:
                    res[f"enqueue-{mode}"] = "n/a"
            res["bulk-api"] = session.bulk_api
        if {"e2e", "latency"} & set(args.workloads):
            session.start_workers()
            timeout = max(120.0, args.jobs / 50)
            if "e2e" in args.workloads:
                n = min(args.jobs, spec.max_drain_jobs or args.jobs)
                if n < args.jobs:
                    res["e2e-note"] = f"; capped at {n:,} jobs a run"
                attempt("e2e", lambda: session.drain(n, timeout))
            if "latency" in args.workloads:
                n = args.latency_jobs
                attempt("latency", lambda: session.latency(n, args.rate, n / args.rate + 60))


def cell(entry: list[Sample] | str | None, fn: Callable[[list[Sample]], Spread], d: int) -> str:
    if entry is None:
        return "-"
    if isinstance(entry, str):
        return entry
    return fn(entry).fmt(d)


def ratio_row(
    label: str,
    results: Results,
    peers: list[str],
    cols: list[tuple[str, Callable[[list[Sample]], Spread], bool]],
) -> list[str]:
    """ojs-grpc's median over the best peer's, per column (higher_is_better picks the best)."""
    row = [label]
    for key, fn, higher in cols:
        mine = results.get(label, {}).get(key)
        values = [(fn(e).median, p) for p in peers if isinstance(e := results[p].get(key), list)]
        if not isinstance(mine, list) or not values:
            row.append("-")
            continue
        best, who = max(values) if higher else min(values)
        row.append(f"{fn(mine).median / best:.2f}x ({who})")
    return row


def report(results: Results, all_specs: dict[str, SystemSpec], args: argparse.Namespace) -> str:
    names = list(results)
    peers = [n for n in names if not n.startswith("ojs-grpc")]
    mine = [n for n in names if n.startswith("ojs-grpc")]
    quick = args.jobs < 20000 or args.runs < 3
    parts = [
        f"# ojs-grpc vs peers ({date.today().isoformat()})",
        "",
        f"Machine: {machine_line()}. {args.jobs:,} jobs a run (latency: {args.latency_jobs:,} "
        f"at {args.rate:g}/s), median of {args.runs} run(s), (min-max). CPU: seconds of all "
        "processes of the run (redis-server, gateway, workers, producer) per 1,000 jobs."
        + (" **Reduced quick run.**" if quick else ""),
    ]

    def rate(s: list[Sample]) -> Spread:
        return rate_spread(s)

    def cpu(s: list[Sample]) -> Spread:
        return cpu_spread(s)

    def lat(q: float) -> Callable[[list[Sample]], Spread]:
        return lambda s: latency_spread(s, q)

    def section(
        title: str,
        headers: list[str],
        cols: Sequence[tuple[str, Callable[[list[Sample]], Spread], bool, int]],
        extra: Callable[[str], list[str]] = lambda n: [],
    ) -> None:
        rows = [
            [n, *extra(n), *(cell(results[n].get(k), f, d) for k, f, _, d in cols)] for n in names
        ]
        if peers:
            for m in mine:
                r = ratio_row(m, results, peers, [(k, f, h) for k, f, h, _ in cols])
                rows.append([f"**{m} ÷ best peer**", *([""] * len(extra(m))), *r[1:]])
        parts.extend(["", f"## {title}", "", markdown_table(headers, rows)])

    if "enqueue" in args.workloads:
        cols = []
        headers = ["System", "bulk API"]
        for mode, title in ENQUEUE_MODES.items():
            key = f"enqueue-{mode}"
            cols += [(key, rate, True, 0), (key, cpu, False, 3)]
            headers += [f"{title} jobs/s", "CPU s/1k"]
        section(
            "1. Enqueue throughput (one producer process, no workers)",
            headers,
            cols,
            extra=lambda n: [str(results[n].get("bulk-api") or "n/a")],
        )
    if "e2e" in args.workloads:
        by_name = {s.name: s for s in all_specs.values()}
        section(
            "2. End-to-end throughput (pre-enqueued no-op jobs, both cores)",
            ["System", "workers (2 cores)", "jobs/s", "CPU s/1k"],
            [("e2e", rate, True, 0), ("e2e", cpu, False, 3)],
            extra=lambda n: [
                (by_name[n].settings if n in by_name else "") + str(results[n].get("e2e-note", ""))
            ],
        )
    if "latency" in args.workloads:
        section(
            f"3. Enqueue-to-start latency at {args.rate:g} jobs/s (idle workers)",
            ["System", "p50 ms", "p95 ms", "p99 ms", "CPU s/1k"],
            [
                ("latency", lat(50), False, 2),
                ("latency", lat(95), False, 2),
                ("latency", lat(99), False, 2),
                ("latency", cpu, False, 3),
            ],
        )
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench.peers", description=__doc__.splitlines()[0])
    p.add_argument("--jobs", type=int, default=20000, help="jobs per enqueue/e2e run")
    p.add_argument("--runs", type=int, default=3, help="runs per figure (median, min-max)")
    p.add_argument("--only", default="", help="comma-separated systems (default: all)")
    p.add_argument("--workloads", default="enqueue,e2e,latency", help="comma-separated")
    p.add_argument("--latency-jobs", type=int, default=2000, help="jobs per latency run")
    p.add_argument("--rate", type=float, default=200.0, help="latency workload jobs/s")
    args = p.parse_args(argv)
    args.workloads = args.workloads.split(",")
    known = list(specs("redis://"))
    chosen = args.only.split(",") if args.only else known
    unknown = set(chosen) - set(known)
    if unknown:
        p.error(f"unknown systems {sorted(unknown)}; known: {', '.join(known)}")
    results: Results = {}
    # One redis-server for every system; each session empties it before and after.
    with redis_server() as redis, workdir() as work:
        all_specs = specs(redis.url)
        for key in chosen:
            spec = all_specs[key]
            try:
                run_system(spec, redis, args, work, results)
            except Exception as exc:
                traceback.print_exc()
                results.setdefault(spec.name, {})["e2e"] = f"failed: {exc}".splitlines()[0]
    text = report(results, all_specs, args)
    publish_report("peers", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
