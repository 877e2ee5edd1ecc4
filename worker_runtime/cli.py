"""``ojs-worker-runtime module:worker --processes N --concurrency M --queues a,b --grace 30``.

Recycling limits also come from ``OJS_MAX_JOBS_PER_CHILD`` / ``OJS_MAX_MEMORY_PER_CHILD``, so a
fleet started by ``ojs-grpc serve --workers`` can be given them too."""

from __future__ import annotations

import argparse
import os
import sys

from .supervisor import Options, Supervisor, setup_logging


def parse_args(argv: list[str] | None = None) -> Options:
    p = argparse.ArgumentParser(
        prog="ojs-worker-runtime",
        description="Run an OJS worker (module:attribute naming a worker_runtime.Worker) "
        "in N supervised processes.",
    )
    p.add_argument("target", help="the Worker, as 'package.module:attribute'")
    p.add_argument("--processes", type=int, default=1, help="worker processes (default 1)")
    p.add_argument(
        "--concurrency",
        type=int,
        help="jobs at once per process (default: the Worker's own setting)",
    )
    p.add_argument(
        "--queues", help="comma-separated queues, in priority order (overrides the Worker's)"
    )
    p.add_argument(
        "--grace",
        type=float,
        default=30.0,
        help="seconds in-flight jobs get to finish on SIGTERM (default 30)",
    )
    p.add_argument(
        "--url",
        default=None,
        help="gRPC address of the OJS server (default: the Worker's, else $OJS_URL)",
    )
    p.add_argument(
        "--ready-timeout",
        type=float,
        default=30.0,
        help="a child not ready after this many seconds stops the fleet",
    )
    p.add_argument(
        "--max-jobs-per-child",
        type=int,
        default=os.environ.get("OJS_MAX_JOBS_PER_CHILD", "0"),
        help="recycle a child (drain, exit, replace) after this many finished jobs "
        "(default $OJS_MAX_JOBS_PER_CHILD, else 0: never)",
    )
    p.add_argument(
        "--max-memory-per-child",
        type=int,
        default=os.environ.get("OJS_MAX_MEMORY_PER_CHILD", "0"),
        metavar="MB",
        help="recycle a child whose resident memory exceeds this many MiB after a job "
        "(default $OJS_MAX_MEMORY_PER_CHILD, else 0: never)",
    )
    p.add_argument(
        "--stats-interval",
        type=float,
        default=10.0,
        help="seconds between each child's job-count summaries, logged when they changed "
        "(default 10; 0: none)",
    )
    p.add_argument("--log-format", choices=("text", "json"), default="text")
    p.add_argument("--log-level", default=os.environ.get("OJS_LOG_LEVEL", "INFO"))
    a = p.parse_args(argv)
    if a.processes < 1:
        p.error("--processes must be at least 1")
    if a.concurrency is not None and a.concurrency < 1:
        p.error("--concurrency must be at least 1")
    for name in ("max_jobs_per_child", "max_memory_per_child", "stats_interval"):
        if getattr(a, name) < 0:
            p.error(f"--{name.replace('_', '-')} must be 0 (off) or more")
    queues = [q.strip() for q in a.queues.split(",") if q.strip()] if a.queues else None
    return Options(
        target=a.target,
        processes=a.processes,
        concurrency=a.concurrency,
        queues=queues,
        grace=a.grace,
        url=a.url,
        log_format=a.log_format,
        log_level=a.log_level,
        ready_timeout=a.ready_timeout,
        max_jobs_per_child=a.max_jobs_per_child,
        max_memory_per_child=a.max_memory_per_child,
        stats_interval=a.stats_interval,
        # Like `python -m`: the current directory is importable, in the children too.
        sys_path=[os.getcwd(), *sys.path],
    )


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(argv)
    setup_logging(opts.log_format, opts.log_level, "[supervisor]")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    return Supervisor(opts).run()


if __name__ == "__main__":
    sys.exit(main())
