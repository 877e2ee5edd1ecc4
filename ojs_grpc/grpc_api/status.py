"""OJSError -> gRPC status with ``google.rpc`` details (ojs-grpc-binding §7-§8)."""

from __future__ import annotations

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from ..errors import (
    BACKEND_ERROR,
    BACKEND_UNAVAILABLE,
    DUPLICATE,
    INVALID_PAYLOAD,
    INVALID_REQUEST,
    INVALID_STATE,
    NOT_FOUND,
    PAYLOAD_TOO_LARGE,
    UNSUPPORTED,
    OJSError,
)

ERROR_DOMAIN = "openjobspec.org"

_CODES = {
    INVALID_PAYLOAD: code_pb2.INVALID_ARGUMENT,
    INVALID_REQUEST: code_pb2.INVALID_ARGUMENT,
    NOT_FOUND: code_pb2.NOT_FOUND,
    DUPLICATE: code_pb2.ALREADY_EXISTS,
    INVALID_STATE: code_pb2.FAILED_PRECONDITION,
    UNSUPPORTED: code_pb2.UNIMPLEMENTED,
    PAYLOAD_TOO_LARGE: code_pb2.RESOURCE_EXHAUSTED,
    BACKEND_ERROR: code_pb2.INTERNAL,
    BACKEND_UNAVAILABLE: code_pb2.UNAVAILABLE,
}


def to_status(err: OJSError, request_id: str = "") -> grpc.Status:
    """The rich status for ``err``: ErrorInfo always, BadRequest for invalid fields."""
    info = error_details_pb2.ErrorInfo(domain=ERROR_DOMAIN, reason=err.code)
    info.metadata["retryable"] = "true" if err.retryable else "false"
    if request_id:
        info.metadata["request_id"] = request_id
    for key, value in err.details.items():
        if isinstance(value, str | int | float | bool) and key not in info.metadata:
            info.metadata[key] = str(value)
    details = [info]
    if err.violations:
        details.append(
            error_details_pb2.BadRequest(
                field_violations=[
                    error_details_pb2.BadRequest.FieldViolation(
                        field=v.field, description=v.description
                    )
                    for v in err.violations
                ]
            )
        )
    packed = []
    for d in details:
        any_msg = any_pb2.Any()
        any_msg.Pack(d)
        packed.append(any_msg)
    status = status_pb2.Status(
        code=_CODES.get(err.code, code_pb2.INTERNAL), message=err.message, details=packed
    )
    result: grpc.Status = rpc_status.to_status(status)
    return result
