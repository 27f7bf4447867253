"""A date a vendor or the lead gives for what is still to come (a proposed completion, a
questionnaire's due date): ISO text or a date, today or later."""

import datetime

from django.utils import timezone

from config.exceptions import InvalidInput


def day_from_today(name: str, value) -> datetime.date:
    if isinstance(value, datetime.date):
        day = value
    else:
        try:
            day = datetime.date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            day = None
        if day is None:
            raise InvalidInput({name: ["Give a date as YYYY-MM-DD."]})
    today = timezone.localdate()
    if day < today:
        raise InvalidInput({name: [f"{day.isoformat()} is in the past: give {today.isoformat()} or later."]})
    return day
