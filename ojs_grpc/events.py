"""The OJS event log: a capped Redis stream that both bindings read.

Every replica appends to the same stream, so a subscriber on any replica sees
events from all of them; the HTTP binding polls it (``GET /ojs/v1/events``).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from .clock import Clock
from .ids import uuid7
from .model import Job
from .store.keys import Keys

DEFAULT_MAX_EVENTS = 10_000
KEEPALIVE_TYPE = "stream.keepalive"


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


class EventLog:
    def __init__(
        self, client: Any, keys: Keys, clock: Clock, max_events: int = DEFAULT_MAX_EVENTS
    ) -> None:
        self._client = client
        self._key = keys.events
        self._clock = clock
        self._max = max_events

    async def emit(self, event_type: str, job: Job, **data: Any) -> None:
        """Append a job event; ``data`` gets ``job_type`` and ``queue`` added."""
        payload = {"job_type": job.type, "queue": job.queue, **data}
        fields = {
            "id": f"evt_{uuid7()}",
            "type": event_type,
            "time": str(self._clock.now_ms()),
            "job_id": job.id,
            "job_type": job.type,
            "queue": job.queue,
            "workflow_id": job.workflow_id,
            "data": json.dumps(payload, separators=(",", ":")),
        }
        await self._client.xadd(self._key, fields, maxlen=self._max, approximate=True)

    async def emit_event(
        self, event_type: str, *, queue: str = "", job_type: str = "", job_id: str = "", **data: Any
    ) -> None:
        """Append an event that is not about one stored job (``cron.skipped``)."""
        payload = {"job_type": job_type, "queue": queue, **data}
        fields = {
            "id": f"evt_{uuid7()}",
            "type": event_type,
            "time": str(self._clock.now_ms()),
            "job_id": job_id,
            "job_type": job_type,
            "queue": queue,
            "workflow_id": "",
            "data": json.dumps(payload, separators=(",", ":")),
        }
        await self._client.xadd(self._key, fields, maxlen=self._max, approximate=True)

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
        payload = {"workflow_id": workflow_id, "job_type": job_type, "queue": queue, **data}
        fields = {
            "id": f"evt_{uuid7()}",
            "type": event_type,
            "time": str(self._clock.now_ms()),
            "job_id": job_id,
            "job_type": job_type,
            "queue": queue,
            "workflow_id": workflow_id,
            "data": json.dumps(payload, separators=(",", ":")),
        }
        await self._client.xadd(self._key, fields, maxlen=self._max, approximate=True)

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
        start = f"({after}" if after else "-"
        found: list[Event] = []
        while len(found) <= limit:
            page = await self._client.xrange(self._key, min=start, max="+", count=500)
            if not page:
                break
            for cursor, fields in page:
                event = _decode(cursor, fields)
                if _matches(event, types, queues, job_types, job_id, workflow_id):
                    found.append(event)
            start = f"({page[-1][0]}"
        return found[:limit], len(found) > limit

    async def head(self) -> str:
        """The cursor of the newest event (``0-0`` when the log is empty)."""
        last = await self._client.xrevrange(self._key, count=1)
        return str(last[0][0]) if last else "0-0"

    async def tail(
        self,
        *,
        after: str | None = None,
        keepalive_s: float = 25.0,
        block_ms: int = 1000,
        types: set[str] | None = None,
        queues: set[str] | None = None,
        job_id: str | None = None,
        workflow_id: str | None = None,
        stopping: Callable[[], bool] = lambda: False,
    ) -> AsyncIterator[Event]:
        """Follow the log: events after ``after`` (default: from now on) matching every
        filter, and a ``stream.keepalive`` whenever ``keepalive_s`` pass without one.
        Ends (within ``block_ms``) once ``stopping()`` is true."""
        cursor = after or await self.head()
        quiet_since = time.monotonic()
        while not stopping():
            reply = await self._client.xread({self._key: cursor}, block=block_ms, count=200)
            for _, entries in reply or ():
                for entry_id, fields in entries:
                    cursor = entry_id
                    event = _decode(entry_id, fields)
                    if _matches(event, types, queues, None, job_id, workflow_id):
                        quiet_since = time.monotonic()
                        yield event
            if time.monotonic() - quiet_since >= keepalive_s:
                quiet_since = time.monotonic()
                yield Event(id=f"evt_{uuid7()}", type=KEEPALIVE_TYPE, time=self._clock.now_ms())


def _decode(cursor: str, fields: dict[str, str]) -> Event:
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


def _matches(
    event: Event,
    types: set[str] | None,
    queues: set[str] | None,
    job_types: set[str] | None,
    job_id: str | None,
    workflow_id: str | None,
) -> bool:
    return (
        (not types or event.type in types)
        and (not queues or event.queue in queues)
        and (not job_types or event.job_type in job_types)
        and (not job_id or event.job_id == job_id)
        and (not workflow_id or event.workflow_id == workflow_id)
    )
