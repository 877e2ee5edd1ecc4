"""``ojs-grpc serve``: run the gateway (also ``python -m ojs_grpc serve``)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys

from . import __version__
from .config import DEFAULT_GRPC_ADDR, DEFAULT_HTTP_ADDR, Settings

log = logging.getLogger("ojs_grpc")


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes", "on")


def _queue_rate_limit(text: str) -> tuple[str, int]:
    queue, _, limit = text.partition("=")
    if not queue or not limit.isdigit() or int(limit) <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not QUEUE=N with N > 0")
    return queue, int(limit)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ojs-grpc", description="Open Job Spec job server")
    parser.add_argument("--version", action="version", version=f"ojs-grpc {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the gateway (gRPC + HTTP)")
    env = os.environ.get
    serve.add_argument(
        "--grpc-addr",
        default=env("OJS_GRPC_ADDR", DEFAULT_GRPC_ADDR),
        help="gRPC listen address HOST:PORT (env OJS_GRPC_ADDR)",
    )
    serve.add_argument(
        "--http-addr",
        default=env("OJS_HTTP_ADDR", DEFAULT_HTTP_ADDR),
        help="HTTP listen address HOST:PORT (env OJS_HTTP_ADDR)",
    )
    serve.add_argument(
        "--redis-url",
        default=env("REDIS_URL") or None,
        help="Redis URL (env REDIS_URL); without it the embedded store is used",
    )
    serve.add_argument(
        "--key-prefix",
        default=env("OJS_KEY_PREFIX", "ojs"),
        help="prefix of every Redis key (env OJS_KEY_PREFIX)",
    )
    serve.add_argument(
        "--retention-seconds",
        type=int,
        default=int(env("OJS_RETENTION_SECONDS", str(7 * 24 * 3600))),
        help="how long finished jobs are kept (env OJS_RETENTION_SECONDS)",
    )
    serve.add_argument(
        "--max-job-bytes",
        type=int,
        default=int(env("OJS_MAX_JOB_BYTES", str(1024 * 1024))),
        help="largest accepted job envelope (env OJS_MAX_JOB_BYTES)",
    )
    serve.add_argument(
        "--max-request-bytes",
        type=int,
        default=int(env("OJS_MAX_REQUEST_BYTES", str(64 * 1024 * 1024))),
        help="largest accepted request (env OJS_MAX_REQUEST_BYTES)",
    )
    serve.add_argument(
        "--max-batch-size",
        type=int,
        default=int(env("OJS_MAX_BATCH_SIZE", "1000")),
        help="most jobs one batch enqueue may carry (env OJS_MAX_BATCH_SIZE)",
    )
    serve.add_argument(
        "--max-heartbeat-extend-seconds",
        type=int,
        default=int(env("OJS_MAX_HEARTBEAT_EXTEND_SECONDS", "3600")),
        help="longest lease extension one heartbeat may ask for "
        "(env OJS_MAX_HEARTBEAT_EXTEND_SECONDS)",
    )
    serve.add_argument(
        "--queue-rate-limit",
        action="append",
        type=_queue_rate_limit,
        default=[_queue_rate_limit(x) for x in env("OJS_QUEUE_RATE_LIMITS", "").split(",") if x],
        metavar="QUEUE=N",
        help="at most N job starts per second on QUEUE; repeatable "
        "(env OJS_QUEUE_RATE_LIMITS=q1=5,q2=10)",
    )
    serve.add_argument(
        "--enable-reset",
        action="store_true",
        default=_env_flag("OJS_ENABLE_RESET"),
        help="enable POST /ojs/v1/admin/reset, which empties the store "
        "(conformance runs only; env OJS_ENABLE_RESET)",
    )
    serve.add_argument(
        "--conformance-hooks",
        action="store_true",
        default=_env_flag("OJS_CONFORMANCE_HOOKS"),
        help="enable the test hooks the conformance cases need (env OJS_CONFORMANCE_HOOKS)",
    )
    serve.add_argument(
        "--shutdown-grace",
        type=float,
        default=float(env("OJS_SHUTDOWN_GRACE", "10")),
        help="seconds in-flight calls get on shutdown (env OJS_SHUTDOWN_GRACE)",
    )
    serve.add_argument(
        "--workers",
        default=env("OJS_WORKERS") or None,
        metavar="MODULE:WORKER",
        help="also run a worker fleet (ojs-worker-runtime) for this Worker against "
        "this gateway (env OJS_WORKERS)",
    )
    serve.add_argument(
        "--worker-processes",
        type=int,
        default=int(env("OJS_WORKER_PROCESSES", "2")),
        help="processes of that fleet (env OJS_WORKER_PROCESSES)",
    )
    serve.add_argument("--log-level", default=env("OJS_LOG_LEVEL", "INFO"))
    return parser


def settings_from_args(args: argparse.Namespace) -> Settings:
    return Settings(
        grpc_addr=args.grpc_addr,
        http_addr=args.http_addr,
        redis_url=args.redis_url,
        key_prefix=args.key_prefix,
        retention_ms=args.retention_seconds * 1000,
        max_job_bytes=args.max_job_bytes,
        max_request_bytes=args.max_request_bytes,
        max_batch_size=args.max_batch_size,
        max_heartbeat_extend_ms=args.max_heartbeat_extend_seconds * 1000,
        queue_rate_limits=dict(args.queue_rate_limit),
        enable_reset=args.enable_reset,
        conformance_hooks=args.conformance_hooks,
        shutdown_grace_s=args.shutdown_grace,
    )


async def serve(settings: Settings, workers: str | None = None, worker_processes: int = 2) -> None:
    from .fleet import Fleet
    from .gc_policy import tune_for_server
    from .server import Gateway, describe_store

    gateway = Gateway(settings)
    log.info("ojs-grpc %s: %s", __version__, describe_store(gateway.store, settings))
    await gateway.store.ping()
    await gateway.start()
    log.info(
        "listening: gRPC %s (port %d), HTTP %s (port %d)",
        settings.grpc_addr,
        gateway.grpc_port,
        settings.http_addr,
        gateway.http_port,
    )
    if settings.enable_reset:
        log.warning("reset route enabled: POST /ojs/v1/admin/reset empties the store")
    fleet = None
    if workers:
        fleet = Fleet(workers, gateway.grpc_port, worker_processes, settings.shutdown_grace_s)
        await fleet.start()
    tune_for_server()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("shutting down (grace %.1fs)", settings.shutdown_grace_s)
    if fleet is not None:
        await fleet.stop()  # the workers drain first: they still need the gateway to ack
    await gateway.stop()
    log.info("stopped")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    settings = settings_from_args(args)
    try:
        import uvloop

        runner = asyncio.Runner(loop_factory=uvloop.new_event_loop)
    except ImportError:  # pragma: no cover - uvloop is a dependency; keep running without it
        runner = asyncio.Runner()
    with runner:
        runner.run(serve(settings, args.workers, args.worker_processes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
