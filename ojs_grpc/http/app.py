"""The OJS HTTP binding (port 8080) on the shared service layer, with aiohttp."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..errors import invalid
from ..level4 import Level4
from ..service import FailureReport, OJSService
from ..timefmt import format_rfc3339
from .codec import job_json, parse_enqueue
from .common import (
    json_response,
    lease_token,
    ojs_middleware,
    query_csv,
    query_int,
    read_body,
)
from .cron_routes import add_cron_routes
from .queue_routes import add_level4_routes
from .workflow_routes import add_workflow_routes


class HttpBinding:
    """Routes of the HTTP binding; each decodes, calls the service, encodes."""

    def __init__(self, service: OJSService, *, enable_reset: bool = False) -> None:
        self.service = service
        self.enable_reset = enable_reset

    def app(self, max_request_bytes: int) -> web.Application:
        app = web.Application(middlewares=[ojs_middleware], client_max_size=max_request_bytes)
        r = app.router
        r.add_get("/ojs/manifest", self.manifest)
        r.add_get("/ojs/v1/health", self.health)
        r.add_post("/ojs/v1/jobs", self.enqueue)
        r.add_get("/ojs/v1/jobs/{id}", self.get_job)
        r.add_delete("/ojs/v1/jobs/{id}", self.cancel_job)
        r.add_post("/ojs/v1/workers/fetch", self.fetch)
        r.add_post("/ojs/v1/workers/ack", self.ack)
        r.add_post("/ojs/v1/workers/nack", self.nack)
        r.add_post("/ojs/v1/workers/heartbeat", self.heartbeat)
        r.add_get("/ojs/v1/queues", self.list_queues)
        r.add_get("/ojs/v1/dead-letter", self.list_dead_letter)
        r.add_post("/ojs/v1/dead-letter/{id}/retry", self.retry_dead_letter)
        r.add_delete("/ojs/v1/dead-letter/{id}", self.delete_dead_letter)
        r.add_get("/ojs/v1/events", self.events)
        add_workflow_routes(r, self.service)
        add_cron_routes(r, self.service)
        add_level4_routes(r, self.service)
        if self.enable_reset:
            r.add_post("/ojs/v1/admin/reset", self.reset)
        return app

    async def manifest(self, request: web.Request) -> web.Response:
        m = self.service.manifest()
        m["specversion"] = m["ojs_version"]
        m["implementation"]["homepage"] = "https://github.com/ojs-grpc/ojs-grpc"
        m["capabilities"] = {
            "batch_enqueue": True,
            "cron_jobs": True,
            "dead_letter": True,
            "delayed_jobs": True,
            "job_ttl": True,
            "priority_queues": True,
            "rate_limiting": True,
            "schema_validation": False,
            "unique_jobs": True,
            "workflows": True,
            "pause_resume": True,
        }
        m["endpoints"] = {
            "base_url": "/ojs/v1",
            "manifest": "/ojs/manifest",
            "health": "/ojs/v1/health",
        }
        return json_response(m)

    async def health(self, request: web.Request) -> web.Response:
        h = await self.service.health()
        body: dict[str, Any] = {
            "status": h["status"],
            "version": "1.0",
            "uptime_seconds": h.get("uptime_seconds", 0),
            "backend": {
                "type": self.service.store.backend,
                "status": "connected" if h["backend_ok"] else "disconnected",
            },
        }
        if "latency_ms" in h:
            body["backend"]["latency_ms"] = h["latency_ms"]
        if "error" in h:
            body["error"] = h["error"]
        return json_response(body, 200 if h["backend_ok"] else 503)

    async def enqueue(self, request: web.Request) -> web.Response:
        body = await read_body(request)
        spec = parse_enqueue(body, self.service.clock.now_ms())
        result = await Level4(self.service).enqueue(spec)  # plain jobs: service.enqueue
        job = result.job
        if not result.created:  # unique `ignore`: the existing job (http §5.3)
            return json_response({"job": job_json(job), "deduplicated": True})
        return json_response({"job": job_json(job)}, 201, Location=f"/ojs/v1/jobs/{job.id}")

    async def get_job(self, request: web.Request) -> web.Response:
        job = await self.service.get_job(request.match_info["id"])
        return json_response({"job": job_json(job)})

    async def cancel_job(self, request: web.Request) -> web.Response:
        job, previous = await self.service.cancel_job(
            request.match_info["id"], request.query.get("reason", "")
        )
        out = job_json(job)
        return json_response(
            {"job": out, "previous_state": previous, "cancelled_at": out.get("cancelled_at")}
        )

    async def fetch(self, request: web.Request) -> web.Response:
        body = await read_body(request)
        queues = body.get("queues")
        if not isinstance(queues, list) or not all(isinstance(q, str) for q in queues):
            raise invalid("queues", "'queues' must be a non-empty array of queue names")
        count = body.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int):
            raise invalid("count", "'count' must be an integer")
        worker_id = body.get("worker_id") or ""
        if not isinstance(worker_id, str):
            raise invalid("worker_id", "'worker_id' must be a string")
        vis = body.get("visibility_timeout_ms")
        if vis is not None and (isinstance(vis, bool) or not isinstance(vis, int)):
            raise invalid("visibility_timeout_ms", "'visibility_timeout_ms' must be an integer")
        jobs = await self.service.fetch(queues, count, worker_id, vis)
        return json_response({"jobs": [job_json(j) for j in jobs]})

    @staticmethod
    def _job_id(body: dict[str, Any]) -> str:
        job_id = body.get("job_id", body.get("id"))
        if not isinstance(job_id, str) or not job_id:
            raise invalid("job_id", "'job_id' is required")
        return job_id

    @staticmethod
    def _worker(body: dict[str, Any]) -> str | None:
        worker_id = body.get("worker_id")
        if worker_id is not None and not isinstance(worker_id, str):
            raise invalid("worker_id", "'worker_id' must be a string")
        return worker_id or None

    async def ack(self, request: web.Request) -> web.Response:
        body = await read_body(request)
        job = await self.service.ack(
            self._job_id(body),
            body.get("result"),
            has_result="result" in body and body["result"] is not None,
            lease_token=lease_token(request),
            worker_id=self._worker(body),
        )
        out = job_json(job)
        return json_response(
            {
                "acknowledged": True,
                "id": job.id,
                "job_id": job.id,
                "state": job.state.value,
                "completed_at": out.get("completed_at"),
                "job": out,
            }
        )

    async def nack(self, request: web.Request) -> web.Response:
        body = await read_body(request)
        job_id = self._job_id(body)
        error = body.get("error")
        if not isinstance(error, dict):
            raise invalid("error", "'error' is required and must be an object")
        message = error.get("message")
        if not isinstance(message, str) or not message:
            raise invalid("error.message", "'error.message' is required")
        code = error.get("code", "handler_error")
        if not isinstance(code, str) or not code:
            raise invalid("error.code", "'error.code' must be a non-empty string")
        details = error.get("details")
        if details is not None and not isinstance(details, dict):
            raise invalid("error.details", "'error.details' must be an object")
        error_type = error.get("type", "")
        if not isinstance(error_type, str):
            raise invalid("error.type", "'error.type' must be a string")
        retryable = error.get("retryable")
        requeue = body.get("requeue", False)
        if not isinstance(requeue, bool):
            raise invalid("requeue", "'requeue' must be a boolean")
        report = FailureReport(
            code=code,
            message=message,
            type=error_type,
            retryable=retryable if isinstance(retryable, bool) else None,
            details=details,
            backtrace=error.get("backtrace"),
        )
        job = await self.service.nack(
            job_id,
            report,
            requeue=requeue,
            lease_token=lease_token(request),
            worker_id=self._worker(body),
        )
        out: dict[str, Any] = {
            "id": job.id,
            "job_id": job.id,
            "state": job.state.value,
            "attempt": job.attempt,
            "max_attempts": job.max_attempts,
        }
        if job.next_attempt_at is not None and job.state.value == "retryable":
            out["next_attempt_at"] = format_rfc3339(job.next_attempt_at)
            out["retry_delay_ms"] = job.retry_delay_ms
        if job.state.value == "discarded" and job.discarded_at is not None:
            out["discarded_at"] = format_rfc3339(job.discarded_at)
            out["completed_at"] = format_rfc3339(job.completed_at or job.discarded_at)
        out["job"] = job_json(job)
        return json_response(out)

    async def heartbeat(self, request: web.Request) -> web.Response:
        body = await read_body(request)
        worker_id = body.get("worker_id")
        if not isinstance(worker_id, str) or not worker_id:
            raise invalid("worker_id", "'worker_id' is required")
        ids = body.get("active_jobs", [])
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise invalid("active_jobs", "'active_jobs' must be an array of job ids")
        ids = list(ids)
        if isinstance(body.get("job_id"), str):
            ids.append(body["job_id"])
        vis = body.get("visibility_timeout_ms")
        if vis is not None and (isinstance(vis, bool) or not isinstance(vis, int) or vis <= 0):
            raise invalid(
                "visibility_timeout_ms", "'visibility_timeout_ms' must be a positive integer"
            )
        result = await self.service.heartbeat_worker(
            worker_id, ids, vis, lease_token=lease_token(request)
        )
        return json_response(
            {
                "state": result.directive,
                "directive": "" if result.directive == "running" else result.directive,
                "jobs_extended": [job_id for job_id, _ in result.extended],
                "server_time": format_rfc3339(self.service.clock.now_ms()),
            }
        )

    async def list_queues(self, request: web.Request) -> web.Response:
        limit = min(max(query_int(request, "limit", 50), 1), 200)
        offset = max(query_int(request, "offset", 0), 0)
        queues = await self.service.list_queues()
        page = queues[offset : offset + limit]
        return json_response(
            {
                "queues": [
                    {
                        "name": q["name"],
                        "status": "paused" if q["paused"] else "active",
                        "paused": q["paused"],
                        "available_count": q["available"],
                        **(
                            {"created_at": format_rfc3339(q["created_at"])}
                            if q["created_at"]
                            else {}
                        ),
                    }
                    for q in page
                ],
                "pagination": {
                    "total": len(queues),
                    "limit": limit,
                    "offset": offset,
                    "has_more": offset + limit < len(queues),
                },
            }
        )

    async def list_dead_letter(self, request: web.Request) -> web.Response:
        limit = min(max(query_int(request, "limit", 50), 1), 1000)
        offset = max(query_int(request, "offset", 0), 0)
        jobs, total = await self.service.list_dead_letter(
            request.query.get("queue") or None, offset, limit
        )
        return json_response(
            {
                "jobs": [job_json(j) for j in jobs],
                "pagination": {
                    "total": total,
                    "limit": limit,
                    "offset": offset,
                    "has_more": offset + len(jobs) < total,
                },
            }
        )

    async def retry_dead_letter(self, request: web.Request) -> web.Response:
        await read_body(request, optional=True)
        job = await self.service.retry_dead_letter(request.match_info["id"])
        return json_response({"job": job_json(job)})

    async def delete_dead_letter(self, request: web.Request) -> web.Response:
        job_id = request.match_info["id"]
        await self.service.delete_dead_letter(job_id)
        return json_response({"deleted": True, "job_id": job_id})

    async def events(self, request: web.Request) -> web.Response:
        limit = min(max(query_int(request, "limit", 100), 1), 1000)
        events, has_more = await self.service.events.read(
            after=request.query.get("after") or None,
            limit=limit,
            types=query_csv(request, "types"),
            queues=query_csv(request, "queues"),
            job_types=query_csv(request, "job_types"),
        )
        return json_response(
            {
                "events": [
                    {
                        "specversion": "1.0",
                        "id": e.id,
                        "type": e.type,
                        "source": f"ojs://ojs-grpc/queues/{e.queue}",
                        "time": format_rfc3339(e.time),
                        "subject": e.job_id,
                        "data": e.data or {},
                    }
                    for e in events
                ],
                "cursor": events[-1].cursor if events else request.query.get("after", ""),
                "has_more": has_more,
            }
        )

    async def reset(self, request: web.Request) -> web.Response:
        await self.service.store.reset()
        return json_response({"reset": True})
