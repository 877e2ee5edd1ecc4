"""Level-4 routes of the HTTP binding: batch enqueue, queue stats, pause and resume.

``http §5.4``, ``§5.12``; the bodies follow the conformance cases where the binding prose
differs (``§9`` items 8 and 9: ``queue`` is an object).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..errors import OJSError, invalid
from ..level4 import Level4, at_index
from ..service import OJSService
from ..store.level4 import QueueSnapshot
from ..timefmt import format_rfc3339
from .codec import job_json, parse_enqueue
from .common import json_response, read_body


def add_level4_routes(router: web.UrlDispatcher, service: OJSService) -> None:
    routes = QueueRoutes(service)
    router.add_post("/ojs/v1/jobs/batch", routes.enqueue_batch)
    router.add_get("/ojs/v1/queues/{name}/stats", routes.queue_stats)
    router.add_post("/ojs/v1/queues/{name}/pause", routes.pause)
    router.add_post("/ojs/v1/queues/{name}/resume", routes.resume)


def snapshot_json(snap: QueueSnapshot) -> dict[str, Any]:
    counts = {
        "available": snap.available,
        "active": snap.active,
        "scheduled": snap.scheduled,
        "retryable": snap.retryable,
        "completed": snap.completed,
        "discarded": snap.discarded,
        "dead": snap.dead,
    }
    queue: dict[str, Any] = {
        "name": snap.name,
        **counts,
        "paused": snap.paused,
        "status": "paused" if snap.paused else "active",
    }
    if snap.created_at is not None:
        queue["created_at"] = format_rfc3339(snap.created_at)
    if snap.rate_limit is not None:
        queue["rate_limit"] = {"max_per_second": snap.rate_limit}
    stats = {
        **counts,
        "completed_last_hour": snap.completed_last_hour,
        "failed_last_hour": snap.failed_last_hour,
        "avg_duration_ms": snap.avg_duration_ms,
        "avg_wait_ms": snap.avg_wait_ms,
        "throughput_per_second": snap.throughput_per_second,
        "paused": snap.paused,
    }
    return {"queue": queue, "stats": stats}


class QueueRoutes:
    def __init__(self, service: OJSService) -> None:
        self.service = service
        self.level4 = Level4(service)

    async def enqueue_batch(self, request: web.Request) -> web.Response:
        body = await read_body(request)
        entries = body.get("jobs")
        if not isinstance(entries, list):
            raise invalid("jobs", "'jobs' is required and must be an array of jobs")
        self.level4.check_batch_size(len(entries))
        defaults_key = "default_options" if "default_options" in body else "options"
        defaults = body.get(defaults_key)
        if defaults is not None and not isinstance(defaults, dict):
            raise invalid(defaults_key, f"'{defaults_key}' must be a JSON object")
        now = self.service.clock.now_ms()
        specs = []
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict):
                raise at_index(invalid(f"jobs[{i}]", f"'jobs[{i}]' must be a JSON object"), i)
            if defaults:
                # Batch-wide options under each entry's own, field by field.
                options = entry.get("options")
                if options is None or isinstance(options, dict):
                    entry = {**entry, "options": {**defaults, **(options or {})}}
            try:
                specs.append(parse_enqueue(entry, now, f"jobs[{i}]."))
            except OJSError as err:
                raise at_index(err, i) from None
        body = await self.level4.enqueue_batch(
            specs, lambda jobs: {"jobs": [job_json(j) for j in jobs], "count": len(jobs)}
        )
        return json_response(body, 201)

    async def queue_stats(self, request: web.Request) -> web.Response:
        snap = await self.level4.queue_stats(request.match_info["name"])
        body = snapshot_json(snap)
        body["computed_at"] = format_rfc3339(self.service.clock.now_ms())
        return json_response(body)

    async def pause(self, request: web.Request) -> web.Response:
        await read_body(request, optional=True)
        name = request.match_info["name"]
        _, paused_at = await self.level4.pause_queue(name)
        queue: dict[str, Any] = {"name": name, "paused": True, "status": "paused"}
        if paused_at is not None:
            queue["paused_at"] = format_rfc3339(paused_at)
        return json_response({"queue": queue})

    async def resume(self, request: web.Request) -> web.Response:
        await read_body(request, optional=True)
        name = request.match_info["name"]
        _, resumed_at = await self.level4.resume_queue(name)
        queue: dict[str, Any] = {"name": name, "paused": False, "status": "active"}
        if resumed_at is not None:
            queue["resumed_at"] = format_rfc3339(resumed_at)
        return json_response({"queue": queue})
