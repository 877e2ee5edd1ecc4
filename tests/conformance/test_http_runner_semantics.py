"""Unit tests of the conformance runner's pure logic: paths, matchers, templates, blocks.

Every expectation here restates a rule of the official Go runner (``ojs-http-binding.md`` 1.3 to
1.6); none of these tests needs a server.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conformance.http_runner import (
    Case,
    CaseResult,
    Failure,
    GoNilSlice,
    InvalidMatcher,
    PathError,
    StepRecord,
    check_exclusive_claim,
    check_header,
    check_matcher,
    check_status,
    evaluate_assertions,
    evaluate_body_block,
    go_format_float,
    go_json_marshal,
    go_sprint,
    load_cases,
    parse_response_body,
    plan_step_groups,
    resolve_matcher_templates,
    resolve_path,
    resolve_templates,
    summarize,
)

SUITES = Path(__file__).parent / "suites"
UUID7 = "0190a8b4-6c6e-7d2e-8f00-0123456789ab"


def passes(matcher: Any, actual: Any) -> bool:
    return check_matcher(matcher, actual) is None


# --------------------------------------------------------------------------------------------
# Paths
# --------------------------------------------------------------------------------------------

DOC: dict[str, Any] = {
    "job": {"id": "j1", "state": "active", "error": None, "tags": ["a", "b"]},
    "jobs": [
        {"id": "j1", "n": 1, "errors": [{"type": "X"}]},
        {"id": "j2", "n": 2.5},
        {"id": "j3"},
    ],
    "grid": [[1, 2], [3, 4]],
    "crons": [{"name": "c1"}, {"other": 1}, {"name": "c3"}],
    "empty": [],
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$.job.id", "j1"),
        ("job.id", "j1"),
        ("$.job.tags[1]", "b"),
        ("$.grid[1][0]", 3),
        ("$.jobs[0].errors[0].type", "X"),
        ("$.crons[*].name", ["c1", "c3"]),
        ("$.jobs[*].n", [1, 2.5]),
        ("$.jobs[?(@.id=='j2')].n", 2.5),
        ('$.jobs[?(@.id=="j3")].id', "j3"),
        ("$.jobs[?(@.n=='2.5')].id", "j2"),
        ("$.jobs[?(@.id=='zz')]", None),
        ("$.missing", None),
        ("$.missing.deeper.still", None),
        ("$.job.error", None),
        ("$.job.nothing", None),
    ],
)
def test_resolve_path_values(path: str, expected: Any) -> None:
    assert resolve_path(path, DOC) == expected


def test_wildcard_on_empty_array_is_typed_nil_slice() -> None:
    value = resolve_path("$.empty[*]", DOC)
    assert isinstance(value, GoNilSlice)
    assert value == []
    assert go_json_marshal(value) == "null"
    assert go_sprint(value) == "[]"
    assert passes("exists", value)
    assert passes("array:length:0", value)
    assert not passes("absent", value)


@pytest.mark.parametrize(
    "path",
    [
        "$.job.error.message",  # key lookup inside null
        "$.job.id.x",  # key lookup inside a string
        "$.missing[0]",  # indexing a missing value
        "$.job[0]",  # indexing an object
        "$.jobs[3]",  # out of range
        "$.jobs[-1]",
        "$.jobs[x]",
        "$.job.id[*]",  # wildcard on a string
        "$.jobs[0",
        "$.jobs[0]x",
        "$.missing[?(@.id=='j1')]",
        "$.jobs[?(@.id=='zz')].id",  # nothing matched, then a key lookup on nil
    ],
)
def test_resolve_path_errors(path: str) -> None:
    with pytest.raises(PathError):
        resolve_path(path, DOC)


def test_missing_key_vs_path_error_in_body_block() -> None:
    body = {"job": {"error": None}, "jobs": []}
    cases: list[tuple[str, Any, bool]] = [
        # missing key: only absent, null, $exists false and any pass
        ("$.job.result", "absent", True),
        ("$.job.result", None, True),
        ("$.job.result", {"$exists": False}, True),
        ("$.job.result", "any", True),
        ("$.job.result", "exists", False),
        ("$.job.result", {"$exists": True}, False),
        ("$.job.result", "", False),
        ("$.nope.deeper", "absent", True),
        # null value: looks exactly like missing at the end of a path
        ("$.job.error", "absent", True),
        ("$.job.error", {"$exists": False}, True),
        # path error: everything fails except the exact string "absent"
        ("$.job.error.message", "absent", True),
        ("$.job.error.message", None, False),
        ("$.job.error.message", {"$exists": False}, False),
        ("$.job.error.message", "any", False),
        ("$.jobs[0].id", "absent", True),
        ("$.jobs[0].id", {"$exists": False}, False),
    ]
    for path, matcher, ok in cases:
        failures = evaluate_body_block({path: matcher}, body, {})
        assert (failures == []) is ok, (path, matcher, failures)


def test_body_paths_skipped_when_body_is_not_an_object() -> None:
    block = {"$.job.id": "exists", "$.jobs": "array:length:1"}
    assert evaluate_body_block(block, None, {}) == []
    assert evaluate_body_block(block, {}, {}) != []


def test_operator_keys_are_not_looked_up() -> None:
    assert evaluate_body_block({"$empty": True, "$foo": "x"}, {"a": 1}, {}) == []


# --------------------------------------------------------------------------------------------
# Matchers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("matcher", "actual", "ok"),
    [
        # literal strings are type-strict
        ("42", "42", True),
        ("42", 42, False),
        ("available", "available", True),
        ("available", "Available", False),
        ("available", None, False),
        # numbers
        (42, 42, True),
        (42, 42.0, True),
        (42, "42", False),
        (42, 43, False),
        (0.1, 0.1 + 1e-12, True),
        (0.1, 0.1 + 1e-8, False),
        (1.5, 1.5, True),
        (0, None, False),
        (1, True, False),
        # booleans and null
        (True, True, True),
        (True, 1, False),
        (False, False, True),
        (False, None, False),
        (None, None, True),
        (None, 0, False),
        (None, GoNilSlice(), False),
        # arrays: exact length, element-wise
        (["a", 1], ["a", 1], True),
        (["a", 1], ["a", 1, 2], False),
        (["a", 1], ["a", "1"], False),
        ([], [], True),
        ([], None, False),
        # object subset, nested absent
        ({"a": 1}, {"a": 1, "b": 2}, True),
        ({"a": 1, "c": "absent"}, {"a": 1}, True),
        ({"c": "absent"}, {"c": None}, False),
        ({"a": "exists"}, {}, False),
        ({"a": None}, {"a": None}, True),
        ({"a": None}, {}, False),
        ({"a": {"b": "x"}}, {"a": {"b": "x", "c": 1}}, True),
        ({"a": 1}, [1], False),
        # any / exists / absent
        ("any", None, True),
        ("any", [1], True),
        ("exists", 0, True),
        ("exists", None, False),
        ("absent", None, True),
        ("absent", "", False),
        # strings
        ("string:uuidv7", UUID7, True),
        ("string:uuidv7", UUID7.upper(), False),
        ("string:uuidv7", "0190a8b4-6c6e-4d2e-8f00-0123456789ab", False),
        ("string:uuidv7", 7, False),
        ("string:uuid", "0190a8b4-6c6e-4d2e-8f00-0123456789ab", True),
        ("string:datetime", "2024-01-02T03:04:05Z", True),
        ("string:datetime", "2024-01-02T03:04:05.123456+01:00", True),
        ("string:datetime", "2024-01-02 03:04:05Z", False),
        ("string:datetime", "2024-01-02T03:04:05Z\n", False),
        ("string:datetime", "2024-01-02T03:04:05", False),
        ("string:nonempty", "x", True),
        ("string:nonempty", "", False),
        ("string:non_empty", "x", True),
        ("string:non_empty", 1, False),
        ("string:contains:time", "timed out", True),
        ("string:contains:time", "TIME", False),
        # arrays by size
        ("array:length:2", [1, 2], True),
        ("array:length:2", [1], False),
        ("array:length:2", "ab", False),
        ("array:length(1)", [None], True),
        ("array:length(1)", [], False),
        ("array:min_length:2", [1, 2, 3], True),
        ("array:min_length:2", [1], False),
        ("array:min:1", [1], True),
        ("array:min:1", [], False),
        ("array:nonempty", [0], True),
        ("array:nonempty", [], False),
        ("array:empty", [], True),
        ("array:length:x", [], False),
        # approximate: 50 %, no floor
        ("~1000", 500, True),
        ("~1000", 1500, True),
        ("~1000", 499, False),
        ("~1000", 1501, False),
        ("~1000", "1000", False),
        ("~0", 0, True),
        ("~0", 1, False),
        # range object
        ({"range": {"min": 1, "max": 3}}, 1, True),
        ({"range": {"min": 1, "max": 3}}, 3, True),
        ({"range": {"min": 1, "max": 3}}, 3.5, False),
        ({"range": {"min": 1}}, 1000, True),
        ({"range": {"min": 1}}, "2", False),
        # number:range string (inclusive)
        ("number:range(400,422)", 400, True),
        ("number:range(400, 422)", 422, True),
        ("number:range(400,422)", 423, False),
        # $exists and $type
        ({"$exists": True, "$type": "string"}, "x", True),
        ({"$exists": True, "$type": "string"}, 1, False),
        ({"$exists": True, "$type": "number"}, 1.5, True),
        ({"$exists": True, "$type": "boolean"}, False, True),
        ({"$exists": True, "$type": "array"}, [], True),
        ({"$exists": True, "$type": "object"}, {}, True),
        ({"$exists": True, "$type": "object"}, [], False),
        ({"$exists": False}, None, True),
        ({"$exists": False}, 0, False),
        ({"$exists": True}, None, False),
        # $match: unanchored regex on strings only
        ({"$match": "^[0-9a-f]{8}-"}, UUID7, True),
        ({"$match": "json"}, "application/openjobspec+json", True),
        ({"$match": "^json"}, "application/json", False),
        ({"$match": "1"}, 1, False),
        # $in
        ({"$in": ["completed", "cancelled"]}, "cancelled", True),
        ({"$in": ["completed", "cancelled"]}, "active", False),
        ({"$in": [1, "exists"]}, "x", True),
        ({"$in": []}, "x", False),
        # $size
        ({"$size": 0}, [], True),
        ({"$size": 0}, [1], False),
        ({"$size": 0}, None, False),
        ({"$size": {"$gte": 2}}, [1, 2], True),
        ({"$size": {"$gte": 2}}, [1], False),
        # nested $or
        ({"$or": ["absent", {"$type": "string", "$exists": True}]}, None, True),
        ({"$or": ["absent", {"$type": "string", "$exists": True}]}, "x", True),
        ({"$or": ["absent", {"$type": "string", "$exists": True}]}, 1, False),
    ],
)
def test_matchers(matcher: Any, actual: Any, ok: bool) -> None:
    error = check_matcher(matcher, actual)
    assert (error is None) is ok, error


def test_invalid_matcher_always_fails() -> None:
    assert check_matcher(InvalidMatcher('"a"b"'), "a") is not None


def test_failure_message_names_path_matcher_and_value() -> None:
    [failure] = evaluate_body_block({"$.job.state": "completed"}, {"job": {"state": "active"}}, {})
    text = str(failure)
    assert failure.field == "$.job.state"
    assert '"completed"' in text
    assert '"active"' in text


# --------------------------------------------------------------------------------------------
# Go %v printing (contains, filters) and encodings
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        (1, "1"),
        (1.0, "1"),
        (2.5, "2.5"),
        (100000, "100000"),
        (1000000, "1e+06"),
        (1234567, "1.234567e+06"),
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),
        (-3, "-3"),
        (True, "true"),
        (None, "<nil>"),
        ("s", "s"),
        ([1, "a", None], "[1 a <nil>]"),
        ({"b": 1, "a": [2]}, "map[a:[2] b:1]"),
    ],
)
def test_go_sprint(value: Any, printed: str) -> None:
    assert go_sprint(value) == printed


def test_contains_uses_go_printing() -> None:
    assert passes("contains:1", [1.0, 2])
    assert passes("contains:1e+06", [1000000])
    assert not passes("contains:1000000", [1000000])
    assert passes("contains:true", [True])
    assert passes("contains:<nil>", [None])
    assert passes("contains:[a b]", [["a", "b"]])
    assert passes("contains:map[k:v]", [{"k": "v"}])
    assert not passes("contains:x", "x")
    assert passes("not_contains:c1", ["c2", "c3"])
    assert not passes("not_contains:2", [2.0])
    assert not passes("not_contains:x", None)
    assert passes("contains:c1", resolve_path("$.crons[*].name", DOC))


def test_go_json_marshal() -> None:
    value = {"b": [1, 2.5, 1e21, 1e-7], "a": "<&>", "c": None, "d": True}
    expected = '{"a":"\\u003c\\u0026\\u003e","b":[1,2.5,1e+21,1e-7],"c":null,"d":true}'
    assert go_json_marshal(value) == expected
    assert go_format_float(-0.0) == "-0"


# --------------------------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------------------------

BODIES: dict[str, dict[str, Any] | None] = {
    "step-1": {"job": {"id": UUID7, "priority": 10, "ratio": 0.5, "args": [1, "a"]}},
    "step-2": {"jobs": []},
    "step-3": None,
}


@pytest.mark.parametrize(
    ("text", "resolved"),
    [
        ("/ojs/v1/jobs/{{steps.step-1.response.body.job.id}}", f"/ojs/v1/jobs/{UUID7}"),
        ('{"p": {{steps.step-1.response.body.job.priority}}}', '{"p": 10}'),
        ("{{steps.step-1.response.body.job.ratio}}", "0.5"),
        ("{{steps.step-1.response.body.job.args}}", '[1,"a"]'),
        (
            "x{{steps.step-2.response.body.jobs[0].id}}",
            "x{{steps.step-2.response.body.jobs[0].id}}",
        ),
        ("{{steps.step-2.response.body.jobs[*].id}}", "null"),
        ("{{steps.step-3.response.body.job.id}}", "{{steps.step-3.response.body.job.id}}"),
        ("{{steps.step-9.response.body.job.id}}", "{{steps.step-9.response.body.job.id}}"),
        ("{{steps.step-1.response.body.job.none}}", "{{steps.step-1.response.body.job.none}}"),
        ("{{steps.step-1.response.body}}", "{{steps.step-1.response.body}}"),
    ],
)
def test_resolve_templates(text: str, resolved: str) -> None:
    assert resolve_templates(text, BODIES) == resolved


def test_object_template_is_go_json() -> None:
    result = resolve_templates("{{steps.step-1.response.body.job}}", BODIES)
    assert result == f'{{"args":[1,"a"],"id":"{UUID7}","priority":10,"ratio":0.5}}'
    assert json.loads(result)["id"] == UUID7


def test_whole_float_is_inserted_without_decimals() -> None:
    assert resolve_templates("{{steps.s.response.body.n}}", {"s": {"n": 3.0}}) == "3"


def test_matcher_templates() -> None:
    assert resolve_matcher_templates("{{steps.step-1.response.body.job.id}}", BODIES) == UUID7
    assert resolve_matcher_templates(
        {"$in": ["{{steps.step-1.response.body.job.id}}"]}, BODIES
    ) == {"$in": [UUID7]}
    assert resolve_matcher_templates("plain", BODIES) == "plain"
    broken = resolve_matcher_templates("{{steps.q.response.body.v}}", {"q": {"v": 'say "hi"'}})
    assert isinstance(broken, InvalidMatcher)


def test_templates_in_assertion_paths_and_matchers() -> None:
    parsed = {"jobs": [{"id": "other"}, {"id": UUID7, "state": "discarded"}]}
    block = {
        "$.jobs[?(@.id=='{{steps.step-1.response.body.job.id}}')].state": "discarded",
        "$.jobs[1].id": "{{steps.step-1.response.body.job.id}}",
    }
    assert evaluate_body_block(block, parsed, BODIES) == []
    parsed["jobs"][1]["id"] = "changed"
    assert len(evaluate_body_block(block, parsed, BODIES)) == 2


# --------------------------------------------------------------------------------------------
# Top-level $or
# --------------------------------------------------------------------------------------------

FETCH_EMPTY_OR = {"$or": [{"$.jobs": {"$size": 0}}, {"$empty": True}]}


def test_top_level_or() -> None:
    assert evaluate_body_block(FETCH_EMPTY_OR, {"jobs": []}, {}) == []
    assert [f.field for f in evaluate_body_block(FETCH_EMPTY_OR, {"jobs": [1]}, {})] == ["$or"]
    # An empty or non-object body cannot satisfy any alternative: "$empty" is looked up as a key.
    assert [f.field for f in evaluate_body_block(FETCH_EMPTY_OR, None, {})] == ["$or"]
    assert [f.field for f in evaluate_body_block(FETCH_EMPTY_OR, {}, {})] == ["$or"]


def test_top_level_or_needs_all_pairs_of_one_alternative() -> None:
    block = {
        "$or": [
            {"$.job.state": "completed", "$.job.attempt": 1},
            {"$.job.state": {"$in": ["cancelled"]}},
        ]
    }
    assert evaluate_body_block(block, {"job": {"state": "completed", "attempt": 1}}, {}) == []
    assert evaluate_body_block(block, {"job": {"state": "cancelled"}}, {}) == []
    assert evaluate_body_block(block, {"job": {"state": "completed", "attempt": 2}}, {}) != []
    # an "absent" alternative on an error path fails inside $or (no exemption there)
    assert evaluate_body_block({"$or": [{"$.a.b": "absent"}]}, {"a": None}, {}) != []


# --------------------------------------------------------------------------------------------
# Status and headers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "actual", "ok"),
    [
        (201, 201, True),
        (201, 200, False),
        ("number:range(400,422)", 404, True),
        ("number:range(400,422)", 500, False),
        ("one_of:400,422", 422, True),
        ("one_of:400, 422", 422, True),
        ("one_of:400,422", 409, False),
        ("one_of:abc,422", 422, False),
        ({"$in": [200, 409]}, 409, True),
        ({"$in": [200, 409]}, 204, False),
        ({"$in": [200.5]}, 200, False),
        ("200", 200, False),
        (200.0, 200, False),
        ({}, 200, False),
    ],
)
def test_status(expected: Any, actual: int, ok: bool) -> None:
    assert (check_status(expected, actual) is None) is ok


HEADERS = [
    ("content-type", "application/openjobspec+json"),
    ("OJS-Version", "1.0"),
    ("X-Multi", "first"),
    ("x-multi", "second"),
]


@pytest.mark.parametrize(
    ("name", "expected", "ok"),
    [
        ("Content-Type", "application/openjobspec+json", True),
        ("CONTENT-TYPE", "application/openjobspec+json", True),
        ("Content-Type", "application/json", False),
        ("ojs-version", "1.0", True),
        ("X-Multi", "first", True),
        ("X-Multi", "second", False),
        ("Content-Type", {"$match": "application/(openjobspec\\+)?json"}, True),
        ("Content-Type", {"$match": "^json"}, False),
        ("X-Missing", "", True),
        ("X-Missing", {"$match": "."}, False),
        ("Content-Type", 5, False),
    ],
)
def test_headers(name: str, expected: Any, ok: bool) -> None:
    assert (check_header(name, expected, HEADERS) is None) is ok


# --------------------------------------------------------------------------------------------
# Steps: assertion blocks, parallel groups, exclusive claims
# --------------------------------------------------------------------------------------------


def record(action: str = "POST", **kwargs: Any) -> StepRecord:
    return StepRecord(step_id="step-x", action=action, method=action, url="http://h/", **kwargs)


def test_evaluate_assertions_blocks() -> None:
    step = {
        "assertions": {
            "status": 200,
            "status_in": [200, 204],
            "body": {"$.jobs": "array:length:0"},
            "body_absent": ["$.error"],
            "body_contains": ['"jobs"'],
            "headers": {"Content-Type": "application/openjobspec+json"},
            "timing_ms": {"less_than": 1000},
        }
    }
    good = record(
        status=200,
        headers=[("Content-Type", "application/openjobspec+json")],
        body_text='{"jobs": []}',
        parsed={"jobs": []},
        duration_ms=5,
    )
    assert evaluate_assertions(step, good, {}) == []
    bad = record(
        status=204,
        headers=[],
        body_text='{"error": {}}',
        parsed={"error": {}},
        duration_ms=1000,
    )
    fields = [f.field for f in evaluate_assertions(step, bad, {})]
    assert fields == [
        "status",
        "$.jobs",
        "$.error",
        "header:Content-Type",
        "timing",
        "body_contains",
    ]


def test_unknown_assertion_kinds_fail_loudly() -> None:
    step = {"assertions": {"status": 200, "body_raw": "x", "exclusive_claim": {}}}
    fields = [f.field for f in evaluate_assertions(step, record(status=200), {})]
    assert fields == ["body_raw", "exclusive_claim"]


def test_assert_step_ignores_equality_and_checks_exclusive_claim() -> None:
    bodies: dict[str, dict[str, Any] | None] = {
        "step-1": {"job": {"id": "J"}},
        "step-2": {"jobs": [{"id": "J"}]},
        "step-3": {"jobs": []},
    }
    claim = {
        "job_id": "{{steps.step-1.response.body.job.id}}",
        "fetches": ["{{steps.step-2.response.body.jobs}}", "{{steps.step-3.response.body.jobs}}"],
        "exactly_one_has_job": True,
        "exactly_one_empty": True,
    }
    step = {"action": "ASSERT", "assertions": {"exclusive_claim": claim, "equality": {"x": 1}}}
    assert evaluate_assertions(step, record("ASSERT", status=405), bodies) == []
    assert check_exclusive_claim(claim, bodies) == []
    Bodies = dict[str, dict[str, Any] | None]
    both: Bodies = {**bodies, "step-3": {"jobs": [{"id": "J"}]}}
    assert len(check_exclusive_claim(claim, both)) == 2
    neither: Bodies = {**bodies, "step-2": {"jobs": []}}
    assert len(check_exclusive_claim(claim, neither)) == 2
    broken: Bodies = {**bodies, "step-2": {"error": {"code": "x"}}}
    assert check_exclusive_claim(claim, broken) != []
    failures = evaluate_assertions(step, record("ASSERT", status=404), both)
    assert {f.field for f in failures} == {"exclusive_claim"}


def test_parallel_steps_run_once_as_one_group() -> None:
    steps = [
        {"id": "step-1"},
        {"id": "step-2", "parallel_with": "step-3"},
        {"id": "step-3", "parallel_with": "step-2"},
        {"id": "step-4"},
    ]
    plan = [[s["id"] for s in group] for group in plan_step_groups(steps)]
    assert plan == [["step-1"], ["step-2", "step-3"], ["step-4"]]
    one_way = [{"id": "a", "parallel_with": "b"}, {"id": "b"}, {"id": "c"}]
    assert [[s["id"] for s in g] for g in plan_step_groups(one_way)] == [["a", "b"], ["c"]]
    assert len(plan_step_groups([{"id": "a"}, {"id": "b"}])) == 2


def test_parse_response_body() -> None:
    assert parse_response_body(b"") is None
    assert parse_response_body(b"[]") is None
    assert parse_response_body(b"null") is None
    assert parse_response_body(b"not json") is None
    assert parse_response_body(b'{"a": NaN}') is None
    assert parse_response_body(b"{}") == {}
    assert parse_response_body(b'{"a": 1e400, "b": 2}') == {"a": None, "b": 2}


# --------------------------------------------------------------------------------------------
# Loading and reporting
# --------------------------------------------------------------------------------------------


def test_load_cases_counts_and_keys() -> None:
    level0 = load_cases(SUITES, [0])
    level1 = load_cases(SUITES, [1])
    everything = load_cases(SUITES, range(5))
    assert len(level0) == 65
    assert len(level1) == 25
    assert len(everything) == 133
    keys = [case.key for case in everything]
    assert len(set(keys)) == len(keys)
    assert [c.level for c in level0] == [0] * 65
    order = [(case.test_id, case.path.name) for case in everything]
    assert order == sorted(order)
    assert "L0-OPS-015:error-validation-invalid-payload" in keys
    assert sum(1 for c in everything if c.test_id == "L0-OPS-015") == 2
    claim = next(c for c in everything if c.key == "L0-OPS-008:fetch-exclusive-claim")
    assert [s["id"] for s in claim.steps] == ["step-1", "step-2", "step-3", "step-4"]


def test_report_formatting() -> None:
    case = Case("L9-X-001:demo", "L9-X-001", 0, "cat", "demo", Path("demo.json"), {})
    failed_step = record(status=500, body_text='{"error": "boom"}', request_body='{"a": 1}')
    failed_step.failures.append(Failure("step-x", "status", "Expected status 200, got 500"))
    failed = CaseResult(
        key=case.key,
        test_id=case.test_id,
        level=0,
        name="demo",
        passed=False,
        failures=[str(failed_step.failures[0])],
        duration_s=0.25,
        status="fail",
        steps=[failed_step],
    )
    text = failed.format()
    assert text.startswith("FAIL L9-X-001:demo")
    assert "POST http://h/ -> 500" in text
    assert '{"error": "boom"}' in text
    assert "Expected status 200, got 500" in text
    ok = CaseResult("L1-Y:ok", "L1-Y", 1, "ok", True, [], 0.1)
    assert ok.format().startswith("PASS L1-Y:ok")
    summary = summarize([failed, ok])
    assert "level 0: 0/1 passed, 1 failed" in summary
    assert "level 1: 1/1 passed, 0 failed" in summary
    assert "L9-X-001:demo" in summary
