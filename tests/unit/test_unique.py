"""Unique-job policies and fingerprints (ojs_grpc.unique); the rate-limit option."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from ojs_grpc.errors import OJSError
from ojs_grpc.ratelimit import parse_rate_limit
from ojs_grpc.unique import (
    DEFAULT_STATES,
    UniquePolicy,
    canonical_json,
    fingerprint,
    parse_policy,
    select_args,
)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- canonical JSON -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"b": 1, "a": [True, None, "x"]}, '{"a":[true,null,"x"],"b":1}'),
        ({"z": {"y": 1, "x": 2}}, '{"z":{"x":2,"y":1}}'),
        ([1.0, 2.5, -0.0, 100.0], "[1,2.5,0,100]"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1e-7, "1e-7"),
        (0.000001, "0.000001"),
        (123.456, "123.456"),
        (-1.5e-10, "-1.5e-10"),
        ("e\u0301", '"\u00e9"'),  # e + combining acute accent -> NFC e-acute
        ({"e\u0301": 1}, '{"\u00e9":1}'),
        ('quote " and \\', '"quote \\" and \\\\"'),
    ],
)
def test_canonical_json(value: Any, text: str) -> None:
    assert canonical_json(value) == text


def test_canonical_json_refuses_non_json() -> None:
    with pytest.raises(ValueError):
        canonical_json(float("nan"))
    with pytest.raises(TypeError):
        canonical_json({1, 2})


# -- fingerprint ----------------------------------------------------------------------------


def test_fingerprint_is_sha256_of_the_canonical_dimensions() -> None:
    policy = parse_policy({"keys": ["args", "type"]})
    got = fingerprint(policy, "email.send", "mail", [{"to": "a", "n": 1}])
    assert got == sha('{"args":[{"n":1,"to":"a"}],"type":"email.send"}')
    assert len(got) == 64 and got == got.lower()


def test_fingerprint_default_is_type_only() -> None:
    policy = parse_policy({})
    assert policy.keys == ("type",)
    a = fingerprint(policy, "t", "q1", [1])
    assert a == sha('{"type":"t"}')
    assert a == fingerprint(policy, "t", "q2", [2], {"m": 1})
    assert a != fingerprint(policy, "u", "q1", [1])


def test_fingerprint_dimensions() -> None:
    by_queue = parse_policy({"keys": ["queue"]})
    assert by_queue.keys == ("type", "queue")  # type is always included
    assert fingerprint(by_queue, "t", "q1", []) != fingerprint(by_queue, "t", "q2", [])
    by_args = parse_policy({"keys": ["type", "args"]})
    assert fingerprint(by_args, "t", "q", [1, 2]) != fingerprint(by_args, "t", "q", [2, 1])
    # key order, whitespace, number spelling and Unicode form do not matter
    assert fingerprint(by_args, "t", "q", [{"a": 1, "b": "\u00e9"}]) == fingerprint(
        by_args, "t", "q", [{"b": "e\u0301", "a": 1.0}]
    )


def test_fingerprint_filters_args_and_meta_keys() -> None:
    policy = parse_policy({"keys": ["args", "meta"], "args_keys": ["user"], "meta_keys": ["t"]})
    base = fingerprint(policy, "t", "q", [{"user": 7, "noise": 1}], {"t": "x", "other": 1})
    assert base == sha('{"args":{"user":7},"meta":{"t":"x"},"type":"t"}')
    assert base == fingerprint(policy, "t", "q", ["pos", {"user": 7, "noise": 2}], {"t": "x"})
    assert base != fingerprint(policy, "t", "q", [{"user": 8}], {"t": "x"})
    assert base != fingerprint(policy, "t", "q", [{"user": 7}], {"t": "y"})


def test_select_args_needs_every_listed_key() -> None:
    assert select_args([1, {"a": 1}, {"a": 2, "b": 3}], ("a", "b")) == {"a": 1, "b": 3}
    assert select_args([1, 2], ()) == [1, 2]
    with pytest.raises(OJSError) as info:
        select_args([{"a": 1}], ("a", "missing"), "jobs[2].options.unique")
    err = info.value
    assert (err.code, err.policy) == ("invalid_request", True)
    assert err.violations[0].field == "jobs[2].options.unique.args_keys"
    assert "missing" in err.message


# -- policy validation ------------------------------------------------------------------------


def test_policy_defaults_and_stored_form() -> None:
    policy = parse_policy({"key": ["args"], "period": "PT2S", "on_conflict": "use_existing"})
    assert policy == UniquePolicy(
        keys=("type", "args"), period_ms=2000, states=DEFAULT_STATES, on_conflict="ignore"
    )
    assert policy.to_dict() == {
        "keys": ["type", "args"],
        "on_conflict": "ignore",
        "states": list(DEFAULT_STATES),
        "period": "PT2S",
        "period_ms": 2000,
    }
    # the stored form parses back to the same policy (both codecs read it)
    assert parse_policy(policy.to_dict()) == policy
    assert parse_policy({"period_ms": 500, "states": ["available"]}).states == ("available",)
    assert parse_policy({"keys": ["args"], "x-extension": 1}).keys == ("type", "args")


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"keys": ["type", "colour"]}, "options.unique.keys"),
        ({"key": ["nope"]}, "options.unique.key"),
        ({"keys": "type"}, "options.unique.keys"),
        ({"keys": ["meta"]}, "options.unique.meta_keys"),
        ({"keys": ["meta"], "meta_keys": []}, "options.unique.meta_keys"),
        ({"states": ["available", "running"]}, "options.unique.states"),
        ({"states": ["JobState(0)"]}, "options.unique.states"),
        ({"on_conflict": "overwrite"}, "options.unique.on_conflict"),
        ({"period": "soon"}, "options.unique.period"),
        ({"period": "PT0S"}, "options.unique.period"),
        ({"period_ms": -1}, "options.unique.period"),
        ({"period": 5}, "options.unique.period"),
        ("type", "options.unique"),
    ],
)
def test_invalid_policies_are_policy_errors(raw: Any, field: str) -> None:
    with pytest.raises(OJSError) as info:
        parse_policy(raw)
    err = info.value
    assert (err.code, err.policy) == ("invalid_request", True)  # HTTP 422
    assert err.violations[0].field == field
    assert err.message


def test_policy_error_paths_follow_the_given_prefix() -> None:
    with pytest.raises(OJSError) as info:
        parse_policy({"states": ["bogus"]}, "jobs[4].options.unique")
    assert info.value.violations[0].field == "jobs[4].options.unique.states"


# -- rate limit option ------------------------------------------------------------------------


def test_rate_limit_option() -> None:
    assert parse_rate_limit({"max_per_second": 3}) == 3
    for bad in ({"max_per_second": 0}, {"max_per_second": 1.5}, {"max_per_second": True}, {}, 5):
        with pytest.raises(OJSError) as info:
            parse_rate_limit(bad)
        assert info.value.policy
    with pytest.raises(OJSError) as info:
        parse_rate_limit({"max_per_second": 1, "key": "k"})
    assert info.value.violations[0].field == "options.rate_limit.key"
