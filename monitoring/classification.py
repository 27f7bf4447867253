"""What one environmental-monitoring result is against its limits (docs/domain.md §5). Pure
Python, no Django: the import, the tests and the benchmark call it for every sample.

Limits are inclusive: a value equal to its limit is within it. "No growth" is a limit of 0, so
in grade A any growth of a viable sample is an excursion. A result above the action limit is an
excursion; otherwise above the site's alert limit it is an alert; otherwise within. Without an
action limit and without an alert limit there is nothing to judge it by: `no_limit`. A site's
own alert limit applies also where the guideline sets no action limit."""

from decimal import Decimal

WITHIN = "within"
ALERT = "alert"
EXCURSION = "excursion"
NO_LIMIT = "no_limit"


def classify(value: Decimal, action_limit: Decimal | None, alert_limit: Decimal | None = None) -> str:
    """`within`, `alert`, `excursion` or `no_limit` for `value` against its limits (None: not set)."""
    if action_limit is not None and value > action_limit:
        return EXCURSION
    if alert_limit is not None and value > alert_limit:
        return ALERT
    if action_limit is None and alert_limit is None:
        return NO_LIMIT
    return WITHIN


def finding_class(grades: set[str], excursions: int) -> str:
    """The class proposed for the excursions at one location (docs/em-format.md, "Findings"):
    two or more are a major finding ("repeated"); one in grade A or B is major; one in grade C
    or D is minor."""
    if excursions >= 2 or grades & {"A", "B"}:
        return "major"
    return "minor"
