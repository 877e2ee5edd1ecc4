"""StreamJobs (semantics §11.5): claimed jobs pushed to a worker under a credit window.

A stream delivers jobs claimed exactly as FETCH claims them (``OJSService.fetch`` with
the stream's ``worker_id``), never more than ``max_concurrent`` unfinished at once. Its
credits are the jobs it delivered that are still ``active`` in the attempt it delivered;
the state lives in Redis, so an Ack, Nack or cancel through any replica, or a reclaimed
lease, frees the credit.

No polling: the store scripts PUBLISH on each queue's channel (``QueueKeys.notify``)
``a`` when jobs became available (``a:<n>`` when the script knows it made ``n`` available)
and ``f:<id>`` when a job left ``active``; resume publishes ``a`` too. One pub/sub
connection per gateway process (:class:`QueueSubscriber`) fans the messages out to the
local listeners: these streams and the worker sessions (:mod:`ojs_grpc.worker_sessions`).
``a:<n>`` wakes listeners with credit for ``n`` jobs, in turns, not all of them; a listener
whose claim came back full passes the wake-up on. A stream subscribes before its first
fetch, so nothing published after that is missed. A slow safety pass (``SAFETY_INTERVAL_S``)
re-checks every in-flight job and fetches again, so a lost message delays, never stalls.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from .errors import invalid
from .model import Job
from .validation import check_queue

if TYPE_CHECKING:
    from .service import Claimed, OJSService
    from .store.redis_store import RedisStore

log = logging.getLogger(__name__)

NOTIFY_AVAILABLE = "a"
NOTIFY_AVAILABLE_COUNT = "a:"  # + how many jobs became available
NOTIFY_LEFT_ACTIVE = "f:"
# Backstop against a lost message: re-check in-flight jobs and fetch at least this often.
SAFETY_INTERVAL_S = 5.0
# Jobs are available but the fetch got none of them (a rate limit held them): look again
# after this long, since no message announces the end of a rate window.
HELD_BACK_RETRY_S = 0.25
# Most jobs one stream may hold; larger max_concurrent values are clamped.
MAX_CONCURRENT_LIMIT = 10_000
SUBSCRIBE_TIMEOUT_S = 5.0


class Listener(Protocol):
    """What the shared subscriber needs of a stream or a worker session."""

    # True while a claim of its own is in flight: a left-active message may then name a
    # job being claimed, not yet in ``inflight``, so every such message makes a suspect.
    claiming: bool

    @property
    def queues(self) -> list[str]: ...

    @property
    def inflight(self) -> Mapping[str, object]:
        """Ids of the jobs it holds (delivered, not yet seen to leave ``active``)."""
        ...

    @property
    def suspects(self) -> set[str]:
        """Held jobs a message said left ``active``: to look at again."""
        ...

    @property
    def wake(self) -> asyncio.Event: ...

    def has_credit(self) -> bool: ...

    def free_credit(self) -> int:
        """How many more jobs it would take now."""
        ...


@dataclass(eq=False)
class _Stream:
    queues: list[str]
    worker_id: str
    max_concurrent: int
    # job id -> (queue, attempt it was delivered in): the credits in use.
    inflight: dict[str, tuple[str, int]] = field(default_factory=dict)
    suspects: set[str] = field(default_factory=set)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    claiming: bool = False

    def has_credit(self) -> bool:
        return self.free_credit() > 0

    def free_credit(self) -> int:
        return self.max_concurrent - len(self.inflight)


def check_consumer(queues: list[str], worker_id: str) -> None:
    """The checks every pushed-jobs consumer (StreamJobs, worker session) passes."""
    if not worker_id:
        raise invalid("worker_id", "'worker_id' is required")
    if not queues:
        raise invalid("queues", "'queues' must list at least one queue")
    for i, queue in enumerate(queues):
        check_queue(queue, f"queues[{i}]")


async def left_active(
    store: RedisStore, held: Mapping[str, tuple[str, int]]
) -> dict[str, dict[str, Any]]:
    """Of ``held`` (job id -> (queue, attempt)), the jobs no longer active in that attempt,
    with their current state document (empty when the job is gone)."""
    ids = list(held)
    if not ids:
        return {}
    async with store.client.pipeline(transaction=False) as pipe:
        for job_id in ids:
            pipe.hget(store.keys.queue(held[job_id][0]).key("jobs"), job_id)
        docs = await pipe.execute()
    gone: dict[str, dict[str, Any]] = {}
    for job_id, raw in zip(ids, docs, strict=True):
        doc = json.loads(raw) if raw else {}
        if doc.get("state") != "active" or doc.get("attempt") != held[job_id][1]:
            gone[job_id] = doc
    return gone


async def claim_watched(
    listener: Listener, subscriber: QueueSubscriber, claim: Awaitable[Claimed]
) -> Claimed:
    """Await ``claim`` (jobs for ``listener``) so that no left-active message about them
    is lost: one arriving before the caller records the jobs as in flight (which it does
    right after this returns, without awaiting) makes its job a suspect to look at."""
    failures = subscriber.failures
    listener.claiming = True
    try:
        claimed = await claim
    finally:
        listener.claiming = False
    if subscriber.failures != failures:  # messages may have been lost meanwhile
        listener.suspects.update(job.id for job in claimed.jobs)
    return claimed


class JobStreams:
    """Every StreamJobs stream of one gateway; owns the gateway's :class:`QueueSubscriber`."""

    def __init__(self, service: OJSService) -> None:
        self.service = service
        self.subscriber = QueueSubscriber(service)

    # -- lifecycle -----------------------------------------------------------------------

    def stop(self) -> None:
        """Shutdown: wake every stream and session so it ends (with UNAVAILABLE)."""
        self.subscriber.stop()

    async def close(self) -> None:
        await self.subscriber.close()

    @property
    def stopping(self) -> bool:
        return self.subscriber.stopping

    # -- streams -------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def open(
        self, queues: list[str], worker_id: str, max_concurrent: int
    ) -> AsyncIterator[AsyncIterator[Job]]:
        """Validate, subscribe, and yield the stream's job iterator; unsubscribe on exit.

        Once this yields, every later enqueue on ``queues`` wakes the stream."""
        check_consumer(queues, worker_id)
        if max_concurrent < 0:
            raise invalid("max_concurrent", "'max_concurrent' must be >= 0")
        stream = _Stream(list(queues), worker_id, min(max(1, max_concurrent), MAX_CONCURRENT_LIMIT))
        jobs = self._deliver(stream)
        try:
            async with self.subscriber.listening(stream):
                yield jobs
        finally:
            await jobs.aclose()

    async def _deliver(self, s: _Stream) -> AsyncGenerator[Job, None]:
        """Jobs for stream ``s`` until shutdown; waits (never polls) while it has none."""
        next_sweep = time.monotonic() + SAFETY_INTERVAL_S
        while not self.stopping:
            raise_if_cancelled()
            s.wake.clear()  # anything published from here on sets it again
            if time.monotonic() >= next_sweep:
                s.suspects.update(s.inflight)
                next_sweep = time.monotonic() + SAFETY_INTERVAL_S
            if s.suspects:
                await self._settle(s)
            wait = SAFETY_INTERVAL_S
            free = s.max_concurrent - len(s.inflight)
            if free > 0:
                claim = self.service.claim(s.queues, free, s.worker_id)
                claimed = await claim_watched(s, self.subscriber, claim)
                jobs = claimed.jobs
                for job in jobs:
                    s.inflight[job.id] = (job.queue, job.attempt)
                await self.service.announce_started(jobs, s.worker_id)
                if claimed.full:  # jobs may be left that other listeners should take
                    self.subscriber.pass_on(s)
                for job in jobs:
                    yield job
                if jobs:
                    continue
                if claimed.held_back:
                    wait = HELD_BACK_RETRY_S
            raise_if_cancelled()
            await wait_for_wake(s.wake, min(wait, next_sweep - time.monotonic()))

    async def _settle(self, s: _Stream) -> None:
        """Free the credits of suspect jobs no longer active in their delivered attempt."""
        suspects = {job_id: s.inflight[job_id] for job_id in s.suspects if job_id in s.inflight}
        s.suspects.clear()
        for job_id in await left_active(self.service.store, suspects):
            del s.inflight[job_id]


class QueueSubscriber:
    """The gateway's one pub/sub connection on the queues' notify channels, fanning the
    wake-ups out to every registered :class:`Listener` (streams and worker sessions)."""

    def __init__(self, service: OJSService) -> None:
        self.service = service
        self._pubsub: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._channels: dict[str, set[Listener]] = {}
        self._confirmed: dict[str, asyncio.Event] = {}
        self.listeners: set[Listener] = set()
        self._lock = asyncio.Lock()
        self._stopping = False
        # Read failures so far (messages may have been lost in each).
        self.failures = 0
        # Where the next counted wake-up starts among a channel's listeners (fairness).
        self._rotation = 0

    def stop(self) -> None:
        """Shutdown: wake every listener so it ends."""
        self._stopping = True
        for listener in self.listeners:
            listener.wake.set()

    async def close(self) -> None:
        self.stop()
        if self._reader is not None:
            self._reader.cancel()
            # Bounded: redis-py can swallow the cancel mid-read; the loop then sees it
            # after its current read (``raise_if_cancelled``).
            await asyncio.wait([self._reader], timeout=SAFETY_INTERVAL_S + 1)
            self._reader = None
        if self._pubsub is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._pubsub.aclose(), SUBSCRIBE_TIMEOUT_S)
            self._pubsub = None

    @property
    def stopping(self) -> bool:
        return self._stopping or self.service.draining

    @contextlib.asynccontextmanager
    async def listening(self, listener: Listener) -> AsyncIterator[None]:
        """Registered for the body: once entered, every later message on the listener's
        queues reaches it."""
        try:
            await self._register(listener)
            yield
        finally:
            await self._unregister(listener)

    async def _register(self, s: Listener) -> None:
        waits: list[asyncio.Event] = []
        async with self._lock:
            if self._pubsub is None:
                self._pubsub = self.service.store.client.pubsub()
                # A channel of our own keeps the connection subscribed while no stream is.
                control = f"{self.service.store.keys.prefix}:streams"
                waits.append(self._confirmed.setdefault(control, asyncio.Event()))
                await self._pubsub.subscribe(control)
                self._reader = asyncio.create_task(self._read(), name="job-streams")
            for queue in dict.fromkeys(s.queues):
                channel = self.service.store.keys.queue(queue).notify
                listeners = self._channels.get(channel)
                if listeners is None:
                    listeners = self._channels[channel] = set()
                    waits.append(self._confirmed.setdefault(channel, asyncio.Event()))
                    await self._pubsub.subscribe(channel)
                elif channel in self._confirmed:
                    waits.append(self._confirmed[channel])
                listeners.add(s)
            self.listeners.add(s)
        for event in waits:  # the server has the subscription: nothing later is missed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), SUBSCRIBE_TIMEOUT_S)

    async def _unregister(self, s: Listener) -> None:
        if s.wake.is_set():  # woken for jobs it will not claim now: others take them
            self.pass_on(s)
        self.listeners.discard(s)
        dropped: list[str] = []
        for queue in dict.fromkeys(s.queues):
            channel = self.service.store.keys.queue(queue).notify
            listeners = self._channels.get(channel)
            if listeners is None:
                continue
            listeners.discard(s)
            if not listeners:
                del self._channels[channel]
                dropped.append(channel)
        if dropped and self._pubsub is not None:
            async with self._lock:
                # Re-registered meanwhile? Then keep those subscriptions.
                dropped = [c for c in dropped if c not in self._channels]
                if dropped:
                    with contextlib.suppress(Exception):
                        unsubscribe = self._pubsub.unsubscribe(*dropped)
                        await asyncio.wait_for(unsubscribe, SUBSCRIBE_TIMEOUT_S)

    async def _read(self) -> None:
        while True:
            raise_if_cancelled()  # a cancel swallowed inside get_message ends us here
            try:
                message = await self._pubsub.get_message(timeout=SAFETY_INTERVAL_S)
            except asyncio.CancelledError:
                raise
            except Exception:  # connection trouble: redis-py resubscribes on reconnect
                log.warning("job stream subscriber failed; retrying", exc_info=True)
                self.failures += 1
                self._wake_all()  # messages may have been lost: every listener looks again
                await asyncio.sleep(0.5)
                continue
            if message is not None:
                self._dispatch(message)

    def _wake_ready(self, listeners: Iterable[Listener], count: int | None) -> None:
        """Wake listeners with credit: enough of them to take ``count`` jobs, taking turns
        so each gets its share (all of them when the count is not known). One job enqueued
        wakes one listener, not every worker process on the queue."""
        ready = [listener for listener in listeners if listener.has_credit()]
        if count is None or len(ready) <= 1:
            for listener in ready:
                listener.wake.set()
            return
        self._rotation = (self._rotation + 1) % len(ready)
        credit = 0
        for listener in ready[self._rotation :] + ready[: self._rotation]:
            listener.wake.set()
            credit += listener.free_credit()
            if credit >= count:
                return

    def pass_on(self, claimer: Listener) -> None:
        """``claimer`` used all its credit on a claim, so jobs may be left that the listeners
        woken for them did not take: wake the others with credit on its queues."""
        for queue in dict.fromkeys(claimer.queues):
            channel = self.service.store.keys.queue(queue).notify
            for listener in self._channels.get(channel, ()):
                if listener is not claimer and listener.has_credit():
                    listener.wake.set()

    def _wake_all(self) -> None:
        for listener in self.listeners:
            listener.suspects.update(listener.inflight)
            listener.wake.set()

    def _dispatch(self, message: dict[str, Any]) -> None:
        channel = _text(message.get("channel"))
        kind = message.get("type")
        if kind == "subscribe":
            event = self._confirmed.pop(channel, None)
            if event is not None:
                event.set()
            return
        if kind != "message":
            return
        data = _text(message.get("data"))
        listeners = self._channels.get(channel, ())
        if data == NOTIFY_AVAILABLE:
            self._wake_ready(listeners, None)
        elif data.startswith(NOTIFY_AVAILABLE_COUNT):
            try:
                count: int | None = int(data[len(NOTIFY_AVAILABLE_COUNT) :])
            except ValueError:
                count = None
            self._wake_ready(listeners, count)
        elif data.startswith(NOTIFY_LEFT_ACTIVE):
            job_id = data[len(NOTIFY_LEFT_ACTIVE) :]
            for listener in listeners:
                if listener.claiming or job_id in listener.inflight:
                    listener.suspects.add(job_id)
                    listener.wake.set()


async def wait_for_wake(wake: asyncio.Event, timeout: float) -> None:
    """Wait until ``wake`` is set or ``timeout`` seconds pass."""
    # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation
    # (client gone) that races with the wake-up.
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(max(0.0, timeout)):
            await wake.wait()


def raise_if_cancelled() -> None:
    """Honour a cancellation (the client went away) that a Redis call swallowed.

    redis-py (and fakeredis) can lose a CancelledError delivered while a command is in
    flight; the task still counts the request, so a stream checks before it goes on."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode()
    return str(value) if value is not None else ""


__all__ = ["JobStreams", "Listener", "QueueSubscriber"]
