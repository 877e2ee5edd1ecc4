"""Workflows without a store: request validation, state derivation, renderings (semantics §9)."""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

import pytest

from ojs_grpc._proto.ojs.v1 import workflow_pb2
from ojs_grpc.errors import OJSError
from ojs_grpc.grpc_api.workflow_rpcs import workflow_spec, workflow_to_proto
from ojs_grpc.http.workflow_routes import parse_workflow, workflow_json
from ojs_grpc.model import EnqueueSpec
from ojs_grpc.store.keys import QUEUE_KEY_ORDER
from ojs_grpc.workflows import (
    StepDef,
    StepSpec,
    StepState,
    WfState,
    WorkflowDef,
    WorkflowKind,
    WorkflowSpec,
    WorkflowState,
    apply_outcome,
    batch_steps,
    cancel_state,
    chain_steps,
    check_graph,
    group_steps,
    initial_state,
    make_view,
)

NOW = 1_800_000_000_000
W, P, C, F, X = (
    StepState.WAITING,
    StepState.PENDING,
    StepState.COMPLETED,
    StepState.FAILED,
    StepState.CANCELLED,
)


def job(t: str = "t.job") -> EnqueueSpec:
    return EnqueueSpec(type=t, args=[])


def field_of(err: OJSError) -> str:
    return str(err.details.get("field"))


def definition(kind: WorkflowKind, steps: list[StepSpec]) -> WorkflowDef:
    """A stored definition straight from step specs (no job building needed here)."""
    return WorkflowDef(
        id="wf",
        kind=kind,
        name="n",
        created_at=NOW,
        steps=[
            StepDef(
                id=s.id,
                job_id=f"job-{s.id}",
                queue="q",
                type=s.spec.type,
                depends_on=list(s.depends_on),
                callback=s.callback,
                doc={},
                spec={},
            )
            for s in steps
        ],
    )


def dag(*edges: tuple[str, list[str]]) -> WorkflowDef:
    return definition(WorkflowKind.DAG, [StepSpec(sid, job(), deps) for sid, deps in edges])


def states(st: WfState) -> dict[str, StepState]:
    return dict(st.steps)


# -- structure ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("steps", "field"),
    [
        ([], "steps"),
        ([StepSpec("", job(), path="steps[0].")], "steps[0].id"),
        ([StepSpec("a", job(), path="steps[0]."), StepSpec("a", job(), path="steps[1].")],
         "steps[1].id"),
        ([StepSpec("a", job(), ["zz"], path="steps[0].")], "steps[0].depends_on[0]"),
        ([StepSpec("a", job(), ["a"], path="steps[0].")], "steps[0].depends_on[0]"),
        (
            [
                StepSpec("a", job(), path="steps[0]."),
                StepSpec("b", job(), ["a", "c"], path="steps[1]."),
                StepSpec("c", job(), ["b"], path="steps[2]."),
            ],
            "steps[1].depends_on",
        ),
    ],
    ids=["empty", "missing-id", "duplicate-id", "unknown-dep", "self-dep", "cycle"],
)  # fmt: skip
def test_graph_errors_name_the_step(steps: list[StepSpec], field: str) -> None:
    with pytest.raises(OJSError) as info:
        check_graph(WorkflowSpec(WorkflowKind.DAG, "n", steps))
    assert info.value.code == "invalid_request"
    assert field_of(info.value) == field


def test_a_batch_needs_a_callback_and_duplicate_deps_collapse() -> None:
    with pytest.raises(OJSError) as info:
        check_graph(WorkflowSpec(WorkflowKind.BATCH, "n", group_steps([job()])))
    assert field_of(info.value) == "callbacks"
    spec = WorkflowSpec(
        WorkflowKind.DAG, "n", [StepSpec("a", job()), StepSpec("b", job(), ["a", "a"])]
    )
    check_graph(spec)
    assert spec.steps[1].depends_on == ["a"]


def test_primitives_map_onto_the_dag() -> None:
    chain = chain_steps([job(), job(), job()])
    assert [(s.id, s.depends_on) for s in chain] == [("0", []), ("1", ["0"]), ("2", ["1"])]
    batch = batch_steps([job(), job()], [("on_success", job()), ("on_complete", job())])
    assert [(s.id, s.depends_on, s.callback) for s in batch] == [
        ("0", [], ""),
        ("1", [], ""),
        ("on_success", ["0", "1"], "on_success"),
        ("on_complete", ["0", "1"], "on_complete"),
    ]


# -- HTTP request decoding ---------------------------------------------------------------------


def member(t: str = "t.job", **extra: Any) -> dict[str, Any]:
    return {"type": t, "args": [1], "options": {"queue": "q"}, **extra}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "chain"}, "steps"),
        ({"type": "chain", "steps": []}, "steps"),
        ({"type": "chain", "steps": {}}, "steps"),
        ({"type": "chain", "steps": [member(), {"args": []}]}, "steps[1].type"),
        ({"type": "group", "jobs": [member(), member(), {"type": "t", "args": 3}]}, "jobs[2].args"),
        ({"type": "fan", "jobs": [member()]}, "type"),
        ({"type": "group", "jobs": [member()], "callbacks": {}}, "callbacks"),
        ({"type": "batch", "jobs": [member()]}, "callbacks"),
        ({"type": "batch", "jobs": [member()], "callbacks": {"on_done": member()}},
         "callbacks.on_done"),
        ({"type": "batch", "jobs": [member()], "callbacks": {"on_success": {"args": []}}},
         "callbacks.on_success.type"),
        ({"steps": [{"type": "t", "args": []}]}, "steps[0].id"),
        ({"steps": [{"id": "a", "type": "t", "args": [], "depends_on": "b"}]},
         "steps[0].depends_on"),
        ({"name": 3, "type": "chain", "steps": [member()]}, "name"),
    ],
)  # fmt: skip
def test_http_bodies_refused_naming_the_field(body: dict[str, Any], field: str) -> None:
    with pytest.raises(OJSError) as info:
        spec = parse_workflow(body, NOW)
        check_graph(spec)
    assert info.value.code == "invalid_request"
    assert field_of(info.value) == field


def test_http_bodies_of_each_shape() -> None:
    chain = parse_workflow({"type": "chain", "name": "c", "steps": [member(), member()]}, NOW)
    assert (chain.kind, chain.name, [s.depends_on for s in chain.steps]) == (
        WorkflowKind.CHAIN,
        "c",
        [[], ["0"]],
    )
    batch = parse_workflow(
        {"type": "batch", "jobs": [member()], "callbacks": {"on_failure": member("t.cb")}}, NOW
    )
    assert [(s.id, s.spec.type, s.path) for s in batch.steps] == [
        ("0", "t.job", "jobs[0]."),
        ("on_failure", "t.cb", "callbacks.on_failure."),
    ]
    graph = parse_workflow(
        {"name": "d", "steps": [member(id="a"), member(id="b", depends_on=["a"])]}, NOW
    )
    assert graph.kind is WorkflowKind.DAG
    assert [(s.id, s.depends_on, s.spec.client_id) for s in graph.steps] == [
        ("a", [], None),
        ("b", ["a"], None),
    ]
    assert graph.steps[1].spec.extra == {}  # id/depends_on are step fields, not job extras


def test_grpc_request_decoding_names_the_step() -> None:
    req = workflow_pb2.CreateWorkflowRequest(name="g")
    req.steps.add(id="a", type="t.a")
    bad = req.steps.add(id="b", type="t.b", depends_on=["a"])
    bad.options.timeout.seconds = -1
    with pytest.raises(OJSError) as info:
        workflow_spec(req)
    assert field_of(info.value) == "steps[1].options.timeout"
    bad.options.timeout.seconds = 5
    spec = workflow_spec(req)
    assert [(s.id, s.depends_on, s.spec.timeout_ms) for s in spec.steps] == [
        ("a", [], None),
        ("b", ["a"], 5000),
    ]


# -- state derivation ----------------------------------------------------------------------------


def test_chain_runs_one_step_at_a_time_and_completes() -> None:
    d = definition(WorkflowKind.CHAIN, chain_steps([job(), job(), job()]))
    st = initial_state(d)
    assert states(st) == {"0": P, "1": W, "2": W}
    assert st.unconfirmed == {"0"}
    adv = apply_outcome(d, st, "0", "completed", NOW)
    assert (adv.changed, adv.step_state, adv.released, adv.finished) == (True, C, ["1"], False)
    apply_outcome(d, st, "1", "completed", NOW)
    adv = apply_outcome(d, st, "2", "completed", NOW + 5)
    assert adv.finished
    assert (st.state, st.completed_at) == (WorkflowState.COMPLETED, NOW + 5)


def test_a_discarded_chain_step_cancels_the_rest_and_fails_the_chain() -> None:
    d = definition(WorkflowKind.CHAIN, chain_steps([job(), job(), job(), job()]))
    st = initial_state(d)
    apply_outcome(d, st, "0", "completed", NOW)
    adv = apply_outcome(d, st, "1", "discarded", NOW)
    assert adv.released == [] and adv.finished
    assert states(st) == {"0": C, "1": F, "2": X, "3": X}
    assert st.state is WorkflowState.FAILED
    assert make_view(d, st).members_completed == 1


def test_an_outcome_applied_twice_changes_nothing_the_second_time() -> None:
    d = definition(WorkflowKind.CHAIN, chain_steps([job(), job()]))
    st = initial_state(d)
    apply_outcome(d, st, "0", "completed", NOW)
    before = st.to_json()
    again = apply_outcome(d, st, "0", "completed", NOW)
    late = apply_outcome(d, st, "0", "discarded", NOW)  # e.g. after a dead-letter retry
    assert not again.changed and not late.changed
    assert st.to_json() == before
    assert not apply_outcome(d, st, "nope", "completed", NOW).changed
    assert not apply_outcome(d, st, "1", "retryable", NOW).changed


def test_group_waits_for_every_member_and_failures_do_not_stop_siblings() -> None:
    d = definition(WorkflowKind.GROUP, group_steps([job(), job(), job()]))
    st = initial_state(d)
    assert states(st) == {"0": P, "1": P, "2": P}
    assert not apply_outcome(d, st, "1", "discarded", NOW).finished
    assert st.state is WorkflowState.RUNNING and states(st)["2"] is P
    apply_outcome(d, st, "0", "completed", NOW)
    assert apply_outcome(d, st, "2", "completed", NOW).finished
    assert st.state is WorkflowState.FAILED
    ok = initial_state(d)
    for sid in "012":
        apply_outcome(d, ok, sid, "completed", NOW)
    assert ok.state is WorkflowState.COMPLETED


@pytest.mark.parametrize(
    ("outcomes", "fired", "skipped"),
    [
        (("completed", "completed"), {"on_complete", "on_success"}, {"on_failure"}),
        (("completed", "discarded"), {"on_complete", "on_failure"}, {"on_success"}),
        (("cancelled", "discarded"), {"on_complete", "on_failure"}, {"on_success"}),
    ],
)
def test_batch_callbacks_fire_once_per_the_matrix(
    outcomes: tuple[str, str], fired: set[str], skipped: set[str]
) -> None:
    cbs = [(name, job()) for name in ("on_complete", "on_success", "on_failure")]
    d = definition(WorkflowKind.BATCH, batch_steps([job(), job()], cbs))
    st = initial_state(d)
    first = apply_outcome(d, st, "0", outcomes[0], NOW)
    assert first.released == []  # nothing before every member is terminal
    last = apply_outcome(d, st, "1", outcomes[1], NOW)
    assert set(last.released) == fired
    assert {sid for sid in skipped if st.steps[sid] is X} == skipped
    # Replaying the last member's outcome releases nothing more.
    assert apply_outcome(d, st, "1", outcomes[1], NOW).released == []
    assert st.state is WorkflowState.RUNNING
    for sid in sorted(fired):
        apply_outcome(d, st, sid, "completed", NOW)
    assert st.state is WorkflowState.COMPLETED  # judged by the callbacks that fired


def test_batch_without_a_fired_callback_is_judged_by_its_members() -> None:
    d = definition(WorkflowKind.BATCH, batch_steps([job()], [("on_success", job())]))
    st = initial_state(d)
    assert apply_outcome(d, st, "0", "discarded", NOW).finished
    assert (st.state, st.steps["on_success"]) == (WorkflowState.FAILED, X)


def test_dag_cancels_dependents_transitively_while_other_branches_run() -> None:
    d = dag(("a", []), ("b", ["a"]), ("c", ["a"]), ("d", ["b", "c"]), ("e", ["d"]), ("f", []))
    st = initial_state(d)
    assert states(st) == {"a": P, "b": W, "c": W, "d": W, "e": W, "f": P}
    assert apply_outcome(d, st, "a", "completed", NOW).released == ["b", "c"]
    adv = apply_outcome(d, st, "b", "discarded", NOW)
    assert adv.released == [] and not adv.finished
    assert states(st) == {"a": C, "b": F, "c": P, "d": X, "e": X, "f": P}
    apply_outcome(d, st, "c", "completed", NOW)
    assert apply_outcome(d, st, "f", "completed", NOW).finished
    assert st.state is WorkflowState.FAILED


def test_dag_ancestors_give_parent_results_order() -> None:
    d = dag(("x", []), ("a", []), ("b", ["a"]), ("c", ["b", "x"]))
    assert d.ancestors("c") == ["x", "a", "b"]
    assert d.ancestors("a") == []
    chain = definition(WorkflowKind.CHAIN, chain_steps([job(), job(), job()]))
    assert chain.ancestors("2") == ["0", "1"]


def test_cancel_marks_waiting_and_unconfirmed_steps_and_stops_releases() -> None:
    d = definition(WorkflowKind.CHAIN, chain_steps([job(), job(), job()]))
    st = initial_state(d)
    apply_outcome(d, st, "0", "completed", NOW)
    st.unconfirmed.clear()  # step 1 enqueued and confirmed
    cancel_state(d, st, NOW)
    assert states(st) == {"0": C, "1": P, "2": X}
    assert (st.state, st.completed_at) == (WorkflowState.CANCELLED, NOW)
    # The running job of step 1 may finish; nothing starts after it.
    adv = apply_outcome(d, st, "1", "completed", NOW)
    assert (adv.changed, adv.released, adv.finished) == (True, [], False)
    unconfirmed = initial_state(d)
    cancel_state(d, unconfirmed, NOW)
    assert unconfirmed.steps["0"] is X and not unconfirmed.unconfirmed


def test_state_round_trips_through_json() -> None:
    d = dag(("a", []), ("b", ["a"]))
    st = initial_state(d)
    back = WfState.from_json(st.to_json(), 7)
    assert (back.steps, back.released, back.unconfirmed, back.version) == (
        st.steps,
        st.released,
        st.unconfirmed,
        7,
    )
    assert WorkflowDef.from_json(d.to_json()) == d


# -- renderings ---------------------------------------------------------------------------------


def test_http_and_grpc_renderings_of_a_batch() -> None:
    cbs = [("on_success", job("t.ok")), ("on_failure", job("t.ko"))]
    d = definition(WorkflowKind.BATCH, batch_steps([job(), job()], cbs))
    st = initial_state(d)
    apply_outcome(d, st, "0", "completed", NOW)
    out = workflow_json(make_view(d, st, active={"1"}))
    assert {k: out[k] for k in ("type", "state", "jobs_total", "jobs_completed")} == {
        "type": "batch",
        "state": "running",
        "jobs_total": 2,
        "jobs_completed": 1,
    }
    assert [(s["index"], s["state"], s.get("job_id")) for s in out["steps"]] == [
        (0, "completed", "job-0"),
        (1, "active", "job-1"),
    ]
    assert out["callbacks"]["on_success"]["state"] == "waiting"
    assert "job_id" not in out["callbacks"]["on_success"]  # not enqueued yet
    assert "completed_at" not in out
    msg = workflow_to_proto(make_view(d, st), workflow_pb2.Workflow())
    assert [(s.id, list(s.depends_on)) for s in msg.steps] == [
        ("0", []),
        ("1", []),
        ("on_success", ["0", "1"]),
        ("on_failure", ["0", "1"]),
    ]
    assert msg.state == workflow_pb2.WORKFLOW_STATE_RUNNING
    assert msg.steps[0].state == workflow_pb2.WORKFLOW_STEP_STATE_COMPLETED


def test_dag_rendering_has_no_type_and_lists_dependencies() -> None:
    d = dag(("a", []), ("b", ["a"]))
    out = workflow_json(make_view(d, initial_state(d)))
    assert "type" not in out and "callbacks" not in out
    assert [(s["id"], s["depends_on"]) for s in out["steps"]] == [("a", []), ("b", ["a"])]


def test_the_prelude_names_the_outbox_at_its_place_in_the_key_order() -> None:
    prelude = (
        resources.files("ojs_grpc.store").joinpath("lua/_prelude.lua").read_text(encoding="utf-8")
    )
    match = re.search(r"local K_WF_OUTBOX = KEYS\[(\d+)\]", prelude)
    assert match is not None
    assert int(match.group(1)) == QUEUE_KEY_ORDER.index("wf_outbox") + 1
