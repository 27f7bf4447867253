"""Scoring settings a checklist version carries: rating thresholds and the requalification matrix.

Pure standard-library Python, imported by the scoring engine (assessments/scoring) and importing
nothing of it.  It also holds the value checks the engine shares, so that a threshold here and a
score there are read as the same exact number.  Rules and defaults: docs/scoring.md, from
docs/domain.md §3.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType

from vendors.choices import InherentRisk, RiskRating

RATINGS = tuple(RiskRating.values)
INHERENT_RISKS = tuple(InherentRisk.values)

_THRESHOLD_KEYS = (
    "critical_below_overall",
    "high_below_overall",
    "high_below_criterion",
    "medium_below_overall",
)
_MONTHS = "requalification_months"
_SECTION_SHAPES = {"rating_thresholds": "a mapping", _MONTHS: "a mapping of inherent risk to ratings"}
_DEFAULT_MONTHS = {
    "high": {"low": 24, "medium": 12, "high": 12, "critical": 6},
    "medium": {"low": 36, "medium": 24, "high": 12, "critical": 6},
    "low": {"low": 36, "medium": 36, "high": 24, "critical": 6},
}


# --------------------------------------------------------------------------- value checks


def is_number(value) -> bool:
    """Real numbers we accept; bool is excluded because True == 1 would score by accident."""
    return isinstance(value, (int, float, Decimal, Fraction)) and not isinstance(value, bool)


def is_whole(value, minimum: int) -> bool:
    """A whole number (not a bool, not 12.0) of at least ``minimum``."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def exact(value, what: str) -> Fraction:
    """Exact rational of a number, a float read at its decimal repr, so 0.1 is one tenth."""
    if not is_number(value):
        raise ValueError(f"{what}: expected a number, got {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{what}: expected a finite number, got {value!r}")
        return Fraction(repr(value))
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{what}: expected a finite number, got {value!r}")
    return Fraction(value)


def check_choice(value, choices: tuple[str, ...], label: str, what: str) -> None:
    """Refuse a value that is not one of ``choices``, naming it by ``label`` and listing them."""
    if value not in choices:
        raise ValueError(f"{label}: unknown {what} (use {', '.join(choices)})")


# --------------------------------------------------------------------------- validation


def _threshold(key: str, value) -> float:
    """A rating threshold is a score, so a number in 0..100."""
    name = f"rating_thresholds.{key}"
    if not is_number(value):
        raise ValueError(f"{name}: must be a number between 0 and 100, got {value!r}")
    if not 0 <= exact(value, name) <= 100:
        raise ValueError(f"{name}: must be between 0 and 100, got {value!r}")
    return float(value)


def _check_ratings(row: Mapping, label: str) -> None:
    for rating in row:
        check_choice(rating, RATINGS, f"{label}.{rating}", "rating")


def _months_row(row, label: str) -> Mapping[str, int]:
    """One inherent risk's complete row of whole months >= 1, frozen."""
    if not isinstance(row, Mapping):
        raise ValueError(f"{label}: missing or not a mapping of rating to months")
    _check_ratings(row, label)
    cells = {}
    for rating in RATINGS:
        months = row.get(rating)
        if not is_whole(months, 1):
            raise ValueError(f"{label}.{rating}: must be a whole number of months >= 1, got {months!r}")
        cells[rating] = months
    return MappingProxyType(cells)


def _months_matrix(matrix) -> Mapping[str, Mapping[str, int]]:
    """Validate a complete inherent-risk x rating matrix and freeze it (settings are immutable)."""
    if not isinstance(matrix, Mapping):
        raise ValueError(f"{_MONTHS}: must be {_SECTION_SHAPES[_MONTHS]}")
    for inherent in matrix:
        check_choice(inherent, INHERENT_RISKS, f"{_MONTHS}.{inherent}", "inherent risk")
    rows = {inherent: _months_row(matrix.get(inherent), f"{_MONTHS}.{inherent}") for inherent in INHERENT_RISKS}
    return MappingProxyType(rows)


def _section(data: Mapping, key: str) -> Mapping:
    """One section of stored settings; an absent or null section sets nothing."""
    section = data.get(key)
    if section is None:
        return {}
    if not isinstance(section, Mapping):
        raise ValueError(f"{key}: must be {_SECTION_SHAPES[key]}")
    return section


def _merge_months(overrides: Mapping) -> dict:
    """Overlay partial month overrides on the defaults, naming any unknown key."""
    merged = {inherent: dict(row) for inherent, row in _DEFAULT_MONTHS.items()}
    for inherent, row in overrides.items():
        label = f"{_MONTHS}.{inherent}"
        check_choice(inherent, INHERENT_RISKS, label, "inherent risk")
        if not isinstance(row, Mapping):
            raise ValueError(f"{label}: must be a mapping of rating to months")
        _check_ratings(row, label)
        merged[inherent].update(row)
    return merged


def _default_months() -> Mapping[str, Mapping[str, int]]:
    return _months_matrix(_DEFAULT_MONTHS)


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class ScoringSettings:
    """Per-checklist-version scoring parameters; defaults are docs/domain.md §3."""

    critical_below_overall: float = 60
    high_below_overall: float = 75
    high_below_criterion: float = 50
    medium_below_overall: float = 90
    requalification_months: Mapping[str, Mapping[str, int]] = field(default_factory=_default_months, hash=False)

    def __post_init__(self):
        for key in _THRESHOLD_KEYS:
            object.__setattr__(self, key, _threshold(key, getattr(self, key)))
        if not self.critical_below_overall <= self.high_below_overall <= self.medium_below_overall:
            raise ValueError(
                "rating_thresholds: need critical_below_overall <= high_below_overall <= medium_below_overall, got "
                f"{self.critical_below_overall} / {self.high_below_overall} / {self.medium_below_overall}"
            )
        object.__setattr__(self, "requalification_months", _months_matrix(self.requalification_months))

    @classmethod
    def from_dict(cls, data: Mapping | None) -> ScoringSettings:
        """Build from stored JSON; missing keys take defaults, bad or unknown keys raise ValueError."""
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise ValueError(f"scoring settings: must be a mapping, got {type(data).__name__}")
        for key in data:
            if key not in _SECTION_SHAPES:
                raise ValueError(f"{key}: unknown scoring setting")
        thresholds = _section(data, "rating_thresholds")
        for key in thresholds:
            check_choice(key, _THRESHOLD_KEYS, f"rating_thresholds.{key}", "threshold")
        months = _merge_months(_section(data, _MONTHS))
        return cls(**dict(thresholds), requalification_months=months)

    def to_dict(self) -> dict:
        """Plain JSON-ready dict in the shape ``from_dict`` accepts (round-trips)."""
        return {
            "rating_thresholds": {key: getattr(self, key) for key in _THRESHOLD_KEYS},
            _MONTHS: {inherent: dict(row) for inherent, row in self.requalification_months.items()},
        }
