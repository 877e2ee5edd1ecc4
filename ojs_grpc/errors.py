"""The one error type of the service layer.

Each binding maps an :class:`OJSError` to its own wire form: an HTTP status and
JSON error body, or a gRPC status with ``google.rpc.ErrorInfo`` details. The
code is the OJS error code (lowercase snake_case) used by both bindings; the
HTTP binding alone renames ``invalid_state`` to ``conflict`` (the conformance
cases ask for that word over HTTP).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

INVALID_PAYLOAD = "invalid_payload"
INVALID_REQUEST = "invalid_request"
NOT_FOUND = "not_found"
DUPLICATE = "duplicate"
INVALID_STATE = "invalid_state"
UNSUPPORTED = "unsupported"
PAYLOAD_TOO_LARGE = "payload_too_large"
BACKEND_ERROR = "backend_error"
BACKEND_UNAVAILABLE = "backend_unavailable"

RETRYABLE_CODES = frozenset({BACKEND_ERROR, BACKEND_UNAVAILABLE})


@dataclass(eq=False)
class FieldViolation:
    """One invalid field: ``field`` is a dotted path such as ``options.queue``."""

    field: str
    description: str


@dataclass(eq=False)
class OJSError(Exception):
    """A refused operation: OJS ``code``, human ``message`` and context.

    ``policy`` marks a well-formed policy object whose values break a rule
    (HTTP answers those with 422 ``validation_error``, everything else 400).
    """

    code: str
    message: str
    violations: list[FieldViolation] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    policy: bool = False

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @property
    def retryable(self) -> bool:
        return self.code in RETRYABLE_CODES

    def __str__(self) -> str:
        return self.message


def invalid(field_path: str, message: str, *, policy: bool = False) -> OJSError:
    """An ``invalid_request`` error naming one field."""
    return OJSError(
        INVALID_REQUEST,
        message,
        violations=[FieldViolation(field_path, message)],
        details={"field": field_path},
        policy=policy,
    )


def not_found(what: str, ident: str) -> OJSError:
    return OJSError(NOT_FOUND, f"{what} '{ident}' not found", details={"id": ident})


def invalid_state(job_id: str, current: str, attempted: str) -> OJSError:
    return OJSError(
        INVALID_STATE,
        f"cannot {attempted} job '{job_id}': it is '{current}'",
        details={"job_id": job_id, "current_state": current, "attempted": attempted},
    )
