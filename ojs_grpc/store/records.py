"""The stored form of a job: a mutable state document and an immutable spec.

The state document is what the Lua scripts read and write (cjson); it holds
only scalars the scripts need. The spec holds the client's envelope and is
never parsed by a script. Absent optional fields are left out, never null.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import orjson

from ..model import Job, JobState, RetryPolicy

_DOC_INSTANTS = (
    "enqueued_at",
    "scheduled_at",
    "expires_at",
    "started_at",
    "completed_at",
    "cancelled_at",
    "discarded_at",
    "deadline",
    "timeout_at",
    "next_attempt_at",
    "retry_delay_ms",
)


# The standard encoder, built once (json.dumps with options builds one on every call).
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def dumps(value: Any) -> str:
    """Compact JSON with non-ASCII text kept, as the standard encoder writes it.

    orjson does it several times faster on this hot path (every stored job and event).
    It writes NaN and infinities as null and refuses what the standard encoder takes
    (integers beyond 64 bits, non-string keys, lone surrogates): output with a null in
    it, or a refusal, is made by the standard encoder instead."""
    out = _orjson_or_none(value)
    return _ENCODER.encode(value) if out is None else out.decode()


def dumpb(value: Any) -> bytes:
    """:func:`dumps` as UTF-8 (raising for a lone surrogate, as sending it would), for a
    value sent to Redis as it is."""
    out = _orjson_or_none(value)
    return _ENCODER.encode(value).encode() if out is None else out


def _orjson_or_none(value: Any) -> bytes | None:
    """orjson's encoding of ``value`` when it equals the standard encoder's, else None."""
    try:
        out = orjson.dumps(value)
    except TypeError:  # orjson.JSONEncodeError is one
        return None
    return None if b"null" in out else out


# Digits made zeros, to find 20 in a row (cheaper than a regular expression).
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_TWENTY_DIGITS = b"0" * 20


def loads(text: str) -> Any:
    """Parse JSON exactly as the standard decoder does, mostly with orjson.

    orjson reads an integer beyond 64 bits as a float, and refuses the NaN and Infinity
    literals the standard encoder writes: text with 20 digits in a row (a float is never
    written so, always with a point or an exponent), or that orjson refuses, goes to the
    standard decoder."""
    try:
        raw = text.encode()
        if _TWENTY_DIGITS not in raw.translate(_DIGITS_AS_ZERO):
            return orjson.loads(raw)
    except (UnicodeEncodeError, orjson.JSONDecodeError):
        pass
    return json.loads(text)


def load_doc(text: str) -> dict[str, Any]:
    """Parse a state document. It holds only the store's own scalars (states, counters,
    ms timestamps below 2**53, worker ids), which orjson reads exactly as the standard
    decoder does, several times faster; the spec, results and errors carry the client's
    values (integers of any size) and are read by :func:`loads`."""
    doc: dict[str, Any] = orjson.loads(text)
    return doc


def new_parts(job: Job) -> tuple[dict[str, Any], dict[str, Any]]:
    """(state doc, spec) for a job about to be inserted."""
    return new_doc(job), new_spec(job)


def new_doc(job: Job) -> dict[str, Any]:
    """The state document of a job about to be inserted."""
    doc: dict[str, Any] = {
        "state": job.state.value,
        "attempt": job.attempt,
        "max_attempts": job.max_attempts,
        "priority": job.priority,
        "created_at": job.created_at,
        "vis_ms": job.visibility_timeout_ms,
        "timeout_ms": job.timeout_ms,
    }
    for name in ("scheduled_at", "expires_at", "enqueued_at"):
        value = getattr(job, name)
        if value is not None:
            doc[name] = value
    if job.rate_limit_per_s is not None:
        doc["rl"] = job.rate_limit_per_s  # read by fetch.lua
    if job.workflow_id:
        doc["wf"] = job.workflow_id  # scripts append terminal transitions to the wf outbox
    return doc


def new_spec(job: Job) -> dict[str, Any]:
    """The spec of a job about to be inserted: the client's envelope, never read by a
    script."""
    spec: dict[str, Any] = {"type": job.type, "args": job.args, "retry": _retry_dict(job.retry)}
    if job.meta:
        spec["meta"] = job.meta
    if job.tags:
        spec["tags"] = job.tags
    if job.trace_id:
        spec["trace_id"] = job.trace_id
    if job.extra:
        spec["extra"] = job.extra
    if job.unique is not None:
        spec["unique"] = job.unique
    if job.scheduled_at_text:
        spec["scheduled_at_text"] = job.scheduled_at_text
    if job.expires_at_text:
        spec["expires_at_text"] = job.expires_at_text
    if job.workflow_id:
        spec["workflow_id"] = job.workflow_id
    if job.parent_results is not None:
        spec["parent_results"] = job.parent_results
    return spec


@functools.lru_cache(maxsize=1024)
def _retry_dict(policy: RetryPolicy) -> dict[str, Any]:
    """``policy.to_dict()``, once per distinct policy: shared by the specs that hold it,
    which are only ever encoded, never changed."""
    return policy.to_dict()


def _retry_policy(d: dict[str, Any]) -> RetryPolicy:
    """``RetryPolicy.from_dict``, once per distinct policy: nearly every job of a queue
    shares one, and every claimed job's spec carries it."""
    return _policy_of(tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in d.items()))


@functools.lru_cache(maxsize=1024)
def _policy_of(items: tuple[tuple[str, Any], ...]) -> RetryPolicy:
    return RetryPolicy.from_dict(dict(items))


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


_STATES: dict[str, JobState] = {state.value: state for state in JobState}


def _set_mutable(job: Job, doc: dict[str, Any]) -> None:
    """The fields of ``job`` that transitions change, from its state document."""
    # Straight into the instance dict: this runs for every claimed and every acked job.
    fields = job.__dict__
    get = doc.get
    fields["state"] = _STATES[doc["state"]]
    fields["attempt"] = int(doc["attempt"])
    fields["worker_id"] = get("worker_id")
    fields["has_error"] = bool(get("has_error", False))
    fields["dead"] = bool(get("dead", False))
    for name in _DOC_INSTANTS:
        value = get(name)
        fields[name] = None if value is None else int(value)


def job_from_parts(
    job_id: str,
    queue: str,
    doc_json: str,
    spec_json: str,
    errors_json: str | None = None,
    result_json: str | None = None,
) -> Job:
    """Rebuild a :class:`Job` from what a script or a read returned."""
    doc = load_doc(doc_json)
    spec = loads(spec_json)
    job = Job(
        id=job_id,
        type=spec["type"],
        queue=queue,
        args=spec["args"],
        state=JobState.AVAILABLE,  # the state fields are set from the doc below
        priority=int(doc["priority"]),
        attempt=0,
        max_attempts=int(doc["max_attempts"]),
        retry=_retry_policy(spec["retry"]),
        created_at=int(doc["created_at"]),
        meta=spec.get("meta", {}),
        tags=spec.get("tags", []),
        trace_id=spec.get("trace_id", ""),
        extra=spec.get("extra", {}),
        unique=spec.get("unique"),
        timeout_ms=int(doc["timeout_ms"]),
        visibility_timeout_ms=int(doc["vis_ms"]),
        scheduled_at_text=spec.get("scheduled_at_text"),
        expires_at_text=spec.get("expires_at_text"),
        workflow_id=spec.get("workflow_id", ""),
        rate_limit_per_s=_int(doc.get("rl")),
        parent_results=spec.get("parent_results"),
    )
    _set_mutable(job, doc)
    if errors_json:
        job.errors = loads(errors_json)
    if result_json is not None:
        job.has_result = True
        job.result = loads(result_json)
    return job


def job_with_doc(held: Job, doc_json: str, result: Any, has_result: bool) -> Job:
    """``held`` (a job read earlier) after a transition that returned only its state
    document, and stored ``result`` when ``has_result``; the spec never changes."""
    # A shallow copy without copy.copy's generic protocol (this runs for every ack).
    job = Job.__new__(Job)
    job.__dict__.update(held.__dict__)
    _set_mutable(job, load_doc(doc_json))
    if has_result:
        job.has_result, job.result = True, result
    return job
