"""CreateWorkflow, GetWorkflow, CancelWorkflow: a mixin of :class:`OJSServicer`.

gRPC takes the proto's step DAG (semantics §9.1): every step needs a unique id, ``depends_on``
names existing steps, no cycles. Workflows created over HTTP read back as the equivalent DAG
(chain step ``i`` depends on ``i-1``; batch callbacks are extra steps depending on every
member). ``parent_results`` has no proto field and stays HTTP-only.
"""

from __future__ import annotations

from .._proto.ojs.v1 import workflow_pb2
from ..errors import invalid
from ..service import OJSService
from ..workflows import StepSpec, StepState, WorkflowKind, WorkflowSpec, WorkflowState, WorkflowView
from .codec import enqueue_spec, set_ts
from .common import Ctx, rpc

STATE_TO_PROTO = {
    WorkflowState.RUNNING: workflow_pb2.WORKFLOW_STATE_RUNNING,
    WorkflowState.COMPLETED: workflow_pb2.WORKFLOW_STATE_COMPLETED,
    WorkflowState.FAILED: workflow_pb2.WORKFLOW_STATE_FAILED,
    WorkflowState.CANCELLED: workflow_pb2.WORKFLOW_STATE_CANCELLED,
}
STEP_STATE_TO_PROTO = {
    StepState.WAITING: workflow_pb2.WORKFLOW_STEP_STATE_WAITING,
    StepState.PENDING: workflow_pb2.WORKFLOW_STEP_STATE_PENDING,
    StepState.ACTIVE: workflow_pb2.WORKFLOW_STEP_STATE_ACTIVE,
    StepState.COMPLETED: workflow_pb2.WORKFLOW_STEP_STATE_COMPLETED,
    StepState.FAILED: workflow_pb2.WORKFLOW_STEP_STATE_FAILED,
    StepState.CANCELLED: workflow_pb2.WORKFLOW_STEP_STATE_CANCELLED,
}


def workflow_spec(request: workflow_pb2.CreateWorkflowRequest) -> WorkflowSpec:
    steps = []
    for i, step in enumerate(request.steps):
        p = f"steps[{i}]."
        options = step.options if step.HasField("options") else None
        spec = enqueue_spec(step.type, step.args, options, p)
        steps.append(StepSpec(step.id, spec, list(step.depends_on), path=p))
    return WorkflowSpec(WorkflowKind.DAG, request.name, steps)


def workflow_to_proto(view: WorkflowView, out: workflow_pb2.Workflow) -> workflow_pb2.Workflow:
    out.id = view.id
    out.name = view.name
    out.state = STATE_TO_PROTO[view.state]
    for step in view.steps:
        out.steps.add(
            id=step.id,
            type=step.type,
            state=STEP_STATE_TO_PROTO[step.state],
            job_id=step.job_id or "",
            depends_on=step.depends_on,
        )
    set_ts(out.created_at, view.created_at)
    if view.completed_at is not None:
        set_ts(out.completed_at, view.completed_at)
    return out


def _workflow_id(value: str) -> str:
    if not value:
        raise invalid("workflow_id", "'workflow_id' is required")
    return value


class WorkflowRpcs:
    """The workflow RPCs; needs ``self.service`` (set by :class:`OJSServicer`)."""

    service: OJSService

    @rpc
    async def CreateWorkflow(
        self, request: workflow_pb2.CreateWorkflowRequest, context: Ctx
    ) -> workflow_pb2.CreateWorkflowResponse:
        view = await self.service.workflows.create(workflow_spec(request))
        resp = workflow_pb2.CreateWorkflowResponse()
        workflow_to_proto(view, resp.workflow)
        return resp

    @rpc
    async def GetWorkflow(
        self, request: workflow_pb2.GetWorkflowRequest, context: Ctx
    ) -> workflow_pb2.GetWorkflowResponse:
        view = await self.service.workflows.get(_workflow_id(request.workflow_id))
        resp = workflow_pb2.GetWorkflowResponse()
        workflow_to_proto(view, resp.workflow)
        return resp

    @rpc
    async def CancelWorkflow(
        self, request: workflow_pb2.CancelWorkflowRequest, context: Ctx
    ) -> workflow_pb2.CancelWorkflowResponse:
        view = await self.service.workflows.cancel(
            _workflow_id(request.workflow_id), request.reason
        )
        resp = workflow_pb2.CancelWorkflowResponse()
        workflow_to_proto(view, resp.workflow)
        return resp
