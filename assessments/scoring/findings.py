"""Findings: counts per class, the class proposed from a question's severity, the PIC/S rule.

Rules: docs/scoring.md, "Findings".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from checklists.scoring_settings import check_choice, is_whole

from ..choices import FindingClass

FINDING_CLASSES = tuple(FindingClass.values)

_PICS_MINOR_LIMIT = 3
_CLASS_BY_SEVERITY = {5: FindingClass.CRITICAL.value, 4: FindingClass.MAJOR.value}


def _check_class(cls) -> None:
    check_choice(cls, FINDING_CLASSES, f"{cls}", "finding class")


def count_findings(findings) -> dict[str, int]:
    """Counts per class (all four present) from (criterion, class) pairs or a class->count map."""
    counts = dict.fromkeys(FINDING_CLASSES, 0)
    if findings is None:
        return counts
    if isinstance(findings, Mapping):
        for cls, count in findings.items():
            _check_class(cls)
            if not is_whole(count, 0):
                raise ValueError(f"{cls}: finding count must be a whole number >= 0, got {count!r}")
            counts[cls] = count
        return counts
    for _criterion, cls in findings:
        _check_class(cls)
        counts[cls] += 1
    return counts


def propose_classification(severity: int) -> str:
    """Proposed finding class from question severity (5 critical, 4 major, else minor)."""
    if not is_whole(severity, 1) or severity > 5:
        raise ValueError(f"severity must be a whole number 1-5, got {severity!r}")
    return _CLASS_BY_SEVERITY.get(severity, FindingClass.MINOR.value)


def pics_flagged_criteria(findings: Iterable[tuple[str, str]]) -> list[str]:
    """Criteria with >= 3 minor findings: a possible major the auditor must confirm or justify."""
    minors: Counter[str] = Counter()
    for criterion, cls in findings:
        _check_class(cls)
        if cls == FindingClass.MINOR:
            minors[criterion] += 1
    return sorted(code for code, count in minors.items() if count >= _PICS_MINOR_LIMIT)
