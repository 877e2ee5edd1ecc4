"""The gateway process: one store, one service layer, gRPC and HTTP listeners."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from typing import Any

import grpc
import redis.asyncio as aioredis
from aiohttp import web
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from ._proto.ojs.v1 import service_pb2, service_pb2_grpc
from ._proto.ojsgrpc.worker.v1 import worker_stream_pb2, worker_stream_pb2_grpc
from .clock import Clock, SystemClock
from .config import Settings
from .events import EventLog
from .grpc_api.servicer import OJSServicer
from .grpc_api.worker_stream import WorkerStreamServicer
from .http.app import HttpBinding
from .job_stream import JobStreams
from .level4 import apply_queue_rate_limits
from .maintenance import Maintenance
from .service import OJSService
from .store.embedded import PERSISTENCE_NOTE, embedded_store
from .store.keys import Keys
from .store.redis_store import RedisStore
from .worker_sessions import WorkerSessions

log = logging.getLogger("ojs_grpc")

SERVICE_NAME = service_pb2.DESCRIPTOR.services_by_name["OJSService"].full_name
WORKER_STREAM_NAME = worker_stream_pb2.DESCRIPTOR.services_by_name["WorkerStreamService"].full_name


def split_addr(addr: str) -> tuple[str, int]:
    host, _, port = addr.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"address {addr!r} must be HOST:PORT")
    return host.strip("[]"), int(port)


def open_store(settings: Settings) -> RedisStore:
    keys = Keys(settings.key_prefix)
    if settings.redis_url:
        client = aioredis.from_url(settings.redis_url, decode_responses=True)
        return RedisStore(client, keys, backend="redis")
    return embedded_store(keys)


def describe_store(store: RedisStore, settings: Settings) -> str:
    if store.backend == "redis":
        return f"store: redis at {settings.redis_url} (key prefix '{settings.key_prefix}')"
    return PERSISTENCE_NOTE


class Gateway:
    """Start with :meth:`start`, stop with :meth:`stop`; ports are known after start."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        store: RedisStore | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.store = store or open_store(settings)
        self.events = EventLog(self.store.client, self.store.keys, self.clock, settings.max_events)
        self.maintenance = Maintenance(self.store, self.events, self.clock, settings)
        self.service = OJSService(
            self.store,
            self.events,
            self.clock,
            settings,
            wake_maintenance=self.maintenance.wake,
        )
        self.maintenance.workflows = self.service.workflows
        self.job_streams = JobStreams(self.service)
        self.worker_sessions = WorkerSessions(self.service, self.job_streams.subscriber)
        self.health = health.aio.HealthServicer()
        self.grpc_port = 0
        self.http_port = 0
        self._grpc: grpc.aio.Server | None = None
        self._http: web.AppRunner | None = None
        self._tasks: list[asyncio.Task[Any]] = []

    async def start(self) -> None:
        await apply_queue_rate_limits(self.store, self.settings.queue_rate_limits)
        await self._start_grpc()
        await self._start_http()
        self._tasks.append(asyncio.create_task(self.maintenance.run(), name="maintenance"))
        self._tasks.append(asyncio.create_task(self.service.cron.scheduler.run(), name="cron"))
        for name in ("", SERVICE_NAME):
            await self.health.set(name, health_pb2.HealthCheckResponse.SERVING)

    async def _start_grpc(self) -> None:
        limit = self.settings.max_request_bytes
        server = grpc.aio.server(
            options=[
                ("grpc.max_receive_message_length", limit),
                ("grpc.max_send_message_length", limit),
                ("grpc.keepalive_time_ms", 30_000),
                ("grpc.http2.max_pings_without_data", 0),
                ("grpc.keepalive_permit_without_calls", 1),
            ]
        )
        servicer = OJSServicer(self.service, self.job_streams)
        service_pb2_grpc.add_OJSServiceServicer_to_server(servicer, server)
        worker_stream_pb2_grpc.add_WorkerStreamServiceServicer_to_server(
            WorkerStreamServicer(self.worker_sessions), server
        )
        health_pb2_grpc.add_HealthServicer_to_server(self.health, server)
        reflection.enable_server_reflection(
            (SERVICE_NAME, WORKER_STREAM_NAME, reflection.SERVICE_NAME), server
        )
        self.grpc_port = server.add_insecure_port(self.settings.grpc_addr)
        await server.start()
        self._grpc = server

    async def _start_http(self) -> None:
        binding = HttpBinding(self.service, enable_reset=self.settings.enable_reset)
        runner = web.AppRunner(
            binding.app(self.settings.max_request_bytes), access_log=None, handle_signals=False
        )
        await runner.setup()
        host, port = split_addr(self.settings.http_addr)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        self.http_port = sock.getsockname()[1]
        await web.SockSite(runner, sock).start()
        self._http = runner

    async def stop(self, grace: float | None = None) -> None:
        """Drain: health NOT_SERVING, refuse new work, finish in-flight calls, close."""
        grace = self.settings.shutdown_grace_s if grace is None else grace
        self.service.draining = True  # streams see this and end with UNAVAILABLE
        self.job_streams.stop()
        await self.health.enter_graceful_shutdown()
        self.maintenance.stop()
        self.service.cron.scheduler.stop()
        if self._grpc is not None:
            await self._grpc.stop(grace)
        if self._http is not None:
            await self._http.cleanup()
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.job_streams.close()
        await self.store.close()
