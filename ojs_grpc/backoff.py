"""Pure retry logic: backoff delays, non-retryable matching, the FAIL decision."""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum

from .model import BackoffStrategy, OnExhaustion, RetryPolicy

# Worker-side handler codes that override the policy (ojs-retry §7).
HANDLER_DISCARD = "DISCARD"
HANDLER_DEAD_LETTER = "DEAD_LETTER"
HANDLER_FAIL = "FAIL"


def backoff_ms(policy: RetryPolicy, retry_number: int, rand: float | None = None) -> int:
    """Delay before retry ``retry_number`` (1 = the second attempt), in ms.

    Capped at ``max_interval`` before and after jitter; jitter multiplies by a
    factor in [0.5, 1.5). ``rand`` in [0, 1) makes the jitter deterministic.
    """
    n = max(1, retry_number)
    base = float(policy.initial_interval_ms)
    match policy.backoff_strategy:
        case BackoffStrategy.CONSTANT:
            raw = base
        case BackoffStrategy.LINEAR:
            raw = base * n
        case BackoffStrategy.POLYNOMIAL:
            raw = base * n**policy.backoff_coefficient
        case _:
            raw = base * policy.backoff_coefficient ** (n - 1)
    delay = min(raw, float(policy.max_interval_ms))
    if policy.jitter:
        r = random.random() if rand is None else rand
        delay = min(delay * (0.5 + r), float(policy.max_interval_ms))
    return max(0, round(delay))


def matches_non_retryable(patterns: tuple[str, ...], error_type: str) -> bool:
    """Exact match, or prefix match for entries ending in ``.*`` (``auth.*``)."""
    for pattern in patterns:
        if pattern == error_type:
            return True
        if pattern.endswith(".*") and error_type.startswith(pattern[:-1]):
            return True
    return False


class FailOutcome(StrEnum):
    RETRY = "retry"
    DISCARD = "discard"
    DEAD_LETTER = "dead_letter"
    REQUEUE = "requeue"


@dataclass(frozen=True)
class FailDecision:
    outcome: FailOutcome
    delay_ms: int = 0


def decide_failure(
    policy: RetryPolicy,
    attempt: int,
    max_attempts: int,
    error_type: str,
    handler_code: str = "",
    requeue: bool = False,
    rand: float | None = None,
) -> FailDecision:
    """What a failed attempt leads to (ojs-retry §3-§7).

    ``attempt`` is the attempt that failed (1-based). The worker's own
    ``retryable`` flag is deliberately not an input: proto3 cannot tell
    "false" from "unset", so honouring it would make the bindings disagree.
    """
    if requeue:
        return FailDecision(FailOutcome.REQUEUE)
    exhausted_outcome = (
        FailOutcome.DEAD_LETTER
        if policy.on_exhaustion is OnExhaustion.DEAD_LETTER
        else FailOutcome.DISCARD
    )
    if handler_code == HANDLER_DEAD_LETTER:
        return FailDecision(FailOutcome.DEAD_LETTER)
    if handler_code in (HANDLER_DISCARD, HANDLER_FAIL):
        return FailDecision(FailOutcome.DISCARD)
    if matches_non_retryable(policy.non_retryable_errors, error_type):
        return FailDecision(exhausted_outcome)
    if attempt >= max_attempts:
        return FailDecision(exhausted_outcome)
    return FailDecision(FailOutcome.RETRY, backoff_ms(policy, attempt, rand))
