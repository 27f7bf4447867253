"""Exact arithmetic of the scores: weights, weighted means and one-decimal half-up rounding.

Numbers are read exactly with ``exact`` (checklists.scoring_settings, where the thresholds they
are compared with are read the same way); see docs/scoring.md, "Rounding and exact arithmetic".
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from checklists.scoring_settings import exact


def check_weight(value, what: str) -> Fraction:
    """Weights must be non-negative numbers: a negative weight would invert the score."""
    weight = exact(value, what)
    if weight < 0:
        raise ValueError(f"{what}: weight must not be negative, got {value!r}")
    return weight


def weighted_mean(items: Iterable[tuple[str, object, Fraction | None]]) -> tuple[Fraction | None, Fraction]:
    """Mean of (code, weight, value) items that have a value, and their total weight.

    The mean is None when the total weight is 0: nothing to score, or only weights of 0.
    """
    weighted = total = Fraction(0)
    for code, weight, value in items:
        if value is None:
            continue
        checked = check_weight(weight, f"{code}.weight")
        weighted += checked * value
        total += checked
    return (weighted / total if total else None), total


def round1(value: Fraction) -> Fraction:
    """Round to one decimal, half up (away from zero), exactly: what the user sees is rated."""
    tenths = math.floor(abs(value) * 10 + Fraction(1, 2))
    return Fraction(tenths if value >= 0 else -tenths, 10)


def to_display(value: Fraction | None) -> float | None:
    """One-decimal float for JSON; goes through Decimal so 82.5 prints as 82.5."""
    if value is None:
        return None
    rounded = round1(value)
    return float(Decimal(rounded.numerator) / Decimal(rounded.denominator))
