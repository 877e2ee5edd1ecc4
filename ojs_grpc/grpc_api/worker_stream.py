"""The ``ojsgrpc.worker.v1.WorkerStreamService`` servicer: thin, the session logic is
:mod:`ojs_grpc.worker_sessions`."""

from __future__ import annotations

from collections.abc import AsyncIterator

from redis.exceptions import RedisError

from .._proto.ojsgrpc.worker.v1 import worker_stream_pb2 as ws
from .._proto.ojsgrpc.worker.v1 import worker_stream_pb2_grpc
from ..errors import BACKEND_UNAVAILABLE, OJSError
from ..worker_sessions import SessionDraining, WorkerSessions
from .common import REQUEST_ID_KEY, Ctx, metadata_dict, response_headers
from .status import to_status


class WorkerStreamServicer(worker_stream_pb2_grpc.WorkerStreamServiceServicer):
    def __init__(self, sessions: WorkerSessions) -> None:
        self.sessions = sessions

    async def Connect(
        self, request_iterator: AsyncIterator[ws.ConnectRequest], context: Ctx
    ) -> AsyncIterator[ws.ConnectResponse]:
        """A worker session; ends with UNAVAILABLE when the gateway shuts down."""
        request_id = metadata_dict(context).get(REQUEST_ID_KEY, "")
        await context.send_initial_metadata(response_headers(request_id))
        try:
            async for response in self.sessions.serve(request_iterator):
                yield response
            return
        except OJSError as err:
            await context.abort_with_status(to_status(err, request_id))
        except SessionDraining:
            pass
        except RedisError as exc:
            await context.abort_with_status(
                to_status(OJSError(BACKEND_UNAVAILABLE, f"backend failed: {exc}; reconnect"))
            )
        await context.abort_with_status(
            to_status(OJSError(BACKEND_UNAVAILABLE, "server shutting down; reconnect"))
        )


__all__ = ["WorkerStreamServicer"]
