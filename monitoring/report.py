"""The environmental-monitoring section of the audit report: its context (reports/rendering.py
adds it as `em`) and its template, templates/monitoring/_report_section.html."""

from .overview import overview

TEMPLATE = "monitoring/_report_section.html"


def section_context(assessment) -> dict:
    """The summary, the trend charts and the excursions with their findings; `present` is False
    when the assessment reviews no EM data (the report then leaves the section out)."""
    context = overview(assessment)
    context["present"] = bool(context["data_sets"])
    return context
