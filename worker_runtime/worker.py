"""One worker process: consume, execute, ack/nack, heartbeat.

Transports, best first (``Worker(transport="auto")``): the gateway's worker session
(``ojsgrpc.worker.v1.WorkerStreamService.Connect``, when the Manifest announces it):
credits, batched deliveries, acks and nacks in batches, heartbeats and progress in band;
else the standard ``StreamJobs``; else ``Fetch`` polling, so any OJS gRPC server works."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import inspect
import logging
import os
import signal
import socket
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
from ojs_grpc._proto.ojsgrpc.worker.v1 import worker_stream_pb2 as ws
from ojs_grpc.client import Client, InvalidStateError, NotFoundError, OJSClientError
from ojs_grpc.client._values import py_to_struct, set_duration
from ojs_grpc.client.types import Job

from .context import JobContext

log = logging.getLogger("worker_runtime")

Handler = Callable[[JobContext], Any]
Next = Callable[[], Awaitable[Any]]
Middleware = Callable[[JobContext, Next], Awaitable[Any]]
_H = TypeVar("_H", bound=Handler)
_M = TypeVar("_M", bound=Middleware)

SHUTDOWN = "shutdown"
TIMEOUT = "timeout"
# Manifest extension of the gateway's worker session (ojs_grpc/worker_sessions.py).
SESSION_EXTENSION = "ojsgrpc.worker.v1.WorkerStreamService"
TRANSPORTS = ("auto", "session", "stream", "fetch")
# Settles (acks, nacks, releases) wait at most this long, or until this many are pending,
# before they go out together in one session message.
FLUSH_DELAY_S = 0.001
FLUSH_MAX = 64


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
    # The session it was delivered on (None: StreamJobs or Fetch); while that session is
    # open its heartbeats go in band and the heartbeat thread only backs them up.
    link: _SessionLink | None = None


class _SessionLink:
    """The writing side of one worker session: parts are merged into one pending message
    and written together (settles after ``FLUSH_DELAY_S`` or ``FLUSH_MAX`` of them;
    credits, heartbeats and progress at once), by one writer task."""

    def __init__(self, call: Any) -> None:
        self.call = call
        self.closed = False
        self._pending = ws.ConnectRequest()
        self._settles = 0
        self._due = asyncio.Event()
        self._timer: asyncio.TimerHandle | None = None
        self._closing = False
        self._writer = asyncio.create_task(self._write_loop(), name="ojs-session-writer")
        # Set by every heartbeat answer: the gateway has read all we wrote before the beat.
        self.beat_answered = asyncio.Event()

    def add(self, *, urgent: bool = False, **parts: Any) -> None:
        """Merge ``parts`` (ConnectRequest fields: ``credits``, ``acks``, ...) into the
        pending message."""
        msg = self._pending
        for name, value in parts.items():
            if name == "credits":
                msg.credits += value
            elif name == "heartbeat":
                msg.heartbeat.CopyFrom(value)
            else:
                getattr(msg, name).append(value)
                if name in ("acks", "nacks", "releases"):
                    self._settles += 1
        if urgent or self._settles >= FLUSH_MAX:
            self._due.set()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(FLUSH_DELAY_S, self._due.set)

    async def _write_loop(self) -> None:
        while True:
            await self._due.wait()
            self._due.clear()
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            msg, self._pending, self._settles = self._pending, ws.ConnectRequest(), 0
            if msg.ListFields() and not self.closed:
                try:
                    await self.call.write(msg)
                except Exception:  # the call is gone: the worker replays what is unanswered
                    self.closed = True
            if self._closing:
                return

    async def close(self) -> None:
        """Write what is pending, then end our side of the call."""
        self._closing = True
        self._due.set()
        await self._writer
        if not self.closed:
            with contextlib.suppress(Exception):
                await self.call.done_writing()

    def abort(self) -> None:
        """The call ended: nothing more is written."""
        self.closed = True
        self._due.set()


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
        transport: str = "auto",
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        if transport not in TRANSPORTS:
            raise ValueError(f"transport must be one of {TRANSPORTS}")
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
        self.transport = transport if use_stream or transport != "auto" else "fetch"
        """Wanted: ``auto`` (session if announced, else StreamJobs, else Fetch) or one."""
        self.transport_used: str | None = None
        """``session``, ``stream`` or ``fetch`` once consuming."""
        self.handlers: dict[str, Handler] = {}
        self._async_handlers: dict[Handler, bool] = {}
        self.middlewares: list[Middleware] = []
        self.streaming: bool | None = None
        """True once jobs are pushed (session or StreamJobs), False when polling Fetch."""
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
        self._jobs_done = 0
        # The open worker session and the credits granted on it not yet used.
        self._link: _SessionLink | None = None
        self._credit = 0
        # Session settles not answered yet: job id -> (ConnectRequest field, part).
        self._unsettled: dict[str, tuple[str, Any]] = {}

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

    @property
    def jobs_done(self) -> int:
        """Jobs this worker finished running (any outcome), since it started."""
        return self._jobs_done

    def quiet(self) -> None:
        """Take no new work; jobs already running go on (SIGTSTP, QUIET directive)."""
        self._quiet = True
        if self._link is not None:  # the session delivers no more against open credits
            self._beat_session(self._link, worker_pb2.WORKER_STATE_QUIET)

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
        self.quiet()
        if self._link is None:
            await self._end_consumer()
        # else: the session stays open for the last acks and releases (closed below).
        tasks = [a.task for a in self._active.values() if a.task is not None]
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=grace)
            if pending:
                log.warning("grace over: handing back %d job(s)", len(pending))
                self._cancel_all(SHUTDOWN)
                await asyncio.wait(pending, timeout=max(5.0, grace))
        if self._link is not None:
            link = self._link
            # A beat's answer comes after every delivery sent before our QUIET reached the
            # gateway (one ordered stream): once it is here, they are all handed back.
            link.beat_answered.clear()
            self._beat_session(link)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(link.beat_answered.wait(), 5.0)
            await link.close()
            if self._consumer is not None:  # the gateway ends the call once it settled all
                await asyncio.wait([self._consumer], timeout=5.0)
        await self._end_consumer()
        if self._unsettled:
            await self._settle_unanswered(grace)
        if self._beater is not None:
            await asyncio.to_thread(self._beater.stop)
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        await self.client.close()
        self._stopped.set()
        log.info("worker %s stopped", self.worker_id)

    async def _end_consumer(self) -> None:
        if self._consumer is not None:
            self._consumer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._consumer

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
        transport = self.transport
        if transport == "auto":
            transport = "session" if await self._session_announced() else "stream"
        if transport == "session":
            if not await self._consume_session() and self.transport == "session":
                raise RuntimeError("the server has no worker session (WorkerStreamService)")
            transport = "stream"
        if transport == "stream":
            await self._consume_stream()
        else:
            self.streaming = False
        if not self._stopping.is_set():
            self.transport_used = "fetch"
            await self._consume_fetch()

    async def _session_announced(self) -> bool:
        try:
            manifest = await self.client.manifest()
        except OJSClientError as err:
            log.info("no manifest (%s): not using the worker session", err)
            return False
        return SESSION_EXTENSION in manifest.get("extensions", ())

    async def _consume_session(self) -> bool:
        """Run worker sessions (reconnecting) until stopped; False when the server has none."""
        backoff = 0.1
        while not self._stopping.is_set():
            call = self.client.session_stub.Connect()
            link = _SessionLink(call)
            try:
                free = self.concurrency - len(self._active) if not self._quiet else 0
                hello = ws.Hello(
                    worker_id=self.worker_id,
                    queues=self.queues,
                    hostname=socket.gethostname(),
                    pid=os.getpid(),
                    job_types=sorted(self.handlers),
                )
                await call.write(ws.ConnectRequest(hello=hello, credits=free))
                welcome: Any = await call.read()
                if welcome is grpc.aio.EOF:
                    raise ConnectionError("the session ended before its welcome")
                self._credit = free
                self._link = link
                for name, part in list(self._unsettled.values()):
                    link.add(**{name: part})  # unanswered on an earlier session: again
                self.streaming, self.transport_used = True, "session"
                self._ready.set()
                backoff = 0.1
                beats = asyncio.create_task(self._beat_in_band(link), name="ojs-session-beats")
                try:
                    resp: Any
                    while (resp := await call.read()) is not grpc.aio.EOF:
                        await self._on_session(link, resp)
                finally:
                    beats.cancel()
                if self._stopping.is_set():
                    return True
                log.warning("worker session ended; reconnecting")
            except grpc.aio.AioRpcError as err:
                if self._link is not link and err.code() in (
                    grpc.StatusCode.UNIMPLEMENTED,
                    grpc.StatusCode.UNKNOWN,
                ):
                    log.info("worker session not available (%s)", err.details())
                    return False
                log.warning("worker session ended (%s); reconnecting", err.code().name)
            except ConnectionError as err:
                log.warning("%s; reconnecting", err)
            finally:
                link.abort()
                if self._link is link:
                    self._link = None
                call.cancel()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self.poll_interval)
        return True

    async def _on_session(self, link: _SessionLink, resp: ws.ConnectResponse) -> None:
        for delivery in resp.deliveries:
            self._credit -= 1
            assert self._slots is not None
            if self._quiet or self._slots.locked():  # stopping: hand it straight back
                release = ws.Release(job_id=delivery.job.id, lease_token=delivery.lease_token)
                link.add(releases=release)
                continue
            await self._slots.acquire()  # free: a credit is only granted for a free slot
            self._launch(delivery.job, link)
        for result in resp.results:
            self._unsettled.pop(result.job_id, None)
            if result.status != ws.SETTLE_STATUS_OK:
                log.info(
                    "job %s not settled (%s): %s",
                    result.job_id,
                    ws.SettleStatus.Name(result.status),
                    result.error_message,
                )
        for cancel in resp.cancels:
            active = self._active.get(cancel.job_id)
            if active is not None and str(active.ctx.attempt) == cancel.lease_token:
                active.lost = True  # not ours to ack any more
                reason = (
                    "cancelled" if cancel.reason == ws.CANCEL_REASON_CANCELLED else "lease_lost"
                )
                self._cancel(active, reason)
        if resp.HasField("heartbeat"):
            link.beat_answered.set()
        if resp.directive == worker_pb2.WORKER_STATE_QUIET:
            self.quiet()
        elif resp.directive == worker_pb2.WORKER_STATE_TERMINATE:
            if resp.reconnect:
                # The gateway replica is shutting down: it delivers no more and ends the
                # call; unanswered settles go out again on the next session.
                log.info("gateway shutting down: reconnecting after this session")
            else:
                self._spawn(self.stop())

    def _grant(self) -> None:
        """A slot came free: offer it to the session (unless taking no more work)."""
        link = self._link
        if link is None or self._quiet:
            return
        free = self.concurrency - len(self._active) - self._credit
        if free > 0:
            self._credit += free
            # Nothing left running: no more settles are coming to batch with, send at once.
            link.add(credits=free, urgent=not self._active)

    def _settle_in_session(self, active: _Active, name: str, part: Any) -> bool:
        """Settle a job delivered by a session (``name``: acks, nacks or releases) on the
        open session, else on the next one; kept until the gateway answers it, so a
        settle a dying session swallowed is sent again. False: not a session job."""
        if active.link is None:
            return False
        self._unsettled[part.job_id] = (name, part)
        link = self._session_of(active)
        if link is not None:
            link.add(**{name: part})
        return True

    async def _settle_unanswered(self, grace: float) -> None:
        """Stopping with settles no session answered: send acks and nacks over the unary
        RPCs (retrying while the gateway is unreachable, within ``grace``); unanswered
        releases are left to their leases."""
        deadline = time.monotonic() + max(grace, 5.0)
        for name, part in list(self._unsettled.values()):
            metadata = [("x-ojs-lease-token", part.lease_token)]
            if name == "acks":
                method: Any = self.client.stub.Ack
                request: Any = worker_pb2.AckRequest(job_id=part.job_id)
                if part.HasField("result"):
                    request.result.CopyFrom(part.result.struct_value)
            elif name == "nacks":
                method = self.client.stub.Nack
                request = worker_pb2.NackRequest(job_id=part.job_id, error=part.error)
            else:
                continue
            while True:
                try:
                    await self.client.call(method, request, metadata=metadata)
                    break
                except OJSClientError as err:
                    if not err.retryable or time.monotonic() >= deadline:
                        log.warning("%s of %s failed: %s", name[:-1], part.job_id, err)
                        break
                    await asyncio.sleep(0.2)
        self._unsettled.clear()

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
                    self.streaming, self.transport_used = True, "stream"
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

    def _launch(self, job: job_pb2.Job | Job, link: _SessionLink | None = None) -> None:
        ctx = JobContext(job, self)
        leases = [x for x in (self.lease, ctx.visibility_timeout) if x]
        extend_by = min(leases) if leases else None
        beat_every = max(0.05, min(self.heartbeat_interval, (extend_by or 1800.0) / 3))
        active = _Active(
            ctx,
            beat_every=beat_every,
            next_beat=time.monotonic() + beat_every,
            extend_by=extend_by if self.lease else None,
            link=link,
        )
        self._active[ctx.id] = active
        active.task = asyncio.create_task(self._execute(active), name=f"ojs-job-{ctx.id}")

    # -- execution

    async def _execute(self, active: _Active) -> None:
        ctx = active.ctx
        try:
            timeout = ctx.timeout if ctx.timeout else self.timeout
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
                release = ws.Release(job_id=ctx.id, lease_token=str(ctx.attempt))
                # Handed back: available again at once, the attempt not counted.
                if reason == SHUTDOWN and self._settle_in_session(active, "releases", release):
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
                ack = ws.Ack(job_id=ctx.id, lease_token=str(ctx.attempt))
                if payload is not None:
                    py_to_struct(payload, ack.result.struct_value)
                if not self._settle_in_session(active, "acks", ack):
                    await self.client.ack(ctx.id, ctx.attempt, payload)
                active.outcome.append("completed")
            except TypeError as exc:
                await self._nack(active, "InvalidResult", f"result is not JSON: {exc}")
            except OJSClientError as err:
                log.warning("ack of %s failed: %s", ctx.id, err)
        finally:
            self._active.pop(ctx.id, None)
            self._jobs_done += 1
            if self._slots is not None:
                self._slots.release()
            self._grant()

    def _session_of(self, active: _Active) -> _SessionLink | None:
        """The open session for ``active``: its own, else the current one (same worker id,
        so the gateway accepts it); None when it came otherwise or no session is open."""
        if active.link is not None and not active.link.closed:
            return active.link
        if active.link is not None and self._link is not None and not self._link.closed:
            return self._link
        return None

    async def _invoke(self, ctx: JobContext) -> Any:
        handler = self.handlers.get(ctx.type)

        async def call_handler() -> Any:
            if handler is None:
                raise HandlerNotFound(f"no handler registered for job type {ctx.type!r}")
            is_async = self._async_handlers.get(handler)
            if is_async is None:  # inspect's check, once per handler: it is not cheap
                is_async = self._async_handlers[handler] = inspect.iscoroutinefunction(handler)
            if is_async:
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
        ctx = active.ctx
        error = job_pb2.JobError(code=code, message=message, backtrace=backtrace, retryable=True)
        if details:
            py_to_struct(details, error.details)
        nack = ws.Nack(job_id=ctx.id, lease_token=str(ctx.attempt), error=error)
        if self._settle_in_session(active, "nacks", nack):
            return
        try:
            state = await self.client.nack(
                ctx.id, ctx.attempt, code, message, backtrace=backtrace, details=details
            )
            active.outcome.append(state)
        except (InvalidStateError, NotFoundError):
            log.info("job %s no longer held (nack %s skipped)", ctx.id, code)
        except OJSClientError as err:
            log.warning("nack of %s failed: %s", ctx.id, err)

    # -- heartbeats

    async def _beat(self, client: Client, job_id: str) -> None:
        """One heartbeat, on the heartbeat thread's loop; outcomes go back to the worker's."""
        active = self._active.get(job_id)
        if active is None:
            return
        ctx = active.ctx
        try:
            resp = await client.heartbeat(ctx.id, ctx.attempt, self.worker_id, active.extend_by)
        except (InvalidStateError, NotFoundError):
            # Cancelled, reclaimed or finished elsewhere: we no longer hold this job.
            active.lost = True
            self._on_loop(self._cancel, active, "cancelled")
            return
        except OJSClientError as err:
            log.warning("heartbeat for %s failed (retrying next interval): %s", ctx.id, err)
            return
        if resp.directed_state == worker_pb2.WORKER_STATE_QUIET:
            self._quiet = True
        elif resp.directed_state == worker_pb2.WORKER_STATE_TERMINATE:
            self._on_loop(lambda: self._spawn(self.stop()))

    async def heartbeat_now(self, job_id: str) -> None:
        """Extend the lease of ``job_id`` now (in band on a session, else a unary beat)."""
        active = self._active.get(job_id)
        link = self._session_of(active) if active is not None else None
        if link is None:
            await self._beat(self.client, job_id)
            return
        self._beat_session(link)

    async def report_progress(
        self, job_id: str, fraction: float, message: str | None, data: dict[str, Any] | None
    ) -> None:
        """Progress of a running job: in band on a session (kept with the job, extends its
        lease); elsewhere the OJS RPCs carry no progress, so it is a heartbeat for the job."""
        active = self._active.get(job_id)
        link = self._session_of(active) if active is not None else None
        if active is None or link is None:
            await self._beat(self.client, job_id)
            return
        part = ws.Progress(
            job_id=job_id,
            lease_token=str(active.ctx.attempt),
            fraction=fraction,
            message=message or "",
        )
        if data:
            py_to_struct(data, part.data)
        link.add(progress=part, urgent=True)

    def _beat_session(
        self,
        link: _SessionLink,
        state: worker_pb2.WorkerState.ValueType = worker_pb2.WORKER_STATE_RUNNING,
    ) -> None:
        """One in-band heartbeat for every job of ``link``; resets their beat timers."""
        now = time.monotonic()
        held = [a for a in list(self._active.values()) if a.link is link]
        if self._quiet:
            state = worker_pb2.WORKER_STATE_QUIET
        beat = ws.Heartbeat(current_state=state)
        extend = min((a.extend_by for a in held if a.extend_by), default=None)
        if extend is not None:
            set_duration(beat.extend_by, extend)
        link.add(heartbeat=beat, urgent=True)
        for a in held:
            a.next_beat = now + a.beat_every

    async def _beat_in_band(self, link: _SessionLink) -> None:
        """Heartbeats of a session's jobs, on the worker's loop, in band."""
        while not link.closed:
            now = time.monotonic()
            held = [a for a in self._active.values() if a.link is link]
            if held and min(a.next_beat for a in held) <= now:
                self._beat_session(link)
            wait = min((a.next_beat for a in held), default=now + 0.1) - now
            await asyncio.sleep(min(max(wait, 0.02), 0.1))

    def _on_loop(self, fn: Callable[..., Any], *args: Any) -> None:
        assert self._beater is not None
        self._beater.worker_loop.call_soon_threadsafe(fn, *args)

    async def _heartbeat_loop(self, client: Client) -> None:
        while True:
            now = time.monotonic()
            # list() copies in one step under the GIL: the worker's loop mutates _active.
            held = list(self._active.values())
            # Jobs of an open session are beaten in band by the worker's loop: only when
            # those beats are a whole interval late (the loop is blocked) beat from here.
            due = [a for a in held if a.next_beat + self._backstop_slack(a) <= now]
            for a in due:
                a.next_beat = now + a.beat_every
            if due:
                await asyncio.gather(*(self._beat(client, a.ctx.id) for a in due))
            wait = min((a.next_beat for a in held), default=now + 0.1) - now
            await asyncio.sleep(min(max(wait, 0.02), 0.1))

    @staticmethod
    def _backstop_slack(active: _Active) -> float:
        link = active.link
        return active.beat_every if link is not None and not link.closed else 0.0


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
