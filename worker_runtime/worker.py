"""One worker process: consume (StreamJobs, else Fetch polling), execute, ack/nack, heartbeat."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import inspect
import logging
import os
import signal
import threading
import time
import traceback
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import grpc

from ojs_grpc._proto.ojs.v1 import job_pb2, worker_pb2
from ojs_grpc.client import Client, InvalidStateError, NotFoundError, OJSClientError
from ojs_grpc.client.client import job_from_proto

from .context import JobContext

log = logging.getLogger("worker_runtime")

Handler = Callable[[JobContext], Any]
Next = Callable[[], Awaitable[Any]]
Middleware = Callable[[JobContext, Next], Awaitable[Any]]
_H = TypeVar("_H", bound=Handler)
_M = TypeVar("_M", bound=Middleware)

SHUTDOWN = "shutdown"
TIMEOUT = "timeout"


class HandlerNotFound(Exception):
    """No handler is registered for the job's type."""


@dataclass
class _Active:
    ctx: JobContext
    task: asyncio.Task[None] | None = None
    beat_every: float = 5.0
    next_beat: float = 0.0
    extend_by: float | None = None
    lost: bool = False
    outcome: list[str] = field(default_factory=list)


class Worker:
    """Register handlers and middleware, then ``await worker.start()`` (runs until stopped).

    ``lease`` (seconds, default 30) is the visibility extension asked on every heartbeat, or
    the job's own visibility timeout when that is shorter; so a job whose worker dies is
    redelivered within about a lease even when it was enqueued with the server's long default
    (1800 s). Beats for a job go out every ``min(heartbeat_interval, lease / 3)`` seconds, on a
    timer independent of the handler. ``lease=None`` leaves the extension to the server.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        queues: Sequence[str] = ("default",),
        concurrency: int = 10,
        worker_id: str | None = None,
        heartbeat_interval: float = 5.0,
        lease: float | None = 30.0,
        timeout: float | None = None,
        grace: float = 30.0,
        poll_interval: float = 1.0,
        use_stream: bool = True,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        if not queues:
            raise ValueError("a worker needs at least one queue")
        self.url = url
        self.queues = list(queues)
        self.concurrency = concurrency
        self.worker_id = worker_id or f"w-{uuid.uuid4()}"
        self.heartbeat_interval = heartbeat_interval
        self.lease = lease
        self.timeout = timeout
        self.grace = grace
        self.poll_interval = poll_interval
        self.use_stream = use_stream
        self.handlers: dict[str, Handler] = {}
        self.middlewares: list[Middleware] = []
        self.streaming: bool | None = None
        """True once StreamJobs is in use, False after falling back to Fetch polling."""
        self._client: Client | None = None
        self._active: dict[str, _Active] = {}
        self._slots: asyncio.Semaphore | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._ready = asyncio.Event()
        self._stopping = asyncio.Event()
        self._stopped = asyncio.Event()
        self._consumer: asyncio.Task[None] | None = None
        self._beater: _HeartbeatThread | None = None
        self._quiet = False
        self._background: set[asyncio.Task[Any]] = set()

    # -- registration

    def register(self, job_type: str) -> Callable[[_H], _H]:
        """Decorator: ``@worker.register("email.send")`` on an ``async def`` or plain ``def``."""

        def deco(fn: _H) -> _H:
            if job_type in self.handlers:
                raise ValueError(f"a handler for {job_type!r} is already registered")
            self.handlers[job_type] = fn
            return fn

        return deco

    def middleware(self, fn: _M) -> _M:
        """Decorator: ``async def mw(ctx, next)``; the first registered is the outermost."""
        self.middlewares.append(fn)
        return fn

    # -- lifecycle

    @property
    def client(self) -> Client:
        if self._client is None:
            self._client = Client(self.url)
        return self._client

    @property
    def active_jobs(self) -> int:
        return len(self._active)

    async def wait_ready(self) -> None:
        await self._ready.wait()

    async def start(self) -> None:
        """Run until :meth:`stop` (or a TERMINATE directive) completes."""
        self._slots = asyncio.Semaphore(self.concurrency)
        self._executor = ThreadPoolExecutor(
            max_workers=self.concurrency, thread_name_prefix="ojs-handler"
        )
        await self.client.health()  # fails fast on a wrong address
        self._beater = _HeartbeatThread(self, asyncio.get_running_loop())
        self._consumer = asyncio.create_task(self._consume(), name="ojs-consumer")
        ready = asyncio.ensure_future(self._ready.wait())
        await asyncio.wait([ready, self._consumer], return_when=asyncio.FIRST_COMPLETED)
        if not self._ready.is_set():
            ready.cancel()
            await self.stop(0)
            self._consumer.result()  # raises what stopped the consumer
            raise RuntimeError("worker consumer ended before it was ready")
        log.info(
            "worker %s ready: queues %s, concurrency %d",
            self.worker_id,
            self.queues,
            self.concurrency,
        )
        try:
            await self._stopped.wait()
        finally:
            if not self._stopped.is_set():  # start() itself was cancelled
                await self.stop(0)

    async def run(self) -> None:
        """:meth:`start` with SIGTERM/SIGINT -> graceful stop (second signal: stop now)."""
        loop = asyncio.get_running_loop()
        signals = 0

        def on_signal() -> None:
            nonlocal signals
            signals += 1
            self._spawn(self.stop(self.grace if signals == 1 else 0))

        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, on_signal)
        try:
            await self.start()
        finally:
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)

    async def stop(self, grace: float | None = None) -> None:
        """Stop taking work, let in-flight jobs finish within ``grace`` seconds, then nack the
        rest with code ``shutdown`` (retryable: the server requeues them per policy)."""
        grace = self.grace if grace is None else grace
        if self._stopping.is_set():
            if grace == 0:  # a forced stop while draining
                self._cancel_all(SHUTDOWN)
            await self._stopped.wait()
            return
        self._stopping.set()
        if self._consumer is not None:
            self._consumer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._consumer
        tasks = [a.task for a in self._active.values() if a.task is not None]
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=grace)
            if pending:
                log.warning("grace over: handing back %d job(s)", len(pending))
                self._cancel_all(SHUTDOWN)
                await asyncio.wait(pending, timeout=max(5.0, grace))
        if self._beater is not None:
            await asyncio.to_thread(self._beater.stop)
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        await self.client.close()
        self._stopped.set()
        log.info("worker %s stopped", self.worker_id)

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _cancel_all(self, reason: str) -> None:
        for active in list(self._active.values()):
            self._cancel(active, reason)

    def _cancel(self, active: _Active, reason: str) -> None:
        active.ctx._mark_cancelled(reason)
        if active.task is not None and not active.task.done():
            active.task.cancel(reason)

    # -- consumption

    async def _consume(self) -> None:
        if self.use_stream:
            await self._consume_stream()
        else:
            self.streaming = False
        if not self._stopping.is_set():
            await self._consume_fetch()

    async def _consume_stream(self) -> None:
        """Use StreamJobs until the server says it does not have it (then fall back)."""
        backoff = 0.1
        while not self._stopping.is_set():
            req = worker_pb2.StreamJobsRequest(
                queues=self.queues, worker_id=self.worker_id, max_concurrent=self.concurrency
            )
            call = self.client.stub.StreamJobs(req)
            try:
                # The gateway sends headers once the stream is subscribed: from then on
                # every enqueue on our queues reaches us, so that is when we are ready.
                await call.initial_metadata()
                if not call.done():
                    self._ready.set()
                async for job in call:
                    self.streaming = True
                    backoff = 0.1
                    assert self._slots is not None
                    await self._slots.acquire()
                    self._launch(job)
            except grpc.aio.AioRpcError as err:
                if err.code() in (grpc.StatusCode.UNIMPLEMENTED, grpc.StatusCode.UNKNOWN):
                    log.info("StreamJobs not available (%s): polling Fetch", err.details())
                    self.streaming = False
                    return
                log.warning("job stream ended (%s); reconnecting", err.code().name)
            finally:
                call.cancel()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self.poll_interval)

    async def _consume_fetch(self) -> None:
        idle = 0.02
        assert self._slots is not None
        slots = self._slots
        self._ready.set()
        while not self._stopping.is_set():
            await slots.acquire()
            free = 1
            while not slots.locked() and free < self.concurrency:
                await slots.acquire()
                free += 1
            jobs: list[job_pb2.Job] = []
            if not self._quiet:
                try:
                    jobs = await self.client.fetch(self.queues, self.worker_id, count=free)
                except OJSClientError as err:
                    log.warning("fetch failed: %s", err)
            for job in jobs:
                self._launch(job)
            for _ in range(free - len(jobs)):
                slots.release()
            if jobs:
                idle = 0.02
            else:
                await asyncio.sleep(idle)
                idle = min(idle * 2, self.poll_interval)

    def _launch(self, pb: job_pb2.Job) -> None:
        job = job_from_proto(pb)
        ctx = JobContext(job, self)
        leases = [x for x in (self.lease, job.visibility_timeout) if x]
        extend_by = min(leases) if leases else None
        beat_every = max(0.05, min(self.heartbeat_interval, (extend_by or 1800.0) / 3))
        active = _Active(
            ctx,
            beat_every=beat_every,
            next_beat=time.monotonic() + beat_every,
            extend_by=extend_by if self.lease else None,
        )
        self._active[job.id] = active
        active.task = asyncio.create_task(self._execute(active), name=f"ojs-job-{job.id}")

    # -- execution

    async def _execute(self, active: _Active) -> None:
        ctx = active.ctx
        job = ctx.job
        try:
            timeout = job.timeout if job.timeout else self.timeout
            if self.timeout and timeout:
                timeout = min(timeout, self.timeout)
            try:
                async with asyncio.timeout(timeout):
                    result = await self._invoke(ctx)
            except TimeoutError:
                ctx._mark_cancelled(TIMEOUT)
                await self._nack(
                    active,
                    TIMEOUT,
                    f"execution timeout of {timeout:g}s passed",
                    details={"timeout_kind": "execution", "limit_seconds": timeout},
                )
                return
            except asyncio.CancelledError:
                reason = ctx.cancel_reason or SHUTDOWN
                if active.lost:
                    return
                await self._nack(active, reason, f"job interrupted: {reason}")
                if reason != SHUTDOWN:
                    raise
                return
            except Exception as exc:
                await self._nack(
                    active,
                    type(exc).__name__,
                    str(exc) or type(exc).__name__,
                    backtrace="".join(traceback.format_exception(exc)),
                    details={"error_class": type(exc).__name__},
                )
                return
            if active.lost:
                return
            payload: dict[str, Any] | None
            if result is None:
                payload = None
            elif isinstance(result, dict):
                payload = result
            else:
                payload = {"value": result}
            try:
                await self.client.ack(job.id, job.attempt, payload)
                active.outcome.append("completed")
            except TypeError as exc:
                await self._nack(active, "InvalidResult", f"result is not JSON: {exc}")
            except OJSClientError as err:
                log.warning("ack of %s failed: %s", job.id, err)
        finally:
            self._active.pop(job.id, None)
            if self._slots is not None:
                self._slots.release()

    async def _invoke(self, ctx: JobContext) -> Any:
        handler = self.handlers.get(ctx.type)

        async def call_handler() -> Any:
            if handler is None:
                raise HandlerNotFound(f"no handler registered for job type {ctx.type!r}")
            if inspect.iscoroutinefunction(handler):
                return await handler(ctx)
            loop = asyncio.get_running_loop()
            run = functools.partial(contextvars.copy_context().run, handler, ctx)
            result = await loop.run_in_executor(self._executor, run)
            if inspect.isawaitable(result):
                result = await result
            return result

        call: Next = call_handler
        for mw in reversed(self.middlewares):
            call = functools.partial(mw, ctx, call)
        return await call()

    async def _nack(
        self,
        active: _Active,
        code: str,
        message: str,
        *,
        backtrace: str = "",
        details: dict[str, Any] | None = None,
    ) -> None:
        job = active.ctx.job
        try:
            state = await self.client.nack(
                job.id, job.attempt, code, message, backtrace=backtrace, details=details
            )
            active.outcome.append(state)
        except (InvalidStateError, NotFoundError):
            log.info("job %s no longer held (nack %s skipped)", job.id, code)
        except OJSClientError as err:
            log.warning("nack of %s failed: %s", job.id, err)

    # -- heartbeats

    async def _beat(self, client: Client, job_id: str) -> None:
        """One heartbeat, on the heartbeat thread's loop; outcomes go back to the worker's."""
        active = self._active.get(job_id)
        if active is None:
            return
        job = active.ctx.job
        try:
            resp = await client.heartbeat(job.id, job.attempt, self.worker_id, active.extend_by)
        except (InvalidStateError, NotFoundError):
            # Cancelled, reclaimed or finished elsewhere: we no longer hold this job.
            active.lost = True
            self._on_loop(self._cancel, active, "cancelled")
            return
        except OJSClientError as err:
            log.warning("heartbeat for %s failed (retrying next interval): %s", job.id, err)
            return
        if resp.directed_state == worker_pb2.WORKER_STATE_QUIET:
            self._quiet = True
        elif resp.directed_state == worker_pb2.WORKER_STATE_TERMINATE:
            self._on_loop(lambda: self._spawn(self.stop()))

    def _on_loop(self, fn: Callable[..., Any], *args: Any) -> None:
        assert self._beater is not None
        self._beater.worker_loop.call_soon_threadsafe(fn, *args)

    async def _heartbeat_loop(self, client: Client) -> None:
        while True:
            now = time.monotonic()
            # list() copies in one step under the GIL: the worker's loop mutates _active.
            held = list(self._active.values())
            due = [a for a in held if a.next_beat <= now]
            for a in due:
                a.next_beat = now + a.beat_every
            if due:
                await asyncio.gather(*(self._beat(client, a.ctx.job.id) for a in due))
            wait = min((a.next_beat for a in held), default=now + 0.1) - now
            await asyncio.sleep(min(max(wait, 0.02), 0.1))


class _HeartbeatThread:
    """Heartbeats on a thread of their own, with their own event loop and gRPC channel.

    A handler that blocks the worker's event loop (CPU-bound code in an ``async def``)
    must not let its lease lapse while it is still running: the beats would otherwise
    wait for the loop and the job would be delivered a second time.
    """

    def __init__(self, worker: Worker, worker_loop: asyncio.AbstractEventLoop) -> None:
        self.worker_loop = worker_loop
        self._worker = worker
        self._loop = asyncio.new_event_loop()
        self._task: asyncio.Task[None] | None = None
        self._thread = threading.Thread(target=self._run, name="ojs-heartbeats", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._main())
        self._loop.close()

    async def _main(self) -> None:
        client = Client(self._worker.url)
        self._task = asyncio.current_task()
        try:
            await self._worker._heartbeat_loop(client)
        except asyncio.CancelledError:
            pass
        finally:
            await client.close()

    def stop(self) -> None:
        def cancel() -> None:
            if self._task is not None:
                self._task.cancel()

        self._loop.call_soon_threadsafe(cancel)
        self._thread.join(10)


def default_concurrency() -> int:
    return int(os.environ.get("OJS_WORKER_CONCURRENCY", "10"))


__all__ = ["HandlerNotFound", "JobContext", "Worker"]
