"""Client pieces that need no server: URLs, durations, specs, rich-status errors."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2

from ojs_grpc.client import NotFoundError, OJSClientError, RetryPolicy, batch, chain, group
from ojs_grpc.client._values import duration_seconds, iso_duration, parse_instant
from ojs_grpc.client.client import build_options, grpc_target, spec_json, split_spec
from ojs_grpc.client.errors import from_rpc_error


def test_import_is_cheap() -> None:
    code = (
        "import sys, ojs_grpc; assert 'grpc' not in sys.modules; "
        "from ojs_grpc import Client, RetryPolicy, CronJobRequest, chain, group, batch; "
        "Client(); assert not [m for m in sys.modules if m.startswith('ojs_grpc.store')]"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_grpc_target(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OJS_URL", raising=False)
    assert grpc_target(None) == "localhost:9090"
    monkeypatch.setenv("OJS_URL", "grpc://ojs.internal:9090/")
    assert grpc_target(None) == "ojs.internal:9090"
    assert grpc_target("10.0.0.1:1") == "10.0.0.1:1"
    with pytest.raises(ValueError, match="HTTP URL"):
        grpc_target("http://localhost:8080")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("PT1M", 60), ("PT0.5S", 0.5), ("P1DT2H", 93600), ("pt1h30m", 5400), (2, 2.0)],
)
def test_durations(text: str | int, seconds: float) -> None:
    assert duration_seconds(text) == seconds


def test_bad_duration_and_instants() -> None:
    with pytest.raises(ValueError):
        duration_seconds("1 minute")
    with pytest.raises(ValueError):
        duration_seconds("PT")
    assert duration_seconds(timedelta(minutes=2)) == 120
    assert iso_duration(1.5) == "PT1.5S"
    assert parse_instant("2026-02-12T11:00:00Z") == datetime(2026, 2, 12, 11, tzinfo=UTC)
    assert parse_instant(datetime(2026, 1, 1)).tzinfo is UTC


def test_options_and_specs() -> None:
    o = build_options(
        queue="email",
        retry=RetryPolicy(max_attempts=5, initial_interval="PT1M", non_retryable_errors=["E"]),
        delay_until="2026-02-12T11:00:00Z",
        ttl="PT1H",
    )
    assert o.queue == "email" and o.retry.max_attempts == 5
    assert o.retry.initial_interval.seconds == 60 and list(o.retry.non_retryable_errors) == ["E"]
    assert o.delay_until.seconds == int(datetime(2026, 2, 12, 11, tzinfo=UTC).timestamp())
    assert o.ttl.seconds == 3600
    assert split_spec({"type": "a", "args": [1], "queue": "q", "options": {"priority": 2}}) == (
        "a",
        [1],
        {"queue": "q", "priority": 2},
    )
    with pytest.raises(ValueError, match="unknown keys"):
        split_spec({"type": "a", "countdown": 3})
    with pytest.raises(ValueError, match="'type'"):
        split_spec({"args": []})
    body = spec_json({"type": "a", "args": [], "retry": RetryPolicy(max_attempts=2)}, "x")
    assert body["options"]["retry"]["max_attempts"] == 2
    assert body["options"]["retry"]["initial_interval"] == "PT1S"


def test_workflow_builders() -> None:
    assert len(chain({"type": "a"}, {"type": "b"}).steps) == 2
    assert len(group({"type": "a"}).jobs) == 1
    with pytest.raises(ValueError):
        chain()
    with pytest.raises(ValueError, match="unknown batch callbacks"):
        batch([{"type": "a"}], callbacks={"on_done": {"type": "b"}})


def _rpc_error(code: grpc.StatusCode, reason: str | None) -> grpc.aio.AioRpcError:
    trailing = grpc.aio.Metadata()
    if reason is not None:
        info = error_details_pb2.ErrorInfo(domain="openjobspec.org", reason=reason)
        info.metadata["retryable"] = "false"
        packed = any_pb2.Any()
        packed.Pack(info)
        status = status_pb2.Status(code=code.value[0], message="m", details=[packed])
        trailing.add("grpc-status-details-bin", status.SerializeToString())
    return grpc.aio.AioRpcError(code, grpc.aio.Metadata(), trailing, details="job x not found")


def test_typed_errors_from_rich_status() -> None:
    err = from_rpc_error(_rpc_error(grpc.StatusCode.NOT_FOUND, "not_found"))
    assert isinstance(err, NotFoundError) and err.code == "not_found"
    assert err.message == "job x not found" and err.status is grpc.StatusCode.NOT_FOUND
    plain = from_rpc_error(_rpc_error(grpc.StatusCode.UNAVAILABLE, None))
    assert plain.code == "backend_error" and plain.retryable
    odd = from_rpc_error(_rpc_error(grpc.StatusCode.FAILED_PRECONDITION, "queue_paused"))
    assert type(odd) is OJSClientError and odd.code == "queue_paused"
