"""Backoff tables, non-retryable matching and the FAIL decision (semantics §5.2-§5.6)."""

from __future__ import annotations

import pytest

from ojs_grpc.backoff import (
    FailDecision,
    FailOutcome,
    backoff_ms,
    decide_failure,
    matches_non_retryable,
)
from ojs_grpc.model import BackoffStrategy, OnExhaustion, RetryPolicy


def policy(**kw: object) -> RetryPolicy:
    kw.setdefault("jitter", False)
    return RetryPolicy(**kw)  # type: ignore[arg-type]


# -- backoff tables -------------------------------------------------------------------------


def test_exponential_default_doubles_from_one_second() -> None:
    p = policy()
    assert [backoff_ms(p, n) for n in range(1, 11)] == [
        1_000,
        2_000,
        4_000,
        8_000,
        16_000,
        32_000,
        64_000,
        128_000,
        256_000,
        300_000,  # 512 s raw, capped at the 5 min default max_interval
    ]
    assert backoff_ms(p, 30) == 300_000


def test_exponential_capped_at_max_interval() -> None:
    p = policy(initial_interval_ms=1_000, backoff_coefficient=10.0, max_interval_ms=2_000)
    assert [backoff_ms(p, n) for n in (1, 2, 3)] == [1_000, 2_000, 2_000]


def test_coefficient_one_behaves_as_constant() -> None:
    p = policy(initial_interval_ms=700, backoff_coefficient=1.0)
    assert [backoff_ms(p, n) for n in (1, 2, 3, 4)] == [700, 700, 700, 700]


def test_linear() -> None:
    p = policy(backoff_strategy=BackoffStrategy.LINEAR)
    assert [backoff_ms(p, n) for n in (1, 2, 3, 4)] == [1_000, 2_000, 3_000, 4_000]
    capped = policy(backoff_strategy=BackoffStrategy.LINEAR, max_interval_ms=2_500)
    assert [backoff_ms(capped, n) for n in (1, 2, 3, 4)] == [1_000, 2_000, 2_500, 2_500]


def test_constant() -> None:
    p = policy(backoff_strategy=BackoffStrategy.CONSTANT, initial_interval_ms=1_500)
    assert [backoff_ms(p, n) for n in (1, 2, 5)] == [1_500, 1_500, 1_500]


def test_polynomial() -> None:
    p = policy(backoff_strategy=BackoffStrategy.POLYNOMIAL, backoff_coefficient=2.0)
    assert [backoff_ms(p, n) for n in (1, 2, 3)] == [1_000, 4_000, 9_000]


def test_retry_number_below_one_counts_as_first_retry() -> None:
    p = policy()
    assert backoff_ms(p, 0) == 1_000
    assert backoff_ms(p, -3) == 1_000


def test_jitter_lower_bound_with_rand_zero() -> None:
    p = policy(jitter=True)
    assert [backoff_ms(p, n, rand=0.0) for n in (1, 2, 3)] == [500, 1_000, 2_000]


def test_jitter_upper_bound_with_rand_near_one() -> None:
    p = policy(jitter=True)
    assert [backoff_ms(p, n, rand=0.999) for n in (1, 2, 3)] == [1_499, 2_998, 5_996]


def test_jitter_is_capped_after_multiplying() -> None:
    p = policy(
        jitter=True, initial_interval_ms=1_000, backoff_coefficient=10.0, max_interval_ms=2_000
    )
    assert backoff_ms(p, 2, rand=0.999) == 2_000  # 2 s * 1.499 would exceed the cap
    assert backoff_ms(p, 3, rand=0.0) == 1_000  # capped first (2 s), then halved


def test_jitter_with_coefficient_one_stays_in_range() -> None:
    p = policy(jitter=True, initial_interval_ms=2_000, backoff_coefficient=1.0)
    for _ in range(200):
        assert 1_000 <= backoff_ms(p, 3) <= 3_000
    assert backoff_ms(p, 3, rand=0.5) == 2_000


def test_random_jitter_within_bounds() -> None:
    p = policy(jitter=True)
    samples = {backoff_ms(p, 1) for _ in range(300)}
    assert min(samples) >= 500
    assert max(samples) <= 1_500
    assert len(samples) > 1  # it really is random


# -- non-retryable matching -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("patterns", "error_type", "expected"),
    [
        (("FatalError",), "FatalError", True),
        (("FatalError",), "FatalErrorX", False),
        (("FatalError",), "fatalerror", False),  # case-sensitive
        (("auth.*",), "auth.token_expired", True),
        (("auth.*",), "auth.x.y", True),
        (("auth.*",), "auth", False),
        (("auth.*",), "auth.", True),
        (("auth.*",), "external.auth.x", False),
        (("auth.*",), "authz.denied", False),
        (("Auth.*",), "Auth.TokenExpired", True),
        (("auth*",), "authz", False),  # only a trailing ".*" is a wildcard
        (("auth*",), "auth*", True),
        (("a", "b.*"), "b.c", True),
        (("a", "b.*"), "c", False),
        ((), "anything", False),
    ],
)
def test_matches_non_retryable(patterns: tuple[str, ...], error_type: str, expected: bool) -> None:
    assert matches_non_retryable(patterns, error_type) is expected


# -- decide_failure ---------------------------------------------------------------------------


def test_retry_with_backoff_delay() -> None:
    p = policy(max_attempts=3)
    assert decide_failure(p, 1, 3, "Boom") == FailDecision(FailOutcome.RETRY, 1_000)
    assert decide_failure(p, 2, 3, "Boom") == FailDecision(FailOutcome.RETRY, 2_000)


def test_retry_with_jitter_uses_rand() -> None:
    p = policy(jitter=True)
    assert decide_failure(p, 1, 3, "Boom", rand=0.0) == FailDecision(FailOutcome.RETRY, 500)


def test_exhaustion_discards_by_default() -> None:
    p = policy(max_attempts=3)
    assert decide_failure(p, 3, 3, "Boom") == FailDecision(FailOutcome.DISCARD, 0)
    assert decide_failure(p, 4, 3, "Boom") == FailDecision(FailOutcome.DISCARD, 0)


def test_exhaustion_dead_letters_when_asked() -> None:
    p = policy(on_exhaustion=OnExhaustion.DEAD_LETTER)
    assert decide_failure(p, 3, 3, "Boom") == FailDecision(FailOutcome.DEAD_LETTER, 0)


def test_max_attempts_one_never_retries() -> None:
    assert decide_failure(policy(max_attempts=1), 1, 1, "Boom").outcome is FailOutcome.DISCARD


def test_non_retryable_follows_on_exhaustion() -> None:
    discard = policy(non_retryable_errors=("auth.*", "FatalError"))
    dead = policy(non_retryable_errors=("auth.*",), on_exhaustion=OnExhaustion.DEAD_LETTER)
    assert decide_failure(discard, 1, 5, "FatalError") == FailDecision(FailOutcome.DISCARD)
    assert decide_failure(discard, 1, 5, "auth.expired") == FailDecision(FailOutcome.DISCARD)
    assert decide_failure(dead, 1, 5, "auth.expired") == FailDecision(FailOutcome.DEAD_LETTER)
    assert decide_failure(dead, 1, 5, "auth").outcome is FailOutcome.RETRY


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("DEAD_LETTER", FailOutcome.DEAD_LETTER),
        ("DISCARD", FailOutcome.DISCARD),
        ("FAIL", FailOutcome.DISCARD),
        ("RETRY", FailOutcome.RETRY),
        ("handler_error", FailOutcome.RETRY),
    ],
)
def test_handler_codes_override_the_policy(code: str, expected: FailOutcome) -> None:
    # Attempts are left and the policy would retry; only the handler code decides.
    p = policy(max_attempts=5)
    decision = decide_failure(p, 1, 5, "Boom", handler_code=code)
    assert decision.outcome is expected
    assert decision.delay_ms == (1_000 if expected is FailOutcome.RETRY else 0)


def test_handler_discard_beats_dead_letter_policy() -> None:
    p = policy(on_exhaustion=OnExhaustion.DEAD_LETTER)
    assert decide_failure(p, 1, 3, "x", handler_code="DISCARD").outcome is FailOutcome.DISCARD
    assert decide_failure(p, 1, 3, "x", handler_code="FAIL").outcome is FailOutcome.DISCARD


def test_requeue_wins_over_everything() -> None:
    p = policy(non_retryable_errors=("Boom",), on_exhaustion=OnExhaustion.DEAD_LETTER)
    for handler_code in ("", "DEAD_LETTER", "DISCARD"):
        assert decide_failure(
            p, 3, 3, "Boom", handler_code=handler_code, requeue=True
        ) == FailDecision(FailOutcome.REQUEUE, 0)


def test_fail_outcome_values_are_the_store_outcomes() -> None:
    assert [o.value for o in FailOutcome] == ["retry", "discard", "dead_letter", "requeue"]
