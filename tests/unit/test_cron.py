"""Cron schedules (semantics §8.2, §8.3): parsing, rejections, zones, DST, @every, ids."""

from __future__ import annotations

import pytest

from ojs_grpc.cron import (
    Schedule,
    check_name,
    check_overlap_policy,
    check_timezone,
    cron_job_id,
    next_run,
    parse_go_duration,
    parse_schedule,
)
from ojs_grpc.cron_service import fire_spec, template_from_dict, template_to_dict
from ojs_grpc.errors import INVALID_REQUEST, OJSError
from ojs_grpc.ids import is_uuid7
from ojs_grpc.model import EnqueueSpec, RetryPolicy
from ojs_grpc.timefmt import format_rfc3339, parse_rfc3339


def at(text: str) -> int:
    return parse_rfc3339(text)


def runs(schedule: Schedule, start: str, count: int) -> list[str]:
    """The next ``count`` firings after ``start`` as RFC 3339 UTC."""
    out, t = [], at(start)
    for _ in range(count):
        nxt = next_run(schedule, t).at_ms
        assert nxt is not None
        out.append(format_rfc3339(nxt))
        t = nxt
    return out


# -- accepted expressions ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("*/5 * * * *", "2026-01-01T00:02:10Z", "2026-01-01T00:05:00.000Z"),
        ("0 * * * *", "2026-01-01T00:00:00Z", "2026-01-01T01:00:00.000Z"),
        ("30 2 * * *", "2026-01-01T03:00:00Z", "2026-01-02T02:30:00.000Z"),
        ("0 9 * * mon-fri", "2026-01-02T10:00:00Z", "2026-01-05T09:00:00.000Z"),  # Fri -> Mon
        ("0 0 1 jan,JUL *", "2026-02-01T00:00:00Z", "2026-07-01T00:00:00.000Z"),
        ("0 0 * * 7", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00.000Z"),  # 7 = Sunday
        ("0 0 * * SUN", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00.000Z"),
        ("15-20/5 8 * * *", "2026-01-01T08:15:00Z", "2026-01-01T08:20:00.000Z"),
        ("0 0 31 * *", "2026-02-01T00:00:00Z", "2026-03-31T00:00:00.000Z"),  # skips short months
        ("*/10 * * * * *", "2026-01-01T00:00:05Z", "2026-01-01T00:00:10.000Z"),  # leading seconds
        ("30 0 12 * * *", "2026-01-01T00:00:00Z", "2026-01-01T12:00:30.000Z"),
        ("@yearly", "2026-03-01T00:00:00Z", "2027-01-01T00:00:00.000Z"),
        ("@annually", "2026-03-01T00:00:00Z", "2027-01-01T00:00:00.000Z"),
        ("@monthly", "2026-03-05T00:00:00Z", "2026-04-01T00:00:00.000Z"),
        ("@weekly", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00.000Z"),
        ("@daily", "2026-01-01T13:00:00Z", "2026-01-02T00:00:00.000Z"),
        ("@midnight", "2026-01-01T13:00:00Z", "2026-01-02T00:00:00.000Z"),
        ("@hourly", "2026-01-01T13:20:00Z", "2026-01-01T14:00:00.000Z"),
        ("@DAILY", "2026-01-01T13:00:00Z", "2026-01-02T00:00:00.000Z"),
    ],
)
def test_next_run_of_accepted_expressions(expression: str, after: str, expected: str) -> None:
    schedule = parse_schedule(expression)
    assert schedule.expression == expression  # kept verbatim
    assert format_rfc3339(next_run(schedule, at(after)).at_ms or 0) == expected


def test_next_run_is_strictly_after_the_given_instant() -> None:
    schedule = parse_schedule("* * * * *")
    assert runs(schedule, "2026-01-01T00:00:00Z", 3) == [
        "2026-01-01T00:01:00.000Z",
        "2026-01-01T00:02:00.000Z",
        "2026-01-01T00:03:00.000Z",
    ]
    assert runs(schedule, "2026-01-01T00:00:59.999Z", 1) == ["2026-01-01T00:01:00.000Z"]


# -- rejections --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "says"),
    [
        ("not a valid cron", "got 4"),  # L2-CRON-006
        ("0 0 0 0 0 0 0", "got 7"),  # L2-CRON-006
        ("99 25 32 13 8", "minute field '99'"),  # L2-CRON-006
        ("", "required"),
        ("   ", "required"),
        ("* * * *", "got 4"),
        ("60 * * * *", "minute field '60'"),
        ("* 24 * * *", "hour field '24'"),
        ("* * 32 * *", "day-of-month field '32'"),
        ("* * 0 * *", "day-of-month field '0'"),
        ("* * * 13 *", "month field '13'"),
        ("* * * * 8", "day-of-week field '8'"),
        ("60 * * * * *", "second field '60'"),
        ("*/0 * * * *", "minute field '*/0'"),  # step 0
        ("1-2-3 * * * *", "minute field"),
        ("5-1 * * * *", "backwards"),
        ("1,,2 * * * *", "minute field"),
        ("*/ * * * *", "minute field"),
        ("0 0 30 2 *", "never matches"),
        ("H * * * *", "not cron"),  # croniter's hashed / random values differ per replica
        ("R 0 * * *", "not cron"),
        ("0\u00a00 * * * *", "characters"),
        ("@reboot", "unknown shortcut"),
        ("@every", "@every <duration>"),
        ("@every 30", "Go duration"),
        ("@every -5s", "Go duration"),
        ("@every 1h 30m", "Go duration"),
        ("@every 0s", "at least"),
        ("@every 10ms", "at least"),
    ],
)
def test_bad_expressions_are_refused_naming_the_field(expression: str, says: str) -> None:
    with pytest.raises(OJSError) as info:
        parse_schedule(expression)
    err = info.value
    assert err.code == INVALID_REQUEST and err.policy  # HTTP 422 validation_error
    assert err.details["field"] == "expression"
    assert "'expression'" in err.message and says in err.message


def test_the_grpc_spelling_names_its_own_field() -> None:
    with pytest.raises(OJSError) as info:
        parse_schedule("nope", path="cron")
    assert info.value.details["field"] == "cron"


@pytest.mark.parametrize("zone", ["EST", "UTC+5", "+05:00", "Japan", "GMT", "utc", "Mars/Olympus"])
def test_offsets_abbreviations_and_unknown_zones_are_refused(zone: str) -> None:
    with pytest.raises(OJSError) as info:
        parse_schedule("0 9 * * *", zone)
    assert info.value.details["field"] == "timezone" and info.value.policy
    assert "IANA" in info.value.message


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Tokyo", "Europe/Berlin"])
def test_iana_zones_are_accepted(zone: str) -> None:
    assert check_timezone(zone) == zone


def test_missing_zone_means_utc() -> None:
    assert parse_schedule("0 9 * * *", None).timezone == "UTC"
    assert parse_schedule("0 9 * * *", "").timezone == "UTC"


@pytest.mark.parametrize("name", ["a", "nightly-report", "v1.2", "0abc", "x" * 255])
def test_good_names(name: str) -> None:
    assert check_name(name) == name


@pytest.mark.parametrize("name", ["", "Nightly", "-x", ".x", "a_b", "a b", "x" * 256, 7, None])
def test_bad_names(name: object) -> None:
    with pytest.raises(OJSError) as info:
        check_name(name)
    assert info.value.details["field"] == "name" and not info.value.policy


def test_overlap_policies() -> None:
    assert check_overlap_policy("skip") == "skip"
    assert check_overlap_policy("allow") == "allow"
    with pytest.raises(OJSError):
        check_overlap_policy("sometimes")


# -- time zones and DST ------------------------------------------------------------------------


def test_next_run_is_computed_in_the_zone_and_reported_in_utc() -> None:
    after = "2026-01-01T00:00:00Z"
    tokyo = next_run(parse_schedule("0 9 * * *", "Asia/Tokyo"), at(after)).at_ms
    new_york = next_run(parse_schedule("0 9 * * *", "America/New_York"), at(after)).at_ms
    assert format_rfc3339(tokyo or 0) == "2026-01-02T00:00:00.000Z"  # 09:00 JST = 00:00Z
    assert format_rfc3339(new_york or 0) == "2026-01-01T14:00:00.000Z"  # 09:00 EST = 14:00Z


def test_summer_and_winter_offsets_follow_the_zone() -> None:
    schedule = parse_schedule("0 9 * * *", "Europe/Berlin")
    assert runs(schedule, "2026-03-28T12:00:00Z", 2) == [
        "2026-03-29T07:00:00.000Z",  # CEST (UTC+2) from 29 March
        "2026-03-30T07:00:00.000Z",
    ]
    assert runs(schedule, "2026-01-10T12:00:00Z", 1) == ["2026-01-11T08:00:00.000Z"]  # CET


def test_spring_forward_skips_the_local_time_that_does_not_exist() -> None:
    # New York, 8 March 2026: 02:00 EST jumps to 03:00 EDT; 02:30 never happens.
    schedule = parse_schedule("30 2 * * *", "America/New_York")
    result = next_run(schedule, at("2026-03-07T08:00:00Z"))  # after 02:30 on the 7th
    assert format_rfc3339(result.at_ms or 0) == "2026-03-09T06:30:00.000Z"  # 02:30 EDT on 9th
    assert result.dst_skipped == ("2026-03-08T02:30:00",)
    # Times around the gap still fire, at their real instants.
    hourly = parse_schedule("0 * * * *", "America/New_York")
    assert runs(hourly, "2026-03-08T06:30:00Z", 2) == [
        "2026-03-08T07:00:00.000Z",  # 03:00 EDT; 02:00 was skipped
        "2026-03-08T08:00:00.000Z",
    ]


def test_fall_back_fires_a_repeated_local_time_once_on_its_first_occurrence() -> None:
    # New York, 1 November 2026: 02:00 EDT goes back to 01:00 EST; 01:30 happens twice.
    schedule = parse_schedule("30 1 * * *", "America/New_York")
    assert runs(schedule, "2026-10-31T12:00:00Z", 2) == [
        "2026-11-01T05:30:00.000Z",  # 01:30 EDT, the first one
        "2026-11-02T06:30:00.000Z",  # the second 01:30 (EST, 06:30Z) is not a firing
    ]
    every_20 = parse_schedule("*/20 * * * *", "America/New_York")
    assert runs(every_20, "2026-11-01T04:50:00Z", 5) == [
        "2026-11-01T05:00:00.000Z",  # 01:00 EDT
        "2026-11-01T05:20:00.000Z",
        "2026-11-01T05:40:00.000Z",
        "2026-11-01T07:00:00.000Z",  # 02:00 EST: the repeated 01:xx hour did not fire again
        "2026-11-01T07:20:00.000Z",
    ]


def test_from_inside_the_repeated_hour_the_next_run_is_after_it() -> None:
    schedule = parse_schedule("*/20 * * * *", "America/New_York")
    # 06:10Z is 01:10 EST, the second 01:10: 01:20 and 01:40 already fired as EDT.
    assert runs(schedule, "2026-11-01T06:10:00Z", 1) == ["2026-11-01T07:00:00.000Z"]


# -- @every ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ms"),
    [("30s", 30_000), ("1h30m", 5_400_000), ("500ms", 500), ("1.5h", 5_400_000), ("2h", 7_200_000)],
)
def test_go_durations(text: str, ms: int) -> None:
    assert parse_go_duration(text) == ms


def test_every_is_anchored_at_registration_and_skips_missed_runs() -> None:
    schedule = parse_schedule("@every 30s")
    assert schedule.every_ms == 30_000
    anchor = at("2026-01-01T00:00:10Z")
    assert format_rfc3339(next_run(schedule, anchor, anchor).at_ms or 0) == (
        "2026-01-01T00:00:40.000Z"
    )
    # After a fire at 00:00:40 the next is 00:01:10; after downtime, the next grid point.
    assert next_run(schedule, at("2026-01-01T00:00:40Z"), anchor).at_ms == at(
        "2026-01-01T00:01:10Z"
    )
    assert next_run(schedule, at("2026-01-01T00:05:00Z"), anchor).at_ms == at(
        "2026-01-01T00:05:10Z"
    )
    half = parse_schedule("@every 500ms")
    assert next_run(half, anchor, anchor).at_ms == anchor + 500


# -- ids and templates -------------------------------------------------------------------------


def test_a_ticks_job_id_is_a_deterministic_uuid7_of_name_and_tick() -> None:
    tick = at("2026-01-01T00:00:00Z")
    first = cron_job_id("nightly", tick)
    assert is_uuid7(first)
    assert first == cron_job_id("nightly", tick)
    assert first != cron_job_id("nightly", tick + 60_000)
    assert first != cron_job_id("hourly", tick)
    assert int(first.replace("-", "")[:12], 16) == tick  # the tick is its 48-bit time


def test_template_round_trip_and_firing_spec() -> None:
    spec = EnqueueSpec(
        type="report.build",
        args=[{"k": 1}],
        queue="reports",
        priority=5,
        meta={"team": "a"},
        tags=["x"],
        timeout_ms=60_000,
        ttl_ms=3_600_000,
        retry=RetryPolicy(max_attempts=7),
    )
    stored = template_to_dict(spec, delay_ms=5_000)
    back, delay = template_from_dict(stored)
    assert delay == 5_000
    assert (back.type, back.args, back.queue, back.priority, back.meta, back.tags) == (
        "report.build",
        [{"k": 1}],
        "reports",
        5,
        {"team": "a"},
        ["x"],
    )
    assert (back.timeout_ms, back.ttl_ms, back.retry) == (60_000, 3_600_000, spec.retry)
    tick = at("2026-01-01T00:00:00Z")
    fired = fire_spec(back, delay, "nightly", tick, tick + 250)
    assert fired.client_id == cron_job_id("nightly", tick)
    assert fired.meta == {
        "team": "a",
        "cron_name": "nightly",
        "cron_triggered_at": "2026-01-01T00:00:00.000Z",
    }
    assert fired.scheduled_at == tick + 250 + 5_000
    assert back.meta == {"team": "a"}  # the template itself is untouched
