"""The ``ojs.v1.OJSService`` servicer: thin, every RPC is decode -> service -> encode.

:func:`rpc` wraps each method once: it echoes ``x-ojs-request-id``, sends the
server version and conformance level as response metadata, and turns an
:class:`~ojs_grpc.errors.OJSError` into a status with ErrorInfo details.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import grpc

from .. import __version__
from .._proto.ojs.v1 import (
    job_pb2,
    queue_pb2,
    service_pb2,
    service_pb2_grpc,
    worker_pb2,
)
from ..errors import UNSUPPORTED, OJSError, invalid
from ..service import CONFORMANCE_LEVEL, OJSService
from .codec import (
    enqueue_spec,
    failure_report,
    job_to_proto,
    py_to_struct,
    set_ts,
    struct_to_py,
)
from .status import to_status

log = logging.getLogger(__name__)

REQUEST_ID_KEY = "x-ojs-request-id"
LEASE_TOKEN_KEY = "x-ojs-lease-token"
DIRECTIVE_TO_PROTO = {
    "running": worker_pb2.WORKER_STATE_RUNNING,
    "quiet": worker_pb2.WORKER_STATE_QUIET,
    "terminate": worker_pb2.WORKER_STATE_TERMINATE,
}

Ctx = grpc.aio.ServicerContext[Any, Any]
Req = TypeVar("Req")
Resp = TypeVar("Resp")
Method = Callable[[Any, Req, Ctx], Awaitable[Resp]]


def _metadata(context: Ctx) -> dict[str, str]:
    return {k: v for k, v in (context.invocation_metadata() or ()) if isinstance(v, str)}


def rpc(method: Method[Req, Resp]) -> Method[Req, Resp]:
    @functools.wraps(method)
    async def wrapper(self: Any, request: Req, context: Ctx) -> Resp:
        md = _metadata(context)
        request_id = md.get(REQUEST_ID_KEY, "")
        headers = [
            ("x-ojs-server-version", __version__),
            ("x-ojs-conformance-level", str(CONFORMANCE_LEVEL)),
        ]
        if request_id:
            headers.append((REQUEST_ID_KEY, request_id))
        await context.send_initial_metadata(headers)
        try:
            return await method(self, request, context)
        except OJSError as err:
            await context.abort_with_status(to_status(err, request_id))
            raise AssertionError("unreachable") from err  # abort_with_status always raises

    return wrapper


def lease_token(context: Ctx) -> int | None:
    raw = _metadata(context).get(LEASE_TOKEN_KEY)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise invalid(LEASE_TOKEN_KEY, f"metadata {LEASE_TOKEN_KEY} must be an integer") from None


def _unimplemented(name: str, needs: str) -> Callable[..., Awaitable[Any]]:
    @rpc
    async def method(self: Any, request: Any, context: Ctx) -> Any:
        raise OJSError(
            UNSUPPORTED,
            f"{name} needs {needs}; this server implements conformance level {CONFORMANCE_LEVEL}",
        )

    method.__name__ = name
    return method


def _offset(cursor: str) -> int:
    if not cursor:
        return 0
    if not cursor.isdigit():
        raise invalid("cursor", f"'cursor' {cursor!r} is not a cursor this server issued")
    return int(cursor)


class OJSServicer(service_pb2_grpc.OJSServiceServicer):
    def __init__(self, service: OJSService) -> None:
        self.service = service

    @rpc
    async def Manifest(
        self, request: service_pb2.ManifestRequest, context: Ctx
    ) -> service_pb2.ManifestResponse:
        m = self.service.manifest()
        return service_pb2.ManifestResponse(
            ojs_version=m["ojs_version"],
            implementation=service_pb2.Implementation(**m["implementation"]),
            conformance_level=m["conformance_level"],
            protocols=m["protocols"],
            backend=m["backend"],
            extensions=m["extensions"],
            schema_validation=m["schema_validation"],
        )

    @rpc
    async def Health(
        self, request: service_pb2.HealthRequest, context: Ctx
    ) -> service_pb2.HealthResponse:
        h = await self.service.health()
        status = service_pb2.HEALTH_STATUS_OK
        if not h["backend_ok"]:
            status = service_pb2.HEALTH_STATUS_UNHEALTHY
        elif h["status"] != "ok":
            status = service_pb2.HEALTH_STATUS_DEGRADED
        resp = service_pb2.HealthResponse(status=status)
        resp.timestamp.GetCurrentTime()
        py_to_struct({"backend": self.service.store.backend, **h}, resp.details)
        return resp

    @rpc
    async def Enqueue(
        self, request: job_pb2.EnqueueRequest, context: Ctx
    ) -> job_pb2.EnqueueResponse:
        options = request.options if request.HasField("options") else None
        job = await self.service.enqueue(enqueue_spec(request.type, request.args, options))
        resp = job_pb2.EnqueueResponse()
        job_to_proto(job, resp.job)
        return resp

    @rpc
    async def GetJob(self, request: job_pb2.GetJobRequest, context: Ctx) -> job_pb2.GetJobResponse:
        job = await self.service.get_job(_job_id(request.job_id))
        resp = job_pb2.GetJobResponse()
        job_to_proto(job, resp.job)
        return resp

    @rpc
    async def CancelJob(
        self, request: job_pb2.CancelJobRequest, context: Ctx
    ) -> job_pb2.CancelJobResponse:
        job, _ = await self.service.cancel_job(_job_id(request.job_id), request.reason)
        resp = job_pb2.CancelJobResponse()
        job_to_proto(job, resp.job)
        return resp

    @rpc
    async def Fetch(
        self, request: worker_pb2.FetchRequest, context: Ctx
    ) -> worker_pb2.FetchResponse:
        jobs = await self.service.fetch(list(request.queues), request.count, request.worker_id)
        resp = worker_pb2.FetchResponse()
        for job in jobs:
            job_to_proto(job, resp.jobs.add())
        return resp

    @rpc
    async def Ack(self, request: worker_pb2.AckRequest, context: Ctx) -> worker_pb2.AckResponse:
        has_result = request.HasField("result")
        result = struct_to_py(request.result) if has_result else None
        await self.service.ack(
            _job_id(request.job_id),
            result,
            has_result=has_result,
            lease_token=lease_token(context),
        )
        return worker_pb2.AckResponse(acknowledged=True)

    @rpc
    async def Nack(self, request: worker_pb2.NackRequest, context: Ctx) -> worker_pb2.NackResponse:
        if not request.HasField("error"):
            raise invalid("error", "'error' is required")
        job = await self.service.nack(
            _job_id(request.job_id),
            failure_report(request.error),
            lease_token=lease_token(context),
        )
        resp = worker_pb2.NackResponse(state=job_to_proto(job).state)
        if job.state.value == "retryable" and job.next_attempt_at is not None:
            set_ts(resp.next_attempt_at, job.next_attempt_at)
        return resp

    @rpc
    async def Heartbeat(
        self, request: worker_pb2.HeartbeatRequest, context: Ctx
    ) -> worker_pb2.HeartbeatResponse:
        extend_ms = None
        if request.HasField("extend_by"):
            extend_ms = request.extend_by.seconds * 1000 + request.extend_by.nanos // 1_000_000
            if extend_ms <= 0:
                raise invalid("extend_by", "'extend_by' must be a positive duration")
        resp = worker_pb2.HeartbeatResponse()
        if not request.id or request.id == request.worker_id:
            if not request.worker_id:
                raise invalid("id", "'id' (a job id) or 'worker_id' is required")
            # A worker beat: extend every lease this worker holds (semantics §6.3).
            beat = await self.service.heartbeat_worker(request.worker_id, None, extend_ms)
            resp.directed_state = DIRECTIVE_TO_PROTO[beat.directive]
            if beat.extended:
                set_ts(resp.new_deadline, min(deadline for _, deadline in beat.extended))
            return resp
        directive, deadline = await self.service.heartbeat_job(
            request.id, request.worker_id, extend_ms, lease_token=lease_token(context)
        )
        resp.directed_state = DIRECTIVE_TO_PROTO[directive]
        set_ts(resp.new_deadline, deadline)
        return resp

    @rpc
    async def ListQueues(
        self, request: queue_pb2.ListQueuesRequest, context: Ctx
    ) -> queue_pb2.ListQueuesResponse:
        limit = request.limit if request.limit > 0 else 100
        offset = _offset(request.cursor)
        queues = await self.service.list_queues()
        resp = queue_pb2.ListQueuesResponse()
        for q in queues[offset : offset + limit]:
            info = resp.queues.add(
                name=q["name"], paused=q["paused"], available_count=q["available"]
            )
            if q["created_at"]:
                set_ts(info.created_at, q["created_at"])
        if offset + limit < len(queues):
            resp.next_cursor = str(offset + limit)
        return resp

    @rpc
    async def ListDeadLetter(
        self, request: queue_pb2.ListDeadLetterRequest, context: Ctx
    ) -> queue_pb2.ListDeadLetterResponse:
        limit = request.limit if request.limit > 0 else 50
        offset = _offset(request.cursor)
        jobs, total = await self.service.list_dead_letter(request.queue or None, offset, limit)
        resp = queue_pb2.ListDeadLetterResponse(total_count=total)
        for job in jobs:
            job_to_proto(job, resp.jobs.add())
        if offset + len(jobs) < total:
            resp.next_cursor = str(offset + len(jobs))
        return resp

    @rpc
    async def RetryDeadLetter(
        self, request: queue_pb2.RetryDeadLetterRequest, context: Ctx
    ) -> queue_pb2.RetryDeadLetterResponse:
        job = await self.service.retry_dead_letter(_job_id(request.job_id))
        resp = queue_pb2.RetryDeadLetterResponse()
        job_to_proto(job, resp.job)
        return resp

    @rpc
    async def DeleteDeadLetter(
        self, request: queue_pb2.DeleteDeadLetterRequest, context: Ctx
    ) -> queue_pb2.DeleteDeadLetterResponse:
        await self.service.delete_dead_letter(_job_id(request.job_id))
        return queue_pb2.DeleteDeadLetterResponse()

    EnqueueBatch = _unimplemented("EnqueueBatch", "conformance level 4")
    QueueStats = _unimplemented("QueueStats", "conformance level 4")
    PauseQueue = _unimplemented("PauseQueue", "conformance level 4")
    ResumeQueue = _unimplemented("ResumeQueue", "conformance level 4")
    RegisterCron = _unimplemented("RegisterCron", "conformance level 2")
    UnregisterCron = _unimplemented("UnregisterCron", "conformance level 2")
    ListCron = _unimplemented("ListCron", "conformance level 2")
    CreateWorkflow = _unimplemented("CreateWorkflow", "conformance level 3")
    GetWorkflow = _unimplemented("GetWorkflow", "conformance level 3")
    CancelWorkflow = _unimplemented("CancelWorkflow", "conformance level 3")

    async def StreamJobs(
        self, request: worker_pb2.StreamJobsRequest, context: Ctx
    ) -> AsyncIterator[job_pb2.Job]:
        await context.abort_with_status(_stream_unavailable("StreamJobs"))
        yield job_pb2.Job()  # never reached: makes this a stream handler

    async def StreamEvents(self, request: Any, context: Ctx) -> AsyncIterator[Any]:
        await context.abort_with_status(_stream_unavailable("StreamEvents"))
        yield None  # never reached: makes this a stream handler


def _stream_unavailable(name: str) -> grpc.Status:
    return to_status(OJSError(UNSUPPORTED, f"{name} (optional streaming) is not available yet"))


def _job_id(job_id: str) -> str:
    if not job_id:
        raise invalid("job_id", "'job_id' is required")
    return job_id


__all__ = ["OJSServicer"]
