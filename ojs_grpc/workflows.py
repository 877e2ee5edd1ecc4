"""Workflows (conformance level 3): chain, group, batch and the proto's step DAG.

Model (semantics §9). Every workflow is stored as a DAG of steps, each step one job:

- chain: step ``i`` (id ``"i"``) depends on step ``i-1``;
- group: members ``"0"``, ``"1"``, ... without dependencies;
- batch: a group plus callback steps ``on_complete`` / ``on_success`` / ``on_failure`` that
  depend on every member and fire (or are cancelled) once all members are terminal;
- DAG (gRPC ``CreateWorkflow``, typeless HTTP body): the client's step ids and ``depends_on``.

A step runs once all its dependencies completed; a failed (discarded) or cancelled dependency
cancels its dependents, transitively. The workflow is ``running`` from creation and ends
``completed`` / ``failed`` once every step is terminal, or ``cancelled`` by CancelWorkflow.

Storage. One Redis HASH per workflow under its own hash tag (:meth:`Keys.workflow`):
``def`` (immutable JSON: every step with its pre-assigned job id and the job it enqueues),
``state`` (JSON: workflow state, per-step states, released and unconfirmed steps), ``v``
(version) and ``r:<step id>`` (the result of each completed step, for ``parent_results``).
Every change of ``state`` is a compare-and-set on ``v`` (:data:`CAS_LUA`, one key).

Atomicity (outbox). Jobs live under their queue's hash tag, so one script cannot move a job
and its workflow together. Instead every terminal transition of a member job (ack.lua,
``apply_failure`` for nack / reclaim discards, cancel.lua, the expiry branch of fetch.lua)
appends ``<workflow id> TAB <job id> TAB <state>`` to its queue's ``wf_outbox`` LIST in the same
script (the job's state document carries ``wf``). The advancer here then, for each entry:

1. applies it to the workflow with a CAS (a step already terminal is left alone, so an entry
   applied twice advances once), recording newly runnable steps as ``unconfirmed``;
2. enqueues each unconfirmed step under its pre-assigned job id through the store's
   duplicate-guarded enqueue (a second insert of the same id is refused: nothing runs
   twice), then removes it from ``unconfirmed`` (CAS);
3. removes the outbox entry.

A crash anywhere leaves either the outbox entry or the ``unconfirmed`` mark behind, and the
next pass repeats the idempotent steps. The advancer runs right after each ack / nack /
cancel / expiry (service layer, for promptness) and from the maintenance loop (recovery).
Creation and cancellation mark the workflow in a reconcile index first (a ZSET outside any
workflow's slot), so a crash between storing the workflow and enqueueing / cancelling its
jobs is repaired by the maintenance loop after :data:`RECONCILE_GRACE_MS`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from .errors import INVALID_STATE, FieldViolation, OJSError, invalid, not_found
from .events import enqueue_event_type
from .ids import is_uuid7, uuid7
from .model import EnqueueSpec, Job, JobState
from .store.records import dumps, job_from_parts, new_parts
from .validation import check_spec

if TYPE_CHECKING:
    from .service import OJSService

log = logging.getLogger(__name__)

CALLBACKS = ("on_complete", "on_success", "on_failure")
MAX_STEPS = 10_000
# Outbox entries handled per queue and maintenance pass; workflows reconciled per pass.
OUTBOX_BATCH = 200
RECONCILE_BATCH = 100
# A workflow marked for reconciliation is repaired by maintenance after this long (its
# creator or canceller normally clears the mark within milliseconds) ...
RECONCILE_GRACE_MS = 5_000
# ... and a mark naming no stored workflow is dropped after this long.
RECONCILE_DROP_MS = 60_000
CAS_ATTEMPTS = 200
DEF_CACHE_SIZE = 4096

CAS_LUA = """
-- Compare-and-set of one workflow's state. KEYS[1]: the workflow's HASH.
-- ARGV: expected version, new state JSON, expire ms ('' = none), then field/value pairs
-- written in the same step (step results). Returns 1 when applied, 0 when the version moved.
if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', tostring(tonumber(ARGV[1]) + 1), 'state', ARGV[2])
for i = 4, #ARGV - 1, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
if ARGV[3] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 1
"""


class WorkflowKind(StrEnum):
    CHAIN = "chain"
    GROUP = "group"
    BATCH = "batch"
    DAG = "dag"


class WorkflowState(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def terminal(self) -> bool:
        return self is not WorkflowState.RUNNING


class StepState(StrEnum):
    WAITING = "waiting"  # dependencies open, no job yet
    PENDING = "pending"  # job enqueued (available, scheduled, retryable)
    ACTIVE = "active"  # only ever derived for reads, never stored
    COMPLETED = "completed"
    FAILED = "failed"  # job discarded
    CANCELLED = "cancelled"

    @property
    def terminal(self) -> bool:
        return self in (StepState.COMPLETED, StepState.FAILED, StepState.CANCELLED)


# Terminal job state -> the step state it gives.
JOB_TO_STEP = {
    JobState.COMPLETED.value: StepState.COMPLETED,
    JobState.DISCARDED.value: StepState.FAILED,
    JobState.CANCELLED.value: StepState.CANCELLED,
}


def outbox_entry(workflow_id: str, job_id: str, state: str) -> str:
    """The outbox entry the store scripts append (``wf_outbox`` in _prelude.lua)."""
    return f"{workflow_id}\t{job_id}\t{state}"


# -- requests -------------------------------------------------------------------------------


@dataclass
class StepSpec:
    """One step as a binding decoded it; ``path`` names it in errors (``steps[2].``)."""

    id: str
    spec: EnqueueSpec
    depends_on: list[str] = field(default_factory=list)
    callback: str = ""
    path: str = ""


@dataclass
class WorkflowSpec:
    kind: WorkflowKind
    name: str
    steps: list[StepSpec]


def chain_steps(specs: list[EnqueueSpec], path: str = "steps") -> list[StepSpec]:
    return [
        StepSpec(str(i), s, [str(i - 1)] if i else [], path=f"{path}[{i}].")
        for i, s in enumerate(specs)
    ]


def group_steps(specs: list[EnqueueSpec], path: str = "jobs") -> list[StepSpec]:
    return [StepSpec(str(i), s, path=f"{path}[{i}].") for i, s in enumerate(specs)]


def batch_steps(
    specs: list[EnqueueSpec], callbacks: list[tuple[str, EnqueueSpec]], path: str = "jobs"
) -> list[StepSpec]:
    members = group_steps(specs, path)
    ids = [m.id for m in members]
    return members + [
        StepSpec(name, s, list(ids), callback=name, path=f"callbacks.{name}.")
        for name, s in callbacks
    ]


def check_graph(spec: WorkflowSpec) -> None:
    """Structural rules (semantics §9.1): steps, ids, dependencies, no cycles."""
    if not spec.steps:
        raise invalid("steps", "a workflow needs at least one step")
    if len(spec.steps) > MAX_STEPS:
        raise invalid("steps", f"a workflow has at most {MAX_STEPS} steps")
    seen: dict[str, StepSpec] = {}
    for step in spec.steps:
        if not step.id:
            raise invalid(f"{step.path}id", f"'{step.path}id' is required (a non-empty step id)")
        if step.id in seen:
            raise invalid(f"{step.path}id", f"'{step.path}id' {step.id!r} is used by another step")
        seen[step.id] = step
    for step in spec.steps:
        for j, dep in enumerate(step.depends_on):
            where = f"{step.path}depends_on[{j}]"
            if dep == step.id:
                raise invalid(where, f"step {step.id!r} cannot depend on itself")
            if dep not in seen:
                raise invalid(where, f"step {step.id!r} depends on unknown step {dep!r}")
        step.depends_on = list(dict.fromkeys(step.depends_on))
    cyclic = _cycle_member(spec.steps)
    if cyclic is not None:
        raise invalid(
            f"{cyclic.path}depends_on",
            f"step {cyclic.id!r} is part of a dependency cycle",
        )
    has_callbacks = any(s.callback for s in spec.steps)
    if spec.kind is WorkflowKind.BATCH and not has_callbacks:
        raise invalid("callbacks", "a batch needs at least one callback")


def _cycle_member(steps: list[StepSpec]) -> StepSpec | None:
    """A step on a dependency cycle (Kahn's algorithm), or None when acyclic."""
    remaining = {s.id: len(s.depends_on) for s in steps}
    dependents: dict[str, list[str]] = {s.id: [] for s in steps}
    for s in steps:
        for dep in s.depends_on:
            dependents[dep].append(s.id)
    ready = [sid for sid, n in remaining.items() if n == 0]
    while ready:
        sid = ready.pop()
        for child in dependents[sid]:
            remaining[child] -= 1
            if remaining[child] == 0:
                ready.append(child)
    for s in steps:
        if remaining[s.id] > 0:
            return s
    return None


# -- the stored definition and state ----------------------------------------------------------


@dataclass
class StepDef:
    id: str
    job_id: str
    queue: str
    type: str
    depends_on: list[str]
    callback: str
    doc: dict[str, Any]  # the job's state document and spec (records.new_parts)
    spec: dict[str, Any]
    ttl_ms: int | None = None  # relative expiry, counted from the step's release

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "job_id": self.job_id,
            "queue": self.queue,
            "type": self.type,
            "depends_on": self.depends_on,
            "doc": self.doc,
            "spec": self.spec,
        }
        if self.callback:
            out["callback"] = self.callback
        if self.ttl_ms is not None:
            out["ttl_ms"] = self.ttl_ms
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> StepDef:
        return cls(
            id=d["id"],
            job_id=d["job_id"],
            queue=d["queue"],
            type=d["type"],
            depends_on=list(d["depends_on"]),
            callback=d.get("callback", ""),
            doc=d["doc"],
            spec=d["spec"],
            ttl_ms=d.get("ttl_ms"),
        )

    def job(self, workflow_id: str, now: int, parent_results: list[Any] | None) -> Job:
        """The job this step enqueues when released at ``now``."""
        job = job_from_parts(self.job_id, self.queue, dumps(self.doc), dumps(self.spec))
        scheduled = job.scheduled_at is not None and job.scheduled_at > now
        expires_at = job.expires_at if self.ttl_ms is None else now + self.ttl_ms
        return job.copy(
            state=JobState.SCHEDULED if scheduled else JobState.AVAILABLE,
            created_at=now,
            enqueued_at=None if scheduled else now,
            scheduled_at=job.scheduled_at if scheduled else None,
            scheduled_at_text=job.scheduled_at_text if scheduled else None,
            expires_at=expires_at,
            workflow_id=workflow_id,
            parent_results=parent_results,
        )


@dataclass
class WorkflowDef:
    id: str
    kind: WorkflowKind
    name: str
    created_at: int
    steps: list[StepDef]
    by_id: dict[str, StepDef] = field(init=False, repr=False)
    by_job: dict[str, StepDef] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_id = {s.id: s for s in self.steps}
        self.by_job = {s.job_id: s for s in self.steps}

    @property
    def members(self) -> list[StepDef]:
        return [s for s in self.steps if not s.callback]

    def ancestors(self, step_id: str) -> list[str]:
        """Every step ``step_id`` depends on, directly or not, in definition order."""
        found: set[str] = set()
        todo = list(self.by_id[step_id].depends_on)
        while todo:
            sid = todo.pop()
            if sid not in found:
                found.add(sid)
                todo.extend(self.by_id[sid].depends_on)
        return [s.id for s in self.steps if s.id in found]

    def to_json(self) -> str:
        return dumps(
            {
                "id": self.id,
                "kind": self.kind.value,
                "name": self.name,
                "created_at": self.created_at,
                "steps": [s.to_dict() for s in self.steps],
            }
        )

    @classmethod
    def from_json(cls, raw: str) -> WorkflowDef:
        d = json.loads(raw)
        return cls(
            id=d["id"],
            kind=WorkflowKind(d["kind"]),
            name=d["name"],
            created_at=int(d["created_at"]),
            steps=[StepDef.from_dict(s) for s in d["steps"]],
        )


@dataclass
class WfState:
    """The mutable part; ``released`` = steps whose job was (or is being) enqueued,
    ``unconfirmed`` = released steps whose enqueue is not yet known to have happened."""

    state: WorkflowState
    steps: dict[str, StepState]
    released: set[str] = field(default_factory=set)
    unconfirmed: set[str] = field(default_factory=set)
    completed_at: int | None = None
    version: int = 0

    def to_json(self) -> str:
        return dumps(
            {
                "state": self.state.value,
                "steps": {k: v.value for k, v in self.steps.items()},
                "released": sorted(self.released),
                "unconfirmed": sorted(self.unconfirmed),
                "completed_at": self.completed_at,
            }
        )

    @classmethod
    def from_json(cls, raw: str, version: int) -> WfState:
        d = json.loads(raw)
        return cls(
            state=WorkflowState(d["state"]),
            steps={k: StepState(v) for k, v in d["steps"].items()},
            released=set(d.get("released", ())),
            unconfirmed=set(d.get("unconfirmed", ())),
            completed_at=d.get("completed_at"),
            version=version,
        )


# -- state derivation (pure) ------------------------------------------------------------------


@dataclass
class Advance:
    """What applying one job outcome changed."""

    changed: bool = False
    step_state: StepState | None = None
    released: list[str] = field(default_factory=list)
    finished: bool = False


def initial_state(defn: WorkflowDef) -> WfState:
    st = WfState(WorkflowState.RUNNING, {s.id: StepState.WAITING for s in defn.steps})
    propagate(defn, st)
    return st


def propagate(defn: WorkflowDef, st: WfState) -> list[str]:
    """Release every waiting step whose dependencies allow it, cancel every waiting step a
    failed dependency blocks (transitively); returns the released ids in definition order."""
    released: list[str] = []
    changed = True
    while changed:
        changed = False
        for step in defn.steps:
            if st.steps[step.id] is not StepState.WAITING:
                continue
            deps = [st.steps[d] for d in step.depends_on]
            all_ok = all(d is StepState.COMPLETED for d in deps)
            if step.callback:
                if not all(d.terminal for d in deps):
                    continue
                fire = (
                    step.callback == "on_complete"
                    or (step.callback == "on_success" and all_ok)
                    or (step.callback == "on_failure" and not all_ok)
                )
            elif any(d in (StepState.FAILED, StepState.CANCELLED) for d in deps):
                fire = False
            elif all_ok:
                fire = True
            else:
                continue
            changed = True
            if fire:
                st.steps[step.id] = StepState.PENDING
                st.released.add(step.id)
                st.unconfirmed.add(step.id)
                released.append(step.id)
            else:
                st.steps[step.id] = StepState.CANCELLED
    order = {s.id: i for i, s in enumerate(defn.steps)}
    return sorted(released, key=order.__getitem__)


def succeeded(defn: WorkflowDef, st: WfState) -> bool:
    """Outcome of a workflow whose steps are all terminal (semantics §9.2).

    A batch is judged by the callbacks that fired (all must complete); without any fired
    callback, and for every other kind, every step must have completed.
    """
    if defn.kind is WorkflowKind.BATCH:
        fired = [s.id for s in defn.steps if s.callback and s.id in st.released]
        if fired:
            return all(st.steps[sid] is StepState.COMPLETED for sid in fired)
        return all(st.steps[s.id] is StepState.COMPLETED for s in defn.members)
    return all(v is StepState.COMPLETED for v in st.steps.values())


def settle(defn: WorkflowDef, st: WfState, now: int) -> bool:
    """Finish a running workflow whose steps are all terminal; True when it finished now."""
    if st.state is not WorkflowState.RUNNING or not all(v.terminal for v in st.steps.values()):
        return False
    st.state = WorkflowState.COMPLETED if succeeded(defn, st) else WorkflowState.FAILED
    st.completed_at = now
    return True


def apply_outcome(
    defn: WorkflowDef, st: WfState, step_id: str, job_state: str, now: int
) -> Advance:
    """Apply a member job's terminal state to its step; a terminal step is left alone."""
    new = JOB_TO_STEP.get(job_state)
    current = st.steps.get(step_id)
    if new is None or current is None or current.terminal:
        return Advance()
    st.steps[step_id] = new
    st.unconfirmed.discard(step_id)  # its job exists: it just finished
    adv = Advance(changed=True, step_state=new)
    if st.state is WorkflowState.RUNNING:
        adv.released = propagate(defn, st)
        adv.finished = settle(defn, st, now)
    return adv


def cancel_state(defn: WorkflowDef, st: WfState, now: int) -> None:
    """CancelWorkflow: waiting steps and steps not yet known to be enqueued -> cancelled;
    enqueued steps stay pending until their jobs report (cancelled, or done if active)."""
    for step in defn.steps:
        current = st.steps[step.id]
        if current is StepState.WAITING or (
            current is StepState.PENDING and step.id in st.unconfirmed
        ):
            st.steps[step.id] = StepState.CANCELLED
    st.unconfirmed.clear()
    st.state = WorkflowState.CANCELLED
    st.completed_at = now


# -- read model -----------------------------------------------------------------------------


@dataclass
class StepView:
    id: str
    type: str
    queue: str
    state: StepState
    job_id: str | None  # once the step's job was enqueued
    depends_on: list[str]
    callback: str = ""


@dataclass
class WorkflowView:
    id: str
    kind: WorkflowKind
    name: str
    state: WorkflowState
    created_at: int
    completed_at: int | None
    steps: list[StepView]

    @property
    def members(self) -> list[StepView]:
        return [s for s in self.steps if not s.callback]

    @property
    def callbacks(self) -> list[StepView]:
        return [s for s in self.steps if s.callback]

    @property
    def members_completed(self) -> int:
        return sum(1 for s in self.members if s.state is StepState.COMPLETED)

    @property
    def members_failed(self) -> int:
        return sum(1 for s in self.members if s.state is StepState.FAILED)


def make_view(defn: WorkflowDef, st: WfState, active: set[str] | None = None) -> WorkflowView:
    steps = []
    for s in defn.steps:
        state = st.steps[s.id]
        if state is StepState.PENDING and active and s.id in active:
            state = StepState.ACTIVE
        steps.append(
            StepView(
                id=s.id,
                type=s.type,
                queue=s.queue,
                state=state,
                job_id=s.job_id if s.id in st.released else None,
                depends_on=list(s.depends_on),
                callback=s.callback,
            )
        )
    return WorkflowView(
        id=defn.id,
        kind=defn.kind,
        name=defn.name,
        state=st.state,
        created_at=defn.created_at,
        completed_at=st.completed_at,
        steps=steps,
    )


def _in_step(err: OJSError, path: str) -> OJSError:
    """``err`` (raised for a bare job) re-addressed to the step at ``path``."""
    where = path.rstrip(".")

    def prefixed(name: str) -> str:
        return name if name.startswith(path) else f"{path}{name}"

    message = err.message if where in err.message else f"{where}: {err.message}"
    details = dict(err.details)
    if isinstance(details.get("field"), str):
        details["field"] = prefixed(details["field"])
    details.setdefault("step", where)
    return OJSError(
        err.code,
        message,
        violations=[FieldViolation(prefixed(v.field), v.description) for v in err.violations],
        details=details,
        policy=err.policy,
    )


# -- the engine -------------------------------------------------------------------------------


class WorkflowEngine:
    """Create, read, cancel and advance workflows over the service's store."""

    def __init__(self, service: OJSService) -> None:
        self.service = service
        self.store = service.store
        self.client = service.store.client
        self.keys = service.store.keys
        self._cas_script = self.client.register_script(CAS_LUA)
        self._defs: dict[str, WorkflowDef] = {}

    # -- operations ------------------------------------------------------------------------

    def build(self, spec: WorkflowSpec, now: int) -> WorkflowDef:
        """Validate the whole workflow and pre-assign every job id; writes nothing."""
        check_graph(spec)
        wf_id = uuid7(now)
        steps = [self._build_step(step, wf_id, now) for step in spec.steps]
        return WorkflowDef(wf_id, spec.kind, spec.name, now, steps)

    def _build_step(self, step: StepSpec, wf_id: str, now: int) -> StepDef:
        p = step.path
        if step.spec.client_id is not None:
            raise invalid(f"{p}id", f"'{p}id': workflow job ids are assigned by the server")
        if step.spec.pending:
            raise invalid(f"{p}options.pending", f"'{p}options.pending' is not allowed here")
        if step.spec.unique is not None:
            raise invalid(
                f"{p}options.unique", f"'{p}options.unique' is not supported on workflow steps"
            )
        check_spec(step.spec, p)
        try:
            job = self.service.build_job(replace(step.spec, client_id=uuid7(now)))
        except OJSError as err:
            raise _in_step(err, p) from None
        job.workflow_id = wf_id
        doc, spec = new_parts(job)
        ttl = step.spec.ttl_ms if step.spec.expires_at is None else None
        return StepDef(
            id=step.id,
            job_id=job.id,
            queue=job.queue,
            type=job.type,
            depends_on=list(step.depends_on),
            callback=step.callback,
            doc=doc,
            spec=spec,
            ttl_ms=ttl,
        )

    async def create(self, spec: WorkflowSpec) -> WorkflowView:
        now = self.service.clock.now_ms()
        defn = self.build(spec, now)
        st = initial_state(defn)
        st.version = 1
        # Mark first: a crash after storing but before enqueueing is repaired by maintenance.
        await self.client.zadd(self.keys.workflow_reconcile, {defn.id: now})
        await self.client.hset(
            self.keys.workflow(defn.id),
            mapping={"def": defn.to_json(), "state": st.to_json(), "v": "1"},
        )
        self._remember(defn)
        await self._emit(
            "workflow.started",
            defn,
            name=defn.name,
            type=defn.kind.value,
            steps_total=len(defn.members),
        )
        try:
            st = await self._release(defn, st)
            await self.client.zrem(self.keys.workflow_reconcile, defn.id)
        except Exception:
            # Stored and accepted: answer with its id (a client retry would create a second
            # workflow); maintenance enqueues the first steps after RECONCILE_GRACE_MS.
            log.exception("workflow %s: first steps not enqueued; maintenance will", defn.id)
        return make_view(defn, st)

    async def get(self, workflow_id: str) -> WorkflowView:
        loaded = await self._load(workflow_id)
        if loaded is None:
            raise not_found("workflow", workflow_id)
        defn, st = loaded
        return make_view(defn, st, await self._active_steps(defn, st))

    async def cancel(self, workflow_id: str, reason: str = "") -> WorkflowView:
        loaded = await self._load(workflow_id)
        if loaded is None:
            raise not_found("workflow", workflow_id)
        now = self.service.clock.now_ms()
        await self.client.zadd(self.keys.workflow_reconcile, {workflow_id: now})
        try:
            for attempt in range(CAS_ATTEMPTS):
                defn, st = loaded
                if st.state.terminal:
                    raise OJSError(
                        INVALID_STATE,
                        f"cannot cancel workflow '{workflow_id}': it is '{st.state.value}'",
                        details={
                            "workflow_id": workflow_id,
                            "current_state": st.state.value,
                            "attempted": "cancel",
                        },
                    )
                cancel_state(defn, st, now)
                if await self._cas(defn.id, st, expire=True):
                    break
                await _backoff(attempt)
                loaded = await self._load(workflow_id)
                if loaded is None:
                    raise not_found("workflow", workflow_id)
            else:
                raise OJSError(INVALID_STATE, f"workflow '{workflow_id}' kept changing; retry")
        except OJSError:
            await self.client.zrem(self.keys.workflow_reconcile, workflow_id)
            raise
        await self._emit("workflow.cancelled", defn, reason=reason)
        try:
            await self._cancel_members(defn, st, reason)
            await self.client.zrem(self.keys.workflow_reconcile, workflow_id)
        except Exception:
            # The workflow is cancelled (a retry would get invalid_state); maintenance
            # cancels the remaining jobs after RECONCILE_GRACE_MS.
            log.exception("workflow %s: jobs not all cancelled; maintenance will", workflow_id)
            return make_view(defn, st)
        return await self.get(workflow_id)

    # -- advancing ---------------------------------------------------------------------------

    async def after_transition(self, job: Job) -> None:
        """Advance the workflow of a member job that just turned terminal. Never raises:
        on failure the outbox entry stays and the maintenance pass retries it."""
        if not job.workflow_id or not job.state.terminal:
            return
        entry = outbox_entry(job.workflow_id, job.id, job.state.value)
        try:
            await self.process_entry(job.queue, entry)
        except Exception:
            log.exception(
                "workflow %s: advancing after job %s failed; maintenance will retry",
                job.workflow_id,
                job.id,
            )

    async def process_entry(self, queue: str, entry: str) -> None:
        """Apply one outbox entry, enqueue what it releases, then drop the entry."""
        parts = entry.split("\t")
        if len(parts) == 3 and is_uuid7(parts[0]):
            await self._apply(parts[0], parts[1], parts[2])
        await self.client.lrem(self.keys.queue(queue).key("wf_outbox"), 1, entry)

    async def maintenance_pass(self, queues: Iterable[str]) -> bool:
        """Recovery: drain every queue's outbox, repair marked workflows.
        Returns True when work may remain (a full batch was seen)."""
        more = False
        for queue in queues:
            outbox = self.keys.queue(queue).key("wf_outbox")
            entries: list[str] = await self.client.lrange(outbox, 0, OUTBOX_BATCH - 1)
            for entry in entries:
                try:
                    await self.process_entry(queue, entry)
                except Exception:
                    log.exception("workflow outbox entry %r of queue %s failed", entry, queue)
            more = more or len(entries) >= OUTBOX_BATCH
        now = self.service.clock.now_ms()
        marked: list[tuple[str, float]] = await self.client.zrangebyscore(
            self.keys.workflow_reconcile,
            "-inf",
            now - RECONCILE_GRACE_MS,
            start=0,
            num=RECONCILE_BATCH,
            withscores=True,
        )
        for workflow_id, since in marked:
            try:
                await self.reconcile(workflow_id, int(since), now)
            except Exception:
                log.exception("reconciling workflow %s failed", workflow_id)
        return more or len(marked) >= RECONCILE_BATCH

    async def reconcile(self, workflow_id: str, since: int, now: int) -> None:
        """Finish what a crashed create or cancel left: enqueue released steps, or cancel
        the jobs of a cancelled workflow; then clear the mark."""
        loaded = await self._load(workflow_id)
        if loaded is None:
            if now - since >= RECONCILE_DROP_MS:
                await self.client.zrem(self.keys.workflow_reconcile, workflow_id)
            return
        defn, st = loaded
        if st.state is WorkflowState.RUNNING:
            await self._release(defn, st)
        elif st.state is WorkflowState.CANCELLED:
            await self._cancel_members(defn, st, "workflow cancelled")
        await self.client.zrem(self.keys.workflow_reconcile, workflow_id)

    async def _apply(self, workflow_id: str, job_id: str, job_state: str) -> None:
        now = self.service.clock.now_ms()
        result: str | None = None
        result_read = False
        for attempt in range(CAS_ATTEMPTS):
            loaded = await self._load(workflow_id)
            if loaded is None:
                return  # expired, or never stored
            defn, st = loaded
            step = defn.by_job.get(job_id)
            if step is None:
                return
            adv = apply_outcome(defn, st, step.id, job_state, now)
            if not adv.changed:
                break
            fields: dict[str, str] = {}
            if adv.step_state is StepState.COMPLETED:
                if not result_read:
                    result = await self.client.hget(
                        self.keys.queue(step.queue).key("result"), job_id
                    )
                    result_read = True
                if result is not None:
                    fields[f"r:{step.id}"] = result
            if await self._cas(workflow_id, st, fields, expire=st.state.terminal):
                await self._announce(defn, st, step, adv)
                break
            await _backoff(attempt)
        else:
            raise RuntimeError(f"workflow {workflow_id}: too much contention")
        if st.state is WorkflowState.RUNNING and st.unconfirmed:
            await self._release(defn, st)

    async def _release(self, defn: WorkflowDef, st: WfState) -> WfState:
        """Enqueue every unconfirmed step (pre-assigned ids, duplicate-guarded), confirm
        them, and cancel any whose workflow was cancelled meanwhile."""
        for _ in range(len(defn.steps) + 1):
            if st.state is not WorkflowState.RUNNING or not st.unconfirmed:
                return st
            now = self.service.clock.now_ms()
            sids = [s.id for s in defn.steps if s.id in st.unconfirmed]
            parents = await self._parent_results(defn, sids)
            refused: list[str] = []
            for sid in sids:
                job = defn.by_id[sid].job(defn.id, now, parents.get(sid))
                if not await self._enqueue_once(job):
                    refused.append(sid)
            stale: list[str] = []
            for attempt in range(CAS_ATTEMPTS):
                loaded = await self._load(defn.id)
                if loaded is None:
                    return st
                defn, st = loaded
                stale = [
                    sid
                    for sid in sids
                    if sid not in refused
                    and st.steps[sid] is not StepState.COMPLETED
                    and st.steps[sid] is not StepState.FAILED
                    and (st.state is not WorkflowState.RUNNING or st.steps[sid].terminal)
                ]
                confirm = [sid for sid in sids if sid in st.unconfirmed]
                if not confirm:
                    break
                advances = []
                for sid in confirm:
                    st.unconfirmed.discard(sid)
                    if sid in refused:  # the store would not take it: the step failed
                        advances.append((sid, apply_outcome(defn, st, sid, "discarded", now)))
                if await self._cas(defn.id, st, expire=st.state.terminal):
                    for sid, adv in advances:
                        await self._announce(defn, st, defn.by_id[sid], adv)
                    break
                await _backoff(attempt)
            else:
                raise RuntimeError(f"workflow {defn.id}: too much contention")
            for sid in stale:
                await self._cancel_member(defn.by_id[sid].job_id, "workflow cancelled")
        return st

    async def _enqueue_once(self, job: Job) -> bool:
        """Insert a step's job unless it exists; False when the store refuses it."""
        outcome = await self.store.enqueue(job, job.created_at, check_duplicate=True)
        if outcome.status == "duplicate":
            if await self.store.get(job.id) is not None:
                return True  # enqueued before: a replay runs nothing twice
            # The id index is there but the job is not (a crash between the two writes):
            # insert under the enqueue script's own per-queue duplicate guard.
            outcome = await self.store.enqueue(job, job.created_at, check_duplicate=False)
            if outcome.status == "duplicate":
                return True
        if not outcome.ok:
            log.error("workflow %s: step job %s refused (%s)", job.workflow_id, job.id, outcome)
            return False
        stored = outcome.job or job
        await self.service.events.emit(
            enqueue_event_type(stored),
            stored,
            priority=stored.priority,
        )
        return True

    async def _parent_results(
        self, defn: WorkflowDef, sids: list[str]
    ) -> dict[str, list[Any] | None]:
        """``parent_results`` of each step: results of its ancestors, definition order."""
        ancestry = {sid: defn.ancestors(sid) for sid in sids}
        wanted = sorted({a for ids in ancestry.values() for a in ids})
        if not wanted:
            return {}
        raw = await self.client.hmget(self.keys.workflow(defn.id), [f"r:{a}" for a in wanted])
        results = {
            a: (json.loads(r) if r is not None else None) for a, r in zip(wanted, raw, strict=True)
        }
        return {sid: [results[a] for a in ids] if ids else None for sid, ids in ancestry.items()}

    async def _cancel_members(self, defn: WorkflowDef, st: WfState, reason: str) -> None:
        for step in defn.steps:
            state = st.steps[step.id]
            if state is StepState.PENDING or (
                state is StepState.CANCELLED and step.id in st.released
            ):
                await self._cancel_member(step.job_id, reason)

    async def _cancel_member(self, job_id: str, reason: str) -> None:
        """Cancel a member job unless it is running (it may finish) or already done."""
        job = await self.store.get(job_id)
        if job is None or job.state.terminal or job.state is JobState.ACTIVE:
            return
        try:
            await self.service.cancel_job(job_id, reason)
        except OJSError:
            pass  # started or finished meanwhile

    # -- storage -----------------------------------------------------------------------------

    def _remember(self, defn: WorkflowDef) -> None:
        self._defs[defn.id] = defn
        if len(self._defs) > DEF_CACHE_SIZE:
            del self._defs[next(iter(self._defs))]

    async def _load(self, workflow_id: str) -> tuple[WorkflowDef, WfState] | None:
        if not is_uuid7(workflow_id):
            return None
        key = self.keys.workflow(workflow_id)
        defn = self._defs.get(workflow_id)
        if defn is None:
            raw_def, raw_state, version = await self.client.hmget(key, ["def", "state", "v"])
            if raw_def is None or raw_state is None:
                return None
            defn = WorkflowDef.from_json(raw_def)
            self._remember(defn)
        else:
            raw_state, version = await self.client.hmget(key, ["state", "v"])
            if raw_state is None:
                self._defs.pop(workflow_id, None)
                return None
        return defn, WfState.from_json(raw_state, int(version))

    async def _cas(
        self,
        workflow_id: str,
        st: WfState,
        fields: dict[str, str] | None = None,
        *,
        expire: bool = False,
    ) -> bool:
        args: list[Any] = [
            str(st.version),
            st.to_json(),
            str(self.service.settings.retention_ms) if expire else "",
        ]
        for name, value in (fields or {}).items():
            args += [name, value]
        applied = await self._cas_script(keys=[self.keys.workflow(workflow_id)], args=args)
        if int(applied) == 1:
            st.version += 1
            return True
        return False

    async def _active_steps(self, defn: WorkflowDef, st: WfState) -> set[str]:
        pending = [
            s
            for s in defn.steps
            if st.steps[s.id] is StepState.PENDING and s.id not in st.unconfirmed
        ]
        if not pending:
            return set()
        async with self.client.pipeline(transaction=False) as pipe:
            for s in pending:
                pipe.hget(self.keys.queue(s.queue).key("jobs"), s.job_id)
            docs = await pipe.execute()
        return {
            s.id
            for s, doc in zip(pending, docs, strict=True)
            if doc is not None and json.loads(doc).get("state") == JobState.ACTIVE.value
        }

    # -- events --------------------------------------------------------------------------------

    async def _emit(
        self, event_type: str, defn: WorkflowDef, step: StepDef | None = None, **data: Any
    ) -> None:
        await self.service.events.emit_workflow(
            event_type,
            defn.id,
            job_id=step.job_id if step else "",
            job_type=step.type if step else "",
            queue=step.queue if step else "",
            **data,
        )

    async def _announce(self, defn: WorkflowDef, st: WfState, step: StepDef, adv: Advance) -> None:
        if adv.step_state is StepState.COMPLETED:
            await self._emit("workflow.step_completed", defn, step, step_id=step.id)
        elif adv.step_state is StepState.FAILED:
            await self._emit("workflow.step_failed", defn, step, step_id=step.id)
        if adv.finished:
            view = make_view(defn, st)
            await self._emit(
                f"workflow.{st.state.value}",
                defn,
                state=st.state.value,
                steps_total=len(view.members),
                steps_completed=view.members_completed,
                steps_failed=view.members_failed,
            )
            self._defs.pop(defn.id, None)


async def _backoff(attempt: int) -> None:
    """A short random pause before retrying a lost compare-and-set."""
    await asyncio.sleep(random.uniform(0, 0.001 * min(attempt + 1, 20)))


__all__ = [
    "CALLBACKS",
    "StepSpec",
    "StepState",
    "WorkflowEngine",
    "WorkflowKind",
    "WorkflowSpec",
    "WorkflowState",
    "WorkflowView",
]
