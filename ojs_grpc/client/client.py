"""The async OJS client over the gRPC binding (``ojs.v1.OJSService``), plus a sync facade."""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar, overload
from urllib.parse import urlsplit

import grpc

from .._proto.ojs.v1 import (
    job_pb2,
    queue_pb2,
    service_pb2,
    service_pb2_grpc,
    worker_pb2,
    workflow_pb2,
)
from .._proto.ojsgrpc.worker.v1 import worker_stream_pb2_grpc
from ._values import (
    DurationLike,
    duration_from_proto,
    iso_duration,
    parse_instant,
    py_to_struct,
    py_to_value,
    set_duration,
    set_timestamp,
    struct_to_py,
    timestamp_from_proto,
    value_to_py,
)
from .errors import BackendError, OJSClientError, UnsupportedError, error_for, from_rpc_error
from .types import (
    Batch,
    Chain,
    CronJob,
    CronJobRequest,
    DeadLetterPage,
    Group,
    Job,
    JobError,
    JobSpec,
    QueueInfo,
    QueueStats,
    RetryPolicy,
    UniquePolicy,
    Workflow,
    WorkflowDef,
    WorkflowStep,
)

DEFAULT_URL = "localhost:9090"
# Most jobs one coalesced EnqueueBatch carries (the gateway's default limit is 1,000).
DEFAULT_COALESCE_MAX = 500
LEASE_TOKEN_KEY = "x-ojs-lease-token"
_T = TypeVar("_T")
_Req = TypeVar("_Req")
_OPTION_KEYS = frozenset(
    {
        "queue",
        "priority",
        "delay_until",
        "retry",
        "unique",
        "ttl",
        "meta",
        "tags",
        "timeout",
        "visibility_timeout",
        "max_attempts",
    }
)
_TYPE_AND_ARGS = frozenset({"type", "args"})
# Job states by wire value, and the retry policies decoded lately by their encoding: a
# batch reply carries hundreds of jobs that mostly share one policy.
_STATE_NAMES = {v: k.removeprefix("JOB_STATE_").lower() for k, v in job_pb2.JobState.items()}
_RETRY_CACHE_MAX = 256
_retry_policies: dict[bytes, RetryPolicy] = {}
_CONFLICTS = {
    "reject": job_pb2.UNIQUE_CONFLICT_ACTION_REJECT,
    "replace": job_pb2.UNIQUE_CONFLICT_ACTION_REPLACE,
    "ignore": job_pb2.UNIQUE_CONFLICT_ACTION_IGNORE,
    "replace_except_schedule": job_pb2.UNIQUE_CONFLICT_ACTION_REPLACE_EXCEPT_SCHEDULE,
}


def grpc_target(url: str | None) -> str:
    """``host:port`` of ``url`` (default ``$OJS_URL`` or ``localhost:9090``; ``grpc://`` ok)."""
    raw = (url or os.environ.get("OJS_URL") or DEFAULT_URL).strip()
    if raw.startswith(("http://", "https://")):
        raise ValueError(
            f"{raw!r} is an HTTP URL; the client speaks gRPC: give the gRPC address "
            "(e.g. 'localhost:9090' or 'grpc://localhost:9090'), and http_url= for the HTTP port"
        )
    for prefix in ("grpc://", "dns:///"):
        if raw.startswith(prefix):
            raw = raw[len(prefix) :]
    return raw.rstrip("/")


def state_name(value: job_pb2.JobState.ValueType) -> str:
    name = _STATE_NAMES.get(value)
    return name if name is not None else job_pb2.JobState.Name(value)  # raises: unknown


# -- proto builders -----------------------------------------------------------------------


def retry_to_proto(policy: RetryPolicy | Mapping[str, Any], out: job_pb2.RetryPolicy) -> None:
    p = policy if isinstance(policy, RetryPolicy) else RetryPolicy(**policy)
    out.SetInParent()
    out.max_attempts = p.max_attempts
    set_duration(out.initial_interval, p.initial_interval)
    out.backoff_coefficient = p.backoff_coefficient
    set_duration(out.max_interval, p.max_interval)
    out.jitter = p.jitter
    out.non_retryable_errors.extend(p.non_retryable_errors)
    out.on_exhaustion = p.on_exhaustion


def _unique_to_proto(policy: UniquePolicy | Mapping[str, Any], out: job_pb2.UniquePolicy) -> None:
    u = policy if isinstance(policy, UniquePolicy) else UniquePolicy(**policy)
    out.SetInParent()
    out.key.extend(u.key)
    if u.period is not None:
        set_duration(out.period, u.period)
    out.on_conflict = _CONFLICTS[u.on_conflict]
    out.states.extend(job_pb2.JobState.Value("JOB_STATE_" + s.upper()) for s in u.states)
    out.args_keys.extend(u.args_keys)
    out.meta_keys.extend(u.meta_keys)


def build_options(
    *,
    queue: str | None = None,
    priority: int | None = None,
    delay_until: datetime | str | None = None,
    retry: RetryPolicy | Mapping[str, Any] | None = None,
    unique: UniquePolicy | Mapping[str, Any] | None = None,
    ttl: DurationLike | None = None,
    meta: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    timeout: DurationLike | None = None,
    visibility_timeout: DurationLike | None = None,
    max_attempts: int | None = None,
) -> job_pb2.EnqueueOptions:
    o = job_pb2.EnqueueOptions()
    if queue:
        o.queue = queue
    if priority is not None:
        o.priority = priority
    if delay_until is not None:
        set_timestamp(o.delay_until, delay_until)
    if retry is not None:
        retry_to_proto(retry, o.retry)
    if unique is not None:
        _unique_to_proto(unique, o.unique)
    if ttl is not None:
        set_duration(o.ttl, ttl)
    if meta:
        py_to_struct(dict(meta), o.meta)
    if tags:
        o.tags.extend(tags)
    if timeout is not None:
        set_duration(o.timeout, timeout)
    if visibility_timeout is not None:
        set_duration(o.visibility_timeout, visibility_timeout)
    if max_attempts is not None:
        o.max_attempts = max_attempts
    return o


def split_spec(spec: JobSpec, where: str = "job") -> tuple[str, list[Any], dict[str, Any]]:
    """``(type, args, options)`` of a plain-dict job spec; options may sit at the top level."""
    if not isinstance(spec, Mapping):
        raise TypeError(f"{where} must be a dict like {{'type': ..., 'args': [...]}}")
    job_type = spec.get("type")
    if not isinstance(job_type, str) or not job_type:
        raise ValueError(f"{where} needs a 'type'")
    args = list(spec.get("args") or [])
    if spec.keys() <= _TYPE_AND_ARGS:  # the common spec: nothing more to sort out
        return job_type, args, {}
    options: dict[str, Any] = {k: v for k, v in spec.items() if k in _OPTION_KEYS}
    options.update(spec.get("options") or {})
    unknown = set(spec) - _OPTION_KEYS - {"type", "args", "options"}
    unknown |= set(spec.get("options") or {}) - _OPTION_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    return job_type, args, options


def _set_args(target: Any, args: Sequence[Any]) -> None:
    for a in args:
        py_to_value(a, target.add())


def _ts(msg: Any, name: str) -> datetime | None:
    return timestamp_from_proto(getattr(msg, name)) if msg.HasField(name) else None


def _retry_from_proto(r: job_pb2.RetryPolicy) -> RetryPolicy:
    key = r.SerializeToString()
    retry = _retry_policies.get(key)
    if retry is None:
        if len(_retry_policies) >= _RETRY_CACHE_MAX:
            _retry_policies.clear()
        retry = _retry_policies[key] = RetryPolicy(
            max_attempts=r.max_attempts,
            initial_interval=duration_from_proto(r.initial_interval),
            backoff_coefficient=r.backoff_coefficient,
            max_interval=duration_from_proto(r.max_interval),
            jitter=r.jitter,
            non_retryable_errors=tuple(r.non_retryable_errors),
            on_exhaustion=r.on_exhaustion,
        )
    return retry


class JobBatch(Sequence[Job]):
    """The jobs a batch call returned, in request order, each decoded from its message the
    first time it is read: a bulk producer that ignores the reply does not pay for it."""

    __slots__ = ("_jobs", "_messages")

    def __init__(self, messages: Sequence[job_pb2.Job]) -> None:
        self._messages = messages
        self._jobs: list[Job | None] = [None] * len(messages)

    def __len__(self) -> int:
        return len(self._messages)

    @overload
    def __getitem__(self, index: int) -> Job: ...

    @overload
    def __getitem__(self, index: slice) -> list[Job]: ...

    def __getitem__(self, index: int | slice) -> Job | list[Job]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        job = self._jobs[index]
        if job is None:
            job = self._jobs[index] = job_from_proto(self._messages[index])
        return job

    @property
    def ids(self) -> list[str]:
        """The job ids, without decoding the jobs."""
        return [m.id for m in self._messages]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"JobBatch({list(self)!r})"


def job_from_proto(j: job_pb2.Job) -> Job:
    retry = _retry_from_proto(j.retry_policy) if j.HasField("retry_policy") else None
    errors = [
        JobError(
            code=e.code,
            message=e.message,
            attempt=e.attempt,
            occurred_at=_ts(e, "occurred_at"),
            backtrace=e.backtrace,
            details=struct_to_py(e.details) if e.HasField("details") else {},
        )
        for e in j.errors
    ]
    return Job(
        id=j.id,
        type=j.type,
        queue=j.queue,
        state=state_name(j.state),
        args=[value_to_py(v) for v in j.args],
        meta=struct_to_py(j.meta) if j.HasField("meta") else {},
        priority=j.priority,
        attempt=j.attempt,
        max_attempts=j.max_attempts,
        result=struct_to_py(j.result) if j.HasField("result") else None,
        errors=errors,
        tags=list(j.tags),
        workflow_id=j.workflow_id,
        created_at=_ts(j, "created_at"),
        enqueued_at=_ts(j, "enqueued_at"),
        scheduled_at=_ts(j, "scheduled_at"),
        started_at=_ts(j, "started_at"),
        completed_at=_ts(j, "completed_at"),
        expires_at=_ts(j, "expires_at"),
        timeout=duration_from_proto(j.timeout) if j.HasField("timeout") else None,
        visibility_timeout=(
            duration_from_proto(j.visibility_timeout) if j.HasField("visibility_timeout") else None
        ),
        retry_policy=retry,
    )


def workflow_from_proto(w: workflow_pb2.Workflow) -> Workflow:
    return Workflow(
        id=w.id,
        name=w.name,
        state=workflow_pb2.WorkflowState.Name(w.state).removeprefix("WORKFLOW_STATE_").lower(),
        steps=[
            WorkflowStep(
                id=s.id,
                type=s.type,
                state=workflow_pb2.WorkflowStepState.Name(s.state)
                .removeprefix("WORKFLOW_STEP_STATE_")
                .lower(),
                job_id=s.job_id,
                depends_on=list(s.depends_on),
            )
            for s in w.steps
        ],
        created_at=_ts(w, "created_at"),
        completed_at=_ts(w, "completed_at"),
    )


def _retry_json(policy: RetryPolicy | Mapping[str, Any]) -> dict[str, Any]:
    p = policy if isinstance(policy, RetryPolicy) else RetryPolicy(**policy)
    out: dict[str, Any] = {
        "max_attempts": p.max_attempts,
        "initial_interval": iso_duration(p.initial_interval),
        "backoff_coefficient": p.backoff_coefficient,
        "max_interval": iso_duration(p.max_interval),
        "jitter": p.jitter,
        "non_retryable_errors": list(p.non_retryable_errors),
    }
    if p.on_exhaustion:
        out["on_exhaustion"] = p.on_exhaustion
    return out


def spec_json(spec: JobSpec, where: str) -> dict[str, Any]:
    """A job spec as the HTTP binding's JSON (used for batches with callbacks)."""
    job_type, args, opts = split_spec(spec, where)
    options: dict[str, Any] = {}
    for key in ("queue", "priority", "tags", "max_attempts"):
        if opts.get(key) is not None:
            options[key] = list(opts[key]) if key == "tags" else opts[key]
    if opts.get("delay_until") is not None:
        options["delay_until"] = (
            parse_instant(opts["delay_until"]).isoformat().replace("+00:00", "Z")
        )
    if opts.get("retry") is not None:
        options["retry"] = _retry_json(opts["retry"])
    if opts.get("meta"):
        options["metadata"] = dict(opts["meta"])
    for key in ("timeout", "visibility_timeout"):
        if opts.get(key) is not None:
            options[f"{key}_ms"] = round(_seconds(opts[key]) * 1000)
    if opts.get("unique") is not None or opts.get("ttl") is not None:
        raise ValueError(f"{where}: 'unique' and 'ttl' are not supported on batch members")
    out: dict[str, Any] = {"type": job_type, "args": args}
    if options:
        out["options"] = options
    return out


def _seconds(value: DurationLike) -> float:
    from ._values import duration_seconds

    return duration_seconds(value)


# -- the client ---------------------------------------------------------------------------


async def _resolve(done: asyncio.Future[_T], call: Awaitable[_T]) -> None:
    """Hand the outcome of ``call`` to whoever waits on ``done`` (unless it gave up)."""
    try:
        result = await call
    except Exception as exc:
        if not done.done():
            done.set_exception(exc)
    else:
        if not done.done():
            done.set_result(result)


_Waiting = tuple[job_pb2.EnqueueRequest, asyncio.Future[Job]]


class Client:
    """Async OJS client. Nothing connects until the first call; use ``async with`` or close().

    ``coalesce`` (default on): :meth:`enqueue` calls made in the same turn of the event
    loop (concurrent tasks) go to the gateway as one ``EnqueueBatch`` per queue, at most
    ``coalesce_max`` jobs each; a lone call stays a unary ``Enqueue``. Each caller still
    gets its own job or its own error: a batch the gateway refuses (it is all or nothing,
    so nothing was written) is sent again job by job. Unique jobs are never coalesced.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        http_url: str | None = None,
        timeout: float = 30.0,
        metadata: Sequence[tuple[str, str]] = (),
        coalesce: bool = True,
        coalesce_max: int = DEFAULT_COALESCE_MAX,
    ) -> None:
        self.target = grpc_target(url)
        host = urlsplit("//" + self.target).hostname or "localhost"
        self.http_url = (
            http_url or os.environ.get("OJS_HTTP_URL") or f"http://{host}:8080"
        ).rstrip("/")
        self.timeout = timeout
        self._metadata = tuple(metadata)
        self._channel: grpc.aio.Channel | None = None
        self._stub: service_pb2_grpc.OJSServiceAsyncStub | None = None
        self._session_stub: worker_stream_pb2_grpc.WorkerStreamServiceAsyncStub | None = None
        if coalesce_max < 1:
            raise ValueError("coalesce_max must be at least 1")
        self.coalesce = coalesce
        self.coalesce_max = coalesce_max
        self._waiting: dict[str, list[_Waiting]] = {}  # by queue
        self._flush_due = False
        self._sending: set[asyncio.Task[None]] = set()

    # -- plumbing

    @property
    def stub(self) -> service_pb2_grpc.OJSServiceAsyncStub:
        """The generated stub on this client's channel (created on first use)."""
        if self._stub is None:
            self._channel = grpc.aio.insecure_channel(self.target)
            self._stub = service_pb2_grpc.OJSServiceStub(self._channel)
        return self._stub

    @property
    def session_stub(self) -> worker_stream_pb2_grpc.WorkerStreamServiceAsyncStub:
        """The ``ojsgrpc.worker.v1.WorkerStreamService`` stub (this gateway's worker
        session extension) on the same channel."""
        if self._session_stub is None:
            self.stub  # noqa: B018 (opens the channel)
            assert self._channel is not None
            self._session_stub = worker_stream_pb2_grpc.WorkerStreamServiceStub(self._channel)
        return self._session_stub

    async def call(
        self,
        method: Callable[..., Awaitable[_T]],
        request: Any,
        *,
        metadata: Sequence[tuple[str, str]] = (),
        timeout: float | None = None,
    ) -> _T:
        """Run one unary RPC; a failed call raises the typed :class:`OJSClientError`."""
        try:
            return await method(
                request,
                metadata=(*self._metadata, *metadata),
                timeout=self.timeout if timeout is None else timeout,
            )
        except grpc.aio.AioRpcError as err:
            raise from_rpc_error(err) from None

    async def close(self) -> None:
        """Send the enqueues still waiting to be coalesced, then close the channel."""
        self._flush()
        if self._sending:
            await asyncio.gather(*self._sending, return_exceptions=True)
        if self._channel is not None:
            await self._channel.close()
        self._channel = None
        self._stub = None
        self._session_stub = None

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def sync(self) -> SyncClient:
        """A blocking facade with the same methods (for code without an event loop)."""
        return SyncClient(self)

    # -- jobs

    async def enqueue(
        self,
        type: str,
        args: Sequence[Any] = (),
        *,
        queue: str | None = None,
        priority: int | None = None,
        delay_until: datetime | str | None = None,
        retry: RetryPolicy | Mapping[str, Any] | None = None,
        unique: UniquePolicy | Mapping[str, Any] | None = None,
        ttl: DurationLike | None = None,
        meta: Mapping[str, Any] | None = None,
        tags: Iterable[str] | None = None,
        timeout: DurationLike | None = None,
        visibility_timeout: DurationLike | None = None,
        max_attempts: int | None = None,
    ) -> Job:
        """Enqueue one job; returns it as stored (``job.id``, ``job.state``...)."""
        req = job_pb2.EnqueueRequest(
            type=type,
            options=build_options(
                queue=queue,
                priority=priority,
                delay_until=delay_until,
                retry=retry,
                unique=unique,
                ttl=ttl,
                meta=meta,
                tags=tags,
                timeout=timeout,
                visibility_timeout=visibility_timeout,
                max_attempts=max_attempts,
            ),
        )
        _set_args(req.args, args)
        if not self.coalesce or unique is not None:
            return await self._enqueue_one(req)
        loop = asyncio.get_running_loop()
        done: asyncio.Future[Job] = loop.create_future()
        group = self._waiting.setdefault(req.options.queue, [])
        group.append((req, done))
        if len(group) >= self.coalesce_max:
            self._send(self._waiting.pop(req.options.queue))
        elif not self._flush_due:
            # Next turn of the loop: every task that runs in this one can join.
            self._flush_due = True
            loop.call_soon(self._flush)
        return await done

    async def _enqueue_one(self, req: job_pb2.EnqueueRequest) -> Job:
        resp = await self.call(self.stub.Enqueue, req)
        return job_from_proto(resp.job)

    def _flush(self) -> None:
        """Send the waiting enqueues: one batch (or lone Enqueue) per queue."""
        self._flush_due = False
        waiting, self._waiting = self._waiting, {}
        for group in waiting.values():
            self._send(group)

    def _send(self, group: list[_Waiting]) -> None:
        task = asyncio.ensure_future(self._send_coalesced(group))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _send_coalesced(self, group: list[_Waiting]) -> None:
        try:
            if len(group) == 1:
                await _resolve(group[0][1], self._enqueue_one(group[0][0]))
            else:
                await self._send_batch(group)
        except BaseException as exc:  # never leave a caller waiting
            for _, done in group:
                if not done.done():
                    if isinstance(exc, Exception):
                        done.set_exception(exc)
                    else:
                        done.cancel()
            if not isinstance(exc, Exception):
                raise

    async def _send_batch(self, group: list[_Waiting]) -> None:
        batch = job_pb2.EnqueueBatchRequest()
        for req, _ in group:
            batch.jobs.add(type=req.type, args=req.args, options=req.options)
        try:
            resp = await self.call(self.stub.EnqueueBatch, batch)
        except BackendError as err:
            # The gateway may or may not have stored the batch: every caller gets the
            # error, as each would from its own call; nothing is sent twice.
            for _, done in group:
                if not done.done():
                    done.set_exception(err)
            return
        except OJSClientError as err:
            # Refused as a whole, so nothing was written: each job on its own finds out
            # whether it was the cause (its own error) or goes in.
            if isinstance(err, UnsupportedError):
                self.coalesce = False  # a gateway without EnqueueBatch
            await asyncio.gather(*(_resolve(done, self._enqueue_one(req)) for req, done in group))
            return
        jobs = iter(resp.jobs)
        for i, (_, done) in enumerate(group):
            if done.done():
                continue  # the caller gave up waiting; its job was enqueued all the same
            if i in resp.errors:  # a backend that cannot insert a batch atomically
                e = resp.errors[i]
                done.set_exception(error_for(e.code, e.message))
                continue
            job = next(jobs, None)
            if job is None:
                done.set_exception(
                    error_for("backend_error", "EnqueueBatch returned fewer jobs than sent")
                )
            else:
                done.set_result(job_from_proto(job))

    async def enqueue_batch(self, jobs: Sequence[JobSpec], **default_options: Any) -> JobBatch:
        """Enqueue several job specs atomically (``EnqueueBatch``); options apply to all.
        The stored jobs come back in request order, decoded as they are read."""
        req = job_pb2.EnqueueBatchRequest(default_options=build_options(**default_options))
        for i, spec in enumerate(jobs):
            job_type, args, opts = split_spec(spec, f"jobs[{i}]")
            # Without options of its own an entry takes the defaults as they are.
            own = {"options": build_options(**opts)} if opts else {}
            entry = req.jobs.add(type=job_type, **own)
            _set_args(entry.args, args)
        resp = await self.call(self.stub.EnqueueBatch, req)
        if resp.errors:
            index = min(resp.errors)
            e = resp.errors[index]
            raise error_for(e.code, f"jobs[{index}]: {e.message}")
        return JobBatch(resp.jobs)

    async def get_job(self, job_id: str) -> Job:
        resp = await self.call(self.stub.GetJob, job_pb2.GetJobRequest(job_id=job_id))
        return job_from_proto(resp.job)

    async def cancel_job(self, job_id: str, reason: str = "") -> Job:
        req = job_pb2.CancelJobRequest(job_id=job_id, reason=reason)
        resp = await self.call(self.stub.CancelJob, req)
        return job_from_proto(resp.job)

    # -- workflows

    async def workflow(self, definition: WorkflowDef, *, name: str = "") -> Workflow:
        """Create a chain, group or batch workflow from plain job specs.

        Chains and groups travel over gRPC as ``CreateWorkflow`` step DAGs (chain step i
        depends on step i-1; group steps have no dependencies). A batch with callbacks has
        no proto form, so it is sent to the gateway's HTTP binding (``POST /ojs/v1/workflows``
        at ``http_url``), where the server keeps the real batch semantics (callbacks fire
        once every member is terminal: on_complete always, on_success with no failure,
        on_failure with one or more); it is then read back over gRPC.
        """
        wf_name = name or definition.name
        if isinstance(definition, Chain | Group):
            chained = isinstance(definition, Chain)
            specs = definition.steps if isinstance(definition, Chain) else definition.jobs
            req = workflow_pb2.CreateWorkflowRequest(name=wf_name)
            for i, spec in enumerate(specs):
                job_type, args, opts = split_spec(spec, f"step {i}")
                step = req.steps.add(id=str(i), type=job_type, options=build_options(**opts))
                _set_args(step.args, args)
                if chained and i:
                    step.depends_on.append(str(i - 1))
            resp = await self.call(self.stub.CreateWorkflow, req)
            return workflow_from_proto(resp.workflow)
        if isinstance(definition, Batch):
            if not definition.callbacks:
                return await self.workflow(Group(definition.jobs, wf_name))
            body = {
                "type": "batch",
                "name": wf_name,
                "jobs": [spec_json(s, f"jobs[{i}]") for i, s in enumerate(definition.jobs)],
                "callbacks": {
                    k: spec_json(v, f"callbacks.{k}") for k, v in definition.callbacks.items()
                },
            }
            created = await self._http_post("/ojs/v1/workflows", body)
            wf = created.get("workflow", created)
            return await self.get_workflow(str(wf["id"]))
        raise TypeError("workflow() takes chain(...), group(...) or batch(...)")

    async def get_workflow(self, workflow_id: str) -> Workflow:
        req = workflow_pb2.GetWorkflowRequest(workflow_id=workflow_id)
        resp = await self.call(self.stub.GetWorkflow, req)
        return workflow_from_proto(resp.workflow)

    async def cancel_workflow(self, workflow_id: str, reason: str = "") -> Workflow:
        req = workflow_pb2.CancelWorkflowRequest(workflow_id=workflow_id, reason=reason)
        resp = await self.call(self.stub.CancelWorkflow, req)
        return workflow_from_proto(resp.workflow)

    async def _http_post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        import aiohttp

        headers = {"Content-Type": "application/openjobspec+json"}
        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout)) as s,
                s.post(self.http_url + path, data=json.dumps(body), headers=headers) as r,
            ):
                payload = await r.json(content_type=None)
        except aiohttp.ClientError as err:
            raise error_for(
                "backend_error",
                f"HTTP binding at {self.http_url} unreachable ({err}); "
                "a batch with callbacks needs it (set http_url= or OJS_HTTP_URL)",
                retryable=True,
            ) from err
        if r.status >= 400:
            err_body = payload.get("error", {}) if isinstance(payload, dict) else {}
            code = err_body.get("code", "backend_error")
            raise error_for(code, err_body.get("message", f"HTTP {r.status}"))
        if not isinstance(payload, dict):
            raise error_for("backend_error", "unexpected HTTP response")
        return payload

    # -- cron

    async def register_cron_job(self, request: CronJobRequest) -> CronJob:
        req = service_pb2.RegisterCronRequest(
            name=request.name,
            cron=request.cron,
            timezone=request.timezone,
            type=request.type,
            options=build_options(
                queue=request.queue,
                priority=request.priority,
                retry=request.retry,
                meta=request.meta,
            ),
        )
        _set_args(req.args, request.args)
        resp = await self.call(self.stub.RegisterCron, req)
        return CronJob(
            name=resp.name,
            cron=request.cron,
            timezone=request.timezone,
            type=request.type,
            args=list(request.args),
            next_run_at=_ts(resp, "next_run_at"),
        )

    async def list_cron_jobs(self) -> list[CronJob]:
        resp = await self.call(self.stub.ListCron, service_pb2.ListCronRequest())
        return [
            CronJob(
                name=e.name,
                cron=e.cron,
                timezone=e.timezone,
                type=e.type,
                args=[value_to_py(v) for v in e.args],
                next_run_at=_ts(e, "next_run_at"),
                last_run_at=_ts(e, "last_run_at"),
            )
            for e in resp.entries
        ]

    async def unregister_cron_job(self, name: str) -> None:
        await self.call(self.stub.UnregisterCron, service_pb2.UnregisterCronRequest(name=name))

    # -- queues

    async def list_queues(self) -> list[QueueInfo]:
        out: list[QueueInfo] = []
        cursor = ""
        while True:
            req = queue_pb2.ListQueuesRequest(limit=100, cursor=cursor)
            resp = await self.call(self.stub.ListQueues, req)
            out += [QueueInfo(q.name, q.paused, q.available_count) for q in resp.queues]
            cursor = resp.next_cursor
            if not cursor:
                return out

    async def queue_stats(self, queue: str) -> QueueStats:
        resp = await self.call(self.stub.QueueStats, queue_pb2.QueueStatsRequest(queue=queue))
        s = resp.stats
        return QueueStats(
            queue=resp.queue or queue,
            available=s.available,
            active=s.active,
            scheduled=s.scheduled,
            retryable=s.retryable,
            dead=s.dead,
            completed_last_hour=s.completed_last_hour,
            failed_last_hour=s.failed_last_hour,
            avg_duration_ms=s.avg_duration_ms,
            avg_wait_ms=s.avg_wait_ms,
            throughput_per_second=s.throughput_per_second,
            paused=s.paused,
        )

    async def pause_queue(self, queue: str) -> None:
        await self.call(self.stub.PauseQueue, queue_pb2.PauseQueueRequest(queue=queue))

    async def resume_queue(self, queue: str) -> None:
        await self.call(self.stub.ResumeQueue, queue_pb2.ResumeQueueRequest(queue=queue))

    # -- dead letter

    async def list_dead_letter(
        self, queue: str = "", *, limit: int = 50, cursor: str = ""
    ) -> DeadLetterPage:
        req = queue_pb2.ListDeadLetterRequest(queue=queue, limit=limit, cursor=cursor)
        resp = await self.call(self.stub.ListDeadLetter, req)
        return DeadLetterPage(
            [job_from_proto(j) for j in resp.jobs], resp.total_count, resp.next_cursor
        )

    async def retry_dead_letter(self, job_id: str) -> Job:
        req = queue_pb2.RetryDeadLetterRequest(job_id=job_id)
        resp = await self.call(self.stub.RetryDeadLetter, req)
        return job_from_proto(resp.job)

    async def delete_dead_letter(self, job_id: str) -> None:
        req = queue_pb2.DeleteDeadLetterRequest(job_id=job_id)
        await self.call(self.stub.DeleteDeadLetter, req)

    # -- server

    async def manifest(self) -> dict[str, Any]:
        m = await self.call(self.stub.Manifest, service_pb2.ManifestRequest())
        return {
            "ojs_version": m.ojs_version,
            "conformance_level": m.conformance_level,
            "protocols": list(m.protocols),
            "backend": m.backend,
            "extensions": list(m.extensions),
        }

    async def health(self) -> str:
        h = await self.call(self.stub.Health, service_pb2.HealthRequest())
        return service_pb2.HealthStatus.Name(h.status).removeprefix("HEALTH_STATUS_").lower()

    # -- worker-side RPCs (used by worker_runtime; the lease token is the attempt held)

    async def fetch(
        self, queues: Sequence[str], worker_id: str, count: int = 1
    ) -> list[job_pb2.Job]:
        req = worker_pb2.FetchRequest(queues=list(queues), worker_id=worker_id, count=count)
        resp = await self.call(self.stub.Fetch, req)
        return list(resp.jobs)

    async def ack(self, job_id: str, attempt: int, result: Mapping[str, Any] | None) -> None:
        req = worker_pb2.AckRequest(job_id=job_id)
        if result is not None:
            py_to_struct(dict(result), req.result)
        await self.call(self.stub.Ack, req, metadata=[(LEASE_TOKEN_KEY, str(attempt))])

    async def nack(
        self,
        job_id: str,
        attempt: int,
        code: str,
        message: str,
        *,
        backtrace: str = "",
        details: Mapping[str, Any] | None = None,
        retryable: bool = True,
    ) -> str:
        error = job_pb2.JobError(
            code=code, message=message, backtrace=backtrace, retryable=retryable
        )
        if details:
            py_to_struct(dict(details), error.details)
        req = worker_pb2.NackRequest(job_id=job_id, error=error)
        resp = await self.call(self.stub.Nack, req, metadata=[(LEASE_TOKEN_KEY, str(attempt))])
        return state_name(resp.state)

    async def heartbeat(
        self, job_id: str, attempt: int, worker_id: str, extend_by: DurationLike | None = None
    ) -> worker_pb2.HeartbeatResponse:
        req = worker_pb2.HeartbeatRequest(
            id=job_id, worker_id=worker_id, current_state=worker_pb2.WORKER_STATE_RUNNING
        )
        if extend_by is not None:
            set_duration(req.extend_by, extend_by)
        md = [(LEASE_TOKEN_KEY, str(attempt))] if job_id else []
        return await self.call(self.stub.Heartbeat, req, metadata=md)


class SyncClient:
    """Blocking facade over :class:`Client`: every public coroutine method, run on a private
    event loop in a background thread (safe to use from several threads)."""

    def __init__(self, client: Client | str | None = None, **kwargs: Any) -> None:
        self._client = client if isinstance(client, Client) else Client(client, **kwargs)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="ojs-sync-client", daemon=True
        )
        self._thread.start()

    def _run(self, coro: Coroutine[Any, Any, _T]) -> _T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        attr = getattr(self._client, name)
        if not asyncio.iscoroutinefunction(attr):
            return attr

        def blocking(*args: Any, **kwargs: Any) -> Any:
            return self._run(attr(*args, **kwargs))

        blocking.__name__ = name
        blocking.__doc__ = attr.__doc__
        return blocking

    def close(self) -> None:
        if self._loop.is_closed():
            return
        self._run(self._client.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["LEASE_TOKEN_KEY", "Client", "OJSClientError", "SyncClient"]
