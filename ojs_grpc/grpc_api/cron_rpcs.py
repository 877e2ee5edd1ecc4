"""RegisterCron, UnregisterCron and ListCron (semantics §8.1), mixed into the servicer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from google.protobuf import duration_pb2

from .._proto.ojs.v1 import job_pb2, service_pb2
from ..cron import check_name, parse_schedule
from ..cron_service import CronEntry, CronRegistration
from ..errors import invalid
from ..values import py_to_struct, py_to_value
from .codec import enqueue_spec, retry_to_proto, set_ts, unique_to_proto
from .common import Ctx, rpc

if TYPE_CHECKING:
    from ..service import OJSService


def _duration(out: duration_pb2.Duration, ms: int) -> None:
    out.seconds, rem = divmod(ms, 1000)
    out.nanos = rem * 1_000_000


def options_to_proto(entry: CronEntry, out: job_pb2.EnqueueOptions) -> None:
    """The template's options as EnqueueOptions (a relative HTTP delay has no field here)."""
    spec = entry.template
    out.queue = spec.queue
    out.priority = spec.priority
    if spec.timeout_ms is not None:
        _duration(out.timeout, spec.timeout_ms)
    if spec.visibility_timeout_ms is not None:
        _duration(out.visibility_timeout, spec.visibility_timeout_ms)
    if spec.ttl_ms is not None:
        _duration(out.ttl, spec.ttl_ms)
    if spec.max_attempts is not None:
        out.max_attempts = spec.max_attempts
    if spec.retry is not None:
        retry_to_proto(spec.retry, out.retry)
    if spec.unique is not None:
        unique_to_proto(spec.unique, out.unique)
    out.tags.extend(spec.tags)
    out.trace_id = spec.trace_id
    if spec.meta:
        py_to_struct(spec.meta, out.meta)


def entry_to_proto(entry: CronEntry, out: service_pb2.CronEntry) -> None:
    out.name = entry.name
    out.cron = entry.expression
    out.timezone = entry.timezone
    out.type = entry.template.type
    for arg in entry.template.args:
        py_to_value(arg, out.args.add())
    options_to_proto(entry, out.options)
    if entry.next_run_at is not None:
        set_ts(out.next_run_at, entry.next_run_at)
    if entry.last_run_at is not None:
        set_ts(out.last_run_at, entry.last_run_at)


class CronRpcs:
    """Mixin for :class:`~ojs_grpc.grpc_api.servicer.OJSServicer` (needs ``self.service``)."""

    service: OJSService

    @rpc
    async def RegisterCron(
        self, request: service_pb2.RegisterCronRequest, context: Ctx
    ) -> service_pb2.RegisterCronResponse:
        name = check_name(request.name)
        schedule = parse_schedule(request.cron, request.timezone, path="cron")
        options = request.options if request.HasField("options") else None
        spec = enqueue_spec(request.type, request.args, options)
        if spec.scheduled_at is not None:
            raise invalid(
                "options.delay_until",
                "'options.delay_until' is an instant; a cron template is used at every tick",
            )
        entry, _ = await self.service.cron.register(
            CronRegistration(name=name, schedule=schedule, template=spec)
        )
        resp = service_pb2.RegisterCronResponse(name=entry.name)
        if entry.next_run_at is not None:
            set_ts(resp.next_run_at, entry.next_run_at)
        return resp

    @rpc
    async def UnregisterCron(
        self, request: service_pb2.UnregisterCronRequest, context: Ctx
    ) -> service_pb2.UnregisterCronResponse:
        if not request.name:
            raise invalid("name", "'name' is required")
        await self.service.cron.unregister(request.name)
        return service_pb2.UnregisterCronResponse()

    @rpc
    async def ListCron(
        self, request: service_pb2.ListCronRequest, context: Ctx
    ) -> service_pb2.ListCronResponse:
        resp = service_pb2.ListCronResponse()
        for entry in await self.service.cron.entries():
            entry_to_proto(entry, resp.entries.add())
        return resp
