"""Faithful translation of the official OJS conformance cases onto the ``ojs.v1`` RPCs.

The cases are HTTP exchanges (method, path, JSON body) with assertions on HTTP statuses,
headers and JSON bodies. Over gRPC the yardstick is a faithful mapping of each case onto the
RPCs (semantics §0.2, §11.9): every request field the proto can carry is carried, every
assertion the proto can express is checked on the proto response, statuses and error details are
checked as the gRPC binding defines them, and the parts the proto cannot express are HTTP-only:
left to the HTTP run and listed here, with a reason, as explicit data.

How one case runs (:func:`run_case`)
------------------------------------

1. A case listed in :data:`HTTP_ONLY_CASES` is not run at all: its request has no proto form.
   It is reported as "not carried by the proto" with the reason (neither pass nor fail).
2. Otherwise the store is reset, then the steps run exactly as the official HTTP runner runs them
   (same ``delay_ms`` / ``WAIT`` sleeps, same ``parallel_with`` grouping, same templates).
3. Each HTTP step is routed (:data:`ROUTES`) to its RPC. The request body, after template
   substitution, is turned into the proto request by the rules of semantics §11.9
   (:func:`enqueue_request`, :func:`fetch_request`, :func:`ack_request`, :func:`nack_request`,
   :func:`heartbeat_requests`, :func:`cron_request`, :func:`workflow_request`,
   :func:`batch_request`, ...). A request field the proto cannot carry raises
   :class:`NotCarried`: that is a failure unless the step is listed in :data:`HTTP_ONLY_STEPS`.
   Request fields that are HTTP-only but do not change the outcome (``worker_id`` on ACK/NACK,
   a cron's default ``overlap_policy: "skip"`` and ``enabled: true``) are dropped and listed.
4. The proto response is turned back into the JSON shape the assertions read
   (:func:`job_json` and the per-RPC reply shapes): enum names lower-cased without prefix, set
   Timestamps as RFC 3339 strings, unset ones absent, ``Job.errors[i].code`` as both ``type``
   and ``code``. Where §11.9 says a reply field is read elsewhere, the translation makes that
   call: an ACK reply's ``id``/``state``/``completed_at`` and a NACK reply's ``id``/``attempt``/
   ``max_attempts``/``completed_at`` come from a follow-up ``GetJob``; a dead-letter delete's
   ``deleted`` is "``GetJob`` now answers ``NOT_FOUND``"; a cron registration's ``expression``/
   ``timezone`` come from its ``ListCron`` entry; a pause/resume reply's ``queue.name``/
   ``queue.paused`` from a follow-up ``QueueStats``. A workflow's ``steps_total``/
   ``steps_completed`` (chain) or ``jobs_total``/``jobs_completed`` (group) are counted from
   ``Workflow.steps`` (:func:`workflow_json`); a queue's counters are the ``QueueStatistics``
   fields, under ``queue`` next to its ``name`` (:func:`queue_stats_json`).
5. A gRPC error becomes ``{"error": {"code", "message", "retryable"}}`` from the
   ``google.rpc.Status`` details (:func:`rpc_error`): ``code`` = ``ErrorInfo.reason`` (the gRPC
   ``invalid_state`` stands for the HTTP ``conflict``), ``retryable`` =
   ``ErrorInfo.metadata["retryable"]``, ``message`` = the status message. The ``status``
   assertion is checked against the HTTP statuses the gRPC status stands for
   (:func:`http_equivalents`): OK = 200/201, INVALID_ARGUMENT = 400/422, NOT_FOUND = 404,
   ALREADY_EXISTS + ``duplicate`` = 409, FAILED_PRECONDITION + ``invalid_state`` = 409, ...
6. Assertions the proto cannot express (:data:`HTTP_ONLY_ASSERTIONS`,
   :data:`HTTP_ONLY_ASSERTION_KINDS`, :data:`HTTP_ONLY_CASE_ASSERTIONS`) are removed before the
   remaining ones are evaluated with the HTTP runner's own evaluator
   (:func:`tests.conformance.http_runner.evaluate_assertions`); each removal is listed in the
   result.

Events (L0-EVT-001/002) translate to ``StreamEvents`` (semantics §11.9): the subscription is
opened right after the reset, before the first step, so the stream can see the events the earlier
steps cause (the HTTP endpoint reads a log; a stream only sees what happens while it is open);
the events step then reads what arrived, waiting a short while for the first event. A case whose
only failures are ``UNIMPLEMENTED`` answers of that optional streaming RPC (semantics §11.1) is
reported as "unsupported by the server" rather than failed.

Deliberate differences from the official HTTP runner: the ``equality`` block of ``ASSERT`` steps
(L0-OPS-020 info-readonly) is evaluated here (the responses compared must be equal); the HTTP
runner ignores it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Literal, TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

import grpc
from google.protobuf import duration_pb2, struct_pb2, text_format, timestamp_pb2
from google.protobuf.message import Message
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from ojs_grpc._proto.ojs.v1 import (
    events_pb2,
    job_pb2,
    queue_pb2,
    service_pb2,
    service_pb2_grpc,
    worker_pb2,
    workflow_pb2,
)
from tests.conformance.http_runner import (
    REQUEST_TIMEOUT_S,
    Case,
    Failure,
    StepRecord,
    check_status,
    evaluate_assertions,
    plan_step_groups,
    resolve_templates,
)

__all__ = [
    "EVENT_WAIT_S",
    "HTTP_ONLY_ASSERTIONS",
    "HTTP_ONLY_ASSERTION_KINDS",
    "HTTP_ONLY_CASES",
    "HTTP_ONLY_CASE_ASSERTIONS",
    "HTTP_ONLY_STEPS",
    "OPTIONAL_STREAMING_RPCS",
    "ROUTES",
    "GrpcCaseResult",
    "GrpcStepRecord",
    "HttpOnlyAssertion",
    "HttpOnlyPart",
    "NotCarried",
    "RpcError",
    "TranslationGap",
    "ack_request",
    "batch_request",
    "cron_entry_json",
    "cron_request",
    "enqueue_request",
    "error_body",
    "fetch_request",
    "heartbeat_requests",
    "http_equivalents",
    "job_json",
    "nack_request",
    "parse_iso_duration_ms",
    "queue_stats_json",
    "route_step",
    "rpc_error",
    "run_case",
    "split_assertions",
    "summarize",
    "workflow_json",
    "workflow_request",
]

Outcome = Literal["pass", "fail", "error", "not_carried", "unsupported"]

EVENT_WAIT_S: Final = 1.0
"""How long an events step waits for the first event on its stream (semantics §11.9)."""

EVENT_SUBSCRIBE_WAIT_S: Final = 1.0
"""How long opening a ``StreamEvents`` subscription may take before the first step runs."""

OPTIONAL_STREAMING_RPCS: Final = frozenset({"StreamEvents", "StreamJobs"})
"""RPCs the binding makes optional (semantics §11.1): ``UNIMPLEMENTED`` there is "unsupported"."""

# =============================================================================================
# HTTP-only parts, as data (semantics §11.9). Keys are case keys: "<test_id>:<file stem>".
# =============================================================================================

_ID_REASON: Final = "client-supplied job `id`: EnqueueRequest has no id field (semantics §11.9)"

HTTP_ONLY_CASES: Final[Mapping[str, str]] = {
    # Level 0
    "L0-ENV-004:invalid-missing-args": (
        "missing `args`: a proto3 repeated field cannot be absent (missing = [] = valid)"
    ),
    "L0-ENV-007:invalid-args-not-array": (
        "non-array `args`: EnqueueRequest.args is a repeated Value, always a list"
    ),
    "L0-ENV-010:valid-id-client-provided": _ID_REASON,
    "L0-ENV-011:invalid-id-format": _ID_REASON + " (so its format cannot be rejected)",
    "L0-ENV-014:valid-unknown-fields-preserved": (
        "unknown top-level attributes: neither EnqueueRequest nor Job has a place for them"
    ),
    "L0-OPS-015:error-validation-invalid-payload": (
        "malformed JSON body (`raw_body`): a protobuf request cannot be malformed JSON"
    ),
    "L0-OPS-017:error-duplicate-job": _ID_REASON + " (so no duplicate id can be sent)",
    # Level 1
    "L1-RTR-009:retry-linear-backoff": (
        "retry.backoff_strategy `linear`: RetryPolicy has no strategy field (semantics §5.1)"
    ),
    # Level 3 (batch callbacks have no proto form)
    "L3-BAT-001:batch-success-callback": "batch workflow `callbacks`: no proto form",
    "L3-BAT-002:batch-complete-callback": "batch workflow `callbacks`: no proto form",
    "L3-BAT-003:batch-failure-callback": "batch workflow `callbacks`: no proto form",
    "L3-BAT-004:batch-no-success-on-failure": "batch workflow `callbacks`: no proto form",
    "L3-BAT-005:batch-complete-always-fires": "batch workflow `callbacks`: no proto form",
    # Level 4
    "L4-RL-001:rate-limit-per-queue": "options.rate_limit: EnqueueOptions has no rate-limit field",
}
"""Whole cases whose request has no proto form, with the reason (semantics §11.9)."""

_REQUEUE_REASON: Final = (
    "the `requeue: true` tail of L1-WRK-003: NackRequest has no requeue flag (semantics §11.9)"
)

HTTP_ONLY_STEPS: Final[Mapping[str, Mapping[str, str]]] = {
    "L0-OPS-003:enqueue-validates-envelope": {
        "step-3": "non-array `args`: EnqueueRequest.args is a repeated Value, always a list",
    },
    "L1-WRK-003:worker-graceful-shutdown": {
        "step-4": _REQUEUE_REASON,
        "step-5": _REQUEUE_REASON,
        "step-6": _REQUEUE_REASON,
        "step-7": _REQUEUE_REASON,
    },
}
"""Steps of translated cases that are HTTP-only, with the reason; they are not run."""


@dataclass(frozen=True)
class HttpOnlyAssertion:
    """Body assertion paths the proto cannot express.

    ``path`` is matched (``re.fullmatch``) against the assertion path without its ``$.``
    prefix; ``routes`` restricts the rule to steps routed to those RPCs (empty: every route).
    """

    path: re.Pattern[str]
    reason: str
    routes: frozenset[str] = frozenset()

    def applies(self, route: str, path: str) -> bool:
        """Whether this rule removes ``path`` of a step routed to ``route``."""
        if self.routes and route not in self.routes:
            return False
        return self.path.fullmatch(path.removeprefix("$.")) is not None


_JOB: Final = r"(?:job|jobs\[[^\]]*\])"

HTTP_ONLY_ASSERTIONS: Final[tuple[HttpOnlyAssertion, ...]] = (
    HttpOnlyAssertion(
        re.compile(_JOB + r"\.error(?:[.\[].*)?"),
        "the singular current `error` of the JSON job: Job keeps only the `errors` history "
        "(semantics §11.9, §5.5)",
    ),
    HttpOnlyAssertion(
        re.compile(_JOB + r"\.(?:cancelled_at|discarded_at)"),
        "`cancelled_at` / `discarded_at`: Job has no such Timestamp (semantics §11.9, §2.3)",
    ),
    HttpOnlyAssertion(
        re.compile(_JOB + r"\.retry_delay_ms"),
        "`retry_delay_ms`: no Job field (semantics §11.9)",
    ),
    HttpOnlyAssertion(
        re.compile(_JOB + r"\.parent_results(?:[.\[].*)?"),
        "`parent_results`: no Job field (semantics §11.9)",
    ),
    HttpOnlyAssertion(
        re.compile(r"(?:discarded_at|retry_delay_ms)"),
        "NACK reply `discarded_at` / `retry_delay_ms`: neither NackResponse nor Job carries it "
        "(semantics §11.9)",
        frozenset({"Nack"}),
    ),
    HttpOnlyAssertion(
        re.compile(r"(?:cancelled_at|previous_state)"),
        "cancel reply extras: CancelJobResponse carries only the job (semantics §3.6)",
        frozenset({"CancelJob"}),
    ),
    HttpOnlyAssertion(
        re.compile(r"job_id"),
        "dead-letter delete echo of `job_id`: DeleteDeadLetterResponse is empty; only "
        "`deleted` is checked, as `GetJob` answering NOT_FOUND (semantics §11.9)",
        frozenset({"DeleteDeadLetter"}),
    ),
    HttpOnlyAssertion(
        re.compile(r"error\.(?:type|hint|docs_url)"),
        "`error.type` / `hint` / `docs_url`: HTTP error-body extras; ErrorInfo carries reason "
        "and metadata only (semantics §11.9)",
    ),
    # Level 2: cron
    HttpOnlyAssertion(
        re.compile(
            r"(?:cron|crons\[[^\]]*\])\.(?:enabled|created_at|overlap_policy|description|run_count)"
        ),
        "cron `enabled` / `created_at` / `overlap_policy` / `description` / `run_count`: neither "
        "RegisterCronResponse nor CronEntry has the field (semantics §8.1, §11.9)",
        frozenset({"RegisterCron", "ListCron"}),
    ),
    HttpOnlyAssertion(
        re.compile(r"cron(?:[.\[].*)?"),
        "the `cron` object of the delete reply: UnregisterCronResponse is empty; the OK status "
        "is checked (semantics §8.1, §11.9)",
        frozenset({"UnregisterCron"}),
    ),
    # Level 3: workflows
    HttpOnlyAssertion(
        re.compile(r"workflow\.type"),
        "workflow `type` (chain / group): Workflow has no type field, the proto knows only the "
        "step DAG (semantics §9.1, §11.9)",
        frozenset({"CreateWorkflow", "GetWorkflow", "CancelWorkflow"}),
    ),
    # Level 4: queue statistics
    HttpOnlyAssertion(
        re.compile(r"(?:queue|stats)\.completed"),
        "total `completed` count: QueueStatistics has only completed_last_hour (semantics §10.4, "
        "§11.9)",
        frozenset({"QueueStats"}),
    ),
)
"""Assertion paths that are HTTP-only wherever they appear (semantics §11.9)."""

HTTP_ONLY_ASSERTION_KINDS: Final[Mapping[str, str]] = {
    "headers": "HTTP headers (Content-Type, OJS-Version, ...) have no gRPC counterpart "
    "(semantics §11.9)",
}
"""Whole assertion kinds that are HTTP-only."""

HTTP_ONLY_CASE_ASSERTIONS: Final[Mapping[str, Mapping[str, Mapping[str, str]]]] = {
    "L2-TTL-002:unexpired-job-executes": {
        "step-1": {
            "$.job.expires_at": "the echo of the case's `expires_at` text: gRPC sends a ttl, "
            "the server derives the instant (semantics §11.9)",
        },
    },
}
"""Case-specific HTTP-only assertions: case key -> step id -> path -> reason."""


@dataclass(frozen=True)
class HttpOnlyPart:
    """One part of a translated case left to the HTTP run."""

    step_id: str
    what: str
    """``assertion <path>``, ``assertion kind <kind>``, ``request field <name>`` or ``step``."""
    reason: str

    def __str__(self) -> str:
        return f"[{self.step_id}] {self.what}: {self.reason}"


class NotCarried(Exception):
    """A request (or part of one) has no proto form: the step is HTTP-only."""


class TranslationGap(Exception):
    """A route this translator has no handler for (one no level 0-4 case uses)."""


# =============================================================================================
# Client-side value conversions (JSON <-> protobuf well-known types)
# =============================================================================================

_INT32_MIN: Final = -(2**31)
_INT32_MAX: Final = 2**31 - 1
_MAX_SAFE_INT: Final = 2**53
_ISO_DURATION_RE: Final = re.compile(
    r"P(?:(?P<w>\d+(?:\.\d+)?)W)?(?:(?P<d>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?"
)
_UNIT_MS: Final = {"w": 604_800_000, "d": 86_400_000, "h": 3_600_000, "m": 60_000, "s": 1000}


def parse_iso_duration_ms(text: str, path: str) -> int:
    """An ISO 8601 duration (``PT1S``, ``PT0.5S``, ``PT5M``, ``P1D``, ``P2W``) in milliseconds.

    Raises :class:`NotCarried` for text that is not such a duration: a ``Duration`` field
    cannot carry an invalid duration string.
    """
    match = _ISO_DURATION_RE.fullmatch(text)
    if match is None or text in ("P", "PT") or text.endswith("T"):
        raise NotCarried(f"{path}: {text!r} is not an ISO 8601 duration a Duration can carry")
    total = 0.0
    for unit, factor in _UNIT_MS.items():
        if match.group(unit) is not None:
            total += float(match.group(unit)) * factor
    return round(total)


def _duration(ms: int) -> duration_pb2.Duration:
    sign = -1 if ms < 0 else 1
    seconds, rem = divmod(abs(ms), 1000)
    return duration_pb2.Duration(seconds=sign * seconds, nanos=sign * rem * 1_000_000)


def _duration_ms(value: duration_pb2.Duration) -> int:
    return value.seconds * 1000 + value.nanos // 1_000_000


def _iso_duration(value: duration_pb2.Duration) -> str:
    ms = _duration_ms(value)
    seconds = ms / 1000
    text = f"{seconds:.3f}".rstrip("0").rstrip(".")
    return f"PT{text}S"


def _timestamp(ms: int) -> timestamp_pb2.Timestamp:
    seconds, rem = divmod(ms, 1000)
    return timestamp_pb2.Timestamp(seconds=seconds, nanos=rem * 1_000_000)


def _parse_rfc3339_ms(text: str, path: str) -> int:
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise NotCarried(
            f"{path}: {text!r} is not an RFC 3339 instant a Timestamp can carry"
        ) from None
    if instant.tzinfo is None:
        raise NotCarried(f"{path}: {text!r} has no time zone; a Timestamp needs one")
    return math.floor(instant.timestamp() * 1000)


def _instant_ms(value: Any, path: str, now_ms: int) -> int:
    """An absolute RFC 3339 instant, or ``+<ISO duration>`` = the client clock plus it."""
    if not isinstance(value, str):
        raise NotCarried(f"{path}: {value!r} is not a time a Timestamp can carry")
    if value.startswith("+"):
        return now_ms + parse_iso_duration_ms(value[1:], path)
    return _parse_rfc3339_ms(value, path)


def _ts_json(value: timestamp_pb2.Timestamp) -> str:
    return value.ToJsonString()


def _py_to_value(obj: Any, out: struct_pb2.Value, path: str) -> None:
    if obj is None:
        out.null_value = struct_pb2.NULL_VALUE
    elif isinstance(obj, bool):
        out.bool_value = obj
    elif isinstance(obj, int | float):
        if isinstance(obj, int) and abs(obj) > _MAX_SAFE_INT:
            raise NotCarried(f"{path}: integer {obj} does not survive a double Value")
        out.number_value = float(obj)
    elif isinstance(obj, str):
        out.string_value = obj
    elif isinstance(obj, dict):
        _py_to_struct(obj, out.struct_value, path)
    elif isinstance(obj, list):
        out.list_value.SetInParent()
        for index, item in enumerate(obj):
            _py_to_value(item, out.list_value.values.add(), f"{path}[{index}]")
    else:
        raise NotCarried(f"{path}: {obj!r} is not a JSON value")


def _py_to_struct(obj: Mapping[str, Any], out: struct_pb2.Struct, path: str) -> None:
    out.SetInParent()
    for key, value in obj.items():
        _py_to_value(value, out.fields[str(key)], f"{path}.{key}")


def _value_to_py(value: struct_pb2.Value) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "number_value":
        number = value.number_value
        if number.is_integer() and abs(number) < _MAX_SAFE_INT:
            return int(number)
        return number
    if kind == "string_value":
        return value.string_value
    if kind == "bool_value":
        return value.bool_value
    if kind == "struct_value":
        return _struct_to_py(value.struct_value)
    if kind == "list_value":
        return [_value_to_py(item) for item in value.list_value.values]
    return None


def _struct_to_py(struct: struct_pb2.Struct) -> dict[str, Any]:
    return {key: _value_to_py(value) for key, value in struct.fields.items()}


def _int32(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise NotCarried(f"{path}: {value!r} cannot be carried by an int32 field")
    if not _INT32_MIN <= value <= _INT32_MAX:
        raise NotCarried(f"{path}: {value} is outside the int32 range")
    return value


def _string(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise NotCarried(f"{path}: {value!r} cannot be carried by a string field")
    return value


def _strings(value: Any, path: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise NotCarried(f"{path}: {value!r} cannot be carried by a repeated string field")
    return list(value)


def _object(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise NotCarried(f"{path}: {value!r} cannot be carried by a Struct / message field")
    return value


def _check_keys(obj: Mapping[str, Any], known: Iterable[str], path: str) -> None:
    unknown = sorted(set(obj) - set(known))
    if unknown:
        where = f"{path}." if path else ""
        raise NotCarried(f"no proto field for {', '.join(where + key for key in unknown)}")


def _enum_json(name: str, prefix: str) -> str:
    return name.removeprefix(prefix).lower()


def _job_state_json(state: int) -> str:
    try:
        return _enum_json(job_pb2.JobState.Name(state), "JOB_STATE_")  # type: ignore[arg-type]
    except ValueError:
        return f"unknown({state})"


_JOB_STATE_FROM_JSON: Final = {
    _enum_json(name, "JOB_STATE_"): number
    for name, number in job_pb2.JobState.items()
    if number != job_pb2.JOB_STATE_UNSPECIFIED
}
_CONFLICT_FROM_JSON: Final = {
    _enum_json(name, "UNIQUE_CONFLICT_ACTION_"): number
    for name, number in job_pb2.UniqueConflictAction.items()
    if number != job_pb2.UNIQUE_CONFLICT_ACTION_UNSPECIFIED
}

# =============================================================================================
# Requests: case JSON -> proto (semantics §11.9, left table)
# =============================================================================================

_ENVELOPE_KEYS: Final = frozenset(
    {
        "type",
        "args",
        "meta",
        "options",
        "queue",
        "priority",
        "scheduled_at",
        "expires_at",
        "retry",
        "unique",
        "timeout",
        "visibility_timeout",
        "tags",
        "specversion",
    }
)
_OPTION_KEYS: Final = frozenset(
    {
        "queue",
        "priority",
        "timeout_ms",
        "visibility_timeout_ms",
        "scheduled_at",
        "delay_until",
        "expires_at",
        "max_attempts",
        "retry",
        "retry_policy",
        "unique",
        "tags",
        "trace_id",
        "metadata",
    }
)
_RETRY_KEYS: Final = frozenset(
    {
        "max_attempts",
        "initial_interval",
        "initial_interval_ms",
        "backoff_coefficient",
        "max_interval",
        "max_interval_ms",
        "jitter",
        "non_retryable_errors",
        "on_exhaustion",
        "backoff_strategy",
        "backoff_type",
    }
)
_UNIQUE_KEYS: Final = frozenset(
    {"keys", "period", "on_conflict", "states", "args_keys", "meta_keys"}
)


def _retry_policy(raw: Any, path: str) -> job_pb2.RetryPolicy:
    """``options.retry`` -> RetryPolicy; ``jitter`` is always set (semantics §11.4, §11.9)."""
    policy = _object(raw, path)
    _check_keys(policy, _RETRY_KEYS, path)
    out = job_pb2.RetryPolicy()
    if policy.get("max_attempts") is not None:
        out.max_attempts = _int32(policy["max_attempts"], f"{path}.max_attempts")
    for name in ("initial_interval", "max_interval"):
        target = getattr(out, name)
        if policy.get(name) is not None:
            text = _string(policy[name], f"{path}.{name}")
            target.CopyFrom(_duration(parse_iso_duration_ms(text, f"{path}.{name}")))
        elif policy.get(f"{name}_ms") is not None:
            target.CopyFrom(_duration(_int32(policy[f"{name}_ms"], f"{path}.{name}_ms")))
    coefficient = policy.get("backoff_coefficient")
    if coefficient is not None:
        if isinstance(coefficient, bool) or not isinstance(coefficient, int | float):
            raise NotCarried(f"{path}.backoff_coefficient: {coefficient!r} is not a double")
        out.backoff_coefficient = float(coefficient)
    jitter = policy.get("jitter", True)
    if not isinstance(jitter, bool):
        raise NotCarried(f"{path}.jitter: {jitter!r} is not a bool")
    out.jitter = jitter
    if policy.get("non_retryable_errors") is not None:
        out.non_retryable_errors.extend(
            _strings(policy["non_retryable_errors"], f"{path}.non_retryable_errors")
        )
    if policy.get("on_exhaustion") is not None:
        out.on_exhaustion = _string(policy["on_exhaustion"], f"{path}.on_exhaustion")
    strategy = policy.get("backoff_strategy", policy.get("backoff_type"))
    if strategy is not None and strategy != "exponential":
        raise NotCarried(
            f"{path}.backoff_strategy {strategy!r}: RetryPolicy has no strategy field "
            "(only the default, exponential, is expressible)"
        )
    return out


def _unique_policy(raw: Any, path: str) -> job_pb2.UniquePolicy:
    policy = _object(raw, path)
    _check_keys(policy, _UNIQUE_KEYS, path)
    out = job_pb2.UniquePolicy()
    if policy.get("keys") is not None:
        out.key.extend(_strings(policy["keys"], f"{path}.keys"))
    if policy.get("period") is not None:
        text = _string(policy["period"], f"{path}.period")
        out.period.CopyFrom(_duration(parse_iso_duration_ms(text, f"{path}.period")))
    if policy.get("on_conflict") is not None:
        action = _string(policy["on_conflict"], f"{path}.on_conflict")
        if action not in _CONFLICT_FROM_JSON:
            raise NotCarried(f"{path}.on_conflict {action!r}: no UniqueConflictAction value")
        out.on_conflict = _CONFLICT_FROM_JSON[action]
    if policy.get("states") is not None:
        for state in _strings(policy["states"], f"{path}.states"):
            if state not in _JOB_STATE_FROM_JSON:
                raise NotCarried(f"{path}.states: {state!r} is no JobState")
            out.states.append(_JOB_STATE_FROM_JSON[state])
    for name in ("args_keys", "meta_keys"):
        if policy.get(name) is not None:
            getattr(out, name).extend(_strings(policy[name], f"{path}.{name}"))
    return out


def enqueue_options(env: Mapping[str, Any], now_ms: int, path: str = "") -> job_pb2.EnqueueOptions:
    """The ``EnqueueOptions`` of a PUSH body (semantics §11.9).

    Envelope-level attributes are merged with ``options`` the way the HTTP binding merges them
    (``options`` wins); body-level ``meta`` and ``options.metadata`` are merged into ``meta``.
    """
    raw_options = env.get("options")
    options = _object(raw_options, f"{path}options") if raw_options is not None else {}
    _check_keys(options, _OPTION_KEYS, f"{path}options")
    merged: dict[str, Any] = {
        key: env[key]
        for key in ("queue", "priority", "scheduled_at", "expires_at", "retry", "unique", "tags")
        if key in env
    }
    if env.get("timeout") is not None:
        merged["timeout_ms"] = _int32(env["timeout"], f"{path}timeout") * 1000
    if env.get("visibility_timeout") is not None:
        seconds = _int32(env["visibility_timeout"], f"{path}visibility_timeout")
        merged["visibility_timeout_ms"] = seconds * 1000
    merged.update(options)
    o = f"{path}options."
    out = job_pb2.EnqueueOptions()
    if merged.get("queue") is not None:
        out.queue = _string(merged["queue"], f"{o}queue")
    if merged.get("priority") is not None:
        out.priority = _int32(merged["priority"], f"{o}priority")
    if merged.get("timeout_ms") is not None:
        out.timeout.CopyFrom(_duration(_int32(merged["timeout_ms"], f"{o}timeout_ms")))
    if merged.get("visibility_timeout_ms") is not None:
        ms = _int32(merged["visibility_timeout_ms"], f"{o}visibility_timeout_ms")
        out.visibility_timeout.CopyFrom(_duration(ms))
    delay = merged.get("delay_until")
    if delay is None:
        delay = merged.get("scheduled_at")
    if delay is not None:
        out.delay_until.CopyFrom(_timestamp(_instant_ms(delay, f"{o}delay_until", now_ms)))
    expires = merged.get("expires_at")
    if expires is not None:
        if isinstance(expires, str) and expires.startswith("+"):
            ttl_ms = parse_iso_duration_ms(expires[1:], f"{o}expires_at")
        else:
            ttl_ms = _instant_ms(expires, f"{o}expires_at", now_ms) - now_ms
        out.ttl.CopyFrom(_duration(ttl_ms))
    if merged.get("max_attempts") is not None:
        out.max_attempts = _int32(merged["max_attempts"], f"{o}max_attempts")
    retry = merged.get("retry", merged.get("retry_policy"))
    if retry is not None:
        out.retry.CopyFrom(_retry_policy(retry, f"{o}retry"))
    if merged.get("unique") is not None:
        out.unique.CopyFrom(_unique_policy(merged["unique"], f"{o}unique"))
    if merged.get("tags") is not None:
        out.tags.extend(_strings(merged["tags"], f"{o}tags"))
    if merged.get("trace_id") is not None:
        out.trace_id = _string(merged["trace_id"], f"{o}trace_id")
    meta: dict[str, Any] | None = None
    if env.get("meta") is not None:
        meta = dict(_object(env["meta"], f"{path}meta"))
    if merged.get("metadata") is not None:
        meta = {**(meta or {}), **_object(merged["metadata"], f"{o}metadata")}
    if meta is not None:
        _py_to_struct(meta, out.meta, f"{path}meta")
    return out


def enqueue_request(
    body: Any, now_ms: int, path: str = ""
) -> tuple[job_pb2.EnqueueRequest, list[str]]:
    """A PUSH body -> ``EnqueueRequest`` plus the HTTP-only fields dropped on the way.

    Raises :class:`NotCarried` for what has no proto form: a client ``id``, ``args`` missing
    or not an array, unknown attributes, ``schema``, ``pending``, ``rate_limit``, a
    ``specversion`` other than ``"1.0"``, a non-default backoff strategy, ...
    """
    env = _object(body, path or "body")
    dropped: list[str] = []
    if "id" in env:
        raise NotCarried(f"{path}id: client-supplied job id (EnqueueRequest has no id field)")
    if "specversion" in env:
        if env["specversion"] != "1.0":
            raise NotCarried(f"{path}specversion {env['specversion']!r}: no proto field")
        dropped.append(f"{path}specversion")
    _check_keys(env, _ENVELOPE_KEYS, path.rstrip("."))
    if "args" not in env:
        raise NotCarried(f"{path}args missing: a repeated field cannot be absent")
    args = env["args"]
    if not isinstance(args, list):
        raise NotCarried(f"{path}args is not an array: EnqueueRequest.args is a repeated Value")
    request = job_pb2.EnqueueRequest()
    if env.get("type") is not None:
        request.type = _string(env["type"], f"{path}type")
    for index, arg in enumerate(args):
        _py_to_value(arg, request.args.add(), f"{path}args[{index}]")
    options = enqueue_options(env, now_ms, path)
    if options.ListFields():
        request.options.CopyFrom(options)
    return request, dropped


def fetch_request(body: Any) -> worker_pb2.FetchRequest:
    """A FETCH body -> ``FetchRequest`` (``queues``, ``worker_id``, ``count``)."""
    obj = _object(body, "body")
    _check_keys(obj, ("queues", "worker_id", "count"), "")
    request = worker_pb2.FetchRequest()
    if obj.get("queues") is not None:
        request.queues.extend(_strings(obj["queues"], "queues"))
    if obj.get("worker_id") is not None:
        request.worker_id = _string(obj["worker_id"], "worker_id")
    if obj.get("count") is not None:
        request.count = _int32(obj["count"], "count")
    return request


def _job_id(obj: Mapping[str, Any]) -> str:
    job_id = obj.get("job_id", obj.get("id"))
    return "" if job_id is None else _string(job_id, "job_id")


def ack_request(body: Any) -> tuple[worker_pb2.AckRequest, list[str]]:
    """An ACK body -> ``AckRequest`` (object ``result`` -> Struct) plus dropped fields."""
    obj = _object(body, "body")
    _check_keys(obj, ("job_id", "id", "result", "worker_id"), "")
    request = worker_pb2.AckRequest(job_id=_job_id(obj))
    result = obj.get("result")
    if result is not None:
        if not isinstance(result, dict):
            raise NotCarried("result: only an object result fits AckRequest.result (a Struct)")
        _py_to_struct(result, request.result, "result")
    return request, (["worker_id"] if "worker_id" in obj else [])


def nack_request(body: Any) -> tuple[worker_pb2.NackRequest, list[str]]:
    """A NACK body -> ``NackRequest`` with ``error`` as ``JobError`` plus dropped fields.

    ``error.code``, ``message``, ``details`` (``error_class`` stays inside), ``retryable``
    and ``backtrace`` have JobError fields; ``requeue`` has none (HTTP-only).
    """
    obj = _object(body, "body")
    _check_keys(obj, ("job_id", "id", "error", "worker_id", "requeue"), "")
    if obj.get("requeue"):
        raise NotCarried("requeue: NackRequest has no requeue flag")
    request = worker_pb2.NackRequest(job_id=_job_id(obj))
    if obj.get("error") is not None:
        error = _object(obj["error"], "error")
        _check_keys(error, ("code", "message", "details", "retryable", "backtrace"), "error")
        out = request.error
        out.SetInParent()
        if error.get("code") is not None:
            out.code = _string(error["code"], "error.code")
        if error.get("message") is not None:
            out.message = _string(error["message"], "error.message")
        if error.get("retryable") is not None:
            if not isinstance(error["retryable"], bool):
                raise NotCarried(f"error.retryable: {error['retryable']!r} is not a bool")
            out.retryable = error["retryable"]
        if error.get("details") is not None:
            _py_to_struct(_object(error["details"], "error.details"), out.details, "details")
        backtrace = error.get("backtrace")
        if backtrace is not None:
            lines = [backtrace] if isinstance(backtrace, str) else _strings(backtrace, "backtrace")
            out.backtrace = "\n".join(lines)
    dropped = [name for name in ("worker_id", "requeue") if name in obj]
    return request, dropped


def heartbeat_requests(body: Any) -> list[worker_pb2.HeartbeatRequest]:
    """An HTTP heartbeat -> one ``Heartbeat`` per listed job (``active_jobs``, ``job_id``).

    ``visibility_timeout_ms`` becomes ``extend_by``. Without any listed job it is one
    worker-level beat (``id`` empty); note that such a beat extends every job the worker holds
    (semantics §6.3), while an HTTP beat listing no job extends none (no level 0-1 case sends
    one).
    """
    obj = _object(body, "body")
    _check_keys(obj, ("worker_id", "active_jobs", "job_id", "visibility_timeout_ms"), "")
    worker_id = "" if obj.get("worker_id") is None else _string(obj["worker_id"], "worker_id")
    ids = _strings(obj.get("active_jobs") or [], "active_jobs")
    if obj.get("job_id") is not None:
        ids.append(_string(obj["job_id"], "job_id"))
    extend_by: duration_pb2.Duration | None = None
    if obj.get("visibility_timeout_ms") is not None:
        extend_by = _duration(_int32(obj["visibility_timeout_ms"], "visibility_timeout_ms"))
    requests = []
    for job_id in ids or [""]:
        request = worker_pb2.HeartbeatRequest(id=job_id, worker_id=worker_id)
        if extend_by is not None:
            request.extend_by.CopyFrom(extend_by)
        requests.append(request)
    return requests


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise NotCarried(f"{path}: {value!r} cannot be carried by a repeated field")
    return value


def _member_job(
    raw: Any, now_ms: int, path: str, *, args_default: bool = False
) -> tuple[job_pb2.EnqueueRequest, list[str]]:
    """A job object inside another request (cron template, workflow member, batch entry).

    Translated exactly like a PUSH body (:func:`enqueue_request`); with ``args_default`` a
    missing ``args`` is ``[]`` (the cron object's default, semantics §8.1).
    """
    job = _object(raw, path.rstrip("."))
    if args_default and "args" not in job:
        job = {**job, "args": []}
    return enqueue_request(job, now_ms, path)


_CRON_KEYS: Final = frozenset(
    {
        "name",
        "expression",
        "cron",
        "timezone",
        "job_template",
        "type",
        "args",
        "options",
        "overlap_policy",
        "enabled",
        "description",
    }
)


def cron_request(body: Any, now_ms: int) -> tuple[service_pb2.RegisterCronRequest, list[str]]:
    """A ``POST /ojs/v1/cron`` body -> ``RegisterCronRequest`` plus the fields dropped.

    ``expression`` (or the binding's ``cron``) -> ``cron``; ``job_template{type, args,
    options}`` (or the binding's flat ``type``/``args``/``options``) -> ``type``, ``args``,
    ``options``; ``name``, ``timezone`` as they are. ``overlap_policy: "skip"`` and
    ``enabled: true`` are the defaults the server applies and are dropped (listed); any other
    value, or a ``description``, has no proto form (semantics §8.1, §11.9).
    """
    obj = _object(body, "body")
    _check_keys(obj, _CRON_KEYS, "")
    dropped: list[str] = []
    request = service_pb2.RegisterCronRequest()
    if obj.get("name") is not None:
        request.name = _string(obj["name"], "name")
    if "expression" in obj and "cron" in obj:
        raise NotCarried("both `expression` and `cron`: RegisterCronRequest has one cron field")
    expression = obj.get("expression", obj.get("cron"))
    if expression is not None:
        request.cron = _string(expression, "expression")
    if obj.get("timezone") is not None:
        request.timezone = _string(obj["timezone"], "timezone")
    overlap = obj.get("overlap_policy")
    if overlap is not None:
        if overlap != "skip":
            raise NotCarried(
                f"overlap_policy {overlap!r}: RegisterCronRequest has no overlap field (only the "
                "default, skip, is expressible)"
            )
        dropped.append("overlap_policy")
    enabled = obj.get("enabled")
    if enabled is not None:
        if enabled is not True:
            raise NotCarried(
                f"enabled {enabled!r}: RegisterCronRequest has no enabled flag (only the "
                "default, true, is expressible)"
            )
        dropped.append("enabled")
    if obj.get("description") is not None:
        raise NotCarried("description: RegisterCronRequest has no description field")
    flat = {key: obj[key] for key in ("type", "args", "options") if key in obj}
    if "job_template" in obj and flat:
        raise NotCarried(
            "both `job_template` and flat type/args/options: only one job description fits"
        )
    template = obj["job_template"] if "job_template" in obj else flat
    job, job_dropped = _member_job(template, now_ms, "job_template.", args_default=True)
    dropped.extend(job_dropped)
    request.type = job.type
    request.args.extend(job.args)
    if job.HasField("options"):
        request.options.CopyFrom(job.options)
    return request, dropped


WorkflowKind = Literal["chain", "group", "dag"]


def workflow_request(
    body: Any, now_ms: int
) -> tuple[workflow_pb2.CreateWorkflowRequest, WorkflowKind, list[str]]:
    """A ``POST /ojs/v1/workflows`` body -> ``CreateWorkflowRequest``, its kind, dropped fields.

    Chain ``steps[i]`` -> ``WorkflowStep{id: "<i>", depends_on: ["<i-1>"], type, args,
    options}``; group ``jobs[i]`` -> ``WorkflowStep{id: "<i>"}`` without ``depends_on``; a body
    without ``type`` is the binding's DAG (``steps[{id, depends_on, type, args, options}]``).
    A batch (``callbacks``) has no proto form (semantics §9.1, §11.9).
    """
    obj = _object(body, "body")
    kind = obj.get("type")
    request = workflow_pb2.CreateWorkflowRequest()
    dropped: list[str] = []
    if kind == "batch":
        raise NotCarried("batch workflow: `callbacks` have no proto form (semantics §9.1)")
    if kind == "chain":
        _check_keys(obj, ("type", "name", "steps"), "")
        members, member_field = obj.get("steps"), "steps"
    elif kind == "group":
        _check_keys(obj, ("type", "name", "jobs"), "")
        members, member_field = obj.get("jobs"), "jobs"
    elif kind is None:
        _check_keys(obj, ("name", "steps"), "")
        members, member_field = obj.get("steps"), "steps"
    else:
        raise NotCarried(f"workflow type {kind!r}: only chain and group map onto the step DAG")
    if obj.get("name") is not None:
        request.name = _string(obj["name"], "name")
    for index, raw in enumerate(_list(members or [], member_field)):
        path = f"{member_field}[{index}]"
        step = request.steps.add()
        if kind is None:
            member = dict(_object(raw, path))
            step_id = member.pop("id", None)
            if step_id is not None:
                step.id = _string(step_id, f"{path}.id")
            depends_on = member.pop("depends_on", None)
            if depends_on is not None:
                step.depends_on.extend(_strings(depends_on, f"{path}.depends_on"))
            raw = member
        else:
            step.id = str(index)
            if kind == "chain" and index > 0:
                step.depends_on.append(str(index - 1))
        job, job_dropped = _member_job(raw, now_ms, f"{path}.")
        dropped.extend(job_dropped)
        step.type = job.type
        step.args.extend(job.args)
        if job.HasField("options"):
            step.options.CopyFrom(job.options)
    return request, ("dag" if kind is None else kind), dropped


def batch_request(body: Any, now_ms: int) -> tuple[job_pb2.EnqueueBatchRequest, list[str]]:
    """A ``POST /ojs/v1/jobs/batch`` body -> ``EnqueueBatchRequest`` plus dropped fields.

    Each ``jobs[i]`` is translated like a PUSH body into ``BatchJobEntry{type, args, options}``;
    an entry without ``type`` becomes ``type: ""`` (L4-BULK-002, semantics §11.9).
    """
    obj = _object(body, "body")
    _check_keys(obj, ("jobs",), "")
    request = job_pb2.EnqueueBatchRequest()
    dropped: list[str] = []
    for index, raw in enumerate(_list(obj.get("jobs") or [], "jobs")):
        job, job_dropped = _member_job(raw, now_ms, f"jobs[{index}].")
        dropped.extend(job_dropped)
        entry = request.jobs.add()
        entry.type = job.type
        entry.args.extend(job.args)
        if job.HasField("options"):
            entry.options.CopyFrom(job.options)
    return request, dropped


def _query(query: str, known: Iterable[str]) -> dict[str, str]:
    pairs = dict(parse_qsl(query, keep_blank_values=True))
    _check_keys(pairs, known, "query")
    return pairs


# =============================================================================================
# Responses: proto -> the JSON the assertions read (semantics §11.9, right table)
# =============================================================================================


def _error_entry_json(entry: job_pb2.JobError) -> dict[str, Any]:
    """One history entry: ``JobError.code`` is the error class, shown as ``type`` and ``code``."""
    out: dict[str, Any] = {
        "type": entry.code,
        "code": entry.code,
        "message": entry.message,
        "retryable": entry.retryable,
        "attempt": entry.attempt,
    }
    if entry.HasField("occurred_at"):
        out["occurred_at"] = _ts_json(entry.occurred_at)
    if entry.backtrace:
        out["backtrace"] = entry.backtrace
    if entry.HasField("details"):
        out["details"] = _struct_to_py(entry.details)
    return out


def job_json(job: job_pb2.Job) -> dict[str, Any]:
    """A ``Job`` as the JSON job the assertions read.

    Scalars are always present (``priority`` 0, ``attempt`` 0 are values); Timestamps,
    ``result``, ``meta``, the policies and the duration fields only when set; ``errors`` as a
    list. Nothing the proto lacks (``error``, ``cancelled_at``, ``discarded_at``,
    ``retry_delay_ms``, unknown attributes) is invented.
    """
    out: dict[str, Any] = {
        "id": job.id,
        "type": job.type,
        "queue": job.queue,
        "args": [_value_to_py(arg) for arg in job.args],
        "state": _job_state_json(job.state),
        "priority": job.priority,
        "attempt": job.attempt,
        "max_attempts": job.max_attempts,
        "errors": [_error_entry_json(entry) for entry in job.errors],
    }
    if job.specversion:
        out["specversion"] = job.specversion
    if job.HasField("meta"):
        out["meta"] = _struct_to_py(job.meta)
    if job.HasField("result"):
        out["result"] = _struct_to_py(job.result)
    for name in (
        "created_at",
        "enqueued_at",
        "scheduled_at",
        "started_at",
        "completed_at",
        "expires_at",
    ):
        if job.HasField(name):
            out[name] = _ts_json(getattr(job, name))
    if job.HasField("timeout"):
        out["timeout_ms"] = _duration_ms(job.timeout)
    if job.HasField("visibility_timeout"):
        out["visibility_timeout_ms"] = _duration_ms(job.visibility_timeout)
    if job.HasField("retry_policy"):
        policy = job.retry_policy
        retry: dict[str, Any] = {
            "max_attempts": policy.max_attempts,
            "backoff_coefficient": policy.backoff_coefficient,
            "jitter": policy.jitter,
            "non_retryable_errors": list(policy.non_retryable_errors),
            "on_exhaustion": policy.on_exhaustion,
        }
        if policy.HasField("initial_interval"):
            retry["initial_interval"] = _iso_duration(policy.initial_interval)
        if policy.HasField("max_interval"):
            retry["max_interval"] = _iso_duration(policy.max_interval)
        out["retry"] = retry
    if job.HasField("unique_policy"):
        unique = job.unique_policy
        unique_out: dict[str, Any] = {
            "keys": list(unique.key),
            "on_conflict": _enum_json(
                job_pb2.UniqueConflictAction.Name(unique.on_conflict), "UNIQUE_CONFLICT_ACTION_"
            ),
            "states": [_job_state_json(state) for state in unique.states],
            "args_keys": list(unique.args_keys),
            "meta_keys": list(unique.meta_keys),
        }
        if unique.HasField("period"):
            unique_out["period"] = _iso_duration(unique.period)
        out["unique"] = unique_out
    if job.tags:
        out["tags"] = list(job.tags)
    if job.trace_id:
        out["trace_id"] = job.trace_id
    if job.workflow_id:
        out["workflow_id"] = job.workflow_id
    return out


def _event_json(event: events_pb2.Event) -> dict[str, Any]:
    """An ``Event`` as an element of the HTTP ``events`` list.

    ``data.job_type`` / ``data.queue`` read the Event's own ``job_type`` / ``queue`` fields
    when the ``data`` Struct does not repeat them (the proto lifts them out of the payload).
    """
    data = _struct_to_py(event.data) if event.HasField("data") else {}
    if event.job_type:
        data.setdefault("job_type", event.job_type)
    if event.queue:
        data.setdefault("queue", event.queue)
    out: dict[str, Any] = {"id": event.id, "type": event.type, "data": data}
    if event.job_id:
        out["subject"] = event.job_id
        out["job_id"] = event.job_id
    if event.HasField("timestamp"):
        out["time"] = _ts_json(event.timestamp)
    if event.workflow_id:
        out["workflow_id"] = event.workflow_id
    return out


def cron_entry_json(entry: service_pb2.CronEntry) -> dict[str, Any]:
    """A ``CronEntry`` as the JSON cron object: ``cron`` is shown as ``expression``, the flat
    ``type``/``args`` as ``job_template``; ``enabled``, ``created_at``, ``overlap_policy`` are
    not invented (HTTP-only, semantics §8.1, §11.9)."""
    out: dict[str, Any] = {
        "name": entry.name,
        "expression": entry.cron,
        "timezone": entry.timezone,
        "job_template": {
            "type": entry.type,
            "args": [_value_to_py(arg) for arg in entry.args],
        },
    }
    if entry.HasField("next_run_at"):
        out["next_run_at"] = _ts_json(entry.next_run_at)
    if entry.HasField("last_run_at"):
        out["last_run_at"] = _ts_json(entry.last_run_at)
    return out


def workflow_json(workflow: workflow_pb2.Workflow, kind: WorkflowKind) -> dict[str, Any]:
    """A ``Workflow`` as the JSON workflow the assertions read (semantics §9.3, §11.9).

    ``state`` lower-cased without prefix; the counters are counted from ``Workflow.steps``:
    ``steps_total`` / ``steps_completed`` for a chain (and a DAG), ``jobs_total`` /
    ``jobs_completed`` for a group. ``type`` is not invented (HTTP-only).
    """
    steps = []
    for step in workflow.steps:
        step_out: dict[str, Any] = {
            "id": step.id,
            "type": step.type,
            "state": _enum_json(
                workflow_pb2.WorkflowStepState.Name(step.state), "WORKFLOW_STEP_STATE_"
            ),
            "depends_on": list(step.depends_on),
        }
        if step.job_id:
            step_out["job_id"] = step.job_id
        steps.append(step_out)
    out: dict[str, Any] = {
        "id": workflow.id,
        "name": workflow.name,
        "state": _enum_json(workflow_pb2.WorkflowState.Name(workflow.state), "WORKFLOW_STATE_"),
        "steps": steps,
    }
    total = len(workflow.steps)
    completed = sum(
        1 for step in workflow.steps if step.state == workflow_pb2.WORKFLOW_STEP_STATE_COMPLETED
    )
    prefix = "jobs" if kind == "group" else "steps"
    out[f"{prefix}_total"] = total
    out[f"{prefix}_completed"] = completed
    for name in ("created_at", "completed_at"):
        if workflow.HasField(name):
            out[name] = _ts_json(getattr(workflow, name))
    return out


def queue_stats_json(reply: queue_pb2.QueueStatsResponse) -> dict[str, Any]:
    """``QueueStatsResponse`` as ``{"queue": {name, <counters>}, "stats": {<counters>}}``.

    The cases read ``queue`` as an object (semantics §10.4): its ``name`` is
    ``QueueStatsResponse.queue``, the counters are the ``QueueStatistics`` fields. The total
    ``completed`` count has no proto field (HTTP-only).
    """
    stats = reply.stats
    counters: dict[str, Any] = {
        "available": stats.available,
        "active": stats.active,
        "scheduled": stats.scheduled,
        "retryable": stats.retryable,
        "dead": stats.dead,
        "completed_last_hour": stats.completed_last_hour,
        "failed_last_hour": stats.failed_last_hour,
        "avg_duration_ms": stats.avg_duration_ms,
        "avg_wait_ms": stats.avg_wait_ms,
        "throughput_per_second": stats.throughput_per_second,
        "paused": stats.paused,
    }
    return {"queue": {"name": reply.queue, **counters}, "stats": counters}


# =============================================================================================
# Errors and statuses (semantics §4.1, §4.2, §11.2, §11.9)
# =============================================================================================


@dataclass(frozen=True)
class RpcError:
    """A non-OK gRPC status with what its ``google.rpc.Status`` details say."""

    code: grpc.StatusCode
    message: str
    reason: str | None = None
    """``ErrorInfo.reason`` (``None`` without an ErrorInfo)."""
    metadata: Mapping[str, str] = field(default_factory=dict)
    """``ErrorInfo.metadata``."""
    problem: str | None = None
    """Why the details could not be read, if they could not."""

    def describe(self) -> str:
        """``CODE (reason r): message``."""
        reason = f" (reason {self.reason})" if self.reason is not None else " (no ErrorInfo)"
        return f"{self.code.name}{reason}: {self.message!r}"


def rpc_error(err: grpc.aio.AioRpcError) -> RpcError:
    """Read code, message and ``ErrorInfo`` of a failed call (``rpc_status.from_call``)."""
    code = err.code()
    message = err.details() or ""
    try:
        status = rpc_status.from_call(err)
    except ValueError as exc:
        return RpcError(code, message, problem=f"inconsistent status details: {exc}")
    if status is None:
        return RpcError(code, message)
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return RpcError(code, message, info.reason, dict(info.metadata))
    return RpcError(code, message)


_REASON_TO_HTTP_CODE: Final = {"invalid_state": "conflict"}
"""gRPC ``ErrorInfo.reason`` -> HTTP ``error.code`` where the bindings spell it differently."""


def error_body(error: RpcError) -> dict[str, Any]:
    """The HTTP error body a gRPC error stands for (``code``, ``message``, ``retryable``)."""
    out: dict[str, Any] = {"message": error.message}
    if error.reason is not None:
        out["code"] = _REASON_TO_HTTP_CODE.get(error.reason, error.reason)
    retryable = error.metadata.get("retryable")
    if retryable in ("true", "false"):
        out["retryable"] = retryable == "true"
    if "request_id" in error.metadata:
        out["request_id"] = error.metadata["request_id"]
    return {"error": out}


def http_equivalents(error: RpcError | None) -> tuple[int, ...]:
    """The HTTP statuses a gRPC outcome stands for (``None`` = OK).

    OK = 200/201; INVALID_ARGUMENT = 400/422; NOT_FOUND = 404; ALREADY_EXISTS with reason
    ``duplicate`` = 409; FAILED_PRECONDITION with reason ``invalid_state`` = 409 (``conflict``);
    UNIMPLEMENTED with reason ``unsupported`` = 422; RESOURCE_EXHAUSTED = 429;
    UNAUTHENTICATED = 401; PERMISSION_DENIED = 403; INTERNAL = 500; UNAVAILABLE = 503
    (semantics §11.9 and the columns of §4.1). Anything else stands for no HTTP status.
    """
    if error is None:
        return (200, 201)
    code, reason = error.code, error.reason
    simple: dict[grpc.StatusCode, tuple[int, ...]] = {
        grpc.StatusCode.INVALID_ARGUMENT: (400, 422),
        grpc.StatusCode.NOT_FOUND: (404,),
        grpc.StatusCode.RESOURCE_EXHAUSTED: (429,),
        grpc.StatusCode.UNAUTHENTICATED: (401,),
        grpc.StatusCode.PERMISSION_DENIED: (403,),
        grpc.StatusCode.INTERNAL: (500,),
        grpc.StatusCode.UNAVAILABLE: (503,),
    }
    if code in simple:
        return simple[code]
    if code == grpc.StatusCode.ALREADY_EXISTS and reason == "duplicate":
        return (409,)
    if code == grpc.StatusCode.FAILED_PRECONDITION and reason == "invalid_state":
        return (409,)
    if code == grpc.StatusCode.UNIMPLEMENTED and reason == "unsupported":
        return (422,)
    return ()


def _pick_status(assertions: Mapping[str, Any], candidates: Sequence[int]) -> int:
    """The first candidate status that satisfies ``status`` and ``status_in`` (else the first)."""
    for candidate in candidates:
        if "status" in assertions and check_status(assertions["status"], candidate) is not None:
            continue
        status_in = assertions.get("status_in")
        if status_in and (not isinstance(status_in, list) or candidate not in status_in):
            continue
        return candidate
    return candidates[0] if candidates else 0


# =============================================================================================
# Routes
# =============================================================================================


@dataclass(frozen=True)
class Route:
    """One HTTP route of the cases and the RPC it maps to (semantics §11.9, §12.2)."""

    method: str
    path: re.Pattern[str]
    rpc: str


def _route(method: str, path: str, rpc: str) -> Route:
    return Route(method, re.compile(path), rpc)


ROUTES: Final[tuple[Route, ...]] = (
    _route("GET", r"/ojs/manifest", "Manifest"),
    _route("GET", r"/ojs/v1/health", "Health"),
    _route("POST", r"/ojs/v1/jobs/batch", "EnqueueBatch"),
    _route("POST", r"/ojs/v1/jobs", "Enqueue"),
    _route("GET", r"/ojs/v1/jobs/(?P<id>[^/]+)", "GetJob"),
    _route("DELETE", r"/ojs/v1/jobs/(?P<id>[^/]+)", "CancelJob"),
    _route("POST", r"/ojs/v1/workers/fetch", "Fetch"),
    _route("POST", r"/ojs/v1/workers/ack", "Ack"),
    _route("POST", r"/ojs/v1/workers/nack", "Nack"),
    _route("POST", r"/ojs/v1/workers/heartbeat", "Heartbeat"),
    _route("GET", r"/ojs/v1/queues", "ListQueues"),
    _route("GET", r"/ojs/v1/queues/(?P<name>[^/]+)/stats", "QueueStats"),
    _route("POST", r"/ojs/v1/queues/(?P<name>[^/]+)/pause", "PauseQueue"),
    _route("POST", r"/ojs/v1/queues/(?P<name>[^/]+)/resume", "ResumeQueue"),
    _route("GET", r"/ojs/v1/dead-letter", "ListDeadLetter"),
    _route("POST", r"/ojs/v1/dead-letter/(?P<id>[^/]+)/retry", "RetryDeadLetter"),
    _route("DELETE", r"/ojs/v1/dead-letter/(?P<id>[^/]+)", "DeleteDeadLetter"),
    _route("GET", r"/ojs/v1/events", "StreamEvents"),
    _route("GET", r"/ojs/v1/cron", "ListCron"),
    _route("POST", r"/ojs/v1/cron", "RegisterCron"),
    _route("DELETE", r"/ojs/v1/cron/(?P<name>[^/]+)", "UnregisterCron"),
    _route("POST", r"/ojs/v1/workflows", "CreateWorkflow"),
    _route("GET", r"/ojs/v1/workflows/(?P<id>[^/]+)", "GetWorkflow"),
    _route("DELETE", r"/ojs/v1/workflows/(?P<id>[^/]+)", "CancelWorkflow"),
)
"""Every route the level 0-4 cases use (``ListQueues``: none does; it has no handler)."""


def route_step(method: str, target: str) -> tuple[Route, dict[str, str], str]:
    """The route of ``method target``, its (URL-decoded) path parameters and the query string.

    Raises :class:`NotCarried` when no RPC corresponds to the route.
    """
    parts = urlsplit(target)
    for route in ROUTES:
        if route.method != method.upper():
            continue
        match = route.path.fullmatch(parts.path)
        if match is not None:
            params = {key: unquote(value) for key, value in match.groupdict().items()}
            return route, params, parts.query
    raise NotCarried(f"no RPC for {method} {parts.path}")


def split_assertions(
    case_key: str, step_id: str, rpc: str, assertions: Mapping[str, Any]
) -> tuple[dict[str, Any], list[HttpOnlyPart]]:
    """Remove the HTTP-only assertions of one step; return what remains and what was removed.

    Whole kinds (:data:`HTTP_ONLY_ASSERTION_KINDS`) go; inside ``body`` and ``body_absent``,
    paths matching :data:`HTTP_ONLY_ASSERTIONS` for the step's RPC, or listed for the step in
    :data:`HTTP_ONLY_CASE_ASSERTIONS`, go. ``$or`` blocks are kept whole.
    """
    specific = HTTP_ONLY_CASE_ASSERTIONS.get(case_key, {}).get(step_id, {})

    def reason_for(path: str) -> str | None:
        if path in specific:
            return specific[path]
        for rule in HTTP_ONLY_ASSERTIONS:
            if rule.applies(rpc, path):
                return rule.reason
        return None

    kept: dict[str, Any] = {}
    removed: list[HttpOnlyPart] = []
    for kind, value in assertions.items():
        if kind in HTTP_ONLY_ASSERTION_KINDS:
            removed.append(
                HttpOnlyPart(step_id, f"assertion kind {kind}", HTTP_ONLY_ASSERTION_KINDS[kind])
            )
            continue
        if kind == "body" and isinstance(value, dict):
            body: dict[str, Any] = {}
            for path, matcher in value.items():
                operator = path.startswith("$") and not path.startswith("$.")  # "$or" stays
                reason = None if operator else reason_for(path)
                if reason is None:
                    body[path] = matcher
                else:
                    removed.append(HttpOnlyPart(step_id, f"assertion {path}", reason))
            kept[kind] = body
            continue
        if kind == "body_absent" and isinstance(value, list):
            paths = []
            for path in value:
                reason = reason_for(path) if isinstance(path, str) else None
                if reason is None:
                    paths.append(path)
                else:
                    removed.append(HttpOnlyPart(step_id, f"assertion absent {path}", reason))
            kept[kind] = paths
            continue
        kept[kind] = value
    return kept, removed


# =============================================================================================
# Running a case
# =============================================================================================


@dataclass
class GrpcStepRecord:
    """What happened in one step: the RPCs sent, the status, the translated body, the verdict."""

    step_id: str
    action: str
    target: str = ""
    """``METHOD path`` of the case step (after templates)."""
    rpc: str = ""
    """The RPC the step maps to."""
    calls: list[str] = field(default_factory=list)
    """Each RPC sent, with its request in protobuf text format."""
    error: RpcError | None = None
    """The non-OK status of the step's RPC (``None``: OK or nothing sent)."""
    body: dict[str, Any] | None = None
    """The JSON the assertions read."""
    duration_ms: int = 0
    http_only: list[HttpOnlyPart] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    skipped: str | None = None
    """Why the step was not run (an HTTP-only step)."""
    unsupported: str | None = None
    """Set when the step failed because an optional streaming RPC is not implemented."""

    def status_text(self) -> str:
        """``OK`` or the error's description, with the HTTP statuses it stands for."""
        if self.error is None:
            return "OK (= HTTP 200/201)"
        http = http_equivalents(self.error)
        shown = "/".join(str(code) for code in http) if http else "no HTTP status"
        return f"{self.error.describe()} (= {shown})"


@dataclass
class GrpcCaseResult:
    """Outcome of one case over gRPC."""

    key: str
    test_id: str
    level: int
    name: str
    outcome: Outcome
    failures: list[str] = field(default_factory=list)
    duration_s: float = 0.0
    reason: str = ""
    """Why the case is not carried (``not_carried``) or unsupported (``unsupported``)."""
    http_only: list[HttpOnlyPart] = field(default_factory=list)
    """HTTP-only steps, assertions and request fields left to the HTTP run."""
    steps: list[GrpcStepRecord] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Whether every translated assertion held."""
        return self.outcome == "pass"

    def format(self) -> str:
        """One line when passed or not run, else every failed step with its exchange."""
        head = f"{self.outcome.upper()} {self.key} (level {self.level}, {self.duration_s:.1f}s)"
        head += f" {self.name}"
        if self.reason:
            head += f": {self.reason}"
        lines = [head]
        if self.outcome in ("fail", "error", "unsupported"):
            for record in self.steps:
                if not record.failures:
                    continue
                lines.append(f"  {record.step_id}: {record.target} -> {record.rpc}")
                for call in record.calls:
                    lines.append(f"    rpc:    {_excerpt(call, 400)}")
                lines.append(f"    status: {record.status_text()}")
                if record.body is not None:
                    lines.append(f"    body:   {_excerpt(json.dumps(record.body), 600)}")
                for failure in record.failures:
                    lines.append(f"    x {_excerpt(failure.describe(), 500)}")
        if self.http_only:
            lines.append("  HTTP-only parts (left to the HTTP run):")
            lines.extend(f"    - {part}" for part in self.http_only)
        return "\n".join(lines)


def _excerpt(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


Req = TypeVar("Req", bound=Message)
Resp = TypeVar("Resp", bound=Message)


class _EventSubscription:
    """A ``StreamEvents`` call opened before the first step, buffering what arrives."""

    def __init__(
        self, stub: service_pb2_grpc.OJSServiceAsyncStub, request: events_pb2.StreamEventsRequest
    ) -> None:
        self.request = request
        self.call = stub.StreamEvents(request)
        self.events: list[events_pb2.Event] = []
        self.error: RpcError | None = None
        self.changed = asyncio.Event()
        self.done = False
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for event in self.call:
                if event.type == "stream.keepalive":
                    continue
                self.events.append(event)
                self.changed.set()
        except grpc.aio.AioRpcError as err:
            if err.code() != grpc.StatusCode.CANCELLED:
                self.error = rpc_error(err)
        finally:
            self.done = True
            self.changed.set()

    async def opened(self) -> None:
        """Wait (briefly) until the server has taken the subscription."""
        with contextlib.suppress(TimeoutError, grpc.aio.AioRpcError):
            await asyncio.wait_for(self.call.initial_metadata(), EVENT_SUBSCRIBE_WAIT_S)

    async def collect(self, limit: int | None) -> tuple[list[events_pb2.Event], RpcError | None]:
        """The events received so far, waiting up to :data:`EVENT_WAIT_S` for the first."""
        deadline = time.monotonic() + EVENT_WAIT_S
        while not self.events and not self.done:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), remaining)
        events = self.events if limit is None else self.events[:limit]
        return list(events), (self.error if not self.events else None)

    async def close(self) -> None:
        self.call.cancel()
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError, grpc.aio.AioRpcError):
            await self.task


def _events_request(query: str) -> tuple[events_pb2.StreamEventsRequest, int | None]:
    """``GET /ojs/v1/events?types=..&queues=..&limit=..`` -> StreamEventsRequest and a limit."""
    params = _query(query, ("types", "queues", "limit", "job_id", "workflow_id"))
    request = events_pb2.StreamEventsRequest()
    if params.get("types"):
        request.event_types.extend(t for t in params["types"].split(",") if t)
    if params.get("queues"):
        request.queues.extend(q for q in params["queues"].split(",") if q)
    request.job_id = params.get("job_id", "")
    request.workflow_id = params.get("workflow_id", "")
    limit = None
    if params.get("limit"):
        if not params["limit"].isdigit():
            raise NotCarried(f"query limit {params['limit']!r} is not a count")
        limit = int(params["limit"])
    return request, limit


_EQUALITY_PATH_RE: Final = re.compile(r"\$\.steps\.([^.]+)\.response\.body")
_EQUALITY_VALUE_RE: Final = re.compile(r"\{\{steps\.([^.]+)\.response\.body\}\}")


class _CaseRunner:
    """Runs the steps of one case against one ``OJSService`` stub."""

    def __init__(self, case: Case, stub: service_pb2_grpc.OJSServiceAsyncStub) -> None:
        self.case = case
        self.stub = stub
        self.bodies: dict[str, dict[str, Any] | None] = {}
        self.skipped_steps = HTTP_ONLY_STEPS.get(case.key, {})
        self.subscriptions: dict[str, _EventSubscription] = {}
        self.workflow_kinds: dict[str, WorkflowKind] = {}
        """Workflow id -> the primitive it was created as (chain / group), for the counters."""

    # -- calls ---------------------------------------------------------------------------------

    async def _unary(
        self,
        record: GrpcStepRecord,
        name: str,
        method: grpc.aio.UnaryUnaryMultiCallable[Req, Resp],
        request: Req,
    ) -> Resp | RpcError:
        record.calls.append(f"{name}({text_format.MessageToString(request, as_one_line=True)})")
        try:
            return await method(request, timeout=REQUEST_TIMEOUT_S)
        except grpc.aio.AioRpcError as err:
            return rpc_error(err)

    async def _follow_up_job(
        self, record: GrpcStepRecord, job_id: str, why: str
    ) -> job_pb2.Job | None:
        """``GetJob`` after ACK/NACK (semantics §11.9); a failure is a step failure."""
        reply = await self._unary(
            record, "GetJob", self.stub.GetJob, job_pb2.GetJobRequest(job_id=job_id)
        )
        if isinstance(reply, RpcError):
            record.failures.append(
                Failure(
                    record.step_id, "GetJob", f"follow-up GetJob ({why}) failed: {reply.describe()}"
                )
            )
            return None
        return reply.job

    # -- handlers: each sets record.error / record.body ------------------------------------------

    async def _enqueue(
        self, record: GrpcStepRecord, params: Mapping[str, str], query: str, body: Any
    ) -> None:
        _query(query, ())
        request, dropped = enqueue_request(body, math.floor(time.time() * 1000))
        self._note_dropped(record, dropped)
        reply = await self._unary(record, "Enqueue", self.stub.Enqueue, request)
        self._set(record, reply, lambda r: {"job": job_json(r.job)})

    async def _get_job(
        self, record: GrpcStepRecord, params: Mapping[str, str], query: str, body: Any
    ) -> None:
        _query(query, ())
        self._no_body(body)
        request = job_pb2.GetJobRequest(job_id=params["id"])
        reply = await self._unary(record, "GetJob", self.stub.GetJob, request)
        self._set(record, reply, lambda r: {"job": job_json(r.job)})

    async def _cancel_job(
        self, record: GrpcStepRecord, params: Mapping[str, str], query: str, body: Any
    ) -> None:
        reason = _query(query, ("reason",)).get("reason", "")
        self._no_body(body)
        request = job_pb2.CancelJobRequest(job_id=params["id"], reason=reason)
        reply = await self._unary(record, "CancelJob", self.stub.CancelJob, request)
        self._set(record, reply, lambda r: {"job": job_json(r.job)})

    async def _fetch(
        self, record: GrpcStepRecord, params: Mapping[str, str], query: str, body: Any
    ) -> None:
        _query(query, ())
        reply = await self._unary(record, "Fetch", self.stub.Fetch, fetch_request(body))
        self._set(record, reply, lambda r: {"jobs": [job_json(job) for job in r.jobs]})

    async def _ack(
        self, record: GrpcStepRecord, params: Mapping[str, str], query: str, body: Any
    ) -> None:
        _query(query, ())
        request, dropped = ack_request(body)
        self._note_dropped(record, dropped)
        reply = await self._unary(record, "Ack", self.stub.Ack, request)
        if isinstance(reply, RpcError):
            self._set(record, reply, lambda r: {})
            return
        out: dict[str, Any] = {"acknowledged": reply.acknowledged}
        job = await self._follow_up_job(record, request.job_id, "ACK reply id/state/completed_at")
        if job is not None:
            out["id"] = job.id
            out["state"] = _job_state_json(job.state)
            if job.HasField("completed_at"):
                out["completed_at"] = _ts_json(job.completed_at)
        record.body = out

    async def _nack(
        self, record: GrpcStepRecord, params: Mapping[str, str], query: str, body: Any
    ) -> None:
        _query(query, ())
        request, dropped = nack_request(body)
        self._note_dropped(record, dropped)
        reply = await self._unary(record, "Nack", self.stub.Nack, request)
        if isinstance(reply, RpcError):
            self._set(record, reply, lambda r: {})
            return
        out: dict[str, Any] = {"state": _job_state_json(reply.state)}
        if reply.HasField("next_attempt_at"):
            out["next_attempt_at"] = _ts_json(reply.next_attempt_at)
        job = await self._follow_up_job(
            record, request.job_id, "NACK reply id/attempt/max_attempts/completed_at"
        )
        if job is not None:
            out["id"] = job.id
            out["attempt"] = job.attempt
            out["max_attempts"] = job.max_attempts
            if job.HasField("completed_at"):
                out["completed_at"] = _ts_json(job.completed_at)
        record.body = out

    async def _heartbeat(
        self, record: GrpcStepRecord, params: Mapping[str, str], query: str, body: Any
    ) -> None:
        """One ``Heartbeat`` per listed job; the reply ``state`` is ``directed_state``.

        A per-job beat answered ``NOT_FOUND`` / ``FAILED_PRECONDITION`` is how gRPC tells the
        worker it no longer holds that job (semantics §6.3): like the HTTP beat, which skips
        such jobs silently, it is left out of ``jobs_extended``. When no listed beat succeeds,
        the step carries the first failure's status.
        """
        _query(query, ())
        requests = heartbeat_requests(body)
        state: str | None = None
        extended: list[str] = []
        deadline: str | None = None
        first_error: RpcError | None = None
        for request in requests:
            reply = await self._unary(record, "Heartbeat", self.stub.Heartbeat, request)
            if isinstance(reply, RpcError):
                lost = (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.FAILED_PRECONDITION)
                if request.id and reply.code in lost:
                    first_error = first_error or reply
                    continue
                self._set(record, reply, lambda r: {})
                return
            state = _enum_json(worker_pb2.WorkerState.Name(reply.directed_state), "WORKER_STATE_")
            if request.id:
                extended.append(request.id)
            if reply.HasField("new_deadline"):
                deadline = _ts_json(reply.new_deadline)
        if state is None:
            assert first_error is not None
            self._set(record, first_error, lambda r: {})
            return
        out: dict[str, Any] = {"state": state, "jobs_extended": extended}
        if deadline is not None:
            out["new_deadline"] = deadline
        record.body = out

    async def _list_dead_letter(
        self, record: GrpcStepRecord, params: Mapping[str, str], query: str, body: Any
    ) -> None:
        pairs = _query(query, ("queue", "limit", "offset"))
        self._no_body(body)
        if pairs.get("offset", "0") != "0":
            raise NotCarried("query offset: ListDeadLetter pages with an opaque cursor")
        request = queue_pb2.ListDeadLetterRequest(queue=pairs.get("queue", ""))
        if pairs.get("limit"):
            if not pairs["limit"].isdigit():
                raise NotCarried(f"query limit {pairs['limit']!r} is not a count")
            request.limit = _int32(int(pairs["limit"]), "limit")
        reply = await self._unary(record, "ListDeadLetter", self.stub.ListDeadLetter, request)
        self._set(
            record,
            reply,
            lambda r: {"jobs": [job_json(job) for job in r.jobs], "total_count": r.total_count},
        )

    async def _retry_dead_letter(
        self, record: GrpcStepRecord, params: Mapping[str, str], query: str, body: Any
    ) -> None:
        _query(query, ())
        if body is not None:
            _check_keys(_object(body, "body"), (), "")
        request = queue_pb2.RetryDeadLetterRequest(job_id=params["id"])
        reply = await self._unary(record, "RetryDeadLetter", self.stub.RetryDeadLetter, request)
        self._set(record, reply, lambda r: {"job": job_json(r.job)})

    async def _delete_dead_letter(
        self, record: GrpcStepRecord, params: Mapping[str, str], query: str, body: Any
    ) -> None:
        """``DeleteDeadLetter``; ``deleted`` = a follow-up ``GetJob`` answers ``NOT_FOUND``."""
        _query(query, ())
        self._no_body(body)
        request = queue_pb2.DeleteDeadLetterRequest(job_id=params["id"])
        reply = await self._unary(record, "DeleteDeadLetter", self.stub.DeleteDeadLetter, request)
        if isinstance(reply, RpcError):
            self._set(record, reply, lambda r: {})
            return
        check = await self._unary(
            record, "GetJob", self.stub.GetJob, job_pb2.GetJobRequest(job_id=params["id"])
        )
        if isinstance(check, RpcError) and check.code != grpc.StatusCode.NOT_FOUND:
            record.failures.append(
                Failure(record.step_id, "GetJob", f"follow-up GetJob failed: {check.describe()}")
            )
            record.body = {}
            return
        record.body = {"deleted": isinstance(check, RpcError)}

    async def _manifest(
        self, record: GrpcStepRecord, params: Mapping[str, str], query: str, body: Any
    ) -> None:
        _query(query, ())
        self._no_body(body)
        reply = await self._unary(
            record, "Manifest", self.stub.Manifest, service_pb2.ManifestRequest()
        )

        def shape(r: service_pb2.ManifestResponse) -> dict[str, Any]:
            out: dict[str, Any] = {
                "specversion": r.ojs_version,
                "ojs_version": r.ojs_version,
                "conformance_level": r.conformance_level,
                "protocols": list(r.protocols),
                "backend": r.backend,
                "extensions": list(r.extensions),
                "schema_validation": r.schema_validation,
            }
            if r.HasField("implementation"):
                out["implementation"] = {
                    "name": r.implementation.name,
                    "version": r.implementation.version,
                    "language": r.implementation.language,
                }
            return out

        self._set(record, reply, shape)

    async def _health(
        self, record: GrpcStepRecord, params: Mapping[str, str], query: str, body: Any
    ) -> None:
        _query(query, ())
        self._no_body(body)
        reply = await self._unary(record, "Health", self.stub.Health, service_pb2.HealthRequest())

        def shape(r: service_pb2.HealthResponse) -> dict[str, Any]:
            out: dict[str, Any] = {
                "status": _enum_json(service_pb2.HealthStatus.Name(r.status), "HEALTH_STATUS_")
            }
            if r.HasField("timestamp"):
                out["timestamp"] = _ts_json(r.timestamp)
            if r.HasField("details"):
                out["details"] = _struct_to_py(r.details)
            return out

        self._set(record, reply, shape)

    async def _events(
        self, record: GrpcStepRecord, params: Mapping[str, str], query: str, body: Any
    ) -> None:
        """Read the step's ``StreamEvents`` subscription (opened before the first step)."""
        self._no_body(body)
        request, limit = _events_request(query)
        subscription = self.subscriptions.get(record.step_id)
        if subscription is None:  # the query depended on earlier steps: subscribe now
            subscription = _EventSubscription(self.stub, request)
            self.subscriptions[record.step_id] = subscription
            await subscription.opened()
        record.calls.append(
            "StreamEvents("
            + text_format.MessageToString(subscription.request, as_one_line=True)
            + ") [opened before step 1]"
        )
        events, error = await subscription.collect(limit)
        if error is not None:
            record.error = error
            record.body = error_body(error)
            return
        record.body = {"events": [_event_json(event) for event in events]}

    # -- level 2: cron ---------------------------------------------------------------------------

    async def _register_cron(
        self, record: GrpcStepRecord, params: Mapping[str, str], query: str, body: Any
    ) -> None:
        """``RegisterCron``; the reply's ``expression`` / ``timezone`` come from the entry of a
        follow-up ``ListCron`` (semantics §11.9), ``name`` / ``next_run_at`` from the reply."""
        _query(query, ())
        request, dropped = cron_request(body, math.floor(time.time() * 1000))
        self._note_dropped(record, dropped)
        reply = await self._unary(record, "RegisterCron", self.stub.RegisterCron, request)
        if isinstance(reply, RpcError):
            self._set(record, reply, lambda r: {})
            return
        out: dict[str, Any] = {"name": reply.name}
        if reply.HasField("next_run_at"):
            out["next_run_at"] = _ts_json(reply.next_run_at)
        listed = await self._unary(
            record, "ListCron", self.stub.ListCron, service_pb2.ListCronRequest()
        )
        entry = None
        if isinstance(listed, RpcError):
            problem = f"failed: {listed.describe()}"
        else:
            entry = next((e for e in listed.entries if e.name == request.name), None)
            problem = f"has no entry named {request.name!r}"
        if entry is None:
            record.failures.append(
                Failure(
                    record.step_id,
                    "ListCron",
                    f"follow-up ListCron (register reply expression/timezone) {problem}",
                )
            )
        else:
            out = {**cron_entry_json(entry), **out}
        record.body = {"cron": out}

    async def _list_cron(
        self, record: GrpcStepRecord, params: Mapping[str, str], query: str, body: Any
    ) -> None:
        _query(query, ())
        self._no_body(body)
        reply = await self._unary(
            record, "ListCron", self.stub.ListCron, service_pb2.ListCronRequest()
        )
        self._set(record, reply, lambda r: {"crons": [cron_entry_json(e) for e in r.entries]})

    async def _unregister_cron(
        self, record: GrpcStepRecord, params: Mapping[str, str], query: str, body: Any
    ) -> None:
        """``UnregisterCron``: the empty reply has no ``cron`` echo (HTTP-only)."""
        _query(query, ())
        self._no_body(body)
        request = service_pb2.UnregisterCronRequest(name=params["name"])
        reply = await self._unary(record, "UnregisterCron", self.stub.UnregisterCron, request)
        self._set(record, reply, lambda r: {})

    # -- level 3: workflows ----------------------------------------------------------------------

    def _workflow_body(self, workflow: workflow_pb2.Workflow) -> dict[str, Any]:
        kind = self.workflow_kinds.get(workflow.id)
        if kind is None:  # not created by this case: a step with dependencies reads as a chain
            chained = any(step.depends_on for step in workflow.steps)
            kind = "chain" if chained else "group"
        return {"workflow": workflow_json(workflow, kind)}

    async def _create_workflow(
        self, record: GrpcStepRecord, params: Mapping[str, str], query: str, body: Any
    ) -> None:
        _query(query, ())
        request, kind, dropped = workflow_request(body, math.floor(time.time() * 1000))
        self._note_dropped(record, dropped)
        reply = await self._unary(record, "CreateWorkflow", self.stub.CreateWorkflow, request)
        if not isinstance(reply, RpcError) and reply.workflow.id:
            self.workflow_kinds[reply.workflow.id] = kind
        self._set(record, reply, lambda r: self._workflow_body(r.workflow))

    async def _get_workflow(
        self, record: GrpcStepRecord, params: Mapping[str, str], query: str, body: Any
    ) -> None:
        _query(query, ())
        self._no_body(body)
        request = workflow_pb2.GetWorkflowRequest(workflow_id=params["id"])
        reply = await self._unary(record, "GetWorkflow", self.stub.GetWorkflow, request)
        self._set(record, reply, lambda r: self._workflow_body(r.workflow))

    async def _cancel_workflow(
        self, record: GrpcStepRecord, params: Mapping[str, str], query: str, body: Any
    ) -> None:
        reason = _query(query, ("reason",)).get("reason", "")
        self._no_body(body)
        request = workflow_pb2.CancelWorkflowRequest(workflow_id=params["id"], reason=reason)
        reply = await self._unary(record, "CancelWorkflow", self.stub.CancelWorkflow, request)
        self._set(record, reply, lambda r: self._workflow_body(r.workflow))

    # -- level 4: batch enqueue, queue statistics, pause / resume --------------------------------

    async def _enqueue_batch(
        self, record: GrpcStepRecord, params: Mapping[str, str], query: str, body: Any
    ) -> None:
        _query(query, ())
        request, dropped = batch_request(body, math.floor(time.time() * 1000))
        self._note_dropped(record, dropped)
        reply = await self._unary(record, "EnqueueBatch", self.stub.EnqueueBatch, request)

        def shape(r: job_pb2.EnqueueBatchResponse) -> dict[str, Any]:
            out: dict[str, Any] = {"jobs": [job_json(job) for job in r.jobs], "count": r.count}
            if r.errors:
                out["errors"] = {
                    str(index): {"code": error.code, "message": error.message}
                    for index, error in sorted(r.errors.items())
                }
            return out

        self._set(record, reply, shape)

    async def _queue_stats(
        self, record: GrpcStepRecord, params: Mapping[str, str], query: str, body: Any
    ) -> None:
        _query(query, ())
        self._no_body(body)
        request = queue_pb2.QueueStatsRequest(queue=params["name"])
        reply = await self._unary(record, "QueueStats", self.stub.QueueStats, request)
        self._set(record, reply, queue_stats_json)

    async def _pause_or_resume(
        self, record: GrpcStepRecord, params: Mapping[str, str], query: str, body: Any
    ) -> None:
        """``PauseQueue`` / ``ResumeQueue`` (empty replies); the reply's ``queue.name`` and
        ``queue.paused`` come from a follow-up ``QueueStats`` (semantics §11.9)."""
        _query(query, ())
        if body is not None:
            _check_keys(_object(body, "body"), (), "")
        name = params["name"]
        reply: Message | RpcError
        if record.rpc == "PauseQueue":
            pause = queue_pb2.PauseQueueRequest(queue=name)
            reply = await self._unary(record, "PauseQueue", self.stub.PauseQueue, pause)
        else:
            resume = queue_pb2.ResumeQueueRequest(queue=name)
            reply = await self._unary(record, "ResumeQueue", self.stub.ResumeQueue, resume)
        if isinstance(reply, RpcError):
            self._set(record, reply, lambda r: {})
            return
        stats = await self._unary(
            record, "QueueStats", self.stub.QueueStats, queue_pb2.QueueStatsRequest(queue=name)
        )
        if isinstance(stats, RpcError):
            record.failures.append(
                Failure(
                    record.step_id,
                    "QueueStats",
                    f"follow-up QueueStats (reply queue.paused) failed: {stats.describe()}",
                )
            )
            record.body = {}
            return
        record.body = {"queue": {"name": stats.queue, "paused": stats.stats.paused}}

    _pause_queue = _pause_or_resume
    _resume_queue = _pause_or_resume

    async def _gap(
        self, record: GrpcStepRecord, params: Mapping[str, str], query: str, body: Any
    ) -> None:
        raise TranslationGap(
            f"{record.target} -> {record.rpc}: no handler (no level 0-4 case uses this route; "
            "add one following semantics §11.9)"
        )

    # -- helpers -------------------------------------------------------------------------------

    def _set(
        self,
        record: GrpcStepRecord,
        reply: Resp | RpcError,
        shape: Callable[[Resp], dict[str, Any]],
    ) -> None:
        if isinstance(reply, RpcError):
            record.error = reply
            record.body = error_body(reply)
        else:
            record.body = shape(reply)

    @staticmethod
    def _no_body(body: Any) -> None:
        if body is not None:
            raise NotCarried("a request body on a route whose RPC takes none from the body")

    @staticmethod
    def _note_dropped(record: GrpcStepRecord, dropped: Sequence[str]) -> None:
        reasons = {
            "worker_id": "`worker_id` on ACK/NACK: AckRequest/NackRequest have no worker_id "
            "(no ownership check over gRPC, semantics §11.9, §6.1)",
            "specversion": '`specversion` "1.0" on PUSH: EnqueueRequest has no field; the '
            "server answers with 1.0 anyway",
            "overlap_policy": 'cron `overlap_policy` "skip": RegisterCronRequest has no field; '
            "skip is the default the server applies (semantics §8.1, §11.9)",
            "enabled": "cron `enabled: true`: RegisterCronRequest has no field; enabled is the "
            "default the server applies (semantics §8.1, §11.9)",
        }
        for name in dropped:
            key = name.rsplit(".", 1)[-1]
            record.http_only.append(
                HttpOnlyPart(record.step_id, f"request field {name}", reasons.get(key, "HTTP-only"))
            )

    def _handler(
        self, rpc: str
    ) -> Callable[[GrpcStepRecord, Mapping[str, str], str, Any], Awaitable[None]]:
        handlers: dict[
            str, Callable[[GrpcStepRecord, Mapping[str, str], str, Any], Awaitable[None]]
        ] = {
            "Enqueue": self._enqueue,
            "GetJob": self._get_job,
            "CancelJob": self._cancel_job,
            "Fetch": self._fetch,
            "Ack": self._ack,
            "Nack": self._nack,
            "Heartbeat": self._heartbeat,
            "ListDeadLetter": self._list_dead_letter,
            "RetryDeadLetter": self._retry_dead_letter,
            "DeleteDeadLetter": self._delete_dead_letter,
            "Manifest": self._manifest,
            "Health": self._health,
            "StreamEvents": self._events,
            "RegisterCron": self._register_cron,
            "ListCron": self._list_cron,
            "UnregisterCron": self._unregister_cron,
            "CreateWorkflow": self._create_workflow,
            "GetWorkflow": self._get_workflow,
            "CancelWorkflow": self._cancel_workflow,
            "EnqueueBatch": self._enqueue_batch,
            "QueueStats": self._queue_stats,
            "PauseQueue": self._pause_queue,
            "ResumeQueue": self._resume_queue,
        }
        return handlers.get(rpc, self._gap)

    # -- steps ---------------------------------------------------------------------------------

    async def open_event_subscriptions(self, steps: Sequence[Mapping[str, Any]]) -> None:
        """Subscribe, before the first step, for every events step whose query is static."""
        for step in steps:
            step_id = str(step.get("id") or "")
            path = str(step.get("path") or "")
            if step_id in self.skipped_steps or "{{" in path:
                continue
            try:
                route, _, query = route_step(str(step.get("action") or ""), path)
                if route.rpc != "StreamEvents":
                    continue
                request, _ = _events_request(query)
            except NotCarried:
                continue  # reported when the step runs
            self.subscriptions[step_id] = _EventSubscription(self.stub, request)
        await asyncio.gather(*(sub.opened() for sub in self.subscriptions.values()))

    async def close(self) -> None:
        await asyncio.gather(*(sub.close() for sub in self.subscriptions.values()))

    async def execute_step(self, step: Mapping[str, Any]) -> GrpcStepRecord:
        """Run one step like the HTTP runner (delay, WAIT, request, assertions), over gRPC."""
        action = str(step.get("action") or "")
        record = GrpcStepRecord(step_id=str(step.get("id") or ""), action=action)
        delay_ms = int(step.get("delay_ms") or 0)
        if delay_ms > 0:
            await asyncio.sleep(delay_ms / 1000)
        if action.casefold() == "wait":
            wait_ms = int(step.get("duration_ms") or 0) or delay_ms
            if wait_ms > 0:
                await asyncio.sleep(wait_ms / 1000)
            return record
        if record.step_id in self.skipped_steps:
            record.skipped = self.skipped_steps[record.step_id]
            record.http_only.append(HttpOnlyPart(record.step_id, "step", record.skipped))
            return record
        assertions = step.get("assertions")
        assertions = assertions if isinstance(assertions, dict) else {}
        if action.upper() == "ASSERT":
            self._assert_step(record, assertions)
            return record

        path = resolve_templates(str(step.get("path") or ""), self.bodies)
        record.target = f"{action.upper()} {path}"
        try:
            body = self._request_body(step)
            route, params, query = route_step(action, path)
            record.rpc = route.rpc
            started = time.monotonic()
            await self._handler(route.rpc)(record, params, query, body)
            record.duration_ms = int((time.monotonic() - started) * 1000)
        except NotCarried as exc:
            record.failures.append(
                Failure(
                    record.step_id,
                    "translation",
                    f"not carried by the proto: {exc} (list the step in HTTP_ONLY_STEPS if "
                    "that is right, semantics §11.9)",
                )
            )
            return record
        except TranslationGap as exc:
            record.failures.append(Failure(record.step_id, "translation", str(exc)))
            return record

        kept, removed = split_assertions(self.case.key, record.step_id, record.rpc, assertions)
        record.http_only.extend(removed)
        self._evaluate(record, kept)
        if (
            record.failures
            and record.rpc in OPTIONAL_STREAMING_RPCS
            and record.error is not None
            and record.error.code == grpc.StatusCode.UNIMPLEMENTED
        ):
            record.unsupported = (
                f"optional RPC {record.rpc} answers UNIMPLEMENTED: {record.error.message!r}"
            )
        return record

    def _request_body(self, step: Mapping[str, Any]) -> Any:
        if "raw_body" in step:
            raise NotCarried("raw_body: a protobuf request has no raw JSON text")
        if "body" not in step:
            return None
        text = resolve_templates(json.dumps(step["body"], ensure_ascii=False), self.bodies)
        try:
            return json.loads(text)
        except ValueError:
            raise NotCarried(f"body is not JSON after template substitution: {text}") from None

    def _evaluate(self, record: GrpcStepRecord, assertions: Mapping[str, Any]) -> None:
        """Evaluate the translatable assertions with the HTTP runner's evaluator."""
        candidates = http_equivalents(record.error)
        status = _pick_status(assertions, candidates)
        http_record = StepRecord(
            step_id=record.step_id,
            action=record.action,
            method=record.action.upper(),
            url=record.target,
            status=status,
            body_text=json.dumps(record.body) if record.body is not None else "",
            parsed=record.body,
            duration_ms=record.duration_ms,
        )
        for failure in evaluate_assertions({"assertions": assertions}, http_record, self.bodies):
            if failure.field == "status":
                expected = failure.expected or json.dumps(assertions.get("status"))
                failure = Failure(
                    record.step_id,
                    "status",
                    f"expected HTTP {expected}; gRPC answered {record.status_text()} "
                    "(semantics §11.9)",
                )
            record.failures.append(failure)

    def _assert_step(self, record: GrpcStepRecord, assertions: Mapping[str, Any]) -> None:
        """``ASSERT`` pseudo-steps: ``exclusive_claim`` as upstream, plus ``equality``."""
        http_record = StepRecord(step_id=record.step_id, action=record.action)
        record.failures.extend(
            evaluate_assertions({"assertions": assertions}, http_record, self.bodies)
        )
        equality = assertions.get("equality")
        if equality is None:
            return
        if not isinstance(equality, dict):
            record.failures.append(Failure(record.step_id, "equality", "must be an object"))
            return
        for left, right in equality.items():
            left_match = _EQUALITY_PATH_RE.fullmatch(left)
            right_match = _EQUALITY_VALUE_RE.fullmatch(right) if isinstance(right, str) else None
            if left_match is None or right_match is None:
                record.failures.append(
                    Failure(record.step_id, "equality", f"unsupported form {left!r}: {right!r}")
                )
                continue
            a, b = left_match.group(1), right_match.group(1)
            if self.bodies.get(a) is None or self.bodies.get(a) != self.bodies.get(b):
                record.failures.append(
                    Failure(
                        record.step_id,
                        "equality",
                        f"response bodies of {a} and {b} differ",
                        json.dumps(self.bodies.get(a)),
                        json.dumps(self.bodies.get(b)),
                    )
                )

    async def run_steps(self, steps: Sequence[Mapping[str, Any]]) -> list[GrpcStepRecord]:
        records: list[GrpcStepRecord] = []

        async def run_one(step: Mapping[str, Any]) -> GrpcStepRecord:
            record = await self.execute_step(step)
            self.bodies[record.step_id] = record.body
            return record

        for group in plan_step_groups(steps):
            if len(group) == 1:
                records.append(await run_one(group[0]))
            else:
                records.extend(await asyncio.gather(*(run_one(step) for step in group)))
        return records


async def run_case(
    case: Case, target: str, reset: Callable[[], Awaitable[None]] | None
) -> GrpcCaseResult:
    """Run one case over gRPC against ``target`` (``host:port`` of ``ojs.v1.OJSService``).

    A case of :data:`HTTP_ONLY_CASES` is not run (outcome ``not_carried``). Otherwise
    ``reset`` (store isolation) is awaited first, the ``StreamEvents`` subscriptions of the case
    are opened, then setup steps (a failure ends the case with ``error``), steps and teardown
    steps (assertions ignored) run as in the HTTP runner.
    """
    started = time.monotonic()
    if case.key in HTTP_ONLY_CASES:
        return GrpcCaseResult(
            case.key, case.test_id, case.level, case.name, "not_carried",
            reason=HTTP_ONLY_CASES[case.key],
        )  # fmt: skip
    if reset is not None:
        await reset()
    records: list[GrpcStepRecord] = []
    failures: list[str] = []
    outcome: Outcome = "pass"
    async with grpc.aio.insecure_channel(target) as channel:
        await asyncio.wait_for(channel.channel_ready(), REQUEST_TIMEOUT_S)
        runner = _CaseRunner(case, service_pb2_grpc.OJSServiceStub(channel))
        try:
            await runner.open_event_subscriptions(case.steps)
            for step in case.setup_steps:
                record = await runner.execute_step(step)
                runner.bodies[record.step_id] = record.body
                records.append(record)
                if record.failures:
                    failures.append(
                        f"[{record.step_id}] Setup step failed: {record.failures[0].message}"
                    )
                    outcome = "error"
                    break
            if outcome == "pass":
                for record in await runner.run_steps(case.steps):
                    records.append(record)
                    failures.extend(str(failure) for failure in record.failures)
                for step in case.teardown_steps:
                    record = await runner.execute_step(step)
                    runner.bodies[record.step_id] = record.body
        finally:
            await runner.close()
    reason = ""
    if outcome == "pass" and failures:
        failing = [record for record in records if record.failures]
        if all(record.unsupported for record in failing):
            outcome = "unsupported"
            reason = "; ".join(sorted({str(record.unsupported) for record in failing}))
        else:
            outcome = "fail"
    return GrpcCaseResult(
        key=case.key,
        test_id=case.test_id,
        level=case.level,
        name=case.name,
        outcome=outcome,
        failures=failures,
        duration_s=time.monotonic() - started,
        reason=reason,
        http_only=[part for record in records for part in record.http_only],
        steps=records,
    )


def summarize(results: Iterable[GrpcCaseResult]) -> str:
    """Counts per level and in total: passed / failed among translated cases, cases not carried
    by the proto (with reasons), cases unsupported by the server, HTTP-only parts skipped."""
    items = list(results)
    by_level: dict[int, list[GrpcCaseResult]] = {}
    for item in items:
        by_level.setdefault(item.level, []).append(item)

    def counts(group: Sequence[GrpcCaseResult]) -> str:
        tally = Counter(item.outcome for item in group)
        ran = tally["pass"] + tally["fail"] + tally["error"]
        text = f"{tally['pass']}/{ran} translated cases passed, {ran - tally['pass']} failed"
        text += f"; not carried by the proto: {tally['not_carried']}"
        if tally["unsupported"]:
            text += f"; unsupported by the server: {tally['unsupported']}"
        return text

    lines = [f"level {level}: {counts(by_level[level])}" for level in sorted(by_level)]
    lines.append(f"total:   {counts(items)}")
    failed = [item.key for item in items if item.outcome in ("fail", "error")]
    if failed:
        lines.append("failed: " + ", ".join(failed))
    not_carried = [item for item in items if item.outcome == "not_carried"]
    line = f"not carried by the proto: {len(not_carried)}"
    if not_carried:
        line += " (" + "; ".join(f"{i.key}: {i.reason}" for i in not_carried) + ")"
    lines.append(line)
    unsupported = [item for item in items if item.outcome == "unsupported"]
    if unsupported:
        lines.append(
            f"unsupported by the server: {len(unsupported)} ("
            + "; ".join(f"{i.key}: {i.reason}" for i in unsupported)
            + ")"
        )
    parts = [part for item in items for part in item.http_only]
    if parts:
        cases = len({item.key for item in items if item.http_only})
        by_what = Counter(re.sub(r"\[\d+\]", "[i]", part.what) for part in parts)
        shown = ", ".join(f"{what} x{count}" for what, count in sorted(by_what.items()))
        lines.append(
            f"HTTP-only parts skipped in translated cases: {len(parts)} in {cases} cases ({shown})"
        )
    return "\n".join(lines)
