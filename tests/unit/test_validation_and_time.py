"""Envelope validation (semantics §1.2, §5.1), RFC 3339 / ISO 8601 time and UUIDv7 ids."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ojs_grpc.errors import INVALID_REQUEST, OJSError
from ojs_grpc.ids import is_uuid7, uuid7
from ojs_grpc.model import BackoffStrategy, EnqueueSpec, OnExhaustion, RetryPolicy
from ojs_grpc.timefmt import (
    format_iso_duration,
    format_rfc3339,
    parse_iso_duration,
    parse_rfc3339,
)
from ojs_grpc.validation import (
    build_retry_policy,
    check_priority,
    check_queue,
    check_spec,
    check_type,
)

JAN_1_2024 = 1_704_067_200_000  # 2024-01-01T00:00:00Z


def assert_invalid(exc: pytest.ExceptionInfo[OJSError], field: str, *, policy: bool) -> None:
    err = exc.value
    assert err.code == INVALID_REQUEST
    assert err.policy is policy
    assert err.details == {"field": field}
    assert [v.field for v in err.violations] == [field]
    assert field.rsplit(".", 1)[-1] in err.message


# -- type ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["email.send", "a", "a1_b.c2", "report.generate.v2", "dlq.test.discarded-in-dlq", "a" * 255],
)
def test_type_accepted(value: str) -> None:
    assert check_type(value) == value


@pytest.mark.parametrize(
    "value",
    [
        "Email.Send",
        "email send",
        "1email.send",
        "",
        "email@send!",
        "INVALID_TYPE_FORMAT!!",
        "email..send",
        ".email",
        "email.",
        "email.1send",
        "a" * 256,
        None,
        5,
        ["email.send"],
    ],
)
def test_type_rejected(value: Any) -> None:
    with pytest.raises(OJSError) as exc:
        check_type(value)
    assert_invalid(exc, "type", policy=False)


def test_type_error_names_the_given_path() -> None:
    with pytest.raises(OJSError) as exc:
        check_type("Bad", "jobs[2].type")
    assert_invalid(exc, "jobs[2].type", policy=False)
    assert "'Bad'" in exc.value.message


def test_type_with_trailing_newline_rejected() -> None:
    with pytest.raises(OJSError):
        check_type("email.send\n")


# -- queue --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["default", "my-queue", "q.1", "0queue", "a" * 128])
def test_queue_accepted(value: str) -> None:
    assert check_queue(value) == value


@pytest.mark.parametrize(
    "value",
    ["Default", "my_queue!", "-invalid", "my queue", "a" * 129, "", ".q", "my_queue", None, 3],
)
def test_queue_rejected(value: Any) -> None:
    with pytest.raises(OJSError) as exc:
        check_queue(value, "options.queue")
    assert_invalid(exc, "options.queue", policy=False)


def test_queue_with_trailing_newline_rejected() -> None:
    with pytest.raises(OJSError):
        check_queue("default\n")


# -- priority -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", [-100, -1, 0, 1, 100])
def test_priority_accepted(value: int) -> None:
    assert check_priority(value) == value


@pytest.mark.parametrize("value", [101, -101, 999999, True, 1.0, "1", None])
def test_priority_rejected(value: Any) -> None:
    with pytest.raises(OJSError) as exc:
        check_priority(value, "options.priority")
    assert_invalid(exc, "options.priority", policy=False)


# -- retry policy -------------------------------------------------------------------------


def build(**given: Any) -> RetryPolicy:
    fields: dict[str, Any] = {
        "max_attempts": None,
        "initial_interval_ms": None,
        "backoff_coefficient": None,
        "max_interval_ms": None,
        "jitter": None,
        "non_retryable_errors": None,
        "on_exhaustion": None,
        "backoff_strategy": None,
    }
    fields.update(given)
    return build_retry_policy(**fields)


def test_retry_policy_defaults() -> None:
    p = build()
    assert p == RetryPolicy()
    assert (p.max_attempts, p.initial_interval_ms, p.backoff_coefficient) == (3, 1_000, 2.0)
    assert (p.max_interval_ms, p.jitter, p.non_retryable_errors) == (300_000, True, ())
    assert (p.on_exhaustion, p.backoff_strategy) == (
        OnExhaustion.DISCARD,
        BackoffStrategy.EXPONENTIAL,
    )


def test_retry_policy_partial_merge() -> None:
    p = build(
        max_attempts=5,
        initial_interval_ms=250,
        jitter=False,
        non_retryable_errors=["auth.*"],
        on_exhaustion="dead_letter",
        backoff_strategy="linear",
    )
    assert p == RetryPolicy(
        max_attempts=5,
        initial_interval_ms=250,
        backoff_coefficient=2.0,
        max_interval_ms=300_000,
        jitter=False,
        non_retryable_errors=("auth.*",),
        on_exhaustion=OnExhaustion.DEAD_LETTER,
        backoff_strategy=BackoffStrategy.LINEAR,
    )


def test_retry_max_attempts_zero_means_one_attempt() -> None:
    assert build(max_attempts=0).max_attempts == 1


def test_retry_max_interval_defaults_up_to_initial() -> None:
    p = build(initial_interval_ms=600_000)
    assert (p.initial_interval_ms, p.max_interval_ms) == (600_000, 600_000)


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"max_attempts": -1}, "max_attempts"),
        ({"initial_interval_ms": 0}, "initial_interval"),
        ({"initial_interval_ms": -5}, "initial_interval"),
        ({"backoff_coefficient": 0.5}, "backoff_coefficient"),
        ({"backoff_coefficient": 0.0}, "backoff_coefficient"),
        ({"initial_interval_ms": 5_000, "max_interval_ms": 4_000}, "max_interval"),
        ({"on_exhaustion": "explode"}, "on_exhaustion"),
        ({"backoff_strategy": "random"}, "backoff_strategy"),
    ],
)
def test_retry_policy_rejections(given: dict[str, Any], field: str) -> None:
    with pytest.raises(OJSError) as exc:
        build(**given, path="options.retry")
    assert_invalid(exc, f"options.retry.{field}", policy=True)
    assert f"options.retry.{field}" in exc.value.message


def test_retry_policy_accepts_boundaries() -> None:
    p = build(backoff_coefficient=1.0, initial_interval_ms=1, max_interval_ms=1)
    assert (p.backoff_coefficient, p.initial_interval_ms, p.max_interval_ms) == (1.0, 1, 1)


# -- check_spec ---------------------------------------------------------------------------


def test_check_spec_accepts_a_plain_spec() -> None:
    check_spec(EnqueueSpec(type="email.send", args=[]))


@pytest.mark.parametrize(
    ("changes", "field", "policy"),
    [
        ({"type": "Bad"}, "jobs[1].type", False),
        ({"queue": "Bad"}, "jobs[1].options.queue", False),
        ({"priority": 101}, "jobs[1].options.priority", False),
        ({"timeout_ms": 0}, "jobs[1].options.timeout", False),
        ({"visibility_timeout_ms": -1}, "jobs[1].options.visibility_timeout", False),
        ({"ttl_ms": 0}, "jobs[1].options.ttl", False),
        ({"max_attempts": -1}, "jobs[1].options.max_attempts", True),
        ({"tags": ["ok", 5]}, "jobs[1].options.tags[1]", False),
    ],
)
def test_check_spec_rejections(changes: dict[str, Any], field: str, policy: bool) -> None:
    spec = EnqueueSpec(type="email.send", args=[])
    for name, value in changes.items():
        setattr(spec, name, value)
    with pytest.raises(OJSError) as exc:
        check_spec(spec, "jobs[1].")
    assert_invalid(exc, field, policy=policy)


# -- RFC 3339 -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("2024-01-01T00:00:00Z", JAN_1_2024),
        ("2024-01-01T00:00:00.5Z", JAN_1_2024 + 500),
        ("2024-01-01T00:00:00.123Z", JAN_1_2024 + 123),
        ("2024-01-01T00:00:00.123456Z", JAN_1_2024 + 123),  # microseconds truncated
        ("2024-01-01T00:00:00.000000001Z", JAN_1_2024),
        ("2024-01-01T02:00:00+02:00", JAN_1_2024),
        ("2023-12-31T18:30:00-05:30", JAN_1_2024),
        ("2024-01-01T00:00:00.250+00:00", JAN_1_2024 + 250),
        ("2024-01-01t00:00:00z", JAN_1_2024),
        ("2024-01-01 00:00:00Z", JAN_1_2024),
        ("1970-01-01T00:00:00Z", 0),
        ("1969-12-31T23:59:59.500Z", -500),
        ("2099-12-31T23:59:59Z", 4_102_444_799_000),
    ],
)
def test_parse_rfc3339(text: str, ms: int) -> None:
    assert parse_rfc3339(text) == ms


@pytest.mark.parametrize(
    "text",
    [
        "2024-01-01T00:00:00",  # no zone
        "2024-01-01T00:00:00.5",
        "2024-01-01",
        "2024-01-01T00:00Z",
        "2024-01-01T00:00:00+0200",
        "2024-01-01T00:00:00+02",
        "2024-13-01T00:00:00Z",
        "2024-02-30T00:00:00Z",
        "2024-01-01T25:00:00Z",
        "2024-01-01T00:00:00.Z",
        "not a time",
        "",
        "1704067200",
    ],
)
def test_parse_rfc3339_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_rfc3339(text)


def test_parse_rfc3339_rejects_trailing_newline() -> None:
    with pytest.raises(ValueError):
        parse_rfc3339("2024-01-01T00:00:00Z\n")


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (JAN_1_2024, "2024-01-01T00:00:00.000Z"),
        (JAN_1_2024 + 7, "2024-01-01T00:00:00.007Z"),
        (JAN_1_2024 + 123_456, "2024-01-01T00:02:03.456Z"),
        (0, "1970-01-01T00:00:00.000Z"),
        (-500, "1969-12-31T23:59:59.500Z"),
    ],
)
def test_format_rfc3339(ms: int, text: str) -> None:
    assert format_rfc3339(ms) == text
    assert parse_rfc3339(text) == ms


# -- ISO 8601 durations -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("PT1S", 1_000),
        ("PT0.5S", 500),
        ("PT1.5S", 1_500),
        ("PT0.001S", 1),
        ("P1D", 86_400_000),
        ("PT1H30M", 5_400_000),
        ("PT5M", 300_000),
        ("P2W", 1_209_600_000),
        ("P1DT2H", 93_600_000),
        ("PT0S", 0),
        ("PT90S", 90_000),
    ],
)
def test_parse_iso_duration(text: str, ms: int) -> None:
    assert parse_iso_duration(text) == ms


@pytest.mark.parametrize(
    "text", ["", "P", "PT", "1S", "PT1", "P1DT", "pt1s", "-PT1S", "PT1.S", "PTS", "1000", "P1H"]
)
def test_parse_iso_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_iso_duration(text)


@pytest.mark.parametrize("value", [None, 1000, 1.5])
def test_parse_iso_duration_rejects_non_strings(value: Any) -> None:
    with pytest.raises(ValueError):
        parse_iso_duration(value)


def test_parse_iso_duration_rejects_trailing_newline() -> None:
    with pytest.raises(ValueError):
        parse_iso_duration("PT1S\n")


@pytest.mark.parametrize(
    ("ms", "text"),
    [(1_000, "PT1S"), (1_500, "PT1.5S"), (0, "PT0S"), (250, "PT0.25S"), (300_000, "PT300S")],
)
def test_format_iso_duration(ms: int, text: str) -> None:
    assert format_iso_duration(ms) == text
    assert parse_iso_duration(text) == ms


@pytest.mark.parametrize("ms", [1_234_567, 123_456_789])
def test_format_iso_duration_round_trips_long_fractional_values(ms: int) -> None:
    assert parse_iso_duration(format_iso_duration(ms)) == ms


# -- UUIDv7 -------------------------------------------------------------------------------

UUID7_SHAPE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def test_uuid7_format() -> None:
    for _ in range(200):
        value = uuid7()
        assert UUID7_SHAPE.fullmatch(value), value
        assert is_uuid7(value)


def test_uuid7_embeds_the_millisecond_timestamp() -> None:
    value = uuid7(JAN_1_2024 + 42)
    assert int(value.replace("-", "")[:12], 16) == JAN_1_2024 + 42
    assert value[14] == "7"
    assert value[19] in "89ab"


def test_uuid7_orders_by_time() -> None:
    ids = [uuid7(JAN_1_2024 + step) for step in (0, 1, 2, 1_000, 86_400_000)]
    assert ids == sorted(ids)
    assert uuid7(JAN_1_2024) < uuid7(JAN_1_2024 + 1)


def test_uuid7_is_unique_within_one_millisecond() -> None:
    assert len({uuid7(JAN_1_2024) for _ in range(1_000)}) == 1_000


@pytest.mark.parametrize(
    "value",
    [
        "",
        "not-a-uuid",
        "0190a8e4-ffd3-4b6e-9a5f-2c7d1e4f5a6b",  # v4
        "0190A8E4-FFD3-7B6E-9A5F-2C7D1E4F5A6B",  # uppercase v7
        "0190a8e4-ffd3-7b6e-ca5f-2c7d1e4f5a6b",  # wrong variant
        "0190a8e4ffd37b6e9a5f2c7d1e4f5a6b",  # no dashes
    ],
)
def test_is_uuid7_rejects(value: str) -> None:
    assert not is_uuid7(value)


def test_is_uuid7_accepts_a_lowercase_v7() -> None:
    assert is_uuid7("0190a8e4-ffd3-7b6e-9a5f-2c7d1e4f5a6b")


def test_is_uuid7_rejects_trailing_newline() -> None:
    assert not is_uuid7(uuid7(JAN_1_2024) + "\n")
