"""Shared pieces of the HTTP binding: responses, the error middleware, request parsing."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from ..errors import (
    DUPLICATE,
    INVALID_PAYLOAD,
    INVALID_REQUEST,
    INVALID_STATE,
    NOT_FOUND,
    PAYLOAD_TOO_LARGE,
    UNSUPPORTED,
    OJSError,
    invalid,
)
from ..ids import uuid7
from .codec import require_object

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/openjobspec+json"
LEASE_TOKEN_HEADER = "X-OJS-Lease-Token"
DOCS_BASE = "https://openjobspec.org/spec/v1/errors#"

_STATUS = {
    INVALID_PAYLOAD: 400,
    INVALID_REQUEST: 400,
    NOT_FOUND: 404,
    DUPLICATE: 409,
    INVALID_STATE: 409,
    UNSUPPORTED: 422,
    PAYLOAD_TOO_LARGE: 413,
}
_HINTS = {
    INVALID_PAYLOAD: "Send a JSON object body with Content-Type application/openjobspec+json.",
    INVALID_REQUEST: "Correct the field named in the message and send the request again.",
    NOT_FOUND: "Check the id; finished jobs are removed after the retention period.",
    DUPLICATE: "Use a new id, or read the existing job.",
    "conflict": "Read the job to see its current state before changing it.",
    UNSUPPORTED: "This server does not offer this feature at its conformance level.",
    PAYLOAD_TOO_LARGE: "Send a smaller request.",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def json_response(body: dict[str, Any], status: int = 200, **headers: str) -> web.Response:
    return web.Response(
        body=json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode(),
        status=status,
        headers={"Content-Type": MEDIA_TYPE, **headers},
    )


def error_response(err: OJSError, request_id: str) -> web.Response:
    code = "conflict" if err.code == INVALID_STATE else err.code
    status = _STATUS.get(err.code, 500 if err.retryable else 400)
    if err.code == INVALID_REQUEST and err.policy:
        status = 422
    details = dict(err.details)
    if err.violations:
        details["validation_errors"] = [
            {"field": v.field, "message": v.description} for v in err.violations
        ]
    docs = DOCS_BASE + code
    body = {
        "error": {
            "code": code,
            "type": "validation_error" if status == 422 and err.policy else code,
            "message": err.message,
            "retryable": err.retryable,
            "hint": _HINTS.get(code, "See the documentation for this error code."),
            "docs_url": docs,
            "doc_url": docs,
            "details": details,
            "request_id": request_id,
        }
    }
    return json_response(body, status)


@web.middleware
async def ojs_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Headers on every response, request ids, and one place that renders errors."""
    request_id = request.headers.get("X-Request-Id") or f"req_{uuid7()}"
    try:
        version = request.headers.get("OJS-Version")
        if version not in (None, "1.0"):
            raise OJSError(UNSUPPORTED, f"OJS-Version {version!r} is not supported; use 1.0")
        response = await handler(request)
    except OJSError as err:
        response = error_response(err, request_id)
    except web.HTTPRequestEntityTooLarge as exc:
        response = error_response(
            OJSError(PAYLOAD_TOO_LARGE, exc.text or "body too large"), request_id
        )
    except web.HTTPMethodNotAllowed:
        response = error_response(
            OJSError(INVALID_REQUEST, f"method {request.method} is not allowed on {request.path}"),
            request_id,
        )
        response.set_status(405)
    except web.HTTPNotFound:
        response = error_response(
            OJSError(NOT_FOUND, f"no route {request.method} {request.path}"), request_id
        )
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        response = error_response(
            OJSError("backend_error", "internal error; see the gateway log"), request_id
        )
        response.set_status(500)
    response.headers["OJS-Version"] = "1.0"
    response.headers["X-Request-Id"] = request_id
    return response


async def read_body(request: web.Request, *, optional: bool = False) -> dict[str, Any]:
    ctype = request.headers.get("Content-Type", "")
    raw = await request.read()
    if not raw.strip():
        if optional:
            return {}
        raise OJSError(INVALID_PAYLOAD, "request body is empty; a JSON object is required")
    media = ctype.split(";")[0].strip().lower()
    if media and media not in (MEDIA_TYPE, "application/json"):
        raise OJSError(INVALID_REQUEST, f"unsupported Content-Type {ctype!r}; use {MEDIA_TYPE}")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise OJSError(INVALID_PAYLOAD, f"request body is not valid JSON: {exc}") from None
    return require_object(body)


def lease_token(request: web.Request) -> int | None:
    raw = request.headers.get(LEASE_TOKEN_HEADER)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise invalid(LEASE_TOKEN_HEADER, f"{LEASE_TOKEN_HEADER} must be an integer") from None


def query_int(request: web.Request, name: str, default: int) -> int:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise invalid(name, f"query parameter '{name}' must be an integer") from None


def query_csv(request: web.Request, name: str) -> set[str] | None:
    raw = request.query.get(name)
    return {v for v in raw.split(",") if v} if raw else None
