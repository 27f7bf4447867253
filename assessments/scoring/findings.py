"""Findings: counts per class, the class proposed from a question's severity, the PIC/S rule.

Rules: docs/scoring.md, "Findings".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

FINDING_CLASSES = ("critical", "major", "minor", "observation")
_PICS_MINOR_LIMIT = 3


def count_findings(findings) -> dict[str, int]:
    """Counts per class (all four present) from (criterion, class) pairs or a class->count map."""
    counts = {cls: 0 for cls in FINDING_CLASSES}
    if findings is None:
        return counts
    if isinstance(findings, Mapping):
        for cls, count in findings.items():
            if cls not in counts:
                raise ValueError(f"{cls}: unknown finding class (use {', '.join(FINDING_CLASSES)})")
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise ValueError(f"{cls}: finding count must be a whole number >= 0, got {count!r}")
            counts[cls] = count
        return counts
    for _criterion, cls in findings:
        if cls not in counts:
            raise ValueError(f"{cls}: unknown finding class (use {', '.join(FINDING_CLASSES)})")
        counts[cls] += 1
    return counts


def propose_classification(severity: int) -> str:
    """Proposed finding class from question severity (5 critical, 4 major, else minor)."""
    if not isinstance(severity, int) or isinstance(severity, bool) or not 1 <= severity <= 5:
        raise ValueError(f"severity must be a whole number 1-5, got {severity!r}")
    if severity == 5:
        return "critical"
    if severity == 4:
        return "major"
    return "minor"


def pics_flagged_criteria(findings: Iterable[tuple[str, str]]) -> list[str]:
    """Criteria with >= 3 minor findings: a possible major the auditor must confirm or justify."""
    minors: dict[str, int] = {}
    for criterion, cls in findings:
        if cls not in FINDING_CLASSES:
            raise ValueError(f"{cls}: unknown finding class (use {', '.join(FINDING_CLASSES)})")
        if cls == "minor":
            minors[criterion] = minors.get(criterion, 0) + 1
    return sorted(code for code, count in minors.items() if count >= _PICS_MINOR_LIMIT)
