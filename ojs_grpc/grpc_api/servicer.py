"""The ``ojs.v1.OJSService`` servicer: thin, every RPC is decode -> service -> encode."""

from __future__ import annotations

from collections.abc import AsyncIterator

from redis.exceptions import RedisError

from .._proto.ojs.v1 import (
    events_pb2,
    job_pb2,
    queue_pb2,
    service_pb2,
    service_pb2_grpc,
    worker_pb2,
)
from ..errors import BACKEND_UNAVAILABLE, OJSError, invalid
from ..events import GRPC_TO_LOG_TYPE, LOG_TO_GRPC_TYPE, EventFilter, is_cursor
from ..job_stream import JobStreams
from ..service import OJSService
from ..values import py_to_struct, struct_to_py
from .codec import (
    JobWriter,
    enqueue_spec,
    failure_report,
    job_to_proto,
    jobs_to_proto,
    set_ts,
)
from .common import (
    DIRECTIVE_TO_PROTO,
    REQUEST_ID_KEY,
    Ctx,
    lease_token,
    metadata_dict,
    require_job_id,
    response_headers,
    rpc,
)
from .cron_rpcs import CronRpcs
from .queue_rpcs import Level4Rpcs
from .status import to_status
from .workflow_rpcs import WorkflowRpcs


def _offset(cursor: str) -> int:
    if not cursor:
        return 0
    if not cursor.isdigit():
        raise invalid("cursor", f"'cursor' {cursor!r} is not a cursor this server issued")
    return int(cursor)


class OJSServicer(WorkflowRpcs, Level4Rpcs, CronRpcs, service_pb2_grpc.OJSServiceServicer):
    def __init__(self, service: OJSService, job_streams: JobStreams | None = None) -> None:
        self.service = service
        self.job_streams = job_streams or JobStreams(service)

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
        job = await self.service.get_job(require_job_id(request.job_id))
        resp = job_pb2.GetJobResponse()
        job_to_proto(job, resp.job)
        return resp

    @rpc
    async def CancelJob(
        self, request: job_pb2.CancelJobRequest, context: Ctx
    ) -> job_pb2.CancelJobResponse:
        job, _ = await self.service.cancel_job(require_job_id(request.job_id), request.reason)
        resp = job_pb2.CancelJobResponse()
        job_to_proto(job, resp.job)
        return resp

    @rpc
    async def Fetch(
        self, request: worker_pb2.FetchRequest, context: Ctx
    ) -> worker_pb2.FetchResponse:
        jobs = await self.service.fetch(list(request.queues), request.count, request.worker_id)
        resp = worker_pb2.FetchResponse()
        jobs_to_proto(jobs, resp.jobs)
        return resp

    @rpc
    async def Ack(self, request: worker_pb2.AckRequest, context: Ctx) -> worker_pb2.AckResponse:
        has_result = request.HasField("result")
        result = struct_to_py(request.result) if has_result else None
        await self.service.ack(
            require_job_id(request.job_id),
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
            require_job_id(request.job_id),
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
        jobs_to_proto(jobs, resp.jobs)
        if offset + len(jobs) < total:
            resp.next_cursor = str(offset + len(jobs))
        return resp

    @rpc
    async def RetryDeadLetter(
        self, request: queue_pb2.RetryDeadLetterRequest, context: Ctx
    ) -> queue_pb2.RetryDeadLetterResponse:
        job = await self.service.retry_dead_letter(require_job_id(request.job_id))
        resp = queue_pb2.RetryDeadLetterResponse()
        job_to_proto(job, resp.job)
        return resp

    @rpc
    async def DeleteDeadLetter(
        self, request: queue_pb2.DeleteDeadLetterRequest, context: Ctx
    ) -> queue_pb2.DeleteDeadLetterResponse:
        await self.service.delete_dead_letter(require_job_id(request.job_id))
        return queue_pb2.DeleteDeadLetterResponse()

    async def StreamJobs(
        self, request: worker_pb2.StreamJobsRequest, context: Ctx
    ) -> AsyncIterator[job_pb2.Job]:
        """Claimed jobs under a ``max_concurrent`` credit window (semantics §11.5;
        ojs_grpc/job_stream.py); ends with UNAVAILABLE when the server shuts down."""
        request_id = metadata_dict(context).get(REQUEST_ID_KEY, "")
        try:
            async with self.job_streams.open(
                list(request.queues), request.worker_id, request.max_concurrent
            ) as jobs:
                # Headers go out once the stream is subscribed: a client that has them
                # knows every later enqueue on its queues will reach it.
                await context.send_initial_metadata(response_headers(request_id))
                writer = JobWriter()
                async for job in jobs:
                    yield writer.write(job)
        except OJSError as err:
            await context.abort_with_status(to_status(err, request_id))
        except RedisError as exc:
            await context.abort_with_status(
                to_status(OJSError(BACKEND_UNAVAILABLE, f"backend failed: {exc}; reconnect"))
            )
        await context.abort_with_status(
            to_status(OJSError(BACKEND_UNAVAILABLE, "server shutting down; reconnect"))
        )

    async def StreamEvents(
        self, request: events_pb2.StreamEventsRequest, context: Ctx
    ) -> AsyncIterator[events_pb2.Event]:
        """Live events of every replica (the shared log), filters AND-combined.

        Metadata ``x-ojs-last-event-id`` (a ``cursor`` of an earlier event, as the HTTP
        ``after`` parameter) resumes after that event instead of starting from now.
        The binding's ``job.dead`` is the log's ``job.discarded``: it is sent under the
        binding's name and either name selects it. Best effort (binding §10.2): a
        subscriber that reads too slowly loses its oldest unsent events, and a
        ``stream.dropped`` event (see :meth:`Subscription.next`) says how many and where.
        """
        md = metadata_dict(context)
        after = md.get("x-ojs-last-event-id") or None
        if after is not None and not is_cursor(after):
            error = invalid("x-ojs-last-event-id", f"{after!r} is not an event cursor")
            await context.abort_with_status(to_status(error))
        types = {GRPC_TO_LOG_TYPE.get(t, t) for t in request.event_types}
        wanted = EventFilter(
            types=frozenset(types),
            queues=frozenset(request.queues),
            job_id=request.job_id,
            workflow_id=request.workflow_id,
        )
        async with self.service.events.subscribe(wanted, after=after) as subscription:
            # Headers go out once the subscription is registered: a client that has
            # them knows every later event will reach it.
            await context.send_initial_metadata(response_headers(md.get(REQUEST_ID_KEY, "")))
            while event := await subscription.next(stopping=lambda: self.service.draining):
                msg = events_pb2.Event(
                    id=event.id,
                    type=LOG_TO_GRPC_TYPE.get(event.type, event.type),
                    job_id=event.job_id,
                    job_type=event.job_type,
                    queue=event.queue,
                    workflow_id=event.workflow_id,
                )
                set_ts(msg.timestamp, event.time)
                if event.data:
                    py_to_struct(event.data, msg.data)
                yield msg
        await context.abort_with_status(
            to_status(OJSError(BACKEND_UNAVAILABLE, "server shutting down; reconnect"))
        )


__all__ = ["OJSServicer"]
