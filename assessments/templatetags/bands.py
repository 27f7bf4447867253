"""`{{ score|score_band }}`: the band ("ok", "warn", "bad", "none") a score's bar is coloured by,
the same as the charts' (config/charts.py)."""

from django import template

from config import charts

register = template.Library()


@register.filter
def score_band(score) -> str:
    return charts.band(None if score is None else float(score))
