"""The stored JSON (ojs_grpc/store/records.py): the fast encoder writes exactly what the
standard one writes, for every value the standard one takes; state documents read back
as they were written; a retry policy read back is the policy written."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ojs_grpc.model import OnExhaustion, RetryPolicy
from ojs_grpc.store.records import _retry_policy, dumpb, dumps, load_doc, loads

STANDARD = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


@pytest.mark.parametrize(
    "value",
    [
        {"a": 1, "b": [1.5, "é 漢字", True, {"c": "d"}]},
        [1e22, 0.1 + 0.2, -0.0, 2**63, 2**64 - 1],
        {"with": None, "text": "null"},
        {"nan": float("nan"), "inf": float("inf")},  # orjson would write null
        {"big": 2**70, "small": -(2**64)},  # orjson refuses them
        {1: "int key", None: "none key"},  # orjson refuses non-string keys
        "lone \ud800 surrogate",  # orjson refuses it
        "\u2028 \x00 \x1f",
    ],
)
def test_dumps_writes_what_the_standard_encoder_writes(value: Any) -> None:
    assert dumps(value) == STANDARD.encode(value)
    try:
        expected = STANDARD.encode(value).encode()
    except UnicodeEncodeError:  # a lone surrogate has no UTF-8 form: dumpb refuses it too
        with pytest.raises(UnicodeEncodeError):
            dumpb(value)
    else:
        assert dumpb(value) == expected


def test_a_state_document_reads_back_as_written() -> None:
    doc = {
        "state": "active",
        "attempt": 2,
        "created_at": 1_795_537_556_064,
        "worker_id": "w-é",
        "has_error": True,
        "progress": json.dumps({"fraction": 0.5}),
    }
    assert load_doc(dumps(doc)) == doc


def test_a_retry_policy_reads_back_as_written_and_once() -> None:
    policy = RetryPolicy(max_attempts=7, non_retryable_errors=("a",), jitter=False)
    other = RetryPolicy(on_exhaustion=OnExhaustion.DEAD_LETTER)
    got = _retry_policy(json.loads(dumps(policy.to_dict())))
    assert got == policy and _retry_policy(policy.to_dict()) is got
    assert _retry_policy(other.to_dict()) == other


@pytest.mark.parametrize(
    "text",
    [
        '{"a":[1,2.5,"é",null,true],"b":{"c":-0.0}}',
        '{"big":1180591620717411303424,"neg":-18446744073709551616}',  # orjson: floats
        "[18446744073709551615,10000000000000000000]",  # 20 digits, within 64 bits
        '{"x":NaN,"y":Infinity,"z":-Infinity}',  # orjson refuses them
        '"lone \\ud800 surrogate"',
        "[1e400, 1.5e-400]",
    ],
)
def test_loads_reads_what_the_standard_decoder_reads(text: str) -> None:
    assert repr(loads(text)) == repr(json.loads(text))


def test_loads_round_trips_what_dumps_writes() -> None:
    value = {"n": [2**70, -(2**65), float("nan"), 0.1], "s": "\ud800 é"}
    assert repr(loads(dumps(value))) == repr(value)
