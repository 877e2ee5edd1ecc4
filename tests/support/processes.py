"""Real processes for tests: a throwaway redis-server and gateway subprocesses."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_LISTENING = re.compile(r"listening: gRPC \S+ \(port (\d+)\), HTTP \S+ \(port (\d+)\)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def find_redis_server() -> str:
    path = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None
    )
    if path is None:
        raise RuntimeError(
            "redis-server not found: the test command (scripts/test) installs it; "
            "or set OJS_TEST_REDIS_URL to a Redis you own"
        )
    return path


@dataclass
class RedisServer:
    url: str
    port: int
    proc: subprocess.Popen[bytes] | None = None


@contextmanager
def redis_server() -> Iterator[RedisServer]:
    """A redis-server on a free loopback port, nothing persisted; or OJS_TEST_REDIS_URL."""
    existing = os.environ.get("OJS_TEST_REDIS_URL")
    if existing:
        yield RedisServer(existing, 0)
        return
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="ojs-redis-")
    proc = subprocess.Popen(
        [
            find_redis_server(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            workdir,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
        yield RedisServer(f"redis://127.0.0.1:{port}/0", port, proc)
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)


@dataclass
class GatewayProcess:
    proc: subprocess.Popen[str]
    grpc_port: int
    http_port: int
    lines: list[str] = field(default_factory=list)

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def grpc_target(self) -> str:
        return f"127.0.0.1:{self.grpc_port}"

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def terminate(self, timeout: float = 20) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)


def start_gateway(
    *extra_args: str,
    redis_url: str | None = None,
    grpc_port: int = 0,
    http_port: int = 0,
    env: dict[str, str] | None = None,
) -> GatewayProcess:
    """Spawn ``python -m ojs_grpc serve`` and wait until it listens."""
    args = [
        sys.executable,
        "-m",
        "ojs_grpc",
        "serve",
        "--grpc-addr",
        f"127.0.0.1:{grpc_port}",
        "--http-addr",
        f"127.0.0.1:{http_port}",
        *extra_args,
    ]
    if redis_url:
        args += ["--redis-url", redis_url]
    child_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    child_env.pop("REDIS_URL", None)
    proc = subprocess.Popen(
        args, cwd=REPO, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=child_env
    )
    lines: list[str] = []
    assert proc.stderr is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line)
        m = _LISTENING.search(line)
        if m:
            gw = GatewayProcess(proc, int(m.group(1)), int(m.group(2)), lines)
            # Keep draining stderr so the child never blocks on a full pipe.
            collect_stderr(proc, lines)
            return gw
    proc.kill()
    raise RuntimeError("gateway did not start:\n" + "".join(lines))


@contextmanager
def running_gateway(*extra_args: str, redis_url: str | None = None) -> Iterator[GatewayProcess]:
    """:func:`start_gateway`, terminated on exit (if it is still running)."""
    gw = start_gateway(*extra_args, redis_url=redis_url)
    try:
        yield gw
    finally:
        if gw.proc.poll() is None:
            gw.terminate()


def collect_stderr(proc: subprocess.Popen[str], lines: list[str] | None = None) -> list[str]:
    """Append the child's stderr lines to ``lines`` from a daemon thread (so the child
    never blocks on a full pipe); returns the list, which fills as the child writes."""
    collected: list[str] = [] if lines is None else lines

    def drain() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            collected.append(line)

    threading.Thread(target=drain, daemon=True).start()
    return collected
