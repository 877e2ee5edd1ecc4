"""Typed client errors carrying the OJS error code (``google.rpc.ErrorInfo.reason``)."""

from __future__ import annotations

from typing import Any

import grpc
from google.rpc import error_details_pb2, status_pb2

_DETAILS_KEY = "grpc-status-details-bin"


class OJSClientError(Exception):
    """A failed OJS call: ``code`` is the OJS error code (``not_found``, ``invalid_state``...)."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: grpc.StatusCode | None = None,
        retryable: bool = False,
        metadata: dict[str, str] | None = None,
        violations: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.retryable = retryable
        self.metadata = metadata or {}
        self.violations = violations or []


class InvalidRequestError(OJSClientError):
    """``invalid_request`` / ``invalid_payload`` / ``schema_validation``."""


class NotFoundError(OJSClientError):
    """``not_found``: unknown job, workflow, cron entry or dead-letter entry."""


class DuplicateError(OJSClientError):
    """``duplicate``: a unique-job conflict with ``reject``."""


class InvalidStateError(OJSClientError):
    """``invalid_state`` (HTTP ``conflict``): the transition is not allowed from this state."""


class UnsupportedError(OJSClientError):
    """``unsupported``: the server does not implement this RPC or feature."""


class RateLimitedError(OJSClientError):
    """``rate_limited`` / ``queue_full`` / ``payload_too_large``."""


class BackendError(OJSClientError):
    """``backend_error``, an unreachable server or a passed deadline (retryable)."""


_BY_CODE: dict[str, type[OJSClientError]] = {
    "invalid_request": InvalidRequestError,
    "invalid_payload": InvalidRequestError,
    "schema_validation": InvalidRequestError,
    "not_found": NotFoundError,
    "duplicate": DuplicateError,
    "invalid_state": InvalidStateError,
    "conflict": InvalidStateError,
    "unsupported": UnsupportedError,
    "rate_limited": RateLimitedError,
    "queue_full": RateLimitedError,
    "payload_too_large": RateLimitedError,
    "backend_error": BackendError,
}
_BY_STATUS: dict[grpc.StatusCode, str] = {
    grpc.StatusCode.INVALID_ARGUMENT: "invalid_request",
    grpc.StatusCode.NOT_FOUND: "not_found",
    grpc.StatusCode.ALREADY_EXISTS: "duplicate",
    grpc.StatusCode.FAILED_PRECONDITION: "invalid_state",
    grpc.StatusCode.UNIMPLEMENTED: "unsupported",
    grpc.StatusCode.RESOURCE_EXHAUSTED: "rate_limited",
    grpc.StatusCode.INTERNAL: "backend_error",
    grpc.StatusCode.UNAVAILABLE: "backend_error",
    grpc.StatusCode.DEADLINE_EXCEEDED: "backend_error",
}


def error_for(
    code: str, message: str, *, status: grpc.StatusCode | None = None, **kw: Any
) -> OJSClientError:
    cls = _BY_CODE.get(code, OJSClientError)
    return cls(code, message, status=status, **kw)


def from_rpc_error(err: grpc.aio.AioRpcError) -> OJSClientError:
    """The typed error of a failed call, read from the rich status when the server sent one."""
    status = err.code()
    code = _BY_STATUS.get(status, status.name.lower())
    retryable = status in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
    metadata: dict[str, str] = {}
    violations: list[tuple[str, str]] = []
    for key, value in err.trailing_metadata() or ():
        if key != _DETAILS_KEY or not isinstance(value, bytes):
            continue
        rich = status_pb2.Status.FromString(value)
        for detail in rich.details:
            if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                detail.Unpack(info)
                code = info.reason or code
                metadata = dict(info.metadata)
                retryable = metadata.get("retryable") == "true"
            elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad = error_details_pb2.BadRequest()
                detail.Unpack(bad)
                violations = [(v.field, v.description) for v in bad.field_violations]
    return error_for(
        code,
        err.details() or status.name,
        status=status,
        retryable=retryable,
        metadata=metadata,
        violations=violations,
    )
