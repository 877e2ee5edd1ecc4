"""The two wire codecs: HTTP JSON (``http/codec.py``) and protobuf (``grpc_api/codec.py``)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from google.protobuf import struct_pb2

from ojs_grpc._proto.ojs.v1 import job_pb2
from ojs_grpc.errors import INVALID_PAYLOAD, INVALID_REQUEST, OJSError
from ojs_grpc.grpc_api.codec import (
    enqueue_spec,
    entry_spec,
    failure_report,
    job_to_proto,
    jobs_to_proto,
    py_to_value,
    struct_to_py,
    ts_ms,
    value_to_py,
)
from ojs_grpc.http.codec import job_json, parse_enqueue
from ojs_grpc.ids import uuid7
from ojs_grpc.model import (
    DEFAULT_QUEUE,
    BackoffStrategy,
    Job,
    JobState,
    OnExhaustion,
    RetryPolicy,
)

NOW = 1_704_067_200_000  # 2024-01-01T00:00:00Z
NOW_TEXT = "2024-01-01T00:00:00.000Z"
CLIENT_ID = uuid7(NOW)


def body(**fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "email.send", "args": ["a@b.c"]}
    out.update(fields)
    return out


def parse_error(raw: Any, path: str = "") -> OJSError:
    with pytest.raises(OJSError) as exc:
        parse_enqueue(raw, NOW, path)
    assert exc.value.message
    return exc.value


# == HTTP: parse_enqueue =======================================================================


def test_minimal_envelope_gets_defaults() -> None:
    spec = parse_enqueue(body(), NOW)
    assert (spec.type, spec.args, spec.queue, spec.priority) == (
        "email.send",
        ["a@b.c"],
        DEFAULT_QUEUE,
        0,
    )
    assert (spec.client_id, spec.retry, spec.max_attempts, spec.scheduled_at) == (
        None,
        None,
        None,
        None,
    )
    assert (spec.meta, spec.extra, spec.tags, spec.pending) == ({}, {}, [], False)
    assert (spec.timeout_ms, spec.visibility_timeout_ms, spec.expires_at) == (None, None, None)


@pytest.mark.parametrize("raw", [None, [], "text", 42, True])
def test_body_not_an_object_is_invalid_payload(raw: Any) -> None:
    err = parse_error(raw)
    assert err.code == INVALID_PAYLOAD
    assert err.policy is False


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"args": []}, "type"),
        (body(type=5), "type"),
        ({"type": "email.send"}, "args"),
        (body(args={"to": "x"}), "args"),
        (body(args="x"), "args"),
        (body(id=5), "id"),
        (body(id=""), "id"),
        (body(id="not-a-uuid"), "id"),
        (body(id="0190a8e4-ffd3-4b6e-9a5f-2c7d1e4f5a6b"), "id"),  # v4
        (body(id=CLIENT_ID.upper()), "id"),
        (body(specversion="2.0"), "specversion"),
        (body(specversion=1.0), "specversion"),
        (body(options="x"), "options"),
        (body(meta="x"), "meta"),
        (body(meta=[1]), "meta"),
        (body(options={"metadata": "x"}), "options.metadata"),
        (body(options={"queue": 5}), "options.queue"),
        (body(queue=["a"]), "options.queue"),
        (body(options={"priority": "high"}), "options.priority"),
        (body(options={"priority": 1.5}), "options.priority"),
        (body(options={"priority": True}), "options.priority"),
        (body(options={"timeout_ms": 0}), "options.timeout_ms"),
        (body(options={"timeout_ms": "5"}), "options.timeout_ms"),
        (body(options={"visibility_timeout_ms": -1}), "options.visibility_timeout_ms"),
        (body(timeout=0), "timeout"),
        (body(visibility_timeout="30"), "visibility_timeout"),
        (body(options={"scheduled_at": "tomorrow"}), "options.scheduled_at"),
        (body(options={"scheduled_at": "2024-01-01T00:00:00"}), "options.scheduled_at"),
        (body(options={"delay_until": 123}), "options.scheduled_at"),
        (body(options={"scheduled_at": "+P"}), "options.scheduled_at"),
        (body(options={"scheduled_at": "+5s"}), "options.scheduled_at"),
        (body(options={"expires_at": "2024-01-01"}), "options.expires_at"),
        (body(expires_at="+later"), "options.expires_at"),
        (body(options={"max_attempts": "3"}), "options.max_attempts"),
        (body(options={"retry": "x"}), "options.retry"),
        (body(options={"retry": {"max_attempts": "3"}}), "options.retry.max_attempts"),
        (body(options={"retry": {"max_attempts": 2.5}}), "options.retry.max_attempts"),
        (
            body(options={"retry": {"backoff_coefficient": "2"}}),
            "options.retry.backoff_coefficient",
        ),
        (
            body(options={"retry": {"backoff_coefficient": True}}),
            "options.retry.backoff_coefficient",
        ),
        (body(options={"retry": {"jitter": "yes"}}), "options.retry.jitter"),
        (
            body(options={"retry": {"non_retryable_errors": "auth.*"}}),
            "options.retry.non_retryable_errors",
        ),
        (
            body(options={"retry": {"non_retryable_errors": [1]}}),
            "options.retry.non_retryable_errors",
        ),
        (body(options={"retry": {"on_exhaustion": 5}}), "options.retry.on_exhaustion"),
        (body(options={"retry": {"backoff_strategy": 1}}), "options.retry.backoff_strategy"),
        (body(options={"retry": {"initial_interval": 5}}), "options.retry.initial_interval"),
        (
            body(options={"retry": {"initial_interval_ms": "5"}}),
            "options.retry.initial_interval_ms",
        ),
        (body(options={"unique": ["type"]}), "options.unique"),
        (body(options={"tags": "a"}), "options.tags"),
        (body(options={"tags": ["a", 1]}), "options.tags"),
        (body(options={"trace_id": 5}), "options.trace_id"),
        (body(options={"pending": "yes"}), "options.pending"),
    ],
)
def test_structural_errors_are_400(raw: dict[str, Any], field: str) -> None:
    err = parse_error(raw)
    assert (err.code, err.policy, err.details) == (INVALID_REQUEST, False, {"field": field})
    assert [v.field for v in err.violations] == [field]


@pytest.mark.parametrize(
    ("retry", "field"),
    [
        ({"max_attempts": -1}, "max_attempts"),
        ({"backoff_coefficient": 0.5}, "backoff_coefficient"),
        ({"initial_interval": "soon"}, "initial_interval"),
        ({"initial_interval": "PT0S"}, "initial_interval"),
        ({"initial_interval_ms": 0}, "initial_interval"),
        ({"initial_interval": "PT5S", "max_interval": "PT1S"}, "max_interval"),
        ({"max_interval": "forever"}, "max_interval"),
        ({"on_exhaustion": "explode"}, "on_exhaustion"),
        ({"backoff_strategy": "random"}, "backoff_strategy"),
        ({"backoff_type": "random"}, "backoff_strategy"),
    ],
)
def test_policy_errors_are_422(retry: dict[str, Any], field: str) -> None:
    err = parse_error(body(options={"retry": retry}))
    assert (err.code, err.policy) == (INVALID_REQUEST, True)
    assert err.details == {"field": f"options.retry.{field}"}
    assert field in err.message


def test_envelope_level_retry_is_validated_as_policy() -> None:
    err = parse_error(body(retry={"max_attempts": -2}))
    assert (err.policy, err.details) == (True, {"field": "options.retry.max_attempts"})


def test_error_paths_carry_the_batch_prefix() -> None:
    err = parse_error({"type": "x"}, "jobs[3].")
    assert err.details == {"field": "jobs[3].args"}
    err = parse_error(body(options={"priority": "x"}), "jobs[0].")
    assert err.details == {"field": "jobs[0].options.priority"}


def test_client_id_accepted_when_lowercase_v7() -> None:
    assert parse_enqueue(body(id=CLIENT_ID), NOW).client_id == CLIENT_ID


def test_options_override_envelope_fields() -> None:
    raw = body(
        queue="envelope",
        priority=1,
        timeout=5,
        visibility_timeout=3,
        tags=["env"],
        options={"queue": "opts", "priority": 2, "timeout_ms": 7_000, "tags": ["opt"]},
    )
    spec = parse_enqueue(raw, NOW)
    assert (spec.queue, spec.priority, spec.timeout_ms, spec.tags) == ("opts", 2, 7_000, ["opt"])
    assert spec.visibility_timeout_ms == 3_000  # seconds in the envelope, not overridden


def test_envelope_fields_apply_without_options() -> None:
    raw = body(
        queue="envelope",
        priority=-3,
        timeout=5,
        scheduled_at="2024-01-02T00:00:00Z",
        unique={"keys": ["type"]},
    )
    spec = parse_enqueue(raw, NOW)
    assert (spec.queue, spec.priority, spec.timeout_ms) == ("envelope", -3, 5_000)
    assert (spec.scheduled_at, spec.unique) == (NOW + 86_400_000, {"keys": ["type"]})
    assert spec.extra == {}


def test_relative_times() -> None:
    spec = parse_enqueue(body(options={"scheduled_at": "+PT2S", "expires_at": "+PT1M"}), NOW)
    assert (spec.scheduled_at, spec.scheduled_at_text) == (NOW + 2_000, None)
    assert (spec.expires_at, spec.expires_at_text) == (NOW + 60_000, None)
    spec = parse_enqueue(body(options={"delay_until": "+PT0.5S"}), NOW)
    assert spec.scheduled_at == NOW + 500


def test_absolute_times_keep_the_client_text() -> None:
    raw = body(
        options={"delay_until": "2024-01-01T01:00:00+01:00", "expires_at": "2099-12-31T23:59:59Z"}
    )
    spec = parse_enqueue(raw, NOW)
    assert (spec.scheduled_at, spec.scheduled_at_text) == (NOW, "2024-01-01T01:00:00+01:00")
    assert (spec.expires_at, spec.expires_at_text) == (4_102_444_799_000, "2099-12-31T23:59:59Z")


def test_metadata_is_merged_into_meta() -> None:
    raw = body(meta={"a": 1, "b": 1}, options={"metadata": {"b": 2, "test_directive": "quiet"}})
    assert parse_enqueue(raw, NOW).meta == {"a": 1, "b": 2, "test_directive": "quiet"}
    assert parse_enqueue(body(meta=None), NOW).meta == {}


def test_unknown_attributes_are_kept_in_extra() -> None:
    raw = body(
        x_custom={"deep": [1, None]},
        schema="urn:example:email",
        source="billing",
        state="completed",
        attempt=7,
        result={"forged": True},
        created_at="2000-01-01T00:00:00Z",
        worker_id="w-forged",
        meta={"m": 1},
        options={"queue": "q"},
    )
    spec = parse_enqueue(raw, NOW)
    assert spec.extra == {
        "x_custom": {"deep": [1, None]},
        "schema": "urn:example:email",
        "source": "billing",
    }


def test_retry_policy_from_json() -> None:
    raw = body(
        options={
            "retry": {
                "max_attempts": 5,
                "initial_interval": "PT2S",
                "backoff_coefficient": 3,
                "max_interval": "PT1M",
                "jitter": False,
                "non_retryable_errors": ["auth.*"],
                "on_exhaustion": "dead_letter",
                "backoff_type": "linear",
            }
        }
    )
    assert parse_enqueue(raw, NOW).retry == RetryPolicy(
        max_attempts=5,
        initial_interval_ms=2_000,
        backoff_coefficient=3.0,
        max_interval_ms=60_000,
        jitter=False,
        non_retryable_errors=("auth.*",),
        on_exhaustion=OnExhaustion.DEAD_LETTER,
        backoff_strategy=BackoffStrategy.LINEAR,
    )
    ms = parse_enqueue(body(options={"retry": {"initial_interval_ms": 250}}), NOW).retry
    assert ms is not None and ms.initial_interval_ms == 250


def test_max_attempts_resolution() -> None:
    only_option = parse_enqueue(body(options={"max_attempts": 5}), NOW)
    assert only_option.max_attempts == 5
    assert only_option.retry == RetryPolicy(max_attempts=5)
    fallback = parse_enqueue(body(options={"max_attempts": 4, "retry": {"jitter": False}}), NOW)
    assert fallback.retry is not None and fallback.retry.max_attempts == 4
    both = parse_enqueue(body(options={"max_attempts": 4, "retry": {"max_attempts": 2}}), NOW)
    assert both.retry is not None and both.retry.max_attempts == 2


def test_other_options() -> None:
    raw = body(
        options={
            "unique": {"keys": ["type", "args"], "period": "PT1H"},
            "tags": ["a", "b"],
            "trace_id": "t-1",
            "pending": True,
            "visibility_timeout_ms": 4_000,
        }
    )
    spec = parse_enqueue(raw, NOW)
    assert spec.unique == {"keys": ["type", "args"], "period": "PT1H"}
    assert (spec.tags, spec.trace_id, spec.pending) == (["a", "b"], "t-1", True)
    assert spec.visibility_timeout_ms == 4_000


# == HTTP: job_json ============================================================================


def make_job(**changes: Any) -> Job:
    job = Job(
        id=CLIENT_ID,
        type="email.send",
        queue="default",
        args=["a@b.c", 2],
        state=JobState.AVAILABLE,
        priority=0,
        attempt=0,
        max_attempts=3,
        retry=RetryPolicy(),
        created_at=NOW,
        enqueued_at=NOW,
    )
    return job.copy(**changes)


def test_job_json_fresh_job_omits_inapplicable_fields() -> None:
    out = job_json(make_job())
    assert out == {
        "specversion": "1.0",
        "id": CLIENT_ID,
        "type": "email.send",
        "queue": "default",
        "args": ["a@b.c", 2],
        "state": "available",
        "priority": 0,
        "attempt": 0,
        "max_attempts": 3,
        "created_at": NOW_TEXT,
        "enqueued_at": NOW_TEXT,
        "timeout_ms": 1_800_000,
        "visibility_timeout_ms": 1_800_000,
        "retry": {
            "max_attempts": 3,
            "initial_interval": "PT1S",
            "backoff_coefficient": 2.0,
            "max_interval": "PT300S",
            "jitter": True,
            "non_retryable_errors": [],
            "on_exhaustion": "discard",
            "backoff_strategy": "exponential",
        },
        "errors": [],
    }


def test_job_json_retryable_job_with_error() -> None:
    entry = {"code": "handler_error", "type": "Boom", "message": "m", "attempt": 1}
    job = make_job(
        state=JobState.RETRYABLE,
        attempt=1,
        started_at=NOW + 1_000,
        worker_id="w1",
        errors=[{**entry, "occurred_at": NOW + 2_000}],
        has_error=True,
        next_attempt_at=NOW + 3_000,
        retry_delay_ms=1_000,
        meta={"k": "v"},
        tags=["t"],
        trace_id="tr",
        unique={"keys": ["type"]},
        workflow_id="wf",
    )
    out = job_json(job)
    formatted = {**entry, "occurred_at": "2024-01-01T00:00:02.000Z"}
    assert out["errors"] == [formatted]
    assert out["error"] == formatted
    assert job.errors[0]["occurred_at"] == NOW + 2_000  # the model is not mutated
    assert (out["next_attempt_at"], out["retry_delay_ms"]) == ("2024-01-01T00:00:03.000Z", 1_000)
    assert (out["started_at"], out["worker_id"]) == ("2024-01-01T00:00:01.000Z", "w1")
    assert (out["meta"], out["tags"], out["trace_id"]) == ({"k": "v"}, ["t"], "tr")
    assert (out["unique"], out["workflow_id"]) == ({"keys": ["type"]}, "wf")
    assert "completed_at" not in out and "result" not in out


def test_job_json_completed_keeps_history_but_no_current_error() -> None:
    job = make_job(
        state=JobState.COMPLETED,
        attempt=2,
        completed_at=NOW + 5,
        errors=[{"code": "handler_error", "message": "m", "attempt": 1, "occurred_at": NOW}],
        has_error=False,
        has_result=True,
        result=None,
    )
    out = job_json(job)
    assert "error" not in out
    assert out["errors"] == [
        {"code": "handler_error", "message": "m", "attempt": 1, "occurred_at": NOW_TEXT}
    ]
    assert out["result"] is None and "result" in out
    assert out["completed_at"] == "2024-01-01T00:00:00.005Z"


def test_job_json_cancelled_and_discarded_timestamps() -> None:
    cancelled = job_json(make_job(state=JobState.CANCELLED, cancelled_at=NOW + 1))
    assert cancelled["cancelled_at"] == "2024-01-01T00:00:00.001Z"
    assert "completed_at" not in cancelled and "discarded_at" not in cancelled
    discarded = job_json(make_job(state=JobState.DISCARDED, discarded_at=NOW + 2))
    assert discarded["discarded_at"] == "2024-01-01T00:00:00.002Z"
    assert "completed_at" not in discarded


def test_job_json_times_prefer_the_client_text() -> None:
    job = make_job(
        state=JobState.SCHEDULED,
        enqueued_at=None,
        scheduled_at=NOW + 3_600_000,
        scheduled_at_text="2024-01-01T02:00:00+01:00",
        expires_at=4_102_444_799_000,
        expires_at_text="2099-12-31T23:59:59Z",
    )
    out = job_json(job)
    assert (out["scheduled_at"], out["expires_at"]) == (
        "2024-01-01T02:00:00+01:00",
        "2099-12-31T23:59:59Z",
    )
    assert "enqueued_at" not in out
    plain = job_json(make_job(scheduled_at=NOW + 1_500, expires_at=NOW + 2_000))
    assert (plain["scheduled_at"], plain["expires_at"]) == (
        "2024-01-01T00:00:01.500Z",
        "2024-01-01T00:00:02.000Z",
    )


def test_job_json_echoes_extra_at_top_level_without_overriding_fields() -> None:
    out = job_json(make_job(extra={"x_custom": [1], "source": "billing", "state": "forged"}))
    assert (out["x_custom"], out["source"], out["state"]) == ([1], "billing", "available")


def test_job_json_round_trips_through_parse_enqueue() -> None:
    out = job_json(make_job(extra={"x_custom": 1}, meta={"k": 1}))
    spec = parse_enqueue(out, NOW)
    assert (spec.client_id, spec.type, spec.args, spec.meta) == (
        CLIENT_ID,
        "email.send",
        ["a@b.c", 2],
        {"k": 1},
    )
    assert spec.extra == {"x_custom": 1}


# == gRPC: enqueue_spec ========================================================================


def values(*items: Any) -> list[struct_pb2.Value]:
    out = []
    for item in items:
        v = struct_pb2.Value()
        py_to_value(item, v)
        out.append(v)
    return out


def test_enqueue_spec_without_options() -> None:
    spec = enqueue_spec("email.send", values("x", 1), None)
    assert (spec.type, spec.args, spec.queue, spec.retry, spec.max_attempts) == (
        "email.send",
        ["x", 1],
        DEFAULT_QUEUE,
        None,
        None,
    )


def test_enqueue_spec_unset_fields_mean_not_given() -> None:
    spec = enqueue_spec("email.send", [], job_pb2.EnqueueOptions())
    assert (spec.queue, spec.priority, spec.max_attempts, spec.retry) == ("default", 0, None, None)
    assert (spec.timeout_ms, spec.visibility_timeout_ms, spec.ttl_ms) == (None, None, None)
    assert (spec.scheduled_at, spec.unique, spec.meta, spec.tags, spec.trace_id) == (
        None,
        None,
        {},
        [],
        "",
    )


def test_enqueue_spec_zero_durations_mean_default() -> None:
    options = job_pb2.EnqueueOptions()
    options.timeout.SetInParent()
    options.visibility_timeout.SetInParent()
    options.ttl.SetInParent()
    spec = enqueue_spec("t", [], options)
    assert (spec.timeout_ms, spec.visibility_timeout_ms, spec.ttl_ms) == (None, None, None)


def test_enqueue_spec_reads_every_option() -> None:
    options = job_pb2.EnqueueOptions(queue="emails", priority=-5, max_attempts=4, trace_id="tr")
    options.delay_until.FromMilliseconds(NOW + 5_000)
    options.timeout.FromMilliseconds(2_500)
    options.visibility_timeout.FromSeconds(30)
    options.ttl.FromSeconds(60)
    options.tags.extend(["a", "b"])
    options.meta.update({"n": 1, "s": "x"})
    options.unique.key.extend(["type", "args"])
    options.unique.period.FromSeconds(60)
    options.unique.on_conflict = job_pb2.UNIQUE_CONFLICT_ACTION_IGNORE
    spec = enqueue_spec("email.send", values(None, 2.5, {"k": [1]}), options)
    assert spec.args == [None, 2.5, {"k": [1]}]
    assert (spec.queue, spec.priority, spec.max_attempts, spec.trace_id) == ("emails", -5, 4, "tr")
    assert spec.scheduled_at == NOW + 5_000
    assert (spec.timeout_ms, spec.visibility_timeout_ms, spec.ttl_ms) == (2_500, 30_000, 60_000)
    assert (spec.tags, spec.meta) == (["a", "b"], {"n": 1, "s": "x"})
    assert isinstance(spec.meta["n"], int)
    assert spec.unique == {"keys": ["type", "args"], "period_ms": 60_000, "on_conflict": "ignore"}
    assert spec.retry is None  # max_attempts alone is resolved by the service


def test_entry_spec_equals_enqueue_spec_and_owns_what_can_change() -> None:
    options = job_pb2.EnqueueOptions(queue="emails", priority=3, trace_id="tr")
    options.timeout.FromMilliseconds(2_500)
    options.tags.extend(["a"])
    options.meta.update({"n": {"deep": [1]}})
    options.unique.key.extend(["args"])
    options.retry.max_attempts = 4
    shared = enqueue_spec("", [], options, "jobs[0].")
    one = entry_spec(shared, "t.one", values(1))
    two = entry_spec(shared, "t.two", values("x", {"k": 2}))
    assert one == enqueue_spec("t.one", values(1), options)
    assert two == enqueue_spec("t.two", values("x", {"k": 2}), options)
    one.tags.append("b")
    one.meta["n"]["deep"].append(2)
    assert one.unique is not None
    one.unique["keys"].append("type")
    assert (two.tags, two.meta, two.unique) == (["a"], {"n": {"deep": [1]}}, shared.unique)
    assert shared.unique == {"keys": ["args"], "on_conflict": "reject"}


def test_enqueue_spec_empty_retry_message_takes_defaults_but_literal_jitter() -> None:
    options = job_pb2.EnqueueOptions()
    options.retry.SetInParent()
    spec = enqueue_spec("t", [], options)
    assert spec.retry == RetryPolicy(jitter=False)  # coefficient 0 -> 2.0, "" -> discard


def test_enqueue_spec_retry_fields() -> None:
    options = job_pb2.EnqueueOptions(max_attempts=9)
    r = options.retry
    r.max_attempts = 5
    r.initial_interval.FromMilliseconds(250)
    r.backoff_coefficient = 1.5
    r.max_interval.FromSeconds(10)
    r.jitter = True
    r.non_retryable_errors.extend(["auth.*"])
    r.on_exhaustion = "dead_letter"
    spec = enqueue_spec("t", [], options)
    assert spec.retry == RetryPolicy(
        max_attempts=5,
        initial_interval_ms=250,
        backoff_coefficient=1.5,
        max_interval_ms=10_000,
        jitter=True,
        non_retryable_errors=("auth.*",),
        on_exhaustion=OnExhaustion.DEAD_LETTER,
    )


def test_enqueue_spec_retry_max_attempts_falls_back_to_options() -> None:
    options = job_pb2.EnqueueOptions(max_attempts=6)
    options.retry.jitter = True
    spec = enqueue_spec("t", [], options)
    assert spec.retry is not None and spec.retry.max_attempts == 6


@pytest.mark.parametrize(
    ("setup", "field", "policy"),
    [
        (lambda o: setattr(o.retry, "max_attempts", -1), "options.retry.max_attempts", True),
        (
            lambda o: setattr(o.retry, "backoff_coefficient", 0.5),
            "options.retry.backoff_coefficient",
            True,
        ),
        (lambda o: setattr(o.retry, "on_exhaustion", "x"), "options.retry.on_exhaustion", True),
        (
            lambda o: o.retry.initial_interval.FromSeconds(-1),
            "options.retry.initial_interval",
            False,
        ),
        (lambda o: o.timeout.FromSeconds(-1), "options.timeout", False),
        (lambda o: o.visibility_timeout.FromMilliseconds(-5), "options.visibility_timeout", False),
        (lambda o: o.ttl.FromSeconds(-60), "options.ttl", False),
    ],
)
def test_enqueue_spec_rejections(setup: Any, field: str, policy: bool) -> None:
    options = job_pb2.EnqueueOptions()
    setup(options)
    with pytest.raises(OJSError) as exc:
        enqueue_spec("t", [], options, "jobs[1].")
    assert (exc.value.code, exc.value.policy) == (INVALID_REQUEST, policy)
    assert exc.value.details == {"field": f"jobs[1].{field}"}


# == gRPC: failure_report ======================================================================


@pytest.mark.parametrize(
    ("code", "details", "want_code", "want_type", "want_error_type"),
    [
        ("handler_error", None, "handler_error", "", "handler_error"),
        ("timeout", None, "timeout", "", "timeout"),
        ("DEAD_LETTER", None, "DEAD_LETTER", "", "DEAD_LETTER"),
        ("DISCARD", None, "DISCARD", "", "DISCARD"),
        ("FatalError", None, "handler_error", "FatalError", "FatalError"),
        ("auth.token_expired", None, "handler_error", "auth.token_expired", "auth.token_expired"),
        ("", None, "handler_error", "", "handler_error"),
        ("handler_error", {"error_class": "Auth.X"}, "handler_error", "", "Auth.X"),
        ("FatalError", {"error_class": "Auth.X"}, "handler_error", "Auth.X", "Auth.X"),
        ("FatalError", {"type": "Net.Y"}, "handler_error", "Net.Y", "Net.Y"),
    ],
)
def test_failure_report_code_and_type(
    code: str,
    details: dict[str, Any] | None,
    want_code: str,
    want_type: str,
    want_error_type: str,
) -> None:
    error = job_pb2.JobError(code=code, message="boom")
    if details is not None:
        error.details.update(details)
    report = failure_report(error)
    assert (report.code, report.type, report.error_type()) == (
        want_code,
        want_type,
        want_error_type,
    )
    assert report.message == "boom"


def test_failure_report_other_fields() -> None:
    error = job_pb2.JobError(code="FatalError", message="m", retryable=True, backtrace="a\nb")
    error.details.update({"n": 3, "nested": {"x": [1.5]}})
    report = failure_report(error)
    assert (report.retryable, report.backtrace) == (True, "a\nb")
    assert report.details == {"n": 3, "nested": {"x": [1.5]}}
    bare = failure_report(job_pb2.JobError(message="m"))
    assert (bare.retryable, bare.backtrace, bare.details) == (False, None, None)


# == gRPC: job_to_proto and values =============================================================


def test_job_to_proto_leaves_unset_timestamps_unset() -> None:
    msg = job_to_proto(make_job())
    for name in ("scheduled_at", "started_at", "completed_at", "expires_at"):
        assert not msg.HasField(name), name
    assert not msg.HasField("result")
    assert not msg.HasField("meta")
    assert not msg.HasField("unique_policy")
    assert (ts_ms(msg.created_at), ts_ms(msg.enqueued_at)) == (NOW, NOW)
    assert msg.state == job_pb2.JOB_STATE_AVAILABLE
    assert (msg.id, msg.type, msg.queue, msg.specversion) == (
        CLIENT_ID,
        "email.send",
        "default",
        "1.0",
    )
    assert (msg.timeout.ToMilliseconds(), msg.visibility_timeout.ToMilliseconds()) == (
        1_800_000,
        1_800_000,
    )
    rp = msg.retry_policy
    assert (rp.max_attempts, rp.initial_interval.ToMilliseconds(), rp.backoff_coefficient) == (
        3,
        1_000,
        2.0,
    )
    assert (rp.max_interval.ToMilliseconds(), rp.jitter, rp.on_exhaustion) == (
        300_000,
        True,
        "discard",
    )


# One change per Job field: jobs_to_proto must encode each exactly as job_to_proto does.
FIELD_CHANGES: dict[str, dict[str, Any]] = {
    "id": {"id": "01900000-0000-7000-8000-000000000001"},
    "type": {"type": "t.other"},
    "queue": {"queue": "q2"},
    "args": {"args": [1, {"k": None}]},
    "state": {"state": JobState.ACTIVE},
    "priority": {"priority": 5},
    "attempt": {"attempt": 2},
    "max_attempts": {"max_attempts": 7},
    "retry": {"retry": RetryPolicy(max_attempts=7)},
    "created_at": {"created_at": NOW + 1},
    "meta": {"meta": {"m": 1}},
    "tags": {"tags": ["x", "y"]},
    "trace_id": {"trace_id": "tr"},
    "extra": {"extra": {"e": 1}},
    "unique": {"unique": {"keys": ["type"]}},
    "timeout_ms": {"timeout_ms": 5_000},
    "visibility_timeout_ms": {"visibility_timeout_ms": 6_000},
    "enqueued_at": {"enqueued_at": NOW + 2},
    "scheduled_at": {"scheduled_at": NOW + 3},
    "scheduled_at_text": {"scheduled_at_text": "later"},
    "expires_at": {"expires_at": NOW + 4},
    "expires_at_text": {"expires_at_text": "soon"},
    "started_at": {"started_at": NOW + 5},
    "completed_at": {"completed_at": NOW + 6},
    "cancelled_at": {"cancelled_at": NOW + 7},
    "discarded_at": {"discarded_at": NOW + 8},
    "deadline": {"deadline": NOW + 9},
    "timeout_at": {"timeout_at": NOW + 10},
    "worker_id": {"worker_id": "w"},
    "has_result": {"has_result": True, "result": 4},
    "result": {"has_result": True, "result": {"r": [1]}},
    "errors": {"errors": [{"code": "x", "message": "m", "attempt": 1}], "has_error": True},
    "has_error": {"has_error": True},
    "retry_delay_ms": {"retry_delay_ms": 5},
    "next_attempt_at": {"next_attempt_at": NOW + 11},
    "dead": {"dead": True},
    "workflow_id": {"workflow_id": "wf"},
    "rate_limit_per_s": {"rate_limit_per_s": 3},
    "parent_results": {"parent_results": [1]},
}


def test_jobs_to_proto_encodes_every_job_as_job_to_proto_does() -> None:
    assert set(FIELD_CHANGES) == {f.name for f in dataclasses.fields(Job)}  # a new field: add it
    base = make_job()
    jobs = [base, base.copy(id="01900000-0000-7000-8000-000000000002")]
    for changes in FIELD_CHANGES.values():
        jobs += [base.copy(**changes), base]  # each change, then back: the shared part moves
    resp = job_pb2.EnqueueBatchResponse()
    jobs_to_proto(jobs, resp.jobs)
    assert [m.SerializeToString() for m in resp.jobs] == [
        job_to_proto(job).SerializeToString() for job in jobs
    ]


def test_job_to_proto_cancelled_has_no_completed_at() -> None:
    msg = job_to_proto(
        make_job(state=JobState.CANCELLED, attempt=1, started_at=NOW + 1, cancelled_at=NOW + 2)
    )
    assert msg.state == job_pb2.JOB_STATE_CANCELLED
    assert not msg.HasField("completed_at")
    assert ts_ms(msg.started_at) == NOW + 1


def test_job_to_proto_completed_with_results() -> None:
    msg = job_to_proto(
        make_job(
            state=JobState.COMPLETED,
            completed_at=NOW + 9,
            has_result=True,
            result={"sent": 2, "ids": ["a"]},
        )
    )
    assert ts_ms(msg.completed_at) == NOW + 9
    assert struct_to_py(msg.result) == {"sent": 2, "ids": ["a"]}
    wrapped = job_to_proto(make_job(has_result=True, result=[1, "x"]))
    assert struct_to_py(wrapped.result) == {"value": [1, "x"]}


def test_job_to_proto_round_trips_args_and_meta_types() -> None:
    args: list[Any] = [None, 1, -7, 2.5, "s", True, False, {"a": [1, 2.25, None]}, [], {}]
    meta = {"int": 3, "float": 0.5, "bool": True, "null": None, "list": ["x"], "obj": {"k": 1}}
    msg = job_to_proto(make_job(args=args, meta=meta))
    back = [value_to_py(v) for v in msg.args]
    assert back == args
    assert [type(v) for v in back] == [type(v) for v in args]
    assert struct_to_py(msg.meta) == meta
    assert type(struct_to_py(msg.meta)["int"]) is int
    assert type(struct_to_py(msg.meta)["bool"]) is bool


def test_job_to_proto_errors_and_unique() -> None:
    job = make_job(
        errors=[
            {
                "code": "handler_error",
                "type": "FatalError",
                "message": "m",
                "attempt": 2,
                "occurred_at": NOW + 7,
                "retryable": True,
                "backtrace": ["f1", "f2"],
                "details": {"k": 1},
            },
            {"code": "visibility_timeout", "message": "lease", "attempt": 3},
        ],
        unique={"keys": ["type"], "period_ms": 60_000, "on_conflict": "replace"},
    )
    msg = job_to_proto(job)
    first, second = msg.errors
    assert (first.code, first.message, first.attempt, first.retryable) == (
        "FatalError",
        "m",
        2,
        True,
    )
    assert (ts_ms(first.occurred_at), first.backtrace) == (NOW + 7, "f1\nf2")
    assert struct_to_py(first.details) == {"k": 1}
    assert (second.code, second.retryable, second.HasField("occurred_at")) == (
        "visibility_timeout",
        False,
        False,
    )
    assert list(msg.unique_policy.key) == ["type"]
    assert msg.unique_policy.period.ToMilliseconds() == 60_000
    assert msg.unique_policy.on_conflict == job_pb2.UNIQUE_CONFLICT_ACTION_REPLACE


def number(n: float) -> struct_pb2.Value:
    return struct_pb2.Value(number_value=n)


@pytest.mark.parametrize(
    ("n", "expected", "kind"),
    [
        (3.0, 3, int),
        (-7.0, -7, int),
        (0.0, 0, int),
        (2.5, 2.5, float),
        (2.0**53 - 1, 2**53 - 1, int),
        (2.0**53, 2.0**53, float),
        (1e20, 1e20, float),
    ],
)
def test_value_to_py_gives_whole_numbers_back_as_ints(
    n: float, expected: float, kind: type
) -> None:
    v = value_to_py(number(n))
    assert v == expected
    assert type(v) is kind


def test_value_to_py_other_kinds() -> None:
    assert value_to_py(struct_pb2.Value()) is None
    assert value_to_py(struct_pb2.Value(null_value=struct_pb2.NULL_VALUE)) is None
    assert value_to_py(struct_pb2.Value(bool_value=False)) is False
    assert value_to_py(struct_pb2.Value(string_value="")) == ""
    nested = values({"a": {"b": [1.0, "c"]}})[0]
    assert value_to_py(nested) == {"a": {"b": [1, "c"]}}
