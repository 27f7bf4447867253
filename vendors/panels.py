"""Sections that apps above the registry add to the vendor page.

The registry knows nothing of assessments; an app that does (insights: the vendor's assessment
history and its charts) registers a panel here when it is ready, and the vendor page shows what
each panel renders, in the order they were registered."""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

Panel = Callable[[HttpRequest, object], SafeString | str]
_PANELS: list[Panel] = []


def register(panel: Panel) -> Panel:
    """Add a panel (a function of the request and the vendor that returns HTML); usable as a decorator."""
    if panel not in _PANELS:
        _PANELS.append(panel)
    return panel


def render_all(request: HttpRequest, vendor) -> list[SafeString | str]:
    return [panel(request, vendor) for panel in _PANELS]
