"""The limits a sample is judged by: the action limits of the limit table in force (versioned
reference data) and a site's own alert limits, which must lie below the action limit."""

from datetime import date

from django.utils import timezone

from config.exceptions import ConflictError, InvalidInput

from .models import ActionLimit, AlertLimit, LimitTable

Key = tuple[str, str, str]  # grade, state, kind


def table_in_force(on: date | None = None) -> LimitTable:
    """The newest limit table whose `effective_from` has come; 409 when none is loaded."""
    on = on or timezone.localdate()
    table = LimitTable.objects.filter(effective_from__lte=on).order_by("-version").first()
    if table is None:
        raise ConflictError("No environmental-monitoring limit table is loaded: run `manage.py load_reference_data`.")
    return table


def action_limits(table: LimitTable) -> dict[Key, object]:
    """{(grade, state, kind): Decimal or None} for every key of the table."""
    return {(a.grade, a.state, a.kind): a.value for a in ActionLimit.objects.filter(table=table)}


def alert_limits(site) -> dict[Key, object]:
    return {(a.grade, a.state, a.kind): a.value for a in AlertLimit.objects.filter(site=site)}


def limits_for(site, table: LimitTable) -> dict[Key, tuple]:
    """{(grade, state, kind): (action limit, alert limit)} for `site`, either None when not set."""
    actions = action_limits(table)
    alerts = alert_limits(site) if site is not None else {}
    return {key: (actions.get(key), alerts.get(key)) for key in set(actions) | set(alerts)}


def check_alert_limit(alert: AlertLimit) -> None:
    """A site's alert limit lies below the action limit in force for its grade, state and kind
    (an alert that only fires at the action limit warns of nothing). Where the guideline sets no
    action limit, any alert limit the site chooses applies."""
    if alert.value is None or not (alert.grade and alert.state and alert.kind):
        return
    limit = ActionLimit.objects.filter(
        table=table_in_force(), grade=alert.grade, state=alert.state, kind=alert.kind
    ).first()
    if limit is not None and limit.value is not None and alert.value >= limit.value:
        raise InvalidInput(
            {
                "value": [
                    f"An alert limit must be below the action limit ({limit.value.normalize():f} {limit.unit} for "
                    f"grade {alert.grade} {alert.get_state_display().lower()}, {alert.get_kind_display().lower()})."
                ]
            }
        )
