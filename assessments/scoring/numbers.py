"""Exact arithmetic of the scores: weights and one-decimal half-up rounding.

Numbers are read exactly with ``exact`` (checklists.scoring_settings, where the thresholds they
are compared with are read the same way); see docs/scoring.md, "Rounding and exact arithmetic".
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from checklists.scoring_settings import exact


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


def check_weight(value, what: str) -> Fraction:
    """Weights must be non-negative numbers: a negative weight would invert the score."""
    weight = exact(value, what)
    if weight < 0:
        raise ValueError(f"{what}: weight must not be negative, got {value!r}")
    return weight
