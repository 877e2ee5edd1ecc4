"""Shared pieces of the gRPC servicers: the :func:`rpc` wrapper and metadata helpers.

:func:`rpc` wraps each method once: it echoes ``x-ojs-request-id``, sends the
server version and conformance level as response metadata, and turns an
:class:`~ojs_grpc.errors.OJSError` into a status with ErrorInfo details.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import grpc

from .. import __version__
from .._proto.ojs.v1 import worker_pb2
from ..errors import OJSError, invalid
from ..service import CONFORMANCE_LEVEL
from .status import to_status

log = logging.getLogger(__name__)

REQUEST_ID_KEY = "x-ojs-request-id"
LEASE_TOKEN_KEY = "x-ojs-lease-token"
DIRECTIVE_TO_PROTO = {
    "running": worker_pb2.WORKER_STATE_RUNNING,
    "quiet": worker_pb2.WORKER_STATE_QUIET,
    "terminate": worker_pb2.WORKER_STATE_TERMINATE,
}

Ctx = grpc.aio.ServicerContext[Any, Any]
Req = TypeVar("Req")
Resp = TypeVar("Resp")
Method = Callable[[Any, Req, Ctx], Awaitable[Resp]]


def metadata_dict(context: Ctx) -> dict[str, str]:
    return {k: v for k, v in (context.invocation_metadata() or ()) if isinstance(v, str)}


def response_headers(request_id: str) -> list[tuple[str, str]]:
    """Metadata every response carries (ojs-grpc-binding §9)."""
    headers = [
        ("x-ojs-server-version", __version__),
        ("x-ojs-conformance-level", str(CONFORMANCE_LEVEL)),
    ]
    if request_id:
        headers.append((REQUEST_ID_KEY, request_id))
    return headers


def rpc(method: Method[Req, Resp]) -> Method[Req, Resp]:
    @functools.wraps(method)
    async def wrapper(self: Any, request: Req, context: Ctx) -> Resp:
        request_id = metadata_dict(context).get(REQUEST_ID_KEY, "")
        # The headers go out while the method runs: awaiting them first costs every call
        # a turn of gRPC's completion queue, and concurrent calls queue up behind it.
        headers = asyncio.ensure_future(context.send_initial_metadata(response_headers(request_id)))
        try:
            response = await method(self, request, context)
        except OJSError as err:
            await headers
            await context.abort_with_status(to_status(err, request_id))
            raise AssertionError("unreachable") from err  # abort_with_status always raises
        except BaseException:
            with contextlib.suppress(Exception):  # the failure, not the headers, is the news
                await headers  # gRPC must not send its status while they are on the way
            raise
        await headers  # the response must follow them
        return response

    return wrapper


def lease_token(context: Ctx) -> int | None:
    raw = metadata_dict(context).get(LEASE_TOKEN_KEY)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise invalid(LEASE_TOKEN_KEY, f"metadata {LEASE_TOKEN_KEY} must be an integer") from None


def require_job_id(job_id: str) -> str:
    if not job_id:
        raise invalid("job_id", "'job_id' is required")
    return job_id
