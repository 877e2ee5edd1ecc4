"""The OJS event log: a capped Redis stream that both bindings read.

Every replica appends to the same stream, so a subscriber on any replica sees
events from all of them; the HTTP binding polls it (``GET /ojs/v1/events``).

Live subscribers (``StreamEvents``) do not each read Redis: one reader task per
process follows the stream and fans every event out to the subscribers' own
bounded buffers (:class:`Subscription`). A subscriber that does not keep up
loses its *oldest* buffered events, never memory: the drops are counted and the
subscriber is told where the gap is by a ``stream.dropped`` event (see
:meth:`Subscription.next`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .clock import Clock
from .ids import uuid7
from .model import Job, JobState
from .store.keys import Keys
from .store.records import dumpb, loads
from .store.scripts import CommandBatch

log = logging.getLogger(__name__)

DEFAULT_MAX_EVENTS = 10_000
DEFAULT_BUFFER_EVENTS = 1_000
DEFAULT_KEEPALIVE_S = 25.0
KEEPALIVE_TYPE = "stream.keepalive"
DROPPED_TYPE = "stream.dropped"
# The gRPC binding names the log's ``job.discarded`` ``job.dead`` (binding §10.2.2).
LOG_TO_GRPC_TYPE = {"job.discarded": "job.dead"}
GRPC_TO_LOG_TYPE = {grpc: logged for logged, grpc in LOG_TO_GRPC_TYPE.items()}
# The stream field holding an event: the JSON array [id, type, time, job_id, job_type,
# queue, workflow_id, data].
ENTRY_FIELD = "e"
# How many entries the reader takes per XREAD, and how long one XREAD blocks.
READ_BATCH = 1_000
READ_BLOCK_MS = 1_000
# Backoff of the reader after a failed XREAD (Redis restarting): wall time, not the
# injected clock, because it paces reconnects rather than protocol behaviour.
READ_RETRY_S = (0.1, 0.5, 1.0, 2.0)
# How often a waiting subscriber re-checks ``stopping()`` (gateway draining).
STOP_POLL_S = 0.5


@dataclass
class Event:
    """One OJS event; ``cursor`` is its position in the log (for polling)."""

    id: str
    type: str
    time: int
    job_id: str = ""
    job_type: str = ""
    queue: str = ""
    workflow_id: str = ""
    data: dict[str, Any] | None = None
    cursor: str = ""


@dataclass(frozen=True)
class EventFilter:
    """What a reader wants; every non-empty field must match (AND), empty matches all."""

    types: frozenset[str] = frozenset()
    queues: frozenset[str] = frozenset()
    job_types: frozenset[str] = frozenset()
    job_id: str = ""
    workflow_id: str = ""

    def matches(self, event: Event) -> bool:
        return (
            (not self.types or event.type in self.types)
            and (not self.queues or event.queue in self.queues)
            and (not self.job_types or event.job_type in self.job_types)
            and (not self.job_id or event.job_id == self.job_id)
            and (not self.workflow_id or event.workflow_id == self.workflow_id)
        )


class EventLog:
    """Appends events to the shared stream; reads it by page or by live subscription."""

    def __init__(
        self,
        client: Any,
        keys: Keys,
        clock: Clock,
        max_events: int = DEFAULT_MAX_EVENTS,
        *,
        buffer_events: int = DEFAULT_BUFFER_EVENTS,
        keepalive_s: float = DEFAULT_KEEPALIVE_S,
    ) -> None:
        self._client = client
        self._key = keys.events
        self._clock = clock
        self._max = max_events
        self._buffer_events = buffer_events
        self._keepalive_s = keepalive_s
        self._subs: set[Subscription] = set()
        self._reader: asyncio.Task[None] | None = None
        # Position of the reader: every event after it is still to be fanned out.
        self._cursor = "0-0"

    async def emit(self, event_type: str, job: Job, **data: Any) -> None:
        """Append a job event; ``data`` gets ``job_type`` and ``queue`` added."""
        await self._append(
            event_type,
            {"job_type": job.type, "queue": job.queue, **data},
            job_id=job.id,
            job_type=job.type,
            queue=job.queue,
            workflow_id=job.workflow_id,
        )

    async def emit_event(
        self, event_type: str, *, queue: str = "", job_type: str = "", job_id: str = "", **data: Any
    ) -> None:
        """Append an event that is not about one stored job (``cron.skipped``)."""
        await self._append(
            event_type,
            {"job_type": job_type, "queue": queue, **data},
            job_id=job_id,
            job_type=job_type,
            queue=queue,
        )

    async def emit_workflow(
        self,
        event_type: str,
        workflow_id: str,
        *,
        job_id: str = "",
        job_type: str = "",
        queue: str = "",
        **data: Any,
    ) -> None:
        """Append a workflow event (``workflow.*``); the job fields name the step's job."""
        await self._append(
            event_type,
            {"workflow_id": workflow_id, "job_type": job_type, "queue": queue, **data},
            job_id=job_id,
            job_type=job_type,
            queue=queue,
            workflow_id=workflow_id,
        )

    async def _append(
        self,
        event_type: str,
        payload: dict[str, Any],
        *,
        job_id: str,
        job_type: str,
        queue: str,
        workflow_id: str = "",
    ) -> None:
        # One field holding the whole event: redis-py packs every field name and value of
        # an XADD in Python, and this runs for several events per job.
        entry = [
            f"evt_{uuid7()}",
            event_type,
            self._clock.now_ms(),
            job_id,
            job_type,
            queue,
            workflow_id,
            payload,
        ]
        # Packed one way whether it joins the caller's batch or goes out alone.
        buffered = isinstance(self._client, CommandBatch)
        batch = self._client if buffered else CommandBatch(self._client)
        batch.xadd_entry(self._key, ENTRY_FIELD, dumpb(entry), self._max)
        if not buffered:
            await batch.execute()

    async def read(
        self,
        *,
        after: str | None = None,
        limit: int = 100,
        types: set[str] | None = None,
        queues: set[str] | None = None,
        job_types: set[str] | None = None,
        job_id: str | None = None,
        workflow_id: str | None = None,
    ) -> tuple[list[Event], bool]:
        """Events after ``after`` (oldest first) matching every given filter; and has_more."""
        wanted = EventFilter(
            frozenset(types or ()),
            frozenset(queues or ()),
            frozenset(job_types or ()),
            job_id or "",
            workflow_id or "",
        )
        start = f"({after}" if after else "-"
        found: list[Event] = []
        while len(found) <= limit:
            page = await self._client.xrange(self._key, min=start, max="+", count=500)
            if not page:
                break
            found.extend(e for e in map(_decode_entry, page) if wanted.matches(e))
            start = f"({page[-1][0]}"
        return found[:limit], len(found) > limit

    async def head(self) -> str:
        """The cursor of the newest event (``0-0`` when the log is empty)."""
        last = await self._client.xrevrange(self._key, count=1)
        return str(last[0][0]) if last else "0-0"

    @property
    def subscriptions(self) -> tuple[Subscription, ...]:
        """The live subscriptions of this process (for inspection)."""
        return tuple(self._subs)

    @contextlib.asynccontextmanager
    async def subscribe(
        self,
        wanted: EventFilter = EventFilter(),
        *,
        after: str | None = None,
        buffer_events: int | None = None,
    ) -> AsyncIterator[Subscription]:
        """A live subscription to the events after ``after`` (default: from now on).

        Once this yields, every later event of any replica reaches the subscription
        (unless its buffer overflows, which it reports). Leaving the context ends it.
        """
        head = await self.head()
        # No await from here until the subscription is registered: the reader cannot
        # move in between, so "before the reader's cursor" and "after it" split the
        # log exactly between backfill and live fan-out.
        if self._reader is None or self._reader.done():
            self._cursor = head
            self._reader = asyncio.create_task(self._read_loop(), name="event-fanout")
        start = after or head
        sub = Subscription(
            wanted,
            capacity=buffer_events or self._buffer_events,
            start=start,
            live_from=self._cursor,
            clock=self._clock,
            keepalive_s=self._keepalive_s,
            page=self._page,
        )
        self._subs.add(sub)
        try:
            yield sub
        finally:
            self._subs.discard(sub)
            if not self._subs and self._reader is not None:
                # Nobody listens: stop reading Redis (a cancelled command drops its connection).
                self._reader.cancel()
                self._reader = None

    async def _read_loop(self) -> None:
        """Follow the stream and hand each event to every subscription (one XREAD for all)."""
        failures = 0
        while True:
            try:
                reply = await self._client.xread(
                    {self._key: self._cursor}, block=READ_BLOCK_MS, count=READ_BATCH
                )
            except Exception as exc:  # Redis down or restarting: keep trying
                delay = READ_RETRY_S[min(failures, len(READ_RETRY_S) - 1)]
                failures += 1
                log.warning("event stream read failed (%s); retrying in %.1fs", exc, delay)
                await asyncio.sleep(delay)
                continue
            failures = 0
            for _, entries in reply or ():
                for entry in entries:
                    self._cursor = entry[0]
                    try:
                        event = _decode_entry(entry)
                    except (KeyError, ValueError):
                        log.warning("skipping malformed event log entry %s", entry[0])
                        continue
                    for sub in self._subs:
                        sub.offer(event)

    async def _page(self, after: str, until: str, count: int) -> list[Event]:
        """Log entries in ``(after, until]`` (oldest first), at most ``count``."""
        entries = await self._client.xrange(self._key, min=f"({after}", max=until, count=count)
        return [_decode_entry(e) for e in entries]


class Subscription:
    """One subscriber: a bounded buffer between the fan-out and a possibly slow sender.

    The buffer keeps the newest ``capacity`` matching events; when it is full the
    oldest is dropped. Dropping the oldest keeps what a live view cares about
    (the current state of things) and makes every loss one contiguous run of the
    log just before the oldest buffered event, so one ``stream.dropped`` event
    can say exactly where it is; the event it names as the gap's end is kept
    until it follows the marker, so a marker is always followed by that event.
    """

    def __init__(
        self,
        wanted: EventFilter,
        *,
        capacity: int,
        start: str,
        live_from: str,
        clock: Clock,
        keepalive_s: float,
        page: Callable[[str, str, int], Awaitable[list[Event]]],
    ) -> None:
        if capacity < 2:
            raise ValueError("a subscription buffers at least 2 events")
        self.wanted = wanted
        self.capacity = capacity
        self.dropped_total = 0
        self.delivered = 0
        self._clock = clock
        self._keepalive_s = keepalive_s
        self._page = page
        self._buffer: deque[Event] = deque(maxlen=capacity)
        self._ready = asyncio.Event()
        self._gap = 0  # dropped since the last delivered event
        # The oldest buffered event is the one a returned marker named as ``before``: it
        # must be the next delivered, so overflow drops the one after it instead.
        self._pinned = False
        self._last_cursor = start
        self._live_from = live_from
        self._skip_until: tuple[int, int] | None = None
        self._backfill: deque[Event] = deque()
        self._backfill_from: str | None = None
        if _cursor_key(start) > _cursor_key(live_from):
            # The caller has seen further than this process's reader (another replica).
            self._skip_until = _cursor_key(start)
        elif _cursor_key(start) < _cursor_key(live_from):
            # Resuming from an earlier cursor: read (start, live_from] from the log first.
            self._backfill_from = start

    @property
    def buffered(self) -> int:
        """Events waiting in the buffer now (at most ``capacity``)."""
        return len(self._buffer)

    def offer(self, event: Event) -> None:
        """Called by the reader for each new event; never blocks, never grows past capacity."""
        if self._skip_until is not None:
            if _cursor_key(event.cursor) <= self._skip_until:
                return
            self._skip_until = None
        if not self.wanted.matches(event):
            return
        if len(self._buffer) == self.capacity:
            self.dropped_total += 1
            self._gap += 1
            if self._pinned:
                # The oldest is named by a marker already on its way: drop the next one.
                pinned = self._buffer.popleft()
                self._buffer.popleft()
                self._buffer.appendleft(pinned)
        self._buffer.append(event)  # a full deque(maxlen) drops its oldest here
        self._ready.set()

    async def next(self, stopping: Callable[[], bool] = lambda: False) -> Event | None:
        """The next event for the subscriber, or ``None`` once ``stopping()`` is true.

        Besides the log's events this returns:

        - ``stream.dropped`` before the first event after a loss, data ``dropped``
          (events lost in this gap), ``dropped_total`` (since subscribing), and the log
          cursors ``after`` (last event delivered before the gap, or where the
          subscription started) and ``before`` (first event after it):
          ``GET /ojs/v1/events?after=<after>`` up to ``before`` re-reads what was lost
          while the log still holds it;
        - ``stream.keepalive`` when nothing was returned for the keepalive period of
          the clock's time.

        Both pass every filter: they are about the stream, not about jobs.
        """
        keepalive: asyncio.Task[None] | None = None
        try:
            while True:
                if self._backfill_from is not None and not self._backfill:
                    await self._refill_backfill()
                if self._backfill:
                    return self._deliver(self._backfill.popleft())
                if self._pinned:
                    self._pinned = False
                    return self._deliver(self._buffer.popleft())
                if self._gap:
                    return self._gap_marker()
                if self._buffer:
                    return self._deliver(self._buffer.popleft())
                if stopping():
                    return None
                if keepalive is None:
                    keepalive = asyncio.create_task(self._clock.sleep(self._keepalive_s))
                elif keepalive.done():
                    return _stream_event(KEEPALIVE_TYPE, self._clock)
                self._ready.clear()
                woken = asyncio.create_task(self._ready.wait())
                try:
                    await asyncio.wait(
                        (woken, keepalive), timeout=STOP_POLL_S, return_when=asyncio.FIRST_COMPLETED
                    )
                finally:
                    woken.cancel()
        finally:
            if keepalive is not None:
                keepalive.cancel()

    async def _refill_backfill(self) -> None:
        assert self._backfill_from is not None
        page = await self._page(self._backfill_from, self._live_from, READ_BATCH)
        if not page:
            self._backfill_from = None
            return
        self._backfill_from = page[-1].cursor
        self._backfill.extend(e for e in page if self.wanted.matches(e))

    def _deliver(self, event: Event) -> Event:
        self.delivered += 1
        self._last_cursor = event.cursor
        return event

    def _gap_marker(self) -> Event:
        marker = _stream_event(
            DROPPED_TYPE,
            self._clock,
            dropped=self._gap,
            dropped_total=self.dropped_total,
            after=self._last_cursor,
            before=self._buffer[0].cursor,
        )
        self._gap = 0
        self._pinned = True
        return marker


def enqueue_event_type(job: Job) -> str:
    """The event of a job just inserted: ``job.enqueued`` when it is available at once,
    else ``job.scheduled`` (scheduled or pending)."""
    return "job.enqueued" if job.state is JobState.AVAILABLE else "job.scheduled"


def _stream_event(event_type: str, clock: Clock, **data: Any) -> Event:
    return Event(id=f"evt_{uuid7()}", type=event_type, time=clock.now_ms(), data=data or None)


def is_cursor(value: str) -> bool:
    """Whether ``value`` has the form of a log cursor (a stream entry id ``ms-seq``)."""
    ms, dash, seq = value.partition("-")
    return ms.isdigit() and (not dash or seq.isdigit())


def _cursor_key(cursor: str) -> tuple[int, int]:
    """A stream entry id ``ms-seq`` as a comparable pair."""
    ms, _, seq = cursor.partition("-")
    return int(ms), int(seq or 0)


def _decode_entry(entry: tuple[str, dict[str, str]]) -> Event:
    cursor, fields = entry
    packed = fields.get(ENTRY_FIELD)
    if packed is not None:
        event_id, event_type, at, job_id, job_type, queue, workflow_id, data = loads(packed)
        return Event(
            id=event_id,
            type=event_type,
            time=int(at),
            job_id=job_id,
            job_type=job_type,
            queue=queue,
            workflow_id=workflow_id,
            data=data,
            cursor=cursor,
        )
    # An entry of the earlier layout (one stream field per event field), still in the log.
    return Event(
        id=fields["id"],
        type=fields["type"],
        time=int(fields["time"]),
        job_id=fields.get("job_id", ""),
        job_type=fields.get("job_type", ""),
        queue=fields.get("queue", ""),
        workflow_id=fields.get("workflow_id", ""),
        data=json.loads(fields.get("data", "{}")),
        cursor=cursor,
    )
