"""ojs-grpc: an Open Job Spec job server (gRPC + HTTP) on Redis or an embedded store.

The client names (``Client``, ``RetryPolicy``, ``chain``...) are loaded on first access, so
importing ``ojs_grpc`` stays cheap and never touches gRPC.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_CLIENT_NAMES = frozenset(
    {
        "Client",
        "SyncClient",
        "RetryPolicy",
        "UniquePolicy",
        "CronJobRequest",
        "Job",
        "JobError",
        "Workflow",
        "OJSClientError",
        "NotFoundError",
        "InvalidRequestError",
        "InvalidStateError",
        "DuplicateError",
        "UnsupportedError",
        "RateLimitedError",
        "BackendError",
        "chain",
        "group",
        "batch",
    }
)

if TYPE_CHECKING:
    from .client import (
        BackendError,
        Client,
        CronJobRequest,
        DuplicateError,
        InvalidRequestError,
        InvalidStateError,
        Job,
        JobError,
        NotFoundError,
        OJSClientError,
        RateLimitedError,
        RetryPolicy,
        SyncClient,
        UniquePolicy,
        UnsupportedError,
        Workflow,
        batch,
        chain,
        group,
    )


def __getattr__(name: str) -> Any:
    if name in _CLIENT_NAMES:
        from . import client

        return getattr(client, name)
    raise AttributeError(f"module 'ojs_grpc' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_CLIENT_NAMES])


__all__ = [
    "BackendError",
    "Client",
    "CronJobRequest",
    "DuplicateError",
    "InvalidRequestError",
    "InvalidStateError",
    "Job",
    "JobError",
    "NotFoundError",
    "OJSClientError",
    "RateLimitedError",
    "RetryPolicy",
    "SyncClient",
    "UniquePolicy",
    "UnsupportedError",
    "Workflow",
    "__version__",
    "batch",
    "chain",
    "group",
]
