"""Level-4 RPCs of ``ojs.v1.OJSService``: EnqueueBatch, QueueStats, PauseQueue, ResumeQueue.

A mixin of :class:`~ojs_grpc.grpc_api.servicer.OJSServicer`; every RPC decodes, calls
:class:`~ojs_grpc.level4.Level4` and encodes, like the rest of the servicer.
"""

from __future__ import annotations

from .._proto.ojs.v1 import job_pb2, queue_pb2
from ..errors import OJSError
from ..level4 import Level4, at_index
from ..model import EnqueueSpec, Job
from ..service import OJSService
from .codec import enqueue_spec, entry_spec, jobs_to_proto
from .common import Ctx, rpc


def merged_options(
    defaults: job_pb2.EnqueueOptions | None, own: job_pb2.EnqueueOptions
) -> job_pb2.EnqueueOptions:
    """``default_options`` under an entry's ``options``, field by field (grpc-binding §6.3).

    A field the entry sets replaces the default whole (``tags``, ``retry``, ``meta`` too).
    proto3 cannot tell a scalar set to its zero value from an unset one, so an entry cannot
    override a non-zero default with 0 / "".
    """
    if defaults is None:
        return own
    out = job_pb2.EnqueueOptions()
    out.CopyFrom(defaults)
    for descriptor, _ in own.ListFields():
        out.ClearField(descriptor.name)  # type: ignore[arg-type]
    out.MergeFrom(own)
    return out


def _reply(jobs: list[Job]) -> job_pb2.EnqueueBatchResponse:
    resp = job_pb2.EnqueueBatchResponse(count=len(jobs))
    jobs_to_proto(jobs, resp.jobs)
    return resp


class Level4Rpcs:
    service: OJSService

    @rpc
    async def EnqueueBatch(
        self, request: job_pb2.EnqueueBatchRequest, context: Ctx
    ) -> job_pb2.EnqueueBatchResponse:
        level4 = Level4(self.service)
        level4.check_batch_size(len(request.jobs))
        defaults = request.default_options if request.HasField("default_options") else None
        specs = []
        shared: EnqueueSpec | None = None  # the defaults parsed, for entries without options
        for i, entry in enumerate(request.jobs):
            try:
                if entry.HasField("options"):
                    options = merged_options(defaults, entry.options)
                    specs.append(enqueue_spec(entry.type, entry.args, options, f"jobs[{i}]."))
                    continue
                if shared is None:
                    shared = enqueue_spec("", [], defaults, f"jobs[{i}].")
                specs.append(entry_spec(shared, entry.type, entry.args))
            except OJSError as err:
                raise at_index(err, i) from None
        return await level4.enqueue_batch(specs, _reply)

    @rpc
    async def QueueStats(
        self, request: queue_pb2.QueueStatsRequest, context: Ctx
    ) -> queue_pb2.QueueStatsResponse:
        snap = await Level4(self.service).queue_stats(request.queue)
        return queue_pb2.QueueStatsResponse(
            queue=snap.name,
            stats=queue_pb2.QueueStatistics(
                available=snap.available,
                active=snap.active,
                scheduled=snap.scheduled,
                retryable=snap.retryable,
                dead=snap.dead,
                completed_last_hour=snap.completed_last_hour,
                failed_last_hour=snap.failed_last_hour,
                avg_duration_ms=snap.avg_duration_ms,
                avg_wait_ms=snap.avg_wait_ms,
                throughput_per_second=snap.throughput_per_second,
                paused=snap.paused,
            ),
        )

    @rpc
    async def PauseQueue(
        self, request: queue_pb2.PauseQueueRequest, context: Ctx
    ) -> queue_pb2.PauseQueueResponse:
        await Level4(self.service).pause_queue(request.queue)
        return queue_pb2.PauseQueueResponse()

    @rpc
    async def ResumeQueue(
        self, request: queue_pb2.ResumeQueueRequest, context: Ctx
    ) -> queue_pb2.ResumeQueueResponse:
        await Level4(self.service).resume_queue(request.queue)
        return queue_pb2.ResumeQueueResponse()
