"""OJS worker runtime: ``Worker`` (handlers, middleware, heartbeats, graceful stop) and the
``ojs-worker-runtime`` multiprocess supervisor."""

from .context import JobContext
from .worker import HandlerNotFound, Worker

__all__ = ["HandlerNotFound", "JobContext", "Worker"]
