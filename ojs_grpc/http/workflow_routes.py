"""HTTP routes of workflows (http binding §5.15): create, read, cancel.

Requests: ``{type: chain, steps: [...]}``, ``{type: group|batch, jobs: [...], callbacks}``
or the typeless DAG ``{name, steps: [{id, type, args, depends_on, options}]}``; each member
is an enqueue body (§4.1) decoded by :func:`~ojs_grpc.http.codec.parse_enqueue`.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..errors import invalid
from ..model import EnqueueSpec
from ..service import OJSService
from ..timefmt import format_rfc3339
from ..workflows import (
    CALLBACKS,
    StepSpec,
    StepView,
    WorkflowKind,
    WorkflowSpec,
    WorkflowView,
    batch_steps,
    chain_steps,
    group_steps,
)
from .codec import parse_enqueue, require_object
from .common import json_response, read_body

PRIMITIVES = (WorkflowKind.CHAIN, WorkflowKind.GROUP, WorkflowKind.BATCH)


def _member_list(env: dict[str, Any], preferred: str, other: str) -> tuple[str, list[Any]]:
    """The members under ``preferred`` (or, liberal in, ``other``): (key, non-empty list)."""
    key = preferred if preferred in env or other not in env else other
    members = env.get(key)
    if members is None:
        raise invalid(key, f"'{key}' is required: a non-empty array of jobs")
    if not isinstance(members, list):
        raise invalid(key, f"'{key}' must be an array of jobs")
    if not members:
        raise invalid(key, f"'{key}' must hold at least one job")
    return key, members


def _members(items: list[Any], key: str, now: int) -> list[EnqueueSpec]:
    return [parse_enqueue(item, now, f"{key}[{i}].") for i, item in enumerate(items)]


def _callbacks(raw: Any, now: int) -> list[tuple[str, EnqueueSpec]]:
    if not isinstance(raw, dict):
        raise invalid("callbacks", "'callbacks' must be an object of on_complete/success/failure")
    out = []
    for name, body in raw.items():
        if name not in CALLBACKS:
            raise invalid(
                f"callbacks.{name}",
                f"'callbacks.{name}' is not a callback; use {', '.join(CALLBACKS)}",
            )
        if body is None:
            continue
        out.append((name, parse_enqueue(body, now, f"callbacks.{name}.")))
    return out


def _dag_steps(env: dict[str, Any], now: int) -> list[StepSpec]:
    _, items = _member_list(env, "steps", "steps")
    steps = []
    for i, item in enumerate(items):
        p = f"steps[{i}]."
        if not isinstance(item, dict):
            raise invalid(f"steps[{i}]", f"'steps[{i}]' must be a JSON object")
        body: dict[str, Any] = item
        step_id = body.get("id")
        if not isinstance(step_id, str) or not step_id:
            raise invalid(f"{p}id", f"'{p}id' is required (a non-empty step id)")
        deps = body.get("depends_on", [])
        if deps is None:
            deps = []
        if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
            raise invalid(f"{p}depends_on", f"'{p}depends_on' must be an array of step ids")
        member = {k: v for k, v in body.items() if k not in ("id", "depends_on")}
        steps.append(StepSpec(step_id, parse_enqueue(member, now, p), list(deps), path=p))
    return steps


def parse_workflow(body: Any, now: int) -> WorkflowSpec:
    """A ``POST /ojs/v1/workflows`` body as a :class:`WorkflowSpec`; raises OJSError."""
    env = require_object(body)
    name = env.get("name", "")
    if name is None:
        name = ""
    if not isinstance(name, str):
        raise invalid("name", "'name' must be a string")
    raw_type = env.get("type")
    if raw_type is None:
        if env.get("options") is not None and not isinstance(env["options"], dict):
            raise invalid("options", "'options' must be a JSON object")
        return WorkflowSpec(WorkflowKind.DAG, name, _dag_steps(env, now))
    if raw_type not in PRIMITIVES:
        raise invalid(
            "type", "'type' must be 'chain', 'group' or 'batch' (or absent for a step DAG)"
        )
    kind = WorkflowKind(raw_type)
    if kind is not WorkflowKind.BATCH and env.get("callbacks") is not None:
        raise invalid("callbacks", "only a batch takes 'callbacks'")
    if kind is WorkflowKind.CHAIN:
        key, items = _member_list(env, "steps", "jobs")
        return WorkflowSpec(kind, name, chain_steps(_members(items, key, now), key))
    key, items = _member_list(env, "jobs", "steps")
    members = _members(items, key, now)
    if kind is WorkflowKind.GROUP:
        return WorkflowSpec(kind, name, group_steps(members, key))
    if env.get("callbacks") is None:
        raise invalid("callbacks", "a batch needs 'callbacks' with at least one callback")
    return WorkflowSpec(kind, name, batch_steps(members, _callbacks(env["callbacks"], now), key))


def _step_json(step: StepView, primitive: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"id": step.id}
    if primitive and not step.callback:
        out["index"] = int(step.id)
    out.update({"type": step.type, "queue": step.queue, "state": step.state.value})
    if step.job_id:
        out["job_id"] = step.job_id
    if not primitive:
        out["depends_on"] = step.depends_on
    return out


def workflow_json(view: WorkflowView) -> dict[str, Any]:
    """The workflow object of every response (http §5.15)."""
    primitive = view.kind is not WorkflowKind.DAG
    members = view.members
    out: dict[str, Any] = {"id": view.id}
    if primitive:
        out["type"] = view.kind.value
    out.update(
        {
            "name": view.name,
            "state": view.state.value,
            "steps_total": len(members),
            "steps_completed": view.members_completed,
            "jobs_total": len(members),
            "jobs_completed": view.members_completed,
            "jobs_failed": view.members_failed,
            "steps": [_step_json(s, primitive) for s in members],
        }
    )
    if view.kind is WorkflowKind.BATCH:
        out["callbacks"] = {s.callback: _step_json(s, primitive) for s in view.callbacks}
    out["created_at"] = format_rfc3339(view.created_at)
    if view.completed_at is not None:
        out["completed_at"] = format_rfc3339(view.completed_at)
    return out


def add_workflow_routes(router: web.UrlDispatcher, service: OJSService) -> None:
    """``POST /ojs/v1/workflows``, ``GET`` and ``DELETE /ojs/v1/workflows/{id}``."""

    async def create(request: web.Request) -> web.Response:
        body = await read_body(request)
        view = await service.workflows.create(parse_workflow(body, service.clock.now_ms()))
        return json_response(
            {"workflow": workflow_json(view)}, 201, Location=f"/ojs/v1/workflows/{view.id}"
        )

    async def get(request: web.Request) -> web.Response:
        view = await service.workflows.get(request.match_info["id"])
        return json_response({"workflow": workflow_json(view)})

    async def cancel(request: web.Request) -> web.Response:
        view = await service.workflows.cancel(
            request.match_info["id"], request.query.get("reason", "")
        )
        return json_response({"workflow": workflow_json(view)})

    router.add_post("/ojs/v1/workflows", create)
    router.add_get("/ojs/v1/workflows/{id}", get)
    router.add_delete("/ojs/v1/workflows/{id}", cancel)
